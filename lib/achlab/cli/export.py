"""``achlab export CASE (--xlsx FILE | --md [FILE] | --csv [FILE]) [--scenario FILE]``.

``--xlsx`` writes the case as a workbook (:mod:`achlab.outputs.workbook`) that
``achlab import`` reads back; ``--md`` the weights and the matrix as Markdown tables and
``--csv`` the matrix as CSV (:mod:`achlab.outputs.markdown`), to standard output without FILE.
The weights and the Results sheet are computed under ``--scenario`` when given (it must be a
scenario of CASE), else under the case's own assumptions. Never writes into the data folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from achlab import paths
from achlab.cli.common import data_folder
from achlab.model import InputError, Problem

HELP = "write a case as a workbook (.xlsx), Markdown tables or CSV"


def add_arguments(p) -> None:
    """Options of ``achlab export``."""
    p.add_argument("case", help="case id (a folder under the data folder) or a case folder")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--xlsx", metavar="FILE", help="write a workbook")
    what.add_argument("--md", metavar="FILE", nargs="?", const="-",
                      help="the weights and the matrix as Markdown (standard output without FILE)")
    what.add_argument("--csv", metavar="FILE", nargs="?", const="-",
                      help="the matrix as CSV (standard output without FILE)")
    p.add_argument("--scenario", help="scenario file whose assumptions the weights use")


def _folder(args) -> Path:
    from achlab.load.case import case_dir

    return Path(args.case) if Path(args.case).is_dir() else case_dir(args.case, data_folder(args))


def _case(args, folder: Path):
    """The case under ``--scenario`` (which must be one of this case) or its own assumptions."""
    from achlab.load import load_case, load_scenario

    case = load_case(folder)
    if not args.scenario:
        return case
    scenario = load_scenario(args.scenario, folder.parent)
    named = str(scenario.scenario.overrides.get("case", scenario.id))
    if named != folder.name:
        raise InputError([Problem(paths.display_path(args.scenario), 1, "case",
                                  f"the scenario is of case {named!r}, not {folder.name!r}")])
    return scenario


def _refuse_data_folder(target: Path, folder: Path) -> None:
    data = folder.parent.resolve()
    if target.resolve().parent == folder.resolve() or data in target.resolve().parents:
        raise InputError([Problem(paths.display_path(target), 1, "file",
                                  "will not write into the data folder; choose another place")])


def _write_text(text: str, target: str, folder: Path) -> None:
    if target == "-":
        sys.stdout.write(text)
        return
    _refuse_data_folder(Path(target), folder)
    Path(target).write_text(text, encoding="utf-8")
    print(f"wrote {paths.display_path(target)}", file=sys.stderr)


def run(args) -> int:
    """Write the export; InputError (exit 2) when the case or scenario is bad."""
    from achlab.load.workbook import case_tables
    from achlab.outputs.markdown import case_markdown, matrix_csv
    from achlab.outputs.workbook import write_workbook

    folder = _folder(args)
    case = _case(args, folder)
    if args.xlsx:
        target = Path(args.xlsx)
        _refuse_data_folder(target, folder)
        write_workbook(case_tables(folder), case, target)
        print(f"wrote {paths.display_path(target)}")
    elif args.md:
        _write_text(case_markdown(case), args.md, folder)
    else:
        _write_text(matrix_csv(case), args.csv, folder)
    return 0
