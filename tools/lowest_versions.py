"""Build the environment that pyproject.toml promises works at its lowest: the oldest Python that
``requires-python`` allows, and every direct dependency at exactly its lower bound.

Version bounds are promises. ``make test-oldest`` runs the whole test suite in this environment
(CI does too), so a lower bound that does not really work fails there instead of on a student's
machine. Dependencies of dependencies are left to pip (the newest that fit).

    python tools/lowest_versions.py                  # print the pins
    python tools/lowest_versions.py --create .venv-oldest
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("course", "test")
LOWER = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lowest_pins(extras: tuple[str, ...] = EXTRAS) -> list[str]:
    """``name==lower`` for every direct dependency (and those of ``extras``) with a lower bound.
    A requirement with an environment marker keeps it, so the pin applies where it applies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    pins = []
    for spec in specs:
        requirement, _, marker = spec.partition(";")
        name, bounds = LOWER.match(requirement.strip()).groups()
        lower = re.search(r">=\s*([0-9][^,\s]*)", bounds)
        if lower is None:
            raise SystemExit(f"lowest_versions: {spec!r} has no lower bound (>=): give it one")
        pins.append(f"{name}=={lower.group(1)}" + (f"; {marker.strip()}" if marker else ""))
    return pins


def oldest_python() -> tuple[str, Path]:
    """The lowest Python version pyproject.toml allows, and an interpreter of that version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    version = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"]).group(1)
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys, venv, ensurepip; print(sys.version)"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return version, Path(candidate)
    raise SystemExit(f"lowest_versions: no Python {version} with venv and ensurepip found "
                     f"(looked for python{version} on PATH and in ~/.pyenv/versions); install "
                     f"it, since pyproject.toml promises requires-python >= {version}")


def create(venv: Path) -> None:
    version, python = oldest_python()
    print(f"Python {version}: {python}", flush=True)
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    constraints = venv / "lowest-constraints.txt"
    constraints.write_text("\n".join(lowest_pins()) + "\n")
    print(constraints.read_text(), flush=True)
    subprocess.run([*pip, "--editable", f"{ROOT}[{','.join(EXTRAS)}]", "-c", str(constraints)],
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--create", type=Path, metavar="VENV",
                        help="create this virtual environment and install the pins into it")
    args = parser.parse_args()
    if args.create:
        create(args.create)
    else:
        print("\n".join(lowest_pins()))


if __name__ == "__main__":
    sys.exit(main())
