"""Re-execute notebooks in place, each in a fresh kernel, as "Restart & Run All" would.

Saves the outputs of that one clean run (execution counts 1..n, no widget state, no timing
metadata) and reports each notebook's wall time and its kernel's peak memory, measured by a
cell appended for the run and removed before saving.

    python tools/run_notebooks.py                 # every notebooks/*.ipynb
    python tools/run_notebooks.py notebooks/01-perceptron.ipynb
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PEAK_CELL = "import resource as _r; print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


def run(path: Path, timeout: int = 600) -> tuple[float, float]:
    """Execute ``path`` in place; return (seconds, peak kernel memory in MB)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_mb = int(nb.cells.pop().outputs[0]["text"]) / 1024  # ru_maxrss is in KiB on Linux
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return seconds, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        seconds, peak_mb = run(path)
        print(f"{path.name}: {seconds:.1f} s, peak kernel memory {peak_mb:.0f} MB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
