"""Build the course's website: ``python docs/build.py [OUTDIR]`` (default ``build/site``).

The one build command, run by ``make site``, the GitHub Pages workflow and tests/test_site.py:
Sphinx's HTML builder with ``docs/`` as its configuration and ``notebooks/`` as its sources,
warnings as errors (all of them reported, not only the first), and every page read afresh (-E)
so that an earlier build never hides a warning. The doctrees go beside OUTDIR, not into it, so
that OUTDIR is exactly what is deployed. Open ``OUTDIR/index.html`` in a browser, or serve it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTDIR = ROOT / "build" / "site"


def sphinx_args(outdir: Path) -> list[str]:
    outdir = outdir.resolve()
    doctrees = outdir.with_name(f"{outdir.name}-doctrees")
    return ["-b", "html", "-W", "--keep-going", "-E", "-q", "-c", str(ROOT / "docs"),
            "-d", str(doctrees), str(ROOT / "notebooks"), str(outdir)]


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        sys.exit("usage: python docs/build.py [OUTDIR]")
    return build_main(sphinx_args(Path(argv[0]) if argv else DEFAULT_OUTDIR))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
