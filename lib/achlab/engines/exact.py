"""The exact engine of model.md §1, in log space.

For each report, ``P(E*_i | H_k, rho) = rho_i p_ik + (1 - rho_i) a_i`` with ``rho_i = rho_s c_i``.
A source with a fixed reliability contributes ``sum_i log(...)``; a source with a Beta prior
contributes ``log ∫ prod_i (...) Beta(rho) d rho``, computed exactly by Gauss–Jacobi quadrature with
``ceil((n_s + 1) / 2)`` nodes (the integrand is a polynomial of degree ``n_s``), summed in log space
with ``logsumexp``. Sweeps over many reliability settings are one compiled, parallel loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from achlab.engines.likelihood import (
    EvidenceImpossibleError,
    compiled_log_report_probability,
    jacobi_rule,
    log_report_probability,
    logsumexp,
    normalise,
)
from achlab.model import Case, CaseArrays
from achlab.model.words import estimative_word

__all__ = ["EvidenceImpossibleError", "Weights", "exact_weights", "log_likelihood",
           "sweep_log_posterior", "sweep_weights"]


@dataclass(frozen=True)
class Weights:
    """Hypothesis weights (posterior probabilities), optionally with an 89 % interval."""

    hypothesis_ids: tuple[str, ...]
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    method: str
    labels: dict[str, str]
    yardstick: str = "icd203"

    def __getitem__(self, hypothesis_id: str) -> float:
        return float(self.mean[self.hypothesis_ids.index(hypothesis_id)])

    @property
    def leading(self) -> str:
        """Id of the hypothesis with the highest weight."""
        return self.hypothesis_ids[int(np.argmax(self.mean))]

    def words(self, hypothesis_id: str) -> str:
        """Estimative word for one hypothesis."""
        return estimative_word(self[hypothesis_id], self.yardstick)

    def as_dict(self) -> dict[str, dict[str, float | str]]:
        """``{hyp: {"mean", "low", "high", "words"}}`` as in the JSON of model.md §3."""
        return {
            h: {"mean": float(m), "low": float(lo), "high": float(hi),
                "words": estimative_word(float(m), self.yardstick)}
            for h, m, lo, hi in zip(self.hypothesis_ids, self.mean, self.low, self.high,
                                    strict=True)
        }

    def to_frame(self):
        """A table: label, weight, 89 % interval, estimative word."""
        import pandas as pd

        return pd.DataFrame(
            {
                "hypothesis": [self.labels.get(h, h) for h in self.hypothesis_ids],
                "weight": self.mean,
                "low (89 %)": self.low,
                "high (89 %)": self.high,
                "words": [estimative_word(float(m), self.yardstick) for m in self.mean],
            },
            index=pd.Index(self.hypothesis_ids, name="id"),
        )


# ---------------------------------------------------------------------------- one case
def _log_factors(arr: CaseArrays, rho_items: np.ndarray) -> np.ndarray:
    """Log report probabilities ``log(r p_ik + (1 - r) a_i)``, ``r = rho_items c_i`` (..., N)."""
    r = (rho_items * arr.cred_factor)[..., None]
    return log_report_probability(r, arr.likelihood, arr.motive[:, None])


def log_likelihood(arr: CaseArrays, rho: np.ndarray | None = None) -> np.ndarray:
    """Log-likelihood of all reports under each hypothesis, shape (K,).

    Parameters
    ----------
    arr : CaseArrays
        Numeric form of the case.
    rho : array (S,), optional
        Point reliabilities for every source. Default: each source's own, i.e. its fixed value,
        or its Beta prior integrated out exactly.
    """
    k = len(arr.hypothesis_ids)
    total = np.zeros(k)
    if rho is not None:
        return _log_factors(arr, np.asarray(rho, float)[arr.item_source]).sum(axis=0)
    for s in range(len(arr.source_ids)):
        mask = arr.item_source == s
        n_s = int(mask.sum())
        if n_s == 0:
            continue
        sub_p = arr.likelihood[mask]
        sub_a = arr.motive[mask][:, None]
        sub_c = arr.cred_factor[mask][:, None]
        if arr.rel_is_point[s]:
            r = arr.rel_mean[s] * sub_c
            total += log_report_probability(r, sub_p, sub_a).sum(axis=0)
            continue
        nodes, logw = jacobi_rule(n_s, float(arr.rel_alpha[s]), float(arr.rel_beta[s]))
        # (m, n_s, K): each node's factors, summed over items, then integrated over nodes.
        r = nodes[:, None, None] * sub_c
        logf = log_report_probability(r, sub_p, sub_a).sum(axis=1)
        total += logsumexp(logw[:, None] + logf, axis=0)
    return total


def exact_weights(case: Case, rho: np.ndarray | None = None) -> Weights:
    """Posterior hypothesis weights of a case, exactly (model.md §1).

    Parameters
    ----------
    case : Case
        The case under one set of assumptions.
    rho : array (S,), optional
        Point reliabilities overriding every source's own (in the order of ``case.sources``).

    Returns
    -------
    Weights
        Point answer: ``low`` and ``high`` equal ``mean``.
    """
    arr = case.arrays()
    if rho is not None:
        rho = np.asarray(rho, dtype=float)
        if rho.shape != (len(arr.source_ids),):
            raise ValueError(f"rho must have one value per source ({len(arr.source_ids)})")
        if np.isnan(rho).any() or np.any((rho < 0) | (rho > 1)):
            raise ValueError("every reliability must be in [0, 1]")
    probs = normalise(arr.log_prior + log_likelihood(arr, rho), case.id)
    return Weights(arr.hypothesis_ids, probs, probs, probs, "exact", case.labels, case.yardstick)


# ---------------------------------------------------------------------------- sweeps
def _sweep_numpy(log_prior, p, c, src, rho, motive, item_motive, own):
    """Reference implementation of :func:`sweep_log_posterior` in numpy."""
    rho_items = rho[:, src] * c  # (R, N)
    a_items = np.where(own, item_motive, motive[:, src])  # (R, N)
    logf = log_report_probability(rho_items[..., None], p, a_items[..., None])
    return log_prior + logf.sum(axis=1)


#: The compiled report likelihood the sweep kernel calls; a module global, not a closure
#: variable, so that numba's disk cache serves the kernel to every process.
_log_report = None


def _make_kernel():
    global _log_report
    try:
        import numba
    except ImportError:  # pragma: no cover - numba comes with pytensor
        return None
    _log_report = compiled_log_report_probability()

    @numba.njit(parallel=True, cache=True, fastmath=False)
    def kernel(log_prior, p, c, src, rho, motive, item_motive, own):  # pragma: no cover
        r_count, k_count, n_count = rho.shape[0], p.shape[1], p.shape[0]
        out = np.empty((r_count, k_count))
        for r in numba.prange(r_count):
            for k in range(k_count):
                acc = log_prior[k]
                for i in range(n_count):
                    w = rho[r, src[i]] * c[i]
                    a = item_motive[i] if own[i] else motive[r, src[i]]
                    acc += _log_report(w, p[i, k], a)
                out[r, k] = acc
        return out

    return kernel


_KERNEL = None


def sweep_log_posterior(case: Case, rho: np.ndarray, motive: np.ndarray | None = None,
                        engine: str = "compiled") -> np.ndarray:
    """Unnormalised log posterior for many point-reliability settings at once.

    Parameters
    ----------
    case : Case
    rho : array (R, S)
        One row of source reliabilities per setting (order of ``case.sources``).
    motive : array (R, S), optional
        Source motives per setting; default each source's own. An item that sets its own
        motive keeps it.
    engine : {"compiled", "numpy"}
        A parallel compiled loop (default) or plain numpy.

    Returns
    -------
    array (R, K)
    """
    global _KERNEL
    arr = case.arrays()
    rho = np.atleast_2d(np.asarray(rho, dtype=float))
    n_src = len(arr.source_ids)
    if rho.shape[1] != n_src:
        raise ValueError(f"rho must have one column per source ({n_src}), got {rho.shape[1]}")
    if np.any((rho < 0) | (rho > 1)) or np.isnan(rho).any():
        raise ValueError("every reliability must be in [0, 1]")
    if motive is None:
        base = np.array([s.motive for s in case.sources])
        motive = np.broadcast_to(base, rho.shape)
    motive = np.ascontiguousarray(np.broadcast_to(np.asarray(motive, float), rho.shape))
    if np.any((motive < 0) | (motive > 1)) or np.isnan(motive).any():
        raise ValueError("every motive must be in [0, 1]")
    args = (arr.log_prior, arr.likelihood, arr.cred_factor, arr.item_source,
            np.ascontiguousarray(rho), motive, arr.motive, arr.own_motive)
    if engine == "compiled":
        if _KERNEL is None:
            _KERNEL = _make_kernel()
        if _KERNEL is not None:
            return _KERNEL(*args)
    return _sweep_numpy(*args)


def sweep_weights(case: Case, rho: np.ndarray, motive: np.ndarray | None = None,
                  engine: str = "compiled") -> np.ndarray:
    """Posterior weights (R, K) for many reliability (and motive) settings: one array op."""
    return normalise(sweep_log_posterior(case, rho, motive, engine), case.id)
