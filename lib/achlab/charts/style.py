"""The house style of the charts.

It covers the style file shipped in the package (loaded explicitly), the slide-sized figure with
its title block, and the cues that tell hypotheses and bands apart: colour, hatch, line style,
marker, and the estimative-language band edges the charts mark.
"""

from __future__ import annotations

from contextlib import contextmanager
from importlib.resources import files

import matplotlib as mpl
import matplotlib.pyplot as plt

from achlab.model.words import bands

STYLE_FILE = files("achlab.charts") / "achlab.mplstyle"

#: petroff10, a colour-blind-safe palette (Petroff 2021), in hypothesis order.
PALETTE = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300",
           "#b9ac70", "#717581", "#92dadd")
#: Second cue beside colour: one hatch per hypothesis.
HYPOTHESIS_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
#: Cues for lines over time: one line style and one marker per hypothesis.
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")
#: Heuer ratings: blue = consistent, grey = neutral, orange/red = inconsistent (cells are labelled).
RATING_COLOURS = {"CC": "#1f5f9e", "C": "#8fbce6", "N": "#e6e6e6", "I": "#f6b26b",
                  "II": "#bd1f01", "NA": "#ffffff"}
RATING_TEXT = {"CC": "white", "C": "black", "N": "black", "I": "black", "II": "white",
               "NA": "#717581"}

#: 16:9 slide size in inches (13.333 x 7.5); at 200 dpi, 2667 x 1500 pixels.
SLIDE_SIZE = (13.333, 7.5)
#: Resolution of exported PNGs (the style file's ``savefig.dpi`` says the same).
EXPORT_DPI = 200


def style() -> None:
    """Apply the house style to matplotlib globally (notebooks call this once)."""
    plt.style.use(str(STYLE_FILE))


@contextmanager
def styled():
    """Context in which the house style applies (used by every plot function)."""
    with mpl.rc_context(), plt.style.context(str(STYLE_FILE)):
        yield


#: Fixed margins (fractions of the figure): room for the title block on top and the footer below.
MARGINS = {"left": 0.2, "right": 0.96, "top": 0.83, "bottom": 0.2}


def new_figure(nrows: int = 1, ncols: int = 1, size=SLIDE_SIZE, margins=None, **kwargs):
    """A slide-sized figure with fixed room for title block and footer; returns (fig, axes).

    Fixed margins (not a layout engine) keep what is previewed identical to what is exported.
    """
    with styled():
        fig, axes = plt.subplots(nrows, ncols, figsize=size, **kwargs)
        fig.subplots_adjust(**{**MARGINS, **(margins or {})})
    return fig, axes


def figure_and_axes(ax=None, margins=None):
    """``(fig, ax, own)``: the caller's axes, or a new slide-sized figure (``own`` True).

    The chart then adds its title block and footer to them.
    """
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = new_figure(margins=margins)
    return fig, ax, True


def set_titles(fig, ax, title: str, subtitle: str = "", own: bool = True,
               caveat: str = "") -> None:
    """Title block of a chart.

    On its own figure, a headline at the top left and a subtitle below it, each wrapped to the
    figure's width (never cut), then a ``caveat`` in red if there is one; the axes (and a legend
    above them) are lowered below the block when it runs long. On a caller's axes, the axes
    title (with the caveat before it).
    """
    from achlab.charts.layout import fit_top, wrap_to

    if not own:
        if caveat:
            ax.set_title(f"{caveat}\n{title}", color="#bd1f01")
        else:
            ax.set_title(title)
        return
    width = 0.97 * fig.bbox.width
    y = 0.95
    for text, size, kwargs in ((title, 24, {"fontweight": "bold"}),
                               (subtitle, 14, {"color": "#444444"}),
                               (caveat, 14, {"color": "#bd1f01", "fontweight": "bold"})):
        if not text:
            continue
        shown = fig.text(0.012, y, "", fontsize=size, va="top", ha="left", **kwargs)
        shown.set_text(wrap_to(fig, text, size, width, kwargs.get("fontweight", "normal")))
        y = shown.get_window_extent(fig.canvas.get_renderer()).y0 / fig.bbox.height - 0.01
    fit_top(fig, ax, ax.get_legend())


def colour_of(index: int) -> str:
    """Palette colour for the ``index``-th hypothesis."""
    return PALETTE[index % len(PALETTE)]


def hatch_of(index: int) -> str:
    """Hatch for the ``index``-th hypothesis."""
    return HYPOTHESIS_HATCHES[index % len(HYPOTHESIS_HATCHES)]


def line_style_of(index: int) -> str:
    """Line style for the ``index``-th hypothesis."""
    return LINE_STYLES[index % len(LINE_STYLES)]


def marker_of(index: int) -> str:
    """Marker for the ``index``-th hypothesis."""
    return MARKERS[index % len(MARKERS)]


def band_edges(yardstick: str) -> list[tuple[float, str]]:
    """The inner edges between estimative-language bands, each with the word just below it."""
    return [(upper, word) for _, upper, word in bands(yardstick)[:-1]]
