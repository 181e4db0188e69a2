"""What every notebook calls: set-up, loading a scenario by path, and the closing versions."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from achlab import paths
from achlab.load.scenario import resolve
from achlab.model import Case

PACKAGES = ("achlab", "numpy", "scipy", "pandas", "matplotlib", "pymc", "pytensor", "arviz",
            "nutpie", "papermill", "ipywidgets")


def setup() -> None:
    """House style for charts, readable tables, and quiet samplers (no progress-bar junk)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from achlab.charts.style import STYLE_FILE

    plt.style.use(str(STYLE_FILE))
    plt.rcParams["figure.figsize"] = (12, 6.75)
    # The charts draw inside rc_context(); creating and closing one figure here makes the inline
    # backend's display hook stay active so that every chart of a notebook is shown.
    plt.close(plt.figure())
    pd.set_option("display.max_colwidth", 90)
    pd.set_option("display.max_rows", 80)
    pd.set_option("display.precision", 3)
    for name in ("pymc", "pytensor", "numba"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)


def scenario_path(scenario: str | Path) -> Path:
    """A scenario given as a path (absolute, or relative to the project root) or a bare name."""
    p = Path(scenario)
    if p.is_absolute():
        return p
    for candidate in (paths.project_root() / p, paths.scenarios_dir() / p,
                      paths.scenarios_dir() / f"{p}.yaml"):
        if candidate.is_file():
            return candidate
    return paths.project_root() / p


def load(scenario: str | Path) -> Case:
    """Load a scenario for a notebook, from any working directory."""
    return resolve(scenario_path(scenario))


def versions() -> str:
    """Python and package versions, one per line (the notebooks' closing cell prints this)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    lines = [f"python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            lines.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    return "\n".join(lines)
