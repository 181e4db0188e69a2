"""Events, stances, observations and motives per hypothesis in the engines (model.md §4).

Expected numbers are worked out by hand here, or by brute-force numerical integration with
``scipy.integrate``; no test compares the engine with a number it printed itself.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import beta as beta_dist

from achlab.engines import exact
from achlab.engines.exact import exact_weights, sweep_log_posterior, sweep_weights
from achlab.engines.likelihood import RELEVANCE_NOTE
from achlab.model import Reliability
from tests.helpers import make_case, make_item, make_source

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HYPS = ("h1", "h2")


def report(item_id, source_id, q, *, event="", stance="asserts", cred=1.0, motive=None,
           motive_by=None):
    """A report of an event with ``q = (q_h1, q_h2, ...)``."""
    item = make_item(item_id, source_id, dict(zip(("h1", "h2", "h3"), q, strict=False)),
                     cred=cred)
    return replace(item, event=event, stance=stance, motive=motive, motive_by=motive_by)


def two_hypothesis_case(sources, items):
    return make_case(HYPS, sources, items)


def ratio(weights) -> float:
    return weights.mean[0] / weights.mean[1]


# ---------------------------------------------------------------------------- by hand
def test_two_report_event_by_hand():
    # P(F) part: (0.9 + 0.1 * 0.5)(0.6 + 0.4 * 0.5) = 0.76; not F: (0.1 * 0.5)(0.4 * 0.5) = 0.01
    case = two_hypothesis_case(
        [make_source("s1", 0.9), make_source("s2", 0.6)],
        [report("E1", "s1", (0.8, 0.2), event="F"), report("E2", "s2", (0.8, 0.2), event="F")])
    l1, l2 = 0.8 * 0.76 + 0.2 * 0.01, 0.2 * 0.76 + 0.8 * 0.01
    np.testing.assert_allclose(exact_weights(case).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-14)


def test_denial_by_hand():
    # asserts r = 0.9: 0.95 given F, 0.05 given not F; denies r = 0.6: 0.2 given F, 0.8 not F
    case = two_hypothesis_case(
        [make_source("s1", 0.9), make_source("s2", 0.6)],
        [report("E1", "s1", (0.8, 0.2), event="F"),
         report("E2", "s2", (0.8, 0.2), event="F", stance="denies")])
    l1, l2 = 0.8 * 0.19 + 0.2 * 0.04, 0.2 * 0.19 + 0.8 * 0.04
    np.testing.assert_allclose(exact_weights(case).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-14)


def test_a_single_denial_is_an_assertion_of_the_opposite_event():
    # r (1 - q) + (1 - r) a: a denial of F counts as a report of "not F"
    denial = two_hypothesis_case([make_source("s", 0.7, motive=0.3)],
                                 [report("E1", "s", (0.9, 0.4), stance="denies")])
    opposite = two_hypothesis_case([make_source("s", 0.7, motive=0.3)],
                                   [report("E1", "s", (0.1, 0.6))])
    l1, l2 = 0.7 * 0.1 + 0.3 * 0.3, 0.7 * 0.6 + 0.3 * 0.3
    np.testing.assert_allclose(exact_weights(denial).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-12)
    np.testing.assert_allclose(exact_weights(denial).mean, exact_weights(opposite).mean,
                               rtol=1e-12)


def test_motive_per_hypothesis_by_hand():
    # an event rated alike under both hypotheses still moves them when the motive differs:
    # 0.5 * 0.5 + 0.5 * a_k = 0.7 under h1 (a = 0.9), 0.3 under h2 (a = 0.1)
    src = replace(make_source("s", 0.5), motive=0.5, motive_by={"h1": 0.9, "h2": 0.1})
    case = two_hypothesis_case([src], [report("E1", "s", (0.5, 0.5))])
    np.testing.assert_allclose(exact_weights(case).mean, [0.7, 0.3], rtol=1e-14)


def test_motive_per_hypothesis_in_a_two_report_event_by_hand():
    # s1: r 0.8, a = (0.9, 0.1); s2: r 0.5, a 0.5 (one number)
    s1 = replace(make_source("s1", 0.8), motive=0.5, motive_by={"h1": 0.9, "h2": 0.1})
    case = two_hypothesis_case([s1, make_source("s2", 0.5)],
                               [report("E1", "s1", (0.6, 0.3), event="F"),
                                report("E2", "s2", (0.6, 0.3), event="F")])
    given_f = [(0.8 + 0.2 * a) * 0.75 for a in (0.9, 0.1)]
    given_not = [(0.2 * a) * 0.25 for a in (0.9, 0.1)]
    l1 = 0.6 * given_f[0] + 0.4 * given_not[0]
    l2 = 0.3 * given_f[1] + 0.7 * given_not[1]
    np.testing.assert_allclose(exact_weights(case).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-14)


def test_item_motive_per_hypothesis_overrides_the_source():
    item = report("E1", "s", (0.5, 0.5), motive=0.5, motive_by={"h1": 0.2, "h2": 0.6})
    case = two_hypothesis_case([make_source("s", 0.5, motive=0.9)], [item])
    l1, l2 = 0.25 + 0.5 * 0.2, 0.25 + 0.5 * 0.6
    np.testing.assert_allclose(exact_weights(case).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-14)


def test_an_observation_counts_at_full_strength_whatever_the_source():
    case = two_hypothesis_case([make_source("s", "E", motive=0.9)],
                               [report("E1", "s", (0.8, 0.2), stance="observed", cred=0.25)])
    np.testing.assert_allclose(exact_weights(case).mean, [0.8, 0.2], rtol=1e-14)


def test_an_observed_event_with_a_report_by_hand():
    # the observation makes P(not F) = 0: the event's likelihood is q_k (r + (1 - r) a)
    case = two_hypothesis_case(
        [make_source("s1", 0.3), make_source("s2", 0.6)],
        [report("E1", "s1", (0.8, 0.2), event="F", stance="observed"),
         report("E2", "s2", (0.8, 0.2), event="F", stance="denies")])
    l1, l2 = 0.8 * 0.2, 0.2 * 0.2
    np.testing.assert_allclose(exact_weights(case).mean, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-14)


def test_relevance_note_says_why_it_is_not_used():
    assert "classic ACH" in RELEVANCE_NOTE and "ratings" in RELEVANCE_NOTE
    high = two_hypothesis_case([make_source("s", 0.7)], [report("E1", "s", (0.8, 0.2))])
    low = high.with_evidence([replace(high.evidence[0], relevance="L")])
    assert np.array_equal(exact_weights(high).mean, exact_weights(low).mean)


# ---------------------------------------------------------------------------- Beta, jointly
BETAS = {"s1": (3.0, 2.0), "s2": (2.0, 5.0), "s3": (4.0, 4.0)}


def three_source_case():
    """Three Beta sources tied by one event, each with a report of its own besides."""
    sources = [make_source(s, Reliability(mean=a / (a + b), alpha=a, beta=b), motive=m)
               for (s, (a, b)), m in zip(BETAS.items(), (0.5, 0.3, 0.7), strict=True)]
    items = [report("E1", "s1", (0.9, 0.3), event="F"),
             report("E2", "s2", (0.9, 0.3), event="F", stance="denies"),
             report("E3", "s3", (0.9, 0.3), event="F", cred=0.75),
             report("E4", "s1", (0.2, 0.6)),
             report("E5", "s2", (0.7, 0.4)),
             report("E6", "s3", (0.35, 0.5), motive=0.1)]
    return two_hypothesis_case(sources, items)


def brute_force_likelihood(k: int) -> float:
    """The three-source case's likelihood under hypothesis ``k``, by ``scipy.integrate``."""
    q, qn = (0.9, 0.3)[k], 1 - (0.9, 0.3)[k]

    def integrand(r3, r2, r1):
        said = [r1 + (1 - r1) * 0.5, r2 + (1 - r2) * 0.3, 0.75 * r3 + (1 - 0.75 * r3) * 0.7]
        quiet = [(1 - r1) * 0.5, (1 - r2) * 0.3, (1 - 0.75 * r3) * 0.7]
        event = q * said[0] * quiet[1] * said[2] + qn * quiet[0] * said[1] * quiet[2]
        own = ((r1 * (0.2, 0.6)[k] + (1 - r1) * 0.5) * (r2 * (0.7, 0.4)[k] + (1 - r2) * 0.3)
               * (r3 * (0.35, 0.5)[k] + (1 - r3) * 0.1))
        density = (beta_dist.pdf(r1, *BETAS["s1"]) * beta_dist.pdf(r2, *BETAS["s2"])
                   * beta_dist.pdf(r3, *BETAS["s3"]))
        return event * own * density

    value, _ = integrate.tplquad(integrand, 0, 1, 0, 1, 0, 1, epsabs=1e-11, epsrel=1e-10)
    return value


def test_three_source_event_with_beta_reliabilities_equals_numerical_integration():
    case = three_source_case()
    assert case.arrays().tied_sources == ((0, 1, 2),)
    l1, l2 = brute_force_likelihood(0), brute_force_likelihood(1)
    got = exact_weights(case)
    np.testing.assert_allclose(got.mean, [l1 / (l1 + l2), l2 / (l1 + l2)], atol=1e-6)
    np.testing.assert_allclose(exact.log_likelihood(case.arrays()), np.log([l1, l2]), atol=1e-6)
    assert got.note == ""


def test_sources_not_tied_integrate_separately_as_before():
    case = three_source_case()
    untied = case.with_evidence(replace(e, event="") for e in case.evidence)
    assert untied.arrays().tied_sources == ((0,), (1,), (2,))
    assert np.all(np.isfinite(exact_weights(untied).mean))
    assert not np.allclose(exact_weights(untied).mean, exact_weights(case).mean, atol=1e-3)


def test_product_grid_equals_the_conditioned_integral(monkeypatch):
    want = exact_weights(three_source_case())
    monkeypatch.setattr(exact, "MAX_SHARED_EVENTS", 0)  # every tied group on the product grid
    got = exact_weights(three_source_case())
    assert got.note == ""
    np.testing.assert_allclose(got.mean, want.mean, rtol=1e-12)


@PROPERTY
@given(case=st.just(None), data=st.data())
def test_conditioned_integral_equals_product_grid_on_random_cases(case, data):
    n_src = data.draw(st.integers(2, 3))
    sources = [make_source(f"s{s}", Reliability(mean=0.5, alpha=data.draw(st.floats(0.5, 8)),
                                                beta=data.draw(st.floats(0.5, 8))),
                           motive=data.draw(unit)) for s in range(n_src)]
    items = []
    for n in range(data.draw(st.integers(2, 7))):
        q = [data.draw(unit), data.draw(unit)]
        items.append(report(f"E{n}", f"s{data.draw(st.integers(0, n_src - 1))}", q,
                            event=data.draw(st.sampled_from(["F", "G", ""])),
                            stance=data.draw(st.sampled_from(["asserts", "denies", "observed"]))))
    conditioned = exact.log_likelihood(two_hypothesis_case(sources, items).arrays())
    saved = exact.MAX_SHARED_EVENTS
    try:
        exact.MAX_SHARED_EVENTS = -1
        grid = exact.log_likelihood(two_hypothesis_case(sources, items).arrays())
    finally:
        exact.MAX_SHARED_EVENTS = saved
    np.testing.assert_allclose(conditioned, grid, rtol=1e-10)


def test_a_group_too_large_falls_back_and_says_so(monkeypatch):
    want = exact_weights(three_source_case()).mean
    monkeypatch.setattr(exact, "MAX_SHARED_EVENTS", 0)
    monkeypatch.setattr(exact, "MAX_GRID_NODES", 2)
    case = three_source_case()  # a fresh numeric form: the plan is built once per form
    got = exact_weights(case)
    assert got.note.startswith("Not exact: the sources s1, s2, s3 share events")
    assert "Monte Carlo" in got.note and "three standard errors" in got.note
    bound = float(got.note.split("\u00b1")[1].split(" %")[0]) / 100
    assert 0 < bound < 0.01
    assert np.max(np.abs(got.mean - want)) < bound
    assert np.array_equal(exact_weights(case).mean, got.mean)  # seeded: reruns identical


# ---------------------------------------------------------------------------- properties
unit = st.floats(0.02, 0.98)
stances = st.sampled_from(["asserts", "denies"])


@st.composite
def event_cases(draw, n_hyp: int = 2, motive_varies: bool = False):
    """Random small cases: point sources, events of one to four reports, both stances."""
    n_src = draw(st.integers(1, 4))
    hyps = ("h1", "h2", "h3")[:n_hyp]
    sources = []
    for s in range(n_src):
        src = make_source(f"s{s}", draw(st.floats(0.0, 1.0)), motive=draw(unit))
        if motive_varies and draw(st.booleans()):
            by = {h: draw(unit) for h in hyps}
            src = replace(src, motive=float(np.mean(list(by.values()))), motive_by=by)
        sources.append(src)
    items, n = [], 0
    for e in range(draw(st.integers(1, 4))):
        q = [draw(unit) for _ in hyps]
        for _ in range(draw(st.integers(1, 4))):
            items.append(report(f"E{n}", f"s{draw(st.integers(0, n_src - 1))}", q,
                                event=f"F{e}", stance=draw(stances), cred=draw(unit)))
            n += 1
    return make_case(hyps, sources, items)


@PROPERTY
@given(case=event_cases(n_hyp=3, motive_varies=True))
def test_one_report_events_equal_the_model_without_events(case):
    singles = case.with_evidence(replace(e, event=f"only-{e.id}") for e in case.evidence)
    plain = case.with_evidence(replace(e, event="") for e in case.evidence)
    assert np.array_equal(exact_weights(singles).mean, exact_weights(plain).mean)


@PROPERTY
@given(case=event_cases(n_hyp=3), data=st.data())
def test_one_asserting_report_per_event_is_the_formula_of_section_one(case, data):
    asserting = case.with_evidence(replace(e, event="", stance="asserts") for e in case.evidence)
    arr = asserting.arrays()
    rho = np.array([s.reliability.mean for s in asserting.sources])[arr.item_source]
    r = (rho * arr.cred_factor)[:, None]
    expected = arr.log_prior + np.log(r * arr.likelihood + (1 - r) * arr.motive).sum(axis=0)
    np.testing.assert_allclose(exact.log_likelihood(arr) + arr.log_prior, expected, rtol=1e-12)


@PROPERTY
@given(case=event_cases(n_hyp=2))
def test_event_likelihood_ratio_lies_between_the_bounds(case):
    first = case.evidence[0].event
    one_event = case.with_evidence(e for e in case.evidence if e.event == first)
    q1, q2 = one_event.arrays().event_likelihood[0]
    bounds = sorted([q1 / q2, (1 - q1) / (1 - q2)])
    got = ratio(exact_weights(one_event))
    assert bounds[0] * (1 - 1e-9) <= got <= bounds[1] * (1 + 1e-9)


@PROPERTY
@given(case=event_cases(n_hyp=3, motive_varies=True), seed=st.integers(0, 2**31))
def test_order_of_reports_and_events_does_not_matter(case, seed):
    shuffled = list(case.evidence)
    np.random.default_rng(seed).shuffle(shuffled)
    np.testing.assert_allclose(exact_weights(case.with_evidence(shuffled)).mean,
                               exact_weights(case).mean, rtol=1e-10, atol=1e-14)


@PROPERTY
@given(case=event_cases(n_hyp=3), stance=stances, motive=unit, which=st.integers(0, 20))
def test_a_report_with_reliability_zero_changes_nothing(case, stance, motive, which):
    event = case.evidence[which % len(case.evidence)].event
    silent = make_source("silent", 0.0, motive=motive)
    added = report("Z", "silent", [0.5, 0.5, 0.5], event=event, stance=stance)
    more = make_case(case.hypothesis_ids, [*case.sources, silent], [*case.evidence, added])
    np.testing.assert_allclose(exact_weights(more).mean, exact_weights(case).mean,
                               rtol=1e-10, atol=1e-14)


@PROPERTY
@given(case=event_cases(n_hyp=2))
def test_many_reports_never_make_an_event_worth_more_than_its_ratio(case):
    first = case.evidence[0]
    echoes = [replace(first, id=f"X{n}", stance="asserts") for n in range(30)]
    many = case.with_evidence([replace(first, stance="asserts"), *echoes])
    q1, q2 = many.arrays().event_likelihood[0]
    got = ratio(exact_weights(many))
    assert min(q1 / q2, (1 - q1) / (1 - q2)) * (1 - 1e-9) <= got
    assert got <= max(q1 / q2, (1 - q1) / (1 - q2)) * (1 + 1e-9)


# ---------------------------------------------------------------------------- sweeps
def sweep_case():
    s1 = replace(make_source("s1", 0.8), motive=0.5, motive_by={"h1": 0.8, "h2": 0.4, "h3": 0.3})
    sources = [s1, make_source("s2", 0.6, motive=0.3), make_source("s3", 0.4, motive=0.6)]
    items = [report("E1", "s1", (0.9, 0.3, 0.1), event="F"),
             report("E2", "s2", (0.9, 0.3, 0.1), event="F", stance="denies"),
             report("E3", "s3", (0.9, 0.3, 0.1), event="F", cred=0.75),
             report("E4", "s1", (0.2, 0.6, 0.5)),
             report("E5", "s2", (0.7, 0.4, 0.2), stance="denies"),
             report("E6", "s3", (0.35, 0.5, 0.9), stance="observed"),
             report("E7", "s3", (0.6, 0.2, 0.3), motive=0.1, event="G"),
             report("E8", "s2", (0.6, 0.2, 0.3), event="G")]
    return make_case(("h1", "h2", "h3"), sources, items)


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
def test_sweep_equals_exact_on_events(engine):
    case = sweep_case()
    rows = np.random.default_rng(3).uniform(0, 1, (50, 3))
    got = sweep_weights(case, rows, engine=engine)
    want = np.array([exact_weights(case, rho=r).mean for r in rows])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
def test_sweep_motive_levels_equal_changed_sources(engine):
    case = sweep_case()
    rng = np.random.default_rng(4)
    rows, motives = rng.uniform(0, 1, (20, 3)), rng.uniform(0, 1, (20, 3))
    got = sweep_log_posterior(case, rows, motives, engine=engine)
    for r, m, g in zip(rows, motives, got, strict=True):
        changed = case
        for sid, level in zip(("s1", "s2", "s3"), m, strict=True):
            changed = changed.with_source(sid, motive=float(level))
        want = changed.arrays().log_prior + exact.log_likelihood(changed.arrays(), r)
        np.testing.assert_allclose(g, want, rtol=1e-12)


def test_with_source_moves_motives_per_hypothesis_together():
    case = sweep_case().with_source("s1", motive=0.6)
    assert case.source("s1").motive_by == pytest.approx({"h1": 0.9, "h2": 0.5, "h3": 0.4})
    case = case.with_source("s1", motive={"h1": 0.1, "h2": 0.2, "h3": 0.3})
    assert case.source("s1").motive == pytest.approx(0.2)
    with pytest.raises(ValueError, match="name every hypothesis"):
        case.with_source("s1", motive={"h1": 0.1})


def test_tied_groups_follow_shared_events():
    arr = sweep_case().arrays()
    assert arr.tied_sources == ((0, 1, 2),)
    assert arr.event_ids[:2] == ("F", "E4")
    assert list(itertools.accumulate(np.diff(arr.event_start))) == \
        list(arr.event_start[1:])


# ---------------------------------------------------------------------------- PyMC
@pytest.mark.slow
def test_pymc_without_pooling_agrees_with_exact_on_events_and_denials():
    from achlab.engines import mcmc

    s1 = make_source("s1", Reliability(mean=0.6, alpha=3.0, beta=2.0), motive=0.5)
    s2 = replace(make_source("s2", Reliability(mean=2 / 7, alpha=2.0, beta=5.0)), motive=0.5,
                 motive_by={"h1": 0.7, "h2": 0.2, "h3": 0.4})
    s3 = make_source("s3", 0.8, motive=0.3)
    items = [report("E1", "s1", (0.9, 0.3, 0.1), event="F"),
             report("E2", "s2", (0.9, 0.3, 0.1), event="F", stance="denies"),
             report("E3", "s3", (0.9, 0.3, 0.1), event="F"),
             report("E4", "s1", (0.2, 0.6, 0.5)),
             report("E5", "s2", (0.7, 0.4, 0.2), stance="denies"),
             report("E6", "s3", (0.35, 0.5, 0.9), stance="observed")]
    case = make_case(("h1", "h2", "h3"), [s1, s2, s3], items)
    arr = case.arrays()
    plug_in = exact_weights(case, rho=arr.rel_mean).mean
    want = exact_weights(case)
    assert np.abs(want.mean - plug_in).max() > 0.004  # the spread of the priors matters
    result = mcmc.fit(case, seed=5, pooling=False, draws=1000, tune=500, chains=4)
    for h in case.hypothesis_ids:
        mcse = float(result.diagnostics.loc[f"weights[{h}]", "mcse_mean"])
        assert abs(result.weights[h] - want[h]) <= 3 * mcse + 1e-9, (h, result.weights[h],
                                                                     want[h], mcse)


# ---------------------------------------------------------------------------- three forms agree
def random_reports(seed: int, n_events: int = 6, k: int = 3):
    """Random reports grouped in events (some of one report), both stances, some impossible."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 4, n_events)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n = int(starts[-1])
    q = rng.uniform(0, 1, (n_events, k))
    q[0, 0], q[-1, -1] = 0.0, 1.0
    r = rng.uniform(0, 1, n)
    r[0] = 1.0
    a = rng.uniform(0, 1, (n, k))
    a[0, :] = 0.0
    denies = rng.uniform(size=n) < 0.4
    event = np.repeat(np.arange(n_events), sizes)
    return r, q, a, denies, starts, event


@pytest.mark.parametrize("seed", range(5))
def test_pytensor_event_form_equals_numpy_form_with_finite_gradient(seed):
    import pytensor
    import pytensor.tensor as pt

    from achlab.engines.likelihood import log_event_probability, tensor_log_event_probability

    r, q, a, denies, starts, event = random_reports(seed)
    want = log_event_probability(r, q[event], a, denies, starts)
    rt = pt.dvector("r")
    out = tensor_log_event_probability(rt, pt.as_tensor(q), pt.as_tensor(a),
                                       pt.as_tensor(denies.astype(float)), pt.as_tensor(event),
                                       pt.as_tensor((np.diff(starts) == 1).astype(float)))
    got = pytensor.function([rt], out)(r)
    finite = np.isfinite(want)
    assert np.array_equal(finite, np.isfinite(got))
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12)
    inside = np.clip(r, 0.05, 0.95)
    grad = pytensor.function([rt], pytensor.grad(pt.switch(pt.isinf(out), 0, out).sum(), rt))
    assert np.all(np.isfinite(grad(inside)))


@pytest.mark.parametrize("seed", range(5))
def test_numba_event_mixture_equals_numpy(seed):
    from achlab.engines.likelihood import compiled_log_event_mixture, log_event_mixture

    rng = np.random.default_rng(seed)
    q = np.r_[rng.uniform(size=20), 0.0, 1.0]
    t, f = np.log(rng.uniform(size=22)), np.log(rng.uniform(size=22))
    t[3] = f[3] = -np.inf
    mixture = compiled_log_event_mixture()
    got = np.array([mixture(*x) for x in zip(q, t, f, strict=True)])
    want = log_event_mixture(q, t, f)
    assert np.array_equal(np.isfinite(got), np.isfinite(want))
    np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], rtol=1e-14)


# ---------------------------------------------------------------------------- removal
def test_removing_a_report_keeps_its_event_removing_all_drops_it():
    case = sweep_case()
    without_one = case.without("E2")
    arr = without_one.arrays()
    assert arr.event_ids[0] == "F" and np.diff(arr.event_start)[0] == 2
    without_all = case.without("E1", "E2", "E3")
    assert "F" not in without_all.arrays().event_ids
    # with the event gone, the rest is what a case built without it gives
    rest = make_case(case.hypothesis_ids, case.sources,
                     [e for e in case.evidence if e.event != "F"])
    np.testing.assert_array_equal(exact_weights(without_all).mean, exact_weights(rest).mean)


def test_leave_one_out_on_events_removes_one_report():
    from achlab.engines.sensitivity import leave_one_out

    case = sweep_case()
    result = leave_one_out(case)
    by_item = {o.item_ids: o for o in result.items}
    np.testing.assert_allclose(by_item[("E2",)].weights, exact_weights(case.without("E2")).mean,
                               rtol=1e-12)


# ---------------------------------------------------------------------------- dependence
def _echo_case():
    """One event told by a strong and a weak source of one group, plus an independent item."""
    sources = [make_source("kyiv", 0.9, group="claimants"), make_source("seoul", 0.5,
                                                                         group="claimants"),
               make_source("press", 0.6)]
    items = [report("E1", "kyiv", (0.8, 0.05), event="F"),
             report("E2", "seoul", (0.8, 0.05), event="F"),
             report("E3", "press", (0.6, 0.4))]
    return two_hypothesis_case(sources, items)


def test_merges_count_an_events_reports_as_its_strongest_report():
    from achlab.engines.sensitivity import dependence_sets, merges

    case = _echo_case()
    sets = dependence_sets(case)
    assert ("event", "F", ["E2"]) in sets and ("group", "claimants", ["E2"]) in sets
    by_key = {m.origin: m for m in merges(case)}
    # by hand: without E2 the event is E1 alone, r q + (1 - r) a
    l1, l2 = (0.9 * 0.8 + 0.1 * 0.5) * (0.6 * 0.6 + 0.4 * 0.5), \
        (0.9 * 0.05 + 0.1 * 0.5) * (0.6 * 0.4 + 0.4 * 0.5)
    np.testing.assert_allclose(by_key["F"].weights, [l1 / (l1 + l2), l2 / (l1 + l2)],
                               rtol=1e-12)
    assert by_key["F"].delta[0] < 0  # counting the echo once lowers the lead


def test_denials_and_observations_are_not_merged_with_assertions():
    from achlab.engines.sensitivity import dependence_sets

    case = two_hypothesis_case(
        [make_source("a", 0.8), make_source("b", 0.8)],
        [report("E1", "a", (0.8, 0.2), event="F"),
         report("E2", "b", (0.8, 0.2), event="F", stance="denies"),
         report("E3", "b", (0.8, 0.2), event="G", stance="observed")])
    assert dependence_sets(case) == []


def test_the_tornado_shows_the_widest_dependence_bar_and_the_linchpins_list_merges():
    from achlab.engines.sensitivity import DEPENDENCE, leave_one_out, tornado

    case = _echo_case()
    result = tornado(case)
    assert {s.source_id for s in result.dependence} == {"event F", "group claimants"}
    assert any(s.parameter == DEPENDENCE for s in result.bars(top=2))
    bar = next(s for s in result.dependence if s.source_id == "event F")
    assert bar.weights[1] < bar.weights[0]
    assert "dependence" in result.as_dict()
    loo = leave_one_out(case)
    assert {m.origin for m in loo.merges} == {"F", "claimants"}
    assert "event F as one report" in loo.to_frame().index
