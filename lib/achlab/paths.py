"""The one place that knows where the project's folders are.

Notebooks, the command line and tests ask this module, so they work from any working directory.
``ACHLAB_ROOT`` overrides the project root (used by tests that work on a copy); ``ACHLAB_DATA``,
``ACHLAB_SCENARIOS`` and ``ACHLAB_OUT`` override single folders.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the project root: ``$ACHLAB_ROOT`` or the folder holding ``pyproject.toml``."""
    env = os.environ.get("ACHLAB_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "lib" / "achlab").is_dir():
            return parent
    return Path.cwd().resolve()


def data_dir() -> Path:
    """Folder of cases (read-only to code); ``$ACHLAB_DATA`` overrides it.

    ``achlab run --data D`` sets it for the notebook kernels, so that they read the same cases.
    """
    env = os.environ.get("ACHLAB_DATA")
    return Path(env).resolve() if env else project_root() / "data"


def scenarios_dir() -> Path:
    """Folder of scenario files; ``$ACHLAB_SCENARIOS`` overrides it (tests, sandboxes)."""
    env = os.environ.get("ACHLAB_SCENARIOS")
    return Path(env).resolve() if env else project_root() / "scenarios"


def notebooks_dir() -> Path:
    """Folder of the numbered notebooks."""
    return project_root() / "notebooks"


def out_dir() -> Path:
    """Folder for everything the project writes (git-ignored); ``$ACHLAB_OUT`` overrides it."""
    env = os.environ.get("ACHLAB_OUT")
    return Path(env).resolve() if env else project_root() / "out"


def scenario_out_dir(name: str) -> Path:
    """Where one scenario's executed notebooks and charts go: ``out/<scenario>/``."""
    return out_dir() / name


def cache_dir() -> Path:
    """Folder for compile caches (git-ignored)."""
    return project_root() / ".cache"


def scenario_files(folder: Path | None = None) -> list[Path]:
    """Every scenario file in ``folder`` (default ``scenarios/``), sorted by name."""
    folder = folder or scenarios_dir()
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def display_path(path: Path | str) -> str:
    """A path as a person should read it: relative to the working directory when below it."""
    p = Path(path)
    try:
        return os.path.relpath(p) if p.is_absolute() and Path.cwd() in p.parents else str(p)
    except ValueError:
        return str(p)
