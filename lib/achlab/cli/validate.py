"""``achlab validate [SCENARIO ...] [--case ID]``: check cases and scenarios.

Exit 0 and ``valid`` when everything loads; otherwise exit 2 and one ``path:line: field:
message`` line per problem. With no argument, every case of the data folder (with its
``analysts/*.csv`` and ``indicators.csv``) and every scenario.
"""

from __future__ import annotations

import sys

from achlab.cli.common import data_folder
from achlab.model import InputError

HELP = "check cases and scenarios; exit 2 with located problems"


def add_arguments(p) -> None:
    """Options of ``achlab validate``."""
    p.add_argument("scenarios", nargs="*", help="scenario files (default: everything)")
    p.add_argument("--case", help="a case id to check")


def run(args) -> int:
    """Print ``valid`` (exit 0) or every problem found (exit 2)."""
    from achlab.load import load_scenario, validate_everything
    from achlab.load.scenario import validate_case

    data = data_folder(args)
    problems = []
    if not args.scenarios and not args.case:
        problems = validate_everything(data)
    else:
        for sc in args.scenarios:
            try:
                load_scenario(sc, data)
            except InputError as exc:
                problems += exc.problems
        if args.case:
            problems += validate_case(args.case, data)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    print("valid")
    return 0
