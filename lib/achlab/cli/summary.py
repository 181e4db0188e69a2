"""``achlab summary [SCENARIO ...]``: weights and classic scores for every scenario, as text."""

from __future__ import annotations

import sys
from pathlib import Path

from achlab import paths
from achlab.cli.common import data_folder
from achlab.model import InputError

HELP = "weights and classic scores for every scenario, as a table"


def add_arguments(p) -> None:
    """Options of ``achlab summary``."""
    p.add_argument("scenarios", nargs="*", help="scenario files (default: all in scenarios/)")


def run(args) -> int:
    """Print one summary per scenario; exit 2 if any scenario has bad input."""
    from achlab.engines.classic import heuer_scores
    from achlab.engines.exact import exact_weights
    from achlab.load import load_scenario
    from achlab.outputs.text import scenario_summary

    data = data_folder(args)
    files = [Path(s) for s in args.scenarios] or paths.scenario_files()
    problems = []
    for path in files:
        try:
            case = load_scenario(path, data)
        except InputError as exc:
            problems += exc.problems
            continue
        print(scenario_summary(case, exact_weights(case), heuer_scores(case)))
        print()
    for p in problems:
        print(p, file=sys.stderr)
    return 2 if problems else 0
