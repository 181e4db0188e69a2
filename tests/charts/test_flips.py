"""The flip points chart: every text inside the figure, flip labels inside the axes.

The layout checks draw the figure and compare the window extents of the text artists, in
pixels, against the figure and the axes.
"""

from __future__ import annotations

from achlab.charts import plot_flip_points
from achlab.engines.sensitivity import flip_points
from tests.helpers import bundled_scenario, visible_texts


def test_flip_points_all_texts_inside_the_figure():
    case = bundled_scenario("skeptic-of-interested-parties")
    points = flip_points(case)
    assert {p.parameter for p in points} == {"reliability", "motive"}
    fig = plot_flip_points(points, case)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = [(t.get_text(), t.get_window_extent(renderer)) for t in visible_texts(fig)]
    outside = [(text, bb) for text, bb in out
               if bb.x0 < fig.bbox.x0 or bb.x1 > fig.bbox.x1
               or bb.y0 < fig.bbox.y0 or bb.y1 > fig.bbox.y1]
    assert not outside, outside
    # the long strip labels are all there, whole
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "South Korean government (reliability)" in labels
    assert any(label.endswith("(motive)") for label in labels)


def test_flip_points_title_counts_assumptions_and_labels_stay_in_the_axes():
    case = bundled_scenario("skeptic-of-interested-parties")
    points = flip_points(case)
    flipping = [p for p in points if p.n_items > 0 and p.flips]
    assert len({p.parameter for p in flipping}) == 2  # one reliability, one motive
    fig = plot_flip_points(points, case)
    fig.canvas.draw()
    title = fig.texts[0].get_text()
    assert title.startswith(f"{len(flipping)} assumptions can flip the lead")
    assert "sources" not in title
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    flip_labels = [t for t in ax.texts if t.get_text()[:2] == "0."]
    assert len(flip_labels) == sum(len(p.flips) for p in flipping)
    for t in flip_labels:  # a flip near 0 (0.006) must not spill into the label area
        bb = t.get_window_extent(renderer)
        assert ax.bbox.x0 <= bb.x0 and bb.x1 <= ax.bbox.x1, t.get_text()
    # the subtitle is wrapped: no line runs off the right edge (checked above), several lines
    assert fig.texts[1].get_text().count("\n") >= 2
