"""``achlab run [SCENARIO ...] [--out DIR]``: every notebook for every scenario, with reports."""

from __future__ import annotations

import sys
from pathlib import Path

from achlab import paths

HELP = "execute every notebook for every scenario into out/"
#: The notebooks read the project's data folder; ``--data`` is not offered yet.
TAKES_DATA = False


def add_arguments(p) -> None:
    """Options of ``achlab run``."""
    p.add_argument("scenarios", nargs="*", help="scenario files (default: all in scenarios/)")
    p.add_argument("--out", help="output folder (default: out/)")
    p.add_argument("--draws", type=int, help="PyMC draws per chain (default: scenario's, 1000)")
    p.add_argument("--tune", type=int, help="PyMC tuning steps per chain")
    p.add_argument("--chains", type=int, help="PyMC chains")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--show-code", action="store_true",
                   help="keep the code cells in the HTML reports (hidden by default)")


def run(args) -> int:
    """Run the notebooks; exit 1 when any failed (each failure named)."""
    from achlab.notebook.pipeline import run as run_notebooks

    files = [Path(s) for s in args.scenarios] or None
    report = run_notebooks(files, out=Path(args.out) if args.out else None, draws=args.draws,
                           tune=args.tune, chains=args.chains, jobs=args.jobs,
                           progress=not args.no_progress, show_code=args.show_code)
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
