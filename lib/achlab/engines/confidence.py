"""Analytic confidence (ICD 203: high, moderate, low), distinct from likelihood. No I/O.

Also here, since confidence rests on independence: :func:`dependence_steps`, the weights from
every report independent to the case as written, one restored piece at a time.

A weight says how likely a hypothesis is; confidence says how much the judgement can be trusted:
how many independent reports carry it, how much the uncertain reliabilities move it, how close it
stands to a flip, and how good the sources carrying it are. The rule (docs/model.md, "Confidence")
rates four criteria, each ``high``, ``moderate`` or ``low``, and the level is the lowest of them:

1. **Independence.** The weight each event carries toward the leading hypothesis ``L`` against the
   runner-up ``J`` is the change in ``log(w_L / w_J)`` when all its reports are left out. Over the
   events that favour ``L``, the effective number is ``(sum d)^2 / sum d^2`` (``n`` equal events
   give ``n``, one dominant event about 1). The same is computed with every report of one source
   left out, and the smaller of the two counts: reports of one source share its reliability, so
   they are not independent either. High from :data:`INDEPENDENT_HIGH`, moderate from
   :data:`INDEPENDENT_MODERATE`.
2. **Interval.** The 89 % interval of the leading weight over the reliabilities still uncertain
   (Beta priors), by seeded importance sampling from the priors, weighted by how well each
   setting explains the reports (so its mean is the exact weight). High up to
   :data:`WIDTH_HIGH` wide, moderate up to :data:`WIDTH_MODERATE`.
3. **Flip distance.** The nearest value of any one source's reliability or motive at which the
   leading hypothesis changes (:func:`achlab.engines.sensitivity.flip_points`), as a distance
   from its current value. High from :data:`FLIP_HIGH` (or no flip in [0, 1]), moderate from
   :data:`FLIP_MODERATE`.
4. **Source quality.** The mean reliability of the sources of the events carrying the weight,
   weighted by the share each carries. High from :data:`QUALITY_HIGH` (B, usually reliable),
   moderate from :data:`QUALITY_MODERATE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from achlab.engines.exact import exact_weights, sweep_log_posterior
from achlab.engines.likelihood import logsumexp
from achlab.model import Case
from achlab.model.scales import ASSERTS, DENIES, INTERVAL, NOT_APPLICABLE, OBSERVED, interval_tails

LEVELS = ("low", "moderate", "high")
#: Effective number of independent events and sources for high / moderate confidence.
INDEPENDENT_HIGH = 4.0
INDEPENDENT_MODERATE = 2.0
#: Widest 89 % interval of the leading weight for high / moderate confidence.
WIDTH_HIGH = 0.15
WIDTH_MODERATE = 0.30
#: Smallest distance to a flip point for high / moderate confidence.
FLIP_HIGH = 0.20
FLIP_MODERATE = 0.10
#: Weighted mean reliability of the sources carrying the weight for high / moderate confidence.
QUALITY_HIGH = 0.75
QUALITY_MODERATE = 0.50
#: Reliability settings drawn to measure the interval.
DRAWS = 4000

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")


@dataclass(frozen=True)
class Confidence:
    """Analytic confidence in the leading hypothesis.

    Attributes
    ----------
    level : {"low", "moderate", "high"}
        The lowest level of the four criteria.
    reasons : tuple of str
        One short sentence per criterion, the ones that set the level first.
    leading, runner_up : str
        Ids of the leading and the second hypothesis.
    criteria : dict
        Criterion name -> level.
    effective_events, effective_sources : float
        Effective numbers of independent events and sources carrying the weight.
    interval : tuple of float
        89 % interval of the leading weight.
    flip_distance : float or None
        Distance to the nearest flip point; None when there is none in [0, 1].
    source_quality : float
        Weighted mean reliability of the sources carrying the weight.
    """

    level: str
    reasons: tuple[str, ...]
    leading: str
    runner_up: str
    criteria: dict = field(default_factory=dict)
    effective_events: float = 0.0
    effective_sources: float = 0.0
    interval: tuple[float, float] = (0.0, 0.0)
    flip_distance: float | None = None
    source_quality: float = 0.0

    def as_dict(self) -> dict:
        """``{"level": ..., "reasons": [...]}`` as in ``weights --json``."""
        return {"level": self.level, "reasons": list(self.reasons)}

    def line(self, reasons: int | None = None) -> str:
        """``moderate confidence: <first reason>; <second reason>`` (the first ``reasons``)."""
        shown = self.reasons if reasons is None else self.reasons[:reasons]
        return f"{self.level} confidence: " + "; ".join(r[:1].lower() + r[1:].rstrip(".")
                                                         for r in shown)


# ---------------------------------------------------------------------------- effective numbers
def effective_number(contributions) -> float:
    """``(sum d)^2 / sum d^2`` over the positive contributions (0 when there are none)."""
    d = np.asarray([x for x in contributions if x > 0], dtype=float)
    if d.size == 0:
        return 0.0
    return float(d.sum() ** 2 / np.sum(d * d))


def _independent_of(item) -> str:
    """The key a report counts once under: its ``event``, else its ``origin``, else its id.

    Unlike :func:`achlab.model.case.event_key`, reports of one origin count as one.
    """
    return getattr(item, "event", "") or item.origin or item.id


def _log_odds(weights: np.ndarray, lead: int, rival: int) -> float:
    tiny = np.finfo(float).tiny
    return float(np.log(max(weights[lead], tiny)) - np.log(max(weights[rival], tiny)))


def _contributions(case: Case, groups: dict[str, list[str]], lead: int, rival: int,
                   base: float) -> dict[str, float]:
    """Change of ``log(w_lead / w_rival)`` when each group of reports is left out."""
    out = {}
    for key, ids in groups.items():
        without = exact_weights(case.without(*ids)).mean
        out[key] = base - _log_odds(without, lead, rival)
    return out


def _groups(case: Case, key) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in case.evidence:
        out.setdefault(key(item), []).append(item.id)
    return out


# ---------------------------------------------------------------------------- interval
def leading_interval(case: Case, lead: int, draws: int = DRAWS,
                     prob: float = INTERVAL) -> tuple[float, float]:
    """Central ``prob`` interval of the leading weight over uncertain reliabilities.

    Reliabilities are drawn from their Beta priors (seeded by ``case.seed``); each draw gives the
    conditional weights, and is weighted by the probability of the reports under it, so that the
    weighted mean of the conditional weights is the exact weight.
    """
    rel = [s.reliability for s in case.sources]
    if all(r.is_point for r in rel):
        w = float(exact_weights(case).mean[lead])
        return (w, w)
    rng = np.random.default_rng(case.seed)
    rho = np.empty((draws, len(rel)))
    for s, r in enumerate(rel):
        rho[:, s] = r.mean if r.is_point else rng.beta(r.alpha, r.beta, size=draws)
    log_post = sweep_log_posterior(case, rho, engine="numpy")  # one call: no compile wait
    log_marginal = logsumexp(log_post, axis=1)
    usable = np.isfinite(log_marginal)
    cond = np.exp(log_post[usable, lead] - log_marginal[usable])
    iw = np.exp(log_marginal[usable] - logsumexp(log_marginal[usable]))
    order = np.argsort(cond)
    cum = np.cumsum(iw[order])
    lo_q, hi_q = interval_tails(prob)
    lo = cond[order][min(np.searchsorted(cum, lo_q), cond.size - 1)]
    hi = cond[order][min(np.searchsorted(cum, hi_q), cond.size - 1)]
    return (float(lo), float(hi))


# ---------------------------------------------------------------------------- flips
def nearest_flip(case: Case) -> tuple[float | None, str]:
    """Distance to the nearest flip point of any source's reliability or motive, and its text."""
    from achlab.engines.sensitivity import flip_points

    best, text = None, ""
    for fp in flip_points(case):
        f = fp.nearest
        if f is None:
            continue
        distance = abs(f.value - fp.current)
        if best is None or distance < best:
            best = distance
            text = (f"{fp.source_id}'s {fp.parameter} at {f.value:.2f} instead of "
                    f"{fp.current:.2f}")
    return best, text


# ---------------------------------------------------------------------------- the rule
def _grade(value: float, high: float, moderate: float, larger_is_better: bool = True) -> str:
    if not larger_is_better:
        value, high, moderate = -value, -high, -moderate
    if value >= high:
        return "high"
    return "moderate" if value >= moderate else "low"


def _count_words(n: float) -> str:
    whole = int(round(n))
    if whole < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[whole]
    return f"{whole}"


def _top(contributions: dict[str, float], count: float) -> list[str]:
    """The ``round(count)`` (at least one) largest positive contributors, largest first."""
    ranked = sorted(((d, key) for key, d in contributions.items() if d > 0), reverse=True)
    return [key for _, key in ranked[:max(1, int(round(count)))]]


def _independence_sentence(count: float, kind: str, top: list[str]) -> str:
    if not top:
        return "no report favours the leading hypothesis over the runner-up"
    if int(round(count)) <= 1:
        return f"one independent {kind[:-1]} carries most of the weight ({', '.join(top)})"
    return f"{_count_words(count)} independent {kind} carry most of the weight ({', '.join(top)})"


def _interval_sentence(lo: float, hi: float) -> str:
    """The width the criterion grades, in points.

    The interval's ends are notebook 03's to give: this Monte Carlo estimate and PyMC's can round
    one point apart.
    """
    width = round(100 * (hi - lo))
    if width < 1:
        return ("uncertain reliabilities barely move the leading weight (its 89 % interval is "
                "under 1 point wide)")
    unit = "point" if width == 1 else "points"
    return f"uncertain reliabilities spread the leading weight over {width} {unit} (89 % interval)"


def _quality(case: Case, by_event: dict[str, float], groups: dict[str, list[str]]) -> float:
    items = {e.id: e for e in case.evidence}
    means = {s.id: s.reliability.mean for s in case.sources}
    total = sum(d for d in by_event.values() if d > 0)
    if total <= 0:
        return 0.0
    acc = 0.0
    for key, d in by_event.items():
        if d > 0:
            acc += d * max(means[items[i].source_id] for i in groups[key])
    return acc / total


def confidence(case: Case, draws: int = DRAWS) -> Confidence:
    """Analytic confidence in the leading hypothesis of a case (the rule of the module doc).

    Parameters
    ----------
    case : Case
    draws : int
        Reliability settings drawn for the interval of the leading weight.

    Returns
    -------
    Confidence
    """
    weights = exact_weights(case).mean
    order = np.argsort(-weights, kind="stable")
    lead, rival = int(order[0]), int(order[1]) if weights.size > 1 else int(order[0])
    ids = case.hypothesis_ids
    if lead == rival:
        return Confidence("low", ("There is only one hypothesis.",), ids[lead], ids[lead])
    base = _log_odds(weights, lead, rival)
    events = _groups(case, _independent_of)
    by_event = _contributions(case, events, lead, rival, base)
    by_source = _contributions(case, _groups(case, lambda e: e.source_id), lead, rival, base)
    n_events, n_sources = effective_number(by_event.values()), effective_number(by_source.values())
    n_ind = min(n_events, n_sources)
    lo, hi = leading_interval(case, lead, draws)
    flip, flip_text = nearest_flip(case)
    quality = _quality(case, by_event, events)
    criteria = {
        "independence": _grade(n_ind, INDEPENDENT_HIGH, INDEPENDENT_MODERATE),
        "interval": _grade(hi - lo, WIDTH_HIGH, WIDTH_MODERATE, larger_is_better=False),
        "flip": "high" if flip is None else _grade(flip, FLIP_HIGH, FLIP_MODERATE),
        "quality": _grade(quality, QUALITY_HIGH, QUALITY_MODERATE),
    }
    narrower = "events" if n_events <= n_sources else "sources"
    top = _top(by_event if narrower == "events" else by_source, n_ind)
    sentences = {
        "independence": _independence_sentence(n_ind, narrower, top),
        "interval": _interval_sentence(lo, hi) if hi > lo else "every reliability is fixed",
        "flip": ("no single source's reliability or motive changes the lead" if flip is None else
                 f"the lead changes with {flip_text}"),
        "quality": f"the sources carrying the weight have mean reliability {quality:.2f}",
    }
    level = min(criteria.values(), key=LEVELS.index)
    ranked = sorted(criteria, key=lambda c: LEVELS.index(criteria[c]))
    reasons = tuple(sentences[c][0].upper() + sentences[c][1:] + "." for c in ranked)
    return Confidence(level, reasons, ids[lead], ids[rival], criteria, n_events, n_sources,
                      (lo, hi), flip, quality)


# ---------------------------------------------------------------------------- dependence
@dataclass(frozen=True)
class DependenceStep:
    """The weights after one more piece of the case's dependence structure is restored.

    Attributes
    ----------
    label : str
        What this step restores (``"every report independent"`` for the first).
    item_ids : tuple of str
        The rows the step changes.
    weights : array (K,)
        Exact weights after the step.
    """

    label: str
    item_ids: tuple[str, ...]
    weights: np.ndarray


def _complement(case: Case, ratings: dict) -> dict:
    """``1 - q`` for every rated cell: the event that the denied event did not happen."""
    out = {}
    for h, r in ratings.items():
        if r == NOT_APPLICABLE:
            out[h] = r
        else:
            out[h] = 1.0 - (case.scales.rating[r] if isinstance(r, str) else float(r))
    return out


def _loosen(case: Case, item, keep_event: bool, keep_stance: bool):
    """One row with its event and/or stance dropped, meaning kept where it can be."""
    stance = getattr(item, "stance", ASSERTS)
    changes = {}
    if not keep_event:
        changes["event"] = ""
    if not keep_stance and stance == DENIES:  # "not F" is an event of its own
        changes.update(event="", stance=ASSERTS, ratings=_complement(case, item.ratings))
    elif not keep_stance and stance == OBSERVED:
        changes["stance"] = ASSERTS
    return replace(item, **changes) if changes else item


def independent_reports(case: Case, events=(), stances=()) -> Case:
    """The case with every report an event of its own, as if the reports were independent.

    A denial becomes a report asserting that the event did not happen (ratings ``1 - q``, which
    is exact for a one-report event) and an observation becomes a report by its source.

    Parameters
    ----------
    case : Case
    events : iterable of str
        Named events to keep as they are.
    stances : iterable of str
        Stances (``denies``, ``observed``) to keep as they are.
    """
    events, stances = set(events), set(stances)
    items = [_loosen(case, e, getattr(e, "event", "") in events,
                     getattr(e, "stance", ASSERTS) in stances) for e in case.evidence]
    return case.with_evidence(items)


def dependence_steps(case: Case) -> tuple[DependenceStep, ...]:
    """From every report independent to the case as written, one restored piece at a time.

    First every report counts as an event of its own; then each named event with two or more
    reports is merged (in the order of its first report), then the denials are restored, then the
    observations. The last step is the case itself.
    """
    named: dict[str, list[str]] = {}  # event -> its reports that do not deny it
    for e in case.evidence:
        if getattr(e, "event", ""):
            reports = named.setdefault(e.event, [])
            if getattr(e, "stance", ASSERTS) != DENIES:
                reports.append(e.id)
    merged = [ev for ev, ids in named.items() if len(ids) > 1]
    steps = [DependenceStep("every report independent", (),
                            exact_weights(independent_reports(case)).mean)]
    kept: list[str] = []
    for ev in merged:
        kept.append(ev)
        steps.append(DependenceStep(f"event {ev} counted once", tuple(named[ev]),
                                    exact_weights(independent_reports(case, kept)).mean))
    restored: list[str] = []
    for stance, label in ((DENIES, "denials deny their event"),
                          (OBSERVED, "observations count as observed")):
        ids = tuple(e.id for e in case.evidence if getattr(e, "stance", ASSERTS) == stance)
        if not ids:
            continue
        restored.append(stance)
        steps.append(DependenceStep(label, ids, exact_weights(
            independent_reports(case, named, restored)).mean))
    return tuple(steps)


def largest_step(steps, hypothesis: int) -> DependenceStep | None:
    """The step that moved one hypothesis's weight most (None when there is only one step)."""
    if len(steps) < 2:
        return None
    moves = [abs(b.weights[hypothesis] - a.weights[hypothesis])
             for a, b in zip(steps[:-1], steps[1:], strict=True)]
    return steps[1 + int(np.argmax(moves))]
