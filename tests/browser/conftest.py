"""On a failed browser test, keep a screenshot of the page (its path is printed in the report)."""

import tempfile
from pathlib import Path

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "page" in item.funcargs:
        folder = item.funcargs.get("tmp_path") or Path(tempfile.mkdtemp(prefix="browser-"))
        path = folder / "failure.png"
        try:
            item.funcargs["page"].screenshot(path=str(path))
            report.sections.append(("screenshot", str(path)))
        except Exception as error:  # a closed page must not hide the real failure
            report.sections.append(("screenshot", f"none: {error}"))
    return report
