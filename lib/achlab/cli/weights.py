"""``achlab weights [--scenario FILE | --case ID] [--method exact|mcmc] [--json]``.

JSON: ``{"case", "scenario", "method", "weights": {hyp: {"mean", "low", "high", "words"}},
"confidence": {"level", "reasons"}}`` (analytic confidence, :mod:`achlab.engines.confidence`).
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
    from achlab.outputs.text import weights_heading, weights_table

    case = case_from_args(args)
    if args.method == "mcmc":
        from achlab.cli.common import fit_located

        weights = fit_located(case).weights
    else:
        weights = exact_weights(case)
    from achlab.engines.confidence import confidence
    from achlab.engines.likelihood import RELEVANCE_NOTE, RELEVANCE_SHORT

    judged = confidence(case)
    if args.json:
        out = {"case": case.id, "scenario": case.scenario.name if case.scenario else None,
               "method": weights.method, "weights": weights.as_dict(),
               "confidence": judged.as_dict(), "relevance": RELEVANCE_NOTE}
        if weights.note:  # the exact engine could not integrate a group exactly
            out["note"] = weights.note
        print(json.dumps(out, indent=2))
    else:
        print(weights_heading(case, weights))
        print(weights_table(case, weights))
        print(judged.line())
        print(RELEVANCE_SHORT[:1].upper() + RELEVANCE_SHORT[1:] + " (docs/model.md).")
        if weights.note:
            print(weights.note)
    return 0
