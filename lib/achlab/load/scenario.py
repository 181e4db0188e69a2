"""Scenario files: a case with one set of assumptions applied (prior, sources, evidence, cut-off).

The file is read keeping ids as written (:mod:`~achlab.load.yamlfile`) and checked against its
declared shape (:class:`~achlab.load.schema.ScenarioFile`); what needs the case (unknown
hypothesis, source or evidence ids, the prior, rating letters and reliability letters of the
case's scales) is checked here. Every problem is collected and reported as
``path:line: field: message`` in one :class:`~achlab.model.InputError`. Input files are only
ever opened for reading.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from achlab import paths
from achlab.load.case import check_prior, load_case
from achlab.load.csvfile import Collector
from achlab.load.parse import check_id, parse_rating, parse_reliability
from achlab.load.schema import Checked, ScenarioFile, text_paths, validate
from achlab.load.yamlfile import LocatedYaml, read_yaml
from achlab.model import Case, EvidenceItem, InputError, Problem, ScenarioInfo, Source


def load_scenario(path: str | Path, data_dir: Path | None = None) -> Case:
    """Load a scenario file and return its case with the scenario's assumptions applied.

    Raises
    ------
    InputError
        With every problem found in the scenario (and in its case), located.
    """
    path = Path(path)
    col = Collector(paths.display_path(path))
    doc = read_yaml(path, col.shown, text_paths(ScenarioFile))
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(col.shown, 1, "scenario", "must be a mapping (name, case, ...)")])
    col.problems += doc.problems
    checked = validate(ScenarioFile, doc, col)
    spec = checked.model
    if spec is None:  # no case to check the rest against
        raise InputError(_in_order(col.problems))
    name = spec.name
    if name is None and checked.ok("name"):
        name = check_id(path.stem, doc.line("name"), "name", col)
    try:
        case = load_case(spec.case, data_dir)
    except InputError as exc:
        if len(exc.problems) == 1 and exc.problems[0].field == "case":
            col.add(doc.line("case"), "case", f"no case {spec.case!r} in the data folder")
            raise InputError(_in_order(col.problems)) from None
        raise InputError(_in_order(col.problems) + exc.problems) from None
    case = _apply(case, spec, checked, doc, col)
    if col.problems:
        raise InputError(_in_order(col.problems))
    info = ScenarioInfo(name=name or path.stem, title=spec.title or name or path.stem,
                        description=spec.description.strip(), path=str(path),
                        overrides={k: v for k, v in data.items()
                                   if k not in {"name", "title", "description"}})
    return replace(case, scenario=info)


def _in_order(problems: list[Problem]) -> list[Problem]:
    """One file's problems in line order."""
    return sorted(problems, key=lambda p: p.line or 1)


def _apply(case: Case, spec: ScenarioFile, checked: Checked, doc: LocatedYaml,
           col: Collector) -> Case:
    """Apply a scenario's overrides (already checked against the schema) to a loaded case."""
    hyp_ids = case.hypothesis_ids
    changes: dict = {}
    if spec.as_of is not None:
        changes["as_of"] = spec.as_of
    if spec.prior is not None and checked.ok("prior"):
        prior = check_prior(spec.prior, hyp_ids, doc, col)
        if prior:
            changes["prior"] = prior
    if spec.seed is not None:
        changes["seed"] = spec.seed
    if spec.pooling is not None:
        changes["pooling"] = spec.pooling
    if spec.language is not None:
        changes["yardstick"] = spec.language
    if spec.handling is not None:
        changes["handling"] = spec.handling
    if spec.mcmc is not None:
        changes["mcmc"] = spec.mcmc.model_dump(exclude_none=True)
    sources = _source_overrides(case, spec, doc, col)
    evidence = _evidence_overrides(case, spec, doc, col)
    case = replace(case, sources=sources, evidence=evidence, **changes)
    if case.as_of is not None:
        case = case.up_to(case.as_of)
    if not case.evidence:
        col.add(doc.line("as_of") if spec.as_of is not None else 1, "evidence",
                "no evidence item is left after as_of and exclude")
    return case


def _source_overrides(case: Case, spec: ScenarioFile, doc: LocatedYaml,
                      col: Collector) -> tuple[Source, ...]:
    known = {s.id: s for s in case.sources}
    updated = dict(known)
    for sid, over in (spec.sources or {}).items():
        if sid not in known:
            col.add(doc.line("sources", sid), f"sources.{sid}",
                    f"unknown source {sid!r} (case has: {', '.join(known)})")
            continue
        src = known[sid]
        if over.reliability is not None:
            try:
                src = replace(src, reliability=parse_reliability(over.reliability, case.scales))
            except ValueError as exc:
                col.add(doc.line("sources", sid, "reliability"), f"sources.{sid}.reliability",
                        str(exc))
        if over.motive is not None:
            src = replace(src, motive=over.motive)
        if over.group is not None:
            src = replace(src, group=over.group)
        updated[sid] = src
    return tuple(updated[s.id] for s in case.sources)


def _evidence_overrides(case: Case, spec: ScenarioFile, doc: LocatedYaml,
                        col: Collector) -> tuple[EvidenceItem, ...]:
    items = {e.id: e for e in case.evidence}
    over = spec.evidence
    exclude = (over.exclude if over is not None else None) or []
    for n, eid in enumerate(exclude):
        if eid not in items:
            col.add(doc.line("evidence", "exclude", n), "evidence.exclude",
                    f"unknown evidence item {eid!r}")
    ratings = (over.ratings if over is not None else None) or {}
    for eid, cells in ratings.items():
        if eid not in items:
            col.add(doc.line("evidence", "ratings", eid), f"evidence.ratings.{eid}",
                    f"unknown evidence item {eid!r}")
            continue
        new = dict(items[eid].ratings)
        for hid, val in cells.items():
            keys = ("evidence", "ratings", eid, hid)
            field = f"evidence.ratings.{eid}.{hid}"
            if hid not in case.hypothesis_ids:
                col.add(doc.line(*keys), field, f"unknown hypothesis {hid!r}")
                continue
            try:
                new[hid] = parse_rating(val, case.scales)
            except ValueError as exc:
                col.add(doc.line(*keys), field, str(exc))
        items[eid] = replace(items[eid], ratings=new)
    drop = set(exclude)
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
