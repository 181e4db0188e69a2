"""The hypothesis weights as labelled bars, bottom line up front."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import shorten
from achlab.charts.style import (
    band_edges,
    colour_of,
    figure_and_axes,
    hatch_of,
    set_titles,
    styled,
)
from achlab.model import Case
from achlab.model.words import estimative_word, headline, percent


def interval_xerr(mean: float, low: float, high: float) -> list[list[float]]:
    """Error-bar extents in points; a skewed posterior's mean may sit outside its interval."""
    return [[100 * max(0.0, mean - low)], [100 * max(0.0, high - mean)]]


def plot_weights(weights, case: Case, ax=None, title: str | None = None):
    """Hypothesis weights as labelled bars (89 % interval when there is one).

    The title is the bottom line up front, e.g. ``"Combat troops: likely (62 %)"``; each bar
    carries its estimative word and percentage, and a hatch as well as a colour.
    """
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.22, "right": 0.97})
        ids = list(weights.hypothesis_ids)
        y = np.arange(len(ids))[::-1]
        for n, (h, yy) in enumerate(zip(ids, y, strict=True)):
            m = weights[h]
            ax.barh(yy, 100 * m, height=0.6, color=colour_of(n), hatch=hatch_of(n),
                    edgecolor="#333333", linewidth=0.8)
            lo, hi = weights.low[n], weights.high[n]
            if hi - lo > 1e-9:
                ax.errorbar(100 * m, yy, xerr=interval_xerr(m, lo, hi), fmt="none",
                            ecolor="#222222", elinewidth=2, capsize=6)
            text = f"{estimative_word(m, weights.yardstick)} ({percent(m)})"
            x_text = 100 * max(m, hi) + 1.5
            ax.text(min(x_text, 80), yy + (0.42 if x_text > 80 else 0), text, va="center",
                    fontsize=16, fontweight="bold")
        for edge, _ in band_edges(weights.yardstick):
            ax.axvline(100 * edge, color="#bbbbbb", lw=0.8, ls=":", zorder=0)
        ax.set_yticks(y, [case.labels[h] for h in ids])
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, len(ids) - 0.3)
        ax.set_xlabel("Weight of the hypothesis, % (dotted lines: estimative-language bands)")
        lead = weights.leading
        method = ("PyMC model, bars show 89 % intervals" if weights.method == "mcmc"
                  else "exact Bayesian weights")
        set_titles(fig, ax, title or headline(case.labels[lead], weights[lead],
                                              weights.yardstick),
                   f"{shorten(case.question, 95)}\n{method}", own)
        if own:
            add_footer(fig, case)
    return fig
