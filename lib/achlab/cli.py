"""The command line of model.md §3: ``achlab validate | weights | heuer | summary | run | ...``.

Exit codes: 0 success, 2 bad input (one located line per problem), 1 anything else (one line).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from achlab import paths
from achlab.model import InputError, Problem

COMMANDS: dict[str, Callable] = {}


def command(name: str):
    """Register a sub-command handler."""

    def wrap(fn):
        COMMANDS[name] = fn
        return fn

    return wrap


def _case_from_args(args):
    from achlab.loading import load_case, load_scenario

    data = Path(args.data) if args.data else None
    if getattr(args, "scenario", None):
        return load_scenario(args.scenario, data)
    if getattr(args, "case", None):
        return load_case(args.case, data)
    default = paths.scenarios_dir() / "baseline.yaml"
    if default.is_file():
        return load_scenario(default, data)
    raise InputError([Problem("scenarios/baseline.yaml", 1, "scenario",
                              "not found; give --scenario FILE or --case ID")])


@command("validate")
def cmd_validate(args) -> int:
    from achlab.loading import load_case, load_scenario, validate_everything

    data = Path(args.data) if args.data else None
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
            try:
                load_case(args.case, data)
            except InputError as exc:
                problems += exc.problems
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    print("valid")
    return 0


@command("weights")
def cmd_weights(args) -> int:
    from achlab.engines.exact import exact_weights
    from achlab.report import weights_table

    case = _case_from_args(args)
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


@command("heuer")
def cmd_heuer(args) -> int:
    from achlab.engines.classic import heuer_scores
    from achlab.report import heuer_table

    case = _case_from_args(args)
    scores = heuer_scores(case)
    if args.json:
        print(json.dumps(scores.as_dict(), indent=2))
    else:
        print(f"{case.name} (classic ACH, PARC 2.0 scoring):")
        print(heuer_table(case, scores))
    return 0


@command("summary")
def cmd_summary(args) -> int:
    from achlab.engines.classic import heuer_scores
    from achlab.engines.exact import exact_weights
    from achlab.loading import load_scenario
    from achlab.report import scenario_summary

    data = Path(args.data) if args.data else None
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


@command("run")
def cmd_run(args) -> int:
    from achlab.pipeline import run

    files = [Path(s) for s in args.scenarios] or None
    report = run(files, out=Path(args.out) if args.out else None, draws=args.draws,
                 tune=args.tune, chains=args.chains, jobs=args.jobs,
                 progress=not args.no_progress)
    ok = [o for o in report.outcomes if o.ok]
    print(f"\n{len(ok)} of {len(report.outcomes)} notebooks ran; results in "
          f"{paths.display_path(report.out)}/")
    scenarios = sorted({o.task.scenario for o in report.outcomes})
    for name in scenarios:
        print(f"  {paths.display_path(report.out / name)}/  (executed notebooks, HTML, charts)")
    for extra in report.extras:
        print(f"  {paths.display_path(extra)}")
    print(f"  open {paths.display_path(report.index)} for the index")
    for o in report.failures:
        print(f"FAILED: {o.message}", file=sys.stderr)
    return 1 if report.failures else 0


def _add_data(p):
    p.add_argument("--data", help="data folder holding the cases (default: the project's data/)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (sub-commands register their own options here)."""
    parser = argparse.ArgumentParser(
        prog="achlab", description="Analysis of Competing Hypotheses with Bayesian weights.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check cases and scenarios; exit 2 with located problems")
    p.add_argument("scenarios", nargs="*", help="scenario files (default: everything)")
    p.add_argument("--case", help="a case id to check")
    _add_data(p)

    for name, helptext in (("weights", "hypothesis weights"), ("heuer", "classic ACH scores")):
        p = sub.add_parser(name, help=helptext)
        g = p.add_mutually_exclusive_group()
        g.add_argument("--scenario", help="scenario file")
        g.add_argument("--case", help="case id (its own assumptions, no scenario)")
        if name == "weights":
            p.add_argument("--method", choices=["exact", "mcmc"], default="exact")
        p.add_argument("--json", action="store_true", help="print JSON")
        _add_data(p)

    p = sub.add_parser("summary", help="weights and classic scores for every scenario, as a table")
    p.add_argument("scenarios", nargs="*", help="scenario files (default: all in scenarios/)")
    _add_data(p)

    p = sub.add_parser("run", help="execute every notebook for every scenario into out/")
    p.add_argument("scenarios", nargs="*", help="scenario files (default: all in scenarios/)")
    p.add_argument("--out", help="output folder (default: out/)")
    p.add_argument("--draws", type=int, help="PyMC draws per chain (default: scenario's, 1000)")
    p.add_argument("--tune", type=int, help="PyMC tuning steps per chain")
    p.add_argument("--chains", type=int, help="PyMC chains")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(f"achlab.cli_{name}")
        except ImportError:
            continue
        module.add_parser(sub)
        COMMANDS[name] = module.run
    return parser


#: Sub-commands that live in their own modules (``achlab.cli_<name>``).
EXTENSIONS = ("sensitivity", "consensus", "brief")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``achlab`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("achlab: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command line promises one line, no traceback
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"achlab {args.command}: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
