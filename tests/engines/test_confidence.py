"""Analytic confidence: the rule of docs/model.md, on cases built to sit in each level."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from achlab.engines.confidence import (
    Confidence,
    confidence,
    dependence_steps,
    effective_number,
    independent_reports,
    largest_step,
    leading_interval,
)
from achlab.engines.exact import exact_weights
from tests.helpers import make_case, make_item, make_source

HYPS = ("yes", "no")


def _independent_strong(n: int):
    """``n`` sources, fixed reliability 0.9, each one strong report for ``yes``."""
    sources = [make_source(f"s{i}", 0.9) for i in range(n)]
    items = [make_item(f"E{i}", f"s{i}", {"yes": 0.9, "no": 0.2}) for i in range(n)]
    return make_case(HYPS, sources, items)


def test_effective_number_counts_equal_contributions_and_ignores_negative():
    assert effective_number([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0)
    assert effective_number([5.0, 0.1, 0.1]) == pytest.approx(5.2 ** 2 / 25.02)
    assert effective_number([2.0, -3.0]) == pytest.approx(1.0)
    assert effective_number([-1.0]) == 0.0


def test_many_independent_strong_reports_give_high_confidence():
    result = confidence(_independent_strong(8))
    assert result.leading == "yes"
    assert result.effective_events == pytest.approx(8.0)
    assert result.effective_sources == pytest.approx(8.0)
    assert result.flip_distance is None
    assert result.level == "high", result.reasons


def test_one_report_carrying_the_weight_gives_low_confidence():
    sources = [make_source("lone", 0.9)] + [make_source(f"w{i}", 0.9) for i in range(4)]
    items = [make_item("E0", "lone", {"yes": 0.95, "no": 0.02})]
    items += [make_item(f"W{i}", f"w{i}", {"yes": 0.52, "no": 0.5}) for i in range(4)]
    result = confidence(make_case(HYPS, sources, items))
    assert result.leading == "yes"
    assert result.effective_events < 1.5
    assert result.criteria["independence"] == "low"
    assert result.level == "low"
    assert result.reasons[0].startswith("One independent event carries most of the weight")


def test_repeats_of_one_event_count_once_by_origin():
    sources = [make_source(f"s{i}", 0.9) for i in range(6)]
    items = [make_item(f"E{i}", f"s{i}", {"yes": 0.9, "no": 0.2}, origin="one-claim")
             for i in range(6)]
    result = confidence(make_case(HYPS, sources, items))
    assert result.effective_events == pytest.approx(1.0)
    assert result.level == "low"


def test_a_point_near_a_flip_is_not_high():
    sources = [make_source(f"s{i}", 0.9) for i in range(6)] + [make_source("rival", 0.9)]
    items = [make_item(f"E{i}", f"s{i}", {"yes": 0.8, "no": 0.4}) for i in range(6)]
    # One strong contrary report, nearly balancing six moderate ones.
    items.append(make_item("X", "rival", {"yes": 0.01, "no": 0.9}))
    case = make_case(HYPS, sources, items)
    assert exact_weights(case).leading == "yes"
    result = confidence(case)
    assert result.flip_distance is not None and result.flip_distance < 0.2
    assert result.criteria["flip"] != "high"
    assert result.level != "high"
    assert any("lead changes" in r for r in result.reasons)


def test_interval_mean_matches_exact_and_widens_with_uncertain_reliability():
    point = _independent_strong(3)
    lo, hi = leading_interval(point, 0)
    assert lo == hi == pytest.approx(exact_weights(point)["yes"])
    sources = [make_source("s0", "F")]
    items = [make_item(f"E{i}", "s0", {"yes": 0.9, "no": 0.2}) for i in range(3)]
    loose = make_case(HYPS, sources, items)
    lo, hi = leading_interval(loose, 0)
    assert hi - lo > 0.1
    assert lo < exact_weights(loose)["yes"] < hi


def test_same_seed_same_answer_and_json_form():
    sources = [make_source(f"s{i}", "C") for i in range(3)]
    items = [make_item(f"E{i}", f"s{i}", {"yes": "C", "no": "I"}) for i in range(3)]
    case = make_case(HYPS, sources, items)
    first, second = confidence(case), confidence(case)
    assert first == second
    out = first.as_dict()
    assert set(out) == {"level", "reasons"}
    assert out["level"] in ("low", "moderate", "high")
    assert all(isinstance(r, str) and r.endswith(".") for r in out["reasons"])
    assert first.line().startswith(f"{first.level} confidence: ")
    assert isinstance(first, Confidence)
    assert np.isfinite(first.source_quality)


# ---------------------------------------------------------------------------- dependence steps
def _event(item, event, stance="asserts"):
    return replace(item, event=event, stance=stance)


def _echoed_case():
    """Two sources (fixed 0.9, motive 0.5) report one event F: q = 0.8 under yes, 0.2 under no."""
    sources = [make_source("a", 0.9), make_source("b", 0.9)]
    items = [_event(make_item("E1", "a", {"yes": 0.8, "no": 0.2}), "F"),
             _event(make_item("E2", "b", {"yes": 0.8, "no": 0.2}), "F")]
    return make_case(HYPS, sources, items)


def test_dependence_steps_by_hand():
    case = _echoed_case()
    steps = dependence_steps(case)
    assert [s.label for s in steps] == ["every report independent", "event F counted once"]
    odds_independent = (0.77 / 0.23) ** 2  # each report 0.9 q + 0.1 * 0.5
    assert steps[0].weights[0] == pytest.approx(odds_independent / (1 + odds_independent))
    yes = 0.8 * 0.95 ** 2 + 0.2 * 0.05 ** 2  # q P(r|F)^2 + (1 - q) P(r|not F)^2
    no = 0.2 * 0.95 ** 2 + 0.8 * 0.05 ** 2
    assert steps[1].weights[0] == pytest.approx(yes / (yes + no))
    np.testing.assert_allclose(steps[-1].weights, exact_weights(case).mean, atol=1e-12)
    assert largest_step(steps, 0) is steps[1]
    assert steps[1].item_ids == ("E1", "E2")


def test_a_lone_denial_made_independent_keeps_its_weight():
    sources = [make_source("s", 0.7, motive=0.6), make_source("t", 0.5)]
    items = [_event(make_item("D", "s", {"yes": "C", "no": "I"}), "G", "denies"),
             make_item("E", "t", {"yes": 0.6, "no": 0.3})]
    case = make_case(HYPS, sources, items)
    loose = independent_reports(case)
    assert [e.stance for e in loose.evidence] == ["asserts", "asserts"]
    assert loose.evidence[0].ratings == pytest.approx({"yes": 0.2, "no": 0.8})
    np.testing.assert_allclose(exact_weights(loose).mean, exact_weights(case).mean, atol=1e-12)
    steps = dependence_steps(case)
    assert steps[-1].label == "denials deny their event"
    assert steps[-1].item_ids == ("D",)


def test_an_observation_made_independent_is_discounted_again():
    sources = [make_source("s", 0.3, motive=0.9)]
    items = [_event(make_item("O", "s", {"yes": 0.8, "no": 0.2}), "", "observed")]
    case = make_case(HYPS, sources, items)
    observed = exact_weights(case)["yes"]
    assert observed == pytest.approx(0.8)  # seen, not reported: r = 1, a = 0
    told = exact_weights(independent_reports(case))["yes"]
    assert told == pytest.approx((0.3 * 0.8 + 0.63) / (0.3 * 0.8 + 0.63 + 0.3 * 0.2 + 0.63))
    assert told < observed


def test_weights_command_prints_one_confidence_line(toy_case_dir, capsys):
    from achlab import cli

    assert cli.main(["weights", "--case", "toy", "--data", str(toy_case_dir.data)]) == 0
    lines = capsys.readouterr().out.splitlines()
    said = [line for line in lines if " confidence: " in line]
    assert len(said) == 1
    assert said[0].split(" confidence: ")[0] in ("low", "moderate", "high")
