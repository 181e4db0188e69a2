"""Charts for several analysts rating one matrix. Each takes an optional ``ax``, returns the figure.

* :func:`plot_consensus`: the matrix of consensus ratings, each cell coloured and hatched by how
  much the analysts disagree, with the votes written under the rating;
* :func:`plot_analyst_weights`: each analyst's hypothesis weights beside the weights of the
  consensus ratings and of the PyMC pooling.

Without ``ax`` a chart gets its own slide-sized figure and a footer; with ``ax`` it draws there
and leaves layout and footer to the caller (the house style of :mod:`achlab.charts`).
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.patches import Patch, Rectangle

from achlab.charts.footer import add_footer
from achlab.charts.layout import font_for_rows, row_height_pt, shorten
from achlab.charts.style import colour_of, figure_and_axes, hatch_of, set_titles, styled
from achlab.engines.consensus import BAND_NAMES, RATING_VALUES, ConsensusResult
from achlab.model import Case
from achlab.model.words import percent

#: Disagreement bands: light to dark, and a hatch as a second cue (grey-scale print, colour-blind).
BAND_COLOURS = {"consensus": "#f4f4f4", "mild": "#fde3a7", "large": "#f39c4a",
                "extreme": "#b2182b"}
BAND_HATCHES = {"consensus": "", "mild": "..", "large": "//", "extreme": "xx"}
BAND_TEXT = {"consensus": "black", "mild": "black", "large": "black", "extreme": "white"}
BAND_LABELS = {"consensus": "agreement (< 0.5)", "mild": "mild (0.5 to 1.5)",
               "large": "large (1.5 to 2)", "extreme": "extreme (2 or more)"}


def _votes_text(votes: dict[str, str]) -> str:
    """Votes, most consistent first, with NA counted at the end: ``CC, C, N + 2 NA``."""
    rated = sorted((r for r in votes.values() if r != "NA"), key=lambda r: -RATING_VALUES[r])
    n_na = sum(1 for r in votes.values() if r == "NA")
    text = ", ".join(rated)
    if n_na:
        text = f"{text} + {n_na} NA" if text else f"{n_na} NA"
    return text


def plot_consensus(result: ConsensusResult, case: Case, ax=None, title: str | None = None):
    """The consensus matrix: one row per evidence item, one column per hypothesis.

    Each cell shows the consensus rating (large), the votes cast (small, most consistent first,
    ``NA`` votes counted at the end) and the disagreement (sample sd); its colour and hatch give the
    disagreement band. Cells nobody voted on are left blank.

    Parameters
    ----------
    result : ConsensusResult
        From :func:`achlab.engines.consensus.consensus`.
    case : Case
        The case rated (labels, summaries, footer).
    ax : matplotlib Axes, optional
    title : str, optional
        Replaces the headline.
    """
    items = list(result.item_ids)
    ids = list(case.hypothesis_ids)
    summaries = {e.id: e.summary for e in case.evidence}
    rows = len(items)
    with styled():
        margins = {"left": 0.36, "right": 0.98, "top": 0.73, "bottom": 0.2}
        fig, ax, own = figure_and_axes(ax, margins)
        big = font_for_rows(rows, 260, smallest=9, largest=16)
        # Two lines of small text must fit a row: size them from the row's height in points.
        row_pt = row_height_pt(ax, rows)
        small = min(10.0, row_pt * 0.8 / 2.3)
        one_line = small < 7
        if one_line:
            small = min(10.0, row_pt * 0.7)
        for r, eid in enumerate(items):
            for c, h in enumerate(ids):
                try:
                    cell = result.cell(eid, h)
                except KeyError:
                    ax.add_patch(Rectangle((c + 0.03, r + 0.05), 0.94, 0.9, facecolor="white",
                                           edgecolor="#dddddd", linewidth=0.5))
                    continue
                band = cell.band
                ax.add_patch(Rectangle((c + 0.03, r + 0.05), 0.94, 0.9,
                                       facecolor=BAND_COLOURS[band], edgecolor="#999999",
                                       linewidth=0.5))
                if BAND_HATCHES[band]:  # a hatched strip at the right: the band without colour
                    ax.add_patch(Rectangle((c + 0.88, r + 0.05), 0.09, 0.9, facecolor="white",
                                           hatch=BAND_HATCHES[band], edgecolor="#555555",
                                           linewidth=0.5))
                colour = BAND_TEXT[band]
                ax.text(c + 0.16, r + 0.5, cell.consensus, ha="center", va="center",
                        fontsize=big, fontweight="bold", color=colour)
                sep = "  " if one_line else "\n"
                ax.text(c + 0.33, r + 0.5,
                        f"{_votes_text(cell.votes)}{sep}sd {cell.disagreement:.2f}",
                        ha="left", va="center", fontsize=small, color=colour, linespacing=1.15)
        ax.set_xlim(0, len(ids))
        ax.set_ylim(max(rows, 1), 0)
        if not rows:
            ax.text(len(ids) / 2, 0.5, "No analyst rated any cell of this case", ha="center",
                    va="center", fontsize=16, color="#444444")
        ax.set_xticks(np.arange(len(ids)) + 0.5,
                      [textwrap.fill(case.labels[h], 22) for h in ids], fontsize=14)
        ax.xaxis.tick_top()
        labels = [f"{e} {shorten(summaries.get(e, ''), 40)}" for e in items]
        ax.set_yticks(np.arange(rows) + 0.5, labels, fontsize=max(9, min(13, big - 2)))
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        counts = result.band_counts()  # the key says how many cells each band holds (0 too)
        handles = [Patch(facecolor=BAND_COLOURS[b], hatch=BAND_HATCHES[b], edgecolor="#666666",
                         label=f"{BAND_LABELS[b]}: {counts[b]}") for b in BAND_NAMES]
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, -0.005), ncols=4,
                  fontsize=12, title="Colour and hatch: how much the analysts disagree, and in how "
                  "many cells (the larger sd of the rated votes and of rated-or-NA)",
                  title_fontsize=12, alignment="right", handlelength=2.2, handleheight=1.2,
                  columnspacing=1.2)
        worst = result.most_disputed(1)
        agree = (f"{len(result.analysts)} analysts ({', '.join(result.analysts)}) agree on "
                 f"{counts['consensus']} of {len(result.cells)} cells.")
        if worst and (worst[0].disagreement or 0) >= 1.5:
            w = worst[0]
            default = (f"Analysts disagree most on {w.evidence_id} under "
                       f"{case.labels[w.hypothesis_id]}")
        else:
            default = "No large disagreement between the analysts"
        set_titles(fig, ax, title or default,
                   "Big letters: the consensus rating (mean of the rated votes, a tie goes to N; "
                   "NA if most voted NA).\nSmall: the votes cast and their spread (sd). "
                   f"{agree}", own)
        if own:
            add_footer(fig, case, note="consensus as in Open Synthesis")
    return fig


def plot_analyst_weights(case: Case, analyst_weights: dict, consensus=None, pooled=None,
                         ax=None, title: str | None = None):
    """Each analyst's hypothesis weights beside those of the consensus and the PyMC pooling.

    Parameters
    ----------
    case : Case
        The case rated (labels, question, footer).
    analyst_weights : dict
        ``{analyst: Weights}`` from :func:`achlab.engines.consensus.analyst_weights`.
    consensus : Weights, optional
        Weights of the consensus ratings (:func:`~achlab.engines.consensus.consensus_weights`).
    pooled : Weights, optional
        Weights of the pooled likelihoods (``pooled_weights(...).weights``).
    ax : matplotlib Axes, optional
    title : str, optional
        Replaces the headline.
    """
    rows = [(name, w, False) for name, w in analyst_weights.items()]
    if consensus is not None:
        rows.append(("Consensus ratings", consensus, True))
    if pooled is not None:
        rows.append(("Pooled (PyMC)", pooled, True))
    ids = list(case.hypothesis_ids)
    k = len(ids)
    height = 0.8 / k
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.2, "right": 0.97, "top": 0.74, "bottom": 0.2})
        yticks, ylabels = [], []
        n_rows = len(rows)
        for row, (name, w, _) in enumerate(rows):
            base = n_rows - 1 - row
            lead = w.leading
            for n, h in enumerate(ids):
                yy = base + 0.4 - (n + 0.5) * height
                m = w[h]
                ax.barh(yy, 100 * m, height=height * 0.9, color=colour_of(n), hatch=hatch_of(n),
                        edgecolor="#333333", linewidth=0.6,
                        label=case.labels[h] if row == 0 else None)
                mark = " \u2605" if h == lead else ""
                ax.text(100 * m + 1, yy, f"{percent(m)}{mark}", va="center", fontsize=11,
                        fontweight="bold" if h == lead else "normal")
            yticks.append(base)
            ylabels.append(textwrap.fill(name, 20))
        n_analysts = len(analyst_weights)
        if n_rows > n_analysts:
            ax.axhline(n_rows - n_analysts - 0.5, color="#444444", lw=1.2, ls="--")
        ax.set_yticks(yticks, ylabels)
        for tick, (_, _, combined) in zip(ax.get_yticklabels(), rows, strict=True):
            if combined:
                tick.set_fontweight("bold")
        ax.set_xlim(0, 112)
        ax.set_ylim(-0.6, n_rows - 0.4)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Weight of the hypothesis, %   (\u2605 = the row's leading hypothesis)")
        ax.legend(loc="lower left", ncols=k, bbox_to_anchor=(0, 1.0), fontsize=13)
        default = "Weights per analyst and combined"
        if analyst_weights:
            spread = {h: max(w[h] for w in analyst_weights.values())
                      - min(w[h] for w in analyst_weights.values()) for h in ids}
            focus = max(ids, key=lambda h: spread[h])
            values = {name: w[focus] for name, w in analyst_weights.items()}
            lo_name = min(values, key=values.get)
            hi_name = max(values, key=values.get)
            leaders = {w.leading for w in analyst_weights.values()}
            if spread[focus] < 0.05 and len(leaders) == 1:
                default = (f"The analysts agree: {case.labels[leaders.pop()]} leads for every "
                           "one of them")
            else:
                default = (f"{case.labels[focus]}: from {percent(values[lo_name])} ({lo_name}) "
                           f"to {percent(values[hi_name])} ({hi_name})")
        set_titles(fig, ax, title or default,
                   "Above the dashed line: each analyst's ratings in place of the case's "
                   "(exact weights); below, in bold: the analysts combined.\n"
                   + shorten(case.question, 110), own)
        if own:
            add_footer(fig, case, note=f"{n_analysts} analysts")
    return fig
