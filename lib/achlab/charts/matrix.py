"""The evidence matrix: items by hypotheses, Heuer ratings as coloured, labelled cells."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.patches import Rectangle

from achlab.charts.footer import add_footer
from achlab.charts.layout import font_for_rows, shorten
from achlab.charts.style import RATING_COLOURS, RATING_TEXT, figure_and_axes, set_titles, styled
from achlab.engines.classic import heuer_rating, item_diagnosticity
from achlab.model import Case


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
        font = font_for_rows(rows, 300, smallest=8, largest=13)
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
            stance = STANCE_MARKS.get(item.stance, "")
            ax.text(len(ids) + 0.75, r + 0.5,
                    f"{src.id} [{rel_text}] cred {item.credibility}{stance}",
                    va="center", fontsize=font)
        ax.set_xlim(0, len(ids) + 3.2)
        ax.set_ylim(rows, 0)
        ax.set_xticks(np.arange(len(ids)) + 0.5,
                      [textwrap.fill(case.labels[h], 12, break_on_hyphens=False,
                                     max_lines=3, placeholder="…") for h in ids], fontsize=12)
        ax.xaxis.tick_top()
        ax.text(len(ids) + 0.1, -0.15, "bits", fontsize=11, va="bottom")
        ax.text(len(ids) + 0.75, -0.15, "source [reliability] credibility, stance", fontsize=11,
                va="bottom")
        labels = [f"{e.id} {shorten(e.summary, 46)}" for e in items]
        ax.set_yticks(np.arange(rows) + 0.5, labels, fontsize=font)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        shown = f"{rows} most diagnostic of {len(case.evidence)}" if top else f"{rows}"
        set_titles(fig, ax, title or f"Evidence matrix: {shown} items, most diagnostic first",
                   "Cells: how consistent each item is with each hypothesis; bits: how far it "
                   "could shift the odds; a denial shows its event's ratings.", own)
        if own:
            add_footer(fig, case, note="CC/C consistent, N neutral, I/II inconsistent")
    return fig


#: What the source column adds for a report that does not simply assert its event.
STANCE_MARKS = {"denies": ", denies", "observed": ", observed"}


def _cell(c, r, colour):
    return Rectangle((c + 0.04, r + 0.06), 0.92, 0.88, facecolor=colour, edgecolor="#999999",
                     linewidth=0.5)
