"""Classic ACH scores (PARC ACH 2.0) and a diagnosticity measure per item.

Inconsistency counts only what argues *against* a hypothesis (Heuer: seek to disprove):
``I`` scores 1, ``II`` scores 2, everything else 0; ``Inconsistency_k = -sum_i v(r_ik)``.
The weighted score multiplies each item's value by its credibility and relevance weights
(High ``sqrt 2``, Medium 1, Low ``1/sqrt 2``). Nearest zero is the least contradicted hypothesis.

Diagnosticity
-------------
We measure an item's diagnosticity as the largest log-likelihood ratio between two hypotheses,
in bits: ``max_{k,l} log2(p_ik / p_il)`` with ``p`` from the case's rating scale (``NA`` cells as
in model.md §1, the mean of the rated cells). It is zero exactly when the item is rated alike under
every hypothesis — Heuer's "consistent with everything, so diagnostic of nothing" — and it is the
most an item at full reliability can shift the odds between any two hypotheses (Good's weight of
evidence), so it ranks items by how much they *could* matter. Reliability is deliberately left out
here: that is the Bayesian engine's job, shown beside this score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from achlab.model import Case, EvidenceItem
from achlab.model.scales import NOT_APPLICABLE, PARC_VALUES, PARC_WEIGHTS


@dataclass(frozen=True)
class HeuerScores:
    """Classic ACH scores for a case."""

    hypothesis_ids: tuple[str, ...]
    inconsistency: dict[str, float]
    weighted_inconsistency: dict[str, float]
    diagnosticity: dict[str, float]

    @property
    def least_contradicted(self) -> str:
        """Hypothesis whose weighted inconsistency is nearest zero (first listed on ties)."""
        return max(self.hypothesis_ids, key=lambda h: self.weighted_inconsistency[h])

    def as_dict(self) -> dict:
        """JSON form of model.md §3."""
        return {
            "inconsistency": dict(self.inconsistency),
            "weighted_inconsistency": dict(self.weighted_inconsistency),
            "diagnosticity": dict(self.diagnosticity),
        }


def heuer_rating(case: Case, item: EvidenceItem, hypothesis_id: str) -> str:
    """The Heuer rating of a cell; a number is mapped to the nearest rating on the case's scale."""
    r = item.ratings.get(hypothesis_id, NOT_APPLICABLE)
    return r if isinstance(r, str) else case.scales.nearest_rating(float(r))


def item_diagnosticity(case: Case, item: EvidenceItem) -> float:
    """Largest pairwise log2 likelihood ratio of an item (0 = not diagnostic)."""
    row = case.likelihood_row(item)
    if row is None:
        return 0.0
    lo, hi = float(row.min()), float(row.max())
    if hi == lo:
        return 0.0
    if lo <= 0.0:
        return float("inf")
    return float(np.log2(hi / lo))


def heuer_scores(case: Case) -> HeuerScores:
    """PARC inconsistency, weighted inconsistency and per-item diagnosticity for ``case``."""
    hyps = case.hypothesis_ids
    plain = dict.fromkeys(hyps, 0.0)
    weighted = dict.fromkeys(hyps, 0.0)
    for item in case.evidence:
        weight = PARC_WEIGHTS[item.parc_credibility] * PARC_WEIGHTS[item.relevance]
        for h in hyps:
            v = PARC_VALUES[heuer_rating(case, item, h)]
            plain[h] -= v
            weighted[h] -= weight * v
    diag = {item.id: item_diagnosticity(case, item) for item in case.evidence}
    return HeuerScores(hyps, plain, {h: w + 0.0 for h, w in weighted.items()}, diag)
