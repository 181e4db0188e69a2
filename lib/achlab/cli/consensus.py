"""``achlab consensus CASE [--json] [--data DIR]``: several analysts' ratings of one case.

Reads ``data/<case>/analysts/*.csv`` (:mod:`achlab.load.analysts`) and prints, per cell, the
votes, the consensus rating, the disagreement and its band, then each analyst's weights and the
weights of the consensus ratings (and, with ``--pooled``, of the PyMC pooling).

JSON (``--json``)::

    {"case": ..., "as_of": null, "analysts": [...], "bands": {"consensus": n, ...},
     "cells": [{"evidence_id", "hypothesis", "votes": {analyst: rating}, "consensus",
                "disagreement", "band"}, ...],
     "analyst_weights": {analyst: {hyp: {"mean", "low", "high", "words"}}},
     "consensus_weights": {hyp: {...}},
     "pooled_weights": {hyp: {...}}            # only with --pooled
    }

Exit codes: 0 success, 2 bad input (one located line per problem: ``path:line: field: message``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from achlab.model import InputError, Problem

HELP = "consensus and disagreement of several analysts' ratings"
DESCRIPTION = ("Consensus and disagreement per cell of several analysts' ratings "
               "(data/<case>/analysts/*.csv), and each analyst's weights.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``achlab consensus``."""
    p.add_argument("case", help="case id (a folder under the data folder) or a case folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="only evidence dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--pooled", action="store_true",
                   help="also pool the analysts in PyMC (takes some seconds)")
    p.add_argument("--seed", type=int, help="random seed of the PyMC pooling")
    p.add_argument("--rounding", choices=("toward-neutral", "open-synthesis"),
                   default="toward-neutral",
                   help="an exact half of a mean vote goes toward N (default, Open Synthesis's "
                        "documented rule) or to the even rating (open-synthesis: its code)")


def _inputs(args):
    """The case (cut at ``--as-of``) and the analysts' ratings; InputError when bad."""
    from achlab.engines.consensus import restrict_to
    from achlab.load.analysts import ANALYSTS_FOLDER, load_analysts
    from achlab.load.case import case_folder, load_case
    from achlab.load.parse import parse_date
    from achlab.load.scenario import check_data_folder, undated_problems

    data = Path(args.data) if getattr(args, "data", None) else None
    check_data_folder(data)
    folder = case_folder(args.case, data)
    as_of = None
    if getattr(args, "as_of", None):
        try:
            as_of = parse_date(args.as_of)
        except ValueError as exc:
            raise InputError([Problem("command line", 1, "--as-of", str(exc))]) from None
    case = load_case(args.case, data)
    analysts = load_analysts(case, data, folder=folder / ANALYSTS_FOLDER)
    if as_of is not None:
        case = case.up_to(as_of)
        undated = undated_problems(case, folder.parent, f"--as-of {as_of.isoformat()}")
        if undated:
            raise InputError(undated)
        analysts = restrict_to(case, analysts)
    return case, analysts, as_of


def run(args) -> int:
    """Run ``achlab consensus``; returns the exit code (2 with located messages on bad input)."""
    from achlab.engines.consensus import analyst_weights, consensus, consensus_weights

    try:
        case, analysts, as_of = _inputs(args)
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    result = consensus(case, analysts, rounding=getattr(args, "rounding", "toward-neutral"))
    per_analyst = analyst_weights(case, analysts)
    combined = consensus_weights(case, analysts, result)
    pooled = None
    if getattr(args, "pooled", False):
        from achlab.engines.consensus import pooled_weights
        from achlab.notebook.fits import FitStore

        pooled = pooled_weights(case, analysts, seed=getattr(args, "seed", None),
                                store=FitStore())
    if getattr(args, "json", False):
        out = {"case": case.id, "as_of": as_of.isoformat() if as_of else None,
               **{k: v for k, v in result.as_dict().items() if k != "case"},
               "analyst_weights": {a: w.as_dict() for a, w in per_analyst.items()},
               "consensus_weights": combined.as_dict()}
        if pooled is not None:
            out["pooled_weights"] = pooled.weights.as_dict()
            out["pooled_analyst_sd"] = pooled.analyst_sd
        print(json.dumps(out, indent=2))
        return 0
    print(_text(case, result, per_analyst, combined, pooled, as_of))
    return 0


def _text(case, result, per_analyst, combined, pooled, as_of) -> str:
    """The plain-text report."""
    from achlab.model.words import percent

    counts = result.band_counts()
    cut = f", evidence to {as_of.isoformat()}" if as_of else ""
    lines = [f"{case.id}: {len(result.analysts)} analysts ({', '.join(result.analysts)}), "
             f"{len(result.cells)} cells voted on{cut}",
             "  " + ", ".join(f"{band} {n}" for band, n in counts.items()), ""]
    width = max((len(a) for a in result.analysts), default=8)
    head = f"  {'cell':<22}" + "".join(f"{a:>{width + 2}}" for a in result.analysts)
    lines.append(head + f"{'consensus':>11}{'sd':>7}  band")
    for c in result.cells:
        votes = "".join(f"{c.votes.get(a, '-'):>{width + 2}}" for a in result.analysts)
        lines.append(f"  {c.evidence_id + ' ' + c.hypothesis_id:<22}{votes}"
                     f"{c.consensus:>11}{c.disagreement:>7.2f}  {c.band}")
    lines += ["", "Weights (exact engine; an analyst's empty cells keep the case's rating):"]
    ids = case.hypothesis_ids
    rows = list(per_analyst.items()) + [("consensus ratings", combined)]
    if pooled is not None:
        rows.append(("pooled (PyMC)", pooled.weights))
    name_w = max(len(n) for n, _ in rows)
    col = max(12, *(len(h) + 2 for h in ids))
    lines.append(f"  {'':<{name_w}}" + "".join(f"{h:>{col}}" for h in ids))
    for name, w in rows:
        lines.append(f"  {name:<{name_w}}" + "".join(f"{percent(w[h]):>{col}}" for h in ids))
    return "\n".join(lines)
