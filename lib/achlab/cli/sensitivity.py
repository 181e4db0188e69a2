"""``achlab sensitivity SCENARIO [--json] [--data DIR]``: how much the answer rests on what.

Prints the linchpins (evidence whose removal changes the leading hypothesis), the tornado (the
leading weight as each source's reliability and motive swing across a plausible range) and the
flip points (the reliability or motive at which the lead changes). With ``--json``, one object
with the keys ``case``, ``scenario``, ``leading``, ``weights``, ``linchpins``, ``tornado``,
``flip_points`` and ``notes``.

Bad input raises :class:`~achlab.model.InputError`, which :func:`achlab.cli.main` reports as
located lines (exit 2).
"""

from __future__ import annotations

import json

HELP = "linchpins, tornado and flip points of a scenario"
DESCRIPTION = "Which evidence items and which assumptions the leading hypothesis rests on."


def add_arguments(p) -> None:
    """Options of ``achlab sensitivity``."""
    p.add_argument("scenario", help="scenario file, scenario name in scenarios/, or case id")
    p.add_argument("--json", action="store_true", help="print JSON")


def analyse(case) -> dict:
    """Everything the command prints, as a JSON-ready dict.

    Parameters
    ----------
    case : Case

    Returns
    -------
    dict
    """
    from achlab.engines.exact import exact_weights
    from achlab.engines.sensitivity import (
        MOTIVE_SWING,
        POINT_RELIABILITY_SWING,
        flip_points,
        leave_one_out,
        tornado,
    )
    from achlab.model.scales import INTERVAL

    weights = exact_weights(case)
    loo = leave_one_out(case)
    tor = tornado(case)
    flips = flip_points(case)
    ids = case.hypothesis_ids
    k = ids.index(loo.leading)
    linchpins = [{"items": list(o.item_ids), "origin": o.origin, "status": o.status,
                  "leading_without": o.leading,
                  "weights_without": {h: float(w) for h, w in zip(ids, o.weights, strict=True)},
                  "change_of_leading_weight": float(o.delta[k])} for o in loo.linchpins]
    top_items = [{"items": list(o.item_ids), "change_of_leading_weight": float(o.delta[k]),
                  "leading_without": o.leading} for o in loo.ranked()[:5]]
    notes = [
        f"leading hypothesis: argmax of the exact weights ({loo.leading})",
        "tornado and flip points on point reliabilities: other sources at their mean; "
        f"reliability swung over the {100 * INTERVAL:.0f} % prior interval (a fixed "
        f"number \u00b1 {POINT_RELIABILITY_SWING:.2f}), motive \u00b1 {MOTIVE_SWING:.2f}, "
        "clipped to [0, 1]",
        "items collapsed by origin change nothing when left out alone; see claims",
    ]
    return {
        "case": case.id,
        "scenario": case.scenario.name if case.scenario else None,
        "leading": loo.leading,
        "weights": {h: float(w) for h, w in zip(ids, weights.mean, strict=True)},
        "linchpins": linchpins,
        "largest_leave_one_out": top_items,
        "tornado": tor.as_dict(),
        "flip_points": [f.as_dict() for f in flips],
        "notes": notes,
    }


def _text(result: dict, case) -> str:
    from achlab.model.words import percent, percent_range, points, setting

    labels = case.labels
    lead = result["leading"]
    out = [f"{case.name}: leading hypothesis {labels[lead]} "
           f"({percent(result['weights'][lead])}, exact)", ""]
    out.append("Linchpins (evidence whose removal changes the leading hypothesis):")
    if not result["linchpins"]:
        out.append("  none: no single item or repeated claim changes the lead when left out")
    for lp in result["linchpins"]:
        w = lp["weights_without"]
        out.append(f"  {'+'.join(lp['items']):<14} without it {labels[lp['leading_without']]} "
                   f"leads ({percent(w[lp['leading_without']])}); {lp['status']}")
    out.append("  largest effects of leaving one out: " + ", ".join(
        f"{'+'.join(t['items'])} {points(t['change_of_leading_weight'])}"
        for t in result["largest_leave_one_out"]))
    tor = result["tornado"]
    out += ["", f"Tornado: weight of {labels[tor['hypothesis']]} (point model, now "
            f"{percent(tor['base_weight_point_model'])}), widest first:"]
    out.append(f"  {'source':<10} {'assumption':<12} {'range swung':<13} {'weight':<13} "
               "where the range comes from")
    for b in tor["bars"]:
        out.append(f"  {b['source']:<10} {b['parameter']:<12} "
                   f"{b['low']:.2f}\u2013{b['high']:.2f}    "
                   f"{percent_range(b['weight_min'], b['weight_max']):<13}"
                   f"{b['range']}")
    if tor["sources_without_items"]:
        out.append("  no reports (not swung): " + ", ".join(tor["sources_without_items"]))
    out += ["", "Flip points (value in [0, 1] at which the leading hypothesis changes):"]
    for f in result["flip_points"]:
        if f["items"] == 0:
            text = "none (no reports from this source)"
        elif f["flip"] is None:
            text = "none in [0, 1]"
        else:
            side = "below" if f["flip"] < f["current"] else "above"
            text = f"{side} {setting(f['flip'])}: {labels[f['rival']]} leads"
        out.append(f"  {f['source']:<10} {f['parameter']:<12} now {f['current']:.2f}  {text}")
    out += ["", "Notes:"] + [f"  {n}" for n in result["notes"]]
    return "\n".join(out)


def run(args) -> int:
    """Handle ``achlab sensitivity``: print the analysis; return the exit code (0)."""
    from achlab.cli.common import data_folder
    from achlab.load.scenario import resolve

    case = resolve(args.scenario, data_folder(args))
    result = analyse(case)
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2, allow_nan=False))
    else:
        print(_text(result, case))
    return 0
