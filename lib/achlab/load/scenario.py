"""Scenario files: a case with one set of assumptions applied (prior, sources, evidence, cut-off).

Every problem is collected and reported as ``path:line: field: message`` in one
:class:`~achlab.model.InputError`. Input files are only ever opened for reading.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from achlab import paths
from achlab.load.case import check_prior, load_case
from achlab.load.csvfile import Collector
from achlab.load.parse import check_id, parse_date, parse_rating, parse_reliability, parse_unit
from achlab.load.yamlfile import LocatedYaml, read_yaml
from achlab.model import Case, EvidenceItem, InputError, Problem, ScenarioInfo, Source

SCENARIO_KEYS = {"name", "title", "description", "case", "as_of", "prior", "sources", "evidence",
                 "seed", "pooling", "language", "handling", "mcmc"}
SOURCE_OVERRIDE_KEYS = {"reliability", "motive", "group"}
MCMC_KEYS = {"draws", "tune", "chains", "target_accept"}


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
    name = check_id(data.get("name", path.stem), doc.line("name"), "name", col)
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
