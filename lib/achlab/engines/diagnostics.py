"""Convergence diagnostics of MCMC draws, in NumPy: the table ``arviz.summary`` gives.

A fit is quoted only after its checks (r_hat, bulk ESS; :mod:`achlab.engines.mcmc`). ArviZ
computes them well, but importing it also imports its plotting and LOO modules, SciPy's
statistics and matplotlib: about 1.9 s, more than a whole fit of the bundled case from the kept
compile. This module computes the same columns as ``arviz.summary(..., round_to="none")`` (mean,
sd, equal-tailed interval, bulk and tail ESS, rank-normalised split r_hat, MCSE of the mean and
of the sd) with NumPy and ``scipy.special`` only. The tests hold it equal to ArviZ's numbers.

The formulas are those of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021),
"Rank-normalization, folding, and localization: an improved R-hat for assessing convergence of
MCMC", *Bayesian Analysis* 16(2), as ArviZ implements them: ranks are back-transformed with
Blom's offset (3/8); ESS uses Geyer's initial monotone sequence on the FFT autocovariance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtri

#: The columns of the summary, in ArviZ's order (the interval's two are named per ``ci_prob``).
STATS = ("mean", "sd")
CHECKS = ("ess_bulk", "ess_tail", "r_hat", "mcse_mean", "mcse_sd")
MIN_DRAWS = 4  # fewer draws per chain give no ESS or r_hat (NaN), as in ArviZ


def summary(draws: Mapping[str, tuple[np.ndarray, Sequence[str]]], ci_prob: float,
            tail_prob: float = 0.89):
    """One row per scalar quantity: mean, sd, interval, ESS, r_hat and MCSE.

    Parameters
    ----------
    draws : mapping of name to (array, labels)
        Each array has shape (chain, draw, n) and ``labels`` names its last axis; rows are
        labelled ``name[label]``, in the mapping's order.
    ci_prob : float
        Mass of the equal-tailed interval (columns ``eti<percent>_lb`` and ``_ub``).
    tail_prob : float
        Tail ESS is the smaller of the ESS of the indicators ``x <= q`` at the quantiles
        ``1 - tail_prob`` and ``tail_prob``. ArviZ takes it from its setting
        ``rcParams["stats.ci_prob"]`` (0.89 unless changed), not from ``ci_prob``; this
        module never reads ArviZ's settings, so the default here is that default.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    percent = int(ci_prob * 100)
    columns = [*STATS, f"eti{percent}_lb", f"eti{percent}_ub", *CHECKS]
    rows, index = [], []
    for name, (values, labels) in draws.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 3 or values.shape[2] != len(labels):
            raise ValueError(f"draws of {name!r}: expected (chain, draw, {len(labels)}), "
                             f"got shape {values.shape}")
        for k, label in enumerate(labels):
            with np.errstate(divide="ignore", invalid="ignore"):  # constant: NaN r_hat, as ArviZ
                rows.append(_row(values[:, :, k], ci_prob, tail_prob))
            index.append(f"{name}[{label}]")
    return pd.DataFrame(rows, index=index, columns=columns)


def _row(x: np.ndarray, ci_prob: float, tail_prob: float) -> list[float]:
    """The summary of one quantity's draws, shape (chain, draw)."""
    edge = (1 - ci_prob) / 2
    low, high = np.quantile(x, [edge, 1 - edge])
    sd = float(np.std(x, ddof=1)) if x.size > 1 else np.nan
    return [float(np.mean(x)), sd, float(low), float(high), ess_bulk(x),
            ess_tail(x, tail_prob), r_hat(x), mcse_mean(x), mcse_sd(x)]


# ---------------------------------------------------------------------------- the diagnostics
def r_hat(x: np.ndarray) -> float:
    """Rank-normalised split r_hat: the larger of the bulk and the folded (tail) r_hat."""
    x = np.asarray(x, dtype=float)
    if _invalid(x, min_chains=2):
        return np.nan
    split = _split_chains(x)
    bulk = _basic_rhat(_z_scale(split))
    tail = _basic_rhat(_z_scale(np.abs(split - np.median(split))))
    return float(max(bulk, tail))


def ess_bulk(x: np.ndarray) -> float:
    """Bulk ESS: the ESS of the rank-normalised split chains."""
    x = np.asarray(x, dtype=float)
    if _invalid(x):
        return np.nan
    return _ess(_z_scale(_split_chains(x)))


def ess_tail(x: np.ndarray, prob: float = 0.89) -> float:
    """Tail ESS: the smaller ESS of the indicators of the two tail quantiles."""
    x = np.asarray(x, dtype=float)
    if _invalid(x):
        return np.nan
    return float(min(_ess_quantile(x, p) for p in sorted((prob, 1 - prob))))


def mcse_mean(x: np.ndarray) -> float:
    """Monte Carlo standard error of the mean: sd over the square root of the split ESS."""
    x = np.asarray(x, dtype=float)
    if _invalid(x):
        return np.nan
    return float(np.std(x, ddof=1) / np.sqrt(_ess(_split_chains(x))))


def mcse_sd(x: np.ndarray) -> float:
    """Monte Carlo standard error of the sd (delta method on the variance's ESS)."""
    x = np.asarray(x, dtype=float)
    if _invalid(x):
        return np.nan
    centred = x - x.mean()
    ess = _ess(_split_chains(centred**2))
    variance = (centred**2).mean()
    var_of_var = ((centred**4).mean() - variance**2) / ess
    return float(np.sqrt(var_of_var / variance / 4))


# ---------------------------------------------------------------------------- the pieces
def _invalid(x: np.ndarray, min_chains: int = 1) -> bool:
    """Too few chains or draws, or a NaN among the draws (ArviZ then gives NaN too)."""
    return bool(x.shape[0] < min_chains or x.shape[1] < MIN_DRAWS or np.isnan(x).any())


def _split_chains(x: np.ndarray) -> np.ndarray:
    """Each chain's first and last halves as separate chains (an odd count's middle draw goes)."""
    half = x.shape[1] // 2
    return np.vstack((x[:, :half], x[:, -half:]))


def _ess_quantile(x: np.ndarray, prob: float) -> float:
    """ESS of the indicator ``x <= quantile(x, prob)`` over split chains."""
    below = (x <= np.quantile(x, prob)).astype(float)
    return _ess(_split_chains(below))


def _rank_average(flat: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``flat``, ties given their average rank (``scipy.stats.rankdata``)."""
    order = np.argsort(flat, kind="mergesort")
    ordered = flat[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(starts)  # 1-based group of each sorted value
    bounds = np.r_[np.flatnonzero(starts), flat.size]  # first position of each group, then n
    average = 0.5 * (bounds[group] + bounds[group - 1] + 1)
    ranks = np.empty(flat.size)
    ranks[order] = average
    return ranks


def _z_scale(x: np.ndarray) -> np.ndarray:
    """Normal scores of the pooled ranks, with Blom's offset: ``ndtri((r - 3/8) / (n + 1/4))``."""
    ranks = _rank_average(x.ravel())
    offset = 3 / 8
    return ndtri((ranks - offset) / (x.size - 2 * offset + 1)).reshape(x.shape)


def _basic_rhat(x: np.ndarray) -> float:
    """Gelman-Rubin r_hat of chains laid out as rows."""
    n = x.shape[1]
    between = n * np.var(x.mean(axis=1), ddof=1)
    within = np.mean(np.var(x, axis=1, ddof=1))
    return float(np.sqrt((between / within + n - 1) / n))


def _autocov(x: np.ndarray) -> np.ndarray:
    """Autocovariance of each row at every lag, by FFT with zero padding."""
    n = x.shape[1]
    size = _fast_length(2 * n)
    centred = x - x.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    spectrum *= np.conjugate(spectrum)
    return np.fft.irfft(spectrum, n=size, axis=1)[:, :n] / n


def _fast_length(target: int) -> int:
    """The smallest 5-smooth number (only factors 2, 3, 5) at least ``target``."""
    best = 1 << max(target - 1, 0).bit_length()  # a power of two is always a candidate
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            candidate = power35
            while candidate < target:
                candidate *= 2
            best = min(best, candidate)
            power35 *= 3
        power5 *= 5
    return best


def _ess(x: np.ndarray) -> float:
    """ESS of chains laid out as rows: Geyer's initial monotone sequence on the autocorrelation."""
    if np.max(x) - np.min(x) < np.finfo(float).resolution:
        return float(x.size)  # constant: every draw counts
    n_chain, n_draw = x.shape
    acov = _autocov(x)
    mean_var = np.mean(acov[:, 0]) * n_draw / (n_draw - 1.0)
    var_plus = mean_var * (n_draw - 1.0) / n_draw
    if n_chain > 1:
        var_plus += np.var(x.mean(axis=1), ddof=1)
    rho = np.zeros(n_draw)
    rho_even, rho_odd = 1.0, 1.0 - (mean_var - np.mean(acov[:, 1])) / var_plus
    rho[0], rho[1] = rho_even, rho_odd
    t = 1  # Geyer's initial positive sequence
    while t < n_draw - 3 and rho_even + rho_odd > 0.0:
        rho_even = 1.0 - (mean_var - np.mean(acov[:, t + 1])) / var_plus
        rho_odd = 1.0 - (mean_var - np.mean(acov[:, t + 2])) / var_plus
        if rho_even + rho_odd >= 0:
            rho[t + 1], rho[t + 2] = rho_even, rho_odd
        t += 2
    max_t = t - 2
    if rho_even > 0:
        rho[max_t + 1] = rho_even
    t = 1  # ... made monotone
    while t <= max_t - 2:
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = rho[t + 2] = (rho[t - 1] + rho[t]) / 2.0
        t += 2
    total = n_chain * n_draw
    tau = -1.0 + 2.0 * np.sum(rho[: max_t + 1]) + np.sum(rho[max_t + 1: max_t + 2])
    tau = max(tau, 1 / np.log10(total))
    return float(np.nan if np.isnan(rho).any() else total / tau)
