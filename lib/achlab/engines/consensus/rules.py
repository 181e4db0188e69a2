"""Several analysts rating one matrix: consensus and disagreement per cell, weights per analyst.

Consensus and disagreement follow Open Synthesis (``openach/metrics.py``), on its scale::

    NA 0, II 1, I 2, N 3, C 4, CC 5

*Consensus* of a cell: ``NA`` when the ``NA`` votes outnumber the rated ones; otherwise the mean
of the rated (non-``NA``) votes rounded to the nearest rating, an exact half going toward ``N``
(3.5 is ``N``, 2.5 is ``N``, 4.5 is ``C``, 1.5 is ``I``) - the conservative rounding Open Synthesis
describes. A tie in the count (as many ``NA`` as rated votes) keeps the rated mean.

*Disagreement* of a cell: the larger of two sample standard deviations (``ddof=1``), each 0 when
it has fewer than two values:

1. of the applicability indicator, 1 for a rated vote and 0 for ``NA``;
2. of the rated values.

Bands: ``consensus`` below 0.5, ``mild`` from 0.5, ``large`` from 1.5, ``extreme`` from 2.0.

Weights. :func:`analyst_weights` gives each analyst's own answer: the case with that analyst's
ratings put in place of the case's ones (cells the analyst left empty keep the case's rating),
through the exact engine. :func:`consensus_weights` does the same with the consensus ratings.
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

Engines compute on a :class:`~achlab.model.Case` and a mapping
``{analyst: {evidence_id: {hypothesis_id: rating}}}``; they never read files
(:mod:`achlab.load.analysts` reads them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from achlab.engines.exact import Weights, exact_weights
from achlab.model import Case
from achlab.model.scales import NOT_APPLICABLE

#: Open Synthesis values of the ratings.
RATING_VALUES = MappingProxyType({"NA": 0, "II": 1, "I": 2, "N": 3, "C": 4, "CC": 5})
#: Value (1-5) back to rating.
VALUE_RATINGS = MappingProxyType({v: r for r, v in RATING_VALUES.items() if v > 0})
#: Value of ``N``: ties round toward it.
NEUTRAL_VALUE = RATING_VALUES["N"]
#: Disagreement bands: (name, lower edge inclusive), lowest first.
BANDS = (("consensus", 0.0), ("mild", 0.5), ("large", 1.5), ("extreme", 2.0))
BAND_NAMES = tuple(name for name, _ in BANDS)
#: Rounding noise of a rating on the log-odds scale: neighbouring ratings of the default scale
#: are about 1.4 apart, and a uniform rounding error over that width has a sd of 1.4 / sqrt(12).
ROUNDING_SD = 0.4

#: ``{analyst: {evidence_id: {hypothesis_id: rating}}}``
AnalystRatings = Mapping[str, Mapping[str, Mapping[str, str]]]


# ---------------------------------------------------------------------------- one cell
def _values(votes: Iterable[str]) -> list[int]:
    out = []
    for v in votes:
        key = str(v).strip().upper()
        if key not in RATING_VALUES:
            raise ValueError(f"{v!r} is not a rating ({' '.join(RATING_VALUES)})")
        out.append(RATING_VALUES[key])
    return out


def round_toward_neutral(mean: float) -> int:
    """Round a mean vote (1-5) to the nearest value, an exact half going toward ``N`` (3).

    Parameters
    ----------
    mean : float
        Mean of rated values.

    Returns
    -------
    int
        1 to 5.
    """
    lower = math.floor(mean)
    if math.isclose(mean - lower, 0.5, abs_tol=1e-9):
        return lower if lower >= NEUTRAL_VALUE else lower + 1
    return int(math.floor(mean + 0.5))


def consensus_rating(votes: Iterable[str]) -> str | None:
    """Consensus of one cell's votes (Open Synthesis rules, ties toward ``N``).

    Parameters
    ----------
    votes : iterable of str
        Ratings ``CC C N I II NA`` (any case), one per analyst who voted.

    Returns
    -------
    str or None
        ``NA`` if the ``NA`` votes outnumber the rated ones, else the rounded mean rating;
        None when there is no vote.
    """
    values = _values(votes)
    if not values:
        return None
    rated = [v for v in values if v > 0]
    if len(values) - len(rated) > len(rated):
        return NOT_APPLICABLE
    return VALUE_RATINGS[round_toward_neutral(sum(rated) / len(rated))]


def _sd(values: list[float]) -> float:
    """Sample standard deviation (ddof=1); 0 with fewer than two values."""
    if len(values) < 2:
        return 0.0
    return float(np.std(np.asarray(values, dtype=float), ddof=1))


def disagreement(votes: Iterable[str]) -> float | None:
    """Disagreement of one cell's votes (Open Synthesis).

    Parameters
    ----------
    votes : iterable of str
        Ratings ``CC C N I II NA``, one per analyst who voted.

    Returns
    -------
    float or None
        ``max(sd(applicability indicator), sd(rated values))`` with sample standard deviations;
        None when there is no vote.
    """
    values = _values(votes)
    if not values:
        return None
    indicator = [1.0 if v > 0 else 0.0 for v in values]
    rated = [float(v) for v in values if v > 0]
    return max(_sd(indicator), _sd(rated))


def disagreement_band(value: float | None) -> str | None:
    """Band of a disagreement: ``consensus`` < 0.5 <= ``mild`` < 1.5 <= ``large`` < 2.0 <=
    ``extreme`` (None for None).

    The value is rounded to 9 decimals first, so that 2.0 computed as 1.9999999999 is extreme.
    """
    if value is None:
        return None
    v = round(float(value), 9)
    band = BANDS[0][0]
    for name, edge in BANDS:
        if v >= edge:
            band = name
    return band


# ---------------------------------------------------------------------------- a whole matrix
@dataclass(frozen=True)
class CellConsensus:
    """Votes, consensus and disagreement of one cell (evidence item x hypothesis)."""

    evidence_id: str
    hypothesis_id: str
    votes: dict[str, str]  # analyst -> rating (NA included), analysts who voted only
    consensus: str | None
    disagreement: float | None
    band: str | None

    @property
    def n_rated(self) -> int:
        """Number of rated (non-``NA``) votes."""
        return sum(1 for r in self.votes.values() if r != NOT_APPLICABLE)

    @property
    def n_na(self) -> int:
        """Number of ``NA`` votes."""
        return sum(1 for r in self.votes.values() if r == NOT_APPLICABLE)

    @property
    def mean(self) -> float | None:
        """Mean of the rated votes on the 1-5 scale (None if none is rated)."""
        rated = [RATING_VALUES[r] for r in self.votes.values() if r != NOT_APPLICABLE]
        return sum(rated) / len(rated) if rated else None

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"evidence_id": self.evidence_id, "hypothesis": self.hypothesis_id,
                "votes": dict(self.votes), "consensus": self.consensus,
                "disagreement": self.disagreement, "band": self.band}


@dataclass(frozen=True)
class ConsensusResult:
    """Consensus and disagreement for every cell that has at least one vote."""

    case_id: str
    hypothesis_ids: tuple[str, ...]
    analysts: tuple[str, ...]
    cells: tuple[CellConsensus, ...]
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._index.update({(c.evidence_id, c.hypothesis_id): c for c in self.cells})

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Evidence items with at least one vote, in the case's order."""
        return tuple(dict.fromkeys(c.evidence_id for c in self.cells))

    def cell(self, evidence_id: str, hypothesis_id: str) -> CellConsensus:
        """The cell of this item and hypothesis (KeyError if nobody voted on it)."""
        try:
            return self._index[(evidence_id, hypothesis_id)]
        except KeyError:
            raise KeyError(f"no vote on {evidence_id} / {hypothesis_id}") from None

    def ratings(self) -> dict[str, dict[str, str]]:
        """Consensus ratings ``{evidence_id: {hypothesis_id: rating}}`` of the voted cells."""
        out: dict[str, dict[str, str]] = {}
        for c in self.cells:
            if c.consensus is not None:
                out.setdefault(c.evidence_id, {})[c.hypothesis_id] = c.consensus
        return out

    def band_counts(self) -> dict[str, int]:
        """How many cells fall in each disagreement band."""
        counts = dict.fromkeys(BAND_NAMES, 0)
        for c in self.cells:
            if c.band is not None:
                counts[c.band] += 1
        return counts

    def most_disputed(self, n: int = 5) -> list[CellConsensus]:
        """The ``n`` cells with the largest disagreement (case order on ties)."""
        return sorted(self.cells, key=lambda c: -(c.disagreement or 0.0))[:n]

    def to_frame(self):
        """A table, one row per cell: votes of each analyst, consensus, disagreement, band."""
        import pandas as pd

        rows = []
        for c in self.cells:
            row = {"evidence_id": c.evidence_id, "hypothesis": c.hypothesis_id}
            row.update({a: c.votes.get(a, "") for a in self.analysts})
            row.update({"consensus": c.consensus, "disagreement": c.disagreement,
                        "band": c.band})
            rows.append(row)
        return pd.DataFrame(rows).set_index(["evidence_id", "hypothesis"])

    def as_dict(self) -> dict:
        """JSON-ready form: analysts, band counts and every cell."""
        return {"case": self.case_id, "analysts": list(self.analysts),
                "bands": self.band_counts(), "cells": [c.as_dict() for c in self.cells]}


def check_analysts(case: Case, analysts: AnalystRatings) -> None:
    """Raise ValueError naming every unknown analyst item, hypothesis or rating.

    Parameters
    ----------
    case : Case
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``.
    """
    items = {e.id for e in case.evidence}
    hyps = set(case.hypothesis_ids)
    problems = []
    for name, table in analysts.items():
        for eid, cells in table.items():
            if eid not in items:
                problems.append(f"{name}: unknown evidence item {eid!r}")
                continue
            for hid, rating in cells.items():
                if hid not in hyps:
                    problems.append(f"{name}: {eid}: unknown hypothesis {hid!r}")
                elif str(rating).strip().upper() not in RATING_VALUES:
                    problems.append(f"{name}: {eid}/{hid}: {rating!r} is not a rating "
                                    f"({' '.join(RATING_VALUES)})")
    if problems:
        raise ValueError("bad analyst ratings: " + "; ".join(problems))


def restrict_to(case: Case, analysts: AnalystRatings) -> dict[str, dict[str, dict[str, str]]]:
    """The analysts' ratings of the items still in ``case`` only.

    Use it after cutting a case down (``case.up_to(date)``, ``case.without(...)``, a scenario's
    ``as_of`` or ``exclude``): the engines reject ratings of items the case does not hold, so
    that a mistyped id is never ignored silently.

    Parameters
    ----------
    case : Case
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``.

    Returns
    -------
    dict
        The same mapping without the items missing from ``case`` (analysts kept even if empty).
    """
    items = {e.id for e in case.evidence}
    return {name: {eid: dict(cells) for eid, cells in table.items() if eid in items}
            for name, table in analysts.items()}


def consensus(case: Case, analysts: AnalystRatings) -> ConsensusResult:
    """Consensus and disagreement of every cell some analyst voted on.

    Parameters
    ----------
    case : Case
        The case whose matrix the analysts rated.
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``; a missing cell is no vote.

    Returns
    -------
    ConsensusResult
        Cells in the case's item order, hypotheses in the case's order.

    Raises
    ------
    ValueError
        For unknown evidence ids, hypothesis ids or ratings.
    """
    check_analysts(case, analysts)
    names = tuple(analysts)
    cells = []
    for item in case.evidence:
        for h in case.hypothesis_ids:
            votes = {a: str(analysts[a][item.id][h]).strip().upper() for a in names
                     if item.id in analysts[a] and h in analysts[a][item.id]}
            if not votes:
                continue
            d = disagreement(votes.values())
            cells.append(CellConsensus(item.id, h, votes, consensus_rating(votes.values()), d,
                                       disagreement_band(d)))
    return ConsensusResult(case.id, case.hypothesis_ids, names, tuple(cells))


# ---------------------------------------------------------------------------- weights
def apply_ratings(case: Case, ratings: Mapping[str, Mapping[str, str | float]]) -> Case:
    """A copy of ``case`` with some cells' ratings replaced.

    Parameters
    ----------
    case : Case
    ratings : mapping
        ``{evidence_id: {hypothesis_id: rating or probability}}``; other cells keep the case's.

    Returns
    -------
    Case
    """
    items = []
    for item in case.evidence:
        new = ratings.get(item.id)
        if new:
            item = replace(item, ratings={**item.ratings, **{h: (r.strip().upper()
                                                                 if isinstance(r, str) else r)
                                                             for h, r in new.items()}})
        items.append(item)
    return case.with_evidence(items)


def analyst_weights(case: Case, analysts: AnalystRatings) -> dict[str, Weights]:
    """Each analyst's weights: the case with that analyst's ratings, through the exact engine.

    Parameters
    ----------
    case : Case
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``; cells an analyst did not rate
        keep the case's rating.

    Returns
    -------
    dict
        ``{analyst: Weights}`` in the mapping's order.
    """
    check_analysts(case, analysts)
    return {name: exact_weights(apply_ratings(case, table)) for name, table in analysts.items()}


def consensus_weights(case: Case, analysts: AnalystRatings,
                      result: ConsensusResult | None = None) -> Weights:
    """Weights of the case with the consensus rating in every voted cell (exact engine).

    Parameters
    ----------
    case : Case
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``.
    result : ConsensusResult, optional
        An already computed consensus of these analysts (computed if omitted).

    Returns
    -------
    Weights
    """
    result = result or consensus(case, analysts)
    return exact_weights(apply_ratings(case, result.ratings()))


# ---------------------------------------------------------------------------- PyMC pooling
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
                   chains: int = 2, seed: int | None = None, sampler: str = "pymc",
                   target_accept: float = 0.9,
                   rounding_sd: float = ROUNDING_SD) -> PooledResult:
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
    sampler : {"pymc", "nutpie"}
        NUTS implementation.
    target_accept : float
        NUTS target acceptance rate.
    rounding_sd : float
        Noise every reading has because a rating is a rounded judgement (log-odds scale): the
        reading's standard deviation is ``sqrt(sigma_j**2 + rounding_sd**2)``. Without it
        (``0``) the posterior is improper whenever an analyst never disagrees with anyone on a
        cell: ``sigma_j`` can then shrink to zero with the shared values sitting on that
        analyst's readings, and the sampler gets stuck.

    Returns
    -------
    PooledResult

    Raises
    ------
    ValueError
        For bad ratings, a bad number of chains, or when no cell has a rated vote.
    """
    import logging
    import os

    from achlab import paths

    os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={paths.cache_dir() / 'pytensor'}")
    import arviz as az
    import pymc as pm

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
    with pm.Model(coords=coords) as model:
        sigma = pm.HalfNormal("sigma", sigma=1.0, dims="analyst")
        shared = pm.Normal("shared", mu=np.array(centre), sigma=1.5, dims="cell")
        noise = pm.math.sqrt(sigma[np.array(analyst_idx)] ** 2 + float(rounding_sd) ** 2)
        pm.Normal("reading", mu=shared[np.array(cell_idx)], sigma=noise,
                  observed=np.array(readings), dims="vote")
        pm.Deterministic("pooled", pm.math.invlogit(shared), dims="cell")
    seed = case.seed if seed is None else int(seed)
    quiet = logging.getLogger("pymc")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with model:
            # forkserver: no fork() of a multi-threaded process (numba and BLAS threads).
            extra = {"mp_ctx": "forkserver"} if sampler == "pymc" else {}
            idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=2, random_seed=seed,
                              nuts_sampler=sampler, progressbar=False,
                              target_accept=target_accept, compute_convergence_checks=False,
                              **extra)
    finally:
        quiet.setLevel(level)
    pooled = idata.posterior["pooled"].values.reshape(-1, len(cells))
    tail = 0.055
    lows, highs = np.quantile(pooled, tail, axis=0), np.quantile(pooled, 1 - tail, axis=0)
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
    summary = az.summary(idata, var_names=["shared"], round_to="none")
    divergences = int(np.asarray(idata.sample_stats["diverging"]).sum())
    settings = {"draws": draws, "tune": tune, "chains": chains, "seed": seed,
                "sampler": sampler, "target_accept": target_accept, "rounding_sd": rounding_sd}
    return PooledResult(pooled_case, likelihood, interval, weights,
                        {a: float(s) for a, s in zip(names, sd, strict=True)}, idata,
                        divergences, float(summary["r_hat"].max()), settings)
