"""Replay over time and post-mortem scoring against a known outcome. No I/O.

:func:`replay` recomputes the exact weights at each date, holding only the evidence dated on or
before it (:meth:`~achlab.model.Case.up_to`; undated items count from the start). Each item's
*effect* is the change of the leading hypothesis's weight when that item alone is added to the
evidence of the previous date, so items arriving on the same date are judged one by one, not in
file order. The leading hypothesis is that of the last date. *Key items* have the largest
absolute effect.

:func:`post_mortem` scores the replay against ``case.resolution`` (``{hypothesis, date, note}``):

* Brier score, multi-class: ``sum_k (w_k - 1[k = truth])^2``, from 0 (all weight on the truth)
  to 2 (all weight on one wrong hypothesis);
* log score: ``log2`` of the truth's weight, 0 at best; the weight is clipped at ``1e-12``
  (:data:`LOG_FLOOR`) so that a weight that underflows to 0 scores about -39.9 bits, not -inf;
  rows where the clip applied are flagged;
* the first date the truth's weight exceeded 0.55, where ICD 203 says "likely"
  (:data:`LIKELY`), and the first date from which it stayed above.

:func:`replay_scenarios` replays several scenarios on a shared date axis. A scenario usually
stops at its ``as_of`` date; for the replay its assumptions (prior, reliabilities, motives,
re-ratings, exclusions) are applied to *all* the evidence of the full case through the resolution
date, i.e. its ``as_of`` is ignored (:func:`with_full_evidence`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from achlab.engines.exact import exact_weights
from achlab.model import Case

#: ICD 203: above 0.55 is "likely".
LIKELY = 0.55
#: Floor of the truth's weight in the log score.
LOG_FLOOR = 1e-12


@dataclass(frozen=True)
class Replay:
    """Weights of a case at each date.

    Attributes
    ----------
    case : Case
        The case replayed (all its evidence).
    weights : pandas.DataFrame
        Index: dates; columns: hypothesis ids; exact weights with the evidence to that date.
    arrivals : dict
        Date -> ids of the items that arrived after the previous date, up to and including it.
    effects : pandas.DataFrame
        One row per dated item: ``date``, ``source``, ``summary``, ``effect`` (change of the
        leading weight when the item alone is added to the previous date's evidence).
    leading : str
        Leading hypothesis at the last date.
    undated : tuple of str
        Items without a date (counted from the start).
    """

    case: Case
    weights: object
    arrivals: dict
    effects: object
    leading: str
    undated: tuple[str, ...] = ()

    @property
    def dates(self) -> list[dt.date]:
        """The replay's dates."""
        return list(self.weights.index)

    @property
    def leading_by_date(self):
        """Leading hypothesis id at each date (a pandas Series).

        The value is ``"tie"`` where two or more hypotheses share the top weight (within 1e-12).
        """
        w = self.weights.to_numpy()
        top = np.sort(w, axis=1)
        tied = top[:, -1] - top[:, -2] <= 1e-12 if w.shape[1] > 1 else np.zeros(len(w), bool)
        lead = self.weights.idxmax(axis=1)
        return lead.where(~tied, "tie")

    def key_items(self, n: int = 5):
        """The ``n`` items with the largest absolute effect on the leading weight."""
        if self.effects.empty:
            return self.effects
        order = self.effects["effect"].abs().sort_values(ascending=False, kind="stable").index
        return self.effects.loc[order[:n]]


def evidence_dates(case: Case) -> list[dt.date]:
    """Distinct evidence dates of a case, in order."""
    return sorted({e.date for e in case.evidence if e.date is not None})


def replay(case: Case, dates=None, effects: bool = True) -> Replay:
    """Exact weights recomputed at each date.

    Parameters
    ----------
    case : Case
        Give the full case (no ``as_of`` cut) to see the whole history.
    dates : sequence of date, optional
        Dates to evaluate (default: every distinct evidence date of the case).
    effects : bool
        Measure each item's effect on the leading weight as it arrived (what
        :meth:`Replay.key_items` ranks); False leaves them out, for scoring alone: they take
        one more exact computation per item.

    Returns
    -------
    Replay
    """
    import pandas as pd

    dates = sorted(set(dates)) if dates is not None else evidence_dates(case)
    if not dates:
        raise ValueError(f"case {case.id}: no dated evidence to replay")
    ids = case.hypothesis_ids
    undated = tuple(e for e in case.evidence if e.date is None)
    states = [case.with_evidence(undated)] + [case.up_to(d) for d in dates]
    table = np.array([exact_weights(s).mean for s in states])
    lead = int(np.argmax(table[-1]))
    arrivals, rows = {}, []
    for n, d in enumerate(dates):
        before = states[n]
        have = {e.id for e in before.evidence}
        new = [e for e in states[n + 1].evidence if e.id not in have]
        arrivals[d] = tuple(e.id for e in new)
        for e in new if effects else ():
            w = exact_weights(before.with_evidence((*before.evidence, e))).mean
            rows.append({"item": e.id, "date": d, "source": e.source_id, "summary": e.summary,
                         "effect": float(w[lead] - table[n, lead])})
    weights = pd.DataFrame(table[1:], index=pd.Index(dates, name="date"), columns=list(ids))
    effects = pd.DataFrame(rows, columns=["item", "date", "source", "summary", "effect"])
    return Replay(case, weights, arrivals, effects.set_index("item"), ids[lead],
                  tuple(e.id for e in undated))


# ---------------------------------------------------------------------------- scores
def brier_score(weights, truth_index: int) -> np.ndarray:
    """Multi-class Brier score ``sum_k (w_k - 1[k = truth])^2`` of each row of ``weights``."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    onehot = np.zeros(w.shape[-1])
    onehot[truth_index] = 1.0
    return ((w - onehot) ** 2).sum(axis=-1)


def log_score(weights, truth_index: int) -> tuple[np.ndarray, np.ndarray]:
    """``log2`` of the truth's weight per row, clipped at :data:`LOG_FLOOR`; and where clipped."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))[:, truth_index]
    clipped = w < LOG_FLOOR
    return np.log2(np.maximum(w, LOG_FLOOR)), clipped


@dataclass(frozen=True)
class PostMortem:
    """A replay scored against the known outcome.

    Attributes
    ----------
    truth : str
        The hypothesis that turned out true.
    resolution_date : date
        When it became known.
    scores : pandas.DataFrame
        Per date: ``truth weight``, ``brier``, ``log2 score``, ``clipped`` (log score floored),
        ``before resolution``.
    first_likely : date or None
        First date the truth's weight exceeded 0.55 ("likely", ICD 203).
    first_likely_held : date or None
        First date from which it stayed above 0.55 to the end of the replay.
    mean_brier : float
        Mean Brier score over the dates up to the resolution date.
    note : str
    """

    truth: str
    resolution_date: dt.date | None
    scores: object
    first_likely: dt.date | None
    first_likely_held: dt.date | None
    mean_brier: float
    note: str = ""

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"truth": self.truth,
                "resolution_date": self.resolution_date.isoformat()
                if self.resolution_date else None,
                "first_likely": self.first_likely.isoformat() if self.first_likely else None,
                "first_likely_held": self.first_likely_held.isoformat()
                if self.first_likely_held else None,
                "mean_brier": self.mean_brier, "note": self.note,
                "scores": [{"date": d.isoformat(),
                            **{k: (bool(v) if isinstance(v, bool | np.bool_) else float(v))
                               for k, v in r.items()}}
                           for d, r in self.scores.iterrows()]}


def post_mortem(result: Replay, resolution: dict | None = None) -> PostMortem:
    """Score a replay against the resolution (default ``result.case.resolution``).

    Parameters
    ----------
    result : Replay
    resolution : dict, optional
        ``{"hypothesis": id, "date": date, "note": text}``.

    Returns
    -------
    PostMortem

    Raises
    ------
    ValueError
        When there is no resolution, or it names an unknown hypothesis.
    """
    import pandas as pd

    resolution = resolution or result.case.resolution
    if not resolution:
        raise ValueError(f"case {result.case.id} has no resolution to score against")
    truth = resolution["hypothesis"]
    ids = list(result.weights.columns)
    if truth not in ids:
        raise ValueError(f"resolution names unknown hypothesis {truth!r}")
    k = ids.index(truth)
    res_date = resolution.get("date")
    w = result.weights.to_numpy()
    logs, clipped = log_score(w, k)
    dates = list(result.weights.index)
    before = np.array([res_date is None or d <= res_date for d in dates])
    scores = pd.DataFrame({"truth weight": w[:, k], "brier": brier_score(w, k),
                           "log2 score": logs, "clipped": clipped,
                           "before resolution": before}, index=result.weights.index)
    above = w[:, k] > LIKELY
    first = dates[int(np.argmax(above))] if above.any() else None
    held = None
    if above[-1]:
        start = len(above) - 1
        while start > 0 and above[start - 1]:
            start -= 1
        held = dates[start]
    note = ("log score: weights below 1e-12 clipped to 1e-12 (-39.9 bits)"
            if clipped.any() else "")
    mean_brier = float(scores["brier"][before].mean()) if before.any() else float("nan")
    if not before.any():
        note = "; ".join(filter(None, [note, "no replay date up to the resolution date"]))
    return PostMortem(truth, res_date, scores, first, held, mean_brier, note)


# ---------------------------------------------------------------------------- scenarios
def with_full_evidence(case: Case, full_case: Case, through: dt.date | None = None) -> Case:
    """A scenario's assumptions applied to all the evidence of the full case.

    Items the scenario holds keep its version (re-ratings apply); items it lacks only because
    they are dated after its ``as_of`` are added from ``full_case``; items it excluded stay out.
    ``as_of`` is dropped, then the evidence is cut at ``through`` (if given).

    Parameters
    ----------
    case : Case
        A scenario (usually cut at its ``as_of``).
    full_case : Case
        The same case with all the evidence (e.g. the case loaded without a scenario).
    through : date, optional
        Keep evidence dated on or before this (undated items stay).

    Returns
    -------
    Case
    """
    own = {e.id: e for e in case.evidence}
    cut = case.as_of
    evidence = []
    for e in full_case.evidence:
        if e.id in own:
            evidence.append(own[e.id])
        elif cut is not None and e.date is not None and e.date > cut:
            evidence.append(e)
    out = replace(case, evidence=tuple(evidence), as_of=None)
    return out.up_to(through) if through is not None else out


def replay_scenarios(cases: dict, full_case: Case, through: dt.date | None = None,
                     dates=None, effects: bool = True) -> dict:
    """Replay several scenarios on one date axis, through the resolution date.

    Parameters
    ----------
    cases : dict
        Scenario name -> Case.
    full_case : Case
        The case with all its evidence; its ``resolution`` date is the default ``through``.
    through : date, optional
        Last date (default: the resolution date, or all evidence if there is none).
    dates : sequence of date, optional
        Dates to evaluate (default: every distinct evidence date through ``through``).
    effects : bool
        As in :func:`replay`: False to score the replays without ranking their items.

    Returns
    -------
    dict
        Scenario name -> :class:`Replay`.
    """
    if through is None and full_case.resolution:
        through = full_case.resolution.get("date")
    full = {name: with_full_evidence(c, full_case, through) for name, c in cases.items()}
    if dates is None:
        dates = sorted({d for c in full.values() for d in evidence_dates(c)})
    return {name: replay(c, dates, effects) for name, c in full.items()}
