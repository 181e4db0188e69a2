"""What every notebook calls: set-up, loading a scenario by path, and the closing versions."""

from __future__ import annotations

import base64
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
    _show_exports_as_exported()
    pd.set_option("display.max_colwidth", None)  # text in full: a report's tables wrap it
    pd.set_option("display.max_rows", 80)
    pd.set_option("display.precision", 3)
    for name in ("pymc", "pytensor", "numba"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)


def _show_exports_as_exported() -> None:
    """Show an exported chart in the notebook from its export, not by drawing it again.

    The inline backend draws every figure of a cell once more to show it (with its edges
    cropped). A chart exported as PNG (:func:`achlab.charts.export.export_figure`) is shown as
    that PNG at screen resolution instead, at the end of the cell that exported it: what is
    shown is what was saved, and drawing it twice cost half a second a chart. Any other figure,
    one that became stale since its export, or one shown in a later cell, is drawn as before.
    Outside IPython this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    drawn = formatter.lookup_by_type(Figure) if Figure in formatter.type_printers else None
    if drawn is None or getattr(drawn, "shows_exports", False):
        return

    def shown(fig):
        from achlab.charts.export import preview_png

        png = preview_png(fig)
        return base64.b64encode(png).decode("ascii") if png is not None else drawn(fig)

    shown.shows_exports = True
    formatter.for_type(Figure, shown)
    if _forget_after_each_cell not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _forget_after_each_cell)


def _forget_after_each_cell(result=None) -> None:
    """After a cell (and after its figures are shown): no export's preview is kept."""
    from achlab.charts.export import forget_previews

    forget_previews()


_KERNEL_START: dict = {}
#: matplotlib settings :func:`start_afresh` leaves alone.
_BACKEND_KEYS = ("backend", "backend_fallback", "interactive")


def start_afresh(shell, cwd: str, env: dict[str, str | None] | None = None) -> None:
    """Put a kernel back as it started, before the next notebook of a run uses it.

    ``achlab run`` runs one scenario's notebooks in turn in one kernel (the imports are paid
    once). Between them the user namespace is cleared (IPython's ``reset``) but for the
    module names the kernel began with (``__spec__`` and the like, which multiprocessing reads);
    figures are closed; matplotlib's settings, the warning filters and the working folder are
    those the kernel had at the first call; execution counts start again from 1. The working
    folder is then ``cwd``, and ``env`` is applied to the environment.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
        ``get_ipython()`` of the kernel.
    cwd : str
        Working folder of the next notebook.
    env : dict, optional
        Environment variables to set; a value of None removes the variable.
    """
    import os

    import matplotlib as mpl
    import matplotlib.pyplot as plt

    if not _KERNEL_START:
        # The backend and interactive mode are left as the inline backend set them: restoring
        # them to what they were before it was loaded stops figures from being shown.
        rc = {k: v for k, v in mpl.rcParams.items() if k not in _BACKEND_KEYS}
        _KERNEL_START.update(rc=rc, filters=list(warnings.filters),
                             names={k: v for k, v in shell.user_ns.items()
                                    if k.startswith("__") and k.endswith("__")})
    shell.reset(new_session=True)  # namespace, history session and execution count
    shell.user_ns.update(_KERNEL_START["names"])
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl.rcParams.update(_KERNEL_START["rc"])
    warnings.filters[:] = _KERNEL_START["filters"]
    os.chdir(cwd)
    set_env(env or {})


def set_env(env: dict[str, str | None]) -> None:
    """Set environment variables of this process; a value of None removes the variable."""
    import os

    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
