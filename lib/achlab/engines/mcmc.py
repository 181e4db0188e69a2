"""The PyMC model of model.md §1: reliability as an uncertain, shared, learnable quantity.

Generative story, per source ``s`` and report ``i``::

    rho_s ~ Beta(alpha_s, beta_s)                # from the Admiralty letter (fixed if a number)
    (pooled) rho_s ~ Beta(mu_g kappa_g, (1 - mu_g) kappa_g) for sources of one group g
    P(E*_i | H_k, rho) = rho_s c_i p_ik + (1 - rho_s c_i) a_i
    log p(reports | rho) = logsumexp_k (log pi_k + sum_i log P(E*_i | H_k, rho))   # Potential

The hypothesis is marginalised (never a sampled ``Categorical``); the conditional weights
``softmax(log pi + loglik)`` are recorded per draw as the ``Deterministic`` ``weights``, whose mean
is the marginal posterior. Everything that changes with an analyst's assumptions (ratings,
reliability priors, motives, credibility, prior) is a ``pm.Data`` container, so refitting after a
change reuses the compiled model (nutpie's ``with_data``). Models are cached by structure.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from achlab import paths

os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={paths.cache_dir() / 'pytensor'}")

# PyMC and PyTensor (about a second to import) are imported where a model is built: reading a
# kept posterior (what the notebooks do in an ``achlab run``) needs neither.
from achlab.engines.exact import Weights  # noqa: E402
from achlab.engines.likelihood import tensor_log_event_probability  # noqa: E402
from achlab.model import Case  # noqa: E402
from achlab.model.scales import INTERVAL, interval_tails  # noqa: E402

if TYPE_CHECKING:
    import pymc as pm

DEFAULTS = {"draws": 1000, "tune": 1000, "chains": 4, "target_accept": 0.9}
MAX_RHAT = 1.01
MIN_ESS = 400


class SamplingProblem(RuntimeError):
    """The sampler's output cannot be trusted; the message says why and what to try."""


@dataclass(frozen=True)
class McmcResult:
    """What a fit gives an analyst."""

    case: Case
    idata: object  # xarray.DataTree
    weights: Weights
    reliability: object  # pandas.DataFrame: prior vs posterior per source
    diagnostics: object  # pandas.DataFrame: r_hat, ess, mcse per quantity
    divergences: int
    sampling_seconds: float
    settings: dict

    def checks(self):
        """The three checks an analyst must see before quoting a fit, as a table.

        One row each for r_hat (worst), bulk ESS (lowest) and divergences, with the threshold,
        where the worst value sits, and whether it passes. Quantities with no spread (fixed
        reliabilities, a weight pinned at 0) are left out.
        """
        import pandas as pd

        varying = self.diagnostics[self.diagnostics["sd"] > 1e-12]
        varying = varying.dropna(subset=["r_hat", "ess_bulk"])
        fixed = {s.id for s in self.case.sources if s.reliability.is_point}
        varying = varying[[not any(i == f"reliability[{sid}]" for sid in fixed)
                           for i in varying.index]]
        worst_rhat = float(varying["r_hat"].max()) if len(varying) else float("nan")
        low_ess = float(varying["ess_bulk"].min()) if len(varying) else float("nan")
        min_ess = self.settings.get("min_ess", MIN_ESS)
        rows = [
            ("r_hat", worst_rhat, f"<= {MAX_RHAT}",
             varying["r_hat"].idxmax() if len(varying) else "", worst_rhat <= MAX_RHAT),
            ("bulk ESS", low_ess, f">= {min_ess}",
             varying["ess_bulk"].idxmin() if len(varying) else "", low_ess >= min_ess),
            ("divergences", float(self.divergences), "= 0", "whole fit", self.divergences == 0),
        ]
        return pd.DataFrame(rows, columns=["diagnostic", "value", "threshold", "where",
                                           "passes"]).set_index("diagnostic")

    @property
    def trustworthy(self) -> bool:
        """True when every check passes."""
        return bool(self.checks()["passes"].all())

    def weight_draws(self) -> np.ndarray:
        """Per-draw conditional weights, shape (chains * draws, K)."""
        w = self.idata.posterior["weights"].values
        return w.reshape(-1, w.shape[-1])


def _groups(case: Case, pooling: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    """Group index per source (``-1`` = own prior) for groups with two or more Beta sources."""
    if not pooling:
        return np.full(len(case.sources), -1), ()
    arr = case.arrays()
    names: dict[str, list[int]] = {}
    for s, g in enumerate(arr.source_group):
        if not arr.rel_is_point[s]:
            names.setdefault(g, []).append(s)
    pooled = tuple(g for g, members in names.items() if len(members) >= 2)
    index = np.full(len(case.sources), -1)
    for n, g in enumerate(pooled):
        index[names[g]] = n
    return index, pooled


def data_for(case: Case) -> dict[str, np.ndarray]:
    """The values of every data container for ``case``."""
    arr = case.arrays()
    alpha = np.where(arr.rel_is_point, 1.0, arr.rel_alpha)
    beta = np.where(arr.rel_is_point, 1.0, arr.rel_beta)
    return {
        "log_prior": arr.log_prior,
        "likelihood": arr.event_likelihood,
        "cred_factor": arr.cred_factor,
        "motive": arr.motive,
        "item_source": arr.item_source.astype("int64"),
        "report_event": arr.report_event.astype("int64"),
        "denies": arr.denies.astype(float),
        "observed": arr.observed.astype(float),
        "single": arr.single_report.astype(float),
        "rel_alpha": alpha,
        "rel_beta": beta,
        "rel_fixed": np.where(arr.rel_is_point, arr.rel_mean, 0.0),
        "is_point": arr.rel_is_point.astype(float),
    }


def structure_key(case: Case, pooling: bool) -> tuple:
    """What forces a new model: the counts, and (when pooling) which sources share a group.

    Fixing a source's reliability, changing its letter, its motive or any rating is data,
    not structure, and reuses the compiled model.
    """
    arr = case.arrays()
    index, pooled = _groups(case, pooling)
    return (arr.hypothesis_ids, arr.source_ids, len(arr.item_ids), len(arr.event_ids),
            tuple(index), pooled)


def neutral_data(case: Case) -> dict[str, np.ndarray]:
    """:func:`data_for` with every reliability prior Beta(1, 1): what a model is compiled with.

    nutpie starts its chains near the initial point of the data the model was compiled with;
    compiling every structure with these values makes a fit's draws depend on its own case and
    seed only, never on which case of the same structure happened to compile the model.
    """
    d = data_for(case)
    return {**d, "rel_alpha": np.ones_like(d["rel_alpha"]),
            "rel_beta": np.ones_like(d["rel_beta"])}


def build_model(case: Case, pooling: bool | None = None, data: dict | None = None) -> pm.Model:
    """The PyMC model for ``case`` (named dims: hypothesis, source, evidence).

    ``data`` replaces the values of the data containers (default :func:`data_for`).
    """
    import pymc as pm
    import pytensor.tensor as pt

    pooling = case.pooling if pooling is None else pooling
    arr = case.arrays()
    d = data_for(case) if data is None else data
    index, pooled = _groups(case, pooling)
    coords = {"hypothesis": list(arr.hypothesis_ids), "source": list(arr.source_ids),
              "evidence": list(arr.item_ids), "event": list(arr.event_ids)}
    with pm.Model(coords=coords) as model:
        log_prior = pm.Data("log_prior", d["log_prior"], dims="hypothesis")
        q = pm.Data("likelihood", d["likelihood"], dims=("event", "hypothesis"))
        c = pm.Data("cred_factor", d["cred_factor"], dims="evidence")
        a = pm.Data("motive", d["motive"], dims=("evidence", "hypothesis"))
        src = pm.Data("item_source", d["item_source"], dims="evidence")
        event = pm.Data("report_event", d["report_event"], dims="evidence")
        denies = pm.Data("denies", d["denies"], dims="evidence")
        observed = pm.Data("observed", d["observed"], dims="evidence")
        single = pm.Data("single", d["single"], dims="event")
        alpha = pm.Data("rel_alpha", d["rel_alpha"], dims="source")
        beta = pm.Data("rel_beta", d["rel_beta"], dims="source")
        fixed = pm.Data("rel_fixed", d["rel_fixed"], dims="source")
        is_point = pm.Data("is_point", d["is_point"], dims="source")
        if pooled:
            alpha, beta = _pooled_prior(model, alpha, beta, index, pooled)
        rho_free = pm.Beta("rho_free", alpha=alpha, beta=beta, dims="source")
        rho = pm.Deterministic("reliability", is_point * fixed + (1 - is_point) * rho_free,
                               dims="source")
        rho_item = observed + (1 - observed) * rho[src] * c
        loglik = tensor_log_event_probability(rho_item, q, a, denies, event, single).sum(axis=0)
        log_joint = log_prior + loglik
        pm.Potential("reports", pm.math.logsumexp(log_joint))
        pm.Deterministic("weights", pt.special.softmax(log_joint), dims="hypothesis")
    return model


def _pooled_prior(model, alpha, beta, index, pooled):
    """Group-level ``mu_g``, ``kappa_g`` replacing the own priors of pooled sources."""
    import pymc as pm
    import pytensor.tensor as pt

    model.add_coord("group", list(pooled))
    member = np.flatnonzero(index >= 0)
    g_of = index[member]
    # Group mean centred on its members' prior means; kappa around the Admiralty concentration.
    own_mean = alpha / (alpha + beta)
    mu_centre = pt.stack([own_mean[member[g_of == g]].mean() for g in range(len(pooled))])
    mu = pm.Beta("mu_group", alpha=mu_centre * 10.0, beta=(1 - mu_centre) * 10.0, dims="group")
    kappa = pm.Gamma("kappa_group", alpha=4.0, beta=0.2, dims="group")  # mean 20, sd 10
    alpha = pt.set_subtensor(alpha[member], mu[g_of] * kappa[g_of])
    beta = pt.set_subtensor(beta[member], (1 - mu[g_of]) * kappa[g_of])
    return alpha, beta


class CompiledAchModel:
    """A compiled model that refits on new data without recompiling.

    Only the sampled parameters are compiled for storage; the two ``Deterministic`` quantities,
    ``reliability`` and ``weights``, are computed from the draws afterwards
    (:func:`add_deterministics`), with the exact engine's compiled likelihood: the same numbers,
    and a third less to compile.
    """

    def __init__(self, case: Case, pooling: bool):
        from achlab.engines.nutpie_cache import compile_model

        self.pooling = pooling
        self.key = structure_key(case, pooling)
        self.model = build_model(case, pooling, data=neutral_data(case))
        sampled = [v.name for v in self.model.free_RVs]
        started = time.perf_counter()
        self.compiled = compile_model(self.model, var_names=sampled)
        self.compile_seconds = time.perf_counter() - started

    def sample(self, case: Case, draws: int, tune: int, chains: int, seed: int,
               target_accept: float):
        """Sample the posterior for ``case`` (same structure as the compiled one)."""
        from achlab.engines.nutpie_sampler import sample

        compiled = self.compiled.with_data(**data_for(case))
        idata = sample(compiled, draws=draws, tune=tune, chains=chains, seed=seed,
                       target_accept=target_accept)
        return add_deterministics(case, idata)


def add_deterministics(case: Case, idata):
    """Put the model's ``reliability`` and ``weights`` into ``idata.posterior`` from its draws.

    ``reliability`` is the fixed value of a point source and the draw of ``rho_free`` of the
    others; ``weights`` is ``softmax(log prior + log likelihood)`` at each draw's reliabilities,
    computed by :func:`achlab.engines.exact.sweep_log_posterior` (the one likelihood module).
    """
    import xarray as xr

    from achlab.engines.exact import sweep_log_posterior
    from achlab.engines.likelihood import normalise

    arr = case.arrays()
    free = idata.posterior["rho_free"].values  # (chain, draw, source)
    chains, draws, n_src = free.shape
    rho = np.where(arr.rel_is_point, arr.rel_mean, free)
    log_post = sweep_log_posterior(case, np.clip(rho.reshape(-1, n_src), 0.0, 1.0))
    weights = normalise(log_post, case.id).reshape(chains, draws, -1)
    idata.posterior["reliability"] = xr.DataArray(
        rho, dims=("chain", "draw", "source"), coords={"source": list(arr.source_ids)})
    idata.posterior["weights"] = xr.DataArray(
        weights, dims=("chain", "draw", "hypothesis"),
        coords={"hypothesis": list(arr.hypothesis_ids)})
    return idata


_CACHE: dict[tuple, CompiledAchModel] = {}


def compiled_model(case: Case, pooling: bool | None = None) -> CompiledAchModel:
    """The cached compiled model for this case's structure (compiled on first use)."""
    pooling = case.pooling if pooling is None else pooling
    key = structure_key(case, pooling)
    if key not in _CACHE:
        _CACHE[key] = CompiledAchModel(case, pooling)
    return _CACHE[key]


def settings_for(case: Case, *, draws: int | None = None, tune: int | None = None,
                 chains: int | None = None, seed: int | None = None,
                 pooling: bool | None = None, target_accept: float | None = None,
                 min_ess: int = MIN_ESS) -> dict:
    """The sampler settings of a fit: the arguments given, else the scenario's, else defaults."""
    settings = {**DEFAULTS, **case.mcmc}
    for name, value in (("draws", draws), ("tune", tune), ("chains", chains),
                        ("target_accept", target_accept)):
        if value is not None:
            settings[name] = value
    settings["seed"] = case.seed if seed is None else seed
    settings["min_ess"] = min_ess
    settings["pooling"] = case.pooling if pooling is None else pooling
    return settings


def fit_key(case: Case, settings: dict) -> str:
    """Hash of everything a fit's draws depend on: the model's structure and data, the settings.

    Two cases with the same key give the same posterior (the sampler is seeded), so a kept
    posterior can stand in for a new fit (see ``store`` in :func:`fit`).
    """
    digest = hashlib.sha256(repr(structure_key(case, settings["pooling"])).encode())
    for name, value in sorted(data_for(case).items()):
        array = np.ascontiguousarray(value)
        digest.update(f"{name}{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    sampled = {k: settings[k] for k in ("draws", "tune", "chains", "seed", "target_accept",
                                        "pooling")}
    digest.update(repr(sorted(sampled.items())).encode())
    return digest.hexdigest()


def fit(case: Case, *, draws: int | None = None, tune: int | None = None,
        chains: int | None = None, seed: int | None = None, pooling: bool | None = None,
        target_accept: float | None = None, check: bool = True,
        min_ess: int = MIN_ESS, store=None) -> McmcResult:
    """Fit the PyMC model to ``case`` with nutpie and summarise it.

    Parameters
    ----------
    case : Case
    draws, tune, chains : int, optional
        Sampler sizes; default from the scenario's ``mcmc`` block, else 1000, 1000, 4.
    seed : int, optional
        Default: the scenario's seed. Two fits with the same seed give identical numbers.
    pooling : bool, optional
        Pool reliabilities within source groups; default: the scenario's ``pooling``.
    check : bool
        Raise :class:`SamplingProblem` on divergences, r_hat > 1.01 or bulk ESS < ``min_ess``.
    store : object, optional
        Where posteriors are kept between processes: ``store.get(key)`` returns
        ``(idata, seconds)`` or ``None``, ``store.put(key, idata, seconds)`` keeps one (``key``
        from :func:`fit_key`). With a kept posterior nothing is compiled or sampled; the
        numbers are those the same fit would give. A store that also has
        ``get_diagnostics(key)`` and ``put_diagnostics(key, frame)`` keeps the fit's
        diagnostics table too (ArviZ is then not even imported to read a kept fit). The engine
        itself reads and writes no file.

    Returns
    -------
    McmcResult
    """
    settings = settings_for(case, draws=draws, tune=tune, chains=chains, seed=seed,
                            pooling=pooling, target_accept=target_accept, min_ess=min_ess)
    key = fit_key(case, settings) if store is not None else None
    kept = store.get(key) if store is not None else None
    diagnostics = None
    if kept is not None:
        idata, seconds = kept
        diagnostics = optional_call(store, "get_diagnostics", key)
    else:
        model = compiled_model(case, settings["pooling"])
        started = time.perf_counter()
        idata = model.sample(case, settings["draws"], settings["tune"], settings["chains"],
                             settings["seed"], settings["target_accept"])
        seconds = time.perf_counter() - started
        if store is not None:
            store.put(key, idata, seconds)
    result = summarise(case, idata, settings, seconds, check=check, min_ess=min_ess,
                       diagnostics=diagnostics)
    if diagnostics is None and store is not None:
        optional_call(store, "put_diagnostics", key, result.diagnostics)
    return result


def optional_call(store, method: str, *args):
    """``store.<method>(*args)`` when the store has that (optional) method, else None."""
    call = getattr(store, method, None)
    return call(*args) if call is not None else None


def summarise(case: Case, idata, settings: dict, seconds: float, *, check: bool = True,
              min_ess: int = MIN_ESS, diagnostics=None) -> McmcResult:
    """Weights with intervals, reliabilities prior vs posterior, and diagnostics.

    ``diagnostics`` is the table ArviZ's summary gives for these draws when it is kept already
    (see ``store`` in :func:`fit`); it is computed otherwise.
    """
    import pandas as pd

    arr = case.arrays()
    diag = diagnostics if diagnostics is not None else _diagnostics(idata)
    divergences = int(np.asarray(idata.sample_stats["diverging"]).sum())
    # Fixed reliabilities have no spread: their r_hat / ESS are meaningless and not checked.
    free = [f"reliability[{sid}]" for sid, pt_ in zip(arr.source_ids, arr.rel_is_point,
                                                        strict=True) if not pt_]
    checked = diag.loc[[i for i in diag.index if i.startswith("weights") or i in free]]
    if check:
        _check(case, checked, divergences, min_ess, settings)
    w = idata.posterior["weights"].values.reshape(-1, len(arr.hypothesis_ids))
    lo_q, hi_q = interval_tails()
    weights = Weights(arr.hypothesis_ids, w.mean(axis=0), np.quantile(w, lo_q, axis=0),
                      np.quantile(w, hi_q, axis=0), "mcmc", case.labels, case.yardstick)
    rho = idata.posterior["reliability"].values.reshape(-1, len(arr.source_ids))
    n_reports = np.bincount(arr.item_source, minlength=len(arr.source_ids))
    rows = []
    for s, src in enumerate(case.sources):
        lo, hi = src.reliability.interval(INTERVAL)
        rows.append({
            "source": src.id, "name": src.name, "reports": int(n_reports[s]),
            "prior": src.reliability.describe(), "prior mean": src.reliability.mean,
            "prior low": lo, "prior high": hi,
            "posterior mean": float(rho[:, s].mean()),
            "posterior low": float(np.quantile(rho[:, s], lo_q)),
            "posterior high": float(np.quantile(rho[:, s], hi_q)),
        })
    reliability = pd.DataFrame(rows).set_index("source")
    reliability["shift"] = reliability["posterior mean"] - reliability["prior mean"]
    return McmcResult(case, idata, weights, reliability, diag, divergences, seconds, settings)


def _diagnostics(idata):
    """The summary of the weights and reliabilities: means, intervals, ESS, r_hat, MCSE.

    ArviZ's ``summary`` columns, computed without importing ArviZ
    (:mod:`achlab.engines.diagnostics`).
    """
    from achlab.engines.diagnostics import summary

    return summary({name: _draws_of(idata, name) for name in ("weights", "reliability")},
                   ci_prob=INTERVAL)


def _draws_of(idata, name: str) -> tuple[np.ndarray, list[str]]:
    """A (chain, draw, n) variable of the posterior, with the labels of its last axis."""
    variable = idata.posterior[name]
    labels = variable.coords[variable.dims[-1]].values
    return variable.values, [str(label) for label in labels]


def _check(case: Case, diag, divergences: int, min_ess: int, settings: dict) -> None:
    problems = []
    if divergences:
        problems.append(
            f"{divergences} divergent transitions: the sampler could not explore part of the "
            "posterior, so the numbers may be biased. Try target_accept 0.95 or 0.99 "
            "(scenario: mcmc: {target_accept: 0.95}), or check for a source whose reliability "
            "prior is very narrow next to reports that contradict it.")
    # Quantities that are constant in every draw (a weight pinned at 0) have no r_hat or ESS;
    # any other missing value is a problem, never skipped.
    varying = diag[diag["sd"] > 1e-12]
    missing = varying[varying[["r_hat", "ess_bulk"]].isna().any(axis=1)]
    if len(missing):
        problems.append(f"no r_hat or ESS could be computed for {', '.join(missing.index)}: "
                        "the draws contain invalid numbers. Check the ratings and reliabilities.")
    diag = varying if len(varying) else diag
    worst_rhat = float(diag["r_hat"].max())
    if not np.isfinite(worst_rhat) or worst_rhat > MAX_RHAT:
        name = diag["r_hat"].idxmax()
        problems.append(
            f"r_hat {worst_rhat:.3f} for {name} (above {MAX_RHAT}): the chains disagree, so they "
            "have not all found the same answer. Try more tuning steps (mcmc: {tune: 2000}).")
    low_ess = float(diag["ess_bulk"].min())
    if not np.isfinite(low_ess) or low_ess < min_ess:
        name = diag["ess_bulk"].idxmin()
        problems.append(
            f"bulk ESS {low_ess:.0f} for {name} (below {min_ess}): too few effectively "
            "independent draws for stable numbers. Try more draws (mcmc: {draws: 2000}).")
    if problems:
        raise SamplingProblem(
            f"The PyMC fit for {case.name} (seed {settings['seed']}, {settings['chains']} chains x "
            f"{settings['draws']} draws) cannot be trusted:\n- " + "\n- ".join(problems))
