"""Sphinx configuration of the course's website, built from the committed notebooks as they are.

``make site`` (``python docs/build.py``) runs Sphinx with this folder as its configuration and
``notebooks/`` as its sources: no notebook is executed (``nb_execution_mode = "off"``), the
stored outputs are the pages' figures and tables. The order of the lessons comes from
``tools/course.py`` (``LESSONS``), like the notebooks' navigation and the README's table.

A few things the website needs are done here, in memory, when Sphinx reads a notebook
(``prepare_notebook``); the files in ``notebooks/`` are never changed:

- the home page (``00-index``) gets a hidden table of contents of the lessons, numbered and
  titled as in ``LESSONS``: the sidebar (and the theme's previous / next buttons);
- an explorer cell's output (a widget view, which needs a live kernel; no widget state is
  stored) becomes a note that says where to run it, under the static figure above it;
- a link to a file of the repository outside ``notebooks/`` (``../nnlib/layers.py``) points
  to that file on GitHub.

MathJax is served from the site itself (``_static/mathjax``), so that the pages work offline
and opened from a file: its files come from the PyPI package sphinx-mathjax-offline, which
ships MathJax 3.2.2 exactly as the npm package ``mathjax@3.2.2`` has it in ``es5/``.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import sys
from importlib.metadata import distribution
from pathlib import Path

import nbformat

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402  (tools/ is not a package: the table of contents lives there)

project = "Neural networks from scratch"
author = "the nnlib course authors"
copyright = f"{author}; code and notebooks under the MIT licence"
root_doc = course.INDEX.removesuffix(".ipynb")
REPOSITORY_URL = f"https://github.com/{course.REPOSITORY}"
BRANCH = "main"

extensions = ["myst_nb", "sphinx.ext.mathjax"]
exclude_patterns = ["**/.ipynb_checkpoints"]

# The notebooks are shown with the outputs of their one clean run; nothing is executed.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
# Markdown outputs are parsed as MyST (the explorer note below is one; the lessons have none).
nb_render_markdown_format = "myst"

html_theme = "sphinx_book_theme"
html_title = project
# Also spares every visit to the deployed site a 404 for /favicon.ico.
html_favicon = "favicon.svg"
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": BRANCH,
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
}
# index.html, the address a web server opens first, sends the reader to the index notebook.
templates_path = ["_templates"]
html_additional_pages = {"index": "redirect.html"}
# The theme's documented default, said explicitly: left empty, its script logs a console error.
html_context = {"default_mode": "auto", "course_home": f"{root_doc}.html"}

# MathJax from the site itself (copied by copy_mathjax below), not from a CDN.
MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_DIR = "mathjax"
mathjax_path = f"{MATHJAX_DIR}/tex-chtml.js"
# MathJax's own folder, less what this site never loads: the other combined builds (SVG output,
# MathML input, the "full" bundles, node) and the SVG output. What stays is what tex-chtml.js
# loads at run time: its fonts, the TeX extensions it autoloads (\color, \cancel, ...) and what
# its menu's accessibility options load (the explorer, speech rules, MathML input).
MATHJAX_UNUSED = {".": ["tex-svg*.js", "tex-mml-*.js", "mml-*.js", "tex-chtml-full*.js",
                        "node-main.js"],
                  "output": ["svg", "svg.js"]}
MATHJAX_LICENCE = DOCS / "mathjax-LICENSE"  # Apache 2.0, from mathjax@3.2.2 on npm

# An explorer's output on the page: where the sliders of the notebook would be.
EXPLORER_NOTE = """\
```{admonition} The explorer runs in the notebook
:class: tip
Here, in a running notebook, the explorer's sliders appear: each change redraws the figure
above. They need a Python kernel, so this page shows the figure of the first setting only. To
use them, open the lesson on Binder or Colab (the rocket icon at the top of the page) and run it.
```"""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)((?:#[^)\s]*)?)\)")


def sidebar_cell() -> nbformat.NotebookNode:
    """A hidden table of contents of the lessons, in course order, titled as in the index."""
    entries = "\n".join(f"{lesson.number} {lesson.title} <{lesson.stem}>"
                        for lesson in course.LESSONS)
    toctree = f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```"
    return nbformat.v4.new_markdown_cell(toctree, id="site-toctree")


def github_link(match: re.Match) -> str:
    """A markdown link to a repository file outside notebooks/, redirected to GitHub."""
    target, anchor = match.groups()
    if re.match(r"[a-z]+:", target) or target.endswith(".ipynb"):
        return match.group(0)
    path = (course.NOTEBOOKS / target).resolve()
    if course.NOTEBOOKS in path.parents or ROOT not in path.parents or not path.exists():
        return match.group(0)  # a page of the site, or a broken link Sphinx will report
    kind = "tree" if path.is_dir() else "blob"
    return f"]({REPOSITORY_URL}/{kind}/{BRANCH}/{path.relative_to(ROOT).as_posix()}{anchor})"


def explorer_note(cell: nbformat.NotebookNode) -> None:
    """Replace a widget view output (nothing to show without a kernel) with EXPLORER_NOTE."""
    widget = [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    if widget:
        cell.outputs = [o for o in cell.outputs if o not in widget]
        cell.outputs.append(nbformat.v4.new_output(
            "display_data", data={"text/markdown": EXPLORER_NOTE}))


def prepare_notebook(app, docname: str, source: list[str]) -> None:
    """Sphinx's source-read event: adapt a notebook for the website, in memory only."""
    if Path(app.env.doc2path(docname)).suffix != ".ipynb":  # a str before Sphinx 7.3
        return
    nb = nbformat.reads(source[0], as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = MARKDOWN_LINK.sub(github_link, cell.source)
        elif cell.cell_type == "code":
            explorer_note(cell)
    if docname == root_doc:
        nb.cells.append(sidebar_cell())
    source[0] = nbformat.writes(nb)


def copy_mathjax(app, exception: Exception | None) -> None:
    """Sphinx's build-finished event: copy MathJax into _static/mathjax of an HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    source = Path(distribution(MATHJAX_PACKAGE).locate_file(f"{MATHJAX_PACKAGE}/static/mathjax"))
    target = Path(app.outdir) / "_static" / MATHJAX_DIR

    def unused(directory: str, names: list[str]) -> set[str]:
        patterns = MATHJAX_UNUSED.get(Path(directory).relative_to(source).as_posix(), [])
        return {name for pattern in patterns for name in fnmatch.filter(names, pattern)}

    shutil.copytree(source, target, ignore=unused, dirs_exist_ok=True)
    shutil.copy2(MATHJAX_LICENCE, target / "LICENSE")


def setup(app):
    app.connect("source-read", prepare_notebook)
    app.connect("build-finished", copy_mathjax)
