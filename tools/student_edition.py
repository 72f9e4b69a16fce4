"""Build the student edition of the course: every reference solution replaced by a stub.

In the committed notebooks each exercise's solution sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's convention), so they run fully and pass nbval. Here each such
block becomes a stub: inside a function, ``raise NotImplementedError`` with the hint written in
the ``# Hint:`` line above the block; at the top level of a cell, every name the solution
assigns is set to ``...`` (which the self-checks read as "not answered yet"). Outputs and
execution counts are cleared. The result goes to a folder that is not committed:

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
HINT = re.compile(r"^\s*# Hint:\s*(.*)$")


def _stub(block: list[str], indent: str, hint: str) -> list[str]:
    if indent:
        message = repr(hint) if hint else ""
        return [f"{indent}raise NotImplementedError({message})"]
    try:
        tree = ast.parse("\n".join(block))
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    if not names:
        return [f"raise NotImplementedError({hint!r})" if hint else "raise NotImplementedError"]
    return [f"{name} = ...  # your answer" for name in dict.fromkeys(names)]


def strip_solutions(source: str) -> tuple[str, int]:
    """Replace every solution block of a cell's source by its stub; return (source, count)."""
    lines, out, count = source.split("\n"), [], 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        hint = ""
        if out and (match := HINT.match(out[-1])):
            hint = match.group(1)
        try:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == END)
        except StopIteration:
            raise ValueError(f"'{BEGIN}' without '{END}' in:\n{source}") from None
        out += _stub([s[len(indent):] for s in lines[i + 1:end]], indent, hint)
        count += 1
        i = end + 1
    return "\n".join(out), count


def student_notebook(path: Path) -> tuple[nbformat.NotebookNode, int]:
    nb = nbformat.read(path, as_version=4)
    total = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and BEGIN in cell.source:
            cell.source = re.sub(rf"{BEGIN}.*?{END}", "*Your answer here.*", cell.source,
                                 flags=re.DOTALL)
            total += 1
        elif cell.cell_type == "code":
            cell.source, count = strip_solutions(cell.source)
            total += count
            cell.outputs, cell.execution_count = [], None
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
