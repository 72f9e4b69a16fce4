"""Build the virtual environments that stand in for Colab and Binder, and kernels that run in them.

An environment is rebuilt only when what it is built from changes: its recipe (the list of pip
commands) is written to ``.recipe`` in the environment once every command succeeded, and
compared on the next run. The notebooks run in a kernel of the environment, started through a
kernelspec written inside it (``share/jupyter/kernels/NAME``), while the test harness itself
(pytest, nbclient, nbval) stays in the project's ``.venv``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# pip's options for building an environment: byte-compiling every installed file is most of the
# time of a cold build, and Python compiles what it imports anyway.
QUICK = ("--quiet", "--no-compile")


def find_python(version: str) -> Path:
    """An interpreter of Python ``version`` ("3.13"): ``$PYTHON3_13`` if set, else
    ``python3.13`` on the PATH, else pyenv's newest 3.13.x. Fails the test with what to do when
    there is none."""
    variable = "PYTHON" + version.replace(".", "_")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    installed = sorted(pyenv.glob(f"{version}.*/bin/python{version}"),
                       key=lambda p: [int(n) for n in re.findall(r"\d+", p.parts[-3])], reverse=True)
    candidates = [os.environ.get(variable), shutil.which(f"python{version}"), *installed]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2], "
                                "sys.executable)"], capture_output=True, text=True)
        found, _, executable = probe.stdout.strip().partition(" ")
        if probe.returncode == 0 and found == version:
            return Path(executable)  # the interpreter itself, not a pyenv shim
    pytest.fail(f"Python {version} is needed and was not found (tried ${variable}, python{version} "
                f"on the PATH and {pyenv}/{version}.*): install it, e.g. `pyenv install {version}`, "
                f"or set {variable}=/path/to/python{version}", pytrace=False)


def run(command: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail the test with its output (the end of it)."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited with {result.returncode}:\n"
                    f"{(result.stdout + result.stderr)[-4000:]}", pytrace=False)
    return result


def build(path: Path, python: Path, steps: list[list[str]], inputs: tuple[Path, ...] = ()) -> float:
    """Create the environment at ``path`` with ``python`` and run ``steps`` (each a command
    whose first word "pip" or "python" means the environment's, run from the repository's root),
    unless it was built with these very steps and ``inputs`` (files the steps read) already.
    Returns the seconds it took (0 when reused)."""
    recipe = json.dumps({"python": str(python), "steps": steps,
                         "inputs": {str(p): p.read_text() for p in inputs}}, indent=1)
    if (path / ".recipe").exists() and (path / ".recipe").read_text() == recipe:
        return 0.0
    start = time.perf_counter()
    shutil.rmtree(path, ignore_errors=True)
    run([python, "-m", "venv", path])
    bin_dir = path / "bin"
    full_env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                "VIRTUAL_ENV": str(path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for step in steps:
        head, *rest = step
        if head in ("pip", "python"):
            command = [bin_dir / "python", *(["-m", "pip"] if head == "pip" else []), *rest]
        else:
            command = step
        run(command, cwd=ROOT, env=full_env)
    (path / ".recipe").write_text(recipe)
    return time.perf_counter() - start


def installed(path: Path) -> dict[str, str]:
    """The environment's installed distributions, {normalised name: version}."""
    # run from inside the environment: from the working tree, nnlib.egg-info would be seen too
    listing = run([path / "bin" / "python", "-m", "pip", "list", "--format", "json"], cwd=path).stdout
    return {normalise(p["name"]): p["version"] for p in json.loads(listing)}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([path / "bin" / "python", "-m", "pip", "check"], capture_output=True, text=True,
                          cwd=path)


def write_kernelspec(path: Path, name: str, display_name: str, *, argv_extra: tuple[str, ...] = (),
                     env: dict[str, str] | None = None) -> Path:
    """A kernelspec ``name`` that starts ipykernel with the environment's Python; returns the
    folder to put on JUPYTER_PATH so that jupyter_client (nbclient, nbval) finds it."""
    data = path / "share" / "jupyter"
    spec = data / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(path / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}",
            *argv_extra]
    kernel = {"argv": argv, "display_name": display_name, "language": "python",
              # No BLAS thread count: Colab and Binder set none, and the lessons must pass as they run.
              "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1", **(env or {})}}
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))
    return data


def python_of(path: Path) -> str:
    return run([path / "bin" / "python", "-c", "import sys; print(sys.version.split()[0])"]).stdout.strip()


def report(lines: list[str]) -> None:
    """What was measured, for the log: the make targets run pytest with -s, so it is shown."""
    print("\n" + "\n".join(lines), flush=True)
