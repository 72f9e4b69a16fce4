"""The course's website (`make test-site`): built from the committed notebooks, checked as files.

The site is built once, into a temporary folder, by the same command as `make site`
(docs/build.py: warnings are errors). Then every page is read back: each lesson is a page with
all its figures and tables, in course order in the sidebar, with working navigation links and
launch buttons; every internal link and anchor resolves; nothing is loaded from the network
(MathJax is served from the site). tests/browser/test_site_in_browser.py opens it in Chromium.

Left out of plain `pytest` (pyproject.toml's addopts): it needs the "site" extra (Sphinx,
myst-nb, sphinx-book-theme), which `make test` does not install.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402

INDEX_PAGE = course.INDEX.replace(".ipynb", ".html")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


def build_site(outdir: Path) -> subprocess.CompletedProcess:
    """Build the site into ``outdir`` with docs/build.py, as `make site` does."""
    return subprocess.run([sys.executable, str(ROOT / "docs" / "build.py"), str(outdir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    outdir = tmp_path_factory.mktemp("site") / "html"
    return outdir, build_site(outdir)


@pytest.fixture(scope="module")
def site(build) -> Path:
    outdir, result = build
    if result.returncode != 0:
        pytest.fail(f"the site did not build:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}",
                    pytrace=False)
    return outdir


class Page(HTMLParser):
    """The links, ids, images and text of one HTML page."""

    def __init__(self, path: Path):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, target)
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.anchors: list[tuple[str, str]] = []  # (href, text) of every <a>
        self._open_a: list[list[str]] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if target is not None:
            self.links.append((tag, target))
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "a":
            self._open_a.append([attrs.get("href", ""), ""])

    def handle_data(self, data):
        for a in self._open_a:
            a[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open_a:
            href, text = self._open_a.pop()
            self.anchors.append((href, " ".join(text.split())))


def external(target: str) -> bool:
    return bool(re.match(r"[a-z][a-z0-9+.-]*:|//", target))


def notebook(stem: str) -> dict:
    return json.loads((course.NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))


def outputs(stem: str) -> list[dict]:
    return [o for c in notebook(stem)["cells"] for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    """Every page a reader can open (the theme's Jinja macro files in _static/ are not pages)."""
    paths = [p for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts]
    return {p.relative_to(site).as_posix(): Page(p) for p in paths}


def test_the_site_builds_with_warnings_as_errors(build):
    outdir, result = build
    assert result.returncode == 0, result.stderr[-6000:]
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert (outdir / INDEX_PAGE).is_file()
    assert not outdir.joinpath(".doctrees").exists(), "the doctrees would be deployed"


def test_every_lesson_is_a_page_and_the_sidebar_lists_them_in_course_order(pages):
    titles = [f"{lesson.number} {lesson.title}" for lesson in course.LESSONS]
    assert {INDEX_PAGE} | {f"{lesson.stem}.html" for lesson in course.LESSONS} <= set(pages)
    for name in [INDEX_PAGE] + [f"{lesson.stem}.html" for lesson in course.LESSONS]:
        sidebar = [(href, text) for href, text in pages[name].anchors if text in titles]
        # the theme links the page being read to itself as "#"
        expected = [("#" if f"{x.stem}.html" == name else f"{x.stem}.html", t)
                    for x, t in zip(course.LESSONS, titles, strict=True)]
        assert sidebar == expected, name


def test_the_address_of_the_site_opens_the_index_notebook(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert f'http-equiv="refresh" content="0; url={INDEX_PAGE}"' in text
    assert f'<a href="{INDEX_PAGE}">' in text


def test_every_internal_link_resolves_to_a_file_and_every_anchor_to_an_id(site, pages):
    broken = []
    for name, page in pages.items():
        for tag, target in page.links:
            if not target or external(target):
                continue
            parts = urlsplit(target)
            path = (site / name).parent / unquote(parts.path) if parts.path else site / name
            if not path.resolve().is_relative_to(site.resolve()) or not path.is_file():
                broken.append(f"{name}: <{tag}> {target} (no file)")
            elif parts.fragment and path.suffix == ".html":
                ids = pages[path.resolve().relative_to(site.resolve()).as_posix()].ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{name}: <{tag}> {target} (no id {parts.fragment!r})")
    assert broken == []
    assert sum(len(p.links) for p in pages.values()) > 500  # the parser did see the links


def test_no_page_loads_anything_from_the_network(pages):
    remote = [f"{name}: <{tag}> {target}" for name, page in pages.items()
              for tag, target in page.links if tag != "a" and external(target)]
    assert remote == []


def test_mathjax_is_served_from_the_site(site, pages):
    with_maths = [name for name in pages if 'class="math' in (site / name).read_text()]
    assert {f"{lesson.stem}.html" for lesson in course.LESSONS} <= set(with_maths)
    for name in with_maths:
        scripts = [t for tag, t in pages[name].links if tag == "script" and "tex-chtml" in t]
        assert [s.split("?")[0] for s in scripts] == ["_static/mathjax/tex-chtml.js"], name
    mathjax = site / "_static" / "mathjax"
    assert 'VERSION="3.2.2"' in (mathjax / "tex-chtml.js").read_text(encoding="utf-8")
    assert len(list((mathjax / "output/chtml/fonts/woff-v2").glob("*.woff"))) > 20
    assert "Apache License" in (mathjax / "LICENSE").read_text()


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.stem)
def test_every_figure_and_table_of_a_lesson_is_on_its_page(site, pages, lesson):
    page = pages[f"{lesson.stem}.html"]
    figures = sum("image/png" in o.get("data", {}) for o in outputs(lesson.stem))
    shown = [src for src in page.images if src.startswith("_images/")]
    assert len(shown) == figures
    assert all((site / src).stat().st_size > 1000 for src in shown)
    tables = sum("<table" in "".join(o.get("data", {}).get("text/html", ""))
                 for o in outputs(lesson.stem))
    html = (site / f"{lesson.stem}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<table[^>]*class="dataframe', html)) == tables


@pytest.mark.parametrize("i", range(len(course.LESSONS)), ids=lambda i: course.LESSONS[i].stem)
def test_the_navigation_cells_are_links_between_pages(pages, i):
    anchors = pages[f"{course.LESSONS[i].stem}.html"].anchors
    expected = [(INDEX_PAGE, "Contents")]
    if i > 0:
        previous = course.LESSONS[i - 1]
        expected.append((f"{previous.stem}.html", f"Previous: {previous.number} {previous.title}"))
    if i + 1 < len(course.LESSONS):
        following = course.LESSONS[i + 1]
        expected.append((f"{following.stem}.html", f"Next: {following.number} {following.title}"))
    for link in expected:
        assert anchors.count(link) == 2, f"{link} should be at the top and at the bottom"


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.stem)
def test_explorers_show_a_note_instead_of_a_widget(site, lesson):
    explorers = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs(lesson.stem))
    html = (site / f"{lesson.stem}.html").read_text(encoding="utf-8")
    assert WIDGET_VIEW not in html and "Explorer(children=" not in html
    assert "Playground(children=" not in html
    assert html.count("The explorer runs in the notebook") == explorers


def test_the_four_explorer_lessons_are_the_ones_expected():
    # The note above is only tested where there is an explorer: keep the count honest.
    with_explorer = [x.number for x in course.LESSONS
                     if any(WIDGET_VIEW in o.get("data", {}) for o in outputs(x.stem))]
    assert with_explorer == ["01", "03", "05", "06"]


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.stem)
def test_launch_buttons_open_the_lesson_on_binder_and_colab(pages, lesson):
    hrefs = {href for href, _ in pages[f"{lesson.stem}.html"].anchors}
    path = f"notebooks/{lesson.file}"
    assert f"https://mybinder.org/v2/gh/{course.REPOSITORY}/main?urlpath=lab/tree/{path}" in hrefs
    assert f"https://colab.research.google.com/github/{course.REPOSITORY}/blob/main/{path}" in hrefs


def test_links_to_the_library_point_to_github(pages):
    hrefs = {href for href, _ in pages[INDEX_PAGE].anchors}
    assert f"https://github.com/{course.REPOSITORY}/blob/main/nnlib/layers.py" in hrefs
    assert not any("../nnlib" in href for page in pages.values() for href, _ in page.anchors)


def test_the_search_index_holds_every_lesson(site):
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    assert (site / "search.html").is_file()
    for lesson in course.LESSONS:
        assert f'"{lesson.stem}"' in index


def test_make_site_the_pages_workflow_and_docs_build_py_agree_on_the_command_and_folder():
    makefile = (ROOT / "Makefile").read_text()
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert re.search(r"^SITE \?= build/site$", makefile, re.MULTILINE)
    assert re.search(r"^site: .*\n\t\$\(BIN\)/python docs/build\.py \$\(SITE\)$", makefile, re.MULTILINE)
    assert re.search(r"^\s+run: make site$", workflow, re.MULTILINE)
    assert re.search(r"^\s+path: build/site$", workflow, re.MULTILINE)
    sys.path.insert(0, str(ROOT / "docs"))
    import build as docs_build  # docs/build.py

    assert docs_build.DEFAULT_OUTDIR == ROOT / "build" / "site"
