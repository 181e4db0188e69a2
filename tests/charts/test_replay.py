"""The replay chart: the key-items box leaves the labels readable; end labels keep hyphens."""

from __future__ import annotations

import dataclasses

import pytest

from achlab.charts import plot_replay_fan
from achlab.engines.replay import replay, with_full_evidence
from achlab.load.case import load_case
from tests.helpers import bundled_scenario


def replayed(name: str):
    case = bundled_scenario(name)
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
