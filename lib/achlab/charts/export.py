"""Export figures for briefings: PNG (16:9, 200 dpi), SVG and PDF when asked; the same bytes twice.

The formats are those passed, else ``$ACHLAB_CHART_FORMATS`` (comma-separated; ``achlab run
--formats`` sets it for the notebooks), else PNG alone: vector copies take twice as long as the
PNG and only print needs them.

What is saved is what is previewed: no tight-bbox cropping (the footer stays). The PNG's render
is kept, halved to screen resolution, as the figure's preview (:func:`preview_png`): a notebook
shows the chart it exported without drawing it a second time. Writes are atomic (a temporary
file in the same folder, then a rename) and only ever go below ``out/`` or another folder the
caller names, never into ``data/`` or ``scenarios/``.
"""

from __future__ import annotations

import io
import os
import weakref
from pathlib import Path

import matplotlib as mpl
import numpy as np

from achlab import paths
from achlab.charts.style import EXPORT_DPI
from achlab.files import atomic

FORMATS = ("png", "svg", "pdf")
DEFAULT_FORMATS = ("png",)
FORMATS_ENV = "ACHLAB_CHART_FORMATS"
#: zlib level 1: the PNG is written three times faster than at matplotlib's default, 5 % larger.
PNG_OPTIONS = {"pil_kwargs": {"compress_level": 1}}
#: Metadata that would change on every run is removed.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


#: Figure -> its exported PNG's pixels reduced to the figure's own resolution, until it is drawn
#: again (:func:`preview_png`).
_PREVIEWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _guard(folder: Path) -> None:
    folder = folder.resolve()
    for protected in (paths.data_dir(), paths.scenarios_dir()):
        protected = protected.resolve()
        if folder == protected or protected in folder.parents:
            raise ValueError(f"refusing to write charts into {paths.display_path(folder)}: "
                             "data/ and scenarios/ are inputs, write to out/")


def chart_formats(formats=None) -> tuple[str, ...]:
    """The formats to write: ``formats``, else ``$ACHLAB_CHART_FORMATS``, else PNG alone.

    Raises
    ------
    ValueError
        For a format other than png, svg or pdf (naming where it came from).
    """
    said = os.environ.get(FORMATS_ENV, "") if formats is None else formats
    if isinstance(said, str):
        said = [f.strip().lower().lstrip(".") for f in said.split(",") if f.strip()]
    chosen = tuple(dict.fromkeys(said)) or DEFAULT_FORMATS
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        where = f"${FORMATS_ENV}: " if formats is None else ""
        raise ValueError(f"{where}unknown chart format {unknown[0]!r}; use png, svg or pdf")
    return chosen


def export_figure(fig, name: str, formats=None, out: Path | str | None = None,
                  dpi: int = EXPORT_DPI) -> list[Path]:
    """Save ``fig`` as ``<out>/<name>.<fmt>`` for each format, atomically and reproducibly.

    Copies of the chart in the formats not asked for (left by an earlier run) are removed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, e.g. ``"weights"``.
    formats : iterable of {"png", "svg", "pdf"}, optional
        Default :func:`chart_formats`: ``$ACHLAB_CHART_FORMATS``, else PNG alone.
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
    written, chosen = [], chart_formats(formats)
    for stale in (folder / f"{name}.{fmt}" for fmt in FORMATS if fmt not in chosen):
        stale.unlink(missing_ok=True)  # an older run's copy would no longer match the chart
    pixels = None
    for fmt in chosen:
        if fmt == "png":
            pixels = rendered(fig, dpi)
            written.append(_write_png(pixels, folder / f"{name}.png", dpi))
            continue
        target = folder / f"{name}.{fmt}"
        with atomic(target) as tmp, \
                mpl.rc_context({"svg.hashsalt": "achlab", "svg.fonttype": "path"}):
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=METADATA[fmt])
        written.append(target)
    if pixels is not None:
        _keep_preview(fig, pixels, dpi)
    return written


def rendered(fig, dpi: float = EXPORT_DPI) -> np.ndarray:
    """``fig`` drawn once at ``dpi``: its RGBA pixels, rows from the top (what the PNG holds)."""
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi)
    width, height = (int(v) for v in fig.get_size_inches() * dpi)
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    if pixels.size == width * height * 4:
        return pixels.reshape(height, width, 4)
    # Not the whole figure (a savefig.bbox setting crops it): as savefig's own PNG has it.
    from PIL import Image

    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=dpi)
    png.seek(0)
    with Image.open(png) as image:
        return np.asarray(image.convert("RGBA"))


def save_pixels(pixels: np.ndarray, name: str, out: Path | str, dpi: float = EXPORT_DPI) -> Path:
    """Write RGBA (or RGB) ``pixels`` as ``<out>/<name>.png``, atomically, as the export does.

    Pixels from :func:`rendered` give the bytes ``fig.savefig`` would write: it hands the same
    pixels to :func:`matplotlib.image.imsave` with the same options.
    """
    folder = Path(out)
    _guard(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return _write_png(pixels, folder / f"{name}.png", dpi)


def _write_png(pixels: np.ndarray, target: Path, dpi: float) -> Path:
    """``pixels`` as the PNG ``target`` (its folder checked and made by the caller)."""
    with atomic(target) as tmp:
        mpl.image.imsave(tmp, pixels, format="png", origin="upper", dpi=dpi,
                         metadata=METADATA["png"], **PNG_OPTIONS)
    return target


def _keep_preview(fig, pixels: np.ndarray, dpi: float) -> None:
    """Keep ``pixels`` (drawn at ``dpi``) as ``fig``'s preview, at the figure's own resolution.

    Only an exact reduction is kept (``dpi`` a whole multiple of the figure's); the preview is
    forgotten as soon as the figure changes (it becomes stale) or is drawn again.
    """
    from PIL import Image

    factor = dpi / fig.dpi
    if factor < 1 or factor != int(factor):
        _PREVIEWS.pop(fig, None)
        return
    image = Image.fromarray(pixels, "RGBA")
    _PREVIEWS[fig] = image.reduce(int(factor)) if factor > 1 else image
    if not getattr(fig, "_achlab_preview_watch", False):
        fig.canvas.mpl_connect("draw_event", lambda event: _PREVIEWS.pop(event.canvas.figure,
                                                                           None))
        fig._achlab_preview_watch = True
    fig.stale = False  # drawn: what it shows now is the preview; any change makes it stale


def forget_previews() -> None:
    """Drop every preview kept (a notebook does so after each cell: see :func:`preview_png`)."""
    _PREVIEWS.clear()


def preview_png(fig) -> bytes | None:
    """The PNG of ``fig`` at its own resolution, made from its last export, or None.

    None when the figure was not exported as PNG, or changed or was drawn since. matplotlib
    does not mark every change (an axis label's text, say), so a notebook keeps a preview only
    to the end of the cell that exported it (:func:`forget_previews`). Notebooks show this
    instead of drawing the figure again (:mod:`achlab.notebook.session`).
    """
    image = _PREVIEWS.get(fig)
    if image is None or fig.stale:
        return None
    out = io.BytesIO()
    image.save(out, format="png", compress_level=1)
    return out.getvalue()
