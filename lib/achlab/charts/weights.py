"""The hypothesis weights as labelled bars, bottom line up front."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import fit_left, label_bar
from achlab.charts.style import (
    band_edges,
    colour_of,
    figure_and_axes,
    hatch_of,
    set_titles,
    styled,
)
from achlab.engines.likelihood import RELEVANCE_SHORT
from achlab.model import Case
from achlab.model.words import judgement_of

#: The caveat a chart carries when the PyMC fit behind it failed its checks.
UNCHECKED = ("Caution: this PyMC fit failed its checks (r_hat, effective sample size or "
             "divergences); do not brief these numbers before refitting")


def interval_xerr(mean: float, low: float, high: float) -> list[list[float]]:
    """Error-bar extents in points; a skewed posterior's mean may sit outside its interval."""
    return [[100 * max(0.0, mean - low)], [100 * max(0.0, high - mean)]]


def caveat_for(fit) -> str:
    """The caveat for a PyMC fit (``trustworthy`` False), or ``""``."""
    return UNCHECKED if fit is not None and not getattr(fit, "trustworthy", True) else ""


def plot_weights(weights, case: Case, ax=None, title: str | None = None, fit=None,
                 confidence=None):
    """Hypothesis weights as labelled bars (89 % interval when there is one).

    The title is the bottom line up front, e.g. ``"Combat troops: likely (62 %)"``; each bar
    carries its estimative word and number (:func:`achlab.model.words.judgement`), and a hatch
    as well as a colour. The subtitle names the engine.

    Parameters
    ----------
    weights : achlab.engines.exact.Weights
    case : Case
    ax : matplotlib Axes, optional
    title : str, optional
    fit : achlab.engines.mcmc.McmcResult, optional
        The PyMC fit behind ``weights``; a fit that failed its checks gets a caveat.
    confidence : achlab.engines.confidence.Confidence, optional
        Analytic confidence in the judgement; its level and main reason join the subtitle.
    """
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.22, "right": 0.97})
        ids = list(weights.hypothesis_ids)
        y = np.arange(len(ids))[::-1]
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, len(ids) - 0.3)
        for n, (h, yy) in enumerate(zip(ids, y, strict=True)):
            m = weights[h]
            ax.barh(yy, 100 * m, height=0.6, color=colour_of(n), hatch=hatch_of(n),
                    edgecolor="#333333", linewidth=0.8)
            lo, hi = weights.low[n], weights.high[n]
            if hi - lo > 1e-9:
                ax.errorbar(100 * m, yy, xerr=interval_xerr(m, lo, hi), fmt="none",
                            ecolor="#222222", elinewidth=2, capsize=6)
            label_bar(ax, str(judgement_of(weights, h)), 100 * max(m, hi), yy, fontsize=16)
        for edge, _ in band_edges(weights.yardstick):
            ax.axvline(100 * edge, color="#bbbbbb", lw=0.8, ls=":", zorder=0)
        ax.set_yticks(y, [case.labels[h] for h in ids])
        ax.set_xlabel("Weight of the hypothesis, % (dotted lines: estimative-language bands)")
        if own:
            fit_left(fig, ax)
        lead = weights.leading
        said = judgement_of(weights, lead)
        method = ("posterior means, bars show 89 % intervals" if not said.point
                  else "a point answer, with no interval to show")
        subtitle = f"{case.question}\n{said.engine}: {method}"
        if confidence is not None:
            subtitle += f"\n{_capital(confidence.line(reasons=1))}"
        set_titles(fig, ax, title or f"{case.labels[lead]}: {said}", subtitle, own,
                   caveat_for(fit))
        if own:
            add_footer(fig, case, note=RELEVANCE_SHORT)
    return fig


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
