"""``achlab heuer [--scenario FILE | --case ID] [--json]``: classic ACH scores (PARC 2.0).

JSON: ``{"inconsistency": {...}, "weighted_inconsistency": {...}, "diagnosticity": {...}}``.
"""

from __future__ import annotations

import json

from achlab.cli.common import add_case_choice, case_from_args

HELP = "classic ACH scores"


def add_arguments(p) -> None:
    """Options of ``achlab heuer``."""
    add_case_choice(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    """Print the classic scores as a table or JSON."""
    from achlab.engines.classic import heuer_scores
    from achlab.outputs.text import heuer_table

    case = case_from_args(args)
    scores = heuer_scores(case)
    if args.json:
        print(json.dumps(scores.as_dict(), indent=2))
    else:
        print(f"{case.name} (classic ACH, PARC 2.0 scoring):")
        print(heuer_table(case, scores))
    return 0
