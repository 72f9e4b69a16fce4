"""The course as a whole: navigation, index, links, notebook hygiene and the student edition."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402
import student_edition  # noqa: E402

ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
LESSON_PATHS = [NOTEBOOKS / lesson.file for lesson in course.LESSONS]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_every_lesson_exists_and_every_notebook_is_a_lesson():
    assert sorted(p.name for p in ALL) == sorted([course.INDEX] + [p.name for p in LESSON_PATHS])
    tracked = [p.name for p in NOTEBOOKS.iterdir() if p.name != ".ipynb_checkpoints"]
    assert sorted(tracked) == sorted(p.name for p in ALL), "stray files in notebooks/"
    for path in LESSON_PATHS:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name)


@pytest.mark.parametrize("index", range(len(course.LESSONS)), ids=lambda i: course.LESSONS[i].stem)
def test_navigation_is_generated_and_in_course_order(index):
    cells = read(LESSON_PATHS[index]).cells
    expected = course.navigation(index)
    for cell in (cells[0], cells[-1]):
        assert "navigation" in cell.metadata.get("tags", []), "run: python tools/course.py"
        assert cell.source == expected, "navigation edited by hand: run python tools/course.py"
    if index + 1 < len(course.LESSONS):
        assert f"]({course.LESSONS[index + 1].file})" in expected


@pytest.mark.parametrize("index", range(len(course.LESSONS)), ids=lambda i: course.LESSONS[i].stem)
def test_every_lesson_opens_with_its_path_and_ends_with_where_next(index):
    """Under the title: what the lesson builds on (linked), its time, what you will learn; at
    the end: the next lesson and further reading. Generated, so never edited by hand."""
    cells = read(LESSON_PATHS[index]).cells
    assert cells[1].source.startswith("# "), "the title comes right after the navigation"
    assert "lesson-path" in cells[2].metadata.get("tags", []), "run: python tools/course.py"
    assert cells[2].source == course.lesson_path(index), "edited by hand: run python tools/course.py"
    assert "where-next" in cells[-2].metadata.get("tags", []), "run: python tools/course.py"
    assert cells[-2].source == course.where_next(index), "edited by hand: run python tools/course.py"
    lesson = course.LESSONS[index]
    earlier = {other.stem for other in course.LESSONS[:index]}
    assert all(stem in earlier for stem, _ in lesson.builds_on), "a lesson builds on earlier ones only"
    assert bool(lesson.builds_on) == (index > 0) and len(lesson.reading) >= 2
    for stem, _ in lesson.builds_on:
        assert f"({stem}.ipynb)" in cells[2].source
    assert all(url.startswith("https://") or url.startswith("http://") for _, url, _ in lesson.reading)


def test_index_lists_the_lessons_in_course_order():
    cells = read(NOTEBOOKS / course.INDEX).cells
    listing = [c for c in cells if "lesson-list" in c.metadata.get("tags", [])]
    assert len(listing) == 1 and listing[0].source == course.lesson_list()
    linked = [m for m in LINK.findall(listing[0].source) if m.endswith(".ipynb")]
    assert linked == [lesson.file for lesson in course.LESSONS]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_relative_link_points_somewhere(path):
    for cell in read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            assert (path.parent / target).exists(), f"{path.name}: link to missing {target}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_hygiene(path):
    nb = read(path)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "widget state is saved in the metadata"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "not one clean run: tools/run_notebooks.py"
    text = path.read_text()
    for pattern in (r"/(home|root|Users|work|tmp)/[\w.-]+", r"[A-Z]:\\\\Users"):
        assert not re.search(pattern, text), f"an absolute path in {path.name}"
    assert nb.metadata.kernelspec.name == "python3"


def is_assert_only(source: str) -> bool:
    """A cell of asserts and comments only: test scaffolding, with nothing to read or show."""
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return bool(lines) and lines[0].startswith("assert") and all(
        line.startswith(("assert", " ", ")")) for line in lines)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_assert_only_cells_are_collapsed(path):
    """Asserts that check a figure stay out of the learner's way: folded into the cell that
    computes, or in a cell whose source is collapsed (metadata jupyter.source_hidden)."""
    nb = read(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and is_assert_only(cell.source):
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), f"{path.name} cell {i}"


def test_assert_only_cells_are_recognised():
    assert is_assert_only("# measured over seeds\nassert a < 1\nassert (b\n        == 2)")
    assert not is_assert_only("x = f()\nassert x < 1")
    assert not is_assert_only("# a comment only")


def solution_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and student_edition.BEGIN in c.source]


def output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
        parts.append(out.get("evalue", ""))
    return "".join(parts)


def without_counts(outputs) -> list:
    return [{k: v for k, v in out.items() if k != "execution_count"} for out in outputs]


def hint(source: str) -> str | None:
    found = re.search(r"# Hint:\s*(.+)", source)
    return found.group(1).strip() if found else None


@pytest.mark.parametrize("path", LESSON_PATHS, ids=lambda p: p.name)
def test_every_exercise_has_a_self_check_that_passes_on_the_solution(path):
    nb = read(path)
    exercises = solution_cells(nb)
    assert exercises, f"{path.name} has no exercise"
    for i in exercises:
        after = [c for c in nb.cells[i + 1:] if c.cell_type == "code"][:1]
        assert after and output_text(after[0]).startswith("PASSED:"), (
            f"{path.name}: the cell after exercise cell {i} is not a passing self-check")


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    counts = student_edition.build(out)
    assert set(counts) == {p.name for p in ALL}
    return out


@pytest.mark.parametrize("path", LESSON_PATHS, ids=lambda p: p.name)
def test_student_edition_has_no_solution_and_its_checks_say_not_yet(path, student_dir):
    reference, student = read(path), read(student_dir / path.name)
    assert len(student.cells) == len(reference.cells)
    text = student_dir.joinpath(path.name).read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for i in solution_cells(reference):
        body = reference.cells[i].source.split(student_edition.BEGIN)[1]
        solution = [line.strip() for block in body.split(student_edition.BEGIN)
                    for line in block.split(student_edition.END)[0].splitlines()
                    if len(line.strip()) > 12]
        for line in solution:
            assert line not in student.cells[i].source, f"solution line survived: {line}"
    # Only the answers' outputs are cleared: the lesson's figures and tables stay.
    cleared = student_edition.answer_cells(reference)
    for i, (ref, stu) in enumerate(zip(reference.cells, student.cells, strict=True)):
        if stu.cell_type == "code":
            expected = [] if i in cleared else without_counts(ref.outputs)
            assert without_counts(stu.outputs) == expected, f"{path.name} cell {i}"
            assert stu.execution_count is None and "nbgrader" not in stu.metadata
    # Run the student edition as a student would, before writing anything: every self-check
    # must report NOT YET (and never a traceback), and no hint is shown twice.
    NotebookClient(student, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for i in solution_cells(reference):
        check = student_edition.self_check(student, i)
        text = output_text(student.cells[check])
        assert text.startswith("NOT YET:"), f"{path.name} cell {check} on the stub: {text[:300]}"
        first_hint = hint(reference.cells[i].source)
        if first_hint:
            shown = [c for c in student.cells if first_hint in c.source + output_text(c)]
            assert len(shown) == 1, f"{path.name}: the hint of cell {i} is shown {len(shown)} times"


@pytest.mark.parametrize("path", LESSON_PATHS, ids=lambda p: p.name)
def test_student_edition_keeps_the_lesson_figures(path, student_dir):
    def figures(nb, skip):
        return sum("image/png" in out.get("data", {}) for i, c in enumerate(nb.cells)
                   if c.cell_type == "code" and i not in skip for out in c.outputs)

    reference, student = read(path), read(student_dir / path.name)
    kept = figures(reference, set(student_edition.answer_cells(reference)))
    assert kept > 0 and figures(student, set()) == kept


def test_student_edition_stubs_and_answer_cells():
    source = ("def f(x):\n    # Hint: think\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
              "### BEGIN SOLUTION\nanswer = 3\n### END SOLUTION")
    stub, count = student_edition.strip_solutions(source)
    assert count == 2 and stub == ("def f(x):\n    # Hint: think\n    raise NotImplementedError\n"
                                   "answer = ...  # your answer")
    cells = [nbformat.v4.new_code_cell(source), nbformat.v4.new_markdown_cell("text"),
             nbformat.v4.new_code_cell("check(f)"), nbformat.v4.new_code_cell("plot()"),
             nbformat.v4.new_code_cell("plot(f)", metadata={"tags": ["exercise-output"]})]
    assert student_edition.answer_cells(nbformat.v4.new_notebook(cells=cells)) == [0, 2, 4]
    markdown = "Why?\n\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->"
    stubbed = student_edition.MARKDOWN_ANSWER.sub("*Your answer here.*", markdown)
    assert stubbed == "Why?\n\n*Your answer here.*"


@pytest.mark.parametrize("path", LESSON_PATHS, ids=lambda p: p.name)
def test_markdown_answers_never_render_their_markers(path):
    """In markdown, '### BEGIN SOLUTION' renders as a heading: the markers are HTML comments."""
    for cell in read(path).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"^\s*#+\s*(BEGIN|END) SOLUTION", cell.source, re.MULTILINE)


def test_readme_lessons_table_and_badges_match_the_course():
    readme = (ROOT / "README.md").read_text()
    assert course.readme_table() in readme, "README lessons table is stale: python tools/course.py"
    assert f"({course.BINDER}{course.INDEX})" in readme  # the launch badge for the whole course
    for lesson in course.LESSONS:
        assert f"({course.BINDER}{lesson.file})" in readme
