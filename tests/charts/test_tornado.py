"""The tornado chart: odds text, and odds tick labels that stay clear of each other."""

from __future__ import annotations

import itertools

import pytest

from achlab.charts import one_in, plot_tornado
from achlab.engines.sensitivity import tornado
from tests.helpers import bundled_scenario


@pytest.mark.parametrize(("x", "expected"), [
    (1e-9, "1 in 1 billion"),  # 1 / 1e-9 is 999,999,999.99...: not "1,000 million"
    (1e-6, "1 in 1 million"),
    (1e-12, "1 in 1 trillion"),
    (1e-3, "1 in 1,000"),
    (1 / 999_999, "1 in 1 million"),
    (1 / 999_000, "1 in 1 million"),  # rounds to two significant figures first
    (1 / 994_000, "1 in 990,000"),
    (1 / 1_000_001, "1 in 1 million"),
    (1 / 999_999_999_999.9, "1 in 1 trillion"),
    (1 / 1.5e9, "1 in 1.5 billion"),
    (1 / 6.7e6, "1 in 6.7 million"),
    (0.15, "1 in 6.7"),
    (0.5, "1 in 2"),
    (1.0, "1 in 1"),
    (0.0, "0"),
])
def test_one_in_at_unit_boundaries(x, expected):
    assert one_in(x) == expected


def test_tornado_odds_tick_labels_do_not_overlap():
    case = bundled_scenario("hindsight-2025")
    tor = tornado(case)
    fig = plot_tornado(tor, case)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"  # the odds scale: the case this test is about
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    lo, hi = sorted(ax.get_xlim())
    ticks = [t for t in ax.xaxis.get_ticklabels() if t.get_visible() and t.get_text()]
    assert len(ticks) >= 2
    assert not any("1,000 million" in t.get_text() for t in ticks)
    boxes = [t.get_window_extent(renderer) for t in ticks]
    for a, b in itertools.combinations(boxes, 2):
        assert a.x1 <= b.x0 or b.x1 <= a.x0, (a, b)
    assert lo > 0 and hi > lo


def test_the_centre_label_hides_the_dashed_line_that_runs_up_to_it():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    case = bundled_scenario("baseline")
    fig = plot_tornado(tornado(case), case)
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_gid() == "centre-label")
    line = next(ln for ln in ax.lines if ln.get_linestyle() == "--")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    box, drawn = label.get_window_extent(r), line.get_window_extent(r)
    assert drawn.x0 <= box.x1 and box.x0 <= drawn.x1 and drawn.y1 > box.y0, (
        "the line no longer reaches the label: this test is moot")
    ground = label.get_bbox_patch()
    assert ground is not None and to_rgba(ground.get_facecolor()) == to_rgba("white")
    assert label.get_zorder() > line.get_zorder()
    plt.close(fig)


@pytest.mark.parametrize("scenario",
                         ["claimants-deceive", "baseline", "skeptic-of-interested-parties"])
def test_the_band_labels_stay_clear_of_the_bars(scenario):
    """Seen on the deck: "roughly even chance ← → likely" touched the lowest bar."""
    from matplotlib.patches import Rectangle

    case = bundled_scenario(scenario)
    fig = plot_tornado(tornado(case), case)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if "\u2190 \u2192" in t.get_text() and t.get_visible()]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert labels, f"no band edge inside the view for {scenario}: the test checks nothing"
    for label in labels:
        box = label.get_bbox_patch().get_window_extent(renderer)
        for bar in bars:
            edge = bar.get_window_extent(renderer)
            clear = 4 * fig.dpi / 100  # pixels: 1.5 looked like touching
            apart = (box.y1 < edge.y0 - clear or edge.y1 < box.y0 - clear or box.x1 < edge.x0
                     or edge.x1 < box.x0)
            assert apart, (label.get_text(), box, edge)
