"""``achlab import FILE --case ID [--data DIR] [--force]``: a workbook into a case folder.

Reads a workbook in the layout ``achlab export --xlsx`` writes (also one filled in by hand) and
writes ``<data>/<ID>/`` (:func:`achlab.load.workbook.import_workbook`). Problems are reported as
``FILE:Sheet!B7: field: message``, exit 2, and nothing is written. An existing case folder is
never changed without ``--force`` (which replaces its case.yaml, sources.csv and evidence.csv).
"""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.cli.common import data_folder

HELP = "turn a workbook (.xlsx) into a case folder"


def add_arguments(p) -> None:
    """Options of ``achlab import``."""
    p.add_argument("file", help="the workbook (.xlsx)")
    p.add_argument("--case", required=True, help="id of the case folder to write")
    p.add_argument("--force", action="store_true",
                   help="replace the files of an existing case folder")


def run(args) -> int:
    """Import the workbook; InputError (exit 2) on any problem, nothing written."""
    from achlab.load.workbook import import_workbook

    folder = import_workbook(Path(args.file), args.case, data_folder(args), force=args.force)
    print(f"wrote {paths.display_path(folder)}/ (case.yaml, sources.csv, evidence.csv)")
    print(f"next: achlab validate --case {args.case}"
          + (f" --data {args.data}" if getattr(args, "data", None) else ""))
    return 0
