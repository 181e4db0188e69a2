"""Replay: the weights over time as the evidence arrived, key items numbered."""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np

from achlab.charts.footer import add_footer
from achlab.charts.layout import (
    covered,
    curve_pixels,
    place_clear,
    renderer,
    shorten,
    shorten_to_fit,
    spread,
)
from achlab.charts.style import (
    colour_of,
    figure_and_axes,
    line_style_of,
    marker_of,
    set_titles,
    styled,
)
from achlab.model.words import percent, score


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
    from achlab.engines.replay import post_mortem as scored

    case = result.case
    table = result.weights
    dates = list(table.index)
    ids = list(table.columns)
    if post_mortem is None and case.resolution:
        post_mortem = scored(result)
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
        ends = spread([100 * table[h].iloc[-1] for h in ids], gap=11.0)
        for n, h in enumerate(ids):
            is_lead = h == lead
            ax.plot(xs, 100 * table[h].to_numpy(), drawstyle="steps-post" if not evenly else
                    "default", color=colour_of(n), lw=4 if is_lead else 2.2,
                    ls=line_style_of(n), marker=marker_of(n),
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
            lines.append((head, str(row["summary"])))
        sub = ("Exact weights with the evidence dated on or before each date; numbered: the items "
               "that moved the leading weight most.")
        if post_mortem is not None and post_mortem.resolution_date:
            res = post_mortem.resolution_date
            said = f"resolved: {case.labels[post_mortem.truth]} ({res:%d %b %Y})"
            if dates[0] <= res <= dates[-1]:
                rx = xpos(res)
                ax.axvline(rx, color="#222222", lw=2, ls="-.", zorder=2)
                right = rx > xs[len(xs) // 2]  # the label on the side with room, clear of the line
                avoid.append(ax.annotate(said, (rx, 104), xytext=(-6 if right else 6, 0),
                                         textcoords="offset points", fontsize=12,
                                         ha="right" if right else "left", va="bottom"))
            else:
                ax.text(1.0, 1.0, f"{said}, {'after' if res > dates[-1] else 'before'} "
                        "this replay", transform=ax.transAxes, fontsize=12, ha="right",
                        va="bottom")
            first = (f"first 'likely' on {post_mortem.first_likely:%d %b %Y}"
                     if post_mortem.first_likely else "never above 55 %")
            sub += (f"\nAgainst the outcome ({case.labels[post_mortem.truth]}): mean Brier score "
                    f"{score(post_mortem.mean_brier)} to resolution (0 best, 2 worst); "
                    f"truth {first}.")
        if evenly:
            ax.set_xlim(xs[0] - 0.5, xs[-1] + 0.5)
        if lines and not own:
            _key_items_inside(ax, lines, likely, xs, table, ids, avoid)
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
            if lines:
                _key_items_below(fig, ax, lines)
            _likely_label_clear(ax, likely, xs, table, ids)
    return fig


KEY_HEADER = "Key items (change of the leading weight)"
KEY_SIZE = 10.5


def _key_items_below(fig, ax, lines) -> None:
    """The numbered key items in two columns under the x axis and above the footer.

    The axes are raised as far as the block needs, so it hides no line of the chart.
    """
    gap = 6.0
    width = 0.48 * fig.bbox.width
    shown = [head + shorten_to_fit(fig, head, summary, KEY_SIZE, width)
             for head, summary in lines]
    half = -(-len(shown) // 2)
    fig.canvas.draw()
    r = renderer(fig)
    footer_top = max((t.get_window_extent(r).y1 for t in fig.texts
                      if t.get_position()[1] < 0.1), default=0.0)
    block = (1 + half) * KEY_SIZE * 1.35 * fig.dpi / 72
    short = footer_top + 2 * gap + block - ax.xaxis.label.get_window_extent(r).y0
    if short > 0:
        box = ax.get_position()
        lift = short / fig.bbox.height
        ax.set_position([box.x0, box.y0 + lift, box.width, box.height - lift])
        fig.canvas.draw()
    top = (ax.xaxis.label.get_window_extent(r).y0 - gap) / fig.bbox.height
    header = fig.text(0.012, top, KEY_HEADER, fontsize=KEY_SIZE, fontweight="bold", va="top")
    below = (header.get_window_extent(r).y0 - 2) / fig.bbox.height
    for x, column in ((0.012, shown[:half]), (0.5, shown[half:])):
        if column:
            fig.text(x, below, "\n".join(column), fontsize=KEY_SIZE, va="top", linespacing=1.35)


def _key_items_inside(ax, lines, likely, xs, table, ids, avoid) -> None:
    """On a caller's axes: the key items in a box where it hides the fewest points."""
    text = "\n".join(head + shorten(summary, 78 - len(head)) for head, summary in lines)
    box = ax.text(0, 0, f"{KEY_HEADER}\n{text}", transform=ax.transAxes, fontsize=KEY_SIZE,
                  zorder=6, linespacing=1.35, multialignment="left",
                  bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#999999"})
    curves = [np.c_[xs, 100 * table[h].to_numpy()] for h in ids]
    _likely_label_clear(ax, likely, xs, table, ids,
                        also=lambda: place_clear(ax, box, curves, avoid))
    place_clear(ax, box, curves, avoid)


def _likely_label_clear(ax, likely, xs, table, ids, also=lambda: 0.0) -> None:
    """The 'likely' band label at the right end, or at the left if it hides fewer points there.

    ``also`` adds the cost of what moves with it (the key box on a caller's axes).
    """
    r = renderer(ax.figure)
    pts = curve_pixels(ax, [np.c_[xs, 100 * table[h].to_numpy()] for h in ids])
    x_lo, x_hi = ax.get_xlim()
    costs = []
    for x, ha in ((xs[-1], "right"), (x_lo + 0.005 * (x_hi - x_lo), "left")):
        likely.set_x(x)
        likely.set_ha(ha)
        costs.append((also() + covered(pts, likely.get_window_extent(r)), x, ha))
    _, x, ha = min(costs, key=lambda c: c[0])
    likely.set_x(x)
    likely.set_ha(ha)


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
