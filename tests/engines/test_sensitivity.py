"""Sensitivity, value of information and replay: checked against brute force and hand numbers.

Reference values come from an independent computation written here (direct products of
``rho c p + (1 - rho c) a`` from the items' own ratings, a dense brute-force grid, or numbers
worked out by hand), never from numbers the code under test printed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from achlab.engines.exact import exact_weights
from achlab.engines.indicators import entropy_bits, value_of_information
from achlab.engines.replay import (
    LOG_FLOOR,
    brier_score,
    post_mortem,
    replay,
    replay_scenarios,
    with_full_evidence,
)
from achlab.engines.sensitivity import (
    POINT_RELIABILITY_SWING,
    assumption_sweep,
    flip_point,
    leave_one_out,
    tornado,
)
from achlab.load.indicators import Indicator, load_indicators
from achlab.model import InputError
from tests.helpers import make_case, make_item, make_source


# ---------------------------------------------------------------------------- references
def brute_log_posterior(case, source_id: str, parameter: str, xs: np.ndarray) -> np.ndarray:
    """Point-model log posterior (len(xs), K) as one source's reliability or motive varies.

    Written from the items' numeric ratings, the sources' means and motives, nothing else:
    every other source sits at its mean reliability and own motive.
    """
    hyps = case.hypothesis_ids
    out = np.tile(np.log([case.prior[h] for h in hyps]), (len(xs), 1))
    for item in case.evidence:
        src = case.source(item.source_id)
        p = np.array([float(item.ratings[h]) for h in hyps])
        rho = np.full(len(xs), src.reliability.mean)
        a = np.full(len(xs), src.motive)
        if item.source_id == source_id:
            if parameter == "reliability":
                rho = xs
            else:
                a = xs
        r = (rho * item.cred_factor)[:, None]
        out += np.log(r * p + (1 - r) * a[:, None])
    return out


def brute_flips(case, source_id: str, parameter: str, n: int = 200_001) -> list[float]:
    """Every change of the argmax on a dense grid, refined by linear interpolation."""
    xs = np.linspace(0.0, 1.0, n)
    lp = brute_log_posterior(case, source_id, parameter, xs)
    top = np.argmax(lp, axis=1)
    found = []
    for g in np.flatnonzero(top[:-1] != top[1:]):
        a, b = top[g], top[g + 1]
        d0, d1 = lp[g, a] - lp[g, b], lp[g + 1, a] - lp[g + 1, b]
        found.append(xs[g] + (xs[g + 1] - xs[g]) * d0 / (d0 - d1))
    return found


def two_source_case(extra_sources=(), extra_items=()):
    """A for-or-against case: ``pro`` (letter C, two reports for A) against ``con`` (0.5, for B).

    At ``pro``'s mean reliability A leads; with ``pro`` discredited, B leads, so ``pro`` has a
    flip point inside (0, 1).
    """
    sources = [make_source("pro", "C", motive=0.6), make_source("con", 0.5, motive=0.4),
               *extra_sources]
    items = [
        make_item("P1", "pro", {"A": 0.8, "B": 0.3}, date="2024-01-02"),
        make_item("P2", "pro", {"A": 0.7, "B": 0.4}, cred=0.9, date="2024-01-05"),
        make_item("C1", "con", {"A": 0.1, "B": 0.6}, date="2024-01-03"),
        *extra_items,
    ]
    return make_case(["A", "B"], sources, items, prior={"A": 0.5, "B": 0.5})


# ---------------------------------------------------------------------------- flip points
@pytest.mark.parametrize("parameter", ["reliability", "motive"])
def test_flip_points_agree_with_brute_force(parameter):
    case = two_source_case()
    expected = brute_flips(case, "pro", parameter)
    got = flip_point(case, "pro", parameter)
    assert len(expected) >= 1
    assert [f.value for f in got.flips] == pytest.approx(expected, abs=1e-6)
    for f, x in zip(got.flips, expected, strict=True):
        assert abs(f.value - x) < 1e-6
        lp = brute_log_posterior(case, "pro", parameter, np.array([f.value]))[0]
        assert abs(lp[0] - lp[1]) < 1e-9  # the two hypotheses tie at the flip point


def test_flip_point_reliability_rival_and_direction():
    case = two_source_case()
    fp = flip_point(case, "pro", "reliability")
    assert fp.leading == "A"
    assert len(fp.flips) == 1
    flip = fp.flips[0]
    assert flip.value < fp.current
    assert (flip.below, flip.above) == ("B", "A")
    assert fp.rival == "B"


def event_log_posterior(arr, rho_items) -> np.ndarray:
    """Log posterior (G, K) by model.md §4 written out event by event (independent of the engine).

    ``rho_items`` (G, N) is each report's reliability (1 for an observation).
    """
    lp = np.tile(arr.log_prior, (rho_items.shape[0], 1))
    for e in range(len(arr.event_ids)):
        span = range(arr.event_start[e], arr.event_start[e + 1])
        q = arr.event_likelihood[e]
        given_true = np.ones((rho_items.shape[0], len(q)))
        given_false = np.ones_like(given_true)
        for i in span:
            r, a = rho_items[:, i, None], arr.motive[i]
            said, quiet = r + (1 - r) * a, (1 - r) * a
            given_true *= quiet if arr.denies[i] else said
            given_false *= said if arr.denies[i] else quiet
        lp += np.log(q * given_true + (1 - q) * given_false)
    return lp


def test_flip_points_of_bundled_scenario_agree_with_brute_force():
    """A case with Beta sources, NA cells, repeated origins and events: brute force."""
    import achlab

    case = achlab.resolve("scenarios/skeptic-of-interested-parties.yaml")
    arr = case.arrays()
    s = arr.source_ids.index("kr-gov")
    xs = np.linspace(0, 1, 200_001)
    rho_items = np.tile(np.where(arr.observed, 1.0, arr.rel_mean[arr.item_source]
                                 * arr.cred_factor), (len(xs), 1))
    mine = (arr.item_source == s) & ~arr.observed
    rho_items[:, mine] = xs[:, None] * arr.cred_factor[mine]
    lp = event_log_posterior(arr, rho_items)
    top = np.argmax(lp, axis=1)
    changes = np.flatnonzero(top[:-1] != top[1:])
    assert len(changes) >= 1
    expected = []
    for g in changes:
        i, j = top[g], top[g + 1]
        d0, d1 = lp[g, i] - lp[g, j], lp[g + 1, i] - lp[g + 1, j]
        expected.append(xs[g] + (xs[g + 1] - xs[g]) * d0 / (d0 - d1))
    got = flip_point(case, "kr-gov", "reliability")
    assert [f.value for f in got.flips] == pytest.approx(expected, abs=1e-6)


def test_source_without_items_has_no_flip_point():
    idle = make_source("idle", 0.9)
    echo = make_source("echo", 0.9)
    # echo's only report repeats P1's origin and is dated later, so it is collapsed
    case = two_source_case(
        extra_sources=[idle, echo],
        extra_items=[make_item("P1b", "echo", {"A": 0.99, "B": 0.01}, origin="o1",
                               date="2024-02-01")])
    case = case.with_evidence(
        [replace(e, origin="o1") if e.id == "P1" else e for e in case.evidence])
    for sid in ("idle", "echo"):
        for parameter in ("reliability", "motive"):
            fp = flip_point(case, sid, parameter)
            assert fp.n_items == 0
            assert fp.flips == ()
            assert fp.nearest is None and fp.rival is None
            assert fp.as_dict()["flip"] is None


def test_no_flip_point_when_the_lead_never_changes():
    case = make_case(["A", "B"], [make_source("s", 0.8), make_source("t", 0.9)],
                     [make_item("E1", "s", {"A": 0.9, "B": 0.2}),
                      make_item("E2", "t", {"A": 0.8, "B": 0.3})])
    fp = flip_point(case, "s", "reliability")
    assert brute_flips(case, "s", "reliability") == []
    assert fp.flips == ()
    assert fp.describe() == "none in [0, 1]"


# ---------------------------------------------------------------------------- leave-one-out
def test_leave_one_out_of_item_under_reliability_zero_source_is_exactly_zero():
    # motive 0.11: recomputing without the item gives rounding noise (~5e-16) here; the
    # item provably carries no information, so its effect must be exactly zero
    case = two_source_case(
        extra_sources=[make_source("mute", 0.0, motive=0.11)],
        extra_items=[make_item("M1", "mute", {"A": 0.95, "B": 0.05})])
    loo = leave_one_out(case)
    m1 = next(o for o in loo.items if o.item_ids == ("M1",))
    assert np.all(m1.delta == 0.0)
    assert np.array_equal(m1.weights, exact_weights(case).mean)
    assert not m1.flips
    # every other item does move the weights
    for o in loo.items:
        if o.item_ids != ("M1",):
            assert np.abs(o.delta).max() > 1e-6


def test_leave_one_out_matches_recomputation_and_handles_origin_twins():
    case = two_source_case(extra_items=[
        make_item("C2", "con", {"A": 0.1, "B": 0.6}, origin="same", date="2024-01-04"),
        make_item("C3", "con", {"A": 0.1, "B": 0.6}, origin="same", date="2024-01-06"),
    ])
    loo = leave_one_out(case)
    base = exact_weights(case).mean
    np.testing.assert_array_equal(loo.base, base)
    by_id = {o.item_ids: o for o in loo.items}
    # C3 is collapsed into C2; leaving either out alone changes nothing
    assert "collapsed" in by_id[("C3",)].status
    assert np.all(by_id[("C3",)].delta == 0) and np.all(by_id[("C2",)].delta == 0)
    # the claim as a whole does matter, and equals the recomputation without both
    claim = next(o for o in loo.claims if o.origin == "same")
    assert set(claim.item_ids) == {"C2", "C3"}
    np.testing.assert_allclose(claim.weights, exact_weights(case.without("C2", "C3")).mean,
                               rtol=0, atol=1e-15)
    assert np.abs(claim.delta).max() > 1e-3
    np.testing.assert_allclose(by_id[("P1",)].weights, exact_weights(case.without("P1")).mean,
                               rtol=0, atol=1e-15)


def test_linchpin_detection_on_a_case_where_one_item_decides():
    sources = [make_source("s1", 1.0), make_source("s2", 1.0), make_source("s3", 1.0)]
    items = [make_item("D", "s1", {"A": 0.9, "B": 0.1}),      # decisive, for A
             make_item("W1", "s2", {"A": 0.4, "B": 0.6}),     # weak, for B
             make_item("W2", "s3", {"A": 0.45, "B": 0.55})]   # weak, for B
    case = make_case(["A", "B"], sources, items)
    # by hand: A ∝ .9*.4*.45 = .162, B ∝ .1*.6*.55 = .033 -> A leads; without D,
    # A ∝ .18, B ∝ .33 -> B leads; without W1 or W2, A still leads.
    loo = leave_one_out(case)
    assert loo.leading == "A"
    assert [o.item_ids for o in loo.linchpins] == [("D",)]
    assert loo.linchpins[0].leading == "B"
    np.testing.assert_allclose(loo.linchpins[0].weights, [0.18 / 0.51, 0.33 / 0.51],
                               atol=1e-12)


def test_a_repeated_claim_can_be_a_linchpin_though_no_single_copy_is():
    sources = [make_source("s1", 1.0), make_source("s2", 1.0), make_source("s3", 1.0)]
    items = [make_item("R1", "s1", {"A": 0.9, "B": 0.1}, origin="rumour", date="2024-01-01"),
             make_item("R2", "s2", {"A": 0.9, "B": 0.1}, origin="rumour", date="2024-01-02"),
             make_item("W", "s3", {"A": 0.3, "B": 0.7})]
    loo = leave_one_out(make_case(["A", "B"], sources, items))
    assert [o.item_ids for o in loo.linchpins] == [("R1", "R2")]


# ---------------------------------------------------------------------------- tornado
def _point_weights(case, rho=None, motive=None) -> np.ndarray:
    """Point-model weights written out directly (no engine code)."""
    hyps = case.hypothesis_ids
    rho = rho or {}
    motive = motive or {}
    lp = np.log([case.prior[h] for h in hyps])
    for item in case.evidence:
        src = case.source(item.source_id)
        r = rho.get(src.id, src.reliability.mean) * item.cred_factor
        a = item.motive if item.motive is not None else motive.get(src.id, src.motive)
        p = np.array([float(item.ratings[h]) for h in hyps])
        lp = lp + np.log(r * p + (1 - r) * a)
    w = np.exp(lp - lp.max())
    return w / w.sum()


def test_tornado_ranges_contain_the_base_weight_and_match_direct_computation():
    case = two_source_case()
    tor = tornado(case)
    k = case.hypothesis_ids.index(tor.hypothesis_id)
    assert tor.hypothesis_id == case.hypothesis_ids[int(np.argmax(exact_weights(case).mean))]
    assert tor.base_weight == pytest.approx(_point_weights(case)[k], abs=1e-12)
    widths = [s.width for s in tor.swings]
    assert widths == sorted(widths, reverse=True)
    for s in tor.swings:
        assert s.weight_min - 1e-12 <= tor.base_weight <= s.weight_max + 1e-12
        kw = "rho" if s.parameter == "reliability" else "motive"
        lo = _point_weights(case, **{kw: {s.source_id: s.low}})[k]
        hi = _point_weights(case, **{kw: {s.source_id: s.high}})[k]
        assert s.weight_at_low == pytest.approx(lo, abs=1e-12)
        assert s.weight_at_high == pytest.approx(hi, abs=1e-12)
    con = next(s for s in tor.swings if (s.source_id, s.parameter) == ("con", "reliability"))
    assert (con.low, con.high) == pytest.approx((0.5 - POINT_RELIABILITY_SWING,
                                                 0.5 + POINT_RELIABILITY_SWING))
    pro = next(s for s in tor.swings if (s.source_id, s.parameter) == ("pro", "reliability"))
    from scipy.stats import beta

    src = case.source("pro").reliability
    assert (pro.low, pro.high) == pytest.approx(
        tuple(beta.ppf([0.055, 0.945], src.alpha, src.beta)))


def test_tornado_keeps_an_items_own_motive():
    own = make_item("P3", "pro", {"A": 0.2, "B": 0.6})
    own = replace(own, motive=0.05)  # an admission against interest
    case = two_source_case(extra_items=[own])
    tor = tornado(case)
    k = case.hypothesis_ids.index(tor.hypothesis_id)
    assert tor.base_weight == pytest.approx(_point_weights(case)[k], abs=1e-12)
    s = next(s for s in tor.swings if (s.source_id, s.parameter) == ("pro", "motive"))
    assert s.weight_at_high == pytest.approx(
        _point_weights(case, motive={"pro": s.high})[k], abs=1e-12)


def test_tornado_on_bundled_baseline_contains_base():
    import achlab

    case = achlab.resolve("scenarios/baseline.yaml")
    tor = tornado(case)
    assert tor.swings
    rho = case.arrays().rel_mean
    k = case.hypothesis_ids.index(tor.hypothesis_id)
    assert tor.base_weight == pytest.approx(exact_weights(case, rho=rho).mean[k], abs=1e-12)
    for s in tor.swings:
        assert s.weight_min - 1e-12 <= tor.base_weight <= s.weight_max + 1e-12


# ---------------------------------------------------------------------------- sweep
def test_assumption_sweep_grid_matches_direct_computation():
    case = two_source_case()
    grid = assumption_sweep(case, "pro.reliability", "con:motive", steps=5)
    assert grid.weights.shape == (5, 5, 2)
    k = case.hypothesis_ids.index(grid.hypothesis_id)
    for iy, y in enumerate(grid.y_values):
        for ix, x in enumerate(grid.x_values):
            want = _point_weights(case, rho={"pro": x}, motive={"con": y})[k]
            assert grid.weight[iy, ix] == pytest.approx(want, abs=1e-12)
    with pytest.raises(ValueError):
        assumption_sweep(case, "pro", "pro.reliability")


# ---------------------------------------------------------------------------- indicators
def test_expected_posterior_over_an_indicators_outcomes_is_the_current_weights():
    import achlab

    for case in (achlab.resolve("scenarios/baseline.yaml"), two_source_case()):
        if case.id == "made":
            indicators = [Indicator("X1", "e", "pro", {"A": "C", "B": "I"}),
                          Indicator("X2", "e", "con", {"A": 0.5, "B": 0.9})]
        else:
            indicators = load_indicators(case)
        current = exact_weights(case).mean
        ranking = value_of_information(case, indicators)
        assert len(ranking.values) == len(indicators)
        for v in ranking.values:
            np.testing.assert_allclose(v.expected_posterior(), current, rtol=0, atol=1e-12)
            assert v.entropy_reduction >= 0
        bits = [v.entropy_reduction for v in ranking.values]
        assert bits == sorted(bits, reverse=True)


def test_indicator_value_by_hand():
    # prior .5/.5, no evidence; source rho .5, motive .5; event C (.8) under A, I (.2) under B.
    case = make_case(["A", "B"], [make_source("s", 0.5, motive=0.5)], [])
    ind = Indicator("X", "something", "s", {"A": "C", "B": "I"})
    (v,) = value_of_information(case, [ind]).values
    q = np.array([0.5 * 0.8 + 0.25, 0.5 * 0.2 + 0.25])  # .65, .35
    assert v.p_report == pytest.approx(0.5, abs=1e-15)
    np.testing.assert_allclose(v.weights_if_reported, q / q.sum(), atol=1e-15)
    np.testing.assert_allclose(v.weights_if_not, (1 - q) / (1 - q).sum(), atol=1e-15)
    h = -(0.65 * math.log2(0.65) + 0.35 * math.log2(0.35))
    assert v.entropy_reduction == pytest.approx(1 - h, abs=1e-12)
    np.testing.assert_allclose(v.expected_abs_change, [0.15, 0.15], atol=1e-12)
    assert entropy_bits(np.array([0.5, 0.5])) == pytest.approx(1.0)


def test_load_indicators_reports_located_problems(tmp_path):
    import achlab

    case = achlab.load_case("nk-troops-2024")
    bad = tmp_path / "indicators.csv"
    bad.write_text("indicator_id,event,source_id,combat,technical,none,notes\n"
                   "X1,ok,ua-gov,C,I,II,\n"
                   "X2,bad source,nobody,C,I,II,\n"
                   "X1,duplicate and bad rating,ua-gov,C,ZZ,II,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_indicators(case, bad)
    found = {(p.line, p.field) for p in info.value.problems}
    assert (3, "source_id") in found
    assert (4, "indicator_id") in found
    assert (4, "technical") in found


# ---------------------------------------------------------------------------- replay
def test_brier_and_log_score_by_hand():
    sources = [make_source("s", 1.0)]
    items = [make_item("E1", "s", {"A": 0.8, "B": 0.2}, date="2024-01-01"),
             make_item("E2", "s", {"A": 0.2, "B": 0.8}, date="2024-01-02")]
    case = make_case(["A", "B"], sources, items)
    case = replace(case, resolution={"hypothesis": "A", "date": dt.date(2024, 1, 2)})
    r = replay(case)
    # by hand: after E1 the weights are (.8, .2); after E2, (.5, .5)
    np.testing.assert_allclose(r.weights.to_numpy(), [[0.8, 0.2], [0.5, 0.5]], atol=1e-15)
    pm = post_mortem(r)
    np.testing.assert_allclose(pm.scores["brier"], [0.04 + 0.04, 0.25 + 0.25], atol=1e-15)
    np.testing.assert_allclose(pm.scores["log2 score"], [math.log2(0.8), -1.0], atol=1e-15)
    assert pm.first_likely == dt.date(2024, 1, 1)
    assert pm.first_likely_held is None
    assert pm.mean_brier == pytest.approx(0.29)
    assert brier_score([[0.0, 1.0]], 0)[0] == pytest.approx(2.0)


def test_log_score_is_clipped_not_infinite():
    case = make_case(["A", "B"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"A": 1.0, "B": 0.0}, date="2024-01-01")])
    pm = post_mortem(replay(case), {"hypothesis": "B", "date": dt.date(2024, 1, 1)})
    assert pm.scores["log2 score"].iloc[0] == pytest.approx(math.log2(LOG_FLOOR))
    assert bool(pm.scores["clipped"].iloc[0])
    assert "clipped" in pm.note


def test_replay_ends_at_the_exact_weights_and_attributes_arrivals():
    import achlab

    case = achlab.resolve("scenarios/hindsight-2025.yaml")
    r = replay(case)
    np.testing.assert_allclose(r.weights.iloc[-1].to_numpy(), exact_weights(case).mean,
                               rtol=0, atol=1e-15)
    arrived = [i for ids in r.arrivals.values() for i in ids]
    assert sorted(arrived) == sorted(e.id for e in case.evidence if e.date is not None)
    for d, ids in r.arrivals.items():
        assert all(case.evidence[[e.id for e in case.evidence].index(i)].date == d for i in ids)
    key = r.key_items(3)
    assert list(key["effect"].abs()) == sorted(r.effects["effect"].abs(), reverse=True)[:3]


def test_replay_scenarios_ignore_as_of_but_keep_exclusions():
    import achlab

    full = achlab.load_case("nk-troops-2024")
    base = achlab.resolve("scenarios/baseline.yaml")
    excluded = base.without("E03")
    res = full.resolution["date"]
    out = replay_scenarios({"baseline": base, "no-E03": excluded}, full)
    assert list(out["baseline"].weights.index) == list(out["no-E03"].weights.index)
    assert max(out["baseline"].weights.index) <= res
    assert max(out["baseline"].weights.index) > base.as_of
    merged = with_full_evidence(excluded, full, res)
    assert "E03" not in {e.id for e in merged.evidence}
    assert {e.id for e in merged.evidence} == {e.id for e in full.evidence
                                               if e.date <= res and e.id != "E03"}


def test_a_replay_for_scoring_alone_has_the_same_weights_and_no_item_effects():
    import achlab

    full = achlab.load_case("nk-troops-2024")
    base = achlab.resolve("scenarios/baseline.yaml")
    with_effects = replay_scenarios({"baseline": base}, full)["baseline"]
    scored_only = replay_scenarios({"baseline": base}, full, effects=False)["baseline"]
    assert scored_only.weights.equals(with_effects.weights)
    assert scored_only.arrivals == with_effects.arrivals
    assert scored_only.leading == with_effects.leading
    assert scored_only.effects.empty and len(with_effects.effects) > 0
    assert scored_only.key_items(3).empty
