"""The command line of docs/model.md §3: ``achlab validate | weights | heuer | run | ...``.

One module per command, each with ``HELP`` (and optionally ``DESCRIPTION``),
``add_arguments(parser)`` and ``run(args) -> int``; :data:`COMMANDS` lists them, and each gets
``--data`` unless its module sets ``TAKES_DATA = False``. A command module that cannot be
imported is an error, never a missing command.

Exit codes: 0 success, 2 bad input (one located line per problem), 1 anything else (its
whole reason: each line located, or prefixed with ``achlab <command>:``). Output never fails
on a terminal that cannot show a symbol: :func:`ascii_fallback` prints an ASCII stand-in.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import sys
import unicodedata
from types import ModuleType

from achlab.cli.common import LocatedFailure
from achlab.model import InputError

#: Every sub-command, in the order ``achlab --help`` lists them; each is ``achlab.cli.<name>``.
COMMANDS = ("validate", "weights", "heuer", "summary", "run", "sensitivity", "consensus", "brief",
            "new", "export", "import", "course")
#: Commands whose module name differs from the command (``import`` is a Python keyword).
MODULE_NAMES = {"import": "import_case"}


def command_module(name: str) -> ModuleType:
    """The module of one sub-command (an ImportError propagates: nothing is silently dropped)."""
    module = importlib.import_module(f"achlab.cli.{MODULE_NAMES.get(name, name)}")
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


#: ASCII stand-ins for the symbols the project prints, for terminals that cannot show them.
ASCII_FALLBACKS = {
    "\u2013": "-", "\u2014": "--", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2265": ">=", "\u2264": "<=", "\u00d7": "x", "\u2192": "->", "\u2190": "<-",
    "\u2194": "<->", "\u00b1": "+/-", "\u2022": "*", "\u00b7": ".", "\u2026": "...",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2248": "~", "\u2260": "!=", "\u00b0": " deg", "\u00b5": "u",
    "\u00b6": "par.", "\u00a7": "sect.", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\u2713": "v", "\u2717": "x", "\u25b2": "^", "\u25bc": "v", "\u2028": " ",
}
ERROR_HANDLER = "achlab-ascii-fallback"


def ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each character the stream cannot encode becomes an ASCII stand-in.

    A listed symbol takes its stand-in, an accented letter its base letter, anything else ``?``.
    """
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append(ASCII_FALLBACKS.get(ch) or plain or "?")
    return "".join(out), exc.end


def _printable_streams() -> None:
    """Let stdout and stderr print on any terminal encoding (ASCII fallbacks, never a failure)."""
    codecs.register_error(ERROR_HANDLER, ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors=ERROR_HANDLER)
        except (AttributeError, ValueError, OSError):  # a replaced stream (e.g. captured)
            pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``achlab`` command; returns the exit code."""
    _printable_streams()
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
    except LocatedFailure as exc:  # e.g. a PyMC fit that cannot be trusted: every reason
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command line promises no traceback
        lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()] or [type(exc).__name__]
        for line in lines:  # the whole reason (e.g. every check a PyMC fit failed), each located
            print(f"achlab {args.command}: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
