"""Build the student edition of the course: every reference solution replaced by a stub.

In the committed notebooks each exercise's solution sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` in a code cell (nbgrader's convention), and between
``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` in a markdown cell (an HTML comment,
so that the marker never renders, not even as a heading). Here each block becomes a stub:

* inside a function, ``raise NotImplementedError`` (the ``# Hint:`` comment above it stays, and
  is the only place the first hint is shown; ``exercises.<name>.hint(2)`` gives the second);
* at the top level of a cell, every name the solution assigns is set to ``...``, which the
  self-checks read as "not answered yet";
* in a markdown cell, "*Your answer here.*".

Outputs are cleared only where they belong to an answer: the solution cells, the self-check
cell that follows each, and cells tagged ``exercise-output`` (e.g. a figure that shows the
result of a predict-then-run exercise). Every other output, the lesson's figures and tables,
stays. Execution counts and nbgrader metadata are removed. The result goes to a folder that is
not committed:

    python tools/student_edition.py              # -> student/notebooks/*.ipynb
    python tools/student_edition.py --out DIR
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKDOWN_ANSWER = re.compile(r"(<!--\s*BEGIN SOLUTION\s*-->|### BEGIN SOLUTION).*?"
                             r"(<!--\s*END SOLUTION\s*-->|### END SOLUTION)", re.DOTALL)
ANSWER_OUTPUT_TAG = "exercise-output"


def _stub(block: list[str], indent: str) -> list[str]:
    if indent:
        return [f"{indent}raise NotImplementedError"]
    try:
        tree = ast.parse("\n".join(block))
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    if not names:
        return ["raise NotImplementedError"]
    return [f"{name} = ...  # your answer" for name in dict.fromkeys(names)]


def strip_solutions(source: str) -> tuple[str, int]:
    """Replace every solution block of a code cell's source by its stub; return (source, count)."""
    lines, out, count = source.split("\n"), [], 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        try:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == END)
        except StopIteration:
            raise ValueError(f"'{BEGIN}' without '{END}' in:\n{source}") from None
        out += _stub([s[len(indent):] for s in lines[i + 1:end]], indent)
        count += 1
        i = end + 1
    return "\n".join(out), count


def self_check(nb: nbformat.NotebookNode, i: int) -> int | None:
    """The self-check of the exercise in cell i: the first code cell after it."""
    return next((j for j in range(i + 1, len(nb.cells)) if nb.cells[j].cell_type == "code"), None)


def answer_cells(nb: nbformat.NotebookNode) -> list[int]:
    """The cells whose outputs belong to an answer: every code cell with a solution, its
    self-check, and the cells tagged ``exercise-output``."""
    cells = set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and BEGIN in cell.source:
            cells.update({i, self_check(nb, i)} - {None})
        if ANSWER_OUTPUT_TAG in cell.metadata.get("tags", []):
            cells.add(i)
    return sorted(cells)


def student_notebook(path: Path) -> tuple[nbformat.NotebookNode, int]:
    nb = nbformat.read(path, as_version=4)
    total = 0
    cleared = set(answer_cells(nb))
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "markdown":
            cell.source, count = MARKDOWN_ANSWER.subn("*Your answer here.*", cell.source)
            total += count
        elif cell.cell_type == "code":
            cell.source, count = strip_solutions(cell.source)
            total += count
            cell.execution_count = None
            if i in cleared:
                cell.outputs = []
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = None
    return nb, total


def build(out: Path) -> dict[str, int]:
    """Write the student edition of every notebook into ``out``; return solutions per notebook."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    counts = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb, counts[path.name] = student_notebook(path)
        nbformat.write(nb, out / path.name)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "student" / "notebooks")
    args = parser.parse_args()
    for name, count in build(args.out).items():
        print(f"{args.out / name}: {count} solution(s) replaced by stubs")


if __name__ == "__main__":
    main()
