"""``achlab course [--out DIR]``: run the course and write its student and instructor editions."""

from __future__ import annotations

from pathlib import Path

from achlab import paths

HELP = "execute the course; write its student and instructor editions as HTML"
DESCRIPTION = ("Executes every notebook of notebooks/teaching/ and writes DIR/student/ (solution "
               "cells and their outputs removed) and DIR/instructor/ (solutions shown) as HTML. "
               "The course reads the project's own cases.")
#: The course reads the project's bundled cases; there is no other data to point it at.
TAKES_DATA = False


def add_arguments(p) -> None:
    """Options of ``achlab course``."""
    p.add_argument("--out", help="output folder (default: out/course/)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    p.add_argument("--force", action="store_true", help="rewrite editions that are up to date")


def run(args) -> int:
    """Write the editions; exit 1 (one line) when a course notebook fails."""
    from achlab.cli.common import refuse_protected_output
    from achlab.notebook.pipeline import run_course

    target = Path(args.out) if args.out else paths.out_dir() / "course"
    refuse_protected_output(target)
    written = run_course(target, jobs=args.jobs, force=args.force)
    for edition in ("student", "instructor"):
        count = sum(1 for p in written if p.parent.name == edition)
        print(f"{edition} edition: {count} notebooks in "
              f"{paths.display_path(target.resolve() / edition)}/")
    return 0
