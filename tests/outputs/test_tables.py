"""Tables and terminal text show the numbers the charts show, through the same functions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from achlab.engines.exact import Weights
from achlab.model.words import judgement_of
from achlab.outputs import tables
from achlab.outputs.text import weights_heading, weights_table
from tests.helpers import make_case, make_item, make_source


@pytest.fixture
def case():
    return make_case(["a", "b"], [make_source("s", 0.8)],
                     [make_item("E1", "s", {"a": "C", "b": "I"})])


def weights_of(case, mean, low=None, high=None, method="exact"):
    mean = np.asarray(mean, dtype=float)
    low = mean if low is None else np.asarray(low, dtype=float)
    high = mean if high is None else np.asarray(high, dtype=float)
    return Weights(case.hypothesis_ids, mean, low, high, method, case.labels)


def test_point_answer_shows_no_interval_and_names_the_engine(case):
    w = weights_of(case, [0.9495, 0.0505])
    frame = tables.weights_frame(w)
    assert frame.loc["a", "weight"] == "95 %"
    assert frame.loc["a", "89 % interval"] == "point answer"
    assert set(frame["engine"]) == {"exact engine"}
    text = weights_table(case, w)
    assert "95 %" in text and "94.95" not in text and "[" not in text
    assert "exact engine, point answer" in weights_heading(case, w)


def test_a_fits_interval_column_has_the_precision_of_its_weight(case):
    """Seen in notebook 03: a weight of "0.03 %" beside an interval of "<1 %"."""
    w = weights_of(case, [0.99970, 0.00030], [0.99940, 0.00009], [0.99991, 0.00058], "mcmc")
    frame = tables.weights_frame(w)
    assert frame.loc["b", "weight"] == "0.03 %"
    assert frame.loc["b", "89 % interval"] == "0.01\u20130.06 %"


def test_fit_straddling_a_band_edge_reads_as_a_range_everywhere(case):
    w = weights_of(case, [0.95003, 0.04997], [0.90, 0.02], [0.98, 0.10], "mcmc")
    said = str(judgement_of(w, "a"))
    assert said == "very likely to almost certain (90\u201398 %)"
    frame = tables.weights_frame(w)
    assert frame.loc["a", "weight"] == "90\u201398 %" and frame.loc["a", "engine"] == "PyMC"
    assert "90\u201398 %  very likely to almost certain" in weights_table(case, w)
    assert "PyMC mean" in weights_heading(case, w)
    row = tables.comparison_frame({"baseline": (case, w)}).loc["baseline"]
    assert row["bottom line"].endswith(said)


def test_checks_frame_rounds_ess_and_r_hat():
    checks = pd.DataFrame({"value": [1.0049, 5668.986, 0.0], "threshold": ["", "", ""]},
                          index=pd.Index(["r_hat", "bulk ESS", "divergences"]))
    frame = tables.checks_frame(SimpleNamespace(checks=lambda: checks))
    assert list(frame["value"]) == ["1.00", "5,669", "0"]


def test_in_points_has_no_false_precision_and_no_minus_zero():
    frame = pd.DataFrame({"change": [-0.32717, -0.0001, 0.021]})
    assert list(tables.in_points(frame, ["change"])["change"]) == ["\u221233 pts", "0 pts",
                                                                   "+2 pts"]
    assert list(frame["change"]) == [-0.32717, -0.0001, 0.021]  # the input is left alone


def test_effects_frame_shows_whole_points_and_percent():
    effects = pd.DataFrame({"scenario": ["x"], "assumption": ["prior"],
                            "weight of A": [0.6228], "change (points)": [-32.717],
                            "leading hypothesis": ["A"]})
    shown = tables.effects_frame(effects)
    assert shown.loc[0, "change (points)"] == "\u221233 pts"
    assert shown.loc[0, "weight of A"] == "62 %"


def test_sources_frame_counts_the_reports_the_weights_use():
    # An item rated NA throughout (a base rate kept for the record) is no report of its source,
    # in the table as in the reliability chart (McmcResult.reliability["reports"]).
    case = make_case(["a", "b"], [make_source("s", 0.8), make_source("t", 0.6)],
                     [make_item("E1", "s", {"a": "C", "b": "I"}),
                      make_item("E2", "s", {"a": "NA", "b": "NA"}),
                      make_item("E3", "t", {"a": "N", "b": "C"})])
    frame = tables.sources_frame(case)
    assert frame["reports"].to_dict() == {"s": 1, "t": 1}


def _post_mortem(briers, first=None):
    scores = pd.DataFrame({"brier": briers})
    return SimpleNamespace(scores=scores, mean_brier=float(np.mean(briers)), first_likely=first,
                           first_likely_held=first)


def test_league_ranks_by_mean_brier_and_ties_share_a_rank():
    league = tables.league_frame({"a": _post_mortem([0.5, 0.1]), "b": _post_mortem([0.2, 0.0]),
                                  "c": _post_mortem([0.4, 0.2]), "d": _post_mortem([0.2, 0.0])})
    assert list(league.index) == ["b", "d", "a", "c"]
    assert list(league["rank"]) == [1, 1, 3, 3]
    assert tables.league_in_words(league) == (
        "Against the outcome, b and d scored best (mean Brier 0.100); a and c worst (0.300).")
    alike = tables.league_frame({"a": _post_mortem([0.1]), "b": _post_mortem([0.1])})
    assert tables.league_in_words(alike) == (
        "Against the outcome, every scenario scores alike: mean Brier 0.100.")
