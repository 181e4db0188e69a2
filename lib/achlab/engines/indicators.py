"""Value of information: which future observation would move the weights most. No I/O.

For a candidate observation (an :class:`~achlab.model.Indicator`: an event, its
likelihood ``p_k`` under each hypothesis via the case's rating scale, and the source that would
report it), the report is treated like any other (model.md §1) with the source's *mean* reliability
``rho`` and credibility ``c = 1``:

    q_k = P(report | H_k) = rho c p_k + (1 - rho c) a,
    1 - q_k = P(no report | H_k) = rho c (1 - p_k) + (1 - rho c) (1 - a).

With current exact weights ``w``, the report comes with probability ``P = sum_k w_k q_k``; the
weights become ``w q / P`` if it comes and ``w (1 - q) / (1 - P)`` if it does not. Their average
over the two outcomes is ``w`` again (the posterior is a martingale: no observation can be
*expected* to move the weights one way). What an observation is expected to do is sharpen them:

* expected absolute change of each weight, ``E|w' - w|``;
* expected reduction of Shannon entropy in bits, ``H(w) - E[H(w')]`` — the mutual information
  between the hypothesis and the observation, never negative. Indicators are ranked by it.

Everything is computed in log space. Using the source's mean reliability is the point-model
simplification of model.md §1; it is exact for a source that has made no other report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from achlab.engines.exact import exact_weights, log_likelihood
from achlab.engines.likelihood import log_report_probability, logsumexp
from achlab.model import Case, EvidenceItem, Indicator

LN2 = np.log(2.0)


def entropy_bits(weights: np.ndarray) -> float:
    """Shannon entropy in bits, with ``0 log 0 = 0``."""
    w = np.asarray(weights, dtype=float)
    nz = w > 0
    return float(-(w[nz] * np.log(w[nz])).sum() / LN2)


@dataclass(frozen=True)
class IndicatorValue:
    """What one candidate observation is worth.

    Attributes
    ----------
    indicator : Indicator
    likelihood : array (K,)
        ``q_k = P(report | H_k)``.
    p_report : float
        Probability that it is reported, under the current weights.
    weights_if_reported, weights_if_not : array (K,)
        Weights after each outcome (an outcome with probability 0 keeps the current weights).
    expected_abs_change : array (K,)
        ``E|w'_k - w_k|`` over the two outcomes.
    entropy_reduction : float
        Expected reduction of entropy, bits.
    leading_if_reported, leading_if_not : str
        Leading hypothesis after each outcome.
    note : str
    """

    indicator: Indicator
    likelihood: np.ndarray
    p_report: float
    weights_if_reported: np.ndarray
    weights_if_not: np.ndarray
    expected_abs_change: np.ndarray
    entropy_reduction: float
    leading_if_reported: str
    leading_if_not: str
    note: str = ""

    @property
    def expected_shift(self) -> float:
        """Expected total-variation change of the weights, ``E[sum_k |w'_k - w_k|] / 2``."""
        return float(self.expected_abs_change.sum() / 2)

    def expected_posterior(self) -> np.ndarray:
        """``P w_reported + (1 - P) w_not``: equals the current weights (martingale)."""
        return (self.p_report * self.weights_if_reported
                + (1 - self.p_report) * self.weights_if_not)


@dataclass(frozen=True)
class IndicatorRanking:
    """Candidate observations ranked by expected entropy reduction.

    Attributes
    ----------
    hypothesis_ids : tuple of str
    labels : dict
    current : array (K,)
        Current exact weights.
    entropy : float
        Their entropy in bits.
    values : tuple of IndicatorValue
        Most informative first.
    """

    hypothesis_ids: tuple[str, ...]
    labels: dict
    current: np.ndarray
    entropy: float
    values: tuple[IndicatorValue, ...]

    @property
    def leading(self) -> str:
        """Current leading hypothesis."""
        return self.hypothesis_ids[int(np.argmax(self.current))]

    def to_frame(self):
        """One row per indicator, most informative first."""
        import pandas as pd

        rows = []
        for v in self.values:
            row = {"indicator": v.indicator.id, "event": v.indicator.event,
                   "source": v.indicator.source_id, "P(reported)": v.p_report,
                   "bits": v.entropy_reduction, "expected shift": v.expected_shift}
            for h, a, b in zip(self.hypothesis_ids, v.weights_if_reported, v.weights_if_not,
                               strict=True):
                row[f"{h} if reported"] = float(a)
                row[f"{h} if not"] = float(b)
            rows.append(row)
        return pd.DataFrame(rows).set_index("indicator")

    def as_dict(self) -> dict:
        """JSON-ready form."""
        ids = self.hypothesis_ids

        def wd(x):
            return {h: float(v) for h, v in zip(ids, x, strict=True)}

        return {"current": wd(self.current), "entropy_bits": self.entropy,
                "indicators": [
                    {"id": v.indicator.id, "event": v.indicator.event,
                     "source": v.indicator.source_id, "p_reported": v.p_report,
                     "entropy_reduction_bits": v.entropy_reduction,
                     "expected_shift": v.expected_shift,
                     "expected_abs_change": wd(v.expected_abs_change),
                     "if_reported": wd(v.weights_if_reported), "if_not": wd(v.weights_if_not),
                     "leading_if_reported": v.leading_if_reported,
                     "leading_if_not": v.leading_if_not, "note": v.note}
                    for v in self.values]}


def indicator_likelihood(case: Case, indicator: Indicator) -> tuple[np.ndarray, np.ndarray]:
    """``log q_k`` and ``log(1 - q_k)`` for one indicator (see the module docstring).

    Raises
    ------
    ValueError
        For an unknown source, an unknown rating, or no rated cell.
    """
    try:
        src = case.source(indicator.source_id)
    except KeyError as exc:
        raise ValueError(f"indicator {indicator.id}: {exc.args[0]}") from None
    item = EvidenceItem(id=indicator.id, summary=indicator.event, source_id=src.id,
                        ratings=dict(indicator.ratings))
    try:
        p = case.likelihood_row(item)
    except KeyError as exc:
        raise ValueError(f"indicator {indicator.id}: unknown rating {exc.args[0]!r}") from None
    if p is None:
        raise ValueError(f"indicator {indicator.id}: no rated cell")
    rho, a = float(src.reliability.mean), src.motives(case.hypothesis_ids)  # a_k (§4)
    # Not reporting is the same testimony model with the event and the motive negated.
    return log_report_probability(rho, p, a), log_report_probability(rho, 1 - p, 1 - a)


def _current_log_weights(case: Case) -> np.ndarray:
    arr = case.arrays()
    log_post = arr.log_prior + log_likelihood(arr, seed=case.seed)
    norm = logsumexp(log_post)
    if not np.isfinite(norm):
        exact_weights(case)  # raises the engine's own error
    return log_post - norm


def indicator_value(case: Case, indicator: Indicator,
                    log_w: np.ndarray | None = None) -> IndicatorValue:
    """Value of one candidate observation (see the module docstring).

    Parameters
    ----------
    case : Case
    indicator : Indicator
    log_w : array (K,), optional
        Current log weights (computed if omitted).

    Returns
    -------
    IndicatorValue
    """
    ids = case.hypothesis_ids
    log_w = _current_log_weights(case) if log_w is None else log_w
    w = np.exp(log_w)
    log_q, log_not = indicator_likelihood(case, indicator)
    outcomes, notes = [], []
    for log_l, what in ((log_q, "reported"), (log_not, "not reported")):
        joint = log_w + log_l
        log_p = logsumexp(joint)
        if np.isfinite(log_p):
            outcomes.append((float(np.exp(log_p)), np.exp(joint - log_p)))
        else:
            outcomes.append((0.0, w.copy()))
            notes.append(f"cannot be {what} under any hypothesis")
    (p_yes, w_yes), (p_no, w_no) = outcomes
    change = p_yes * np.abs(w_yes - w) + p_no * np.abs(w_no - w)
    gain = entropy_bits(w) - (p_yes * entropy_bits(w_yes) + p_no * entropy_bits(w_no))
    return IndicatorValue(indicator, np.exp(log_q), p_yes, w_yes, w_no, change,
                          max(gain, 0.0) if gain > -1e-12 else gain,
                          ids[int(np.argmax(w_yes))], ids[int(np.argmax(w_no))],
                          "; ".join(notes))


def value_of_information(case: Case, indicators) -> IndicatorRanking:
    """Rank candidate observations by expected entropy reduction (bits).

    Parameters
    ----------
    case : Case
        Current weights are its exact weights.
    indicators : iterable of Indicator

    Returns
    -------
    IndicatorRanking
        Ties keep the input order.
    """
    log_w = _current_log_weights(case)
    values = [indicator_value(case, ind, log_w) for ind in indicators]
    values.sort(key=lambda v: -v.entropy_reduction)
    w = np.exp(log_w)
    return IndicatorRanking(case.hypothesis_ids, case.labels, w, entropy_bits(w), tuple(values))
