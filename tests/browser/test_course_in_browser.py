"""The course as a student meets it: JupyterLab in headless Chromium.

A JupyterLab server is started on a free localhost port, with no token, on a temporary copy of
notebooks/ (running a notebook in the browser must not touch the repository's files). Chromium
(Debian's /usr/bin/chromium, driven by Playwright; Playwright's own browser download is not
used) then:

1. opens lesson 03, which holds the annuli playground, runs every cell from the Run menu, drags
   the "hidden units" slider and checks that the figure changed and that no error output appeared;
2. opens the index and clicks every lesson link, checking that each lesson opens as a notebook.

Run with ``make test-browser`` (it installs Playwright and Chromium first). Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

try:
    from playwright import sync_api
except ImportError:
    pytest.fail("Playwright is not installed: run `make test-browser`, which installs it "
                "(pip install -e '.[browser]')", pytrace=False)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PLAYGROUND_NOTEBOOK = "notebooks/03-annuli-classification.ipynb"  # relative to the repository
SLIDER_LABEL = "hidden units"  # the playground slider the test drags
SERVER_START_S, RUN_ALL_S, REDRAW_S, OPEN_S, KERNEL_DIALOG_S = 90, 300, 60, 60, 5
NEWS_PROMPT, NEWS_WAIT_S = "official Jupyter news", 10  # JupyterLab asks a few seconds after start

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A temporary copy of the course's notebooks: running them must not touch the repository."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    """A JupyterLab server on a free localhost port, no token; yields its base URL."""
    port, home = free_port(), tmp_path_factory.mktemp("jupyter")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = open(home / "server.log", "w")  # closed in the finally below
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.allow_root=True",  # CI runs as root
         f"--ServerApp.root_dir={course}", "--ServerApp.port_retries=0",
         "--LabApp.extension_manager=readonly",  # nothing asks a package index
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         f"--LabApp.user_settings_dir={home / 'settings'}"],
        cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start within {SERVER_START_S} s:\n"
                            + (home / "server.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


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
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(OPEN_S * 1000)
    yield page
    context.close()


def open_notebook(page, url: str, path: str, workspace: str):
    """Open ``path`` (from the course's root) in a fresh Lab workspace, so that no tab of an
    earlier test is restored; return the notebook panel once its kernel is idle."""
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{path}?reset", wait_until="domcontentloaded")
    panel = page.locator(".jp-NotebookPanel:visible").first
    panel.locator(".jp-Cell").first.wait_for()
    # A notebook Lab has not seen before may ask which kernel to start: take the one offered.
    select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
    try:
        select.wait_for(timeout=KERNEL_DIALOG_S * 1000)
        select.click()
    except sync_api.TimeoutError:
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for()
    return panel


def error_outputs(panel) -> list[str]:
    """The text of every error or stderr output, and of any output mentioning a Traceback."""
    errors = panel.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
    found = [errors.nth(i).inner_text() for i in range(errors.count())]
    texts = panel.locator(".jp-OutputArea-output")
    found += [t for t in texts.all_inner_texts() if "Traceback" in t]
    return found


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.5)


def test_playground_redraws_when_a_slider_is_dragged(lab, page, tmp_path):
    panel = open_notebook(page, lab, PLAYGROUND_NOTEBOOK, "playground")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    slider = panel.locator(".widget-slider", has_text=SLIDER_LABEL).first
    slider.wait_for(timeout=RUN_ALL_S * 1000)
    figure = slider.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]").locator(
        "img.widget-image").first
    wait_until(lambda: figure.evaluate("img => img.complete && img.naturalWidth > 0"), REDRAW_S,
               "the playground's first figure")
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        timeout=RUN_ALL_S * 1000)
    assert error_outputs(panel) == []
    static_figures = panel.locator(".jp-RenderedImage img")
    assert static_figures.count() >= 1, "the static figure of the default settings is missing"

    readout = slider.locator(".widget-readout")
    value_before, image_before = readout.inner_text(), figure.screenshot()
    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()

    wait_until(lambda: readout.inner_text() != value_before, 10, "the slider's value to change")
    wait_until(lambda: figure.screenshot() != image_before, REDRAW_S, "the figure to change")
    time.sleep(1)  # an error raised while redrawing would show up right after
    assert error_outputs(panel) == [], "moving the slider produced an error"


def lesson_links() -> list[str]:
    """The lesson notebooks the index links to, in order."""
    index = nbformat.read(ROOT / "notebooks" / "00-index.ipynb", as_version=4)
    text = "\n".join(c.source for c in index.cells if c.cell_type == "markdown")
    return list(dict.fromkeys(re.findall(r"\]\((\d\d-[a-z0-9-]+\.ipynb)\)", text)))


def lesson_title(lesson: str) -> str:
    """The text of the lesson's H1 title, as written in its file."""
    for cell in nbformat.read(ROOT / "notebooks" / lesson, as_version=4).cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else ():
            if line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{lesson} has no H1 title")


def test_lab_opens_without_the_news_pop_up(lab, page):
    """The server runs with the environment's settings as `make lab` and Binder install them
    (tools/jupyterlab-overrides.json): a student is not greeted by "Would you like to get
    notified about official Jupyter news?". Without the overrides this question appears."""
    open_notebook(page, lab, "notebooks/00-index.ipynb", "news")
    page.wait_for_timeout(NEWS_WAIT_S * 1000)
    assert page.get_by_text(NEWS_PROMPT).count() == 0, "JupyterLab asks about its news feed"


@pytest.mark.parametrize("lesson", lesson_links())
def test_index_link_opens_the_lesson(lab, page, lesson, tmp_path):
    if not (ROOT / "notebooks" / lesson).exists():
        pytest.skip(f"{lesson} is linked from the index but not written yet")
    panel = open_notebook(page, lab, "notebooks/00-index.ipynb", f"index-{lesson[:2]}")
    # Lab rewrites the relative link to /files/notebooks/<lesson>?_xsrf=... and opens it in a tab.
    link = panel.locator(f".jp-RenderedMarkdown a[href*='/notebooks/{lesson}?']").first
    link.click()
    tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=lesson)
    tab.first.wait_for(timeout=OPEN_S * 1000)
    # The lesson is open when its own title is rendered in the visible notebook, and no
    # "Cannot open" or "File Load Error" dialog came up.
    opened = page.locator(".jp-NotebookPanel:visible").first
    opened.locator(".jp-RenderedMarkdown h1", has_text=lesson_title(lesson)).first.wait_for(
        timeout=OPEN_S * 1000)
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
