"""The built wheel holds everything the library loads: every module, every data file, the command.

The wheel is built once per module from a copy of the sources (so the working tree gets no
``build/`` folder) by calling the build backend's PEP 517 hook, as
``pip wheel --no-deps --no-build-isolation`` would, without the network or pip's start-up time.
An editable install reads files from the source tree and hides a missing ``package-data`` entry;
these tests do not.
"""

from __future__ import annotations

import configparser
import fnmatch
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: Folders and file endings that are caches or editor leftovers, never part of the library.
NOT_SOURCES = ("__pycache__", "*.pyc", "*.pyo", "*.egg-info", ".ipynb_checkpoints", ".*", "*~")

BUILD_WHEEL = """\
import importlib, sys
module, _, attr = sys.argv[1].partition(":")
backend = importlib.import_module(module)
backend = getattr(backend, attr) if attr else backend
print(backend.build_wheel(sys.argv[2]))
"""


def is_source(rel: Path) -> bool:
    """True unless some part of ``rel`` is a cache or editor leftover (see :data:`NOT_SOURCES`)."""
    return not any(fnmatch.fnmatch(part, pattern) for part in rel.parts for pattern in NOT_SOURCES)


def library_files() -> set[str]:
    """Every file of the library below ``lib/``, as wheel paths (``achlab/charts/style.py``)."""
    return {p.relative_to(LIB).as_posix() for p in (LIB / "achlab").rglob("*")
            if p.is_file() and is_source(p.relative_to(LIB))}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The project's wheel, built from a copy of pyproject.toml, README, LICENSE and ``lib/``."""
    tmp = tmp_path_factory.mktemp("wheel")
    src, dist = tmp / "src", tmp / "dist"
    src.mkdir()
    for name in ("pyproject.toml", PYPROJECT["project"]["readme"], "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(LIB, src / "lib", ignore=shutil.ignore_patterns(*NOT_SOURCES))
    backend = PYPROJECT["build-system"]["build-backend"]
    built = subprocess.run([sys.executable, "-c", BUILD_WHEEL, backend, str(dist)], cwd=src,
                           capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as zf:
        yield zf


def dist_info(wheel: zipfile.ZipFile) -> str:
    """The wheel's ``<name>-<version>.dist-info`` folder."""
    folders = {n.split("/", 1)[0] for n in wheel.namelist() if n.split("/", 1)[0].endswith(
        ".dist-info")}
    assert len(folders) == 1, folders
    return folders.pop()


def test_library_files_are_found():
    files = library_files()
    assert "achlab/__init__.py" in files
    assert "achlab/charts/achlab.mplstyle" in files
    assert not any("__pycache__" in f or f.endswith(".pyc") for f in files)


def test_wheel_holds_every_module(wheel):
    modules = {f for f in library_files() if f.endswith(".py")}
    missing = sorted(modules - set(wheel.namelist()))
    assert not missing, f"modules missing from the wheel (packages.find?): {missing}"


def test_wheel_holds_every_data_file(wheel):
    data = {f for f in library_files() if not f.endswith(".py")}
    assert "achlab/charts/achlab.mplstyle" in data
    missing = sorted(data - set(wheel.namelist()))
    assert not missing, f"files missing from the wheel (add them to package-data): {missing}"


def test_wheel_holds_nothing_but_the_library_and_its_metadata(wheel):
    info, files = dist_info(wheel), library_files()
    extra = sorted(n for n in wheel.namelist() if not n.startswith(f"{info}/") and n not in files)
    assert not extra, f"unexpected files in the wheel: {extra}"


def test_every_package_data_pattern_matches_a_file():
    """A stale pattern (a file that does not exist) hides nothing but misleads the reader."""
    files = library_files()
    for package, patterns in PYPROJECT["tool"]["setuptools"]["package-data"].items():
        folder = package.replace(".", "/")
        for pattern in patterns:
            matches = [f for f in files if fnmatch.fnmatch(f, f"{folder}/{pattern}")
                       and "/" not in f.removeprefix(f"{folder}/")]
            assert matches, f"package-data {package!r}: {pattern!r} matches no file"


def test_wheel_declares_the_command(wheel):
    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel.read(f"{dist_info(wheel)}/entry_points.txt").decode())
    scripts = dict(entry_points["console_scripts"])
    assert scripts.get("achlab") == "achlab.cli:main"
    assert scripts == PYPROJECT["project"]["scripts"]


def test_wheel_carries_the_licence(wheel):
    info = dist_info(wheel)
    assert f"{info}/licenses/LICENSE" in wheel.namelist()
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()
