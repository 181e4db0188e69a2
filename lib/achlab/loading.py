"""Loading and validation: files to a :class:`~achlab.model.Case`, scenario overrides applied.

Every problem is collected and reported as ``path:line: field: message`` in one
:class:`~achlab.model.InputError`. Input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import replace
from pathlib import Path

from achlab import paths
from achlab.model import (
    Case,
    EvidenceItem,
    Hypothesis,
    InputError,
    Problem,
    Reliability,
    ScenarioInfo,
    Source,
)
from achlab.scales import (
    DEFAULT_MOTIVE,
    HML_TO_CODE,
    NOT_APPLICABLE,
    Scales,
)
from achlab.yamlines import LocatedYaml, read_yaml

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SOURCE_COLUMNS = ("source_id", "name", "kind", "reliability", "motive", "group", "notes")
EVIDENCE_COLUMNS = ("evidence_id", "date", "summary", "source_id", "credibility", "relevance",
                    "origin", "citation")
CASE_KEYS = {"id", "title", "question", "hypotheses", "prior", "rating_scale",
             "reliability_scale", "credibility_scale", "resolution", "handling", "source_note",
             "description"}
SCENARIO_KEYS = {"name", "title", "description", "case", "as_of", "prior", "sources", "evidence",
                 "seed", "pooling", "language", "handling", "mcmc"}
SOURCE_OVERRIDE_KEYS = {"reliability", "motive", "group"}
MCMC_KEYS = {"draws", "tune", "chains", "target_accept"}


class Collector:
    """Gathers problems for one file."""

    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []

    def add(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.shown, line, field, message))


# ---------------------------------------------------------------------------- small parsers
def parse_unit(text, what: str = "value") -> float:
    """A number in [0, 1] from text or a number; ValueError with a plain message otherwise."""
    if isinstance(text, bool):
        raise ValueError(f"{what} must be a number in [0, 1], got {text!r}")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number in [0, 1], got {text!r}") from None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} must be in [0, 1], got {text!r}")
    return value


def parse_date(value) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) from text or a YAML date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def parse_rating(value, scales: Scales) -> str | float:
    """A Heuer rating (``CC C N I II NA``, any case) or a probability in [0, 1]."""
    text = str(value).strip()
    if text.upper() in scales.rating or text.upper() == NOT_APPLICABLE:
        return text.upper()
    if text == "":
        return NOT_APPLICABLE
    try:
        return parse_unit(text, "rating")
    except ValueError:
        allowed = " ".join([*scales.rating, NOT_APPLICABLE])
        raise ValueError(f"{value!r} is not a rating ({allowed}) or a number in [0, 1]") from None


def parse_reliability(value, scales: Scales) -> Reliability:
    """An Admiralty letter (Beta prior) or a number in [0, 1] (fixed reliability)."""
    text = str(value).strip()
    if text.upper() in scales.reliability:
        return Reliability.from_letter(text.upper(), scales)
    try:
        return Reliability.point(parse_unit(text, "reliability"))
    except ValueError:
        letters = "".join(scales.reliability)
        raise ValueError(f"{value!r} is not an Admiralty letter ({letters}) "
                         "or a number in [0, 1]") from None


def parse_credibility(value, scales: Scales) -> tuple[str, float]:
    """Credibility code and factor: ``1``-``6``, ``H/M/L``, or a factor like ``0.8``."""
    text = str(value).strip().upper()
    if text == "":
        text = "6"
    text = HML_TO_CODE.get(text, text)
    if text in scales.credibility:
        return text, scales.credibility[text]
    if "." in text:
        factor = parse_unit(text, "credibility")
        return f"{factor:g}", factor
    raise ValueError(f"{value!r} is not a credibility code (1-6, H/M/L) or a factor like 0.8")


# ---------------------------------------------------------------------------- case files
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


def _check_id(value, line, field, col: Collector) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        col.add(line, field, "is empty")
        return None
    if not ID_PATTERN.match(text):
        col.add(line, field, f"{text!r} is not a valid id (letters, digits, - _ .)")
        return None
    return text


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
        hid = _check_id(h.get("id"), line, f"hypotheses[{n}].id", col)
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


def _read_csv(path: Path, shown: str, required, col: Collector):
    """Rows of a CSV file as (line, dict); problems for missing columns or ragged rows."""
    if not path.is_file():
        col.add(1, "file", "not found")
        return [], []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        col.add(1, "file", f"cannot be read ({exc})")
        return [], []
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        col.add(1, "header", "file is empty")
        return [], []
    missing = [c for c in required if c not in header]
    if missing:
        col.add(1, "header", f"missing column(s): {', '.join(missing)}")
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        col.add(1, "header", f"duplicate column(s): {', '.join(dupes)}")
    rows = []
    start = 2
    for values in reader:
        line = start
        start = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            col.add(line, "row", f"has {len(values)} fields, the header has {len(header)}")
            continue
        rows.append((line, dict(zip(header, (v.strip() for v in values), strict=True))))
    return header, rows


def _sources(path: Path, shown: str, scales: Scales, col: Collector) -> list[Source]:
    _, rows = _read_csv(path, shown, SOURCE_COLUMNS, col)
    out, seen = [], set()
    for line, row in rows:
        sid = _check_id(row.get("source_id"), line, "source_id", col)
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
    header, rows = _read_csv(path, shown, (*EVIDENCE_COLUMNS, *hyp_ids), col)
    known = set(EVIDENCE_COLUMNS) | set(hyp_ids) | {"rationale", "notes", "motive"}
    unknown = [h for h in header if h not in known]
    if unknown:
        col.add(1, "header", f"unknown column(s) {', '.join(unknown)} (hypothesis columns must "
                f"be one of {', '.join(hyp_ids)})")
    out, seen = [], set()
    for line, row in rows:
        n_before = len(col.problems)
        eid = _check_id(row.get("evidence_id"), line, "evidence_id", col)
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
    cid = _check_id(data.get("id"), doc.line("id"), "id", col)
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


# ---------------------------------------------------------------------------- scenarios
def load_scenario(path: str | Path, data_dir: Path | None = None) -> Case:
    """Load a scenario file and return its case with the scenario's assumptions applied.

    Raises
    ------
    InputError
        With every problem found in the scenario (and in its case), located.
    """
    path = Path(path)
    col = Collector(paths.display_path(path))
    doc = read_yaml(path, col.shown)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(col.shown, 1, "scenario", "must be a mapping (name, case, ...)")])
    for key in data:
        if key not in SCENARIO_KEYS:
            col.add(doc.line(key), str(key),
                    f"unknown field (allowed: {', '.join(sorted(SCENARIO_KEYS))})")
    name = _check_id(data.get("name", path.stem), doc.line("name"), "name", col)
    if "case" not in data:
        col.add(1, "case", "missing: name the case folder under data/")
        raise InputError(col.problems)
    try:
        case = load_case(str(data["case"]), data_dir)
    except InputError as exc:
        if len(exc.problems) == 1 and exc.problems[0].field == "case":
            col.add(doc.line("case"), "case", f"no case {data['case']!r} in the data folder")
            raise InputError(col.problems) from None
        raise InputError(col.problems + exc.problems) from None
    case = _apply(case, doc, col)
    if col.problems:
        raise InputError(col.problems)
    info = ScenarioInfo(name=name or path.stem, title=str(data.get("title") or name),
                        description=str(data.get("description") or "").strip(), path=str(path),
                        overrides={k: v for k, v in data.items()
                                   if k not in {"name", "title", "description"}})
    return replace(case, scenario=info)


def _apply(case: Case, doc: LocatedYaml, col: Collector) -> Case:
    """Apply a scenario's overrides to a loaded case."""
    data = doc.data
    hyp_ids = case.hypothesis_ids
    changes: dict = {}
    if "as_of" in data:
        try:
            changes["as_of"] = parse_date(data["as_of"])
        except ValueError as exc:
            col.add(doc.line("as_of"), "as_of", str(exc))
    if "prior" in data:
        prior = check_prior(data["prior"], hyp_ids, doc, col)
        if prior:
            changes["prior"] = prior
    if "seed" in data:
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            col.add(doc.line("seed"), "seed", f"must be a non-negative integer, got {seed!r}")
        else:
            changes["seed"] = seed
    if "pooling" in data:
        if not isinstance(data["pooling"], bool):
            col.add(doc.line("pooling"), "pooling", "must be true or false")
        else:
            changes["pooling"] = data["pooling"]
    if "language" in data:
        if data["language"] not in {"icd203", "uk"}:
            col.add(doc.line("language"), "language", "must be icd203 or uk")
        else:
            changes["yardstick"] = data["language"]
    if "handling" in data:
        changes["handling"] = str(data["handling"] or "")
    if "mcmc" in data:
        changes["mcmc"] = _mcmc(doc, col)
    sources = _source_overrides(case, doc, col)
    evidence = _evidence_overrides(case, doc, col)
    case = replace(case, sources=sources, evidence=evidence, **changes)
    if case.as_of is not None:
        case = case.up_to(case.as_of)
    if not case.evidence:
        col.add(doc.line("as_of") if "as_of" in data else 1, "evidence",
                "no evidence item is left after as_of and exclude")
    return case


def _mcmc(doc: LocatedYaml, col: Collector) -> dict:
    raw = doc.data["mcmc"]
    if not isinstance(raw, dict):
        col.add(doc.line("mcmc"), "mcmc", "must be a mapping (draws, tune, chains)")
        return {}
    out = {}
    for key, val in raw.items():
        line = doc.line("mcmc", key)
        if key not in MCMC_KEYS:
            col.add(line, f"mcmc.{key}", f"unknown field (allowed: {', '.join(sorted(MCMC_KEYS))})")
        elif key == "target_accept":
            try:
                out[key] = parse_unit(val, "target_accept")
            except ValueError as exc:
                col.add(line, f"mcmc.{key}", str(exc))
        elif isinstance(val, bool) or not isinstance(val, int) or val < 1:
            col.add(line, f"mcmc.{key}", f"must be a positive integer, got {val!r}")
        else:
            out[key] = val
    return out


def _source_overrides(case: Case, doc: LocatedYaml, col: Collector) -> tuple[Source, ...]:
    raw = doc.data.get("sources") or {}
    if not isinstance(raw, dict):
        col.add(doc.line("sources"), "sources", "must map source ids to overrides")
        return case.sources
    known = {s.id: s for s in case.sources}
    updated = dict(known)
    for sid, over in raw.items():
        line = doc.line("sources", sid)
        sid = str(sid)
        if sid not in known:
            col.add(line, f"sources.{sid}", f"unknown source {sid!r} (case has: "
                    f"{', '.join(known)})")
            continue
        if not isinstance(over, dict):
            col.add(line, f"sources.{sid}", "give a mapping such as {reliability: D, motive: 0.9}")
            continue
        src = known[sid]
        for key, val in over.items():
            fline = doc.line("sources", sid, key)
            field = f"sources.{sid}.{key}"
            try:
                if key == "reliability":
                    src = replace(src, reliability=parse_reliability(val, case.scales))
                elif key == "motive":
                    src = replace(src, motive=parse_unit(val, "motive"))
                elif key == "group":
                    src = replace(src, group=str(val))
                else:
                    col.add(fline, field, "unknown field (allowed: group, motive, reliability)")
            except ValueError as exc:
                col.add(fline, field, str(exc))
        updated[sid] = src
    return tuple(updated[s.id] for s in case.sources)


def _evidence_overrides(case: Case, doc: LocatedYaml, col: Collector) -> tuple[EvidenceItem, ...]:
    raw = doc.data.get("evidence") or {}
    if not isinstance(raw, dict):
        col.add(doc.line("evidence"), "evidence", "must be a mapping with exclude and/or ratings")
        return case.evidence
    items = {e.id: e for e in case.evidence}
    for key in raw:
        if key not in {"exclude", "ratings"}:
            col.add(doc.line("evidence", key), f"evidence.{key}",
                    "unknown field (allowed: exclude, ratings)")
    exclude = raw.get("exclude") or []
    if not isinstance(exclude, list):
        col.add(doc.line("evidence", "exclude"), "evidence.exclude", "must be a list of ids")
        exclude = []
    for n, eid in enumerate(exclude):
        if str(eid) not in items:
            col.add(doc.line("evidence", "exclude", n), "evidence.exclude",
                    f"unknown evidence item {eid!r}")
    ratings = raw.get("ratings") or {}
    if not isinstance(ratings, dict):
        col.add(doc.line("evidence", "ratings"), "evidence.ratings",
                "must map evidence ids to {hypothesis: rating}")
        ratings = {}
    for eid, cells in ratings.items():
        line = doc.line("evidence", "ratings", eid)
        eid = str(eid)
        if eid not in items:
            col.add(line, f"evidence.ratings.{eid}", f"unknown evidence item {eid!r}")
            continue
        if not isinstance(cells, dict):
            col.add(line, f"evidence.ratings.{eid}", "must map hypothesis ids to ratings")
            continue
        new = dict(items[eid].ratings)
        for hid, val in cells.items():
            fline = doc.line("evidence", "ratings", eid, hid)
            if str(hid) not in case.hypothesis_ids:
                col.add(fline, f"evidence.ratings.{eid}.{hid}", f"unknown hypothesis {hid!r}")
                continue
            try:
                new[str(hid)] = parse_rating(val, case.scales)
            except ValueError as exc:
                col.add(fline, f"evidence.ratings.{eid}.{hid}", str(exc))
        items[eid] = replace(items[eid], ratings=new)
    drop = {str(e) for e in exclude}
    return tuple(items[e.id] for e in case.evidence if e.id not in drop)


def resolve(scenario_or_case: str | Path | None = None, data_dir: Path | None = None) -> Case:
    """A case from a scenario path, a scenario name in ``scenarios/``, or a case id."""
    if scenario_or_case is None:
        scenario_or_case = paths.scenarios_dir() / "baseline.yaml"
    p = Path(scenario_or_case)
    if not p.is_absolute() and not p.exists() and (paths.project_root() / p).is_file():
        p = paths.project_root() / p  # "scenarios/x.yaml" works from any working directory
    if p.suffix in {".yaml", ".yml"} or p.is_file():
        return load_scenario(p, data_dir)
    named = paths.scenarios_dir() / f"{scenario_or_case}.yaml"
    if named.is_file():
        return load_scenario(named, data_dir)
    return load_case(str(scenario_or_case), data_dir)


def validate_everything(data_dir: Path | None = None,
                        scenario_folder: Path | None = None) -> list[Problem]:
    """Problems in every case of the data folder and every scenario file (empty when all good)."""
    problems: list[Problem] = []
    root = Path(data_dir or paths.data_dir())
    for folder in sorted(p for p in root.iterdir() if (p / "case.yaml").is_file()):
        try:
            load_case(folder)
        except InputError as exc:
            problems += exc.problems
    for path in paths.scenario_files(scenario_folder):
        try:
            load_scenario(path, data_dir)
        except InputError as exc:
            problems += [p for p in exc.problems if p not in problems]
    return problems
