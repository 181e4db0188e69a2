"""Each source's reliability before and after the evidence (PyMC fit)."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import shorten, source_name
from achlab.charts.style import figure_and_axes, set_titles, styled
from achlab.charts.weights import caveat_for
from achlab.model.words import points


def _row_label(name, source_id: str, width: int = 30) -> str:
    """A source's name without its parenthesised detail, shortened to fit a row label."""
    return shorten(source_name(name, source_id), width)


def plot_reliability(result, ax=None, title: str | None = None):
    """Prior against posterior reliability per source (PyMC fit), 89 % intervals.

    Sources are sorted by how far the evidence moved them: the rest of the evidence discredits the
    sources at the top (posterior below prior) and vouches for those at the bottom.
    """
    table = result.reliability.sort_values("shift")
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.25})
        y = np.arange(len(table))[::-1]
        for yy, (_, row) in zip(y, table.iterrows(), strict=True):
            ax.plot([100 * row["prior low"], 100 * row["prior high"]], [yy + 0.15] * 2,
                    color="#94a4a2", lw=6, solid_capstyle="butt")
            ax.plot(100 * row["prior mean"], yy + 0.15, "o", color="#717581", ms=9)
            ax.plot([100 * row["posterior low"], 100 * row["posterior high"]], [yy - 0.15] * 2,
                    color="#3f90da", lw=6, solid_capstyle="butt")
            ax.plot(100 * row["posterior mean"], yy - 0.15, "D", color="#1f5f9e", ms=9)
            n = int(row["reports"])
            ax.text(101, yy, f"{points(row['shift'])} ({n} report{'' if n == 1 else 's'})",
                    va="center", fontsize=12)
        ax.set_yticks(y, [_row_label(row["name"], sid) for sid, row in table.iterrows()])
        ax.set_xlim(0, 125)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Reliability, %  (grey circle: prior; blue diamond: posterior; bars 89 %)")
        moved = table.iloc[0]
        moved_name = _row_label(moved["name"], table.index[0])
        quiet = "No source is clearly discredited by the rest of the evidence"
        set_titles(fig, ax, title or (f"The evidence discredits {moved_name} most"
                                      if moved["shift"] < -0.01 else quiet),
                   "Reliability before (prior, from the Admiralty letter) and after the evidence "
                   "(PyMC posterior)", own, caveat_for(result))
        if own:
            add_footer(fig, result.case, note="PyMC posterior")
    return fig
