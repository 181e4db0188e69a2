"""Export figures for briefings: PNG (16:9, 200 dpi), SVG and PDF, byte-identical on a rerun.

What is saved is what is previewed: no tight-bbox cropping (the footer stays). Writes are atomic
(a temporary file in the same folder, then a rename) and only ever go below ``out/`` or another
folder the caller names, never into ``data/`` or ``scenarios/``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib as mpl

from achlab import paths
from achlab.charts.style import EXPORT_DPI

DEFAULT_FORMATS = ("png", "svg", "pdf")
#: Metadata that would change on every run is removed.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def _guard(folder: Path) -> None:
    folder = folder.resolve()
    for protected in (paths.data_dir(), paths.scenarios_dir()):
        protected = protected.resolve()
        if folder == protected or protected in folder.parents:
            raise ValueError(f"refusing to write charts into {paths.display_path(folder)}: "
                             "data/ and scenarios/ are inputs, write to out/")


def export_figure(fig, name: str, formats=DEFAULT_FORMATS, out: Path | str | None = None,
                  dpi: int = EXPORT_DPI) -> list[Path]:
    """Save ``fig`` as ``<out>/<name>.<fmt>`` for each format, atomically and reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, e.g. ``"weights"``.
    formats : iterable of {"png", "svg", "pdf"}
    out : path, optional
        Folder (default ``out/``).
    dpi : int
        Raster resolution; the default makes a 16:9 slide 2667 x 1500 pixels.

    Returns
    -------
    list of Path
    """
    folder = Path(out) if out is not None else paths.out_dir()
    _guard(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt not in METADATA:
            raise ValueError(f"unknown format {fmt!r}; use png, svg or pdf")
        target = folder / f"{name}.{fmt}"
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}", dir=folder)
        os.close(fd)
        try:
            with mpl.rc_context({"svg.hashsalt": "achlab", "svg.fonttype": "path"}):
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=METADATA[fmt])
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
