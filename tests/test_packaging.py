"""Set-up stays consistent: pyproject.toml, environment.yml, the README's commands and CI."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    # Packages only some Pythons need (a "; python_version" marker) have no conda counterpart.
    return dict(re.match(r"([A-Za-z0-9_.-]+)(.*)", s).groups() for s in specs if ";" not in s)


def conda_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text[text.index("dependencies:"):].splitlines()
    specs = [m.group(1) for line in lines if (m := re.match(r"\s{2}- ([A-Za-z][^:\s]*)\s*$", line))]
    found = dict(re.match(r"([A-Za-z0-9_.-]+)(.*)", s).groups() for s in specs)
    found.pop("python"), found.pop("pip")
    return found


def test_environment_yml_and_pyproject_name_the_same_packages_and_bounds():
    assert conda_requirements() == pyproject_requirements()


def test_readme_quick_start_is_two_make_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\n\t.*pytest", makefile, re.MULTILINE)


def test_mnist_files_are_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "datafiles/mnist/*" in project["tool"]["setuptools"]["package-data"]["nnlib"]


def test_ruff_passes_on_library_tests_tools_and_notebooks():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: `make test` installs it (pip install -e '.[test]')")
    result = subprocess.run([ruff, "check", "nnlib", "tests", "benchmarks", "tools", "notebooks"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_core_of_nnlib_stays_under_a_thousand_lines():
    """The README and the index promise a core a student can read in an evening."""
    core = ["layers", "model", "losses", "optim", "data", "learner", "gradcheck", "functional",
            "validation"]
    lines = sum(len((ROOT / "nnlib" / f"{name}.py").read_text().splitlines()) for name in core)
    assert lines < 1000, f"the core of nnlib has grown to {lines} lines"
