"""``achlab new CASE [--hypotheses a,b,c] [--data DIR] [--scenarios DIR]``: start a case.

Writes a case folder from the templates shipped in :mod:`achlab.templates` (``case.yaml`` with
comments, ``sources.csv`` and ``evidence.csv`` with one example row each, a README naming each
column's allowed values, read from :mod:`achlab.model.scales`) and a scenario ``<CASE>.yaml`` in
the scenarios folder. The case validates at once. Nothing is ever overwritten: an existing case
folder or scenario file is a located problem (exit 2) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from string import Template

from achlab import paths
from achlab.cli.common import data_folder
from achlab.load.parse import ID_PATTERN
from achlab.model import InputError, Problem
from achlab.model.scales import (
    CREDIBILITY_NAMES,
    DEFAULT_MOTIVE,
    HML_TO_CODE,
    NOT_APPLICABLE,
    PARC_WEIGHTS,
    RATINGS,
    RELIABILITY_NAMES,
)

HELP = "start a new case folder (templates) and a scenario for it"
DESCRIPTION = ("Write data/<CASE>/ (case.yaml, sources.csv, evidence.csv, README.md) and "
               "scenarios/<CASE>.yaml. Nothing existing is overwritten.")
#: Hypotheses of a new case when ``--hypotheses`` is not given.
DEFAULT_HYPOTHESES = ("h1", "h2", "h3")
#: The template files of a case folder, in :mod:`achlab.templates`.
CASE_TEMPLATES = ("case.yaml", "sources.csv", "evidence.csv", "README.md")
#: Example ratings of the template's one evidence row, cycled over the hypotheses.
EXAMPLE_RATINGS = ("C", "I", "N")


def add_arguments(p) -> None:
    """Options of ``achlab new``."""
    p.add_argument("case", help="id of the new case (letters, digits, - _ .)")
    p.add_argument("--hypotheses", help="comma-separated hypothesis ids (default: h1,h2,h3)")
    p.add_argument("--scenarios", help="folder for the scenario file (default: the scenarios "
                                        "folder next to the data folder)")


def run(args) -> int:
    """Write the case folder and its scenario; returns 0 (InputError on bad input)."""
    data = data_folder(args) or paths.data_dir()
    scenarios = Path(args.scenarios) if args.scenarios else _scenarios_beside(data)
    hypotheses = _hypothesis_ids(args.hypotheses)
    folder, scenario = new_case(args.case, hypotheses, data, scenarios)
    print(f"wrote {paths.display_path(folder)}/ and {paths.display_path(scenario)}")
    print(f"next: edit the files, then achlab validate --case {args.case}"
          + (f" --data {args.data}" if getattr(args, "data", None) else ""))
    return 0


def _scenarios_beside(data: Path) -> Path:
    """The scenarios folder of the project holding ``data``."""
    if Path(data).resolve() == paths.data_dir().resolve():
        return paths.scenarios_dir()
    return Path(data).parent / "scenarios"


def _hypothesis_ids(text: str | None) -> tuple[str, ...]:
    """Hypothesis ids from ``--hypotheses`` (InputError when fewer than two or not ids)."""
    if not text:
        return DEFAULT_HYPOTHESES
    ids = tuple(h.strip() for h in text.split(",") if h.strip())
    problems = [Problem("command line", 1, "--hypotheses",
                        f"{h!r} is not a valid id (letters, digits, - _ .)")
                for h in ids if not ID_PATTERN.match(h)]
    if len(ids) < 2:
        problems.append(Problem("command line", 1, "--hypotheses", "give at least two ids"))
    if len(set(ids)) != len(ids):
        problems.append(Problem("command line", 1, "--hypotheses", "ids repeat"))
    if problems:
        raise InputError(problems)
    return ids


def new_case(case_id: str, hypotheses, data: Path, scenarios: Path) -> tuple[Path, Path]:
    """Write a new case folder under ``data`` and its scenario under ``scenarios``.

    Parameters
    ----------
    case_id : str
        Id of the case, also its folder name and its scenario's name.
    hypotheses : sequence of str
        Hypothesis ids (at least two).
    data, scenarios : Path
        The data folder and the scenarios folder.

    Returns
    -------
    tuple of Path
        The case folder and the scenario file.

    Raises
    ------
    InputError
        When the id is not an id, or the case folder or scenario file exists already.
    """
    folder, scenario = Path(data) / case_id, Path(scenarios) / f"{case_id}.yaml"
    _check_new(case_id, folder, scenario)
    values = template_values(case_id, tuple(hypotheses),
                             f"{scenario.parent.name}/{scenario.name}")
    with tempfile.TemporaryDirectory(dir=Path(data) if Path(data).is_dir() else None) as tmp:
        staged = Path(tmp) / case_id
        staged.mkdir()
        for name in CASE_TEMPLATES:
            (staged / name).write_text(render(name, values), encoding="utf-8")
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), folder)
    scenario.parent.mkdir(parents=True, exist_ok=True)
    scenario.write_text(scenario_text(case_id), encoding="utf-8")
    return folder, scenario


def _check_new(case_id: str, folder: Path, scenario: Path) -> None:
    problems = []
    if not ID_PATTERN.match(case_id):
        problems.append(Problem("command line", 1, "case",
                                f"{case_id!r} is not a valid id (letters, digits, - _ .)"))
    for path, what in ((folder, "case folder"), (scenario, "scenario file")):
        if path.exists():
            problems.append(Problem(paths.display_path(path), 1, "case",
                                    f"the {what} exists already; nothing was written"))
    if problems:
        raise InputError(problems)


def render(name: str, values: dict) -> str:
    """One template of :mod:`achlab.templates` with ``values`` filled in."""
    text = resources.files("achlab.templates").joinpath(name).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def _listing(names) -> str:
    """``A`` (Completely reliable), ... as one line of Markdown."""
    return ", ".join(f"`{key}` ({name.lower()})" for key, name in names.items())


def template_values(case_id: str, hypotheses: tuple[str, ...], scenario: str) -> dict:
    """Everything the templates need, the allowed values read from the scales."""
    share = 1 / len(hypotheses)
    ratings = [EXAMPLE_RATINGS[n % len(EXAMPLE_RATINGS)] for n in range(len(hypotheses))]
    return {
        "case_id": case_id, "title": f"New case {case_id}", "scenario": scenario,
        "first_hypothesis": hypotheses[0],
        "hypotheses": "\n".join(f"  - id: {h}\n    label: {h}\n    description: What {h} "
                                "claims, so that a reader can tell it from the others."
                                for h in hypotheses),
        "prior": "\n".join(f"#   {h}: {share:.4g}" for h in hypotheses),
        "hypothesis_columns": ",".join(hypotheses), "example_ratings": ",".join(ratings),
        "hypothesis_rows": "".join(f"| `{h}` | the rating of the report if `{h}` is true | "
                                   "a rating (below) or a number in [0, 1] |\n"
                                   for h in hypotheses),
        "today": dt.date.today().isoformat(), "source_id": "source-1",
        "source_name": "Who reports (replace me)", "kind": "press", "group": "",
        "reliability": "C", "credibility": "3", "default_motive": f"{DEFAULT_MOTIVE:g}",
        "reliability_values": "an Admiralty letter: " + _listing(RELIABILITY_NAMES),
        "credibility_values": "an Admiralty code: " + _listing(CREDIBILITY_NAMES),
        "parc_values": " or ".join(f"`{k}` (code {v})" for k, v in HML_TO_CODE.items()),
        "relevance_values": ", ".join(f"`{k}`" for k in PARC_WEIGHTS),
        "rating_values": ", ".join(f"`{r}`" for r in RATINGS) + f" or `{NOT_APPLICABLE}`",
    }


def scenario_text(case_id: str) -> str:
    """The scenario of a new case: its own assumptions, a fixed seed."""
    return (f"name: {case_id}\ntitle: {case_id} with its own assumptions\ndescription: >-\n"
            "  The case as written: its prior, its sources' reliabilities and motives, every\n"
            f"  evidence item.\ncase: {case_id}\nseed: 20261202\n")
