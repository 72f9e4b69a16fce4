"""Binder: the pinned environment agrees with pyproject.toml, and repo2docker picks it up."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def pins() -> dict[str, str]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_binder_pins_the_runtime_and_course_packages_inside_pyproject_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["course"]]
    pinned = pins()
    assert set(pinned) == {r.name for r in wanted}
    for req in wanted:
        assert req.specifier.contains(pinned[req.name]), f"{req.name}=={pinned[req.name]} vs {req}"
    assert re.fullmatch(r"python-3\.1\d\n", (BINDER / "runtime.txt").read_text())


def test_post_build_installs_nnlib_without_re_solving():
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"pip install --no-deps --editable \.", post_build.read_text())


def test_repo2docker_picks_up_the_binder_folder():
    exe = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    assert exe, "jupyter-repo2docker is not installed: make test installs it (the test extra)"
    result = subprocess.run([exe, "--no-build", "--debug", str(ROOT)], capture_output=True,
                            text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-2000:]
    assert "python=3.11" in out
    # the pinned requirements are installed in a layer of their own, before the repository is
    # copied, so editing a lesson does not rebuild the environment
    install = out.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    assert install < out.index("./binder/postBuild")
    assert "COPY --chown" in out[:install] and "src/binder/requirements.txt" in out[:install]
