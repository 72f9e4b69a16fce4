"""Colab, reproduced offline: the lessons run with Colab's versions of the packages, their first
cell installing the course from this working tree, and the explorers' tests pass on Colab's
ipywidgets 7.7.

``make test-colab`` builds ``.venv-colab`` with Python 3.13 and colab-requirements.txt (rebuilt
only when they change), then runs this file. The kernel imports a stand-in ``google.colab`` at
start, as Colab's does, so the install cell takes its Colab branch, and NNCOURSE_SOURCE points
it at this working tree instead of GitHub. Every lesson is run from a temporary copy of
notebooks/ to which tools/course.py has added the cell (a no-op once the lead has applied it).
The stored outputs come from other versions (pandas 3, NumPy 2.4...) and still every text output
matches them, so nbval compares them strictly, as ``make test`` does (stderr included).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
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
from nbclient import NotebookClient

sys.path.insert(0, str(ROOT / "tools"))
import course

VENV = ROOT / ".venv-colab"
PINS = [line.strip() for line in Path(__file__).with_name("colab-requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")]
KERNEL = "nncourse-colab"
STAND_IN = '"""A stand-in for Colab\'s google.colab package, for tests/environments only."""\n'


@pytest.fixture(scope="module")
def colab():
    python = find_python("3.13")
    seconds = build(VENV, python, [["pip", "install", *QUICK, *PINS]])
    site = Path(run([VENV / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .stdout.strip())
    (site / "google" / "colab").mkdir(parents=True, exist_ok=True)
    (site / "google" / "colab" / "__init__.py").write_text(STAND_IN)
    run([VENV / "bin" / "python", "-m", "pip", "uninstall", "--yes", "--quiet", "nnlib"])
    data = write_kernelspec(VENV, KERNEL, "Python 3 (Colab's versions)",
                            argv_extra=("--IPKernelApp.exec_lines=import google.colab",),
                            env={"NNCOURSE_SOURCE": str(ROOT)})
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(data), old]))
    report([f"Colab environment {VENV.name}: Python {python_of(VENV)} "
            f"({'reused' if seconds == 0 else f'built in {seconds:.0f} s'})"])
    yield site
    if old is None:
        os.environ.pop("JUPYTER_PATH")
    else:
        os.environ["JUPYTER_PATH"] = old


def execute(cells: list[str] | nbformat.NotebookNode, cwd: Path, timeout: int = 900) -> nbformat.NotebookNode:
    nb = cells if isinstance(cells, nbformat.NotebookNode) else nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def test_the_environment_has_colabs_versions(colab):
    versions = installed(VENV)
    assert python_of(VENV).startswith("3.13.")
    for pin in PINS:
        if "==" in pin:
            name, version = pin.split("==")
            assert versions.get(normalise(name)) == version, f"{name}: {versions.get(normalise(name))}"
    report(["Colab environment: " + ", ".join(
        f"{name} {versions[name]}" for name in ("numpy", "matplotlib", "pandas", "scikit-learn", "seaborn",
                                               "tqdm", "ipywidgets", "ipython", "ipykernel", "notebook",
                                               "tornado", "traitlets", "jupyter-client", "pyzmq"))])


def test_pip_check(colab):
    result = pip_check(VENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_install_cell_installs_the_course_and_nothing_else(colab, tmp_path):
    before = installed(VENV)
    assert "nnlib" not in before
    nb = execute([course.COLAB_CELL,
                  "import json, nncourse\nfrom nncourse.datasets import load_mnist\n"
                  "print(json.dumps([nncourse.__file__, load_mnist()[0].shape]))"], tmp_path)
    assert nb.cells[0].outputs == [], "the install cell printed something"
    where, shape = json.loads(nb.cells[1].outputs[0]["text"])
    assert Path(where).is_relative_to(colab), f"nncourse imported from {where}, not from the install"
    assert shape == [60000, 28, 28]  # MNIST's files were installed with the package
    after = installed(VENV)
    assert {k: v for k, v in after.items() if k != "nnlib"} == before, "--no-deps changed other packages"
    direct = json.loads(run([VENV / "bin" / "python", "-c",
                             "from importlib.metadata import distribution as d; "
                             "print(d('nnlib').read_text('direct_url.json'))"], cwd=tmp_path).stdout)
    assert direct["url"] == ROOT.as_uri() and not direct.get("dir_info", {}).get("editable")
    report([f"install cell: nnlib {after['nnlib']} installed from {direct['url']} (not editable), "
            "no other package changed"])


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("colab") / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    assert course.write_lessons(folder) == []
    return folder


def test_the_lessons_pass_nbval_strictly_on_colab(colab, lessons):
    for lesson in course.LESSONS:
        nb = nbformat.read(lessons / lesson.file, as_version=4)
        assert next(c for c in nb.cells if c.cell_type == "code").source == course.COLAB_CELL
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", *(lesson.file for lesson in course.LESSONS),
                             "-o", "addopts=", "-p", "no:cacheprovider", "--rootdir", str(lessons),
                             "--nbval", "--nbval-kernel-name", KERNEL, "--nbval-sanitize-with",
                             str(ROOT / "tests" / "nbval_sanitize.cfg"), "-q"],
                            cwd=lessons, capture_output=True, text=True)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    report([f"the lessons on Colab's versions, nbval strict: {summary} "
            f"({time.perf_counter() - start:.0f} s with the kernels' start)"])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_explorers_tests_pass_on_ipywidgets_7(colab):
    result = run([VENV / "bin" / "python", "-m", "pytest", "tests/test_widgets.py", "-o", "addopts=",
                  "-p", "no:cacheprovider", "-q"], cwd=ROOT)
    report(["tests/test_widgets.py on ipywidgets " + installed(VENV)["ipywidgets"] + ": "
            + result.stdout.strip().splitlines()[-1]])
