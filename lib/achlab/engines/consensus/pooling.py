"""The analysts pooled in PyMC.

:func:`pooled_weights` pools the analysts in a small PyMC model: every rated vote is a noisy
reading, on the log-odds scale, of a likelihood the cell shares::

    shared_c  ~ Normal(logit(mean of the votes' scale values), 1.5)   per cell c
    sigma_j   ~ HalfNormal(1)                                         per analyst j
    logit(scale[vote_jc]) ~ Normal(shared_c, sqrt(sigma_j**2 + 0.4**2))

An analyst who often disagrees with the others (large ``sigma_j``) counts for less everywhere.
The ``0.4`` is the rounding noise of a rating (``rounding_sd``), our addition to the plain model:
without it an analyst who never disagrees with anyone could have ``sigma_j -> 0`` with the shared
values sitting on that analyst's readings, the posterior would be improper and the sampler would
get stuck (``rounding_sd=0`` gives the plain model). The pooled likelihood of a cell is the
posterior mean of ``inv_logit(shared_c)``; the weights come from the exact engine on those
likelihoods (``NA`` where the ``NA`` votes outnumber the rated ones, as in the consensus).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace

import numpy as np

from achlab.engines.consensus.rules import ROUNDING_SD, AnalystRatings, consensus
from achlab.engines.consensus.weights import apply_ratings
from achlab.engines.exact import Weights, exact_weights
from achlab.engines.mcmc import optional_call
from achlab.model import Case
from achlab.model.scales import NOT_APPLICABLE, interval_tails


@dataclass(frozen=True)
class PooledResult:
    """The analysts' ratings pooled in PyMC, and the weights they give.

    Attributes
    ----------
    case : Case
        The case with the pooled likelihoods in place of the voted cells' ratings.
    likelihood : dict
        ``{evidence_id: {hypothesis_id: p}}``: posterior mean of ``inv_logit(shared)`` for every
        cell with at least one rated vote (including cells whose consensus is ``NA``).
    interval : dict
        ``{evidence_id: {hypothesis_id: (low, high)}}``: 89 % interval of the pooled likelihood.
    weights : Weights
        Exact weights of :attr:`case`.
    analyst_sd : dict
        ``{analyst: posterior mean of sigma_j}``: how far each analyst's readings stray from the
        shared ones, on the log-odds scale (larger = less weight in the pool).
    idata : object
        The PyMC inference data.
    divergences : int
        Divergent transitions (0 is what you want).
    max_r_hat : float
        Largest r_hat of the shared log-odds (at most 1.01 is what you want).
    settings : dict
        Sampler settings used.
    """

    case: Case
    likelihood: dict[str, dict[str, float]]
    interval: dict[str, dict[str, tuple[float, float]]]
    weights: Weights
    analyst_sd: dict[str, float]
    idata: object
    divergences: int
    max_r_hat: float
    settings: dict

    def to_frame(self):
        """One row per pooled cell: pooled likelihood and its 89 % interval."""
        import pandas as pd

        rows = [{"evidence_id": e, "hypothesis": h, "pooled": p,
                 "low": self.interval[e][h][0], "high": self.interval[e][h][1]}
                for e, cells in self.likelihood.items() for h, p in cells.items()]
        return pd.DataFrame(rows).set_index(["evidence_id", "hypothesis"])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def pooled_weights(case: Case, analysts: AnalystRatings, *, draws: int = 1000, tune: int = 1000,
                   chains: int = 2, seed: int | None = None, sampler: str = "nutpie",
                   target_accept: float = 0.9,
                   rounding_sd: float = ROUNDING_SD, store=None) -> PooledResult:
    """Pool the analysts' ratings in PyMC and compute the weights from the pooled likelihoods.

    Parameters
    ----------
    case : Case
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``.
    draws, tune : int
        Draws kept and tuning steps per chain.
    chains : int
        2 to 4 chains (sampled on 2 cores).
    seed : int, optional
        Random seed (default: the case's seed); the same seed gives the same numbers.
    sampler : {"nutpie", "pymc"}
        NUTS implementation. nutpie (default) compiles the model once per shape (cells,
        analysts, votes) and refits later cases of that shape with new data; PyMC's own sampler
        compiles and starts worker processes on every call.
    target_accept : float
        NUTS target acceptance rate.
    rounding_sd : float
        Noise every reading has because a rating is a rounded judgement (log-odds scale): the
        reading's standard deviation is ``sqrt(sigma_j**2 + rounding_sd**2)``. Without it
        (``0``) the posterior is improper whenever an analyst never disagrees with anyone on a
        cell: ``sigma_j`` can then shrink to zero with the shared values sitting on that
        analyst's readings, and the sampler gets stuck.
    store : object, optional
        Where posteriors are kept between processes, as in :func:`achlab.engines.mcmc.fit`:
        ``get(key)`` gives ``(idata, seconds)`` or ``None``, ``put(key, idata, seconds)``. The key
        hashes the readings, the cells, the analysts and the sampler settings, so a scenario
        whose votes are unchanged reads the kept posterior instead of sampling again. A store
        with ``get_diagnostics``/``put_diagnostics`` also keeps the largest r_hat.

    Returns
    -------
    PooledResult

    Raises
    ------
    ValueError
        For bad ratings, a bad number of chains, or when no cell has a rated vote.
    """
    import os

    from achlab import paths

    os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={paths.cache_dir() / 'pytensor'}")
    given = _pooling_inputs(case, analysts, draws=draws, tune=tune, chains=chains, seed=seed,
                            sampler=sampler, target_accept=target_accept,
                            rounding_sd=rounding_sd)
    result, cells, names, settings, key = (given.result, given.cells, given.names,
                                           given.settings, given.key)
    kept = store.get(key) if store is not None else None
    max_r_hat = None
    if kept is not None:
        idata = kept[0]
        max_r_hat = optional_call(store, "get_diagnostics", key)
    else:
        started = time.perf_counter()
        idata = _sample_pooled(given.coords, given.centre, given.cell_idx, given.analyst_idx,
                               given.readings, settings)
        if store is not None:
            store.put(key, idata, time.perf_counter() - started)
    pooled = idata.posterior["pooled"].values.reshape(-1, len(cells))
    lo_q, hi_q = interval_tails()
    lows, highs = np.quantile(pooled, lo_q, axis=0), np.quantile(pooled, hi_q, axis=0)
    likelihood: dict[str, dict[str, float]] = {}
    interval: dict[str, dict[str, tuple[float, float]]] = {}
    applied: dict[str, dict[str, str | float]] = {}
    for n, c in enumerate(cells):
        p = float(pooled[:, n].mean())
        likelihood.setdefault(c.evidence_id, {})[c.hypothesis_id] = p
        interval.setdefault(c.evidence_id, {})[c.hypothesis_id] = (float(lows[n]),
                                                                   float(highs[n]))
        applied.setdefault(c.evidence_id, {})[c.hypothesis_id] = (
            NOT_APPLICABLE if c.consensus == NOT_APPLICABLE else p)
    for c in result.cells:  # cells voted NA by everyone
        if c.n_rated == 0:
            applied.setdefault(c.evidence_id, {})[c.hypothesis_id] = NOT_APPLICABLE
    pooled_case = apply_ratings(case, applied)
    weights = replace(exact_weights(pooled_case), method="pooled")
    sd = idata.posterior["sigma"].values.reshape(-1, len(names)).mean(axis=0)
    if max_r_hat is None:  # kept with the draws when the store can
        max_r_hat = _largest_r_hat(idata.posterior["shared"].values)
        optional_call(store, "put_diagnostics", key, max_r_hat)
    divergences = int(np.asarray(idata.sample_stats["diverging"]).sum())
    return PooledResult(pooled_case, likelihood, interval, weights,
                        {a: float(s) for a, s in zip(names, sd, strict=True)}, idata,
                        divergences, float(max_r_hat), settings)


@dataclass
class _PoolingInputs:
    """What the pooling model is given, and the key of its draws."""

    result: object  # the ConsensusResult
    cells: list
    names: list[str]
    coords: dict
    cell_idx: list[int]
    analyst_idx: list[int]
    readings: list[float]
    centre: list[float]
    settings: dict
    key: str


def _pooling_inputs(case: Case, analysts: AnalystRatings, *, draws: int = 1000,
                    tune: int = 1000, chains: int = 2, seed: int | None = None,
                    sampler: str = "nutpie", target_accept: float = 0.9,
                    rounding_sd: float = ROUNDING_SD) -> _PoolingInputs:
    """The pooling model's data and settings for ``case`` (see :func:`pooled_weights`)."""
    if not 2 <= chains <= 4:
        raise ValueError(f"chains must be 2 to 4, got {chains}")
    if sampler not in {"pymc", "nutpie"}:
        raise ValueError(f"sampler must be 'pymc' or 'nutpie', got {sampler!r}")
    result = consensus(case, analysts)
    scale = case.scales.rating
    cells = [c for c in result.cells if c.n_rated > 0]
    if not cells:
        raise ValueError("no cell has a rated vote: nothing to pool")
    names = [a for a in result.analysts
             if any(r != NOT_APPLICABLE for c in cells for aa, r in c.votes.items() if aa == a)]
    a_index = {a: n for n, a in enumerate(names)}
    cell_idx, analyst_idx, readings, centre = [], [], [], []
    for n, c in enumerate(cells):
        probs = [scale[r] for r in c.votes.values() if r != NOT_APPLICABLE]
        centre.append(float(_logit(np.mean(probs))))
        for a, r in c.votes.items():
            if r != NOT_APPLICABLE:
                cell_idx.append(n)
                analyst_idx.append(a_index[a])
                readings.append(float(_logit(scale[r])))
    labels = [f"{c.evidence_id}/{c.hypothesis_id}" for c in cells]
    coords = {"cell": labels, "analyst": names, "vote": np.arange(len(readings))}
    seed = case.seed if seed is None else int(seed)
    settings = {"draws": draws, "tune": tune, "chains": chains, "seed": seed,
                "sampler": sampler, "target_accept": target_accept, "rounding_sd": rounding_sd}
    key = _pooled_key(labels, names, cell_idx, analyst_idx, readings, centre, settings)
    return _PoolingInputs(result, cells, names, coords, cell_idx, analyst_idx, readings, centre,
                          settings, key)


def pooled_key(case: Case, analysts: AnalystRatings, **settings) -> str:
    """The key :func:`pooled_weights` keeps the draws of this pooling under, in its ``store``.

    Takes the same keyword arguments as :func:`pooled_weights` (sampler settings and seed).
    """
    return _pooling_inputs(case, analysts, **settings).key


def _pooled_key(labels, names, cell_idx, analyst_idx, readings, centre, settings) -> str:
    """Hash of everything the pooled draws depend on (see ``store`` in :func:`pooled_weights`)."""
    digest = hashlib.sha256(b"pooled analysts 1")
    for part in (labels, names, cell_idx, analyst_idx, sorted(settings.items())):
        digest.update(repr(part).encode())
    for values in (readings, centre):
        digest.update(np.asarray(values, dtype=float).tobytes())
    return "pooled-" + digest.hexdigest()


def _sample_pooled(coords, centre, cell_idx, analyst_idx, readings, settings):
    """Sample the pooling model with the chosen sampler (PyMC's progress logging silenced)."""
    import logging

    import pymc as pm

    quiet = logging.getLogger("pymc")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        if settings["sampler"] == "nutpie":
            return _sample_nutpie(coords, centre, cell_idx, analyst_idx, readings, settings)
        model = _pooling_model(coords, centre, cell_idx, analyst_idx, readings,
                               settings["rounding_sd"])
        with model:
            # forkserver: no fork() of a multi-threaded process (numba and BLAS threads).
            return pm.sample(draws=settings["draws"], tune=settings["tune"],
                             chains=settings["chains"], cores=2, random_seed=settings["seed"],
                             nuts_sampler="pymc", progressbar=False,
                             target_accept=settings["target_accept"],
                             compute_convergence_checks=False, mp_ctx="forkserver")
    finally:
        quiet.setLevel(level)


def _pooling_model(coords, centre, cell_idx, analyst_idx, readings, rounding_sd):
    """The pooling model; the votes are ``pm.Data``, so one compile serves every case of a shape."""
    import pymc as pm

    with pm.Model(coords=coords) as model:
        centre_ = pm.Data("centre", np.asarray(centre, dtype=float), dims="cell")
        cell_ = pm.Data("cell_index", np.asarray(cell_idx, dtype="int64"), dims="vote")
        analyst_ = pm.Data("analyst_index", np.asarray(analyst_idx, dtype="int64"), dims="vote")
        readings_ = pm.Data("readings", np.asarray(readings, dtype=float), dims="vote")
        sd_ = pm.Data("rounding_sd", np.asarray(float(rounding_sd)))
        sigma = pm.HalfNormal("sigma", sigma=1.0, dims="analyst")
        shared = pm.Normal("shared", mu=centre_, sigma=1.5, dims="cell")
        noise = pm.math.sqrt(sigma[analyst_] ** 2 + sd_ ** 2)
        pm.Normal("reading", mu=shared[cell_], sigma=noise, observed=readings_, dims="vote")
        pm.Deterministic("pooled", pm.math.invlogit(shared), dims="cell")
    return model


#: Compiled pooling models by shape (cells, analysts, votes): a new case of the same shape
#: refits with new data and no compile.
_COMPILED: dict[tuple[int, int, int], object] = {}


def _largest_r_hat(draws: np.ndarray) -> float:
    """The largest r_hat of the cells' draws, shape (chain, draw, cell).

    Constant cells (no r_hat) are passed over; NaN only when every cell is constant.
    """
    from achlab.engines.diagnostics import r_hat

    with np.errstate(divide="ignore", invalid="ignore"):
        values = [r_hat(draws[:, :, n]) for n in range(draws.shape[2])]
    return max((v for v in values if not np.isnan(v)), default=float("nan"))


def _sample_nutpie(coords, centre, cell_idx, analyst_idx, readings, settings):
    """Sample with nutpie on the compiled model of this shape; ``pooled`` from the draws."""
    import xarray as xr

    from achlab.engines.nutpie_cache import compile_model
    from achlab.engines.nutpie_sampler import sample

    shape = (len(coords["cell"]), len(coords["analyst"]), len(coords["vote"]))
    if shape not in _COMPILED:  # compiled with neutral centres: the start is the same for all
        model = _pooling_model(coords, np.zeros(len(centre)), cell_idx, analyst_idx,
                               readings, settings["rounding_sd"])
        _COMPILED[shape] = compile_model(model, var_names=["sigma", "shared"])
    compiled = _COMPILED[shape].with_data(
        centre=np.asarray(centre, dtype=float), cell_index=np.asarray(cell_idx, dtype="int64"),
        analyst_index=np.asarray(analyst_idx, dtype="int64"),
        readings=np.asarray(readings, dtype=float),
        rounding_sd=np.asarray(float(settings["rounding_sd"])))
    idata = sample(compiled, draws=settings["draws"], tune=settings["tune"],
                   chains=settings["chains"], seed=settings["seed"],
                   target_accept=settings["target_accept"])
    names = {"cell": list(coords["cell"]), "analyst": list(coords["analyst"])}
    idata["posterior"] = idata["posterior"].to_dataset().assign_coords(names)
    shared = idata.posterior["shared"].values
    idata.posterior["pooled"] = xr.DataArray(1.0 / (1.0 + np.exp(-shared)),
                                             dims=("chain", "draw", "cell"),
                                             coords={"cell": names["cell"]})
    return idata
