"""The three package lists agree, and .gitignore does not hide the library."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOT_PACKAGES = {"python", "pip"}


def normalise(requirement: str) -> str:
    """Package name of a requirement: lower case, ``_`` and ``.`` as ``-``, no version or extras.

    Parameters
    ----------
    requirement : str
        E.g. ``"PyYAML>=6"``, ``"python_pptx"``, ``"numpy==2.5.5"``, ``"python=3.12"``.

    Returns
    -------
    str
    """
    name = re.split(r"[\s<>=!~;\[@]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def conda_packages() -> set[str]:
    """Package names among environment.yml's conda dependencies (not python, pip or pip's list).

    Returns
    -------
    set of str
    """
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = {normalise(dep) for dep in env["dependencies"] if isinstance(dep, str)}
    return names - NOT_PACKAGES


def pyproject_packages() -> set[str]:
    """Package names of pyproject.toml's dependencies and its ``dev`` extra.

    Returns
    -------
    set of str
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {normalise(d) for d in deps}


def pinned_packages() -> dict[str, str]:
    """Packages pinned with ``==`` in requirements/constraints.txt.

    Returns
    -------
    dict
        Normalised name -> version.
    """
    pins = {}
    text = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[normalise(name)] = version.strip()
    return pins


@pytest.mark.parametrize("raw, name", [("PyYAML>=6", "pyyaml"), ("python_pptx", "python-pptx"),
                                       ("python=3.12", "python"), ("numpy == 2.5", "numpy"),
                                       ("pytest-xdist[psutil]", "pytest-xdist")])
def test_normalise(raw, name):
    assert normalise(raw) == name


def test_environment_yml_lists_the_pyproject_packages():
    conda, pyproject = conda_packages(), pyproject_packages()
    assert conda, "no conda dependencies found"
    assert conda == pyproject, (f"only in environment.yml: {sorted(conda - pyproject)}; "
                                f"only in pyproject.toml: {sorted(pyproject - conda)}")


def test_environment_yml_installs_the_project_with_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_lists == [["-e ."]]


def test_every_package_is_pinned_in_constraints():
    pins = pinned_packages()
    missing = sorted(pyproject_packages() - set(pins))
    assert not missing, f"not pinned with == in requirements/constraints.txt: {missing}"
    for name in pyproject_packages():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", pins[name]), (name, pins[name])


def test_gitignore_does_not_ignore_the_library():
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    for path in ("lib/achlab/__init__.py", "lib/achlab/engines/exact.py"):
        result = subprocess.run([git, "check-ignore", "-q", path], cwd=ROOT,
                                capture_output=True, check=False)
        assert result.returncode == 1, f"{path} is ignored by git (exit {result.returncode})"
