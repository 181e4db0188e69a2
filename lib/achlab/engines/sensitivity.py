"""How much the answer rests on each item and each assumption. No I/O, no drawing.

Four questions a briefer gets asked, each answered exactly (log space, no sampling):

* **Leave-one-out** (:func:`leave_one_out`): the weights without each evidence item, and without
  each repeated claim (all items sharing an ``origin``). *Linchpins* are the items or claims whose
  removal changes the leading hypothesis.
* **Tornado** (:func:`tornado`): each source's reliability and motive swung across a plausible
  range; the resulting lowest and highest weight of the leading hypothesis, widest first.
* **Flip points** (:func:`flip_points`): the reliability (or motive) of one source at which the
  leading hypothesis changes, solved by root-finding, or "none in [0, 1]".
* **Assumption sweep** (:func:`assumption_sweep`): the leading weight over a grid of two
  assumptions, for a heat map.

Conventions
-----------
The *leading hypothesis* is always the argmax of the exact weights
(:func:`~achlab.engines.exact.exact_weights`, Beta reliabilities integrated out).

Tornado, flip points and sweeps are on the **point model**: the source being varied takes the
given value and every other source sits at its *mean* reliability (model.md §1 with ``rho`` fixed).
For a source with a single report this equals the exact answer; for a source with several reports
the point weight differs slightly from the exact weight, so both are reported
(:attr:`Tornado.base_weight` and :attr:`Tornado.exact_weight`).

Ranges swung by the tornado (module constants, documented here so a briefer can quote them):

* reliability of a source with an Admiralty letter: the central 89 % interval of its Beta prior
  (:meth:`~achlab.model.Reliability.interval`);
* reliability given as a fixed number: that number ``± 0.15`` (:data:`POINT_RELIABILITY_SWING`),
  clipped to [0, 1];
* motive: the source's motive ``± 0.20`` (:data:`MOTIVE_SWING`), clipped to [0, 1].

An item that sets its own motive (an admission against interest) keeps it when its source's
motive is swung.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from achlab.engines.exact import exact_weights, sweep_log_posterior
from achlab.engines.likelihood import normalise
from achlab.model import Case
from achlab.model.case import event_key
from achlab.model.scales import INTERVAL, OBSERVED
from achlab.model.words import setting

#: A Beta reliability prior is swung over its central interval (:data:`INTERVAL`).
#: Half-width of the tornado swing for a fixed-number reliability (clipped to [0, 1]).
POINT_RELIABILITY_SWING = 0.15
#: Half-width of the tornado swing for a motive (clipped to [0, 1]).
MOTIVE_SWING = 0.20
#: Points per tornado swing (plus the current value): the bar is the min/max over them.
TORNADO_STEPS = 101
#: Grid used only to bracket flip points; the root is then solved to :data:`XTOL`.
FLIP_GRID = 2001
#: Absolute tolerance of the root-finder for flip points.
XTOL = 1e-12
#: What can be swung: a source's reliability or its motive.
PARAMETERS = ("reliability", "motive")
#: The parameter of a tornado bar that counts several reports as one (:func:`dependence_swings`).
DEPENDENCE = "dependence"


# ---------------------------------------------------------------------------- point model
def source_motives(case: Case) -> np.ndarray:
    """(S,) each source's motive, in the order of ``case.sources``."""
    return np.array([s.motive for s in case.sources], dtype=float)


def _lead(case: Case) -> tuple[np.ndarray, int]:
    w = exact_weights(case).mean
    return w, int(np.argmax(w))


# ---------------------------------------------------------------------------- leave-one-out
@dataclass(frozen=True)
class Omission:
    """The weights without some evidence (one item, or every item of one origin).

    Attributes
    ----------
    item_ids : tuple of str
        The items left out together.
    origin : str
        Their shared origin ("" for an item without one).
    status : str
        Why the effect is what it is (counts, collapsed into a twin, carries no information).
    weights : array (K,)
        Exact weights without them.
    delta : array (K,)
        ``weights - base``: positive where leaving them out raises a hypothesis.
    leading : str
        Leading hypothesis without them.
    flips : bool
        True when leaving them out changes the leading hypothesis (a linchpin).
    name : str
        The label of a dependence merge (``event F as one report``); empty otherwise.
    """

    item_ids: tuple[str, ...]
    origin: str
    status: str
    weights: np.ndarray
    delta: np.ndarray
    leading: str
    flips: bool
    name: str = ""

    @property
    def label(self) -> str:
        """``E05``, ``E05+E10`` for a claim made by several items, or the ``name`` if set."""
        return self.name or "+".join(self.item_ids)

    @property
    def largest_change(self) -> float:
        """Largest absolute change of any weight when left out."""
        return float(np.max(np.abs(self.delta))) if self.delta.size else 0.0


@dataclass(frozen=True)
class LeaveOneOut:
    """Leave-one-out of every evidence item and every repeated claim.

    Attributes
    ----------
    hypothesis_ids : tuple of str
    labels : dict
        Hypothesis id -> label.
    base : array (K,)
        Exact weights with all the evidence.
    leading : str
        Leading hypothesis with all the evidence.
    items : tuple of Omission
        One per evidence item, left out alone, in the case's order.
    claims : tuple of Omission
        One per origin shared by two or more items, all of them left out together (leaving out
        one of them alone changes nothing while a twin remains: a repeated claim counts once).
    merges : tuple of Omission
        Dependence (:func:`merges`): each multi-report event, and each source group, with its
        reports counted as one report; ``item_ids`` are the reports set aside.
    """

    hypothesis_ids: tuple[str, ...]
    labels: dict
    base: np.ndarray
    leading: str
    items: tuple[Omission, ...]
    claims: tuple[Omission, ...]
    merges: tuple[Omission, ...] = ()

    @property
    def linchpins(self) -> tuple[Omission, ...]:
        """Items, claims and merges that change the leading hypothesis, largest change first."""
        found = [o for o in (*self.items, *self.claims, *self.merges) if o.flips]
        return tuple(sorted(found, key=lambda o: -o.largest_change))

    def ranked(self) -> tuple[Omission, ...]:
        """Items and claims by how much leaving them out moves the leading weight."""
        k = self.hypothesis_ids.index(self.leading)
        return tuple(sorted((*self.items, *self.claims), key=lambda o: -abs(o.delta[k])))

    def to_frame(self):
        """A table, one row per item or claim: status, weights without, change of the lead."""
        import pandas as pd

        k = self.hypothesis_ids.index(self.leading)
        rows = []
        for o in (*self.items, *self.claims, *self.merges):
            row = {"left out": o.label, "origin": o.origin, "status": o.status}
            row.update({f"{h} without": float(w) for h, w in
                        zip(self.hypothesis_ids, o.weights, strict=True)})
            row.update({"change of lead": float(o.delta[k]), "leading without": o.leading,
                        "linchpin": o.flips})
            rows.append(row)
        return pd.DataFrame(rows).set_index("left out")

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "leading": self.leading,
            "base": _wdict(self.hypothesis_ids, self.base),
            "items": [_omission_dict(self.hypothesis_ids, o) for o in self.items],
            "claims": [_omission_dict(self.hypothesis_ids, o) for o in self.claims],
            "dependence": [_omission_dict(self.hypothesis_ids, o) for o in self.merges],
            "linchpins": [_omission_dict(self.hypothesis_ids, o) for o in self.linchpins],
        }


def _wdict(ids, values) -> dict:
    return {h: float(v) for h, v in zip(ids, values, strict=True)}


def _omission_dict(ids, o: Omission) -> dict:
    return {"items": list(o.item_ids), "origin": o.origin, "status": o.status,
            "leading_without": o.leading, "flips": o.flips,
            "weights_without": _wdict(ids, o.weights), "change": _wdict(ids, o.delta)}


def _inert_items(case: Case) -> dict[str, str]:
    """Counting items that provably carry no information, with the reason.

    An item's factor ``a + rho c (p_k - a)`` is the same for every hypothesis when ``rho c = 0``
    (a point reliability of 0, or a credibility factor of 0), or when its ratings are alike under
    every hypothesis and its source's reliability is fixed or the source has no other report (with
    a Beta source and other reports, such an item still tells about the source's reliability).
    Leaving such an item out changes nothing, exactly; recomputing would show rounding noise.
    """
    arr = case.arrays()
    counts = np.bincount(arr.item_source, minlength=len(arr.source_ids))
    sizes = np.diff(arr.event_start)[arr.report_event]
    out = {}
    for n, item_id in enumerate(arr.item_ids):
        s = arr.item_source[n]
        point = bool(arr.rel_is_point[s])
        if arr.observed[n] or np.ptp(arr.motive[n]) > 0:  # a motive per hypothesis moves them
            continue
        if arr.cred_factor[n] == 0:
            out[item_id] = "carries no information (credibility factor 0)"
        elif point and arr.rel_mean[s] == 0:
            out[item_id] = "carries no information (its source's reliability is 0)"
        elif np.ptp(arr.likelihood[n]) == 0 and sizes[n] == 1 and (point or counts[s] == 1):
            out[item_id] = "carries no information (rated alike under every hypothesis)"
    return out


def leave_one_out(case: Case) -> LeaveOneOut:
    """The exact weights without each evidence item, and without each repeated claim.

    Items collapsed by ``origin`` de-duplication (a claim repeated by several outlets counts once)
    change nothing when left out alone while a twin remains; they are labelled so, and the
    claim as a whole is left out in :attr:`LeaveOneOut.claims`. Items that provably carry no
    information (no rated cell, reliability times credibility 0, rated alike) are given exactly
    zero effect.

    Parameters
    ----------
    case : Case

    Returns
    -------
    LeaveOneOut
    """
    arr = case.arrays()
    ids = case.hypothesis_ids
    base, lead = _lead(case)
    dropped = dict(arr.dropped)
    inert = _inert_items(case)
    by_origin: dict[str, list[str]] = {}
    for e in case.evidence:
        if e.origin:
            by_origin.setdefault(e.origin, []).append(e.id)

    def omission(item_ids, origin, status, weights) -> Omission:
        top = int(np.argmax(weights))
        return Omission(tuple(item_ids), origin, status, weights, weights - base, ids[top],
                        top != lead)

    items = []
    for e in case.evidence:
        twins = [t for t in by_origin.get(e.origin, []) if t != e.id]
        if e.id in dropped:
            reason = dropped[e.id]
            status = (f"collapsed into its twin ({reason}): leaving it out alone changes nothing"
                      if reason.startswith("same origin") else f"{reason}: carries no information")
            weights = base.copy()
        elif e.id in inert:
            status, weights = inert[e.id], base.copy()
        else:
            status = "counts"
            if twins:
                status = (f"counts for origin {e.origin}; left out alone, "
                          f"{', '.join(twins)} stands in")
            weights = exact_weights(case.without(e.id)).mean
        items.append(omission([e.id], e.origin, status, weights))
    claims = []
    for origin, members in by_origin.items():
        if len(members) < 2:
            continue
        weights = exact_weights(case.without(*members)).mean
        claims.append(omission(members, origin, f"claim repeated by {len(members)} items, "
                               "all left out", weights))
    return LeaveOneOut(ids, case.labels, base, ids[lead], tuple(items), tuple(claims),
                       merges(case))


# ---------------------------------------------------------------------------- dependence
def _strength(case: Case, item) -> float:
    """How much a report is worth on its own: its source's mean reliability times credibility."""
    return case.source(item.source_id).reliability.mean * item.cred_factor


def _set_aside(case: Case, reports) -> list[str]:
    """All but the strongest report of each (event, stance) among ``reports``."""
    buckets: dict[tuple[str, str], list] = {}
    for e in reports:
        buckets.setdefault((event_key(e), e.stance), []).append(e)
    out = []
    for members in buckets.values():
        keep = max(members, key=lambda e: _strength(case, e))
        out += [e.id for e in members if e is not keep]
    return out


def dependence_sets(case: Case) -> list[tuple[str, str, list[str]]]:
    """``(kind, key, reports set aside)`` for every way the case's reports could be one report.

    * ``("event", id, ...)``: an event with several reports of one stance, counted as one
      report (the strongest is kept): what it is worth if its reports all echo one another.
    * ``("group", name, ...)``: a source group whose sources report one event more than once,
      each such set counted as one report: what it is worth if the group speaks with one voice.

    Observations are never merged; only sets that change something are listed.
    """
    counted = set(case.arrays().item_ids)
    reports = [e for e in case.evidence if e.id in counted and e.stance != OBSERVED]
    out = []
    events: dict[str, list] = {}
    groups: dict[str, list] = {}
    for e in reports:
        if e.event:
            events.setdefault(e.event, []).append(e)
        group = case.source(e.source_id).group
        if group:
            groups.setdefault(group, []).append(e)
    for kind, found in (("event", events), ("group", groups)):
        for key, members in found.items():
            aside = _set_aside(case, members)
            if aside:
                out.append((kind, key, aside))
    return out


def merges(case: Case) -> tuple[Omission, ...]:
    """The exact weights with each of :func:`dependence_sets` counted as one report."""
    ids = case.hypothesis_ids
    base, lead = _lead(case)
    out = []
    for kind, key, aside in dependence_sets(case):
        weights = exact_weights(case.without(*aside)).mean
        top = int(np.argmax(weights))
        out.append(Omission(tuple(aside), key, f"{kind} {key}: its reports counted as one "
                            f"({len(aside)} set aside)", weights, weights - base, ids[top],
                            top != lead, f"{kind} {key} as one report"))
    return tuple(out)


def _point_lead_weight(case: Case, lead: int) -> tuple[float, float]:
    """Weight of hypothesis ``lead`` and of the others in the point model (mean reliabilities)."""
    rho = np.array([[s.reliability.mean for s in case.sources]])
    weights = normalise(sweep_log_posterior(case, rho, source_motives(case)[None, :],
                                            engine="numpy"), case.id, impossible="nan")[0]
    return float(weights[lead]), float(np.delete(weights, lead).sum())


def dependence_swings(case: Case, lead: int) -> tuple[Swing, ...]:
    """Tornado bars for :func:`dependence_sets`: as written (0) and as one report (1)."""
    base, base_others = _point_lead_weight(case, lead)
    out = []
    for kind, key, aside in dependence_sets(case):
        merged, others = _point_lead_weight(case.without(*aside), lead)
        out.append(Swing(f"{kind} {key}", DEPENDENCE, 0.0, 0.0, 1.0,
                         f"reports of one event as one ({len(aside)} set aside)"
                         if kind == "group" else f"its {len(aside) + 1} reports as one",
                         np.array([0.0, 1.0]),
                         np.array([base, merged]), base, 0,
                         np.array([base_others, others])))
    return tuple(out)


# ---------------------------------------------------------------------------- tornado
@dataclass(frozen=True)
class Swing:
    """One bar of the tornado: one source's reliability or motive swung across a range.

    Attributes
    ----------
    source_id : str
    parameter : {"reliability", "motive"}
    base_value : float
        The current value (mean reliability, or motive).
    low, high : float
        Ends of the swing.
    range_note : str
        Where the range comes from, e.g. ``"89 % interval of the B prior"``.
    values : array (G,)
        Values evaluated (the swing's grid and the current value), increasing.
    weights : array (G,)
        Weight of the leading hypothesis at each value (point model; NaN where the evidence
        would be impossible, see ``impossible``).
    base_weight : float
        Weight of the leading hypothesis at the current value (point model).
    impossible : int
        How many values made the evidence impossible (left out of min/max).
    others : array (G,)
        Total weight of the other hypotheses at each value, summed directly (accurate where
        ``1 - weights`` would round to 0).
    """

    source_id: str
    parameter: str
    base_value: float
    low: float
    high: float
    range_note: str
    values: np.ndarray
    weights: np.ndarray
    base_weight: float
    impossible: int = 0
    others: np.ndarray | None = None

    @property
    def weight_at_low(self) -> float:
        """Leading weight at the low end of the swing."""
        return float(self.weights[int(np.argmin(np.abs(self.values - self.low)))])

    @property
    def weight_at_high(self) -> float:
        """Leading weight at the high end of the swing."""
        return float(self.weights[int(np.argmin(np.abs(self.values - self.high)))])

    @property
    def weight_min(self) -> float:
        """Lowest leading weight over the swing."""
        return float(np.nanmin(self.weights))

    @property
    def weight_max(self) -> float:
        """Highest leading weight over the swing."""
        return float(np.nanmax(self.weights))

    @property
    def width(self) -> float:
        """``weight_max - weight_min``."""
        return self.weight_max - self.weight_min

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"source": self.source_id, "parameter": self.parameter,
                "current": self.base_value, "low": self.low, "high": self.high,
                "range": self.range_note, "weight_at_low": self.weight_at_low,
                "weight_at_high": self.weight_at_high, "weight_min": self.weight_min,
                "weight_max": self.weight_max, "width": self.width,
                "impossible_settings": self.impossible}


@dataclass(frozen=True)
class Tornado:
    """The tornado: swings sorted by how far they move the leading hypothesis's weight.

    Attributes
    ----------
    hypothesis_id : str
        The leading hypothesis (argmax of the exact weights) whose weight is shown.
    base_weight : float
        Its weight in the point model, every source at its mean reliability: the centre line.
    exact_weight : float
        Its exact weight (Beta reliabilities integrated out), for reference.
    swings : tuple of Swing
        Widest first.
    no_items : tuple of str
        Sources with no counting report (nothing to swing).
    base_others : float
        Total weight of the other hypotheses at the centre line.
    """

    hypothesis_id: str
    base_weight: float
    exact_weight: float
    swings: tuple[Swing, ...]
    no_items: tuple[str, ...]
    base_others: float = float("nan")
    dependence: tuple[Swing, ...] = ()

    def bars(self, top: int | None = None) -> tuple[Swing, ...]:
        """Source swings and dependence bars together, widest first.

        With ``top``, the widest ``top`` bars, the widest dependence bar always among them (in
        place of the narrowest), so the chart shows what counting echoes once would do.
        """
        both = sorted((*self.swings, *self.dependence), key=lambda s: -s.width)
        if top is None or len(both) <= top:
            return tuple(both)
        shown = both[:top]
        if self.dependence and not any(s.parameter == DEPENDENCE for s in shown):
            widest = max(self.dependence, key=lambda s: s.width)
            shown = sorted([*shown[:-1], widest], key=lambda s: -s.width)
        return tuple(shown)

    def to_frame(self):
        """One row per swing, widest first."""
        import pandas as pd

        return pd.DataFrame([s.as_dict() for s in (*self.swings, *self.dependence)])

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"hypothesis": self.hypothesis_id, "base_weight_point_model": self.base_weight,
                "exact_weight": self.exact_weight,
                "note": "point reliabilities: other sources at their mean reliability",
                "bars": [s.as_dict() for s in self.swings],
                "dependence": [s.as_dict() for s in self.dependence], "sources_without_items":
                list(self.no_items)}


def swing_range(case: Case, source_id: str, parameter: str) -> tuple[float, float, str]:
    """The plausible range the tornado swings, and where it comes from.

    Parameters
    ----------
    case : Case
    source_id : str
    parameter : {"reliability", "motive"}

    Returns
    -------
    low, high : float
    note : str
    """
    src = case.source(source_id)
    if parameter == "reliability":
        rel = src.reliability
        if rel.is_point:
            lo = max(0.0, rel.mean - POINT_RELIABILITY_SWING)
            hi = min(1.0, rel.mean + POINT_RELIABILITY_SWING)
            return lo, hi, f"fixed {rel.mean:.2f} \u00b1 {POINT_RELIABILITY_SWING:.2f}"
        lo, hi = rel.interval(INTERVAL)
        tag = f"{rel.letter} " if rel.letter else ""
        return lo, hi, f"{INTERVAL:.0%} interval of the {tag}prior".replace("%", " %")
    if parameter == "motive":
        lo, hi = max(0.0, src.motive - MOTIVE_SWING), min(1.0, src.motive + MOTIVE_SWING)
        return lo, hi, f"motive {src.motive:.2f} \u00b1 {MOTIVE_SWING:.2f}"
    raise ValueError(f"parameter must be one of {PARAMETERS}, got {parameter!r}")


def tornado(case: Case, steps: int = TORNADO_STEPS) -> Tornado:
    """Each source's reliability and motive swung across its plausible range (one array op).

    Parameters
    ----------
    case : Case
    steps : int
        Points per swing; the bar is the lowest and highest weight over them and the current
        value (the weight need not be monotone in a source with several reports).

    Returns
    -------
    Tornado
        On point reliabilities: other sources at their mean reliability.
    """
    arr = case.arrays()
    exact, lead = _lead(case)
    rho0, mot0 = arr.rel_mean, source_motives(case)
    counts = np.bincount(arr.item_source, minlength=len(arr.source_ids))
    specs, rho_rows, mot_rows = [], [rho0[None, :]], [mot0[None, :]]
    for s, sid in enumerate(arr.source_ids):
        if counts[s] == 0:
            continue
        for parameter in PARAMETERS:
            lo, hi, note = swing_range(case, sid, parameter)
            current = rho0[s] if parameter == "reliability" else mot0[s]
            values = np.unique(np.r_[np.linspace(lo, hi, steps), current])
            rho = np.repeat(rho0[None, :], len(values), axis=0)
            mot = np.repeat(mot0[None, :], len(values), axis=0)
            (rho if parameter == "reliability" else mot)[:, s] = values
            specs.append((sid, parameter, current, lo, hi, note, values))
            rho_rows.append(rho)
            mot_rows.append(mot)
    weights = normalise(sweep_log_posterior(case, np.vstack(rho_rows), np.vstack(mot_rows)),
                        case.id, impossible="nan")
    ok = ~np.isnan(weights[:, 0])
    if not ok[0]:
        raise ValueError(f"case {case.id}: the evidence is impossible at the mean reliabilities")
    lead_w = weights[:, lead]
    rest = np.delete(weights, lead, axis=1).sum(axis=1)
    swings, start = [], 1
    for sid, parameter, current, lo, hi, note, values in specs:
        chunk = lead_w[start:start + len(values)]
        swings.append(Swing(sid, parameter, float(current), float(lo), float(hi), note, values,
                            chunk, float(lead_w[0]), int(np.isnan(chunk).sum()),
                            rest[start:start + len(values)]))
        start += len(values)
    swings.sort(key=lambda s: -s.width)
    no_items = tuple(sid for s, sid in enumerate(arr.source_ids) if counts[s] == 0)
    return Tornado(arr.hypothesis_ids[lead], float(lead_w[0]), float(exact[lead]),
                   tuple(swings), no_items, float(rest[0]), dependence_swings(case, lead))


# ---------------------------------------------------------------------------- flip points
@dataclass(frozen=True)
class Flip:
    """A value at which the leading hypothesis (of the point model) changes.

    Attributes
    ----------
    value : float
        The reliability or motive at which the two hypotheses tie.
    below : str
        The hypothesis leading just below ``value``.
    above : str
        The hypothesis leading just above ``value``.
    """

    value: float
    below: str
    above: str


@dataclass(frozen=True)
class FlipPoint:
    """Where, if anywhere in [0, 1], one source's reliability or motive changes the lead.

    Attributes
    ----------
    source_id : str
    parameter : {"reliability", "motive"}
    current : float
        The source's mean reliability, or its motive.
    leading : str
        The leading hypothesis (exact weights).
    flips : tuple of Flip
        Every change of the point model's leading hypothesis in [0, 1], increasing.
    n_items : int
        Counting reports by the source (0: no flip point).
    note : str
        Anything the reader must know (no items, impossible settings).
    """

    source_id: str
    parameter: str
    current: float
    leading: str
    flips: tuple[Flip, ...]
    n_items: int
    note: str = ""

    @property
    def nearest(self) -> Flip | None:
        """The flip nearest to the current value, or None."""
        if not self.flips:
            return None
        return min(self.flips, key=lambda f: abs(f.value - self.current))

    @property
    def rival(self) -> str | None:
        """The hypothesis that takes the lead when the value moves past :attr:`nearest`."""
        f = self.nearest
        if f is None:
            return None
        return f.below if f.value < self.current else f.above

    def describe(self, labels: dict | None = None) -> str:
        """Plain text: ``"Technical personnel only leads below 0.31"``, or ``"none in [0, 1]"``."""
        labels = labels or {}
        if self.n_items == 0:
            return "none (no reports from this source)"
        if not self.flips:
            return "none in [0, 1]"
        f = self.nearest
        side = "below" if f.value < self.current else "above"
        text = f"{labels.get(self.rival, self.rival)} leads {side} {setting(f.value)}"
        if len(self.flips) > 1:
            text += f" ({len(self.flips)} changes in [0, 1])"
        return text

    def as_dict(self) -> dict:
        """JSON-ready form (``flip`` is null when there is none in [0, 1])."""
        f = self.nearest
        return {"source": self.source_id, "parameter": self.parameter, "current": self.current,
                "leading": self.leading, "items": self.n_items,
                "flip": None if f is None else f.value, "rival": self.rival,
                "all_flips": [{"value": x.value, "below": x.below, "above": x.above}
                              for x in self.flips],
                "text": self.describe(), "note": self.note}


def _source_curve(case: Case, s: int, parameter: str):
    """Log posterior (G, K) of the point model as one source's reliability or motive varies.

    Every report of the source takes the value (a motive per hypothesis moves by the change of
    its level); events keep their other reports (model.md §4).
    """
    arr = case.arrays()
    rho0, mot0 = arr.rel_mean, source_motives(case)
    n_items = int(np.sum((arr.item_source == s) & ~arr.observed))

    def curve(x) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        rho = np.repeat(rho0[None, :], len(x), axis=0)
        mot = np.repeat(mot0[None, :], len(x), axis=0)
        (rho if parameter == "reliability" else mot)[:, s] = x
        return sweep_log_posterior(case, rho, mot, engine="numpy")

    return curve, n_items


def _root(f, lo: float, hi: float) -> float:
    """Root of ``f`` in [lo, hi] given a sign change: brentq, or bisection if an end is infinite."""
    flo, fhi = f(lo), f(hi)
    if flo == 0:
        return lo
    if fhi == 0:
        return hi
    if np.isfinite(flo) and np.isfinite(fhi):
        return float(brentq(f, lo, hi, xtol=XTOL, maxiter=500))
    while hi - lo > XTOL:
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if fm == 0:
            return mid
        if np.isnan(fm):
            raise ValueError("flip point: the log posterior is undefined inside the bracket")
        lo, hi = (mid, hi) if np.sign(fm) == np.sign(flo) else (lo, mid)
    return 0.5 * (lo + hi)


def flip_point(case: Case, source_id: str, parameter: str = "reliability",
               grid: int = FLIP_GRID) -> FlipPoint:
    """Where one source's reliability (or motive) changes the leading hypothesis.

    The point model's log posteriors are evaluated on a grid over [0, 1] only to bracket each
    change of the leading hypothesis; each change is then solved exactly with
    :func:`scipy.optimize.brentq` on the difference of the two hypotheses' log posteriors
    (``xtol`` :data:`XTOL`). Other sources stay at their mean reliability and own motive.

    Parameters
    ----------
    case : Case
    source_id : str
    parameter : {"reliability", "motive"}
    grid : int
        Bracketing grid size.

    Returns
    -------
    FlipPoint
    """
    if parameter not in PARAMETERS:
        raise ValueError(f"parameter must be one of {PARAMETERS}, got {parameter!r}")
    arr = case.arrays()
    src = case.source(source_id)
    s = arr.source_ids.index(source_id)
    ids = arr.hypothesis_ids
    _, lead = _lead(case)
    current = float(arr.rel_mean[s] if parameter == "reliability" else src.motive)
    curve, n_items = _source_curve(case, s, parameter)
    if n_items == 0:
        return FlipPoint(source_id, parameter, current, ids[lead], (), 0,
                         "no counting reports from this source: no flip point")
    xs = np.linspace(0.0, 1.0, grid)
    lp = curve(xs)
    if np.isnan(lp).any():
        raise ValueError(f"flip point of {source_id}: undefined log posterior on the grid")
    defined = np.isfinite(lp).any(axis=1)
    top = np.argmax(lp, axis=1)
    note = ""
    if not defined.all():
        bad = xs[~defined]
        note = (f"the evidence is impossible for {parameter} in [{bad.min():.3g}, {bad.max():.3g}]"
                " (those values skipped)")
    flips = []
    for g in np.flatnonzero(defined[:-1] & defined[1:] & (top[:-1] != top[1:])):
        a, b = int(top[g]), int(top[g + 1])

        def diff(x, a=a, b=b):
            row = curve(x)[0]
            return float(row[a] - row[b])

        flips.append(Flip(_root(diff, float(xs[g]), float(xs[g + 1])), ids[a], ids[b]))
    if int(top[np.argmin(np.abs(xs - current))]) != lead and not note:
        note = ("at the current value the point model leads with "
                f"{ids[int(top[np.argmin(np.abs(xs - current))])]}, the exact weights with "
                f"{ids[lead]}")
    return FlipPoint(source_id, parameter, current, ids[lead], tuple(flips), n_items, note)


def flip_points(case: Case, parameters=PARAMETERS, grid: int = FLIP_GRID
                ) -> tuple[FlipPoint, ...]:
    """:func:`flip_point` for every source and each parameter, in the case's source order.

    Parameters
    ----------
    case : Case
    parameters : sequence of {"reliability", "motive"}
    grid : int
        Bracketing grid size.

    Returns
    -------
    tuple of FlipPoint
    """
    if isinstance(parameters, str):
        parameters = (parameters,)
    return tuple(flip_point(case, s.id, p, grid) for p in parameters for s in case.sources)


# ---------------------------------------------------------------------------- assumption sweep
@dataclass(frozen=True)
class Assumption:
    """One assumption that can be swept: a source's reliability or its motive.

    Attributes
    ----------
    source_id : str
    parameter : {"reliability", "motive"}
    """

    source_id: str
    parameter: str = "reliability"

    def __post_init__(self):
        if self.parameter not in PARAMETERS:
            raise ValueError(f"parameter must be one of {PARAMETERS}, got {self.parameter!r}")

    @classmethod
    def parse(cls, text: str) -> Assumption:
        """From ``"ua-gov.reliability"``, ``"ua-gov:motive"`` or ``"ua-gov"`` (reliability)."""
        for sep in (":", "."):
            head, _, tail = text.rpartition(sep)
            if head and tail in PARAMETERS:
                return cls(head, tail)
        return cls(text, "reliability")

    def label(self, case: Case | None = None) -> str:
        """Axis label, e.g. ``"Reliability of ua-gov"``."""
        return f"{self.parameter.capitalize()} of {self.source_id}"


@dataclass(frozen=True)
class SweepGrid:
    """Weights over a grid of two assumptions (point model). Plain numpy, no xarray.

    Attributes
    ----------
    x, y : Assumption
    x_values : array (nx,)
    y_values : array (ny,)
    weights : array (ny, nx, K)
        All weights; NaN where the evidence is impossible (see ``possible``).
    possible : array (ny, nx) of bool
    hypothesis_ids : tuple of str
    hypothesis_id : str
        The leading hypothesis (exact weights).
    x_label, y_label : str
    base_x, base_y : float
        Current values of the two assumptions.
    base_weight : float
        Leading weight at the current values (point model).
    """

    x: Assumption
    y: Assumption
    x_values: np.ndarray
    y_values: np.ndarray
    weights: np.ndarray
    possible: np.ndarray
    hypothesis_ids: tuple[str, ...]
    hypothesis_id: str
    x_label: str
    y_label: str
    base_x: float
    base_y: float
    base_weight: float

    @property
    def weight(self) -> np.ndarray:
        """(ny, nx) weight of the leading hypothesis."""
        return self.weights[..., self.hypothesis_ids.index(self.hypothesis_id)]

    @property
    def leading(self) -> np.ndarray:
        """(ny, nx) index of the leading hypothesis at each grid point (-1 where impossible)."""
        out = np.full(self.possible.shape, -1)
        out[self.possible] = np.argmax(self.weights[self.possible], axis=-1)
        return out


def _current(case: Case, a: Assumption) -> float:
    src = case.source(a.source_id)
    return float(src.reliability.mean if a.parameter == "reliability" else src.motive)


def assumption_sweep(case: Case, x: Assumption | str, y: Assumption | str,
                     x_values=None, y_values=None, steps: int = 51) -> SweepGrid:
    """The leading hypothesis's weight over a grid of two assumptions (one sweep call).

    Parameters
    ----------
    case : Case
    x, y : Assumption or str
        Two different assumptions, e.g. ``"ua-gov.reliability"`` and ``"ua-gov.motive"``.
    x_values, y_values : array, optional
        Values to evaluate (default ``steps`` points over [0, 1]).
    steps : int

    Returns
    -------
    SweepGrid
    """
    x = Assumption.parse(x) if isinstance(x, str) else x
    y = Assumption.parse(y) if isinstance(y, str) else y
    if x == y:
        raise ValueError("sweep two different assumptions")
    arr = case.arrays()
    for a in (x, y):
        case.source(a.source_id)
    xv = np.linspace(0, 1, steps) if x_values is None else np.asarray(x_values, dtype=float)
    yv = np.linspace(0, 1, steps) if y_values is None else np.asarray(y_values, dtype=float)
    _, lead = _lead(case)
    gx, gy = np.meshgrid(xv, yv)  # (ny, nx)
    n = gx.size
    rho = np.repeat(arr.rel_mean[None, :], n + 1, axis=0)
    mot = np.repeat(source_motives(case)[None, :], n + 1, axis=0)
    for a, vals in ((x, gx), (y, gy)):
        s = arr.source_ids.index(a.source_id)
        (rho if a.parameter == "reliability" else mot)[1:, s] = vals.ravel()
    weights = normalise(sweep_log_posterior(case, rho, mot), case.id, impossible="nan")
    ok = ~np.isnan(weights[:, 0])
    k = len(arr.hypothesis_ids)
    return SweepGrid(x, y, xv, yv, weights[1:].reshape(*gx.shape, k), ok[1:].reshape(gx.shape),
                     arr.hypothesis_ids, arr.hypothesis_ids[lead], x.label(case), y.label(case),
                     _current(case, x), _current(case, y), float(weights[0, lead]))
