"""Scenarios side by side: one row per scenario, one bar per hypothesis."""

from __future__ import annotations

from achlab.charts.footer import add_footer, combined_hash
from achlab.charts.layout import fit_left, legend_that_fits, renderer, shorten
from achlab.charts.style import colour_of, figure_and_axes, hatch_of, set_titles, styled
from achlab.charts.weights import caveat_for, interval_xerr
from achlab.model.words import judgement_of

LABEL_FONT = 12  # points: a bar's label, when the rows leave room for it
MIN_LABEL_FONT = 7


def _row_label(case) -> str:
    """A scenario's row: its name, then its own evidence cut-off and item count."""
    cut = case.cutoff.isoformat() if case.cutoff else "undated"
    return f"{case.name}\nto {cut}, {len(case.evidence)} items"


def agreement(results) -> str:
    """``"Every scenario leads with X"`` or ``"6 of 7 scenarios lead with X"``."""
    leads = [w.leading for _, w in results]
    top = max(dict.fromkeys(leads), key=leads.count)
    label = results[0][0].labels[top]
    if leads.count(top) == len(leads):
        return f"Every scenario leads with {label}"
    return f"{leads.count(top)} of {len(leads)} scenarios lead with {label}"


def plot_comparison(results, ax=None, title: str | None = None, fits=None):
    """Scenarios side by side: one row per scenario, one bar per hypothesis.

    Parameters
    ----------
    results : list of (Case, Weights)
        One entry per scenario, in display order.
    ax : matplotlib Axes, optional
    title : str, optional
    fits : dict of str to McmcResult, optional
        The PyMC fits behind the weights, by scenario name: those that failed their checks are
        named in a caveat.
    """
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.2, "right": 0.97, "top": 0.75})
        first_case = results[0][0]
        ids = list(first_case.hypothesis_ids)
        k = len(ids)
        height = 0.8 / k
        yticks, ylabels, labels = [], [], []
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
                    ax.errorbar(100 * m, yy, xerr=interval_xerr(m, lo, hi),
                                fmt="none", ecolor="#222222", elinewidth=1.5, capsize=3)
                mark = " \u2605" if h == lead else ""
                labels.append(ax.text(
                    100 * max(m, hi) + 1, yy, f"{judgement_of(w, h).number}{mark}",
                    va="center", fontsize=LABEL_FONT,
                    fontweight="bold" if h == lead else "normal"))
            yticks.append(base)
            ylabels.append(_row_label(case))
        ax.set_yticks(yticks, ylabels, fontsize=12)
        ax.set_xlim(0, 112)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Weight of the hypothesis, %   (\u2605 = leading hypothesis)")
        if own:
            fit_left(fig, ax)
        legend_that_fits(ax, fig.bbox.x1 - ax.bbox.x0 - 0.012 * fig.bbox.width,
                         loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=13)
        default = agreement(results)
        methods = {w.method for _, w in results}
        note = ("PyMC posterior means, bars 89 % intervals" if methods == {"mcmc"}
                else "exact engine, point answers" if methods == {"exact"}
                else "engines: " + ", ".join(sorted(methods)))
        failed = [name for name, fit in (fits or {}).items() if caveat_for(fit)]
        caveat = (f"Caution: the PyMC fit of {', '.join(failed)} failed its checks; do not brief "
                  "its numbers before refitting" if failed else "")
        set_titles(fig, ax, title or default, f"{first_case.question}\n{note}; each row gives "
                   "its scenario's evidence cut-off and item count", own, caveat)
        if own:
            names = ", ".join(c.name for c, _ in results)
            add_footer(fig, first_case, scenario=shorten(
                names, 70, placeholder=f"… ({len(results)} scenarios)"),
                cutoff="per row", items="items per row",
                inputs=combined_hash([c for c, _ in results]))
        fit_to_pitch(ax, labels, height)
    return fig


def fit_to_pitch(ax, labels, pitch: float, gap_px: float = 0.5) -> None:
    """Shrink the bars' labels to fit the distance between two bars, ``pitch`` (data units).

    With ``gap_px`` to spare: with many scenarios, a row's labels would otherwise overlap.
    """
    if not labels:
        return
    ax.get_ylim()  # settles the autoscaled view, which transData maps from
    room = abs(ax.transData.transform((0, pitch))[1] - ax.transData.transform((0, 0))[1])
    drawer = renderer(ax.figure)
    tallest = max(t.get_window_extent(drawer).height for t in labels)
    if tallest > room - gap_px:
        size = max(MIN_LABEL_FONT, LABEL_FONT * (room - gap_px) / tallest)
        for text in labels:
            text.set_fontsize(size)
