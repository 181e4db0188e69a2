"""Case folders to a :class:`~achlab.model.Case`: ``case.yaml``, ``sources.csv``, ``evidence.csv``.

``case.yaml`` is read keeping ids as written (:mod:`~achlab.load.yamlfile`) and checked against
its declared shape (:class:`~achlab.load.schema.CaseFile`); what needs the case (duplicate
hypothesis ids, a prior naming every hypothesis and summing to 1, the resolution naming one) and
the two CSV files are checked here. Every problem is collected and reported as
``path:line: field: message`` in one :class:`~achlab.model.InputError`. Input files are only
ever opened for reading.

``evidence.csv`` may also have (model.md §4) ``event`` (rows with the same event are reports of
it and share its ratings: the same on every row, or left empty on all rows but one),
``stance`` (``asserts``, the default; ``denies``; ``observed`` for what was seen rather than
reported: reliability 1 and motive 0 in effect) and ``motive``. A motive, here or in
``sources.csv``, is one number or one per hypothesis: ``combat=0.8;technical=0.9;none=0.5``
(every hypothesis named once).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from achlab import paths
from achlab.load.csvfile import Collector, hypothesis_hint, read_csv
from achlab.load.parse import (
    check_id,
    parse_credibility,
    parse_date,
    parse_motive,
    parse_rating,
    parse_reliability,
    parse_stance,
)
from achlab.load.schema import CaseFile, validate
from achlab.load.schema import text_paths as schema_text_paths
from achlab.load.yamlfile import LocatedYaml, read_yaml
from achlab.model import Case, EvidenceItem, Hypothesis, InputError, Problem, Source
from achlab.model.scales import DEFAULT_MOTIVE, Scales

SOURCE_COLUMNS = ("source_id", "name", "kind", "reliability", "motive", "group", "notes")
EVIDENCE_COLUMNS = ("evidence_id", "date", "summary", "source_id", "credibility", "relevance",
                    "origin", "citation")
#: Columns ``evidence.csv`` may have besides the required ones and the hypotheses.
EVIDENCE_OPTIONAL = ("rationale", "notes", "motive", "event", "stance")


def case_dir(case_id: str, data_dir: Path | None = None) -> Path:
    """Folder of a case id under the data folder."""
    return Path(data_dir or paths.data_dir()) / case_id


def case_folder(case: str | Path, data_dir: Path | None = None) -> Path:
    """The folder of a case: a Path (or text with a folder part) as given, a bare id in the data.

    A folder named like the id in the working directory never wins over ``data_dir``.
    """
    given = Path(case)
    if isinstance(case, Path) or given.is_absolute() or "/" in str(case) or "\\" in str(case):
        return given
    return case_dir(str(case), data_dir)


def _scales(spec: CaseFile) -> Scales:
    """The case's scales: the defaults with the letters and codes ``case.yaml`` sets."""
    scales = Scales()
    rating, rel, cred = dict(scales.rating), dict(scales.reliability), dict(scales.credibility)
    rating.update({key.upper(): value for key, value in (spec.rating_scale or {}).items()})
    rel.update({key.upper(): (level.mean, level.concentration)
                for key, level in (spec.reliability_scale or {}).items()})
    cred.update(spec.credibility_scale or {})
    return Scales(rating=rating, reliability=rel, credibility=cred)


def _hypotheses(spec: CaseFile, doc: LocatedYaml, col: Collector) -> list[Hypothesis]:
    out, seen = [], set()
    for n, h in enumerate(spec.hypotheses):
        if h.id in seen:
            col.add(doc.line("hypotheses", n, "id"), f"hypotheses[{n}].id",
                    f"duplicate hypothesis id {h.id!r}")
            continue
        seen.add(h.id)
        out.append(Hypothesis(h.id, h.label or h.id, h.description))
    return out


def check_prior(prior: dict[str, float], hyp_ids, doc: LocatedYaml, col: Collector,
                keys=("prior",)) -> dict | None:
    """Check a prior (numbers in [0, 1] already) against the case.

    The prior must name every hypothesis and no other, and its probabilities must sum to 1.
    """
    ok = True
    for key in prior:
        if key not in hyp_ids:
            col.add(doc.line(*keys, key), f"prior.{key}", f"unknown hypothesis {key!r}")
            ok = False
    missing = [h for h in hyp_ids if h not in prior]
    if missing:
        col.add(doc.line(*keys), "prior", f"no probability for {', '.join(missing)}")
        ok = False
    if ok and abs(sum(prior.values()) - 1.0) > 1e-6:
        col.add(doc.line(*keys), "prior", f"probabilities sum to {sum(prior.values()):.6g}, not 1")
        ok = False
    if ok and max(prior.values()) <= 0:
        ok = False
    return dict(prior) if ok else None


def _sources(path: Path, shown: str, scales: Scales, hyp_ids, col: Collector) -> list[Source]:
    _, rows = read_csv(path, shown, SOURCE_COLUMNS, col, optional=())
    out, seen = [], set()
    for line, row in rows:
        sid = check_id(row.get("source_id"), line, "source_id", col)
        if sid is None:
            continue
        if sid in seen:
            col.add(line, "source_id", f"duplicate source id {sid!r}")
            continue
        seen.add(sid)
        try:
            rel = parse_reliability(row.get("reliability", ""), scales)
        except ValueError as exc:
            col.add(line, "reliability", str(exc))
            continue
        try:
            raw = row.get("motive", "")
            motive, motive_by = (DEFAULT_MOTIVE, None) if raw == "" else parse_motive(raw, hyp_ids)
        except ValueError as exc:
            col.add(line, "motive", str(exc))
            continue
        out.append(Source(sid, row.get("name") or sid, rel, motive, kind=row.get("kind", ""),
                          group=row.get("group", ""), notes=row.get("notes", ""),
                          motive_by=motive_by))
    if not out and not col.unreadable and not any(p.field == "file" for p in col.problems):
        col.add(1, "sources", "no sources")
    return out


def _evidence(path: Path, shown: str, hyp_ids, source_ids, scales, col) -> list[EvidenceItem]:
    header, rows = read_csv(path, shown, (*EVIDENCE_COLUMNS, *hyp_ids), col,
                            optional=EVIDENCE_OPTIONAL, hint=hypothesis_hint(hyp_ids))
    out, seen = [], set()
    events = _EventRatings()
    for line, row in rows:
        n_before = len(col.problems)
        eid = check_id(row.get("evidence_id"), line, "evidence_id", col)
        if eid is not None and eid in seen:
            col.add(line, "evidence_id", f"duplicate evidence id {eid!r}")
        seen.add(eid)
        sid = row.get("source_id", "")
        if source_ids is not None and sid not in source_ids:  # None: sources.csv unreadable
            col.add(line, "source_id", f"unknown source {sid!r} (not in sources.csv)")
        date = None
        if row.get("date"):
            try:
                date = parse_date(row["date"])
            except ValueError as exc:
                col.add(line, "date", str(exc))
        try:
            code, factor = parse_credibility(row.get("credibility", ""), scales)
        except ValueError as exc:
            col.add(line, "credibility", str(exc))
            code, factor = "6", 1.0
        motive = motive_by = None
        if row.get("motive", "") != "":
            try:
                motive, motive_by = parse_motive(row["motive"], hyp_ids)
            except ValueError as exc:
                col.add(line, "motive", str(exc))
        stance = "asserts"
        try:
            stance = parse_stance(row.get("stance", ""))
        except ValueError as exc:
            col.add(line, "stance", str(exc))
        event = ""
        if row.get("event", "").strip():
            event = check_id(row["event"], line, "event", col) or ""
        relevance = (row.get("relevance") or "M").upper()
        if relevance not in {"H", "M", "L"}:
            col.add(line, "relevance", f"{row.get('relevance')!r} is not H, M or L")
        ratings = {}
        for h in hyp_ids:
            if h not in row:
                continue
            try:
                ratings[h] = parse_rating(row[h], scales)
            except ValueError as exc:
                col.add(line, h, str(exc))
        if event:
            ratings = events.ratings(event, ratings, row, hyp_ids, eid, line, col)
        if len(col.problems) > n_before:
            continue
        out.append(EvidenceItem(
            id=eid, summary=row.get("summary", ""), source_id=sid, ratings=ratings, date=date,
            credibility=code, cred_factor=factor, relevance=relevance,
            origin=row.get("origin", ""), citation=row.get("citation", ""),
            rationale=row.get("rationale", ""), motive=motive, motive_by=motive_by,
            event=event, stance=stance,
        ))
    if not rows and header and not any(p.field == "file" for p in col.problems):
        col.add(2, "evidence", "the case has no evidence items")
    return events.fill(out)


class _EventRatings:
    """The ratings of each named event (model.md §4), checked row by row.

    Rows of one event carry the same ratings, or leave every hypothesis cell empty on all rows
    but one; they inherit the event's ratings.
    """

    def __init__(self):
        self.rated: dict[str, tuple[dict, str, int]] = {}  # event -> (ratings, item id, line)

    def ratings(self, event: str, ratings: dict, row: dict, hyp_ids, eid, line: int,
                col: Collector) -> dict:
        """Ratings of this row, checked against the event's; the event's when the row has none."""
        if all(str(row.get(h, "")).strip() == "" for h in hyp_ids):
            return {}
        if event not in self.rated:
            self.rated[event] = (ratings, eid, line)
            return ratings
        first, first_id, first_line = self.rated[event]
        for h in hyp_ids:
            if h in ratings and ratings[h] != first.get(h):
                col.add(line, h, f"event {event!r}: rated {ratings[h]} here but "
                                 f"{first.get(h)} by {first_id} (line {first_line}); the "
                                 "reports of one event share its ratings (or leave them empty)")
                break
        return ratings

    def fill(self, items: list[EvidenceItem]) -> list[EvidenceItem]:
        """Items of a rated event with no ratings of their own take the event's."""
        return [replace(e, ratings=dict(self.rated[e.event][0]))
                if e.event in self.rated and not e.ratings else e for e in items]


def load_case(case: str | Path, data_dir: Path | None = None) -> Case:
    """Load and validate a case folder (``data/<case-id>/``) or a case id.

    Raises
    ------
    InputError
        With every problem found, each located as ``path:line: field: message``.
    """
    folder = case_folder(case, data_dir)
    shown = paths.display_path
    if not folder.is_dir():
        raise InputError([Problem(shown(folder), 1, "case", f"no case folder {str(case)!r}")])
    case_yaml = folder / "case.yaml"
    col = Collector(shown(case_yaml))
    doc = read_yaml(case_yaml, col.shown, schema_text_paths(CaseFile))
    if not isinstance(doc.data, dict):
        raise InputError([Problem(col.shown, 1, "case", "must be a mapping (id, title, ...)")])
    col.problems += doc.problems
    checked = validate(CaseFile, doc, col)
    spec = checked.model
    scales = _scales(spec) if spec is not None else Scales()
    hyps = _hypotheses(spec, doc, col) if spec is not None else []
    hyp_ids = [h.id for h in hyps]
    prior = {h: 1.0 / len(hyps) for h in hyp_ids} if hyps else {}
    if spec is not None and spec.prior is not None and hyps and checked.ok("prior"):
        prior = check_prior(spec.prior, hyp_ids, doc, col) or prior
    resolution = None
    if spec is not None and spec.resolution is not None:
        resolution = spec.resolution.model_dump()
        if resolution["hypothesis"] not in hyp_ids:
            col.add(doc.line("resolution", "hypothesis"), "resolution.hypothesis",
                    f"must name one of {', '.join(hyp_ids)}")
    src_col = Collector(shown(folder / "sources.csv"))
    sources = _sources(folder / "sources.csv", src_col.shown, scales, hyp_ids, src_col)
    ev_col = Collector(shown(folder / "evidence.csv"))
    evidence = []
    if hyps:  # without the hypotheses, the evidence columns cannot be checked
        evidence = _evidence(folder / "evidence.csv", ev_col.shown, hyp_ids,
                             None if src_col.unreadable else {s.id for s in sources}, scales,
                             ev_col)
    problems = sorted(col.problems, key=lambda p: p.line or 1) + src_col.problems \
        + ev_col.problems
    if problems:
        raise InputError(problems)
    return Case(
        id=spec.id, title=spec.title or spec.id, question=spec.question,
        hypotheses=tuple(hyps), prior=prior, sources=tuple(sources), evidence=tuple(evidence),
        scales=scales, resolution=resolution, handling=spec.handling,
        source_note=spec.source_note,
    )
