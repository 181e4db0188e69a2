"""Case folders to a :class:`~achlab.model.Case`: ``case.yaml``, ``sources.csv``, ``evidence.csv``.

Every problem is collected and reported as ``path:line: field: message`` in one
:class:`~achlab.model.InputError`. Input files are only ever opened for reading.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from achlab import paths
from achlab.load.csvfile import Collector, read_csv
from achlab.load.parse import (
    check_id,
    parse_credibility,
    parse_date,
    parse_rating,
    parse_reliability,
    parse_unit,
)
from achlab.load.yamlfile import LocatedYaml, read_yaml
from achlab.model import Case, EvidenceItem, Hypothesis, InputError, Problem, Source
from achlab.model.scales import DEFAULT_MOTIVE, Scales

SOURCE_COLUMNS = ("source_id", "name", "kind", "reliability", "motive", "group", "notes")
EVIDENCE_COLUMNS = ("evidence_id", "date", "summary", "source_id", "credibility", "relevance",
                    "origin", "citation")
CASE_KEYS = {"id", "title", "question", "hypotheses", "prior", "rating_scale",
             "reliability_scale", "credibility_scale", "resolution", "handling", "source_note",
             "description"}


def case_dir(case_id: str, data_dir: Path | None = None) -> Path:
    """Folder of a case id under the data folder."""
    return Path(data_dir or paths.data_dir()) / case_id


def _scales_from_yaml(doc: LocatedYaml, col: Collector) -> Scales:
    data = doc.data
    scales = Scales()
    if "rating_scale" in data:
        raw = data["rating_scale"]
        if not isinstance(raw, dict):
            col.add(doc.line("rating_scale"), "rating_scale", "must be a mapping rating -> number")
        else:
            rating = dict(scales.rating)
            for key, val in raw.items():
                try:
                    rating[str(key).upper()] = parse_unit(val, f"rating_scale.{key}")
                except ValueError as exc:
                    col.add(doc.line("rating_scale", key), f"rating_scale.{key}", str(exc))
            scales = replace(scales, rating=rating)
    if "reliability_scale" in data:
        raw = data["reliability_scale"]
        rel = dict(scales.reliability)
        for key, val in (raw or {}).items() if isinstance(raw, dict) else []:
            line = doc.line("reliability_scale", key)
            if not isinstance(val, dict) or "mean" not in val:
                col.add(line, f"reliability_scale.{key}", "give {mean: x, concentration: y}")
                continue
            try:
                mean = parse_unit(val["mean"], "mean")
                conc = val.get("concentration")
                conc = None if conc is None else float(conc)
                if conc is not None and conc <= 0:
                    raise ValueError("concentration must be positive")
                rel[str(key).upper()] = (mean, conc)
            except (TypeError, ValueError) as exc:
                col.add(line, f"reliability_scale.{key}", str(exc))
        scales = replace(scales, reliability=rel)
    if "credibility_scale" in data:
        raw = data["credibility_scale"]
        cred = dict(scales.credibility)
        for key, val in (raw or {}).items() if isinstance(raw, dict) else []:
            try:
                cred[str(key)] = parse_unit(val, f"credibility_scale.{key}")
            except ValueError as exc:
                col.add(doc.line("credibility_scale", key), f"credibility_scale.{key}", str(exc))
        scales = replace(scales, credibility=cred)
    return scales


def _hypotheses(doc: LocatedYaml, col: Collector) -> list[Hypothesis]:
    raw = doc.data.get("hypotheses")
    if not isinstance(raw, list) or len(raw) < 2:
        col.add(doc.line("hypotheses"), "hypotheses", "give a list of at least two hypotheses")
        return []
    out, seen = [], set()
    for n, h in enumerate(raw):
        line = doc.line("hypotheses", n)
        if not isinstance(h, dict):
            col.add(line, f"hypotheses[{n}]", "must be a mapping with id, label, description")
            continue
        hid = check_id(h.get("id"), line, f"hypotheses[{n}].id", col)
        if hid is None:
            continue
        if hid in seen:
            col.add(line, f"hypotheses[{n}].id", f"duplicate hypothesis id {hid!r}")
            continue
        seen.add(hid)
        out.append(Hypothesis(hid, str(h.get("label") or hid), str(h.get("description") or "")))
    return out


def check_prior(raw, hyp_ids, doc: LocatedYaml, col: Collector, keys=("prior",)) -> dict | None:
    """Validate a prior mapping: every hypothesis, numbers in [0, 1], summing to 1."""
    line = doc.line(*keys)
    if not isinstance(raw, dict):
        col.add(line, "prior", "must map each hypothesis id to a probability")
        return None
    prior, ok = {}, True
    for key, val in raw.items():
        if str(key) not in hyp_ids:
            col.add(doc.line(*keys, key), f"prior.{key}", f"unknown hypothesis {key!r}")
            ok = False
            continue
        try:
            prior[str(key)] = parse_unit(val, f"prior of {key}")
        except ValueError as exc:
            col.add(doc.line(*keys, key), f"prior.{key}", str(exc))
            ok = False
    missing = [h for h in hyp_ids if h not in prior and h not in map(str, raw)]
    if missing:
        col.add(line, "prior", f"no probability for {', '.join(missing)}")
        ok = False
    if ok and abs(sum(prior.values()) - 1.0) > 1e-6:
        col.add(line, "prior", f"probabilities sum to {sum(prior.values()):.6g}, not 1")
        ok = False
    if ok and max(prior.values()) <= 0:
        ok = False
    return prior if ok else None


def _sources(path: Path, shown: str, scales: Scales, col: Collector) -> list[Source]:
    _, rows = read_csv(path, shown, SOURCE_COLUMNS, col)
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
            motive = DEFAULT_MOTIVE if raw == "" else parse_unit(raw, "motive")
        except ValueError as exc:
            col.add(line, "motive", str(exc))
            continue
        out.append(Source(sid, row.get("name") or sid, rel, motive, kind=row.get("kind", ""),
                          group=row.get("group", ""), notes=row.get("notes", "")))
    if not out and not any(p.field == "file" for p in col.problems):
        col.add(1, "sources", "no sources")
    return out


def _evidence(path: Path, shown: str, hyp_ids, source_ids, scales, col) -> list[EvidenceItem]:
    header, rows = read_csv(path, shown, (*EVIDENCE_COLUMNS, *hyp_ids), col)
    known = set(EVIDENCE_COLUMNS) | set(hyp_ids) | {"rationale", "notes", "motive"}
    unknown = [h for h in header if h not in known]
    if unknown:
        col.add(1, "header", f"unknown column(s) {', '.join(unknown)} (hypothesis columns must "
                f"be one of {', '.join(hyp_ids)})")
    out, seen = [], set()
    for line, row in rows:
        n_before = len(col.problems)
        eid = check_id(row.get("evidence_id"), line, "evidence_id", col)
        if eid is not None and eid in seen:
            col.add(line, "evidence_id", f"duplicate evidence id {eid!r}")
        seen.add(eid)
        sid = row.get("source_id", "")
        if sid not in source_ids:
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
        motive = None
        if row.get("motive", "") != "":
            try:
                motive = parse_unit(row["motive"], "motive")
            except ValueError as exc:
                col.add(line, "motive", str(exc))
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
        if len(col.problems) > n_before:
            continue
        out.append(EvidenceItem(
            id=eid, summary=row.get("summary", ""), source_id=sid, ratings=ratings, date=date,
            credibility=code, cred_factor=factor, relevance=relevance,
            origin=row.get("origin", ""), citation=row.get("citation", ""),
            rationale=row.get("rationale", ""), motive=motive,
        ))
    if not rows and header and not any(p.field == "file" for p in col.problems):
        col.add(2, "evidence", "the case has no evidence items")
    return out


def load_case(case: str | Path, data_dir: Path | None = None) -> Case:
    """Load and validate a case folder (``data/<case-id>/``) or a case id.

    Raises
    ------
    InputError
        With every problem found, each located as ``path:line: field: message``.
    """
    folder = Path(case) if Path(case).is_dir() else case_dir(str(case), data_dir)
    shown = paths.display_path
    if not folder.is_dir():
        raise InputError([Problem(shown(folder), 1, "case", f"no case folder {str(case)!r}")])
    case_yaml = folder / "case.yaml"
    col = Collector(shown(case_yaml))
    doc = read_yaml(case_yaml, col.shown)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(col.shown, 1, "case", "must be a mapping (id, title, ...)")])
    data = doc.data
    for key in data:
        if key not in CASE_KEYS:
            col.add(doc.line(key), str(key),
                    f"unknown field (allowed: {', '.join(sorted(CASE_KEYS))})")
    cid = check_id(data.get("id"), doc.line("id"), "id", col)
    scales = _scales_from_yaml(doc, col)
    hyps = _hypotheses(doc, col)
    hyp_ids = [h.id for h in hyps]
    prior = {h: 1.0 / len(hyps) for h in hyp_ids} if hyps else {}
    if "prior" in data and hyps:
        prior = check_prior(data["prior"], hyp_ids, doc, col) or prior
    resolution = data.get("resolution")
    if resolution is not None:
        if not isinstance(resolution, dict) or resolution.get("hypothesis") not in hyp_ids:
            col.add(doc.line("resolution"), "resolution.hypothesis",
                    f"must name one of {', '.join(hyp_ids)}")
        else:
            try:
                resolution = {**resolution, "date": parse_date(resolution.get("date"))}
            except ValueError as exc:
                col.add(doc.line("resolution", "date"), "resolution.date", str(exc))
    src_col = Collector(shown(folder / "sources.csv"))
    sources = _sources(folder / "sources.csv", src_col.shown, scales, src_col)
    ev_col = Collector(shown(folder / "evidence.csv"))
    evidence = _evidence(folder / "evidence.csv", ev_col.shown, hyp_ids,
                         {s.id for s in sources}, scales, ev_col)
    problems = col.problems + src_col.problems + ev_col.problems
    if problems:
        raise InputError(problems)
    return Case(
        id=cid, title=str(data.get("title") or cid), question=str(data.get("question") or ""),
        hypotheses=tuple(hyps), prior=prior, sources=tuple(sources), evidence=tuple(evidence),
        scales=scales, resolution=resolution, handling=str(data.get("handling") or ""),
        source_note=str(data.get("source_note") or ""),
    )
