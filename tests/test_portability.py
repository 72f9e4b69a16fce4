"""What keeps the course the same on every machine, checked without running the notebooks
(`make test-portable`, `make test-oldest` and `make measure` run them)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import lowest_versions  # noqa: E402
import portability  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_output_is_an_error_or_a_warning(path):
    """A red stderr box in a stored output is a warning a student would see on Run All."""
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name} cell {i} stored an error"
            assert out.get("name") != "stderr", (
                f"{path.name} cell {i} writes to stderr: {''.join(out['text'])[:300]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_notebook_sets_blas_threads_or_kernels(path):
    """The lessons must hold whatever the BLAS set-up, so none may pin it for itself."""
    text = path.read_text()
    assert not re.search(r"(OMP|OPENBLAS|MKL)_NUM_THREADS|OPENBLAS_CORETYPE|threadpool_limits", text)


HARNESS = ["pyproject.toml", "tests/conftest.py", "tests/environments/envtools.py",
           "tests/environments/test_colab_env.py", "tests/environments/test_binder_env.py",
           "tools/run_notebooks.py", "binder/postBuild", ".ci/run"]


@pytest.mark.parametrize("name", HARNESS)
def test_no_test_harness_pins_the_blas_threads(name):
    """The notebook runs (make test, test-colab, test-binder, measure, CI) start their kernels as
    JupyterLab, Colab and Binder do, with no BLAS setting: a pin here would hide a lesson that
    only passes with one thread. (Only make bench pins one thread, to time like with like.)"""
    text = (ROOT / name).read_text()
    assert not re.search(r"[\"'](OMP|OPENBLAS|MKL)_NUM_THREADS[\"']\s*[:=]|threadpool_limits\(", text)
    assert not re.search(r"^\s*(export\s+)?(OMP|OPENBLAS|MKL)_NUM_THREADS=", text, re.M)


def test_lowest_versions_pins_every_direct_dependency_at_its_lower_bound():
    pins = lowest_versions.lowest_pins()
    assert "numpy==2.0" in pins
    names = [re.split(r"[=;]", p)[0] for p in pins]
    assert len(names) == len(set(names))
    version, _ = lowest_versions.oldest_python()
    assert version == "3.11"


def test_portability_configurations_set_the_kernels_and_threads():
    env = portability.environment("Haswell", "4")
    assert env["OPENBLAS_CORETYPE"] == "Haswell" and env["OMP_NUM_THREADS"] == "4"
    unset = portability.environment("Prescott", "unset")
    assert not any(v in unset for v in portability.THREAD_VARS)


def test_jupyterlab_settings_turn_the_news_pop_up_off():
    overrides = json.loads((ROOT / "tools" / "jupyterlab-overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if (Path(sys.prefix) / "bin" / ".installed").exists():  # the environment `make` builds
        assert json.loads(installed.read_text()) == overrides
    makefile = (ROOT / "Makefile").read_text()
    assert "tools/jupyterlab-overrides.json" in makefile


def test_openblas_really_switches_kernels_on_request():
    """tools/portability.py relies on OPENBLAS_CORETYPE; make sure NumPy's OpenBLAS honours it."""
    result = subprocess.run([sys.executable, "-c", portability.ARCHITECTURE],
                            env=portability.environment("Prescott", "1"), capture_output=True,
                            text=True, check=True)
    assert set(json.loads(result.stdout)) <= portability.REPORTED["Prescott"]


@pytest.mark.skipif(portability.cpu_flags() is None or "sse2" not in (portability.cpu_flags() or ()),
                    reason="no x86 /proc/cpuinfo here")
def test_the_oldest_core_type_is_never_skipped_on_an_x86_64_cpu():
    """Every x86-64 CPU made since 2005 has SSE3 (Linux calls the flag 'pni'), so make
    test-portable must run Prescott's kernels, not skip them for a flag name that does not exist."""
    assert portability.NEEDS["Prescott"] <= portability.cpu_flags()
    assert all(flag in portability.cpu_flags() for flag in ("sse2", "pni")), "not an x86-64 CPU?"
