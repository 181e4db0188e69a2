"""Sensitivity charts: odds text, and layouts that keep every label readable.

The layout checks draw the figure and compare the window extents of the text artists, in
pixels: against the figure (nothing cut off at an edge) and against each other (no two tick
labels on top of one another).
"""

from __future__ import annotations

import dataclasses
import itertools

import matplotlib.pyplot as plt
import pytest

import achlab
from achlab import paths
from achlab.charts.sensitivity import (
    one_in,
    plot_flip_points,
    plot_replay_fan,
    plot_tornado,
)
from achlab.engines.replay import replay, with_full_evidence
from achlab.engines.sensitivity import flip_points, tornado
from achlab.load.case import load_case


def scenario(name: str):
    return achlab.resolve(paths.scenarios_dir() / f"{name}.yaml")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def visible_texts(fig):
    """Every visible, non-empty text artist of the figure (titles, tick labels, legend...)."""
    return [t for t in fig.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]


# ---------------------------------------------------------------------------- one_in
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


# ---------------------------------------------------------------------------- flip points
def test_flip_points_all_texts_inside_the_figure():
    case = scenario("skeptic-of-interested-parties")
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
    case = scenario("skeptic-of-interested-parties")
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


# ---------------------------------------------------------------------------- tornado
def test_tornado_odds_tick_labels_do_not_overlap():
    case = scenario("hindsight-2025")
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


# ---------------------------------------------------------------------------- replay
def replayed(name: str):
    case = scenario(name)
    return replay(with_full_evidence(case, load_case(case.id), through=case.resolution["date"]))


@pytest.mark.parametrize("name", ["baseline", "skeptic-of-interested-parties"])
def test_replay_key_box_leaves_the_likely_label_visible(name):
    fig = plot_replay_fan(replayed(name))
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    likely = next(t for t in ax.texts if t.get_text().startswith("above 55 %"))
    box = next(t for t in ax.texts if t.get_text().startswith("Key items"))
    a = likely.get_window_extent(renderer)
    b = box.get_bbox_patch().get_window_extent(renderer)
    assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
    assert ax.bbox.x0 <= a.x0 and a.x1 <= ax.bbox.x1


def test_replay_end_labels_do_not_break_at_hyphens():
    result = replayed("baseline")
    case = result.case
    # 17 characters, then "build-up": textwrap would break it as "build-" / "up" at width 24
    label = "Only a technical build-up"
    hyps = [dataclasses.replace(h, label=label) if n == 1 else h
            for n, h in enumerate(case.hypotheses)]
    result = dataclasses.replace(result, case=dataclasses.replace(case, hypotheses=hyps))
    fig = plot_replay_fan(result)
    tags = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("Only a")]
    assert len(tags) == 1
    assert "build-up" in tags[0] and "build-\n" not in tags[0]
