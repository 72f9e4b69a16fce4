"""Re-execute notebooks, each in a fresh kernel, as "Restart & Run All" would, and measure them.

By default the outputs of that one clean run are saved in place (execution counts 1..n, no
widget state, no timing metadata). With ``--measure`` nothing is saved: the notebooks are run
and the table of each one's wall time and its kernel's peak memory is printed, and the command
fails if a kernel peaked above ``--max-memory`` (a free Binder gives 2 GB to a whole session, in
which a student often leaves two or three lessons' kernels running). The peak is the kernel
process's maximum resident set size, read by a cell appended for the run and removed after.

    python tools/run_notebooks.py                            # every notebooks/*.ipynb, saved
    python tools/run_notebooks.py notebooks/01-perceptron.ipynb
    python tools/run_notebooks.py --measure --max-memory 400 # the table, nothing saved
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
PEAK_CELL = "import resource as _r; print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


def run(path: Path, *, save: bool = True, timeout: int = 600) -> tuple[float, float]:
    """Execute ``path`` in a fresh kernel; return (seconds, peak kernel memory in MB)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_mb = int(nb.cells.pop().outputs[0]["text"]) / 1024  # ru_maxrss is in KiB on Linux
    if save:
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
    return seconds, peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--measure", action="store_true", help="print the table, save nothing")
    parser.add_argument("--max-memory", type=float, default=None, metavar="MB",
                        help="fail if a kernel's peak memory exceeds this many MB")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    threads = ", ".join(f"{v}={os.environ[v]}" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                          "OPENBLAS_CORETYPE") if v in os.environ)
    print(f"{'notebook':<38} {'time (s)':>9} {'peak memory (MB)':>17}   ({threads or 'no BLAS settings'})")
    over = []
    for path in paths:
        seconds, peak_mb = run(path, save=not args.measure)
        print(f"{path.name:<38} {seconds:9.1f} {peak_mb:17.0f}", flush=True)
        if args.max_memory is not None and peak_mb > args.max_memory:
            over.append(f"{path.name} peaked at {peak_mb:.0f} MB")
    if over:
        print(f"above the {args.max_memory:.0f} MB budget: " + "; ".join(over), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
