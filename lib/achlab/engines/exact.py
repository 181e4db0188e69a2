"""The exact engine of model.md §1 and §4, in log space.

Reports of one event ``F`` (``q_k = P(F | H_k)``) are independent given the event's truth
(:func:`~achlab.engines.likelihood.log_event_probability`); an event with one asserting report is
§1's ``rho_i p_ik + (1 - rho_i) a_i`` with ``rho_i = rho_s c_i``. Sources with fixed
reliabilities give a closed form. Sources with Beta priors are integrated out jointly over each
group of sources tied together by shared events (:attr:`~achlab.model.CaseArrays.tied_sources`).

How, exactly: given the truth of the ``J`` events a group's sources share, the integrand
factorises over the sources, and a report of a shared event is a one-report event with ``q`` 0
or 1; so the integral is a sum over the ``2^J`` truth values of products of one-dimensional
integrals, each a polynomial of degree ``n_s`` in ``rho_s`` (``n_s`` the source's reports in the
group) that Gauss–Jacobi with ``ceil((n_s + 1) / 2)`` nodes integrates exactly. Without shared
events every group is one source, as in §1. A group sharing more than
:data:`MAX_SHARED_EVENTS` events is integrated on the tensor product of the sources'
Gauss–Jacobi rules (as exact); one whose grid would exceed :data:`MAX_GRID_NODES` nodes by
:data:`FALLBACK_DRAWS` seeded Monte Carlo draws from the Beta priors, and the result then says so
(:attr:`Weights.note`) with a bound on the error of each weight (three standard errors, from
twenty batches of draws). Sweeps over many reliability settings are one compiled, parallel loop.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from achlab.engines.likelihood import (
    EvidenceImpossibleError,
    jacobi_rule,
    log_event_probability,
    logsumexp,
    normalise,
)
from achlab.model import Case, CaseArrays
from achlab.model.words import estimative_word, percent

#: Largest tensor-product quadrature grid integrated exactly for one group of tied sources.
MAX_GRID_NODES = 1_000_000
#: Monte Carlo draws for a group beyond :data:`MAX_GRID_NODES` (in :data:`FALLBACK_BATCHES`).
FALLBACK_DRAWS = 200_000
FALLBACK_BATCHES = 20
#: Grid nodes (or draws) evaluated at once, to bound memory.
CHUNK = 20_000

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
    note: str = ""  # how the answer was computed when not exactly (printed beside the weights)

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
def report_reliability(arr: CaseArrays, rho: np.ndarray) -> np.ndarray:
    """``r = rho_s c_i`` of every report (1 for an observation), for rows of source values."""
    rho = np.asarray(rho, dtype=float)
    return np.where(arr.observed, 1.0, rho[..., arr.item_source] * arr.cred_factor)


def _log_events(arr: CaseArrays, r: np.ndarray, reports=None, starts=None) -> np.ndarray:
    """``log P(reports of F | H_k)`` of the events (all, or those of ``reports``), (..., E, K)."""
    if reports is None:
        return log_event_probability(r, arr.likelihood, arr.motive, arr.denies, arr.event_start)
    return log_event_probability(r, arr.likelihood[reports], arr.motive[reports],
                                 arr.denies[reports], starts)


@dataclass(frozen=True)
class Fallback:
    """A group of tied sources integrated by Monte Carlo, and the error of each weight it adds."""

    source_ids: tuple[str, ...]
    grid_nodes: int
    batch_log_likelihood: np.ndarray  # (B, K): the group's log-likelihood from each batch


def _event_groups(arr: CaseArrays) -> np.ndarray:
    """(E,) index of the tied group each event belongs to; -1 for an event only observed."""
    src_group = np.full(len(arr.source_ids), -1)
    for g, members in enumerate(arr.tied_sources):
        src_group[list(members)] = g
    report_group = np.where(arr.observed, -1, src_group[arr.item_source])
    if not len(report_group):
        return np.zeros(0, dtype=int)
    return np.maximum.reduceat(report_group, arr.event_start[:-1])


def _group_reports(arr: CaseArrays, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reports of ``events`` (event by event) and their event starts within that list."""
    sizes = arr.event_start[events + 1] - arr.event_start[events]
    reports = np.concatenate([np.arange(arr.event_start[e], arr.event_start[e + 1])
                              for e in events])
    return reports, np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def _grid(arr: CaseArrays, members, reports) -> tuple[list[int], list, int]:
    """Beta sources of a group, their Gauss–Jacobi rules and the size of the product grid."""
    free = [s for s in members if not arr.rel_is_point[s]]
    counted = arr.item_source[reports][~arr.observed[reports]]
    rules = [jacobi_rule(int((counted == s).sum()), float(arr.rel_alpha[s]),
                         float(arr.rel_beta[s])) for s in free]
    return free, rules, int(np.prod([len(n) for n, _ in rules])) if rules else 1


def _grid_chunks(rules, size: int):
    """Rows of the product grid, ``CHUNK`` at a time: (nodes (G, len(rules)), log weights (G,))."""
    shape = [len(n) for n, _ in rules]
    for start in range(0, size, CHUNK):
        flat = np.arange(start, min(size, start + CHUNK))
        index = np.unravel_index(flat, shape) if shape else ()
        nodes = np.stack([rules[j][0][ix] for j, ix in enumerate(index)], axis=-1) \
            if shape else np.zeros((len(flat), 0))
        logw = sum((rules[j][1][ix] for j, ix in enumerate(index)), np.zeros(len(flat)))
        yield nodes, logw


def _group_log_likelihood(arr: CaseArrays, members, events, seed: int):
    """A tied group's ``log ∫ prod_F P(reports of F | H_k) dBeta``, (K,), and its fallback."""
    reports, starts = _group_reports(arr, events)
    free, rules, size = _grid(arr, members, reports)
    if size > MAX_GRID_NODES:
        return _monte_carlo(arr, members, free, reports, starts, size, seed)
    parts = []
    for nodes, logw in _grid_chunks(rules, size):
        rho = np.broadcast_to(arr.rel_mean, (len(logw), len(arr.rel_mean))).copy()
        rho[:, free] = nodes
        r = report_reliability(arr, rho)[:, reports]
        logf = _log_events(arr, r, reports, starts).sum(axis=-2)
        parts.append(logsumexp(logw[:, None] + logf, axis=0))
    return (parts[0] if len(parts) == 1 else logsumexp(np.array(parts), axis=0)), None


def _monte_carlo(arr, members, free, reports, starts, size, seed):
    """The fallback: the mean of the integrand over seeded draws from the Beta priors."""
    rng = np.random.default_rng(seed)
    per_batch = FALLBACK_DRAWS // FALLBACK_BATCHES
    batches = []
    for _ in range(FALLBACK_BATCHES):
        rho = np.broadcast_to(arr.rel_mean, (per_batch, len(arr.rel_mean))).copy()
        rho[:, free] = rng.beta(arr.rel_alpha[free], arr.rel_beta[free], (per_batch, len(free)))
        logf = _log_events(arr, report_reliability(arr, rho)[:, reports], reports,
                           starts).sum(axis=-2)
        batches.append(logsumexp(logf, axis=0) - np.log(per_batch))
    batches = np.array(batches)
    total = logsumexp(batches, axis=0) - np.log(FALLBACK_BATCHES)
    ids = tuple(arr.source_ids[s] for s in members)
    return total, Fallback(ids, size, batches)


#: Most events shared by the sources of one group for the conditioned integral (2^J terms).
MAX_SHARED_EVENTS = 12


@dataclass(frozen=True)
class _Plan:
    """The integral of every group laid out flat, so one pass of array operations does all.

    Conditioned on the truth of the events its sources share, a group's integrand factorises
    over its sources: ``∫ prod_F P(reports of F | H_k) dBeta = sum_t P(t | H_k) prod_s
    ∫ prod_{reports of s} P(report | t, rho_s) dBeta(rho_s)``, where ``t`` runs over the truth
    values of the shared events (``2^J`` terms) and a report of a shared event, given its truth,
    is a one-report event with ``q`` 0 or 1. Each one-dimensional integral is exact by
    Gauss–Jacobi. A *unit* is one (group, truth values, source, node): the events it evaluates
    are laid out flat; units sum to nodes, nodes to sources, sources to truth values, truth
    values to groups. Built once per numeric form (:attr:`CaseArrays.cache`).
    """

    r: np.ndarray  # (M,) reliability of every report of every unit
    q: np.ndarray  # (M, K) its event's q, or the truth value (0 or 1) given to a shared event
    a: np.ndarray  # (M, K)
    denies: np.ndarray  # (M,)
    event_start: np.ndarray  # (I + 1,) reports of each evaluated event
    unit_first: np.ndarray  # (U,) first evaluated event of each unit
    unit_log_weight: np.ndarray  # (U,) log quadrature weight of the unit's node
    source_first: np.ndarray  # first unit of each (group, truth values, source)
    source_size: np.ndarray
    truth_first: np.ndarray  # first (.., source) of each (group, truth values)
    truth_log_prob: np.ndarray  # (T, K) log P(t | H_k), observations of shared events included
    group_first: np.ndarray  # first truth values of each group
    group_size: np.ndarray
    large: tuple  # (group index, members, events) integrated on the product grid


class _PlanBuilder:
    """Collects units, and how they sum to sources, truth values and groups."""

    def __init__(self, arr: CaseArrays):
        self.arr = arr
        self.r, self.reports, self.q, self.starts = [], [], [], []
        self.unit_first, self.unit_logw = [], []
        self.n_reports = self.n_events = 0
        self.source_sizes, self.truth_sizes, self.truth_prob, self.group_sizes = [], [], [], []

    def unit(self, events: np.ndarray, shared: np.ndarray, truth: np.ndarray, rho, logw) -> None:
        """Add ``events`` and the reports ``shared`` (given their events' ``truth``) at ``rho``."""
        arr = self.arr
        reports, starts = _group_reports(arr, events) if events.size else \
            (np.zeros(0, dtype=int), np.zeros(1, dtype=int))
        every = np.concatenate([reports, shared]).astype(int)
        k = len(arr.hypothesis_ids)
        self.q.append(np.vstack([arr.likelihood[reports],
                                 np.repeat(truth[:, None], k, axis=1).astype(float)]))
        self.r.append(report_reliability(arr, rho)[every])
        self.reports.append(every)
        self.starts.append(np.concatenate([starts[:-1], len(reports) + np.arange(len(shared))])
                           + self.n_reports)
        self.unit_first.append(self.n_events)
        self.unit_logw.append(logw)
        self.n_reports += len(every)
        self.n_events += len(events) + len(shared)

    def build(self, large: tuple) -> _Plan:
        arr = self.arr
        reports = np.concatenate(self.reports) if self.reports else np.zeros(0, dtype=int)
        k = len(arr.hypothesis_ids)

        def firsts(sizes):
            return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)

        return _Plan(
            r=np.concatenate(self.r) if self.r else np.zeros(0),
            q=np.vstack(self.q) if self.q else np.zeros((0, k)),
            a=arr.motive[reports].reshape(-1, k), denies=arr.denies[reports],
            event_start=np.concatenate([*self.starts, [self.n_reports]]).astype(np.int64),
            unit_first=np.array(self.unit_first, dtype=np.int64),
            unit_log_weight=np.array(self.unit_logw, dtype=float),
            source_first=firsts(self.source_sizes),
            source_size=np.array(self.source_sizes, dtype=np.int64),
            truth_first=firsts(self.truth_sizes),
            truth_log_prob=np.array(self.truth_prob, dtype=float).reshape(-1, k),
            group_first=firsts(self.group_sizes),
            group_size=np.array(self.group_sizes, dtype=np.int64), large=large)


def _plan(arr: CaseArrays) -> _Plan:
    if "integration" not in arr.cache:
        arr.cache["integration"] = _build_plan(arr)
    return arr.cache["integration"]


def _event_sources(arr: CaseArrays, events: np.ndarray) -> list[frozenset]:
    """The sources whose reliabilities each event's reports rest on."""
    out = []
    for e in events:
        span = slice(arr.event_start[e], arr.event_start[e + 1])
        out.append(frozenset(arr.item_source[span][~arr.observed[span]].tolist()))
    return out


def _build_plan(arr: CaseArrays) -> _Plan:
    builder = _PlanBuilder(arr)
    groups = _event_groups(arr)
    observed_only = np.flatnonzero(groups == -1)
    if observed_only.size:  # no reliability to integrate: one unit, one term
        builder.unit(observed_only, np.zeros(0, dtype=int), np.zeros(0), arr.rel_mean, 0.0)
        builder.source_sizes.append(1)
        builder.truth_sizes.append(1)
        builder.truth_prob.append(np.zeros(len(arr.hypothesis_ids)))
        builder.group_sizes.append(1)
    large = []
    for g, members in enumerate(arr.tied_sources):
        events = np.flatnonzero(groups == g)
        tied = _event_sources(arr, events)
        shared = events[[len(t) > 1 for t in tied]]
        if len(shared) > MAX_SHARED_EVENTS:
            large.append((g, members, events))
            continue
        _add_group(builder, arr, members, events, tied, shared)
    return builder.build(tuple(large))


def _truth_log_prob(arr: CaseArrays, shared: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """``log P(t | H_k)`` of truth values of the shared events, times their observations."""
    q = arr.event_likelihood[shared]
    with np.errstate(divide="ignore"):
        out = np.where(truth[:, None] == 1, np.log(q), np.log1p(-q)).sum(axis=0)
    for e, t in zip(shared, truth, strict=True):
        span = np.arange(arr.event_start[e], arr.event_start[e + 1])
        seen = span[arr.observed[span]]
        if seen.size:  # an observation: certain of what it saw
            agrees = (arr.denies[seen] == (t == 0)).all()
            out = out + (0.0 if agrees else -np.inf)
    return out


def _add_group(builder: _PlanBuilder, arr: CaseArrays, members, events, tied, shared) -> None:
    """One group: per truth value of its shared events, per source, per quadrature node."""
    own_events = {s: events[[t == {s} for t in tied]] for s in members}
    span = {e: np.arange(arr.event_start[e], arr.event_start[e + 1]) for e in shared}
    own_shared = {s: [(n, i) for n, e in enumerate(shared) for i in span[e]
                      if arr.item_source[i] == s and not arr.observed[i]] for s in members}
    counts = {s: len(own_shared[s]) + sum(int(np.sum(~arr.observed[
        arr.event_start[e]:arr.event_start[e + 1]])) for e in own_events[s]) for s in members}
    rules = {s: ((np.array([arr.rel_mean[s]]), np.zeros(1)) if arr.rel_is_point[s] else
                 jacobi_rule(counts[s], float(arr.rel_alpha[s]), float(arr.rel_beta[s])))
             for s in members}
    assignments = list(itertools.product((1, 0), repeat=len(shared)))
    for truth in assignments:
        truth = np.array(truth, dtype=int)
        for s in members:
            pairs = own_shared[s]
            reports = np.array([i for _, i in pairs], dtype=int)
            given = truth[[n for n, _ in pairs]] if pairs else np.zeros(0, dtype=int)
            nodes, logw = rules[s]
            for v, w in zip(nodes, logw, strict=True):
                rho = arr.rel_mean.copy()
                rho[s] = v
                builder.unit(own_events[s], reports, given, rho, float(w))
            builder.source_sizes.append(len(nodes))
        builder.truth_sizes.append(len(members))
        builder.truth_prob.append(_truth_log_prob(arr, shared, truth))
    builder.group_sizes.append(len(assignments))


def _segment_logsumexp(values: np.ndarray, first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``logsumexp`` of consecutive row segments (each starting at ``first``), (segments, K)."""
    top = np.maximum.reduceat(values, first, axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.add.reduceat(np.exp(values - np.repeat(top, size, axis=0)), first,
                                      axis=0)) + top


def _integrated(arr: CaseArrays, seed: int) -> tuple[np.ndarray, list[Fallback]]:
    """Log-likelihood (K,) with every source's reliability prior integrated out."""
    total = np.zeros(len(arr.hypothesis_ids))
    plan = _plan(arr)
    if len(plan.group_size):
        events = log_event_probability(plan.r, plan.q, plan.a, plan.denies, plan.event_start)
        units = np.add.reduceat(events, plan.unit_first, axis=0) \
            + plan.unit_log_weight[:, None]
        sources = _segment_logsumexp(units, plan.source_first, plan.source_size)
        truths = np.add.reduceat(sources, plan.truth_first, axis=0) + plan.truth_log_prob
        total += _segment_logsumexp(truths, plan.group_first, plan.group_size).sum(axis=0)
    fallbacks = []
    for g, members, events in plan.large:
        part, fallback = _group_log_likelihood(arr, members, events, seed + g)
        total += part
        if fallback is not None:
            fallbacks.append(fallback)
    return total, fallbacks


def log_likelihood(arr: CaseArrays, rho: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """Log-likelihood of all reports under each hypothesis, shape (K,).

    Parameters
    ----------
    arr : CaseArrays
        Numeric form of the case.
    rho : array (S,), optional
        Point reliabilities for every source. Default: each source's own, i.e. its fixed value,
        or its Beta prior integrated out (jointly over sources tied by shared events).
    seed : int
        Seed of the Monte Carlo fallback (used only for a group too large to integrate exactly).
    """
    if rho is not None:
        return _log_events(arr, report_reliability(arr, rho)).sum(axis=0)
    return _integrated(arr, seed)[0]


def fallback_note(case: Case, fallbacks: list[Fallback], log_post: np.ndarray) -> str:
    """What the result says when a group was integrated by Monte Carlo, with the error bound."""
    if not fallbacks:
        return ""
    spread = np.zeros(len(log_post))
    for fb in fallbacks:
        total = logsumexp(fb.batch_log_likelihood, axis=0) - np.log(len(fb.batch_log_likelihood))
        per_batch = normalise(log_post[None, :] - total + fb.batch_log_likelihood, case.id)
        spread += per_batch.var(axis=0, ddof=1) / len(per_batch)
    bound = 3.0 * float(np.sqrt(spread.max()))
    names = "; ".join(", ".join(fb.source_ids) for fb in fallbacks)
    return (f"Not exact: the sources {names} share events in a group too large for exact "
            f"quadrature (over {MAX_GRID_NODES:,} nodes); their reliabilities are integrated "
            f"from {FALLBACK_DRAWS:,} seeded Monte Carlo draws instead, each weight within "
            f"\u00b1{percent(bound, digits=2)} (three standard errors).")


def exact_weights(case: Case, rho: np.ndarray | None = None) -> Weights:
    """Posterior hypothesis weights of a case, exactly (model.md §1, §4).

    Parameters
    ----------
    case : Case
        The case under one set of assumptions.
    rho : array (S,), optional
        Point reliabilities overriding every source's own (in the order of ``case.sources``).

    Returns
    -------
    Weights
        Point answer: ``low`` and ``high`` equal ``mean``. ``note`` says when a group of tied
        sources was too large to integrate exactly, and the error bound of what was done.
    """
    arr = case.arrays()
    fallbacks: list[Fallback] = []
    if rho is not None:
        rho = np.asarray(rho, dtype=float)
        if rho.shape != (len(arr.source_ids),):
            raise ValueError(f"rho must have one value per source ({len(arr.source_ids)})")
        if np.isnan(rho).any() or np.any((rho < 0) | (rho > 1)):
            raise ValueError("every reliability must be in [0, 1]")
        loglik = log_likelihood(arr, rho)
    else:
        loglik, fallbacks = _integrated(arr, case.seed)
    log_post = arr.log_prior + loglik
    probs = normalise(log_post, case.id)
    return Weights(arr.hypothesis_ids, probs, probs, probs, "exact", case.labels, case.yardstick,
                   note=fallback_note(case, fallbacks, log_post))


# ---------------------------------------------------------------------------- sweeps
def sweep_motives(arr: CaseArrays, motive: np.ndarray) -> np.ndarray:
    """Motive of every report under every hypothesis for rows of source motive levels (R, N, K).

    A report that sets its own motive (or an observation) keeps it; a source's motives per
    hypothesis move by the change of its level (clipped to [0, 1]); a source's single motive is
    the level.
    """
    level = motive[:, arr.item_source][..., None]  # (R, N, 1)
    shifted = np.clip(arr.motive + (level - arr.source_motive[arr.item_source][:, None]), 0, 1)
    out = np.where(arr.motive_by_source[:, None], shifted, level)
    return np.where(arr.own_motive[:, None], arr.motive, out)


def _sweep_numpy(arr: CaseArrays, rho: np.ndarray, motive: np.ndarray) -> np.ndarray:
    """Reference implementation of :func:`sweep_log_posterior` in numpy."""
    r = report_reliability(arr, rho)  # (R, N)
    logf = log_event_probability(r, arr.likelihood, sweep_motives(arr, motive), arr.denies,
                                 arr.event_start)
    return arr.log_prior + logf.sum(axis=1)


def _make_kernel():
    """The compiled sweep kernel, or None when numba is missing (numpy is used then)."""
    try:
        from achlab.engines.sweep_kernel import kernel
    except ImportError:  # pragma: no cover - numba comes with pytensor
        return None
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
        Source motive levels per setting; default each source's own. An item that sets its own
        motive keeps it; motives per hypothesis move with their source's level
        (:func:`sweep_motives`).
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
    if engine == "compiled":
        if _KERNEL is None:
            _KERNEL = _make_kernel()
        if _KERNEL is not None:
            return _KERNEL(arr.log_prior, arr.likelihood, arr.cred_factor, arr.item_source,
                           np.ascontiguousarray(rho), motive, arr.motive, arr.own_motive,
                           arr.motive_by_source, arr.source_motive, arr.observed, arr.denies,
                           arr.event_start)
    return _sweep_numpy(arr, rho, motive)


def sweep_weights(case: Case, rho: np.ndarray, motive: np.ndarray | None = None,
                  engine: str = "compiled") -> np.ndarray:
    """Posterior weights (R, K) for many reliability (and motive) settings: one array op."""
    return normalise(sweep_log_posterior(case, rho, motive, engine), case.id)
