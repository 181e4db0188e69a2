"""The exact engine (model.md §1): hand-checked numbers, properties, log-space robustness, sweeps.

Expected values are worked out by hand in the tests, or by an independent method (direct
numerical integration with QUADPACK, plain products in the stable form
``rho c p + (1 - rho c) a``); no test compares the engine with a number it printed itself.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import betaln

from achlab.engines import exact as exact_module
from achlab.engines.exact import Weights, exact_weights, log_likelihood, sweep_weights
from achlab.model import Reliability
from achlab.model.scales import DEFAULT_RATING_SCALE
from tests.helpers import make_case, make_item, make_source

PROPERTY = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------- independent reference
def stable_factor(rho_item: float, p: float, a: float) -> float:
    """Likelihood of one report in the stable form ``rho p + (1 - rho) a``.

    Parameters
    ----------
    rho_item : float
        Item reliability ``rho_s * c_i``.
    p : float
        ``P(E_i | H_k)``.
    a : float
        Motive of the source.

    Returns
    -------
    float
    """
    return rho_item * p + (1.0 - rho_item) * a


def reference_log_likelihood(case) -> np.ndarray:
    """Log-likelihood per hypothesis by direct numerical integration, independent of the engine.

    Point sources multiply their item factors; a Beta source's product of factors is integrated
    against the Beta density with QUADPACK's algebraic-weight rule (``quad(weight="alg")``),
    which handles the ``rho^(alpha-1) (1-rho)^(beta-1)`` end-point behaviour exactly.

    Parameters
    ----------
    case : Case
        Its :meth:`~achlab.model.Case.arrays` give the items (after NA filling and de-duplication).

    Returns
    -------
    ndarray (K,)
    """
    arr = case.arrays()
    k = len(arr.hypothesis_ids)
    out = np.zeros(k)
    for s in range(len(arr.source_ids)):
        idx = np.flatnonzero(arr.item_source == s)
        if idx.size == 0:
            continue
        for h in range(k):
            def integrand(rho, idx=idx, h=h):
                value = 1.0
                for i in idx:
                    value *= stable_factor(rho * arr.cred_factor[i], arr.likelihood[i, h],
                                           arr.motive[i, h])
                return value

            if arr.rel_is_point[s]:
                out[h] += math.log(integrand(arr.rel_mean[s]))
            else:
                alpha, beta = arr.rel_alpha[s], arr.rel_beta[s]
                val, _ = quad(integrand, 0.0, 1.0, weight="alg", wvar=(alpha - 1, beta - 1),
                              epsabs=0.0, epsrel=1e-13, limit=200)
                out[h] += math.log(val) - betaln(alpha, beta)
    return out


def softmax(log_values: np.ndarray) -> np.ndarray:
    """Normalised ``exp`` of a vector of logs.

    Parameters
    ----------
    log_values : ndarray

    Returns
    -------
    ndarray, summing to 1
    """
    shifted = np.exp(log_values - np.max(log_values))
    return shifted / shifted.sum()


def reference_weights(case) -> np.ndarray:
    """Posterior weights from :func:`reference_log_likelihood` and the case's prior.

    Parameters
    ----------
    case : Case

    Returns
    -------
    ndarray (K,)
    """
    prior = np.array([case.prior[h] for h in case.hypothesis_ids])
    return softmax(np.log(prior) + reference_log_likelihood(case))


# ---------------------------------------------------------------------------- strategies
CELLS = st.one_of(st.sampled_from(["CC", "C", "N", "I", "II", "NA"]),
                  st.floats(0.01, 0.99))
RELIABILITIES = st.one_of(st.floats(0.0, 1.0), st.sampled_from(list("ABCDEF")))
MOTIVES = st.floats(0.01, 0.99)
CRED_CODES = st.sampled_from(["1", "2", "3", "4", "5", "6"])


@st.composite
def random_cases(draw, max_items: int = 10, max_sources: int = 4):
    """A random valid case: 2-4 hypotheses, 1-4 sources (points and letters), 1-10 items.

    Parameters
    ----------
    draw : callable
        Hypothesis' draw.
    max_items, max_sources : int
        Upper bounds.

    Returns
    -------
    Case
    """
    k = draw(st.integers(2, 4))
    hyps = [f"h{j}" for j in range(k)]
    sources = [make_source(f"s{n}", draw(RELIABILITIES), draw(MOTIVES))
               for n in range(draw(st.integers(1, max_sources)))]
    items = []
    for i in range(draw(st.integers(1, max_items))):
        ratings = {h: draw(CELLS) for h in hyps}
        items.append(make_item(f"E{i}", draw(st.sampled_from(sources)).id, ratings,
                               cred=draw(CRED_CODES)))
    raw = [draw(st.floats(0.05, 1.0)) for _ in hyps]
    prior = {h: r / sum(raw) for h, r in zip(hyps, raw, strict=True)}
    return make_case(hyps, sources, items, prior)


def assert_same_weights(a, b, rtol: float = 1e-10, atol: float = 1e-13) -> None:
    """Assert two weight vectors (or Weights) are equal to rounding.

    Parameters
    ----------
    a, b : Weights or array-like
    rtol, atol : float
        Tolerances of :func:`numpy.testing.assert_allclose`.
    """
    a = a.mean if isinstance(a, Weights) else a
    b = b.mean if isinstance(b, Weights) else b
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------- hand-checked numbers
def disease_case(reliability: float | Reliability = 1.0, motive: float = 0.5):
    """Base-rate case: prevalence 1 %, sensitivity 0.9, false-positive rate 0.05, one positive.

    Parameters
    ----------
    reliability : float or Reliability
        Reliability of the test (the source).
    motive : float
        Motive of the source.

    Returns
    -------
    Case
    """
    return make_case(
        ["disease", "healthy"],
        [make_source("test", reliability, motive)],
        [make_item("positive", "test", {"disease": 0.9, "healthy": 0.05})],
        prior={"disease": 0.01, "healthy": 0.99},
    )


@pytest.mark.parametrize("motive", [0.0, 0.5, 0.93, 1.0])
def test_base_rate_at_full_reliability_is_bayes_rule(motive):
    w = exact_weights(disease_case(1.0, motive))
    expected = 0.009 / (0.009 + 0.0495)
    assert w["disease"] == pytest.approx(expected, rel=1e-12)
    assert w["healthy"] == pytest.approx(1 - expected, rel=1e-12)
    assert w.leading == "healthy"


def test_half_reliability_with_half_motive_by_hand():
    # P(E*|disease) = 0.5 * 0.9 + 0.5 * 0.5 = 0.7; P(E*|healthy) = 0.5 * 0.05 + 0.5 * 0.5 = 0.275
    w = exact_weights(disease_case(0.5, 0.5))
    assert w["disease"] == pytest.approx(0.007 / (0.007 + 0.99 * 0.275), rel=1e-12)


def test_credibility_scales_reliability_by_hand():
    # rho_i = 0.8 * 0.5 = 0.4, motive 0.3: 0.4 * 0.9 + 0.6 * 0.3 = 0.54; 0.4 * 0.05 + 0.18 = 0.2
    case = make_case(
        ["disease", "healthy"],
        [make_source("test", 0.8, 0.3)],
        [make_item("positive", "test", {"disease": 0.9, "healthy": 0.05}, cred="4")],
        prior={"disease": 0.01, "healthy": 0.99},
    )
    assert exact_weights(case)["disease"] == pytest.approx(0.0054 / (0.0054 + 0.99 * 0.2),
                                                           rel=1e-12)


def test_heuer_ratings_map_through_the_scale_by_hand():
    # CC = 0.95, I = 0.20 at reliability 1, uniform prior: 0.95 / 1.15
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": "CC", "b": "I"})])
    assert exact_weights(case)["a"] == pytest.approx(0.95 / 1.15, rel=1e-12)


def test_two_reports_under_a_beta_prior_by_hand():
    # Each factor is a + rho u_i with u_i = c_i (p_i - a); the product's expectation under
    # Beta(al, be) is a^2 + a (u1 + u2) E[rho] + u1 u2 E[rho^2].
    al, be, a = 3.0, 2.0, 0.4
    e1 = al / (al + be)
    e2 = al * (al + 1) / ((al + be) * (al + be + 1))
    ratings = [{"x": 0.9, "y": 0.2}, {"x": 0.7, "y": 0.1}]
    creds = [1.0, 0.5]
    case = make_case(["x", "y"], [make_source("s", Reliability(al / (al + be), al, be), a)],
                     [make_item(f"E{n}", "s", r, cred=c)
                      for n, (r, c) in enumerate(zip(ratings, creds, strict=True))])
    like = {}
    for h in ("x", "y"):
        u1, u2 = (c * (r[h] - a) for r, c in zip(ratings, creds, strict=True))
        like[h] = a * a + a * (u1 + u2) * e1 + u1 * u2 * e2
    assert exact_weights(case)["x"] == pytest.approx(like["x"] / (like["x"] + like["y"]),
                                                     rel=1e-12)


def test_na_cell_takes_mean_of_rated_cells():
    case = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": "C", "b": "I", "c": "NA"})])
    row = case.likelihood_row(case.evidence[0])
    np.testing.assert_allclose(row, [0.8, 0.2, 0.5], rtol=1e-15)
    w = exact_weights(case)
    assert w["a"] == pytest.approx(0.8 / 1.5, rel=1e-12)
    assert w["b"] == pytest.approx(0.2 / 1.5, rel=1e-12)
    assert w["c"] == pytest.approx(0.5 / 1.5, rel=1e-12)


def test_missing_cell_counts_as_na():
    case = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": 0.9, "b": 0.3})])
    np.testing.assert_allclose(case.likelihood_row(case.evidence[0]), [0.9, 0.3, 0.6])


def test_item_with_no_rated_cell_carries_no_information():
    prior = {"a": 0.6, "b": 0.3, "c": 0.1}
    only = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": "NA", "b": "NA", "c": "NA"})], prior)
    np.testing.assert_allclose(exact_weights(only).mean, [0.6, 0.3, 0.1], rtol=1e-12)
    assert [d[0] for d in only.arrays().dropped] == ["E1"]
    assert only.arrays().likelihood.shape == (0, 3)

    informative = make_item("E2", "s", {"a": "C", "b": "I", "c": "II"})
    with_blank = only.with_evidence([*only.evidence, informative])
    without_blank = only.with_evidence([informative])
    # by hand: 0.6 * 0.8, 0.3 * 0.2, 0.1 * 0.05
    expected = np.array([0.48, 0.06, 0.005]) / 0.545
    assert_same_weights(exact_weights(with_blank), expected, rtol=1e-12)
    assert_same_weights(exact_weights(without_blank), expected, rtol=1e-12)


def test_same_origin_counts_once_by_hand():
    # two outlets repeat one claim: counts once (0.8 vs 0.2), not twice (0.64 vs 0.04)
    case = make_case(["a", "b"], [make_source("s", 1.0), make_source("t", 1.0)],
                     [make_item("E1", "s", {"a": "C", "b": "I"}, origin="claim"),
                      make_item("E2", "t", {"a": "C", "b": "I"}, origin="claim")])
    assert exact_weights(case)["a"] == pytest.approx(0.8, rel=1e-12)
    assert case.arrays().item_ids == ("E1",)


def test_weights_object_reports_words_and_point_interval():
    w = exact_weights(disease_case(1.0))
    d = w.as_dict()
    assert set(d) == {"disease", "healthy"}
    for h in d:
        assert d[h]["low"] == d[h]["mean"] == d[h]["high"]
    assert d["disease"]["words"] == "very unlikely"  # 15.4 %
    assert d["healthy"]["words"] == "very likely"  # 84.6 %
    assert w.words("disease") == "very unlikely"


# ---------------------------------------------------------------------------- properties
@PROPERTY
@given(random_cases())
def test_weights_sum_to_one_and_are_finite(case):
    w = exact_weights(case)
    assert np.all(np.isfinite(w.mean))
    assert np.all(w.mean >= 0)
    assert w.mean.sum() == pytest.approx(1.0, abs=1e-12)
    assert w.mean.shape == (len(case.hypotheses),)


@PROPERTY
@given(random_cases(), st.randoms(use_true_random=False))
def test_item_order_does_not_matter(case, rnd):
    items = list(case.evidence)
    rnd.shuffle(items)
    assert_same_weights(exact_weights(case), exact_weights(case.with_evidence(items)))


@PROPERTY
@given(random_cases(), st.lists(st.lists(CELLS, min_size=4, max_size=4), min_size=1,
                                max_size=5), MOTIVES)
def test_source_with_reliability_zero_changes_nothing(case, cells, motive):
    hyps = case.hypothesis_ids
    mute = make_source("mute", 0.0, motive)
    extra = [make_item(f"M{n}", "mute", dict(zip(hyps, row, strict=False)))
             for n, row in enumerate(cells)]
    bigger = make_case(hyps, [*case.sources, mute], [*case.evidence, *extra], case.prior)
    assert_same_weights(exact_weights(case), exact_weights(bigger))


@PROPERTY
@given(random_cases(), st.data())
def test_duplicate_under_same_origin_changes_nothing(case, data):
    from dataclasses import replace

    items = list(case.evidence)
    n = data.draw(st.integers(0, len(items) - 1))
    items[n] = replace(items[n], origin="one-claim")
    base = case.with_evidence(items)
    copy = replace(items[n], id="COPY")
    at = data.draw(st.integers(0, len(items)))
    doubled = case.with_evidence([*items[:at], copy, *items[at:]])
    assert_same_weights(exact_weights(base), exact_weights(doubled))


@PROPERTY
@given(random_cases(max_sources=3), st.floats(0.5, 30.0), st.floats(0.5, 30.0),
       st.lists(CELLS, min_size=4, max_size=4), CRED_CODES, MOTIVES)
def test_one_report_beta_source_equals_its_mean(case, al, be, cells, cred, motive):
    hyps = case.hypothesis_ids
    ratings = dict(zip(hyps, cells, strict=False))
    item = make_item("ONE", "lone", ratings, cred=cred)
    mean = al / (al + be)
    beta_src = make_source("lone", Reliability(mean, al, be), motive)
    point_src = make_source("lone", mean, motive)
    with_beta = make_case(hyps, [*case.sources, beta_src], [*case.evidence, item], case.prior)
    with_point = make_case(hyps, [*case.sources, point_src], [*case.evidence, item], case.prior)
    assert_same_weights(exact_weights(with_beta), exact_weights(with_point), rtol=1e-9)


@PROPERTY
@given(st.data())
def test_gauss_jacobi_equals_numerical_integration(data):
    k = data.draw(st.integers(2, 3))
    hyps = [f"h{j}" for j in range(k)]
    sources, items = [], []
    for s in range(data.draw(st.integers(1, 2))):
        al = data.draw(st.floats(0.5, 30.0))
        be = data.draw(st.floats(0.5, 30.0))
        sources.append(make_source(f"s{s}", Reliability(al / (al + be), al, be),
                                   data.draw(MOTIVES)))
        for i in range(data.draw(st.integers(2, 8))):
            ratings = {h: data.draw(st.floats(0.01, 0.99)) for h in hyps}
            items.append(make_item(f"E{s}-{i}", f"s{s}", ratings,
                                   cred=data.draw(st.floats(0.05, 1.0))))
    case = make_case(hyps, sources, items)
    expected = reference_log_likelihood(case)
    got = log_likelihood(case.arrays())
    # compare the integrals themselves where they are not vanishingly small
    big = expected > -30
    np.testing.assert_allclose(got[big], expected[big], rtol=0, atol=1e-8)
    np.testing.assert_allclose(exact_weights(case).mean, softmax(expected), rtol=1e-7,
                               atol=1e-12)


def test_bundled_case_equals_numerical_integration(bundled):
    # the reference integrates each source on its own: every report an event of its own
    separate = bundled.with_evidence(replace(e, event="", stance="asserts")
                                     for e in bundled.evidence)
    assert_same_weights(exact_weights(separate), reference_weights(separate), rtol=1e-7,
                        atol=1e-15)


def test_bundled_case_with_its_events_equals_the_product_grid(bundled, monkeypatch):
    want = exact_weights(bundled)
    monkeypatch.setattr(exact_module, "MAX_SHARED_EVENTS", -1)  # every group on the grid
    fresh = replace(bundled)  # a new numeric form, integrated the other way
    assert_same_weights(exact_weights(fresh), want, rtol=1e-9, atol=1e-15)


def test_bundled_case_counts_each_origin_once(bundled):
    arr = bundled.arrays()
    origins = [e.origin for e in bundled.evidence if e.id in arr.item_ids and e.origin]
    assert len(origins) == len(set(origins))
    dropped = {eid for eid, _ in arr.dropped}
    assert set(arr.item_ids) | dropped == {e.id for e in bundled.evidence}


# ---------------------------------------------------------------------------- log space
def many_items_case(rng: np.random.Generator, n_items: int = 5000, letters: bool = False):
    """A case with many items whose product of likelihoods underflows in linear space.

    Parameters
    ----------
    rng : numpy Generator
    n_items : int
    letters : bool
        Admiralty letters (Beta priors) for the sources instead of fixed reliabilities.

    Returns
    -------
    Case
    """
    hyps = ["a", "b", "c"]
    rels = list("ABCDEFAB") if letters else [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.6]
    sources = [make_source(f"s{n}", r, float(m))
               for n, (r, m) in enumerate(zip(rels, rng.uniform(0.05, 0.95, 8), strict=True))]
    exponents = rng.uniform(-300, 0, size=(n_items, 3))
    items = [make_item(f"E{i}", f"s{i % 8}", dict(zip(hyps, 10.0 ** exponents[i], strict=True)),
                       cred=str(rng.integers(1, 7)))
             for i in range(n_items)]
    return make_case(hyps, sources, items)


def test_five_thousand_items_stay_finite_and_match_plain_log_sums():
    rng = np.random.default_rng(20241031)
    case = many_items_case(rng)
    w = exact_weights(case)
    assert np.all(np.isfinite(w.mean))
    assert w.mean.sum() == pytest.approx(1.0, abs=1e-12)
    arr = case.arrays()
    rho = arr.rel_mean[arr.item_source] * arr.cred_factor
    loglik = np.zeros(3)
    for h in range(3):
        loglik[h] = math.fsum(math.log(stable_factor(r, p, a))
                              for r, p, a in zip(rho, arr.likelihood[:, h], arr.motive[:, h],
                                                 strict=True))
    assert np.all(loglik < -745)  # exp() of any of them underflows to 0
    assert_same_weights(w, softmax(loglik), rtol=1e-6, atol=1e-300)


def test_five_thousand_items_under_beta_priors_stay_finite():
    rng = np.random.default_rng(7)
    w = exact_weights(many_items_case(rng, letters=True))
    assert np.all(np.isfinite(w.mean))
    assert w.mean.sum() == pytest.approx(1.0, abs=1e-12)


def test_tiny_likelihoods_at_full_reliability_stay_finite():
    # 5,000 reports from a fully reliable source, each rated 1e-300 / 2e-300 in turn:
    # the likelihood ratios cancel pairwise, so the posterior is the prior.
    cells = [{"a": 1e-300, "b": 2e-300}, {"a": 2e-300, "b": 1e-300}]
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item(f"E{i}", "s", cells[i % 2]) for i in range(5000)],
                     prior={"a": 0.3, "b": 0.7})
    w = exact_weights(case)
    assert np.all(np.isfinite(w.mean))
    np.testing.assert_allclose(w.mean, [0.3, 0.7], rtol=1e-9)


def test_one_tiny_likelihood_item_at_full_reliability_by_hand():
    # P(E*|H) = p exactly at rho = 1: 1e-300 : 2e-300 : 3e-300 -> 1/6, 2/6, 3/6
    case = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": 1e-300, "b": 2e-300, "c": 3e-300})])
    np.testing.assert_allclose(exact_weights(case).mean, [1 / 6, 2 / 6, 3 / 6], rtol=1e-9)


# ---------------------------------------------------------------------------- sweeps
@pytest.fixture(scope="module")
def sweep_case():
    """A random 60-item case with 5 sources (points and letters) and 3 hypotheses."""
    rng = np.random.default_rng(11)
    hyps = ["a", "b", "c"]
    ratings = [*DEFAULT_RATING_SCALE, "NA"]
    sources = [make_source(f"s{n}", r, float(m))
               for n, (r, m) in enumerate(zip(["A", 0.4, "C", "F", 0.9],
                                              rng.uniform(0.1, 0.9, 5), strict=True))]
    items = [make_item(f"E{i}", f"s{rng.integers(0, 5)}",
                       {h: str(rng.choice(ratings)) for h in hyps}, cred=str(rng.integers(1, 7)))
             for i in range(60)]
    return make_case(hyps, sources, items, {"a": 0.2, "b": 0.5, "c": 0.3})


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
def test_sweep_equals_exact_for_random_rows(sweep_case, engine):
    rng = np.random.default_rng(3)
    rows = rng.uniform(0, 1, size=(64, len(sweep_case.sources)))
    rows[0] = 0.0
    rows[1] = 1.0
    got = sweep_weights(sweep_case, rows, engine=engine)
    assert got.shape == (64, 3)
    for row, weights in zip(rows, got, strict=True):
        assert_same_weights(weights, exact_weights(sweep_case, rho=row), rtol=1e-10)
        # and through the point-reliability path of the engine, source by source
        fixed = sweep_case
        for s, value in zip(sweep_case.sources, row, strict=True):
            fixed = fixed.with_source(s.id, reliability=float(value))
        assert_same_weights(weights, exact_weights(fixed), rtol=1e-10)


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
def test_sweep_with_motives_equals_changed_sources(sweep_case, engine):
    rng = np.random.default_rng(5)
    rows = rng.uniform(0, 1, size=(16, 5))
    motives = rng.uniform(0, 1, size=(16, 5))
    got = sweep_weights(sweep_case, rows, motives, engine=engine)
    for row, mot, weights in zip(rows, motives, got, strict=True):
        fixed = sweep_case
        for s, r, m in zip(sweep_case.sources, row, mot, strict=True):
            fixed = fixed.with_source(s.id, reliability=float(r), motive=float(m))
        assert_same_weights(weights, exact_weights(fixed), rtol=1e-10)


def test_sweep_on_bundled_case_equals_exact(bundled):
    rng = np.random.default_rng(17)
    rows = rng.uniform(0, 1, size=(32, len(bundled.sources)))
    compiled = sweep_weights(bundled, rows, engine="compiled")
    plain = sweep_weights(bundled, rows, engine="numpy")
    for row, a, b in zip(rows, compiled, plain, strict=True):
        expected = exact_weights(bundled, rho=row)
        assert_same_weights(a, expected, rtol=1e-9, atol=1e-15)
        assert_same_weights(b, expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
@pytest.mark.parametrize("bad", [-0.1, 1.1, -1e-12, 1 + 1e-12, float("nan"), float("inf")])
def test_sweep_rejects_reliability_outside_unit_interval(sweep_case, engine, bad):
    rows = np.full((3, 5), 0.5)
    rows[1, 2] = bad
    with pytest.raises(ValueError):
        sweep_weights(sweep_case, rows, engine=engine)


def test_sweep_rejects_motive_outside_unit_interval_and_wrong_width(sweep_case):
    rows = np.full((2, 5), 0.5)
    with pytest.raises(ValueError):
        sweep_weights(sweep_case, rows, np.full((2, 5), 1.2))
    with pytest.raises(ValueError):
        sweep_weights(sweep_case, np.full((2, 4), 0.5))


# ---------------------------------------------------------------------------- changed copies
def dated_case():
    """Three dated items and one undated, two sources, for the copy methods."""
    return make_case(
        ["a", "b"],
        [make_source("s", 0.9, 0.5), make_source("t", "B", 0.7)],
        [make_item("E1", "s", {"a": "C", "b": "I"}, date="2024-10-01"),
         make_item("E2", "t", {"a": "I", "b": "C"}, date="2024-10-15"),
         make_item("E3", "s", {"a": "CC", "b": "N"}, date="2024-11-01"),
         make_item("E4", "t", {"a": "N", "b": "II"})],
    )


def test_with_source_sets_point_reliability_and_motive():
    case = dated_case()
    changed = case.with_source("t", reliability=0.25, motive=0.1)
    assert changed.source("t").reliability == Reliability.point(0.25)
    assert changed.source("t").motive == 0.1
    assert changed.source("s") == case.source("s")
    assert case.source("t").reliability.letter == "B"  # the original is untouched
    # by hand: only E1 (s, fixed 0.9) and E2 / E4 (t, now fixed 0.25) and E3 (s)
    like = {}
    for h, cells in {"a": (0.8, 0.2, 0.95, 0.5), "b": (0.2, 0.8, 0.5, 0.05)}.items():
        like[h] = (stable_factor(0.9, cells[0], 0.5) * stable_factor(0.25, cells[1], 0.1)
                   * stable_factor(0.9, cells[2], 0.5) * stable_factor(0.25, cells[3], 0.1))
    assert exact_weights(changed)["a"] == pytest.approx(like["a"] / (like["a"] + like["b"]),
                                                        rel=1e-12)


def test_with_source_keeps_a_reliability_object_and_checks_values():
    case = dated_case()
    rel = Reliability(0.3, 3.0, 7.0)
    assert case.with_source("s", reliability=rel).source("s").reliability is rel
    assert case.with_source("s", reliability=0).source("s").reliability.mean == 0.0
    assert case.with_source("s", motive=0).source("s").motive == 0.0
    with pytest.raises(KeyError):
        case.with_source("nobody", reliability=0.5)
    with pytest.raises(ValueError):
        case.with_source("s", reliability=1.5)
    with pytest.raises(ValueError):
        case.with_source("s", motive=-0.1)


def test_with_source_changes_the_numbers_not_a_stale_cache():
    case = disease_case(1.0)
    exact_weights(case)  # fill the cached arrays of the original
    half = case.with_source("test", reliability=0.5)
    assert exact_weights(half)["disease"] == pytest.approx(0.007 / (0.007 + 0.99 * 0.275),
                                                           rel=1e-12)


def test_without_drops_named_items():
    case = dated_case()
    smaller = case.without("E2", "E4")
    assert [e.id for e in smaller.evidence] == ["E1", "E3"]
    assert [e.id for e in case.evidence] == ["E1", "E2", "E3", "E4"]
    # by hand: E1 and E3 from s at 0.9, motive 0.5
    like_a = stable_factor(0.9, 0.8, 0.5) * stable_factor(0.9, 0.95, 0.5)
    like_b = stable_factor(0.9, 0.2, 0.5) * stable_factor(0.9, 0.5, 0.5)
    assert exact_weights(smaller)["a"] == pytest.approx(like_a / (like_a + like_b), rel=1e-12)


def test_up_to_cuts_at_as_of_and_keeps_undated_items():
    case = dated_case()
    cut = case.up_to(dt.date(2024, 10, 15))
    assert [e.id for e in cut.evidence] == ["E1", "E2", "E4"]
    assert cut.as_of == dt.date(2024, 10, 15)
    assert cut.cutoff == dt.date(2024, 10, 15)
    assert [e.id for e in case.up_to(dt.date(2024, 9, 30)).evidence] == ["E4"]
    assert len(case.up_to(dt.date(2024, 11, 1)).evidence) == 4
    assert_same_weights(exact_weights(cut), exact_weights(case.without("E3")))


def test_with_prior_checks_and_applies():
    case = disease_case(1.0)
    flat = case.with_prior({"disease": 0.5, "healthy": 0.5})
    assert flat.prior == {"disease": 0.5, "healthy": 0.5}
    assert exact_weights(flat)["disease"] == pytest.approx(0.9 / 0.95, rel=1e-12)
    with pytest.raises(ValueError):
        case.with_prior({"disease": 0.5, "healthy": 0.6})
    with pytest.raises(ValueError):
        case.with_prior({"disease": 1.0})


SWEEP_IN_A_NEW_PROCESS = """
import numpy as np
from achlab import paths
from achlab.engines.exact import sweep_weights
from achlab.engines.sweep_kernel import kernel
from achlab.load.scenario import load_scenario
case = load_scenario(paths.scenarios_dir() / "baseline.yaml")
sweep_weights(case, np.full((2, len(case.sources)), 0.5))
print(sum(kernel.stats.cache_hits.values()), sum(kernel.stats.cache_misses.values()))
"""


@pytest.mark.slow
def test_a_new_process_loads_the_sweep_kernel_from_numbas_disk_cache():
    # A kernel that closes over other compiled functions cannot be cached: every process would
    # compile it again (seconds) and add one more file to the cache.
    import subprocess
    import sys

    def run() -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", SWEEP_IN_A_NEW_PROCESS],
                              capture_output=True, text=True, timeout=300, check=True)
        hits, misses = map(int, done.stdout.split())
        return hits, misses

    run()
    assert run() == (1, 0)
    # The kernel inlines the likelihood from another file, whose changes numba does not see:
    # a likelihood other than the one the cache was compiled from empties the cache.
    from achlab.engines.sweep_kernel import kernel

    stamp = Path(kernel._cache._cache_path) / "sweep_kernel.likelihood-stamp"
    stamp.write_text("the likelihood of an older version")
    assert run() == (0, 1)
    assert run() == (1, 0)
