"""nbgrader for teachers (the "teacher" extra; `make test-teacher` runs this file).

A temporary copy of lesson 02 is made an nbgrader source notebook by tools/nbgrader_source.py;
`nbgrader generate_assignment` makes the student version, and `nbgrader autograde` grades three
submissions: every answer right, one answer wrong, nothing written.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="nbgrader is the teacher extra: make test-teacher")
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import nbgrader_source  # noqa: E402
from student_edition import BEGIN, END  # noqa: E402

LESSON, ASSIGNMENT = "02-backprop-math", "backprop"
CHECKS = ["MySigmoid-check", "MyAffine-check", "Value-check", "my_diagnosis-check",
          "FixedAffineTanh-check"]
RIGHT_SIGMOID = "return dout * self.out * (1 - self.out)"
WRONG_SIGMOID = "return dout * self.out"  # forgets the factor (1 - y)
EXPECTED = {"alice": dict.fromkeys(CHECKS, 1.0),  # all right
            "bob": {**dict.fromkeys(CHECKS, 1.0), "MySigmoid-check": 0.0},  # a wrong sigmoid
            "carol": dict.fromkeys(CHECKS, 0.0)}  # nothing written


def nbgrader(course: Path, *args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def lesson_path(course: Path, step: str, student: str | None = None) -> Path:
    parts = [step, student, ASSIGNMENT, f"{LESSON}.ipynb"]
    return course.joinpath(*[p for p in parts if p])


def submit(course: Path, student: str, release: nbformat.NotebookNode, answers: dict[str, str]) -> None:
    """The release version with the answers written in, as the student would hand it in."""
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta["grade_id"] in answers:
            cell.source = answers[meta["grade_id"]]
    path = lesson_path(course, "submitted", student)
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="module", autouse=True)
def venv_on_path():
    """nbgrader runs the `alembic` command of its environment, found on PATH."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        yield


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    # Lessons train networks in some cells: nbgrader's default of 30 s per cell is too short.
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = 600\n")
    source = nbformat.read(ROOT / "notebooks" / f"{LESSON}.ipynb", as_version=4)
    nbgrader_source.refresh(source)  # the committed lessons carry it already; a no-op then
    assert nbgrader_source.refresh(source) == []  # a second run changes nothing
    lesson_path(course, "source").parent.mkdir(parents=True)
    nbformat.write(source, lesson_path(course, "source"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)

    release = nbformat.read(lesson_path(course, "release"), as_version=4)
    right = {cell.metadata.nbgrader["grade_id"]: "\n".join(
        line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END))
        for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")}
    submit(course, "alice", release, right)
    wrong = right["MySigmoid"].replace(RIGHT_SIGMOID, WRONG_SIGMOID)
    submit(course, "bob", release, {**right, "MySigmoid": wrong})
    submit(course, "carol", release, {})
    nbgrader(course, "autograde", ASSIGNMENT)
    return course


def test_the_student_version_has_stubs_and_locked_checks(course):
    release = nbformat.read(lesson_path(course, "release"), as_version=4)
    text = lesson_path(course, "release").read_text()
    assert RIGHT_SIGMOID not in text and "BEGIN SOLUTION" not in text
    solutions = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    checks = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(solutions) == len(CHECKS) and all("raise NotImplementedError()" in c.source for c in solutions)
    assert [c.metadata.nbgrader["grade_id"] for c in checks] == CHECKS
    assert all(c.metadata.nbgrader["locked"] and c.metadata.nbgrader["points"] == 1 for c in checks)


@pytest.mark.parametrize("student", EXPECTED)
def test_autograde_scores_right_answers_full_and_wrong_ones_zero(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(LESSON, ASSIGNMENT, student)
        scores = {grade.name: grade.score for grade in notebook.grades}
    assert scores == EXPECTED[student]


def test_a_failing_check_says_why_and_writes_nothing_to_stderr(course):
    graded = nbformat.read(lesson_path(course, "autograded", "bob"), as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    (error,) = [o for o in by_id["MySigmoid-check"].outputs if o.output_type == "error"]
    assert error.ename == "AssertionError" and error.evalue.startswith("NOT YET:")
    passed = by_id["MyAffine-check"].outputs
    assert [o.output_type for o in passed] == ["stream"] and passed[0].text.startswith("PASSED:")
    for check in CHECKS:
        assert not any(o.get("name") == "stderr" for o in by_id[check].outputs)


def test_every_lesson_is_a_valid_nbgrader_source(tmp_path):
    """All the lessons at once, without running them: nbgrader validates the metadata that
    nbgrader_source.py derives, and stubs every answer (code and written)."""
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    (tmp_path / "source" / "course").mkdir(parents=True)
    lessons = sorted((ROOT / "notebooks").glob("0[1-9]-*.ipynb"))
    for path in lessons:
        nb = nbformat.read(path, as_version=4)
        nbgrader_source.refresh(nb)
        nbformat.write(nb, tmp_path / "source" / "course" / path.name)
    nbgrader(tmp_path, "generate_assignment", "course")
    for path in lessons:
        source = nbformat.read(tmp_path / "source" / "course" / path.name, as_version=4)
        release = nbformat.read(tmp_path / "release" / "course" / path.name, as_version=4)
        assert "BEGIN SOLUTION" not in (tmp_path / "release" / "course" / path.name).read_text()
        for before, after in zip(source.cells, release.cells, strict=True):
            if "BEGIN SOLUTION" in before.source:
                stub = "raise NotImplementedError()" if before.cell_type == "code" else "YOUR ANSWER HERE"
                assert stub in after.source and after.metadata.nbgrader["solution"]
