"""tools/nbgrader_source.py: nbgrader metadata from the BEGIN/END SOLUTION markers, kept in step
with them. (nbgrader itself is exercised by tests/teacher, `make test-teacher`.)"""

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import nbgrader_source  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("0[1-9]-*.ipynb"))

EXERCISE = '''LEARNING_RATES = (0.3, 3)


def best_rate():
    # Hint: think
    ### BEGIN SOLUTION
    return 3
    ### END SOLUTION'''


def small_lesson():
    return new_notebook(cells=[
        new_markdown_cell("# A lesson"),
        new_code_cell(EXERCISE),
        new_markdown_cell("Now the check:"),
        new_code_cell("exercises.rate.check(best_rate)"),
        new_code_cell("plot()", metadata={"nbgrader": {"grade": True, "grade_id": "stale"}}),
        new_markdown_cell("**What else changes?**\n\n### BEGIN SOLUTION\nThe text.\n### END SOLUTION"),
    ])


def test_answers_checks_and_written_answers_get_their_metadata():
    nb = small_lesson()
    changes = nbgrader_source.refresh(nb)
    meta = [cell.metadata.get("nbgrader") for cell in nb.cells]
    assert meta[1] == {"grade": False, "solution": True, "locked": False, "task": False,
                       "grade_id": "best_rate", "schema_version": 3}
    assert meta[3] == {"grade": True, "solution": False, "locked": True, "task": False,
                       "grade_id": "best_rate-check", "schema_version": 3, "points": 1}
    assert meta[5]["grade"] and meta[5]["solution"] and meta[5]["points"] == 2
    assert meta[5]["grade_id"] == "what-else-changes"
    assert meta[0] is None and meta[2] is None and meta[4] is None  # the stale one is removed
    assert "cell 4: nbgrader metadata removed" in changes
    assert nbgrader_source.refresh(nb) == []


def test_markdown_markers_become_html_comments_that_never_render():
    nb = small_lesson()
    nbgrader_source.refresh(nb)
    assert nb.cells[5].source == ("**What else changes?**\n\n<!-- BEGIN SOLUTION -->\nThe text.\n"
                                  "<!-- END SOLUTION -->")


def test_check_mode_reports_and_changes_nothing(tmp_path, capsys, monkeypatch):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(small_lesson(), path)
    before = path.read_text()
    monkeypatch.setattr(sys, "argv", ["nbgrader_source.py", "--check", str(path)])
    assert nbgrader_source.main() == 1 and path.read_text() == before
    assert "cell 1: nbgrader metadata set" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["nbgrader_source.py", str(path)])
    assert nbgrader_source.main() == 0
    monkeypatch.setattr(sys, "argv", ["nbgrader_source.py", "--check", str(path)])
    assert nbgrader_source.main() == 0


def test_every_lesson_gets_unique_grade_ids():
    for path in LESSONS:
        metadata = nbgrader_source.grading_metadata(nbformat.read(path, as_version=4))
        ids = [m["grade_id"] for m in metadata.values()]
        assert ids and len(set(ids)) == len(ids), path.name


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_the_lessons_metadata_matches_their_markers(path):
    nb = nbformat.read(path, as_version=4)
    assert nbgrader_source.refresh(nb) == [], "run: python tools/nbgrader_source.py " + str(path)
