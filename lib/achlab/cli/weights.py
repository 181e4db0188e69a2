"""``achlab weights [--scenario FILE | --case ID] [--method exact|mcmc] [--json]``.

JSON: ``{"case", "scenario", "method", "weights": {hyp: {"mean", "low", "high", "words"}}}``.
"""

from __future__ import annotations

import json

from achlab.cli.common import add_case_choice, case_from_args

HELP = "hypothesis weights"


def add_arguments(p) -> None:
    """Options of ``achlab weights``."""
    add_case_choice(p)
    p.add_argument("--method", choices=["exact", "mcmc"], default="exact")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    """Print the weights as a table or JSON."""
    from achlab.engines.exact import exact_weights
    from achlab.outputs.text import weights_table

    case = case_from_args(args)
    if args.method == "mcmc":
        from achlab.engines.mcmc import fit

        weights = fit(case).weights
    else:
        weights = exact_weights(case)
    if args.json:
        out = {"case": case.id, "scenario": case.scenario.name if case.scenario else None,
               "method": weights.method, "weights": weights.as_dict()}
        print(json.dumps(out, indent=2))
    else:
        print(f"{case.name} ({weights.method}):")
        print(weights_table(case, weights))
    return 0
