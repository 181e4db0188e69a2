"""Several analysts rating one matrix: consensus and disagreement per cell, weights per analyst.

Consensus and disagreement follow Open Synthesis (``openach/metrics.py``), on its scale::

    NA 0, II 1, I 2, N 3, C 4, CC 5

*Consensus* of a cell: ``NA`` when the ``NA`` votes outnumber the rated ones; otherwise the mean
of the rated (non-``NA``) votes rounded to the nearest rating, an exact half going toward ``N``
(3.5 is ``N``, 2.5 is ``N``, 4.5 is ``C``, 1.5 is ``I``) - the conservative rounding Open Synthesis
describes. A tie in the count (as many ``NA`` as rated votes) keeps the rated mean.

Open Synthesis's code rounds with Python's ``round()`` instead, which sends an exact half to the
even value (2.5 is ``I``, 3.5 is ``C``, 1.5 is ``I``, 4.5 is ``C``): the two rules differ when
the mean is 2.5 or 3.5. ``rounding="open-synthesis"`` gives the code's behaviour; the default,
``"toward-neutral"``, the documented rule.

*Disagreement* of a cell: the larger of two sample standard deviations (``ddof=1``), each 0 when
it has fewer than two values:

1. of the applicability indicator, 1 for a rated vote and 0 for ``NA``;
2. of the rated values.

Bands: ``consensus`` below 0.5, ``mild`` from 0.5, ``large`` from 1.5, ``extreme`` from 2.0.

Engines compute on a :class:`~achlab.model.Case` and a mapping
``{analyst: {evidence_id: {hypothesis_id: rating}}}``; they never read files
(:mod:`achlab.load.analysts` reads them). Weights per analyst are in
:mod:`~achlab.engines.consensus.weights`, the PyMC pooling in
:mod:`~achlab.engines.consensus.pooling`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from achlab.model import Case
from achlab.model.scales import NOT_APPLICABLE

#: Open Synthesis values of the ratings.
RATING_VALUES = MappingProxyType({"NA": 0, "II": 1, "I": 2, "N": 3, "C": 4, "CC": 5})
#: Value (1-5) back to rating.
VALUE_RATINGS = MappingProxyType({v: r for r, v in RATING_VALUES.items() if v > 0})
#: Value of ``N``: ties round toward it.
NEUTRAL_VALUE = RATING_VALUES["N"]
#: Roundings of a mean vote: the documented rule (default) and Open Synthesis's code.
ROUNDINGS = ("toward-neutral", "open-synthesis")
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
    return _round_half(mean, lambda lower: lower if lower >= NEUTRAL_VALUE else lower + 1)


def round_half_even(mean: float) -> int:
    """Round a mean vote (1-5) as Python's ``round()`` does: an exact half to the even value.

    This is what Open Synthesis's code does (2.5 is ``I``, 3.5 is ``C``).

    Parameters
    ----------
    mean : float
        Mean of rated values.

    Returns
    -------
    int
        1 to 5.
    """
    return _round_half(mean, lambda lower: lower if lower % 2 == 0 else lower + 1)


def _round_half(mean: float, tie) -> int:
    """Round to the nearest whole value; an exact half goes to ``tie(floor(mean))``."""
    lower = math.floor(mean)
    if math.isclose(mean - lower, 0.5, abs_tol=1e-9):
        return tie(lower)
    return int(math.floor(mean + 0.5))


def rounder(rounding: str):
    """The rounding function named ``rounding`` (one of :data:`ROUNDINGS`)."""
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}, got {rounding!r}")
    return round_toward_neutral if rounding == "toward-neutral" else round_half_even


def consensus_rating(votes: Iterable[str], rounding: str = "toward-neutral") -> str | None:
    """Consensus of one cell's votes (Open Synthesis rules, ties toward ``N`` by default).

    Parameters
    ----------
    votes : iterable of str
        Ratings ``CC C N I II NA`` (any case), one per analyst who voted.
    rounding : str
        ``"toward-neutral"`` (the documented rule: an exact half goes toward ``N``) or
        ``"open-synthesis"`` (its code: Python's ``round()``, an exact half to the even value).

    Returns
    -------
    str or None
        ``NA`` if the ``NA`` votes outnumber the rated ones, else the rounded mean rating;
        None when there is no vote.
    """
    round_mean = rounder(rounding)
    values = _values(votes)
    if not values:
        return None
    rated = [v for v in values if v > 0]
    if len(values) - len(rated) > len(rated):
        return NOT_APPLICABLE
    return VALUE_RATINGS[round_mean(sum(rated) / len(rated))]


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
    """Band of a disagreement: consensus, mild, large or extreme (None for None).

    The bands are ``consensus`` < 0.5 <= ``mild`` < 1.5 <= ``large`` < 2.0 <= ``extreme``.
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


def consensus(case: Case, analysts: AnalystRatings,
              rounding: str = "toward-neutral") -> ConsensusResult:
    """Consensus and disagreement of every cell some analyst voted on.

    Parameters
    ----------
    case : Case
        The case whose matrix the analysts rated.
    analysts : mapping
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``; a missing cell is no vote.
    rounding : str
        How a mean vote is rounded: ``"toward-neutral"`` (default) or ``"open-synthesis"``
        (see :func:`consensus_rating`).

    Returns
    -------
    ConsensusResult
        Cells in the case's item order, hypotheses in the case's order.

    Raises
    ------
    ValueError
        For unknown evidence ids, hypothesis ids or ratings.
    """
    rounder(rounding)
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
            cells.append(CellConsensus(item.id, h, votes,
                                       consensus_rating(votes.values(), rounding), d,
                                       disagreement_band(d)))
    return ConsensusResult(case.id, case.hypothesis_ids, names, tuple(cells))
