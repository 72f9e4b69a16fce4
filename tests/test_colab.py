"""The Colab route: the set-up cell tools/course.py puts before the first code cell of every
lesson, and the Colab badges.

Here the cell runs in this process with Colab faked (``google.colab`` in ``sys.modules``, pip
replaced by a recorder): it must do nothing and print nothing elsewhere, and on Colab call pip
with --no-deps, once. ``make test-colab`` runs it for real, installing into an environment with
Colab's versions (tests/environments/test_colab_env.py).
"""

import contextlib
import importlib.util
import io
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402
import student_edition  # noqa: E402

LESSON_PATHS = [ROOT / "notebooks" / lesson.file for lesson in course.LESSONS]


def run_cell(monkeypatch, *, on_colab: bool, installed: bool = False, source: str | None = None):
    """Execute the Colab cell; return (the commands it ran, what it printed)."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append((command, kwargs)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: (object() if installed else None) if name == "nncourse"
                        else find_spec(name, *args))
    if source is None:
        monkeypatch.delenv("NNCOURSE_SOURCE", raising=False)
    else:
        monkeypatch.setenv("NNCOURSE_SOURCE", source)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        exec(course.COLAB_CELL, {})
    return calls, printed.getvalue()


def test_off_colab_the_cell_does_nothing_and_prints_nothing(monkeypatch):
    assert run_cell(monkeypatch, on_colab=False) == ([], "")


def test_on_colab_the_cell_installs_the_repository_without_dependencies(monkeypatch):
    calls, printed = run_cell(monkeypatch, on_colab=True)
    assert calls == [([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                       f"git+https://github.com/{course.REPOSITORY}"], {"check": True})]
    assert printed == ""


def test_on_colab_nncourse_source_replaces_the_repository(monkeypatch):
    calls, _ = run_cell(monkeypatch, on_colab=True, source="/some/clone")
    assert calls[0][0][-2:] == ["--no-deps", "/some/clone"]


def test_on_colab_the_cell_installs_once_per_runtime(monkeypatch):
    assert run_cell(monkeypatch, on_colab=True, installed=True) == ([], "")


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    return folder


def colab_cells(nb):
    return [c for c in nb.cells if "colab" in c.metadata.get("tags", [])]


def test_course_py_puts_the_cell_before_the_first_code_cell_of_every_lesson(copy):
    subprocess.run([sys.executable, str(ROOT / "tools" / "course.py"), "--notebooks", str(copy)], check=True)
    for path in LESSON_PATHS:
        before, after = nbformat.read(path, as_version=4), nbformat.read(copy / path.name, as_version=4)
        nbformat.validate(after)
        cell, = colab_cells(after)
        assert cell.id == "colab-setup" and cell.source == course.COLAB_CELL
        assert next(c for c in after.cells if c.cell_type == "code") is cell
        others = [c for c in after.cells if c is not cell]
        assert [c.source for c in others] == [c.source for c in before.cells if c not in colab_cells(before)]
        assert "navigation" in after.cells[0].metadata.tags and "navigation" in after.cells[-1].metadata.tags
    index = course.INDEX
    assert (copy / index).read_bytes() == (ROOT / "notebooks" / index).read_bytes(), "the index changed"
    written = {p.name: p.read_bytes() for p in copy.iterdir()}
    subprocess.run([sys.executable, str(ROOT / "tools" / "course.py"), "--notebooks", str(copy)], check=True)
    assert written == {p.name: p.read_bytes() for p in copy.iterdir()}, "a second run changed something"


def test_an_unchanged_cell_keeps_its_outputs_and_an_edited_one_is_replaced(copy):
    path = copy / LESSON_PATHS[0].name
    course.write_colab_cell(path)
    nb = nbformat.read(path, as_version=4)
    cell, = colab_cells(nb)
    cell.execution_count = 1
    nbformat.write(nb, path)
    course.write_colab_cell(path)
    assert colab_cells(nbformat.read(path, as_version=4))[0].execution_count == 1
    cell.source += "\nprint('edited')"
    nbformat.write(nb, path)
    course.write_colab_cell(path)
    cell, = colab_cells(nbformat.read(path, as_version=4))
    assert cell.source == course.COLAB_CELL and cell.execution_count is None


def test_the_student_edition_keeps_the_cell(copy):
    assert course.write_lessons(copy) == []
    for path in LESSON_PATHS:
        student, _ = student_edition.student_notebook(copy / path.name)
        cell, = colab_cells(student)
        assert cell.source == course.COLAB_CELL
        assert next(c for c in student.cells if c.cell_type == "code") is cell


@pytest.mark.parametrize("path", LESSON_PATHS, ids=lambda p: p.name)
def test_every_lesson_starts_with_the_colab_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "colab" in first.metadata.get("tags", []) and first.source == course.COLAB_CELL, (
        "run: python tools/course.py, then re-run the lesson (tools/run_notebooks.py)")
    assert first.outputs == [], "outside Colab the cell prints nothing"


def test_the_readme_has_a_colab_badge_beside_each_binder_badge():
    rows = (ROOT / "README.md").read_text().splitlines()
    for lesson in course.LESSONS:
        row, = [r for r in rows if f"({course.BINDER}{lesson.file})" in r]
        assert f"[![Open in Colab]({course.COLAB_BADGE})]({course.COLAB}{lesson.file})" in row
    assert course.COLAB == f"https://colab.research.google.com/github/{course.REPOSITORY}/blob/main/notebooks/"


def test_badges_for_another_edition_are_printed_and_nothing_is_written():
    readme = (ROOT / "README.md").read_bytes()
    table = subprocess.run([sys.executable, str(ROOT / "tools" / "course.py"), "--badges",
                            "teacher/nn-class", "student"], check=True, capture_output=True, text=True).stdout
    assert table.strip() == course.readme_table("teacher/nn-class", "student")
    colab = "https://colab.research.google.com/github/teacher/nn-class/blob/student/notebooks/"
    binder = "https://mybinder.org/v2/gh/teacher/nn-class/student?urlpath=lab/tree/notebooks/"
    for lesson in course.LESSONS:
        assert f"({colab}{lesson.file})" in table and f"({binder}{lesson.file})" in table
    assert (ROOT / "README.md").read_bytes() == readme
