"""``achlab run [SCENARIO ...] [--out DIR] [--data DIR] [--force] [--formats png,svg,pdf]``.

Every notebook for every scenario, with reports, the deck and the course; only what changed
since the last run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from achlab import paths

HELP = "execute every notebook for every scenario into out/ (only what changed)"


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
    p.add_argument("--force", action="store_true",
                   help="rerun every notebook, even those whose inputs have not changed")
    p.add_argument("--formats",
                   help="chart file formats, comma-separated: png, svg, pdf (default: "
                        "$ACHLAB_CHART_FORMATS, else png; add svg,pdf for print)")
    p.add_argument("--no-course", action="store_true",
                   help="do not run the course (its editions are written by default)")


def run(args) -> int:
    """Run the notebooks; exit 2 on bad input, 1 when any notebook failed (each named)."""
    from achlab.charts.export import chart_formats
    from achlab.cli.common import data_folder, refuse_protected_output
    from achlab.notebook.pipeline import run as run_notebooks

    try:
        formats = chart_formats(args.formats)
    except ValueError as exc:
        print(f"achlab run: --formats: {exc}", file=sys.stderr)
        return 2
    data = data_folder(args)
    out = Path(args.out) if args.out else paths.out_dir()
    files = [Path(s) for s in args.scenarios] or None
    refuse_protected_output(out, [data], scenario_files=files or ())  # before anything is written
    report = run_notebooks(files, out=out, draws=args.draws, tune=args.tune, chains=args.chains,
                           jobs=args.jobs, progress=not args.no_progress,
                           show_code=args.show_code, data=data, force=args.force,
                           course=not args.no_course, formats=formats)
    _print_report(report)
    return 1 if report.failures else 0


def _print_report(report) -> None:
    shown = paths.display_path
    if report.unchanged:
        print(f"nothing changed since the last run: {len(report.outcomes)} notebooks up to date "
              f"in {shown(report.out)}/ (--force reruns them)")
    else:
        ok = [o for o in report.ran if o.ok]
        print(f"\n{len(ok)} of {len(report.ran)} notebooks ran "
              f"({len(report.outcomes) - len(report.ran)} up to date); results in "
              f"{shown(report.out)}/")
        for name in sorted({o.task.scenario for o in report.ran}):
            print(f"  {shown(report.out / name)}/  (executed notebooks, HTML, charts)")
        for extra in report.extras:
            print(f"  {shown(extra)}")
        if report.course:
            print(f"  {shown(report.out / 'course')}/  (student and instructor editions)")
        if report.course_note:
            print(f"  {report.course_note}")
    print(f"  open {shown(report.index)} for the index")
    for o in report.failures:
        print(f"FAILED: {o.message}", file=sys.stderr)
