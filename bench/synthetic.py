"""Random cases of any size for the benchmarks (shared by bench_exact and bench_mcmc)."""

from __future__ import annotations

import numpy as np

from achlab.model import Case, EvidenceItem, Hypothesis, Reliability, Source
from achlab.model.scales import DEFAULT_RATING_SCALE, NOT_APPLICABLE, Scales

#: Admiralty letters A-F and two fixed reliabilities.
RELIABILITIES = ("A", "B", "C", "D", "E", "F", 0.7, 0.4)


def synthetic_case(n_items: int, seed: int, with_na: bool = True) -> Case:
    """A random case: 8 sources (Admiralty letters and fixed values), 3 hypotheses.

    Parameters
    ----------
    n_items : int
        Number of evidence items, spread at random over the sources.
    seed : int
        Seed of the ratings, credibility codes, motives and item sources.
    with_na : bool
        Whether ``NA`` cells may be drawn among the ratings.

    Returns
    -------
    Case
    """
    rng = np.random.default_rng(seed)
    scales = Scales()
    hyps = ("h1", "h2", "h3")
    sources = []
    for n, rel in enumerate(RELIABILITIES):
        reliability = (Reliability.from_letter(rel, scales) if isinstance(rel, str)
                       else Reliability.point(rel))
        sources.append(Source(f"s{n}", f"source {n}", reliability, float(rng.uniform(0.2, 0.8))))
    ratings = [*DEFAULT_RATING_SCALE, *([NOT_APPLICABLE] if with_na else [])]
    items = []
    for i in range(n_items):
        code = str(rng.integers(1, 7))
        items.append(EvidenceItem(
            id=f"E{i}", summary="", source_id=f"s{rng.integers(0, 8)}",
            ratings={h: str(rng.choice(ratings)) for h in hyps},
            credibility=code, cred_factor=scales.credibility[code]))
    return Case(id=f"synthetic-{n_items}", title="synthetic", question="?",
                hypotheses=tuple(Hypothesis(h, h) for h in hyps),
                prior={h: 1 / 3 for h in hyps}, sources=tuple(sources), evidence=tuple(items))
