"""The report likelihood of docs/model.md §1, and the arithmetic every engine shares.

A source with reliability ``rho`` (already scaled by the item's credibility) reports an event
whose probability under a hypothesis is ``p``; without real information it would say so anyway
with probability ``a`` (its motive). The chance of the report is

    P(report | H, rho) = rho p + (1 - rho) a

written here once, in the three forms the engines need, side by side:

- :func:`report_probability` / :func:`log_report_probability`: numpy (exact engine, sensitivity,
  indicators);
- :func:`compiled_report_probability`: the same expression inlined into numba kernels (the
  parallel sweep multiplies the factors and takes one log per few events);
- :func:`tensor_log_report_probability`: PyTensor, for the PyMC model.

``tests/engines/test_likelihood.py`` checks the three against each other. The form
``rho p + (1 - rho) a`` (not ``a + rho (p - a)``) keeps likelihoods as small as 1e-300 exact at
``rho = 1``.

Events (model.md §4). Reports of one event ``F`` with ``q_k = P(F | H_k)`` are independent given
the event's truth; a report with reliability ``r`` and motive ``a`` (per hypothesis) gives

    asserts:  P(r | F) = r + (1 - r) a      P(r | not F) = (1 - r) a
    denies:   P(r | F) = (1 - r) a          P(r | not F) = r + (1 - r) a

    P(reports of F | H_k) = q_k prod_r P(r | F) + (1 - q_k) prod_r P(r | not F)

An event with one report is ``r p + (1 - r) a`` with ``p = q`` (asserts) or ``1 - q`` (denies),
computed by that very expression, so a case without events gives today's numbers bit for bit.
An observation has ``r = 1`` and ``a = 0``. Functions: :func:`log_event_probability` (numpy),
:func:`compiled_log_event_mixture` (numba), :func:`tensor_log_event_probability` (PyTensor).

Relevance (:data:`RELEVANCE_NOTE`) does not enter the Bayesian model.

Also here, once: :func:`logsumexp`, the one normaliser :func:`normalise`, and the quadrature rule
:func:`jacobi_rule` that integrates a Beta reliability out exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import roots_jacobi


class EvidenceImpossibleError(ValueError):
    """Raised when the evidence has zero likelihood under every hypothesis."""


# ---------------------------------------------------------------------------- the likelihood
def report_probability(rho, p, a):
    """``rho p + (1 - rho) a``: the chance of the report (numpy; broadcasts)."""
    return rho * p + (1.0 - rho) * a


def log_report_probability(rho, p, a):
    """``log(rho p + (1 - rho) a)``; ``-inf`` (no warning) where the report is impossible."""
    with np.errstate(divide="ignore"):
        return np.log(report_probability(rho, p, a))


def scalar_report_probability(rho, p, a):
    """``rho p + (1 - rho) a`` for scalars, not logged: the sweep kernel multiplies these."""
    return rho * p + (1.0 - rho) * a


@lru_cache(maxsize=1)
def compiled_report_probability():
    """:func:`scalar_report_probability` compiled by numba (module-level, disk-cached)."""
    import numba

    return numba.njit(inline="always", cache=True)(scalar_report_probability)


def tensor_log_report_probability(rho, p, a):
    """``log(rho p + (1 - rho) a)`` as a PyTensor expression, for the PyMC model.

    A report impossible under a hypothesis (probability exactly 0) gives ``-inf`` there with a
    finite gradient: the log is only ever taken of positive numbers.
    """
    import pytensor.tensor as pt

    factors = rho * p + (1 - rho) * a
    positive = pt.gt(factors, 0)
    return pt.switch(positive, pt.log(pt.switch(positive, factors, 1.0)), -np.inf)


#: Why the Bayesian weights ignore the ``relevance`` column (every output showing them can say so).
RELEVANCE_NOTE = ("Relevance (H/M/L) counts only in the classic ACH scores: the Bayesian weights "
                  "do not use it, because how much an item bears on the hypotheses is already in "
                  "its ratings (an item that bears on none is rated alike under all), and "
                  "weighting it again would count that twice.")

#: The same in a few words, for chart footers and one-line outputs.
RELEVANCE_SHORT = "relevance counts only in the classic ACH scores"


# ---------------------------------------------------------------------------- events
def report_given_event(r, a, denies):
    """``P(report | F)`` and ``P(report | not F)`` of reports (numpy; broadcasts).

    Parameters
    ----------
    r : array
        Reliabilities (source reliability times credibility factor; 1 for an observation).
    a : array
        Motives (0 for an observation).
    denies : array of bool
        True where the report denies the event.
    """
    said = r + (1.0 - r) * a
    unprompted = (1.0 - r) * a
    return np.where(denies, unprompted, said), np.where(denies, said, unprompted)


def log_event_mixture(q, log_given_true, log_given_false):
    """``log(q exp(t) + (1 - q) exp(f))``, ``-inf`` where both terms vanish (numpy)."""
    with np.errstate(divide="ignore"):
        return np.logaddexp(np.log(q) + log_given_true, np.log1p(-q) + log_given_false)


def log_event_probability(r, q, a, denies, event_start):
    """``log P(reports of F | H_k)`` for every event (numpy).

    Parameters
    ----------
    r : array (..., N)
        Reliability of each report (reports grouped event by event).
    q : array (N, K)
        ``q_k`` of each report's event.
    a : array (..., N, K)
        Motive of each report under each hypothesis.
    denies : array (N,) of bool
    event_start : array (E + 1,)
        The reports of event ``e`` are ``event_start[e]:event_start[e + 1]``.

    Returns
    -------
    array (..., E, K)
    """
    r = np.asarray(r, dtype=float)[..., None]
    first = event_start[:-1]
    single = np.diff(event_start) == 1
    out = np.empty((*r.shape[:-2], len(first), q.shape[1]))
    one = first[single]
    p = np.where(denies[one, None], 1.0 - q[one], q[one])
    out[..., single, :] = log_report_probability(r[..., one, :], p, a[..., one, :])
    if not single.all():
        given_true, given_false = report_given_event(r, a, denies[:, None])
        with np.errstate(divide="ignore"):
            log_true = np.add.reduceat(np.log(given_true), first, axis=-2)
            log_false = np.add.reduceat(np.log(given_false), first, axis=-2)
        mixture = log_event_mixture(q[first], log_true, log_false)
        out[..., ~single, :] = mixture[..., ~single, :]
    return out


def scalar_log_event_mixture(q, log_given_true, log_given_false):
    """``log(q exp(t) + (1 - q) exp(f))`` for scalars: the source numba compiles."""
    x = np.log(q) + log_given_true
    y = np.log1p(-q) + log_given_false
    top = max(x, y)
    if top == -np.inf:
        return -np.inf
    return top + np.log(np.exp(x - top) + np.exp(y - top))


@lru_cache(maxsize=1)
def compiled_log_event_mixture():
    """:func:`scalar_log_event_mixture` compiled by numba, to call inside kernels."""
    import numba

    return numba.njit(inline="always", cache=True)(scalar_log_event_mixture)


def tensor_log_event_probability(r, q, a, denies, report_event, single):
    """``log P(reports of F | H_k)`` as a PyTensor expression, shape (E, K).

    Parameters
    ----------
    r : tensor (N,)
        Reliability of each report.
    q : tensor (E, K)
        ``q_k`` of each event.
    a : tensor (N, K)
        Motive of each report under each hypothesis.
    denies : tensor (N,)
        1.0 where the report denies its event, else 0.0.
    report_event : tensor (N,) of int
    single : tensor (E,)
        1.0 where the event has one report (§1's formula is used as it is), else 0.0.
    """
    import pytensor.tensor as pt

    r = r[:, None]
    d = denies[:, None]
    q_report = q[report_event]
    p = d * (1 - q_report) + (1 - d) * q_report
    one = tensor_log_report_probability(r, p, a)
    said = r + (1 - r) * a
    unprompted = (1 - r) * a
    log_true = _tensor_log(d * unprompted + (1 - d) * said)
    log_false = _tensor_log(d * said + (1 - d) * unprompted)
    zeros = pt.zeros((q.shape[0], q.shape[1]))
    is_single = pt.gt(single, 0.5)[:, None]
    one_only = pt.switch(is_single[report_event], one, 0.0)
    sum_one = pt.inc_subtensor(zeros[report_event], one_only)
    sum_true = pt.inc_subtensor(zeros[report_event], pt.switch(is_single[report_event], 0.0,
                                                               log_true))
    sum_false = pt.inc_subtensor(zeros[report_event], pt.switch(is_single[report_event], 0.0,
                                                                log_false))
    mixture = _tensor_logaddexp(_tensor_log(q) + sum_true, _tensor_log(1 - q) + sum_false)
    return pt.switch(is_single, sum_one, mixture)


def _tensor_logaddexp(x, y):
    """``log(exp x + exp y)`` whose gradient stays finite where one term is ``-inf``."""
    import pytensor.tensor as pt

    top = pt.maximum(x, y)
    top = pt.switch(pt.isinf(top), 0.0, top)
    return top + pt.log(pt.exp(x - top) + pt.exp(y - top))


def _tensor_log(x):
    """``log x`` with ``-inf`` (and a finite gradient) where ``x`` is 0."""
    import pytensor.tensor as pt

    positive = pt.gt(x, 0)
    return pt.switch(positive, pt.log(pt.switch(positive, x, 1.0)), -np.inf)


# ---------------------------------------------------------------------------- sums and weights
def logsumexp(a: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(a)))`` along ``axis``, stable, ``-inf`` when every term is ``-inf``.

    A plain-numpy version: SciPy's is several times slower on the small arrays used here.
    """
    a = np.asarray(a, dtype=float)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


def normalise(log_post: np.ndarray, case_id: str = "", impossible: str = "raise") -> np.ndarray:
    """Posterior probabilities from unnormalised log posteriors (last axis = hypotheses).

    Parameters
    ----------
    log_post : array (..., K)
        Log prior plus log-likelihood, one row per setting.
    case_id : str
        Named in the error message.
    impossible : {"raise", "nan"}
        What a row whose evidence has zero probability under every hypothesis becomes: an
        :class:`EvidenceImpossibleError` (default), or a row of NaN for the caller to mark
        (sweeps over many settings, where some settings may be impossible).

    Returns
    -------
    array (..., K)
    """
    log_post = np.asarray(log_post, dtype=float)
    if np.isnan(log_post).any():
        raise ValueError(f"case {case_id}: a log posterior is NaN (a likelihood or prior outside "
                         "[0, 1])")
    ok = np.isfinite(log_post).any(axis=-1, keepdims=True)
    if not ok.all() and impossible == "raise":
        raise EvidenceImpossibleError(
            f"case {case_id}: the evidence has zero probability under every hypothesis "
            "(an item rated 0 under every hypothesis with a reliability-1 source, or a prior of 0)"
        )
    if impossible not in {"raise", "nan"}:
        raise ValueError(f"impossible must be 'raise' or 'nan', got {impossible!r}")
    safe = np.where(ok, log_post, 0.0)
    weights = np.exp(safe - logsumexp(safe, axis=-1, keepdims=True))
    return np.where(ok, weights, np.nan)


# ---------------------------------------------------------------------------- quadrature
@lru_cache(maxsize=4096)
def jacobi_rule(n_items: int, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes on [0, 1] and log weights (summing to 1) of a quadrature for Beta(alpha, beta).

    The rule is exact for Beta(alpha, beta) integrands that are polynomials of degree ``n_items``.
    """
    m = max(1, -(-(n_items + 1) // 2))
    a, b = beta - 1.0, alpha - 1.0
    if a == b and abs(a + 0.5) < 1e-8:
        # Equal parameters go to scipy's Gegenbauer rule, which divides by (a + 0.5): exactly
        # -0.5 is Chebyshev's case, handled; a rounding error away from it gives infinities.
        a = b = -0.5
    x, w = roots_jacobi(m, a, b)
    nodes = (x + 1.0) / 2.0
    with np.errstate(divide="ignore"):
        logw = np.log(w) - logsumexp(np.log(w))
    nodes.setflags(write=False)
    logw.setflags(write=False)
    return nodes, logw
