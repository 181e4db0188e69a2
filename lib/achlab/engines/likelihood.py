"""The report likelihood of docs/model.md §1, and the arithmetic every engine shares.

A source with reliability ``rho`` (already scaled by the item's credibility) reports an event
whose probability under a hypothesis is ``p``; without real information it would say so anyway
with probability ``a`` (its motive). The chance of the report is

    P(report | H, rho) = rho p + (1 - rho) a

written here once, in the three forms the engines need, side by side:

- :func:`report_probability` / :func:`log_report_probability`: numpy (exact engine, sensitivity,
  indicators);
- :func:`compiled_log_report_probability`: the same expression inlined into numba kernels (the
  parallel sweep);
- :func:`tensor_log_report_probability`: PyTensor, for the PyMC model.

``tests/engines/test_likelihood.py`` checks the three against each other. The form
``rho p + (1 - rho) a`` (not ``a + rho (p - a)``) keeps likelihoods as small as 1e-300 exact at
``rho = 1``.

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


def scalar_log_report_probability(rho, p, a):
    """``log(rho p + (1 - rho) a)`` for scalars: the source numba compiles for the kernels."""
    return np.log(rho * p + (1.0 - rho) * a)


@lru_cache(maxsize=1)
def compiled_log_report_probability():
    """:func:`scalar_log_report_probability` compiled by numba, to call inside kernels.

    Built on first use, since importing numba takes a while. A module-level function (no
    closure), so numba's disk cache serves it and the kernels that call it across processes.
    """
    import numba

    return numba.njit(inline="always", cache=True)(scalar_log_report_probability)


def tensor_log_report_probability(rho, p, a):
    """``log(rho p + (1 - rho) a)`` as a PyTensor expression, for the PyMC model.

    A report impossible under a hypothesis (probability exactly 0) gives ``-inf`` there with a
    finite gradient: the log is only ever taken of positive numbers.
    """
    import pytensor.tensor as pt

    factors = rho * p + (1 - rho) * a
    positive = pt.gt(factors, 0)
    return pt.switch(positive, pt.log(pt.switch(positive, factors, 1.0)), -np.inf)


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
    x, w = roots_jacobi(m, beta - 1.0, alpha - 1.0)
    nodes = (x + 1.0) / 2.0
    with np.errstate(divide="ignore"):
        logw = np.log(w) - logsumexp(np.log(w))
    nodes.setflags(write=False)
    logw.setflags(write=False)
    return nodes, logw
