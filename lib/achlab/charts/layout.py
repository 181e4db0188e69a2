"""Text on charts: measuring it, wrapping and shortening it, checking overlaps, placing labels.

Every chart module takes these helpers from here; none measures or places text on its own.

* label text: :func:`shorten`, :func:`source_name`, :func:`short_name`, :func:`font_for_rows`,
  :func:`row_height_pt`;
* measuring and wrapping: :func:`renderer`, :func:`shown_at`, :func:`text_width`,
  :func:`wrap_to`, :func:`shorten_to_fit`, :func:`first_fitting`;
* overlap checks: :func:`overlaps`, :func:`curve_pixels`, :func:`covered`;
* fitting the axes to the text: :func:`title_block_bottom`, :func:`fit_left`, :func:`fit_top`,
  :func:`legend_that_fits`;
* placing labels: :func:`spread`, :func:`place_clear`, :func:`spots_far_from`, :func:`place_beside`,
  :func:`keep_labels_inside`, :func:`decade_ticks`, :func:`label_bar`;
* checking a drawn chart: :func:`text_boxes`, :func:`text_problems` (text beyond the figure or
  overlapping other text).

Sizes are in display pixels unless a name says otherwise (``_pt``: points).

Text is measured, and a chart checked, at every resolution it is shown at (:data:`SHOWN_AT`):
font hinting makes a line relatively wider at some resolutions than at others, so a subtitle
that fits on screen can run off the edge of the exported PNG.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import numpy as np

from achlab.model import Case


# ---------------------------------------------------------------------------- label text
def shorten(text: str, width: int, placeholder: str = "…") -> str:
    """``text`` on one line of at most ``width`` characters, cut at a word with ``placeholder``."""
    return textwrap.shorten(text, width, placeholder=placeholder)


def source_name(name, source_id: str) -> str:
    """A source's name without its parenthesised detail (``source_id`` if nothing is left)."""
    return str(name).split(" (")[0].strip() or source_id


def short_name(case: Case, source_id: str) -> str:
    """A source of ``case`` by its name without the parenthesised detail.

    For example ``"Ukrainian government"``; a source the case does not hold is shown by its id.
    """
    try:
        name = case.source(source_id).name or source_id
    except KeyError:
        return source_id
    return source_name(name, source_id)


def font_for_rows(rows: int, budget: int, smallest: int, largest: int) -> int:
    """Font size (points) for ``rows`` rows.

    The size is ``budget // rows``, kept within [``smallest``, ``largest``].
    """
    return max(smallest, min(largest, budget // max(rows, 1)))


def row_height_pt(ax, rows: int) -> float:
    """Height in points of one of ``rows`` equal rows filling ``ax``."""
    box = ax.get_position()
    return box.height * ax.figure.get_figheight() * 72 / max(rows, 1)


# ---------------------------------------------------------------------------- measuring
def renderer(fig):
    """The figure's renderer, for window extents before the figure is drawn."""
    return fig.canvas.get_renderer()


def shown_at(fig) -> tuple[float, ...]:
    """The resolutions (dpi) ``fig`` is shown at: its own (on screen) and its exported PNG's."""
    from achlab.charts.style import EXPORT_DPI

    return tuple(sorted({float(fig.dpi), float(EXPORT_DPI)}))


@lru_cache(maxsize=8)
def _measurer(dpi: float):
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


def text_width(fig, text: str, fontsize: float, weight: str = "normal") -> float:
    """Width in ``fig``'s pixels of ``text`` (widest line) in the current font at ``fontsize``.

    The widest it is at any resolution of :func:`shown_at`, in pixels at ``fig``'s own.
    """
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)
    lines = text.split("\n")
    return max((_measurer(dpi).get_text_width_height_descent(line, prop, ismath=False)[0]
                * fig.dpi / dpi for dpi in shown_at(fig) for line in lines), default=0.0)


def wrap_to(fig, text: str, fontsize: float, width_px: float, weight: str = "normal") -> str:
    """``text`` wrapped (paragraph by paragraph, never at hyphens) to fit ``width_px``."""
    out = []
    for para in text.split("\n"):
        width = max(len(para), 1)
        wrapped = para
        while width > 20 and text_width(fig, wrapped, fontsize, weight) > width_px:
            width -= 4
            wrapped = textwrap.fill(para, width, break_on_hyphens=False)
        out.append(wrapped)
    return "\n".join(out)


def shorten_to_fit(fig, head: str, text: str, fontsize: float, width_px: float) -> str:
    """``text``, cut at a word (with "…") so that ``head + text`` is no wider than ``width_px``.

    The longest such cut is found by halving: a longer cut is never narrower, and each try is
    measured at every resolution the chart is shown at.
    """
    def fits(chars: int) -> bool:
        return text_width(fig, head + shorten(text, chars), fontsize) <= width_px

    if fits(len(text)):
        return shorten(text, len(text))
    lo, hi = 8, len(text)  # the longest cut that fits is at least lo and below hi
    if not fits(lo):
        return shorten(text, 8)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return shorten(text, lo)


def first_fitting(fig, texts, fontsize: float, width_px: float, weight: str = "normal") -> str:
    """The first of ``texts`` (longest first, say) no wider than ``width_px``; else the last."""
    return next((t for t in texts if text_width(fig, t, fontsize, weight) <= width_px),
                texts[-1])


# ---------------------------------------------------------------------------- overlaps
def overlaps(a, b, gap: float = 0.0) -> bool:
    """Whether two display bounding boxes overlap (with ``gap`` pixels to spare)."""
    return not (a.x1 + gap <= b.x0 or b.x1 + gap <= a.x0 or a.y1 + gap <= b.y0
                or b.y1 + gap <= a.y0)


def curve_pixels(ax, curves) -> np.ndarray:
    """Points along ``curves`` ((n, 2) arrays in data coordinates), densified, in pixels.

    The extra points between each two given points make a box lying across the segment between
    them still count as covering it.
    """
    ax.get_xlim(), ax.get_ylim()  # settle pending autoscaling before mapping data to pixels
    pts = []
    for c in curves:
        for (x0, y0), (x1, y1) in zip(c[:-1], c[1:], strict=True):
            t = np.linspace(0, 1, 12)
            pts.append(np.c_[x0 + t * (x1 - x0), y0 + t * (y1 - y0)])
    return ax.transData.transform(np.vstack(pts)) if pts else np.empty((0, 2))


def covered(pts: np.ndarray, bb) -> int:
    """How many of the pixel points ``pts`` lie in the bounding box ``bb``."""
    return int(((pts[:, 0] >= bb.x0) & (pts[:, 0] <= bb.x1) & (pts[:, 1] >= bb.y0)
                & (pts[:, 1] <= bb.y1)).sum())


# ---------------------------------------------------------------------------- fitting the axes
def title_block_bottom(fig) -> float:
    """Lowest edge of the title block, as a fraction of the figure height.

    The title block is the texts in the top quarter of the figure.
    """
    r = renderer(fig)
    bottoms = [t.get_window_extent(r).y0 for t in fig.texts
               if t.get_position()[1] > 0.75 and t.get_text()]
    return min(bottoms) / fig.bbox.height if bottoms else 1.0


def fit_left(fig, ax, max_left: float = 0.45, min_left: float = 0.1) -> None:
    """Size the left margin to the widest y tick label.

    Labels that would need more than ``max_left`` of the figure are wrapped.
    """
    import matplotlib as mpl

    r = renderer(fig)
    pad = (mpl.rcParams["ytick.major.pad"] + mpl.rcParams["ytick.major.size"]) * fig.dpi / 72
    room = 0.012 * fig.bbox.width + pad + 6

    def need() -> float:
        widths = [t.get_window_extent(r).width for t in ax.get_yticklabels()
                  if t.get_text()]
        # 4 % to spare: text is relatively wider when exported at a lower resolution
        return (room + 1.04 * max(widths, default=0.0)) / fig.bbox.width

    if need() > max_left:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        ax.set_yticks(ax.get_yticks(), [textwrap.fill(t, 26, break_on_hyphens=False)
                                        for t in labels])
    fig.subplots_adjust(left=min(max(need(), min_left), max_left))


def fit_top(fig, ax, legend=None, gap: float = 0.015) -> None:
    """Lower the top of the axes below the title block if needed.

    Everything the axes draw above their frame (top tick labels, column headers, a legend
    anchored above them) is kept below the block: it is needed when a wrapped title or subtitle
    runs further down than the fixed margin allows. ``legend`` is kept for callers that pass
    one; the axes' own legend is measured anyway.
    """
    r = renderer(fig)
    del legend
    above = max(ax.get_tightbbox(r).y1 - ax.bbox.y1, 0.0) / fig.bbox.height
    top = ax.get_position().y1
    fig.subplots_adjust(top=min(top, title_block_bottom(fig) - gap - above))


def legend_that_fits(ax, width_px: float, **kwargs):
    """An axes legend in as many columns (up to one per entry) as fit ``width_px``; returns it.

    ``kwargs`` go to :meth:`matplotlib.axes.Axes.legend` (``handles``, ``loc``, ...), except
    ``ncols``, which is chosen here.
    """
    r = renderer(ax.figure)
    count = len(kwargs.get("handles") or ax.get_legend_handles_labels()[0])
    legend = None
    for ncols in range(max(count, 1), 0, -1):
        legend = ax.legend(ncols=ncols, **kwargs)
        if legend.get_window_extent(r).width <= width_px:
            break
    return legend


# ---------------------------------------------------------------------------- placing labels
def spread(values, gap: float, low: float = -3.0, high: float = 105.0) -> list[float]:
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


def place_clear(ax, text, curves, avoid=()) -> float:
    """Move a text box to the candidate spot of the axes that covers the fewest data points.

    Returns the cost of that spot (points covered, plus 10,000 per artist hidden).

    ``curves`` are (n, 2) arrays in data coordinates (see :func:`curve_pixels`). ``avoid`` are
    artists (labels, numbered circles) the box must not hide: covering one costs more than
    covering any number of data points.
    """
    r = renderer(ax.figure)
    pts = curve_pixels(ax, curves)
    keep_clear = [a.get_window_extent(r) for a in avoid if a.get_visible()]
    best, best_cost = None, np.inf
    for xa, ha in ((0.985, "right"), (0.015, "left"), (0.5, "center")):
        for ya, va in ((0.97, "top"), (0.5, "center"), (0.04, "bottom"), (0.75, "center"),
                       (0.25, "center")):
            text.set_position((xa, ya))
            text.set_ha(ha)
            text.set_va(va)
            text.draw(r)
            bb = text.get_bbox_patch().get_window_extent(r)
            hidden = sum(overlaps(bb, k, gap=2) for k in keep_clear)
            cost = covered(pts, bb) + 1e4 * hidden + (
                0 if ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1)
                else 1e6)
            if cost < best_cost:
                best, best_cost = (xa, ya, ha, va), cost
    xa, ya, ha, va = best
    text.set_position((xa, ya))
    text.set_ha(ha)
    text.set_va(va)
    return float(best_cost)


def spots_far_from(ax, curves, point, min_px: float = 60.0) -> list[tuple[float, float]]:
    """Where to label each curve: its vertex farthest from ``point``, away from the edges.

    ``curves`` are (n, 2) arrays in data coordinates; ``point`` is in data coordinates (a marker
    the labels must not sit under). Curves shorter than ``min_px`` pixels get no label.
    """
    centre = ax.transData.transform(point)
    box = ax.bbox
    spots = []
    for curve in curves:
        px = ax.transData.transform(curve)
        if np.hypot(*np.diff(px, axis=0).T).sum() < min_px:
            continue
        clear = ((px[:, 0] > box.x0 + 0.08 * box.width) & (px[:, 0] < box.x1 - 0.08 * box.width)
                 & (px[:, 1] > box.y0 + 0.08 * box.height)
                 & (px[:, 1] < box.y1 - 0.08 * box.height))
        far = np.hypot(*(px - centre).T) * np.where(clear, 1.0, 0.01)
        spots.append(tuple(curve[int(np.argmax(far))]))
    return spots


def place_beside(ax, text, toward: int, keep_clear=(), placed=(), offset: float = 5) -> None:
    """Put an annotation ``offset`` points to one side of its anchor.

    It goes on the ``toward`` side (+1 right, -1 left) unless the label would then leave the axes,
    cover the pixel span ``keep_clear`` (x0, x1) or overlap a box in ``placed``; in that case it
    goes on the other side.
    """
    r = renderer(ax.figure)
    best = None
    for rank, sign in enumerate((toward, -toward)):
        text.xyann = (offset * sign, 0)
        text.set_ha("left" if sign > 0 else "right")
        bb = text.get_window_extent(r)
        cost = (100 * (bb.x0 < ax.bbox.x0 or bb.x1 > ax.bbox.x1)
                + 10 * any(bb.x0 - 2 < x1 and x0 < bb.x1 + 2 for x0, x1 in keep_clear)
                + 10 * sum(overlaps(bb, q, gap=2) for q in placed) + rank)
        if best is None or cost < best[0]:
            best = (cost, sign)
    sign = best[1]
    text.xyann = (offset * sign, 0)
    text.set_ha("left" if sign > 0 else "right")


def keep_labels_inside(ax, labels, base: float) -> None:
    """Shift labels (texts at data x) into the axes and hide those that do not fit.

    A label is hidden if it would overlap one nearer ``base`` (two labels close together on a
    narrow axis) or if it is wider than the axes.
    """
    r = renderer(ax.figure)
    kept = []
    for t in sorted(labels, key=lambda t: abs(t.get_position()[0] - base)):
        bb = t.get_window_extent(r)
        shift = max(ax.bbox.x0 + 2 - bb.x0, 0) - max(bb.x1 - (ax.bbox.x1 - 2), 0)
        if shift:
            x, y = t.get_position()
            xd, yd = ax.transData.transform((x, y))
            t.set_x(ax.transData.inverted().transform((xd + shift, yd))[0])
            bb = t.get_window_extent(r)
        if bb.width > ax.bbox.width - 4 or any(overlaps(bb, k, gap=8) for k in kept):
            t.set_visible(False)
        else:
            kept.append(bb)


def decade_ticks(ax, lo: float, hi: float) -> None:
    """Major ticks on the log x axis every one, two, three... decades; minor ticks every decade.

    The major ticks are the fewest decades apart at which their labels (in the axis's current
    formatter) stay clear of each other.
    """
    from matplotlib.ticker import FixedLocator, NullFormatter

    k0, k1 = int(np.ceil(np.log10(lo) - 1e-9)), int(np.floor(np.log10(hi) + 1e-9))
    decades = list(range(k0, k1 + 1))
    if not decades:  # less than a decade wide: matplotlib's own ticks
        return
    ax.xaxis.set_minor_locator(FixedLocator([10.0 ** k for k in decades]))
    ax.xaxis.set_minor_formatter(NullFormatter())
    r = renderer(ax.figure)
    labels = ax.xaxis.get_ticklabels()
    em = (labels[0].get_fontsize() if labels else 14) * ax.figure.dpi / 72
    for step in (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100):
        # multiples of the step, so that ticks fall on round odds (1/1 million, 1/100 million)
        ticks = [10.0 ** k for k in decades if k % step == 0] or [10.0 ** decades[0]]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        boxes = sorted((t.get_window_extent(r) for t in ax.xaxis.get_ticklabels()
                        if t.get_visible() and t.get_text()), key=lambda b: b.x0)
        # at least 1.5 em between neighbours, so that each label reads as one
        if all(not overlaps(a, b, gap=1.5 * em)
               for a, b in zip(boxes[:-1], boxes[1:], strict=True)):
            return


def label_bar(ax, text: str, x_end: float, y: float, fontsize: float = 16):
    """Label a horizontal bar ending (with its whisker) at data ``x_end``, row ``y``.

    The label goes just right of the bar if it fits inside the axes there; otherwise inside the
    bar, from its start, on a white box so that the hatch does not cross it. Returns the text.
    """
    r = renderer(ax.figure)
    pad = 0.015 * (ax.get_xlim()[1] - ax.get_xlim()[0])
    label = ax.text(x_end + pad, y, text, va="center", ha="left", fontsize=fontsize,
                    fontweight="bold", zorder=6)
    if label.get_window_extent(r).x1 <= ax.bbox.x1 - 2:
        return label
    label.set_x(ax.get_xlim()[0] + pad)
    label.set_bbox({"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9})
    return label


# ---------------------------------------------------------------------------- checking a chart
def text_boxes(fig) -> list[tuple[object, object]]:
    """Every visible, non-empty text of the drawn ``fig`` with its window extent.

    Tick labels matplotlib keeps for ticks outside the view (and does not draw) are left out.
    """
    from matplotlib.text import Text

    fig.canvas.draw()
    r = renderer(fig)
    hidden = {id(t) for t in _undrawn_tick_labels(fig)}
    return [(t, t.get_window_extent(r)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def _undrawn_tick_labels(fig):
    """Tick labels matplotlib keeps but does not draw: those of ticks outside the view."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * max(abs(lo), abs(hi), 1.0)
            for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
                loc = tick.get_loc()
                if loc is not None and not lo - tol <= loc <= hi + tol:
                    yield from (tick.label1, tick.label2)


def text_problems(fig, margin: float = 1.0) -> list[str]:
    """What is wrong with the text of the drawn ``fig``: empty when nothing is.

    A problem is a text that reaches beyond the figure (with ``margin`` pixels to spare), or two
    texts whose boxes overlap (a text inside a legend and the legend's own title excepted), at
    any resolution the figure is shown at (:func:`shown_at`). Each is named once, with the
    resolution it first shows at when that is not the figure's own.
    """
    own = fig.dpi
    found: dict[str, float] = {}
    try:
        for dpi in sorted(shown_at(fig), key=lambda d: d != own):
            fig.set_dpi(dpi)
            for problem in _problems_at_own_dpi(fig, margin):
                found.setdefault(problem, dpi)
    finally:
        fig.set_dpi(own)
        fig.canvas.draw()
    return [p if dpi == own else f"{p} (at {dpi:g} dpi)" for p, dpi in found.items()]


def _problems_at_own_dpi(fig, margin: float) -> list[str]:
    boxes = text_boxes(fig)
    frame = fig.bbox
    problems = [f"beyond the figure: {t.get_text()!r}" for t, bb in boxes
                if bb.x0 < frame.x0 + margin or bb.y0 < frame.y0 + margin
                or bb.x1 > frame.x1 - margin or bb.y1 > frame.y1 - margin]
    for n, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[n + 1:]:
            if overlaps(box_a, box_b, gap=-1.0):
                problems.append(f"overlap: {a.get_text()!r} and {b.get_text()!r}")
    return problems
