"""Binder, reproduced offline: what repo2docker builds from binder/, checked with pip and by
running the lessons in it.

repo2docker starts from a conda environment locked per Python version (the lock files ship in
the jupyter-repo2docker package, ``repo2docker/buildpacks/conda/environment.py-X.Y-linux-64.lock``;
the test extra installs it), then runs ``pip install -r binder/requirements.txt`` (with
dependencies) and ``binder/postBuild``. ``make test-binder`` does the same in ``.venv-binder``:
the lock's Python packages at their locked versions with pip (conda names mapped to PyPI's,
``--no-deps``, so exactly the lock), ``pip check`` on that base, then the requirements and
postBuild, then ``pip check`` on the result and nbval, strict, over every notebook in a kernel
of that environment. The environment is rebuilt only when the lock, the pins or postBuild change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import repo2docker
from envtools import (
    QUICK,
    ROOT,
    build,
    find_python,
    installed,
    normalise,
    pip_check,
    python_of,
    report,
    run,
    write_kernelspec,
)

VENV = ROOT / ".venv-binder"
OVERRIDES = ROOT / "tools" / "jupyterlab-overrides.json"
KERNEL = "nncourse-binder"
BINDER = ROOT / "binder"
# conda-forge package -> PyPI distribution, where the names differ
PYPI_NAMES = {"brotli-python": "brotli", "cached_property": "cached-property",
              "jupyterhub-base": "jupyterhub", "nbconvert-core": "nbconvert",
              "python-fastjsonschema": "fastjsonschema"}
LOCK_LINE = re.compile(r"^https://\S+/(?P<name>[^/]+)-(?P<version>[^-/]+)-(?P<build>[^-/]+)\.(conda|tar\.bz2)#")


def runtime_python() -> str:
    match = re.fullmatch(r"python-(3\.\d+)\s*", (BINDER / "runtime.txt").read_text())
    assert match, "binder/runtime.txt should read python-3.X"
    return match.group(1)


def base_lock(version: str) -> Path:
    conda = Path(repo2docker.__file__).parent / "buildpacks" / "conda"
    return conda / f"environment.py-{version}-linux-64.lock"


def python_packages(lock: Path) -> dict[str, str]:
    """The lock's Python packages as PyPI requirements {name: version}. conda-forge builds
    Python packages with a build string starting "py" (pyh... for pure Python, py311h... for
    compiled ones); the rest are C libraries, Python itself, nodejs, or metapackages such as
    jupyterhub-singleuser, whose contents are listed on their own lines."""
    packages = {}
    for line in lock.read_text().splitlines():
        match = LOCK_LINE.match(line)
        if match and match["build"].startswith("py"):
            packages[normalise(PYPI_NAMES.get(match["name"], match["name"]))] = match["version"]
    return packages


@pytest.fixture(scope="module")
def binder():
    version = runtime_python()
    base = python_packages(base_lock(version))
    seconds = build(VENV, find_python(version), [
        ["pip", "install", *QUICK, "--no-deps", *(f"{name}=={v}" for name, v in base.items())],
        ["pip", "check"],  # the base alone is consistent, or the mapping above is wrong
        ["pip", "install", *QUICK, "-r", "binder/requirements.txt"],
        ["bash", "binder/postBuild"],
    ], inputs=(BINDER / "requirements.txt", BINDER / "postBuild", OVERRIDES))
    report([f"Binder environment {VENV.name}: Python {python_of(VENV)} with repo2docker "
            f"{repo2docker.__version__}'s {base_lock(version).name} ({len(base)} Python packages; "
            f"{'reused' if seconds == 0 else f'built in {seconds:.0f} s'})"])
    return base


def pins() -> dict[str, str]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_the_lock_read_is_the_one_repo2docker_builds_from():
    version = runtime_python()
    exe = Path(sys.executable).parent / "jupyter-repo2docker"
    out = run([exe, "--no-build", "--debug", ROOT]).stdout
    out = out.replace("-2f", "/").replace("-2e", ".").replace("-2d", "-")  # its escaped file names
    assert f"buildpacks/conda/{base_lock(version).name}" in out
    assert not (base_lock(version).parent / f"requirements.py-{version}.pip").exists(), (
        "repo2docker now adds pip packages to its base: install them too")


def test_pip_check_passes_on_the_binder_image(binder):
    result = pip_check(VENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pins_are_installed_and_the_base_front_end_is_kept(binder):
    versions = installed(VENV)
    for name, version in pins().items():
        assert versions[normalise(name)] == version, f"{name}: {versions[normalise(name)]}, pinned {version}"
    for front_end in ("notebook", "jupyter-server", "jupyterhub"):
        assert versions[front_end] == binder[front_end], f"{front_end} was changed"
    changed = [f"{name} {binder[name]} -> {versions[name]}" for name in sorted(binder)
               if versions.get(name) != binder[name]]
    shown = ("notebook", "jupyterlab", "jupyter-server", "jupyterhub", "ipykernel", "ipython",
             "ipywidgets", "numpy", "matplotlib", "pandas", "scikit-learn")
    report(["Binder environment: " + ", ".join(f"{name} {versions[name]}" for name in shown),
            "changed from the base lock by binder/requirements.txt: " + ", ".join(changed)])


def test_post_build_turns_jupyterlab_news_pop_up_off(binder):
    """postBuild installs the settings overrides that `make lab` installs (tests/browser shows
    that without them JupyterLab asks students about its news feed)."""
    settings = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.read_text() == OVERRIDES.read_text()


def test_the_lessons_pass_nbval_strictly_in_a_binder_kernel(binder):
    data = write_kernelspec(VENV, KERNEL, "Python 3 (Binder's image)")
    path = os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")]))
    result = subprocess.run([sys.executable, "-m", "pytest", "notebooks", "-o", "addopts=",
                             "-p", "no:cacheprovider", "--nbval", "--nbval-kernel-name", KERNEL,
                             "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "-q"],
                            cwd=ROOT, env={**os.environ, "JUPYTER_PATH": path},
                            capture_output=True, text=True)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    report([f"nbval (strict) in the Binder kernel: {summary}"])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
