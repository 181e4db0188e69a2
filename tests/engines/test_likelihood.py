"""The one report likelihood (:mod:`achlab.engines.likelihood`): its three forms agree."""

from __future__ import annotations

import numba
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from scipy import integrate
from scipy.stats import beta as beta_dist

from achlab.engines.likelihood import (
    EvidenceImpossibleError,
    compiled_report_probability,
    jacobi_rule,
    log_report_probability,
    logsumexp,
    normalise,
    report_probability,
    tensor_log_report_probability,
)

RNG = np.random.default_rng(20241025)
#: Random (rho, p, a) triples plus the corners: rho, p or a at 0 and 1.
GRID = np.vstack([RNG.uniform(size=(200, 3)),
                  np.array(np.meshgrid([0.0, 1.0], [0.0, 0.3, 1.0], [0.0, 0.5, 1.0]))
                  .reshape(3, -1).T])


def test_formula_by_hand():
    assert report_probability(0.8, 0.95, 0.5) == pytest.approx(0.8 * 0.95 + 0.2 * 0.5)
    assert report_probability(0.0, 0.95, 0.3) == 0.3  # an unreliable source says what it would
    assert report_probability(1.0, 1e-300, 0.9) == 1e-300  # exact at full reliability


def test_log_form_matches_and_is_minus_infinity_when_impossible():
    rho, p, a = GRID.T
    got = log_report_probability(rho, p, a)
    with np.errstate(divide="ignore"):
        assert np.array_equal(got, np.log(report_probability(rho, p, a)))
    assert log_report_probability(1.0, 0.0, 0.5) == -np.inf


def test_numba_form_equals_numpy_form():
    factor = compiled_report_probability()

    @numba.njit
    def many(x):
        out = np.empty(x.shape[0])
        for i in range(x.shape[0]):
            out[i] = np.log(factor(x[i, 0], x[i, 1], x[i, 2]))
        return out

    with np.errstate(divide="ignore"):  # numba's log may differ from numpy's in the last bit
        np.testing.assert_allclose(many(GRID), log_report_probability(*GRID.T), rtol=4e-16,
                                   atol=0)


def test_pytensor_form_equals_numpy_form_with_finite_gradient():
    rho, p, a = (pt.dvector(n) for n in ("rho", "p", "a"))
    out = tensor_log_report_probability(rho, p, a)
    f = pytensor.function([rho, p, a], out)
    np.testing.assert_allclose(f(*GRID.T), log_report_probability(*GRID.T), rtol=1e-14)
    grad = pytensor.function([rho, p, a], pytensor.grad(out.sum(), rho))
    assert np.all(np.isfinite(grad(*GRID.T)))


def test_normalise_raises_or_marks_impossible_rows():
    rows = np.array([[0.0, np.log(3.0)], [-np.inf, -np.inf]])
    with pytest.raises(EvidenceImpossibleError, match="zero probability"):
        normalise(rows, "toy")
    w = normalise(rows, impossible="nan")
    np.testing.assert_allclose(w[0], [0.25, 0.75])
    assert np.isnan(w[1]).all()
    with pytest.raises(ValueError, match="NaN"):
        normalise(np.array([0.0, np.nan]))


def test_logsumexp_of_nothing_possible_is_minus_infinity():
    assert logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert logsumexp(np.log([1.0, 2.0, 3.0])) == pytest.approx(np.log(6.0))


@pytest.mark.parametrize("n_items", [1, 2, 5, 9])
def test_jacobi_rule_integrates_polynomials_of_its_degree_exactly(n_items):
    alpha, beta = 16.0, 4.0
    nodes, logw = jacobi_rule(n_items, alpha, beta)
    coeffs = RNG.uniform(size=n_items + 1)
    poly = np.polynomial.Polynomial(coeffs)
    quad = float(np.sum(np.exp(logw) * poly(nodes)))
    ref, _ = integrate.quad(lambda x: poly(x) * beta_dist.pdf(x, alpha, beta), 0, 1,
                            epsabs=1e-13)
    assert quad == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize("half", [0.5, 0.5000000000000001, 0.4999999999999999])
def test_jacobi_rule_next_to_the_arcsine_prior_is_finite(half):
    """Beta(0.5, 0.5) a rounding error away: scipy's Gegenbauer rule divides by about 0 there
    (found by the property test of the exact engine)."""
    nodes, logw = jacobi_rule(4, half, half)
    exact = jacobi_rule(4, 0.5, 0.5)
    assert np.isfinite(nodes).all() and np.isfinite(logw).all()
    assert np.allclose(nodes, exact[0]) and np.allclose(logw, exact[1])
