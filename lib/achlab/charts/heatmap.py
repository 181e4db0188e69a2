"""Heat map of the leading hypothesis's weight as two assumptions vary together."""

from __future__ import annotations

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import (
    covered,
    curve_pixels,
    first_fitting,
    legend_that_fits,
    overlaps,
    renderer,
    short_name,
    spots_far_from,
)
from achlab.charts.style import figure_and_axes, set_titles, styled
from achlab.model import Case
from achlab.model.words import percent


def plot_sweep_heatmap(grid, case: Case, ax=None, title: str | None = None):
    """Heat map of the leading hypothesis's weight over two assumptions.

    Colour-blind-safe ``cividis``; the 50 % contour is drawn and labelled; where another
    hypothesis leads is hatched; today's assumptions (every one at its mean) are marked.

    Parameters
    ----------
    grid : achlab.engines.sensitivity.SweepGrid
    case : Case
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    label = case.labels[grid.hypothesis_id]
    lead = grid.hypothesis_ids.index(grid.hypothesis_id)
    z = 100 * np.ma.masked_invalid(grid.weight)
    xlab = f"{grid.x.parameter.capitalize()} of {short_name(case, grid.x.source_id)}"
    ylab = f"{grid.y.parameter.capitalize()} of {short_name(case, grid.y.source_id)}"
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.1, "right": 0.86, "top": 0.74})
        mesh = ax.pcolormesh(grid.x_values, grid.y_values, z, cmap="cividis", vmin=0, vmax=100,
                             shading="nearest")
        cbar = fig.colorbar(mesh, ax=ax, pad=0.02)
        cbar_height = cbar.ax.get_window_extent(renderer(fig)).height
        cbar.set_label(first_fitting(fig, [f"Weight of \u201c{label}\u201d, %",
                                           "Weight of the lead, %"], 16, 0.95 * cbar_height))
        other = grid.possible & (grid.leading != lead)
        handles, curves, labels = [], [], []
        if other.any():
            ax.contourf(grid.x_values, grid.y_values, other.astype(float), levels=[0.5, 1.5],
                        colors="none", hatches=["//"])
            edge = ax.contour(grid.x_values, grid.y_values, other.astype(float), levels=[0.5],
                              colors="white", linewidths=1.2)
            curves += [seg for seg in edge.allsegs[0] if len(seg) > 1]
            others = sorted({int(i) for i in np.unique(grid.leading[other])})
            who = (case.labels[grid.hypothesis_ids[others[0]]] if len(others) == 1
                   else "another hypothesis")
            handles.append(Patch(facecolor="#cccccc", hatch="//", edgecolor="#333333",
                                 label=f"{who} leads"))
        if np.nanmin(grid.weight) < 0.5 < np.nanmax(grid.weight):
            cs = ax.contour(grid.x_values, grid.y_values, z, levels=[50], colors="#ffffff",
                            linewidths=2.5, linestyles="--")
            segments = [seg for seg in cs.allsegs[0] if len(seg) > 1]
            labels = ax.clabel(cs, fmt=lambda v: f"{v:.0f} %", fontsize=14, colors="#ffffff",
                               manual=spots_far_from(ax, segments, (grid.base_x, grid.base_y)))
            curves += segments
            handles.append(plt.Line2D([], [], color="#555555", lw=2.5, ls="--",
                                      label="weight 50 %"))
        ax.plot(grid.base_x, grid.base_y, marker="*", ms=22, color="#bd1f01",
                markeredgecolor="white", markeredgewidth=1.5, ls="none")
        marker = ax.annotate(f"today, all at their means: {percent(grid.base_weight)}",
                             (grid.base_x, grid.base_y), xytext=(14, 14),
                             textcoords="offset points", fontsize=13, color="white",
                             fontweight="bold",
                             bbox={"boxstyle": "round,pad=0.3", "fc": "#222222", "alpha": 0.75,
                                   "ec": "none"})
        _clear_of_contours(ax, marker, curves, labels)
        ax.set_xlabel(xlab)
        ax.set_ylabel(ylab)
        if handles:
            legend_that_fits(ax, fig.bbox.x1 - ax.bbox.x0 - 0.012 * fig.bbox.width,
                             handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.09),
                             fontsize=12)
        share = float(np.mean(grid.leading[grid.possible] == lead)) if grid.possible.any() else 0
        default = (f"{label} leads everywhere on this plane" if share == 1 else
                   f"{label} leads in {percent(share)} of this plane")
        wmin = float(np.nanmin(grid.weight))
        iy, ix = np.unravel_index(int(np.nanargmin(grid.weight)), grid.weight.shape)
        set_titles(fig, ax, title or default,
                   f"Weight of \u201c{label}\u201d as two assumptions vary together; every other "
                   "source at its mean reliability.\nLowest on this plane: "
                   f"{percent(wmin)} at ({grid.x_values[ix]:.2f}, {grid.y_values[iy]:.2f}).",
                   own)
        if own:
            note = "" if grid.possible.all() else "blank: evidence impossible"
            add_footer(fig, case, note=note)
    return fig


def _clear_of_contours(ax, marker, curves, labels) -> None:
    """Put the marker's label at the corner of the star that hides least.

    Covering a contour label costs more than any stretch of contour line; leaving the axes
    costs most. Ties keep the first corner tried (above right).
    """
    r = renderer(ax.figure)
    pts = curve_pixels(ax, curves)
    keep = [t.get_window_extent(r) for t in labels if t.get_visible()]
    best = None
    for dx, dy in ((14, 14), (-14, 14), (14, -14), (-14, -14)):
        marker.xyann = (dx, dy)
        marker.set_ha("left" if dx > 0 else "right")
        marker.set_va("bottom" if dy > 0 else "top")
        marker.draw(r)
        bb = marker.get_bbox_patch().get_window_extent(r)
        inside = ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1)
        cost = (covered(pts, bb) + 1e4 * sum(overlaps(bb, k, gap=2) for k in keep)
                + (0 if inside else 1e6))
        if best is None or cost < best[0]:
            best = (cost, dx, dy)
    _, dx, dy = best
    marker.xyann = (dx, dy)
    marker.set_ha("left" if dx > 0 else "right")
    marker.set_va("bottom" if dy > 0 else "top")
