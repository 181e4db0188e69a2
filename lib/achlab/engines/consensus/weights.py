"""Weights from several analysts' ratings, through the exact engine.

:func:`analyst_weights` gives each analyst's own answer: the case with that analyst's ratings put
in place of the case's ones (cells the analyst left empty keep the case's rating).
:func:`consensus_weights` does the same with the consensus ratings of
:mod:`~achlab.engines.consensus.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from achlab.engines.consensus.rules import (
    AnalystRatings,
    ConsensusResult,
    check_analysts,
    consensus,
)
from achlab.engines.exact import Weights, exact_weights
from achlab.model import Case


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


