"""The course's website in headless Chromium, opened from the built files, with no network.

The site is built into a temporary folder by docs/build.py (the command of `make site`), then
Chromium (Debian's /usr/bin/chromium driven by Playwright, as in test_course_in_browser.py)
opens it through file:// URLs, as a reader who downloaded it would:

1. the address of the site (index.html) leads to the index notebook's page, whose sidebar lists
   the lessons in course order;
2. a lesson page (03, which has maths, figures and an explorer) has every formula typeset by
   the MathJax copy in the site, with its fonts, no TeX error, and its figures drawn;
3. the lesson's "Next" navigation link opens the next lesson;
4. served over HTTP on localhost (as GitHub Pages serves it), the search page finds a lesson
   and MathJax's accessibility explorer (its menu) loads its speech rules from the site. These
   two need a server: from file:// the browser blocks the requests they make for data files
   (the search's snippets, the speech rules), with console errors; the rest works from files.

On every page: no console error, no page error, no failed request, and no request that leaves
the site (anything but the site's own URLs and data: URLs). Run with `make test-browser`.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

try:
    from playwright import sync_api
except ImportError:
    pytest.fail("Playwright is not installed: run `make test-browser`, which installs it "
                "(pip install -e '.[browser]')", pytrace=False)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LESSON = 2  # index into course.LESSONS: 03, the annuli (maths, eight figures, an explorer)
OPEN_S, TYPESET_S = 30, 60


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("site") / "html"
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "build.py"), str(outdir)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"the site did not build (make site):\n{result.stderr[-6000:]}", pytrace=False)
    return outdir


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line on stderr per request
        pass


@pytest.fixture(scope="module")
def served(site):
    """The built site over HTTP on a free localhost port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"no {CHROMIUM}: run `make test-browser`, which installs Debian's chromium "
                    "(as root: apt-get install -y chromium)", pytrace=False)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every console error, page error, failed or remote request."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(OPEN_S * 1000)
    page.problems, page.site_urls = [], ["file:", "data:"]
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.on("request", lambda r: r.url.startswith(tuple(page.site_urls))
            or page.problems.append(f"left the site: {r.url}"))
    yield page
    context.close()


def lesson_page(i: int) -> str:
    return f"{course.LESSONS[i].stem}.html"


def typeset(page) -> None:
    """Wait until MathJax has typeset the page (its startup promise resolves after that)."""
    try:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=TYPESET_S * 1000)
    except sync_api.TimeoutError:
        pytest.fail(f"MathJax did not start within {TYPESET_S} s: {page.problems}")
    page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready)")


def test_the_site_opens_on_the_index_with_the_lessons_in_the_sidebar(site, page, tmp_path):
    page.goto((site / "index.html").as_uri())
    page.wait_for_url(f"**/{course.INDEX.replace('.ipynb', '.html')}")
    page.locator("article h1", has_text="Neural networks from scratch").wait_for()
    sidebar = page.locator("nav.bd-docs-nav a.reference").all_inner_texts()
    lessons = [f"{lesson.number} {lesson.title}" for lesson in course.LESSONS]
    assert [text for text in sidebar if text in lessons] == lessons
    assert page.locator("article a.reference.internal", has_text=course.LESSONS[0].title).count()
    page.wait_for_load_state("load")
    assert page.problems == []


def test_a_lesson_page_has_its_maths_typeset_and_its_figures_drawn(site, page, tmp_path):
    page.goto((site / lesson_page(LESSON)).as_uri())
    typeset(page)
    maths = page.locator("article .math")
    assert maths.count() > 20
    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('article .math')]"
        ".filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80))")
    assert untypeset == []
    assert page.locator("mjx-merror").count() == 0, page.locator("mjx-merror").all_inner_texts()
    fonts = page.evaluate("() => [...document.fonts].filter(f => f.family.startsWith('MJX'))"
                          ".map(f => [f.family, f.status])")
    assert ["MJXTEX-I", "loaded"] in fonts and ["MJXTEX", "loaded"] in fonts, fonts

    figures = page.locator("article .cell_output img[src^='_images/']")
    stored = sum("image/png" in out.get("data", {}) for cell in nbformat.read(
        ROOT / "notebooks" / "03-annuli-classification.ipynb", as_version=4).cells
        for out in cell.get("outputs", []))
    assert figures.count() == stored > 0  # every figure the notebook stores, drawn on the page
    sizes = figures.evaluate_all("imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    assert all(complete and width > 300 for complete, width in sizes), sizes
    figures.first.scroll_into_view_if_needed()
    assert figures.first.is_visible()
    note = page.locator("article .admonition", has_text="The explorer runs in the notebook")
    assert note.count() == 1 and note.is_visible()
    assert page.problems == []


def test_the_next_link_opens_the_next_lesson(site, page, tmp_path):
    page.goto((site / lesson_page(LESSON)).as_uri())
    following = course.LESSONS[LESSON + 1]
    page.locator("article a", has_text=f"Next: {following.number} {following.title}").first.click()
    page.wait_for_url(f"**/{lesson_page(LESSON + 1)}")
    page.locator("article h1").first.wait_for()
    typeset(page)
    assert page.problems == []


def test_the_search_page_finds_a_lesson_with_a_snippet(served, page, tmp_path):
    page.site_urls.append(f"{served}/")
    page.goto(f"{served}/search.html?q=backpropagation")
    result = page.locator("#search-results li", has=page.locator("a[href^='02-backprop-math.html']"))
    result.first.locator("p.context").wait_for()  # the snippet, fetched from the page itself
    assert "backpropagation" in result.first.inner_text().lower()
    assert page.problems == []


def test_the_mathjax_accessibility_explorer_loads_from_the_site(served, page, tmp_path):
    page.site_urls.append(f"{served}/")
    page.goto(f"{served}/{lesson_page(LESSON)}")
    typeset(page)
    with page.expect_response(lambda r: r.url.endswith("/sre/mathmaps/en.json")) as speech, \
            page.expect_response(lambda r: r.url.endswith("/a11y/explorer.js")) as explorer:
        # what the menu's Accessibility > Activate does
        page.evaluate("() => MathJax.startup.document.menu.menu.pool.lookup('explorer')"
                      ".setValue(true)")
    assert speech.value.ok and explorer.value.ok
    page.wait_for_timeout(1000)  # a file it failed to load would show up here
    assert page.problems == []
