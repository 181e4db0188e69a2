"""Tornado: the leading hypothesis's weight as each source's reliability or motive swings."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import decade_ticks, keep_labels_inside, short_name
from achlab.charts.style import band_edges, figure_and_axes, set_titles, styled
from achlab.model import Case
from achlab.model.words import bands as estimative_bands
from achlab.model.words import estimative_word, percent, percent_range


def one_in(x: float) -> str:
    """A small probability as odds a briefer reads: ``"1 in 6.7 million"``."""
    if not x > 0:
        return "0"
    def sig2(v: float) -> str:
        r = float(f"{v:.2g}")
        return f"{r:,.0f}" if r >= 10 else f"{r:g}"

    n = float(f"{1.0 / x:.2g}")  # rounded first: 1/1e-9 is 999,999,999.99..., i.e. 1 billion
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= size:
            return f"1 in {sig2(n / size)} {word}"
    return f"1 in {sig2(n)}"


def _pct_range(lo: float, hi: float) -> str:
    return percent_range(lo, hi)


#: Where the estimative bands' labels sit (data units, the lowest bar at 0 and 0.31 half high):
#: below the lowest bar, clear of it.
BAND_LABEL_Y = -1.0

#: Colour and hatch of a bar by what it swings.
BAR_LOOK = {"reliability": ("#3f90da", ""), "motive": ("#ffa90e", "//"),
            "dependence": ("#a9a9a9", "..")}


def _at(swing, value: float) -> str:
    """Where a bar end was reached: ``at 0.65``, or ``as written`` / ``as one`` (dependence)."""
    if swing.parameter == "dependence":
        return "as one" if value > 0.5 else "as written"
    return f"at {value:.2f}"


def _bar_name(case: Case, swing) -> str:
    if swing.parameter == "dependence":
        kind, key = swing.source_id.split(" ", 1)
        return f"{kind} {key}:\n{swing.range_note}"
    return (f"{short_name(case, swing.source_id)}: {swing.parameter}\n"
            f"{swing.low:.2f}\u2013{swing.high:.2f} ({swing.range_note})")


def _subject(case: Case, swing) -> str:
    if swing.parameter == "dependence":
        return f"counting the reports of {swing.source_id} as one"
    return f"{short_name(case, swing.source_id)}'s {swing.parameter}"


def plot_tornado(result, case: Case, ax=None, top: int = 8, scale: str = "auto",
                 title: str | None = None):
    """Tornado: the leading hypothesis's weight as each source's reliability or motive swings.

    Parameters
    ----------
    result : achlab.engines.sensitivity.Tornado
    case : Case
    ax : matplotlib Axes, optional
    top : int
        Widest bars shown.
    scale : {"auto", "linear", "remainder"}
        ``linear``: the weight in %. ``remainder``: the weight left for all other hypotheses, on
        a log scale (readable when the lead is above 99 % everywhere). ``auto`` picks
        ``remainder`` when every bar is above 99 %.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    swings = list(result.bars(top))
    label = case.labels[result.hypothesis_id]
    if scale == "auto":
        scale = ("remainder" if swings and min(s.weight_min for s in swings) > 0.99
                 and all(s.others is not None for s in swings) else "linear")
    rem = scale == "remainder"
    floor = 1e-300
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.33, "right": 0.95, "top": 0.78})
        y = np.arange(len(swings))[::-1]
        for yy, s in zip(y, swings, strict=True):
            at_min = _at(s, s.values[int(np.nanargmin(s.weights))])
            at_max = _at(s, s.values[int(np.nanargmax(s.weights))])
            if rem:
                lo, hi = max(np.nanmax(s.others), floor), max(np.nanmin(s.others), floor)
                t_lo, t_hi = one_in(lo), one_in(hi)
            else:
                lo, hi = 100 * s.weight_min, 100 * s.weight_max
                t_lo, t_hi = percent(s.weight_min), percent(s.weight_max)
            colour, hatch = BAR_LOOK[s.parameter]
            ax.barh(yy, hi - lo, left=lo, height=0.62, color=colour, hatch=hatch,
                    edgecolor="#333333", linewidth=0.8)
            ax.text(lo, yy, f"{t_lo} {at_min}  ", ha="right", va="center", fontsize=12)
            ax.text(hi, yy, f"  {t_hi} {at_max}", ha="left", va="center", fontsize=12)
        if rem:
            base = max(result.base_others, floor)
            ends = [max(np.nanmax(s.others), floor) for s in swings]
            ends += [max(np.nanmin(s.others), floor) for s in swings]
            ax.set_xscale("log")
            x0, x1 = min(ends) / 30, max(ends) * 80
            ax.set_xlim(x1, x0)  # inverted: further right = more weight on the lead
            ax.xaxis.set_major_formatter(lambda v, _: one_in(v).replace(" in ", "/"))
            decade_ticks(ax, x0, x1)
            base_text = f"all at their means: {one_in(result.base_others)}"
        else:
            base = 100 * result.base_weight
            lows = [100 * s.weight_min for s in swings] or [base]
            highs = [100 * s.weight_max for s in swings] or [base]
            span = max(max(highs) - min(lows), 2.0)
            x0, x1 = max(0.0, min(lows) - 0.45 * span), min(100.0, max(highs) + 0.45 * span)
            ax.set_xlim(x0, x1)
            edges = band_edges(case.yardstick)
            top_word = estimative_bands(case.yardstick)[-1][2]
            bands = []
            for n, (edge, word) in enumerate(edges):
                if x0 < 100 * edge < x1:
                    above = edges[n + 1][1] if n + 1 < len(edges) else top_word
                    ax.axvline(100 * edge, color="#999999", lw=1, ls=":", zorder=0)
                    bands.append(ax.text(100 * edge, BAND_LABEL_Y, f"{word} \u2190 \u2192 {above}",
                                         fontsize=11, color="#555555", ha="center",
                                         va="bottom", zorder=7,
                                         bbox={"fc": "white", "ec": "none", "pad": 2}))
            keep_labels_inside(ax, bands, 100 * result.base_weight)
            base_text = f"all at their means: {percent(result.base_weight, case.yardstick)}"
        ax.axvline(base, color="#222222", lw=1.5, ls="--", zorder=3)
        ax.set_ylim(BAND_LABEL_Y - 0.05, len(swings) - 0.2)  # room for the band labels
        # On a white ground above the dashed line, which would otherwise run through it.
        ax.text(base, len(swings) - 0.3, base_text, fontsize=12, va="bottom", ha="center",
                fontweight="bold", zorder=7, bbox={"fc": "white", "ec": "none", "pad": 2},
                gid="centre-label")
        names = []
        for s in swings:
            names.append(_bar_name(case, s))
        ax.set_yticks(y, names, fontsize=12)
        ax.set_xlabel(f"Chance it is not \u201c{label}\u201d, log scale (further right = surer)"
                      if rem else f"Weight of \u201c{label}\u201d, %")
        if swings:
            all_lo = min(s.weight_min for s in swings)
            all_hi = max(s.weight_max for s in swings)
            w_lo = estimative_word(all_lo, case.yardstick)
            w_hi = estimative_word(all_hi, case.yardstick)
            words = w_lo if w_lo == w_hi else f"{w_lo} to {w_hi}"
            default = (f"{label} stays {_pct_range(all_lo, all_hi)} under any one swing"
                       if all_lo >= 0.5 else f"{label}: {_pct_range(all_lo, all_hi)} under "
                       "any one swing, and below 50 % it may lose the lead")
            first = swings[0]
            sub = f"Range: {words}. Most sensitive to {_subject(case, first)}."
        else:
            default, sub = "No source has a report to swing", ""
        sub += ("\nOne assumption swung per bar, every other at its mean; "
                "blue: reliability, orange hatched: motive"
                + (", grey dotted: reports counted as one."
                   if any(b.parameter == "dependence" for b in swings) else "."))
        set_titles(fig, ax, title or default, sub.strip(), own)
        if own:
            add_footer(fig, case, note="tornado on point reliabilities")
    return fig
