"""The Makefile finds a Python >= 3.12 robustly, and says what to install when there is none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from achlab import paths

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def which_python(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([MAKE, "-s", "which-python"], cwd=paths.project_root(), env=env,
                          capture_output=True, text=True, timeout=60)


def test_finds_an_interpreter_that_really_runs_and_is_new_enough():
    found = which_python({**os.environ})
    assert found.returncode == 0, found.stderr
    exe = found.stdout.strip().splitlines()[-1]
    version = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2] >= (3, 12))"],
                             capture_output=True, text=True, check=True)
    assert version.stdout.strip() == "True"


def test_a_shim_that_refuses_to_run_is_skipped(tmp_path):
    """A ``python3.12`` on PATH that fails (like an unselected pyenv shim) is not chosen."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "python3.12"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    good = Path(sys.executable).resolve()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    (bin_dir / "python3.13").symlink_to(good)
    found = which_python(env)
    assert found.returncode == 0, found.stdout + found.stderr
    assert found.stdout.strip().splitlines()[-1] == str(bin_dir / "python3.13")


def test_no_suitable_python_says_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3", "python", "python3.12"):
        fake = bin_dir / name
        fake.write_text("#!/bin/sh\nexit 1\n")  # too old or broken, whatever it is asked
        fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/bin", "HOME": str(tmp_path / "home")}
    if shutil.which("python3.13", path="/bin") or shutil.which("python3.12", path="/bin"):
        pytest.skip("this machine has a system Python >= 3.12 in /bin")
    found = which_python(env)
    assert found.returncode != 0
    assert "needs Python 3.12 or newer" in found.stdout
    assert "pyenv install 3.12" in found.stdout
