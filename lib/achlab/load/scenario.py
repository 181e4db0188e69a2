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
from achlab.load.case import case_dir, check_prior, load_case
from achlab.load.csvfile import Collector, read_csv
from achlab.load.parse import check_id, parse_rating, parse_reliability
from achlab.load.schema import Checked, ScenarioFile, text_paths, validate
from achlab.load.yamlfile import LocatedYaml, read_yaml
from achlab.model import Case, EvidenceItem, InputError, Problem, ScenarioInfo, Source
from achlab.model.case import motive_level


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
        if len(exc.problems) == 1 and exc.problems[0].message.startswith("no case folder"):
            col.add(doc.line("case"), "case", f"no case {spec.case!r} in the data folder")
            raise InputError(_in_order(col.problems)) from None
        raise InputError(_in_order(col.problems) + exc.problems) from None
    case = _apply(case, spec, checked, doc, col)
    undated = undated_problems(case, data_dir, f"the scenario's as_of ({col.shown}:"
                               f"{doc.line('as_of')})") if spec.as_of is not None else []
    if col.problems or undated:
        raise InputError(_in_order(col.problems) + undated)
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
            src = _motive_override(case, src, over.motive, doc, col)
        if over.group is not None:
            src = replace(src, group=over.group)
        updated[sid] = src
    return tuple(updated[s.id] for s in case.sources)


def _motive_override(case: Case, src: Source, motive, doc: LocatedYaml,
                     col: Collector) -> Source:
    """A source with the scenario's motive: one number, or one per hypothesis (all named)."""
    if not isinstance(motive, dict):
        return replace(src, motive=float(motive), motive_by=None)
    keys = ("sources", src.id, "motive")
    hyp_ids = case.hypothesis_ids
    unknown = [h for h in motive if h not in hyp_ids]
    for h in unknown:
        col.add(doc.line(*keys, h), f"sources.{src.id}.motive.{h}",
                f"unknown hypothesis {h!r} (case has: {', '.join(hyp_ids)})")
    written = ((doc.data.get("sources") or {}).get(src.id) or {}).get("motive") or {}
    missing = [h for h in hyp_ids if h not in motive and h not in written]  # else: bad value
    if missing:
        col.add(doc.line(*keys), f"sources.{src.id}.motive",
                f"no motive for {', '.join(missing)}: name every hypothesis (or give one number)")
    if unknown or missing or len(motive) < len(hyp_ids):
        return src
    by = {h: float(motive[h]) for h in hyp_ids}
    return replace(src, motive=motive_level(by), motive_by=by)


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
        event = items[eid].event
        for other in [e for e in items.values() if event and e.event == event] or [items[eid]]:
            items[other.id] = replace(other, ratings=dict(new))  # the event's ratings
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


def undated_problems(case: Case, data_dir: Path | None, cut: str) -> list[Problem]:
    """An evidence item without a date cannot be placed before or after a cut-off date.

    Parameters
    ----------
    case : Case
        The case after the cut (undated items are still in it).
    data_dir : Path, optional
        Its data folder, to locate the items in ``evidence.csv``.
    cut : str
        What set the cut-off, for the message (e.g. ``--as-of``).

    Returns
    -------
    list of Problem
        One ``evidence.csv:line: date: ...`` per undated item.
    """
    undated = {e.id for e in case.evidence if e.date is None}
    if not undated:
        return []
    path = case_dir(case.id, data_dir) / "evidence.csv"
    col = Collector(paths.display_path(path))
    _, rows = read_csv(path, col.shown, (), Collector(col.shown))
    lines = {row.get("evidence_id"): line for line, row in rows}
    for eid in sorted(undated, key=lambda e: lines.get(e, 1)):
        col.add(lines.get(eid, 1), "date", f"is empty for {eid!r}, but {cut} needs every "
                "evidence item dated (YYYY-MM-DD)")
    return col.problems


def check_data_folder(data_dir: Path | None, field: str = "--data") -> None:
    """Refuse a data folder that does not exist or is a file, before anything reads it.

    Raises
    ------
    InputError
        ``DIR:1: --data: ...`` when ``data_dir`` is not a folder.
    """
    if data_dir is None:
        return
    shown = paths.display_path(data_dir)
    if Path(data_dir).is_file():
        raise InputError([Problem(shown, 1, field, "is a file, not a data folder (give the "
                                  "folder that holds the case folders)")])
    if not Path(data_dir).is_dir():
        raise InputError([Problem(shown, 1, field, "no such data folder")])


def validate_case(case: str | Path, data_dir: Path | None = None) -> list[Problem]:
    """Problems of one case folder or case id: its files, analysts' files and indicators."""
    try:
        loaded = load_case(case, data_dir)
    except InputError as exc:
        return list(exc.problems)
    folder = Path(case) if isinstance(case, Path) else case_dir(str(case), data_dir)
    return _extras_problems(loaded, folder)


def _extras_problems(case: Case, folder: Path) -> list[Problem]:
    """Problems of a loaded case's optional files: ``analysts/*.csv`` and ``indicators.csv``."""
    from achlab.load.analysts import ANALYSTS_FOLDER, load_analysts
    from achlab.load.indicators import FILE_NAME, load_indicators

    problems: list[Problem] = []
    if (folder / ANALYSTS_FOLDER).exists():
        try:
            load_analysts(folder, folder=folder / ANALYSTS_FOLDER)
        except InputError as exc:
            problems += exc.problems
    if (folder / FILE_NAME).exists():
        try:
            load_indicators(case, folder / FILE_NAME)
        except InputError as exc:
            problems += exc.problems
    return problems


def validate_everything(data_dir: Path | None = None,
                        scenario_folder: Path | None = None) -> list[Problem]:
    """Problems in every case of the data folder and every scenario file (empty when all good).

    Each case is checked with its analysts' files and indicators (see :func:`validate_case`).
    """
    try:
        check_data_folder(data_dir)
    except InputError as exc:
        return list(exc.problems)
    problems: list[Problem] = []
    root = Path(data_dir or paths.data_dir())
    for folder in sorted(p for p in root.iterdir() if (p / "case.yaml").is_file()):
        problems += validate_case(folder)
    for path in paths.scenario_files(scenario_folder):
        try:
            load_scenario(path, data_dir)
        except InputError as exc:
            problems += [p for p in exc.problems if p not in problems]
    return problems
