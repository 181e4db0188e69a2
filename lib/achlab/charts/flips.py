"""Flip points: which hypothesis leads as one source's reliability or motive runs over [0, 1]."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import (
    first_fitting,
    fit_left,
    fit_top,
    legend_that_fits,
    place_beside,
    renderer,
    short_name,
    text_width,
    wrap_to,
)
from achlab.charts.style import colour_of, figure_and_axes, hatch_of, set_titles, styled
from achlab.model import Case
from achlab.model.words import setting


def plot_flip_points(points, case: Case, ax=None, title: str | None = None):
    """Which hypothesis leads as each source's reliability (or motive) runs over [0, 1].

    One strip per source and assumption: coloured and hatched by the leading hypothesis (point
    model, other sources at their mean), the current value marked, each flip point labelled.
    On its own figure the left margin is sized to the longest strip label and the subtitle is
    wrapped to the figure.

    Parameters
    ----------
    points : sequence of achlab.engines.sensitivity.FlipPoint
        Usually ``flip_points(case)``: reliabilities and motives together.
    case : Case
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    from matplotlib.patches import Patch

    ids = list(case.hypothesis_ids)
    points = [p for p in points if p.n_items > 0]
    params = sorted({p.parameter for p in points})
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.26, "right": 0.96, "top": 0.74})
        y = np.arange(len(points))[::-1]
        used = set()
        for yy, p in zip(y, points, strict=True):
            edges = [0.0, *[f.value for f in p.flips], 1.0]
            leaders = ([p.flips[0].below, *[f.above for f in p.flips]] if p.flips
                       else [p.leading])
            for lo, hi, h in zip(edges[:-1], edges[1:], leaders, strict=True):
                n = ids.index(h)
                used.add(n)
                ax.barh(yy, 100 * (hi - lo), left=100 * lo, height=0.55, color=colour_of(n),
                        hatch=hatch_of(n), edgecolor="#333333", linewidth=0.6)
            ax.plot(100 * p.current, yy, marker="v", ms=13, color="#222222",
                    markeredgecolor="white", ls="none", zorder=5)
        names = [f"{short_name(case, p.source_id)}"
                 + ("" if len(params) == 1 else f" ({p.parameter})") for p in points]
        ax.set_yticks(y, names, fontsize=13)
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, len(points) - 0.2)
        what = params[0] if len(params) == 1 else "reliability or motive"
        numbers = "; numbers: flip points" if any(p.flips for p in points) else ""
        ax.set_xlabel(f"Source {what}, %   (\u25bc current value{numbers})")
        handles = [Patch(facecolor=colour_of(n), hatch=hatch_of(n), edgecolor="#333333",
                         label=f"{case.labels[ids[n]]} leads") for n in sorted(used)]
        legend = legend_that_fits(ax, fig.bbox.x1 - ax.bbox.x0 - 0.012 * fig.bbox.width,
                                  handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0),
                                  fontsize=13)
        flipping = [p for p in points if p.flips]
        lead_label = case.labels[points[0].leading] if points else ""
        if not points:
            defaults = ["No source has a report"]
        elif not flipping:
            defaults = [f"{lead_label} leads whatever any one source's {what}",
                        f"{lead_label} leads whatever any one assumption"]
        else:
            p = min(flipping, key=lambda q: abs(q.nearest.value - q.current))
            side = "below" if p.nearest.value < p.current else "above"
            name = short_name(case, p.source_id)
            defaults = ([f"One flip point: {name} {p.parameter} {side} "
                         f"{setting(p.nearest.value)}", f"One flip point: {name}"]
                        if len(flipping) == 1 else
                        [f"{len(flipping)} assumptions can flip the lead; nearest: {name}'s "
                         f"{p.parameter}",
                         f"{len(flipping)} assumptions can flip the lead; nearest: {name}",
                         f"{len(flipping)} assumptions can flip the lead"])
        sub = (f"Leading hypothesis as one source's {what} runs from 0 to 1, every other "
               "source at its mean reliability")
        said = [f"{short_name(case, p.source_id)} {p.parameter} "
                f"{'below' if p.nearest.value < p.current else 'above'} "
                f"{setting(p.nearest.value)}: {case.labels[p.rival]} leads"
                for p in flipping[:2]]
        more = "; \u2026" if len(flipping) > 2 else ""
        if own:
            # a little short of the full width: text is relatively wider at low resolution
            width = 0.95 * fig.bbox.width
            flips = "; ".join(said) + more
            if said and text_width(fig, flips, 14) > width:
                flips = ";\n".join(said) + more.replace("; ", ";\n")  # one flip point a line
            sub = wrap_to(fig, sub + ("\n" + flips if said else ""), 14, width)
            default = first_fitting(fig, defaults, 24, 0.96 * fig.bbox.width, "bold")
            fit_left(fig, ax)
        else:
            sub += "\n" + "; ".join(said) + more if said else ""
            default = defaults[0]
        set_titles(fig, ax, title or default, sub, own)
        if own:
            fit_top(fig, ax, legend)
            add_footer(fig, case, note="flip points solved by root-finding")
        _label_flips(ax, points, y)
    return fig


def _label_flips(ax, points, ys) -> None:
    """Label each flip point on its strip, beside the edge.

    Each label goes towards the current value unless it would then cover the current-value marker
    or a neighbouring label, or leave the axes.
    """
    fig = ax.figure
    r = renderer(fig)
    half = (13 / 2 + 3) * fig.dpi / 72  # half the marker (ms=13) and a little air, in pixels
    for yy, p in zip(ys, points, strict=True):
        xm = ax.transData.transform((100 * p.current, yy))[0]
        placed = []
        for f in p.flips:
            toward = 1 if p.current >= f.value else -1
            text = ax.annotate(setting(f.value), (100 * f.value, yy), xytext=(0, 0),
                               textcoords="offset points", va="center", fontsize=11,
                               fontweight="bold", zorder=6, annotation_clip=False,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                     "alpha": 0.85})
            place_beside(ax, text, toward, keep_clear=[(xm - half, xm + half)], placed=placed)
            placed.append(text.get_window_extent(r))
