"""The briefing charts. Each takes an optional ``ax`` and returns the figure.

Without ``ax`` a chart gets its own slide-sized figure and a footer; with ``ax`` it draws there
and leaves layout and footer to the caller.
"""

from __future__ import annotations

import textwrap

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.style import (
    RATING_COLOURS,
    RATING_TEXT,
    colour_of,
    figure_and_axes,
    hatch_of,
    set_titles,
    styled,
)
from achlab.engines.classic import heuer_rating, item_diagnosticity
from achlab.model import Case
from achlab.model.words import ICD203, UK_PHIA, estimative_word, headline, percent


def _xerr(mean: float, low: float, high: float) -> list[list[float]]:
    """Error-bar extents in points; a skewed posterior's mean may sit outside its interval."""
    return [[100 * max(0.0, mean - low)], [100 * max(0.0, high - mean)]]


def _band_edges(yardstick: str):
    bands = ICD203 if yardstick == "icd203" else UK_PHIA
    return [edge for edge, _, _ in bands[:-1]]


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
                ax.errorbar(100 * m, yy, xerr=_xerr(m, lo, hi), fmt="none",
                            ecolor="#222222", elinewidth=2, capsize=6)
            text = f"{estimative_word(m, weights.yardstick)} ({percent(m)})"
            x_text = 100 * max(m, hi) + 1.5
            ax.text(min(x_text, 80), yy + (0.42 if x_text > 80 else 0), text, va="center",
                    fontsize=16, fontweight="bold")
        for edge in _band_edges(weights.yardstick):
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
                   f"{textwrap.shorten(case.question, 95, placeholder='…')}\n{method}", own)
        if own:
            add_footer(fig, case)
    return fig


def plot_comparison(results, ax=None, title: str | None = None):
    """Scenarios side by side: one row per scenario, one bar per hypothesis.

    Parameters
    ----------
    results : list of (Case, Weights)
        One entry per scenario, in display order.
    """
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.2, "right": 0.97, "top": 0.75})
        first_case = results[0][0]
        ids = list(first_case.hypothesis_ids)
        k = len(ids)
        height = 0.8 / k
        yticks, ylabels = [], []
        for row, (case, w) in enumerate(results):
            base = len(results) - 1 - row
            lead = w.leading
            for n, h in enumerate(ids):
                yy = base + 0.4 - (n + 0.5) * height
                m = w[h]
                ax.barh(yy, 100 * m, height=height * 0.9, color=colour_of(n),
                        hatch=hatch_of(n), edgecolor="#333333", linewidth=0.6,
                        label=first_case.labels[h] if row == 0 else None)
                lo, hi = w.low[n], w.high[n]
                if hi - lo > 1e-9:
                    ax.errorbar(100 * m, yy, xerr=_xerr(m, lo, hi),
                                fmt="none", ecolor="#222222", elinewidth=1.5, capsize=3)
                mark = " \u2605" if h == lead else ""
                ax.text(100 * max(m, hi) + 1, yy, f"{percent(m)}{mark}", va="center",
                        fontsize=12, fontweight="bold" if h == lead else "normal")
            yticks.append(base)
            ylabels.append(textwrap.fill(case.name, 24))
        ax.set_yticks(yticks, ylabels)
        ax.set_xlim(0, 112)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Weight of the hypothesis, %   (\u2605 = leading hypothesis)")
        ax.legend(loc="lower left", ncols=k, bbox_to_anchor=(0, 1.0), fontsize=13)
        leads = {w.leading for _, w in results}
        default = ("Every scenario leads with " + first_case.labels[leads.pop()]
                   if len(leads) == 1 else "The scenarios disagree on the leading hypothesis")
        methods = {w.method for _, w in results}
        note = ("PyMC posterior means, bars 89 % intervals" if methods == {"mcmc"}
                else "exact Bayesian weights")
        set_titles(fig, ax, title or default,
                   textwrap.shorten(first_case.question, 95, placeholder="…") + f"\n{note}", own)
        if own:
            names = ", ".join(c.name for c, _ in results)
            add_footer(fig, first_case, scenario=textwrap.shorten(
                names, 70, placeholder=f"… ({len(results)} scenarios)"))
    return fig


def plot_matrix(case: Case, ax=None, top: int | None = None, title: str | None = None):
    """The evidence matrix: items by hypotheses, ratings as coloured, labelled cells.

    Items are sorted by diagnosticity (most diagnostic first); each row names its source with its
    reliability, and its credibility. ``top`` keeps only the most diagnostic items.
    """
    items = sorted(case.evidence, key=lambda e: -item_diagnosticity(case, e))
    if top:
        items = items[:top]
    ids = list(case.hypothesis_ids)
    with styled():
        rows = len(items)
        fig, ax, own = figure_and_axes(ax, {"left": 0.41, "right": 0.99, "top": 0.76})
        font = max(8, min(13, 300 // max(rows, 1)))
        for r, item in enumerate(items):
            for c, h in enumerate(ids):
                rating = heuer_rating(case, item, h)
                raw = item.ratings.get(h, "NA")
                ax.add_patch(_cell(c, r, RATING_COLOURS[rating]))
                label = rating if isinstance(raw, str) else f"{raw:.2f}"
                ax.text(c + 0.5, r + 0.5, label, ha="center", va="center", fontsize=font,
                        color=RATING_TEXT[rating], fontweight="bold")
            d = item_diagnosticity(case, item)
            ax.text(len(ids) + 0.1, r + 0.5, f"{d:.1f}", va="center", fontsize=font)
            src = case.source(item.source_id)
            rel = src.reliability
            rel_text = (rel.letter or f"{rel.mean:.2f}") + f" {rel.mean:.2f}"
            ax.text(len(ids) + 0.75, r + 0.5, f"{src.id} [{rel_text}] cred {item.credibility}",
                    va="center", fontsize=font)
        ax.set_xlim(0, len(ids) + 3.2)
        ax.set_ylim(rows, 0)
        ax.set_xticks(np.arange(len(ids)) + 0.5,
                      [textwrap.fill(case.labels[h], 12, break_on_hyphens=False,
                                     max_lines=3, placeholder="…") for h in ids], fontsize=12)
        ax.xaxis.tick_top()
        ax.text(len(ids) + 0.1, -0.15, "bits", fontsize=11, va="bottom")
        ax.text(len(ids) + 0.75, -0.15, "source [reliability] credibility", fontsize=11,
                va="bottom")
        labels = [f"{e.id} {textwrap.shorten(e.summary, 46, placeholder='…')}" for e in items]
        ax.set_yticks(np.arange(rows) + 0.5, labels, fontsize=font)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        shown = f"{rows} most diagnostic of {len(case.evidence)}" if top else f"{rows}"
        set_titles(fig, ax, title or f"Evidence matrix: {shown} items, most diagnostic first",
                   "Each cell: how consistent the item is with the hypothesis. "
                   "Diagnosticity in bits: how far the item could shift the odds.", own)
        if own:
            add_footer(fig, case, note="CC/C consistent, N neutral, I/II inconsistent")
    return fig


def _short(name: str, source_id: str, width: int = 30) -> str:
    """A source's name without its parenthesised detail, shortened to fit a row label."""
    base = str(name).split(" (")[0].strip() or source_id
    return textwrap.shorten(base, width, placeholder="…")


def _cell(c, r, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((c + 0.04, r + 0.06), 0.92, 0.88, facecolor=colour, edgecolor="#999999",
                     linewidth=0.5)


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
            shift = 100 * row["shift"]
            n = int(row["reports"])
            ax.text(101, yy, f"{shift:+.0f} pts ({n} report{'' if n == 1 else 's'})",
                    va="center", fontsize=12)
        ax.set_yticks(y, [_short(row["name"], sid) for sid, row in table.iterrows()])
        ax.set_xlim(0, 125)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Reliability, %  (grey circle: prior; blue diamond: posterior; bars 89 %)")
        moved = table.iloc[0]
        moved_name = _short(moved["name"], table.index[0])
        quiet = "No source is clearly discredited by the rest of the evidence"
        set_titles(fig, ax, title or (f"The evidence discredits {moved_name} most"
                                      if moved["shift"] < -0.01 else quiet),
                   "Reliability before (prior, from the Admiralty letter) and after the evidence "
                   "(PyMC posterior)", own)
        if own:
            add_footer(fig, result.case, note="PyMC posterior")
    return fig
