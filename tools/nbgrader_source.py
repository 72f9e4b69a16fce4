"""Make the lessons valid nbgrader source notebooks, from their BEGIN/END SOLUTION markers.

The markers are the single source of truth, so the metadata never drifts from them:

* a code cell with a solution block becomes an autograded answer (``solution: true``), and the
  self-check that follows it an autograder test worth ``CHECK_POINTS`` (``grade: true``,
  locked: nbgrader puts back its original source before grading);
* a markdown cell with a solution block becomes a manually graded answer worth
  ``WRITTEN_POINTS``; its markers, if written as ``### BEGIN SOLUTION`` (which renders as a
  heading), become HTML comments, which never render;
* every other cell loses its nbgrader metadata.

Grade ids come from the code (``my_softmax``, ``my_softmax-check``), so they stay the same when
cells move. nbgrader replaces each solution block by "# YOUR CODE HERE / raise
NotImplementedError()"; under nbgrader a failing self-check raises, so the cell scores 0.

    python tools/nbgrader_source.py notebooks/0[1-6]-*.ipynb           # add or refresh
    python tools/nbgrader_source.py --check notebooks/0[1-6]-*.ipynb   # report, change nothing
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_edition import BEGIN, self_check

CHECK_POINTS, WRITTEN_POINTS = 1, 2
HEADING_MARKER = re.compile(r"^[ \t]*#+[ \t]*(BEGIN|END) SOLUTION[ \t]*$", re.MULTILINE)


def _meta(grade_id: str, *, grade: bool, solution: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": not solution, "task": False,
            "grade_id": grade_id, "schema_version": 3}
    return meta | {"points": points} if grade else meta


def _code_name(source: str, number: int) -> str:
    """The answer's name: the function or class that holds the solution block, else the first
    name the block assigns."""
    marker = next(n for n, line in enumerate(source.split("\n"), 1) if line.strip() == BEGIN)
    try:
        for node in ast.parse(source).body:
            inside = node.lineno <= marker <= (node.end_lineno or node.lineno)
            if inside and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                return node.name
            assigns = isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            if node.lineno > marker and assigns:
                return node.targets[0].id
    except SyntaxError:
        pass
    return f"answer-{number}"


def _written_name(source: str, number: int) -> str:
    """A slug of the question's bold words ("**What else changes?**" -> what-else-changes)."""
    found = re.search(r"\*\*(.+?)\*\*", source)
    slug = re.sub(r"[^a-z0-9]+", "-", found.group(1).lower()).strip("-") if found else ""
    return slug or f"written-{number}"


def grading_metadata(nb: nbformat.NotebookNode) -> dict[int, dict]:
    """{cell index: nbgrader metadata} for the notebook's answer, check and written cells."""
    metadata: dict[int, dict] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and BEGIN in cell.source:
            name = _code_name(cell.source, len(metadata))
            metadata[i] = _meta(name, grade=False, solution=True)
            check = self_check(nb, i)
            if check is not None:
                metadata[check] = _meta(f"{name}-check", grade=True, solution=False, points=CHECK_POINTS)
        elif cell.cell_type == "markdown" and "BEGIN SOLUTION" in cell.source:
            metadata[i] = _meta(_written_name(cell.source, len(metadata)), grade=True, solution=True,
                                points=WRITTEN_POINTS)
    return metadata


def _comment_markers(source: str) -> str:
    return HEADING_MARKER.sub(lambda m: f"<!-- {m.group(1)} SOLUTION -->", source)


def refresh(nb: nbformat.NotebookNode) -> list[str]:
    """Bring the notebook's nbgrader metadata (and markdown markers) up to date, in place;
    return what changed, one line per cell."""
    changes = []
    wanted = grading_metadata(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and HEADING_MARKER.search(cell.source):
            cell.source = _comment_markers(cell.source)
            changes.append(f"cell {i}: markers as HTML comments")
        if cell.metadata.get("nbgrader") != wanted.get(i):
            changes.append(f"cell {i}: nbgrader metadata {'set' if i in wanted else 'removed'}")
            if i in wanted:
                cell.metadata["nbgrader"] = wanted[i]
            else:
                cell.metadata.pop("nbgrader", None)
    return changes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report what would change; exit 1 if anything")
    args = parser.parse_args()
    stale = False
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        changes = refresh(nb)
        stale = stale or bool(changes)
        for change in changes:
            print(f"{path}: {change}")
        if changes and not args.check:
            nbformat.write(nb, path)
    return int(stale and args.check)


if __name__ == "__main__":
    sys.exit(main())
