"""The data model: hypotheses, sources, evidence, a case, and its numeric form. No I/O.

A :class:`Case` is what every engine computes on, whoever made it (the loader, a test, a slider).
It is immutable; ``with_*`` methods return changed copies. :meth:`Case.arrays` gives the numeric
form of model.md §1 and §4 (events and their reports, credibility factors, motives per
hypothesis, stances, reliability priors) after ``NA`` cells are filled, items without any rated
cell dropped, and repeated ``origin`` collapsed.

Motive per hypothesis (model.md §4): a source or an item may carry ``motive_by``, hypothesis id ->
the chance it would make the report without real information if that hypothesis were true. Its
``motive`` is then the mean of those numbers (the level shown beside a single-number slider);
setting a single number moves every hypothesis's motive by the same amount (clipped to [0, 1]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from achlab.model.scales import (
    ASSERTS,
    CODE_TO_PARC,
    DEFAULT_MOTIVE,
    DENIES,
    INTERVAL,
    NOT_APPLICABLE,
    OBSERVED,
    RELIABILITY_NAMES,
    Scales,
    interval_tails,
)


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: ``path:line: field: message``."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        line = self.line if self.line is not None else 1
        return f"{self.path}:{line}: {self.field}: {self.message}"


class InputError(ValueError):
    """Bad input, with every problem found (not just the first)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Hypothesis:
    """One of the mutually exclusive, together exhaustive answers to the question."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Reliability:
    """A source's reliability: a point value, or a Beta prior (from an Admiralty letter).

    ``letter`` keeps the Admiralty letter it came from, if any, for display.
    """

    mean: float
    alpha: float | None = None
    beta: float | None = None
    letter: str | None = None

    @property
    def is_point(self) -> bool:
        """True when the reliability is a fixed number, not a distribution."""
        return self.alpha is None

    @classmethod
    def point(cls, value: float) -> Reliability:
        """A fixed reliability."""
        return cls(mean=float(value))

    @classmethod
    def from_letter(cls, letter: str, scales: Scales) -> Reliability:
        """The Beta prior of an Admiralty letter under ``scales``."""
        mean, concentration = scales.reliability[letter]
        if concentration is None:
            return cls(mean=0.5, alpha=1.0, beta=1.0, letter=letter)
        return cls(mean=mean, alpha=mean * concentration, beta=(1 - mean) * concentration,
                   letter=letter)

    def interval(self, prob: float = INTERVAL) -> tuple[float, float]:
        """Central ``prob`` interval of the prior (a point reliability gives the point twice)."""
        if self.is_point:
            return (self.mean, self.mean)
        # The Beta quantile itself (what scipy.stats.beta.ppf calls), without importing
        # scipy.stats: half a second in every new kernel.
        from scipy.special import betaincinv

        lo, hi = betaincinv(self.alpha, self.beta, list(interval_tails(prob)))
        return (float(lo), float(hi))

    def in_words(self) -> str:
        """For a briefing: ``B, usually reliable (about 80 %)`` or ``fixed at 70 %``."""
        from achlab.model.words import percent

        if self.is_point:
            return f"fixed at {percent(self.mean)}"
        if self.letter:
            name = RELIABILITY_NAMES.get(self.letter, "").lower()
            said = f"{self.letter}, {name}" if name else self.letter
            return f"{said} (about {percent(self.mean)})"
        return f"uncertain, about {percent(self.mean)}"

    def describe(self) -> str:
        """Short text: ``B (Beta 16.0, 4.0; mean 0.80)`` or ``0.70 (fixed)``."""
        if self.is_point:
            return f"{self.mean:.2f} (fixed)"
        tag = f"{self.letter} " if self.letter else ""
        return f"{tag}(Beta {self.alpha:.1f}, {self.beta:.1f}; mean {self.mean:.2f})"


def motive_level(motive_by: dict[str, float]) -> float:
    """The single number shown for a motive given per hypothesis: the mean of its values."""
    return float(np.mean(list(motive_by.values())))


def shift_motive(motive_by: dict[str, float], level: float) -> dict[str, float]:
    """Per-hypothesis motives moved by one amount so that their level becomes ``level``.

    Each value is clipped to [0, 1], so the level reached may differ when a value hits a bound.
    """
    step = level - motive_level(motive_by)
    return {h: float(min(1.0, max(0.0, v + step))) for h, v in motive_by.items()}


@dataclass(frozen=True)
class Source:
    """Who reported: reliability (chance the report rests on real information) and motive.

    ``motive_by``, when set, gives the motive per hypothesis (model.md §4); ``motive`` is then
    its mean.
    """

    id: str
    name: str
    reliability: Reliability
    motive: float = DEFAULT_MOTIVE
    kind: str = ""
    group: str = ""
    notes: str = ""
    motive_by: dict[str, float] | None = None

    def motives(self, hypothesis_ids) -> np.ndarray:
        """The motive under each hypothesis, in the order of ``hypothesis_ids``."""
        if self.motive_by is None:
            return np.full(len(hypothesis_ids), float(self.motive))
        return np.array([self.motive_by[h] for h in hypothesis_ids], dtype=float)


@dataclass(frozen=True)
class EvidenceItem:
    """A report that an event happened, with the analyst's ratings under each hypothesis.

    ``ratings`` maps hypothesis id to a Heuer rating (``CC C N I II NA``) or a number in [0, 1].
    ``credibility`` is the Admiralty code (``"1"``-``"6"``) or a number; ``cred_factor`` its
    Bayesian factor; ``relevance`` is ``H``, ``M`` or ``L``. ``motive``, when set, replaces the
    source's motive for this one report (an admission against interest has a low motive);
    ``motive_by`` gives it per hypothesis (``motive`` is then its mean).

    ``event`` names the event this row reports (model.md §4): rows with the same non-empty event
    are reports of one event and share its ratings; an empty event is an event of its own.
    ``stance`` is ``asserts`` (default), ``denies`` (the report says the event did not happen) or
    ``observed`` (seen, not reported: reliability 1 and motive 0 in effect).
    """

    id: str
    summary: str
    source_id: str
    ratings: dict[str, str | float]
    date: dt.date | None = None
    credibility: str = "6"
    cred_factor: float = 1.0
    relevance: str = "M"
    origin: str = ""
    citation: str = ""
    rationale: str = ""
    motive: float | None = None  # overrides the source's motive for this report
    event: str = ""
    stance: str = ASSERTS
    motive_by: dict[str, float] | None = None

    @property
    def parc_credibility(self) -> str:
        """Credibility as a PARC level H/M/L (codes 1-2 High, 3 Medium, 4-6 Low)."""
        if self.credibility in CODE_TO_PARC:
            return CODE_TO_PARC[self.credibility]
        f = self.cred_factor
        return "H" if f >= 0.9 else ("M" if f >= 0.75 else "L")


@dataclass(frozen=True)
class Indicator:
    """A candidate future observation: an event that a source might report.

    Attributes
    ----------
    id : str
        Indicator id (``X01``).
    event : str
        What would be observed.
    source_id : str
        Who would report it.
    ratings : dict
        Hypothesis id -> Heuer rating or probability of the event under that hypothesis.
    notes : str
        The analyst's reasoning.
    """

    id: str
    event: str
    source_id: str
    ratings: dict[str, str | float] = field(default_factory=dict)
    notes: str = ""


@dataclass(frozen=True)
class ScenarioInfo:
    """Where a case's assumptions came from."""

    name: str
    title: str = ""
    description: str = ""
    path: str = ""
    overrides: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CaseArrays:
    """The numeric form of a case (model.md §1), ready for the engines.

    Shapes: ``K`` hypotheses, ``S`` sources, ``N`` reports (evidence items that carry
    information), ``E`` events. Reports are ordered event by event (events in the order of their
    first report, reports of one event in case order): the reports of event ``e`` are
    ``event_start[e]:event_start[e + 1]``. A case without ``event`` has one report per event, in
    case order.
    """

    hypothesis_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    log_prior: np.ndarray  # (K,)
    likelihood: np.ndarray  # (N, K) q_k of each report's event
    cred_factor: np.ndarray  # (N,) c_i
    motive: np.ndarray  # (N, K) a_ik (zero for an observation)
    own_motive: np.ndarray  # (N,) bool: the item sets its own motive (not the source's)
    item_source: np.ndarray  # (N,) index into sources
    rel_mean: np.ndarray  # (S,)
    rel_alpha: np.ndarray  # (S,) nan for point reliabilities
    rel_beta: np.ndarray  # (S,)
    rel_is_point: np.ndarray  # (S,) bool
    source_group: tuple[str, ...]
    dropped: tuple[tuple[str, str], ...] = ()  # (item id, reason)
    denies: np.ndarray | None = None  # (N,) bool: the report denies its event
    observed: np.ndarray | None = None  # (N,) bool: an observation (r = 1, a = 0)
    motive_by_source: np.ndarray | None = None  # (N,) bool: motive per hypothesis from the source
    source_motive: np.ndarray | None = None  # (S,) each source's motive level
    event_ids: tuple[str, ...] = ()
    event_start: np.ndarray | None = None  # (E + 1,)
    report_event: np.ndarray | None = None  # (N,) index into events
    event_likelihood: np.ndarray | None = None  # (E, K) q_k
    tied_sources: tuple[tuple[int, ...], ...] = ()  # sources tied by shared events, with reports
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # engines' plans

    @property
    def single_report(self) -> np.ndarray:
        """(E,) bool: the event has one report (§1's formula applies as it is)."""
        return np.diff(self.event_start) == 1


@dataclass(frozen=True)
class Case:
    """A case under one set of assumptions: what every engine computes on."""

    id: str
    title: str
    question: str
    hypotheses: tuple[Hypothesis, ...]
    prior: dict[str, float]
    sources: tuple[Source, ...]
    evidence: tuple[EvidenceItem, ...]
    scales: Scales = field(default_factory=Scales)
    scenario: ScenarioInfo | None = None
    as_of: dt.date | None = None
    seed: int = 20241031
    pooling: bool = False
    yardstick: str = "icd203"
    handling: str = ""
    source_note: str = ""
    resolution: dict | None = None
    mcmc: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups
    @property
    def hypothesis_ids(self) -> tuple[str, ...]:
        """Ids of the hypotheses, in order."""
        return tuple(h.id for h in self.hypotheses)

    @property
    def labels(self) -> dict[str, str]:
        """Hypothesis id -> label."""
        return {h.id: h.label for h in self.hypotheses}

    def source(self, source_id: str) -> Source:
        """The source with this id (KeyError naming it if absent)."""
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source {source_id!r} in case {self.id!r}")

    @property
    def name(self) -> str:
        """Scenario name, or the case id when there is no scenario."""
        return self.scenario.name if self.scenario else self.id

    @property
    def cutoff(self) -> dt.date | None:
        """Date of the latest evidence item used (the evidence cut-off)."""
        dates = [e.date for e in self.evidence if e.date is not None]
        return max(dates) if dates else self.as_of

    # ------------------------------------------------------------------ changed copies
    def with_source(self, source_id: str, *, reliability: float | Reliability | None = None,
                    motive: float | dict[str, float] | None = None) -> Case:
        """A copy with one source's reliability (number = fixed) and/or motive changed.

        ``motive`` is one number or a mapping naming every hypothesis; one number given to a
        source with motives per hypothesis moves them all by the same amount (clipped).
        """
        self.source(source_id)
        sources = []
        for s in self.sources:
            if s.id == source_id:
                if reliability is not None:
                    rel = (reliability if isinstance(reliability, Reliability) else
                           Reliability.point(_check_unit(reliability,
                                                         f"reliability of {source_id}")))
                    s = replace(s, reliability=rel)
                if motive is not None:
                    s = self._with_motive(s, motive)
            sources.append(s)
        return replace(self, sources=tuple(sources))

    def _with_motive(self, src: Source, motive: float | dict[str, float]) -> Source:
        if isinstance(motive, dict):
            if set(motive) != set(self.hypothesis_ids):
                raise ValueError(f"motive of {src.id} must name every hypothesis "
                                 f"({', '.join(self.hypothesis_ids)})")
            by = {h: _check_unit(motive[h], f"motive of {src.id} under {h}")
                  for h in self.hypothesis_ids}
            return replace(src, motive=motive_level(by), motive_by=by)
        level = _check_unit(motive, f"motive of {src.id}")
        if src.motive_by is None:
            return replace(src, motive=level)
        by = shift_motive(src.motive_by, level)
        return replace(src, motive=motive_level(by), motive_by=by)

    def with_evidence(self, evidence) -> Case:
        """A copy with another evidence list."""
        return replace(self, evidence=tuple(evidence))

    def without(self, *item_ids: str) -> Case:
        """A copy without the named evidence items."""
        drop = set(item_ids)
        return self.with_evidence(e for e in self.evidence if e.id not in drop)

    def up_to(self, date: dt.date) -> Case:
        """A copy holding only evidence dated on or before ``date`` (undated items stay)."""
        kept = [e for e in self.evidence if e.date is None or e.date <= date]
        return replace(self, evidence=tuple(kept), as_of=date)

    def with_prior(self, prior: dict[str, float]) -> Case:
        """A copy with another prior (must name every hypothesis and sum to 1)."""
        if set(prior) != set(self.hypothesis_ids) or abs(sum(prior.values()) - 1) > 1e-6:
            raise ValueError("prior must give every hypothesis a probability, summing to 1")
        return replace(self, prior=dict(prior))

    # ------------------------------------------------------------------ numeric form
    def likelihood_row(self, item: EvidenceItem) -> np.ndarray | None:
        """``p_ik`` for one item; ``NA`` takes the mean of the rated cells; None if none rated."""
        values = []
        for h in self.hypothesis_ids:
            r = item.ratings.get(h, NOT_APPLICABLE)
            values.append(np.nan if r == NOT_APPLICABLE else
                          (self.scales.rating[r] if isinstance(r, str) else float(r)))
        row = np.array(values, dtype=float)
        rated = ~np.isnan(row)
        if not rated.any():
            return None
        row[~rated] = row[rated].mean()
        return row

    @cached_property
    def _arrays(self) -> CaseArrays:
        return _build_arrays(self)

    def arrays(self) -> CaseArrays:
        """The numeric form of the case (cached; the case is immutable)."""
        return self._arrays


def _check_unit(value: float, what: str) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{what} must be in [0, 1], got {value!r}")
    return v


def event_key(item: EvidenceItem) -> str:
    """The event an item reports: its ``event``, or the item itself when that is empty."""
    return item.event if item.event else f"\x00{item.id}"


def _event_rows(case: Case) -> dict[str, np.ndarray]:
    """Each named event's ratings row: that of its first rated report in case order."""
    rows: dict[str, np.ndarray] = {}
    for item in case.evidence:
        if item.event and item.event not in rows:
            row = case.likelihood_row(item)
            if row is not None:
                rows[item.event] = row
    return rows


def _counting_items(case: Case) -> tuple[list[tuple[EvidenceItem, np.ndarray]], list]:
    """Items that carry information, one per origin (the earliest, then the first listed).

    A report of a named event takes the event's ratings (those of its first rated report).
    """
    dropped, kept, seen = [], [], {}
    events = _event_rows(case)
    order = sorted(enumerate(case.evidence),
                   key=lambda t: (t[1].date or dt.date.min, t[0]))
    for _, item in order:
        row = events.get(item.event) if item.event else case.likelihood_row(item)
        if row is None:
            dropped.append((item.id, "no rated cell"))
            continue
        origin = item.origin or f"__item__{item.id}"
        if origin in seen:
            dropped.append((item.id, f"same origin as {seen[origin]} ({item.origin})"))
            continue
        seen[origin] = item.id
        kept.append((item, row))
    position = {e.id: n for n, e in enumerate(case.evidence)}
    kept.sort(key=lambda t: position[t[0].id])
    return _by_event(kept), dropped


def _by_event(kept: list[tuple[EvidenceItem, np.ndarray]]) -> list[tuple[EvidenceItem, np.ndarray]]:
    """Reports grouped event by event, events in the order of their first report."""
    first: dict[str, int] = {}
    for n, (item, _) in enumerate(kept):
        first.setdefault(event_key(item), n)
    return sorted(kept, key=lambda t: first[event_key(t[0])])


def _report_motive(case: Case, item: EvidenceItem, source: Source) -> np.ndarray:
    """``a_ik`` of one report: the item's own motive, else its source's; 0 for an observation."""
    hyp = case.hypothesis_ids
    if item.stance == OBSERVED:
        return np.zeros(len(hyp))
    if item.motive_by is not None:
        return np.array([item.motive_by[h] for h in hyp], dtype=float)
    if item.motive is not None:
        return np.full(len(hyp), float(item.motive))
    return source.motives(hyp)


def _tied_sources(n_sources: int, reports: list[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    """Sources tied together by shared events (connected groups), each with at least one report.

    ``reports`` holds (event index, source index) of every report that depends on a reliability.
    """
    parent = list(range(n_sources))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_event: dict[int, int] = {}
    for e, s in reports:
        if e in by_event:
            parent[root(s)] = root(by_event[e])
        else:
            by_event[e] = s
    groups: dict[int, list[int]] = {}
    for s in sorted({s for _, s in reports}):
        groups.setdefault(root(s), []).append(s)
    return tuple(tuple(g) for g in groups.values())


def _build_arrays(case: Case) -> CaseArrays:
    kept, dropped = _counting_items(case)
    k = len(case.hypotheses)
    src_index = {s.id: n for n, s in enumerate(case.sources)}
    sources = {s.id: s for s in case.sources}
    prior = np.array([case.prior[h] for h in case.hypothesis_ids], dtype=float)
    with np.errstate(divide="ignore"):
        log_prior = np.log(prior)
    rels = [s.reliability for s in case.sources]
    keys = [event_key(item) for item, _ in kept]
    event_index = {key: n for n, key in enumerate(dict.fromkeys(keys))}
    report_event = np.array([event_index[key] for key in keys], dtype=np.int64)
    starts = np.searchsorted(report_event, np.arange(len(event_index) + 1)).astype(np.int64)
    likelihood = np.array([row for _, row in kept], dtype=float).reshape(len(kept), k)
    observed = np.array([item.stance == OBSERVED for item, _ in kept], dtype=bool)
    item_source = np.array([src_index[item.source_id] for item, _ in kept], dtype=np.int64)
    own = np.array([item.motive is not None or item.motive_by is not None for item, _ in kept],
                   dtype=bool)
    return CaseArrays(
        hypothesis_ids=case.hypothesis_ids,
        source_ids=tuple(s.id for s in case.sources),
        item_ids=tuple(item.id for item, _ in kept),
        log_prior=log_prior,
        likelihood=likelihood,
        cred_factor=np.array([item.cred_factor for item, _ in kept], dtype=float),
        motive=np.array([_report_motive(case, item, sources[item.source_id])
                         for item, _ in kept], dtype=float).reshape(len(kept), k),
        own_motive=own | observed,
        item_source=item_source,
        rel_mean=np.array([r.mean for r in rels], dtype=float),
        rel_alpha=np.array([np.nan if r.is_point else r.alpha for r in rels], dtype=float),
        rel_beta=np.array([np.nan if r.is_point else r.beta for r in rels], dtype=float),
        rel_is_point=np.array([r.is_point for r in rels], dtype=bool),
        source_group=tuple(s.group or s.id for s in case.sources),
        dropped=tuple(dropped),
        denies=np.array([item.stance == DENIES for item, _ in kept], dtype=bool),
        observed=observed,
        motive_by_source=np.array([sources[item.source_id].motive_by is not None
                                   for item, _ in kept], dtype=bool) & ~own,
        source_motive=np.array([s.motive for s in case.sources], dtype=float),
        event_ids=tuple(key.lstrip("\x00") for key in event_index),
        event_start=starts,
        report_event=report_event,
        event_likelihood=likelihood[starts[:-1]] if len(kept) else np.zeros((0, k)),
        tied_sources=_tied_sources(len(case.sources),
                                   [(int(e), int(s)) for e, s, o in
                                    zip(report_event, item_source, observed, strict=True)
                                    if not o]),
    )
