"""``achlab brief SCENARIO [...] --out FILE.pptx``: a short briefing deck."""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.cli.common import data_folder, refuse_protected_output

HELP = "write a briefing deck (.pptx) for one or more scenarios"


def add_arguments(p) -> None:
    """Options of ``achlab brief``."""
    p.add_argument("scenarios", nargs="+", help="scenario files")
    p.add_argument("--out", help="deck file (default: out/briefing.pptx)")


def run(args) -> int:
    """Write the deck and say where it is."""
    from achlab.outputs.deck import default_target, write_deck

    data = data_folder(args)
    target = Path(args.out) if args.out else default_target()
    if target.suffix.lower() != ".pptx":
        target = target.with_suffix(".pptx")
    refuse_protected_output(target, [data], scenario_files=args.scenarios)
    written = write_deck([Path(s) for s in args.scenarios], target, data_dir=data)
    print(f"briefing deck: {paths.display_path(written)}")
    return 0
