"""Every chart fits its figure: no text cut at an edge or overlapping other text.

Each chart function is drawn on the bundled baseline and on a small case with long (40-character)
hypothesis labels. The checks use the drawn figure's text extents (renderer window extents) and
the outermost pixels of the exported PNG.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from achlab.charts import (
    export_figure,
    plot_analyst_weights,
    plot_comparison,
    plot_consensus,
    plot_flip_points,
    plot_matrix,
    plot_reliability,
    plot_replay_fan,
    plot_sweep_heatmap,
    plot_tornado,
    plot_weights,
)
from achlab.charts.layout import text_problems
from achlab.engines.consensus import analyst_weights, consensus, restrict_to
from achlab.engines.exact import Weights, exact_weights
from achlab.engines.replay import replay, with_full_evidence
from achlab.engines.sensitivity import Flip, FlipPoint, assumption_sweep, tornado
from achlab.load.analysts import load_analysts
from achlab.load.case import load_case
from achlab.load.scenario import load_scenario
from tests.helpers import bundled_scenario, write_toy_case

#: Hypothesis labels of 40 characters or more for the small case.
LONG_LABELS = {"Rain": "Rain all day across the whole valley floor",
               "Snow": "Snow on the hills and sleet in the valley",
               "Dry": "Dry, bright and cold with a northerly wind"}


@pytest.fixture(scope="module")
def long_case(tmp_path_factory):
    """The toy case with long hypothesis labels, loaded through its scenario."""
    toy = write_toy_case(tmp_path_factory.mktemp("long"))
    text = toy.case_yaml.read_text(encoding="utf-8")
    for short, long in LONG_LABELS.items():
        text = text.replace(f"label: {short}\n", f"label: {long}\n")
    toy.case_yaml.write_text(text, encoding="utf-8")
    case = load_scenario(toy.scenario, data_dir=toy.data)
    assert all(len(label) >= 40 for label in case.labels.values())
    return case


@pytest.fixture(scope="module")
def baseline():
    return bundled_scenario("baseline")


def with_lead_at(case, lead: float, interval: float = 0.0) -> Weights:
    """Weights with the first hypothesis at ``lead``, the rest sharing what is left."""
    k = len(case.hypothesis_ids)
    mean = np.full(k, (1 - lead) / (k - 1))
    mean[0] = lead
    low, high = np.clip(mean - interval, 0, 1), np.clip(mean + interval / 2, 0, 1)
    return Weights(case.hypothesis_ids, mean, low, high, "mcmc" if interval else "exact",
                   case.labels, case.yardstick)


def stand_in_fit(case, trustworthy: bool = True):
    """A stand-in PyMC fit: prior against posterior per source (the real fit runs in 03)."""
    rows = []
    for n, s in enumerate(case.sources):
        lo, hi = s.reliability.interval(0.89)
        post = max(0.0, s.reliability.mean - 0.3) if n == len(case.sources) - 1 else (
            s.reliability.mean - 0.001)  # a shift that rounds to "-0"
        rows.append({"source": s.id, "name": s.name, "reports": n,
                     "prior mean": s.reliability.mean, "prior low": lo, "prior high": hi,
                     "posterior mean": post, "posterior low": max(0.0, post - 0.05),
                     "posterior high": min(1.0, post + 0.05)})
    table = pd.DataFrame(rows).set_index("source")
    table["shift"] = table["posterior mean"] - table["prior mean"]
    return SimpleNamespace(reliability=table, case=case, trustworthy=trustworthy)


def stand_in_flips(case):
    """Flip points for every source: the first flips twice, the rest never (no engine needed)."""
    ids = case.hypothesis_ids
    points = [FlipPoint(case.sources[0].id, "reliability", 0.6, ids[0],
                        (Flip(0.12, ids[1], ids[2]), Flip(0.31, ids[2], ids[0])), 2)]
    points += [FlipPoint(s.id, "motive", s.motive, ids[0], (), 1) for s in case.sources[1:]]
    return points


CHARTS = {
    "weights": lambda c: plot_weights(exact_weights(c), c),
    "weights at 94.95 %": lambda c: plot_weights(with_lead_at(c, 0.9495), c),
    "weights, PyMC interval": lambda c: plot_weights(with_lead_at(c, 0.95003, 0.04), c),
    "matrix": lambda c: plot_matrix(c),
    "matrix, top 2": lambda c: plot_matrix(c, top=2),
    "comparison": lambda c: plot_comparison([(c, exact_weights(c)),
                                             (c, with_lead_at(c, 0.9495))]),
    "comparison, 7 scenarios with intervals": lambda c: plot_comparison(
        [(c, with_lead_at(c, 0.5 + 0.05 * i, 0.3)) for i in range(7)]),
    "comparison, 9 scenarios with intervals": lambda c: plot_comparison(
        [(c, with_lead_at(c, 0.5 + 0.05 * i, 0.3)) for i in range(9)]),
    "tornado": lambda c: plot_tornado(tornado(c), c),
    "flip points": lambda c: plot_flip_points(stand_in_flips(c), c),
    "heat map": lambda c: plot_sweep_heatmap(assumption_sweep(
        c, f"{c.sources[0].id}.reliability", f"{c.sources[1].id}.reliability", steps=11), c),
    "reliability": lambda c: plot_reliability(stand_in_fit(c)),
}


def edges_are_background(fig, folder) -> bool:
    """Whether the outermost pixels of ``fig`` exported as PNG are all the white background."""
    png = export_figure(fig, "chart", formats=("png",), out=folder, dpi=100)[0]
    pixels = plt.imread(png)[..., :3]
    edges = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return bool(np.allclose(edges, 1.0))


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("which", ["baseline", "long labels"])
def test_no_text_cut_or_overlapping(chart, which, baseline, long_case, tmp_path):
    case = baseline if which == "baseline" else long_case
    fig = CHARTS[chart](case)
    assert text_problems(fig) == []
    assert edges_are_background(fig, tmp_path)


def test_the_check_catches_a_label_beyond_the_edge(baseline, tmp_path):
    """The checks can fail: a label pushed past the right edge is reported and reaches the
    outermost pixels."""
    fig = plot_weights(exact_weights(baseline), baseline)
    fig.axes[0].text(99, 0, "very likely (94.95 %)", fontsize=16, bbox={"fc": "#cccccc"})
    assert any("beyond the figure" in p for p in text_problems(fig))
    fig.axes[0].text(0.5, 1.0, "very likely (94.95 %)", fontsize=16)
    fig.axes[0].text(0.5, 1.0, "overlapping", fontsize=16)
    assert any(p.startswith("overlap") for p in text_problems(fig))
    assert not edges_are_background(fig, tmp_path)


def test_weights_label_at_9495_fits_inside_the_axes(baseline):
    fig = plot_weights(with_lead_at(baseline, 0.9495), baseline)
    ax = fig.axes[0]
    fig.canvas.draw()
    label = next(t for t in ax.texts if t.get_text() == "very likely (95 %)")
    box = label.get_window_extent(fig.canvas.get_renderer())
    assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1


def test_tornado_band_label_is_drawn_over_the_lines(baseline):
    """The band label sits on a white box above the current-value and band lines."""
    fig = plot_tornado(tornado(baseline), baseline)
    ax = fig.axes[0]
    band = next(t for t in ax.texts if "\u2190 \u2192" in t.get_text() and t.get_visible())
    lines = [line.get_zorder() for line in ax.lines] + [p.get_zorder() for p in ax.patches]
    assert band.get_bbox_patch() is not None and band.get_zorder() > max(lines)


def test_flip_axis_promises_numbers_only_when_it_draws_them(baseline):
    none = [dataclasses.replace(p, flips=()) for p in stand_in_flips(baseline)]
    assert "numbers" not in plot_flip_points(none, baseline).axes[0].get_xlabel()
    fig = plot_flip_points(stand_in_flips(baseline), baseline)
    assert "numbers: flip points" in fig.axes[0].get_xlabel()
    assert {"0.12", "0.31"} <= {t.get_text() for t in fig.axes[0].texts}


def test_comparison_footer_gives_no_single_scenario_cut_off(baseline):
    other = bundled_scenario("hindsight-2025")
    fig = plot_comparison([(baseline, exact_weights(baseline)), (other, exact_weights(other))])
    footer = next(t.get_text() for t in fig.texts if t.get_text().startswith("Source:"))
    assert baseline.cutoff.isoformat() not in footer and "per row" in footer
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(other.cutoff.isoformat() in lab and f"{len(other.evidence)} items" in lab
               for lab in labels)


def test_failed_fit_carries_a_caveat_and_no_minus_zero(baseline):
    checked = plot_reliability(stand_in_fit(baseline))
    failed = plot_reliability(stand_in_fit(baseline, trustworthy=False))
    said = [t.get_text() for t in failed.texts]
    assert any("failed its checks" in t for t in said)
    assert not any("failed its checks" in t.get_text() for t in checked.texts)
    rows = [t.get_text() for t in checked.axes[0].texts]
    assert any(t.startswith("0 pts") for t in rows)
    assert not any("\u22120 pts" in t or "-0 pts" in t or "+0 pts" in t for t in rows)
    weights = plot_weights(with_lead_at(baseline, 0.95, 0.04), baseline,
                           fit=SimpleNamespace(trustworthy=False))
    assert any("failed its checks" in t.get_text() for t in weights.texts)


@pytest.mark.parametrize("interval", [0.0, 0.04], ids=["exact point", "PyMC interval"])
def test_one_number_in_the_chart_and_the_terminal_table(baseline, interval):
    """The weights chart's title and bar label and the terminal table give the same number."""
    from achlab.model.words import judgement_of
    from achlab.outputs.text import weights_heading, weights_table

    w = with_lead_at(baseline, 0.95003, interval)
    said = judgement_of(w, w.leading)
    fig = plot_weights(w, baseline)
    drawn = [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]
    assert f"{baseline.labels[w.leading]}: {said}" in drawn
    assert str(said) in drawn
    assert any(said.engine in t for t in drawn)
    line = next(x for x in weights_table(baseline, w).splitlines()
                if baseline.labels[w.leading] in x)
    assert said.number in line and said.words in line
    assert said.engine in weights_heading(baseline, w)


def analysts_of(case):
    """The bundled analysts' ratings, kept to the items ``case`` holds."""
    return restrict_to(case, load_analysts(case.id))


def replayed(case):
    """The case replayed date by date up to its resolution."""
    return replay(with_full_evidence(case, load_case(case.id), through=case.resolution["date"]))


BASELINE_ONLY = {
    "replay": lambda c: plot_replay_fan(replayed(c)),
    "consensus": lambda c: plot_consensus(consensus(c, analysts_of(c)), c),
    "analyst weights": lambda c: plot_analyst_weights(c, analyst_weights(c, analysts_of(c))),
}


@pytest.mark.parametrize("chart", BASELINE_ONLY)
def test_baseline_only_charts_fit(chart, baseline, tmp_path):
    """Charts that need the case's outcome or its analysts' files (the small case has none)."""
    fig = BASELINE_ONLY[chart](baseline)
    assert text_problems(fig) == []
    assert edges_are_background(fig, tmp_path)


def test_comparison_names_a_failed_fit(baseline):
    results = [(baseline, with_lead_at(baseline, 0.95, 0.04))]
    failed = plot_comparison(results, fits={"baseline": SimpleNamespace(trustworthy=False)})
    passed = plot_comparison(results, fits={"baseline": SimpleNamespace(trustworthy=True)})
    assert any("baseline failed its checks" in t.get_text() for t in failed.texts)
    assert not any("failed its checks" in t.get_text() for t in passed.texts)
    assert text_problems(failed) == []
