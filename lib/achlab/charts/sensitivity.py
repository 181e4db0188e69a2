"""Sensitivity charts: tornado, assumption heat map, replay over time, flip points.

House style as in :mod:`achlab.charts.basic`: each function takes an optional ``ax`` and returns
the figure; on its own figure it adds the title block (bottom line up front) and the footer.
Every encoding has a second cue besides colour (hatch, line style, or a label).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.style import colour_of, figure_and_axes, hatch_of, set_titles, styled
from achlab.model import Case
from achlab.model.words import ICD203, UK_PHIA, estimative_word, percent

LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")


def short_name(case: Case, source_id: str) -> str:
    """A source's name without its parenthesised detail: ``"Ukrainian government"``."""
    try:
        name = case.source(source_id).name or source_id
    except KeyError:
        return source_id
    return name.split(" (")[0].strip()


def _band_edges(yardstick: str):
    bands = ICD203 if yardstick == "icd203" else UK_PHIA
    return [(edge, word) for edge, word, _ in bands[:-1]]


def _top_word(yardstick: str) -> str:
    return (ICD203 if yardstick == "icd203" else UK_PHIA)[-1][1]


def _pct_range(lo: float, hi: float) -> str:
    a, b = percent(lo), percent(hi)
    return a if a == b else f"{a.replace(' %', '')}\u2013{b}"


def _renderer(fig):
    return fig.canvas.get_renderer()


def _text_width(fig, text: str, fontsize: float, weight: str = "normal") -> float:
    """Width in pixels of ``text`` (widest line) in the current font at ``fontsize``."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)
    renderer = _renderer(fig)
    return max((renderer.get_text_width_height_descent(line, prop, ismath=False)[0]
                for line in text.split("\n")), default=0.0)


def _wrap_to(fig, text: str, fontsize: float, width_px: float, weight: str = "normal") -> str:
    """``text`` wrapped (paragraph by paragraph, never at hyphens) to fit ``width_px``."""
    out = []
    for para in text.split("\n"):
        width = max(len(para), 1)
        wrapped = para
        while width > 20 and _text_width(fig, wrapped, fontsize, weight) > width_px:
            width -= 4
            wrapped = textwrap.fill(para, width, break_on_hyphens=False)
        out.append(wrapped)
    return "\n".join(out)


def _overlaps(a, b, gap: float = 0.0) -> bool:
    """Whether two display bounding boxes overlap (with ``gap`` pixels to spare)."""
    return not (a.x1 + gap <= b.x0 or b.x1 + gap <= a.x0 or a.y1 + gap <= b.y0
                or b.y1 + gap <= a.y0)


def _title_block_bottom(fig) -> float:
    """Lowest edge, as a fraction of the figure height, of the title block (texts in the top
    quarter of the figure)."""
    renderer = _renderer(fig)
    bottoms = [t.get_window_extent(renderer).y0 for t in fig.texts
               if t.get_position()[1] > 0.75 and t.get_text()]
    return min(bottoms) / fig.bbox.height if bottoms else 1.0


# ---------------------------------------------------------------------------- tornado
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
    swings = list(result.swings[:top])
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
            rel = s.parameter == "reliability"
            at_min = s.values[int(np.nanargmin(s.weights))]
            at_max = s.values[int(np.nanargmax(s.weights))]
            if rem:
                lo, hi = max(np.nanmax(s.others), floor), max(np.nanmin(s.others), floor)
                t_lo, t_hi = one_in(lo), one_in(hi)
            else:
                lo, hi = 100 * s.weight_min, 100 * s.weight_max
                t_lo, t_hi = percent(s.weight_min), percent(s.weight_max)
            ax.barh(yy, hi - lo, left=lo, height=0.62, color="#3f90da" if rel else "#ffa90e",
                    hatch="" if rel else "//", edgecolor="#333333", linewidth=0.8)
            ax.text(lo, yy, f"{t_lo} at {at_min:.2f}  ", ha="right", va="center", fontsize=12)
            ax.text(hi, yy, f"  {t_hi} at {at_max:.2f}", ha="left", va="center", fontsize=12)
        if rem:
            base = max(result.base_others, floor)
            ends = [max(np.nanmax(s.others), floor) for s in swings]
            ends += [max(np.nanmin(s.others), floor) for s in swings]
            ax.set_xscale("log")
            x0, x1 = min(ends) / 30, max(ends) * 80
            ax.set_xlim(x1, x0)  # inverted: further right = more weight on the lead
            _decade_ticks(ax, x0, x1)
            base_text = f"current: {one_in(result.base_others)}"
        else:
            base = 100 * result.base_weight
            lows = [100 * s.weight_min for s in swings] or [base]
            highs = [100 * s.weight_max for s in swings] or [base]
            span = max(max(highs) - min(lows), 2.0)
            x0, x1 = max(0.0, min(lows) - 0.45 * span), min(100.0, max(highs) + 0.45 * span)
            ax.set_xlim(x0, x1)
            edges = _band_edges(case.yardstick)
            bands = []
            for n, (edge, word) in enumerate(edges):
                if x0 < 100 * edge < x1:
                    above = edges[n + 1][1] if n + 1 < len(edges) else _top_word(case.yardstick)
                    ax.axvline(100 * edge, color="#999999", lw=1, ls=":", zorder=0)
                    bands.append(ax.text(100 * edge, -0.75, f"{word} \u2190 \u2192 {above}",
                                         fontsize=11, color="#555555", ha="center",
                                         va="bottom",
                                         bbox={"fc": "white", "ec": "none", "pad": 1}))
            _band_labels_inside(ax, bands, 100 * result.base_weight)
            base_text = f"current {percent(result.base_weight)}"
        ax.axvline(base, color="#222222", lw=1.5, ls="--", zorder=3)
        ax.set_ylim(-0.8, len(swings) - 0.2)
        ax.text(base, len(swings) - 0.3, base_text, fontsize=12, va="bottom", ha="center",
                fontweight="bold")
        names = []
        for s in swings:
            names.append(f"{short_name(case, s.source_id)}: {s.parameter}\n"
                         f"{s.low:.2f}\u2013{s.high:.2f} ({s.range_note})")
        ax.set_yticks(y, names, fontsize=12)
        ax.set_xlabel(f"Chance it is not \u201c{label}\u201d, log scale (further right = surer)"
                      if rem else f"Weight of \u201c{label}\u201d, %")
        if swings:
            all_lo = min(s.weight_min for s in swings)
            all_hi = max(s.weight_max for s in swings)
            w_lo = estimative_word(all_lo, case.yardstick)
            w_hi = estimative_word(all_hi, case.yardstick)
            words = w_lo if w_lo == w_hi else f"{w_lo} to {w_hi}"
            default = f"{label} stays {_pct_range(all_lo, all_hi)} under any one swing"
            first = swings[0]
            sub = (f"Range: {words}. Most sensitive to {short_name(case, first.source_id)}'s "
                   f"{first.parameter}.")
        else:
            default, sub = "No source has a report to swing", ""
        sub += ("\nOne assumption swung per bar, others at their mean (point model); "
                "blue: reliability, orange hatched: motive.")
        set_titles(fig, ax, title or default, sub.strip(), own)
        if own:
            add_footer(fig, case, note="tornado on point reliabilities")
    return fig


def _band_labels_inside(ax, labels, base: float) -> None:
    """Shift the band labels into the axes and hide any that would overlap one nearer the
    current value (two yardstick edges close together on a narrow axis)."""
    renderer = _renderer(ax.figure)
    kept = []
    for t in sorted(labels, key=lambda t: abs(t.get_position()[0] - base)):
        bb = t.get_window_extent(renderer)
        shift = max(ax.bbox.x0 + 2 - bb.x0, 0) - max(bb.x1 - (ax.bbox.x1 - 2), 0)
        if shift:
            x, y = t.get_position()
            xd, yd = ax.transData.transform((x, y))
            t.set_x(ax.transData.inverted().transform((xd + shift, yd))[0])
            bb = t.get_window_extent(renderer)
        if bb.width > ax.bbox.width - 4 or any(_overlaps(bb, k, gap=8) for k in kept):
            t.set_visible(False)
        else:
            kept.append(bb)


def _decade_ticks(ax, lo: float, hi: float) -> None:
    """Major ticks on the log x axis every one, two, three... decades: the fewest decades apart
    at which the labels (odds, ``1/10 million``) stay clear of each other; minor ticks every
    decade."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    k0, k1 = int(np.ceil(np.log10(lo) - 1e-9)), int(np.floor(np.log10(hi) + 1e-9))
    decades = list(range(k0, k1 + 1))
    ax.xaxis.set_major_formatter(lambda v, _: one_in(v).replace(" in ", "/"))
    if not decades:  # less than a decade wide: matplotlib's own ticks
        return
    ax.xaxis.set_minor_locator(FixedLocator([10.0 ** k for k in decades]))
    ax.xaxis.set_minor_formatter(NullFormatter())
    renderer = _renderer(ax.figure)
    labels = ax.xaxis.get_ticklabels()
    em = (labels[0].get_fontsize() if labels else 14) * ax.figure.dpi / 72
    for step in (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100):
        # multiples of the step, so that ticks fall on round odds (1/1 million, 1/100 million)
        ticks = [10.0 ** k for k in decades if k % step == 0] or [10.0 ** decades[0]]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        boxes = sorted((t.get_window_extent(renderer) for t in ax.xaxis.get_ticklabels()
                        if t.get_visible() and t.get_text()), key=lambda b: b.x0)
        # at least 1.5 em between neighbours, so that each label reads as one
        if all(not _overlaps(a, b, gap=1.5 * em)
               for a, b in zip(boxes[:-1], boxes[1:], strict=True)):
            return


# ---------------------------------------------------------------------------- heat map
def plot_sweep_heatmap(grid, case: Case, ax=None, title: str | None = None):
    """Heat map of the leading hypothesis's weight over two assumptions.

    Colour-blind-safe ``cividis``; the 50 % contour is drawn and labelled; where another
    hypothesis leads is hatched; the current assumptions are marked.

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
        cbar.set_label(f"Weight of \u201c{label}\u201d, %")
        other = grid.possible & (grid.leading != lead)
        handles = []
        if other.any():
            ax.contourf(grid.x_values, grid.y_values, other.astype(float), levels=[0.5, 1.5],
                        colors="none", hatches=["//"])
            ax.contour(grid.x_values, grid.y_values, other.astype(float), levels=[0.5],
                       colors="white", linewidths=1.2)
            others = sorted({int(i) for i in np.unique(grid.leading[other])})
            who = (case.labels[grid.hypothesis_ids[others[0]]] if len(others) == 1
                   else "another hypothesis")
            handles.append(Patch(facecolor="#cccccc", hatch="//", edgecolor="#333333",
                                 label=f"{who} leads"))
        if np.nanmin(grid.weight) < 0.5 < np.nanmax(grid.weight):
            cs = ax.contour(grid.x_values, grid.y_values, z, levels=[50], colors="#ffffff",
                            linewidths=2.5, linestyles="--")
            ax.clabel(cs, fmt=lambda v: f"{v:.0f} %", fontsize=14, colors="#ffffff")
            handles.append(plt.Line2D([], [], color="#555555", lw=2.5, ls="--",
                                      label="weight 50 %"))
        ax.plot(grid.base_x, grid.base_y, marker="*", ms=22, color="#bd1f01",
                markeredgecolor="white", markeredgewidth=1.5, ls="none")
        right = grid.base_x > grid.x_values.min() + 0.6 * np.ptp(grid.x_values)
        ax.annotate(f"current assumptions: {percent(grid.base_weight)}",
                    (grid.base_x, grid.base_y), xytext=(-14 if right else 14, 14),
                    textcoords="offset points", ha="right" if right else "left",
                    fontsize=13, color="white", fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.3", "fc": "#222222", "alpha": 0.75,
                          "ec": "none"})
        ax.set_xlabel(xlab)
        ax.set_ylabel(ylab)
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.09),
                      ncols=len(handles), fontsize=12)
        share = float(np.mean(grid.leading[grid.possible] == lead)) if grid.possible.any() else 0
        default = (f"{label} leads everywhere on this plane" if share == 1 else
                   f"{label} leads in {share:.0%} of this plane".replace("%", " %"))
        wmin = float(np.nanmin(grid.weight))
        iy, ix = np.unravel_index(int(np.nanargmin(grid.weight)), grid.weight.shape)
        set_titles(fig, ax, title or default,
                   f"Weight of \u201c{label}\u201d as two assumptions vary together; every other "
                   "source at its mean reliability (point model).\nLowest on this plane: "
                   f"{percent(wmin)} at ({grid.x_values[ix]:.2f}, {grid.y_values[iy]:.2f}).",
                   own)
        if own:
            note = "" if grid.possible.all() else "blank: evidence impossible"
            add_footer(fig, case, note=note)
    return fig


# ---------------------------------------------------------------------------- replay
def plot_replay_fan(result, ax=None, post_mortem=None, key: int = 4, evenly: bool = True,
                    title: str | None = None):
    """Weights over time as the evidence arrived, key items annotated.

    Parameters
    ----------
    result : achlab.engines.replay.Replay
    ax : matplotlib Axes, optional
    post_mortem : achlab.engines.replay.PostMortem, optional
        Scores against the known outcome; computed from ``case.resolution`` when there is one.
    key : int
        Key items annotated (largest effect on the leading weight).
    evenly : bool
        True: one step per date with new evidence (dates not to scale, readable when reports
        cluster); False: a true time axis.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    from achlab.engines.replay import LIKELY
    from achlab.engines.replay import post_mortem as score

    case = result.case
    table = result.weights
    dates = list(table.index)
    ids = list(table.columns)
    if post_mortem is None and case.resolution:
        post_mortem = score(result)
    if evenly:
        xs = np.arange(len(dates), dtype=float)

        def xpos(d):
            return float(np.interp(d.toordinal(), [x.toordinal() for x in dates], xs,
                                   left=-0.5, right=len(dates) - 0.5))
    else:
        import matplotlib.dates as mdates

        xs = mdates.date2num(dates)

        def xpos(d):
            return float(mdates.date2num(d))

    lead = result.leading
    with styled():
        fig, ax, own = figure_and_axes(ax, {"left": 0.08, "right": 0.8, "top": 0.8, "bottom": 0.24})
        ends = _spread([100 * table[h].iloc[-1] for h in ids], gap=11.0)
        for n, h in enumerate(ids):
            is_lead = h == lead
            ax.plot(xs, 100 * table[h].to_numpy(), drawstyle="steps-post" if not evenly else
                    "default", color=colour_of(n), lw=4 if is_lead else 2.2,
                    ls=LINE_STYLES[n % len(LINE_STYLES)], marker=MARKERS[n % len(MARKERS)],
                    ms=7 if is_lead else 5, zorder=4 if is_lead else 3)
            end = table[h].iloc[-1]
            tag = f"{case.labels[h]}{' (leads)' if is_lead else ''}: {percent(end)}"
            ax.annotate(textwrap.fill(tag, 24, break_on_hyphens=False), (xs[-1], 100 * end),
                        xytext=(12, ends[n]),
                        textcoords=("offset points", "data"), va="center", fontsize=13,
                        fontweight="bold" if is_lead else "normal", color=colour_of(n),
                        annotation_clip=False)
        ax.axhline(100 * LIKELY, color="#999999", lw=1, ls=":", zorder=1)
        likely = ax.text(xs[-1], 100 * LIKELY + 1, "above 55 %: likely", fontsize=11,
                         color="#555555", va="bottom", ha="right")
        avoid = [likely]
        ax.set_ylim(-3, 108)
        ax.set_ylabel("Weight, %")
        lead_y = 100 * table[lead].to_numpy()
        keys = result.key_items(key).sort_values("date", kind="stable")
        lines, per_date = [], {}
        for m, (item, row) in enumerate(keys.iterrows()):
            i = dates.index(row["date"])
            same = [d for d in keys["date"] if d == row["date"]]
            k = per_date.get(i, 0)
            per_date[i] = k + 1
            below = lead_y[i] > 85
            circle = ax.annotate(str(m + 1), (xs[i], lead_y[i]),
                        xytext=(20 * (k - (len(same) - 1) / 2), -17 if below else 17),
                        textcoords="offset points", ha="center", va="center", fontsize=11,
                        fontweight="bold", zorder=7,
                        bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#222222"})
            avoid.append(circle)
            head = f"{m + 1}  {item}, {row['date']:%d %b %Y}: {100 * row['effect']:+.0f} pts. "
            lines.append(head + textwrap.shorten(str(row["summary"]), 78 - len(head),
                                                 placeholder="\u2026"))
        sub = ("Exact weights with the evidence dated on or before each date; numbered: the items "
               "that moved the leading weight most.")
        if post_mortem is not None and post_mortem.resolution_date:
            res = post_mortem.resolution_date
            said = f"resolved: {case.labels[post_mortem.truth]} ({res:%d %b %Y})"
            if dates[0] <= res <= dates[-1]:
                rx = xpos(res)
                ax.axvline(rx, color="#222222", lw=2, ls="-.", zorder=2)
                avoid.append(ax.text(rx, 104, f" {said} ", fontsize=12,
                                     ha="right" if rx > xs[len(xs) // 2] else "left",
                                     va="bottom"))
            else:
                ax.text(1.0, 1.0, f"{said}, {'after' if res > dates[-1] else 'before'} "
                        "this replay", transform=ax.transAxes, fontsize=12, ha="right",
                        va="bottom")
            first = (f"first 'likely' on {post_mortem.first_likely:%d %b %Y}"
                     if post_mortem.first_likely else "never above 55 %")
            sub += (f"\nAgainst the outcome ({case.labels[post_mortem.truth]}): mean Brier score "
                    f"{post_mortem.mean_brier:.3f} to resolution (0 best, 2 worst); truth {first}.")
        if evenly:
            ax.set_xlim(xs[0] - 0.5, xs[-1] + 0.5)
        if lines:
            box = ax.text(0, 0, "Key items (change of the leading weight)\n" + "\n".join(lines),
                          transform=ax.transAxes, fontsize=10.5, zorder=6, linespacing=1.35,
                          multialignment="left",
                          bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#999999"})
            curves = [np.c_[xs, 100 * table[h].to_numpy()] for h in ids]
            # the 'likely' label at the right end, or at the left if the box then hides less
            renderer = _renderer(fig)
            pts = _curve_pixels(ax, curves)
            x_lo, x_hi = ax.get_xlim()
            spots = ((xs[-1], "right"), (x_lo + 0.005 * (x_hi - x_lo), "left"))
            costs = []
            for x, ha in spots:
                likely.set_x(x)
                likely.set_ha(ha)
                costs.append(_place_clear(ax, box, curves, avoid)
                             + _covered(pts, likely.get_window_extent(renderer)))
            x, ha = spots[0] if costs[0] <= costs[1] else spots[1]
            likely.set_x(x)
            likely.set_ha(ha)
            _place_clear(ax, box, curves, avoid)
        if evenly:
            step = max(1, -(-len(dates) // 10))
            ax.set_xticks(xs[::step], [f"{d:%d %b\n%Y}" for d in dates[::step]], fontsize=11)
            ax.set_xlabel("Date of evidence (one step per date with new reports; not to scale)")
        else:
            import matplotlib.dates as mdates

            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
            ax.set_xlabel("Date of evidence")
        first_date, last_date = dates[0], dates[-1]
        default = (f"{case.labels[lead]} has led since {_lead_since(result):%d %b %Y}"
                   if _lead_since(result) else f"{case.labels[lead]} leads at the end")
        set_titles(fig, ax, title or default, sub, own)
        if own:
            add_footer(fig, case, note=f"replay {first_date.isoformat()} to "
                       f"{last_date.isoformat()}")
    return fig


def _lead_since(result) -> dt.date | None:
    """First date from which the final leader led, strictly, without interruption."""
    leading = list(result.leading_by_date)
    dates = list(result.weights.index)
    if not leading or leading[-1] != result.leading:
        return None
    start = len(leading) - 1
    while start > 0 and leading[start - 1] == result.leading:
        start -= 1
    return dates[start]


def _curve_pixels(ax, curves) -> np.ndarray:
    """Points along ``curves`` ((n, 2) arrays in data coordinates), densified so that a box
    lying across a segment between two points still counts as covering it, in pixels."""
    ax.get_xlim(), ax.get_ylim()  # settle pending autoscaling before mapping data to pixels
    pts = []
    for c in curves:
        for (x0, y0), (x1, y1) in zip(c[:-1], c[1:], strict=True):
            t = np.linspace(0, 1, 12)
            pts.append(np.c_[x0 + t * (x1 - x0), y0 + t * (y1 - y0)])
    return ax.transData.transform(np.vstack(pts)) if pts else np.empty((0, 2))


def _covered(pts: np.ndarray, bb) -> int:
    """How many of the pixel points ``pts`` lie in the bounding box ``bb``."""
    return int(((pts[:, 0] >= bb.x0) & (pts[:, 0] <= bb.x1) & (pts[:, 1] >= bb.y0)
                & (pts[:, 1] <= bb.y1)).sum())


def _place_clear(ax, text, curves, avoid=()) -> float:
    """Move a text box to the candidate spot of the axes that covers the fewest data points;
    returns the cost of that spot (points covered, plus 10,000 per artist hidden).

    ``curves`` are (n, 2) arrays in data coordinates (see :func:`_curve_pixels`). ``avoid`` are
    artists (labels, numbered circles) the box must not hide: covering one costs more than
    covering any number of data points.
    """
    renderer = _renderer(ax.figure)
    pts = _curve_pixels(ax, curves)
    keep_clear = [a.get_window_extent(renderer) for a in avoid if a.get_visible()]
    best, best_cost = None, np.inf
    for xa, ha in ((0.985, "right"), (0.015, "left"), (0.5, "center")):
        for ya, va in ((0.97, "top"), (0.5, "center"), (0.04, "bottom"), (0.75, "center"),
                       (0.25, "center")):
            text.set_position((xa, ya))
            text.set_ha(ha)
            text.set_va(va)
            text.draw(renderer)
            bb = text.get_bbox_patch().get_window_extent(renderer)
            hidden = sum(_overlaps(bb, k, gap=2) for k in keep_clear)
            cost = _covered(pts, bb) + 1e4 * hidden + (
                0 if ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1)
                else 1e6)
            if cost < best_cost:
                best, best_cost = (xa, ya, ha, va), cost
    xa, ya, ha, va = best
    text.set_position((xa, ya))
    text.set_ha(ha)
    text.set_va(va)
    return float(best_cost)


def _spread(values, gap: float, low: float = -3.0, high: float = 105.0) -> list[float]:
    """Positions near ``values`` at least ``gap`` apart and within [low, high], order kept."""
    order = np.argsort(values, kind="stable")
    out = np.asarray(values, dtype=float).copy()
    last = -np.inf
    for i in order:
        out[i] = max(out[i], last + gap)
        last = out[i]
    over = out[order[-1]] - high if len(out) else 0
    if over > 0:
        out -= over
    return [float(max(v, low)) for v in out]


# ---------------------------------------------------------------------------- flip points
def _flip_value(v: float) -> str:
    """A flip point as text: two decimals, three where two would round it off (``0.075``)."""
    return f"{v:.2f}" if round(v, 2) == round(v, 3) else f"{v:.3f}"


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
        ax.set_xlabel(f"Source {what}, %   (\u25bc current value; numbers: flip points)")
        handles = [Patch(facecolor=colour_of(n), hatch=hatch_of(n), edgecolor="#333333",
                         label=f"{case.labels[ids[n]]} leads") for n in sorted(used)]
        legend = ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0),
                           ncols=len(handles), fontsize=13)
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
                         f"{_flip_value(p.nearest.value)}", f"One flip point: {name}"]
                        if len(flipping) == 1 else
                        [f"{len(flipping)} assumptions can flip the lead; nearest: {name}'s "
                         f"{p.parameter}",
                         f"{len(flipping)} assumptions can flip the lead; nearest: {name}",
                         f"{len(flipping)} assumptions can flip the lead"])
        sub = (f"Leading hypothesis as one source's {what} runs from 0 to 1, every other "
               "source at its mean reliability (point model)")
        said = [f"{short_name(case, p.source_id)} {p.parameter} "
                f"{'below' if p.nearest.value < p.current else 'above'} "
                f"{_flip_value(p.nearest.value)}: {case.labels[p.rival]} leads"
                for p in flipping[:2]]
        more = "; \u2026" if len(flipping) > 2 else ""
        if own:
            # a little short of the full width: text is relatively wider at low resolution
            width = 0.95 * fig.bbox.width
            flips = "; ".join(said) + more
            if said and _text_width(fig, flips, 14) > width:
                flips = ";\n".join(said) + more.replace("; ", ";\n")  # one flip point a line
            sub = _wrap_to(fig, sub + ("\n" + flips if said else ""), 14, width)
            default = next((d for d in defaults
                            if _text_width(fig, d, 24, "bold") <= 0.96 * fig.bbox.width),
                           defaults[-1])
            _fit_left(fig, ax)
        else:
            sub += "\n" + "; ".join(said) + more if said else ""
            default = defaults[0]
        set_titles(fig, ax, title or default, sub, own)
        if own:
            _fit_top(fig, ax, legend)
            add_footer(fig, case, note="flip points solved by root-finding")
        _label_flips(ax, points, y)
    return fig


def _fit_left(fig, ax, max_left: float = 0.45, min_left: float = 0.1) -> None:
    """Size the left margin to the widest y tick label (wrapping labels that would need more
    than ``max_left`` of the figure)."""
    import matplotlib as mpl

    renderer = _renderer(fig)
    pad = (mpl.rcParams["ytick.major.pad"] + mpl.rcParams["ytick.major.size"]) * fig.dpi / 72
    room = 0.012 * fig.bbox.width + pad + 6

    def need() -> float:
        widths = [t.get_window_extent(renderer).width for t in ax.get_yticklabels()
                  if t.get_text()]
        return (room + max(widths, default=0.0)) / fig.bbox.width

    if need() > max_left:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        ax.set_yticks(ax.get_yticks(), [textwrap.fill(t, 26, break_on_hyphens=False)
                                        for t in labels])
    fig.subplots_adjust(left=min(max(need(), min_left), max_left))


def _fit_top(fig, ax, legend=None, gap: float = 0.015) -> None:
    """Lower the top of the axes (and the legend above it) below the title block when a wrapped
    subtitle runs further down than the fixed margin allows."""
    renderer = _renderer(fig)
    above = legend.get_window_extent(renderer).height / fig.bbox.height if legend else 0.0
    top = ax.get_position().y1
    fig.subplots_adjust(top=min(top, _title_block_bottom(fig) - gap - above))


def _label_flips(ax, points, ys) -> None:
    """Label each flip point on its strip, beside the edge: towards the current value unless the
    label would then cover the current-value marker, a neighbouring label or leave the axes."""
    fig = ax.figure
    renderer = _renderer(fig)
    half = (13 / 2 + 3) * fig.dpi / 72  # half the marker (ms=13) and a little air, in pixels
    for yy, p in zip(ys, points, strict=True):
        xm = ax.transData.transform((100 * p.current, yy))[0]
        placed = []
        for f in p.flips:
            toward = 1 if p.current >= f.value else -1
            text = ax.annotate(_flip_value(f.value), (100 * f.value, yy), xytext=(0, 0),
                               textcoords="offset points", va="center", fontsize=11,
                               fontweight="bold", zorder=6, annotation_clip=False,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                     "alpha": 0.85})
            best = None
            for rank, sign in enumerate((toward, -toward)):
                text.xyann = (5 * sign, 0)
                text.set_ha("left" if sign > 0 else "right")
                bb = text.get_window_extent(renderer)
                cost = (100 * (bb.x0 < ax.bbox.x0 or bb.x1 > ax.bbox.x1)
                        + 10 * (bb.x0 - 2 < xm + half and xm - half < bb.x1 + 2)
                        + 10 * sum(_overlaps(bb, q, gap=2) for q in placed) + rank)
                if best is None or cost < best[0]:
                    best = (cost, sign)
            sign = best[1]
            text.xyann = (5 * sign, 0)
            text.set_ha("left" if sign > 0 else "right")
            placed.append(text.get_window_extent(renderer))
