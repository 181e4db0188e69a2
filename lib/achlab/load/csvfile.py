"""The one CSV reader: rows with their physical line numbers, problems collected per file."""

from __future__ import annotations

import csv
from pathlib import Path

from achlab.model import Problem


class Collector:
    """Gathers problems for one file."""

    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []

    def add(self, line: int | None, field: str, message: str) -> None:
        """Record a problem with ``field`` at ``line`` (None if unknown)."""
        self.problems.append(Problem(self.shown, line, field, message))


def read_csv(path: Path, shown: str, required, col: Collector, optional=None, hint: str = ""):
    """Rows of a CSV file as (header, [(line, dict)]), with its problems collected in ``col``.

    Parameters
    ----------
    path : Path
        The file.
    shown : str
        The path as messages show it.
    required : iterable of str
        Columns that must be there.
    col : Collector
        Where problems go: missing, duplicate or (with ``optional``) unknown columns, ragged rows.
    optional : iterable of str, optional
        Columns that may be there. When given, any other column is an unknown column.
    hint : str
        Added to the unknown-column message, e.g. which names hypothesis columns may take.
    """
    if not path.is_file():
        col.add(1, "file", "not found")
        return [], []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        col.add(1, "file", f"cannot be read ({exc})")
        return [], []
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        col.add(1, "header", "file is empty")
        return [], []
    missing = [c for c in required if c not in header]
    if missing:
        col.add(1, "header", f"missing column(s): {', '.join(missing)}")
    if optional is not None:
        known = {*required, *optional}
        unknown = [h for h in header if h not in known]
        if unknown:
            col.add(1, "header", f"unknown column(s) {', '.join(unknown)}{hint}")
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        col.add(1, "header", f"duplicate column(s): {', '.join(dupes)}")
    rows = []
    start = 2
    for values in reader:
        line = start
        start = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            col.add(line, "row", f"has {len(values)} fields, the header has {len(header)}")
            continue
        rows.append((line, dict(zip(header, (v.strip() for v in values), strict=True))))
    return header, rows


def hypothesis_hint(hypothesis_ids) -> str:
    """The unknown-column hint of a file with one column per hypothesis."""
    return f" (hypothesis columns must be one of {', '.join(hypothesis_ids)})"
