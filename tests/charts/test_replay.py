"""The replay chart: the key items hide no line and no label; end labels keep hyphens."""

from __future__ import annotations

import dataclasses
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from achlab import paths
from achlab.charts import plot_replay_fan
from achlab.charts.layout import text_problems
from achlab.engines.replay import replay, with_full_evidence
from achlab.load.case import load_case
from tests.helpers import bundled_scenario


def replayed(name: str):
    case = bundled_scenario(name)
    return replay(with_full_evidence(case, load_case(case.id), through=case.resolution["date"]))


SCENARIOS = sorted(p.stem for p in paths.scenarios_dir().glob("*.yaml"))


def drawn(name: str):
    """The replay chart of a bundled scenario, drawn: ``(figure, axes, renderer)``."""
    fig = plot_replay_fan(replayed(name))
    fig.canvas.draw()
    return fig, fig.axes[0], fig.canvas.get_renderer()


def _line_pixels(ax):
    """Pixels of every drawn line, sampled densely along each segment (not just vertices)."""
    out = []
    for line in ax.get_lines():
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) > 1:
            t = np.linspace(0, len(x) - 1, 40 * len(x))
            out.append(ax.transData.transform(np.c_[np.interp(t, np.arange(len(x)), x),
                                                    np.interp(t, np.arange(len(x)), y)]))
    return np.vstack(out)


@pytest.mark.parametrize("name", SCENARIOS)
def test_replay_key_items_sit_under_the_axes_and_hide_no_line(name):
    fig, ax, r = drawn(name)
    key = [t for t in fig.texts if re.match(r"Key items|\d+  ", t.get_text())]
    shown = "\n".join(t.get_text() for t in key)
    assert len(key) >= 2 and re.findall(r"^(\d+)  ", shown, re.M) == ["1", "2", "3", "4"]
    assert not any(t.get_text().startswith("Key") for t in ax.texts)
    label_bottom = ax.xaxis.label.get_window_extent(r).y0
    footer = [t.get_window_extent(r) for t in fig.texts if t.get_position()[1] < 0.1]
    pts = _line_pixels(ax)
    for text in key:
        box = text.get_window_extent(r)
        assert box.y1 <= label_bottom and all(box.y0 >= f.y1 for f in footer), text.get_text()
        inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0)
                  & (pts[:, 1] < box.y1))
        assert not inside.any()
    assert text_problems(fig) == []
    plt.close(fig)


def test_replay_on_a_callers_axes_keeps_its_key_box_clear_of_the_likely_label():
    fig, ax = plt.subplots(figsize=(13.333, 7.5))
    plot_replay_fan(replayed("skeptic-of-interested-parties"), ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    likely = next(t for t in ax.texts if t.get_text().startswith("above 55 %"))
    box = next(t for t in ax.texts if t.get_text().startswith("Key items"))
    a = likely.get_window_extent(renderer)
    b = box.get_bbox_patch().get_window_extent(renderer)
    assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
    assert ax.bbox.x0 <= a.x0 and a.x1 <= ax.bbox.x1
    plt.close(fig)


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


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_resolution_label_stands_clear_of_its_line(name):
    """Seen on hindsight-2025: "resolved: Combat troops (28 Apr 2025)" touched the dash-dot line."""
    fig, ax, r = drawn(name)
    label = next(t for t in ax.texts if t.get_text().startswith("resolved:"))
    line = next(ln for ln in ax.get_lines() if ln.get_linestyle() == "-.")
    x = ax.transData.transform((line.get_xdata()[0], 0))[0]
    box = label.get_window_extent(r)
    clear = 4 * fig.dpi / 100
    assert box.x1 <= x - clear or box.x0 >= x + clear, (box, x)
    plt.close(fig)
