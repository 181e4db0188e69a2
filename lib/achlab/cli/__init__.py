"""The command line of docs/model.md §3: ``achlab validate | weights | heuer | run | ...``.

One module per command, each with ``HELP`` (and optionally ``DESCRIPTION``),
``add_arguments(parser)`` and ``run(args) -> int``; :data:`COMMANDS` lists them, and each gets
``--data`` unless its module sets ``TAKES_DATA = False``. A command module that cannot be
imported is an error, never a missing command.

Exit codes: 0 success, 2 bad input (one located line per problem), 1 anything else (one line).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from achlab.model import InputError

#: Every sub-command, in the order ``achlab --help`` lists them; each is ``achlab.cli.<name>``.
COMMANDS = ("validate", "weights", "heuer", "summary", "run", "sensitivity", "consensus", "brief")


def command_module(name: str) -> ModuleType:
    """The module of one sub-command (an ImportError propagates: nothing is silently dropped)."""
    module = importlib.import_module(f"achlab.cli.{name}")
    for needed in ("HELP", "add_arguments", "run"):
        if not hasattr(module, needed):
            raise TypeError(f"achlab.cli.{name} defines no {needed}")
    return module


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-parser per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="achlab", description="Analysis of Competing Hypotheses with Bayesian weights.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module = command_module(name)
        p = sub.add_parser(name, help=module.HELP,
                           description=getattr(module, "DESCRIPTION", None))
        module.add_arguments(p)
        if getattr(module, "TAKES_DATA", True):
            p.add_argument("--data",
                           help="data folder holding the cases (default: the project's data/)")
        p.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``achlab`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
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
