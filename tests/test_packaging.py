"""Set-up stays consistent: pyproject.toml, environment.yml, the README's commands and CI."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# The teacher extra (nbgrader) stays out of environment.yml: it is for a teacher's grading
# environment, and its Jupyter extensions would add grading menus to every student's JupyterLab.
NOT_IN_CONDA = {"teacher"}


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name not in NOT_IN_CONDA:
            specs += extra
    # Packages only some Pythons need (a "; python_version" marker) have no conda counterpart.
    return dict(re.match(r"([A-Za-z0-9_.-]+)(.*)", s).groups() for s in specs if ";" not in s)


def conda_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text[text.index("dependencies:"):].splitlines()
    # conda-forge packages, then (six spaces in) those under "- pip:" that only PyPI has
    specs = [m.group(1) for line in lines
             if (m := re.match(r"\s{2}(?:\s{4})?- ([A-Za-z][^:\s]*)\s*$", line))]
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
    assert re.search(r"^(step )?make test$", ci, re.MULTILINE)
    for target in ("test-portable", "measure", "test-oldest", "test-site", "test-teacher",
                   "test-colab", "test-binder", "test-browser"):
        assert re.search(rf"^(step )?make {target}$", ci, re.MULTILINE), f"CI does not run {target}"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\n\t.*pytest", makefile, re.MULTILINE)


def test_mnist_files_are_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "datafiles/mnist/*" in project["tool"]["setuptools"]["package-data"]["nncourse"]


def test_ruff_passes_on_library_course_tests_tools_and_notebooks():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: `make test` installs it (pip install -e '.[test]')")
    result = subprocess.run([ruff, "check", "nnlib", "nncourse", "tests", "benchmarks", "tools", "notebooks"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


CORE_LINE_BUDGET = 1200


def test_the_core_of_nnlib_stays_within_its_line_budget():
    """The README and the index promise a core a student can read in an evening: every module
    of the nnlib package, whatever its name, counts."""
    modules = sorted((ROOT / "nnlib").glob("**/*.py"))
    assert {p.stem for p in modules} >= {"layers", "model", "losses", "optim", "learner"}
    lines = sum(len(p.read_text().splitlines()) for p in modules)
    assert lines < CORE_LINE_BUDGET, f"the core of nnlib has grown to {lines} lines"


# Run in a fresh interpreter in which every third-party package but NumPy is hidden, as on a
# machine where only `pip install nnlib` (without the course extra) was done.
NUMPY_ONLY = """
import importlib.abc, sys
class HideAllButNumpy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top in ("numpy", "nnlib"):
            return None
        raise ModuleNotFoundError(f"hidden for this test: {name}")
sys.meta_path.insert(0, HideAllButNumpy())
import nnlib
from nnlib import *
for module in ("matplotlib", "nncourse", "tqdm", "pandas", "sklearn", "seaborn", "ipywidgets"):
    assert module not in sys.modules, module
rng = nnlib.np.random.default_rng(0) if hasattr(nnlib, "np") else __import__("numpy").random.default_rng(0)
X = rng.standard_normal((20, 3)); y = (X[:, 0] > 0).astype(int)
model = Model([Affine(3, 4, rng=rng), ReLU(), Affine(4, 2, rng=rng)])
history = Learner(model, CrossEntropy(), SGD(0.1), progress=False).fit(DataLoader(X, y, 5, rng=rng), 2)
print("ok", len(history["loss"]))
"""


def test_the_core_imports_and_trains_with_numpy_alone():
    result = subprocess.run([sys.executable, "-c", NUMPY_ONLY], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok 2"


def test_no_core_module_imports_the_course():
    for path in (ROOT / "nnlib").glob("**/*.py"):
        text = path.read_text()
        for banned in ("nncourse", "matplotlib", "seaborn", "pandas", "sklearn", "ipywidgets"):
            assert not re.search(rf"^\s*(from|import) {banned}\b", text, re.MULTILINE), (
                f"{path.name} imports {banned}")


def test_the_main_idea_comes_first_in_the_core():
    """Read top to bottom, the training loop comes before the callbacks' details, and the
    cross-entropy's formula before its handling of the targets (issue 11)."""
    learner = (ROOT / "nnlib" / "learner.py").read_text()
    assert learner.index("    def fit(") < learner.index("class Callback") < learner.index("class History")
    losses = (ROOT / "nnlib" / "losses.py").read_text()
    cross_entropy = losses[losses.index("class CrossEntropy"):]
    assert cross_entropy.index("    def forward(") < cross_entropy.index("    def _targets(")


def test_the_dead_code_is_gone():
    for path in [*(ROOT / "nnlib").glob("**/*.py"), *(ROOT / "nncourse").glob("**/*.py")]:
        text = path.read_text()
        assert not re.search(r"^\s*def (check_layers|make_spirals)\b", text, re.MULTILINE), path.name
