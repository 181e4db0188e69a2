"""The one CSV reader: rows with their physical line numbers, problems collected per file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from achlab.model import Problem


class Collector:
    """Gathers problems for one file."""

    def __init__(self, shown: str):
        self.shown = shown
        self.problems: list[Problem] = []
        #: True when the file could not be read at all (missing, not UTF-8, not comma-separated).
        self.unreadable = False

    def add(self, line: int | None, field: str, message: str) -> None:
        """Record a problem with ``field`` at ``line`` (None if unknown)."""
        self.problems.append(Problem(self.shown, line, field, message))


def read_csv(path: Path, shown: str, required, col: Collector, optional=None, hint: str = ""):
    """Rows of a CSV file as (header, [(line, dict)]), with its problems collected in ``col``.

    Records are split where the csv module splits them (a line break inside a quoted field, a
    U+2028 or a form feed belong to the field), and each row carries the physical line its
    record starts on. A UTF-8 byte-order mark is accepted.

    Parameters
    ----------
    path : Path
        The file.
    shown : str
        The path as messages show it.
    required : iterable of str
        Columns that must be there.
    col : Collector
        Where problems go: an unreadable file (a byte that is not UTF-8, at its line), a file
        separated by semicolons (once), an unclosed quote (at its line), missing, duplicate or
        (with ``optional``) unknown columns, ragged rows.
    optional : iterable of str, optional
        Columns that may be there. When given, any other column is an unknown column.
    hint : str
        Added to the unknown-column message, e.g. which names hypothesis columns may take.
    """
    text = read_text(path, col)
    if text is None:
        return [], []
    records = list(records_of(text))
    if not records:
        col.add(1, "header", "file is empty")
        col.unreadable = True
        return [], []
    header = [h.strip() for h in records[0][2]]
    if is_semicolon_separated(header):
        col.add(1, "header", "the file is separated by semicolons; save it as comma-separated "
                "CSV (in a spreadsheet: Save as, CSV UTF-8, comma as separator)")
        col.unreadable = True
        return [], []
    records = _drop_unclosed(text, records, header, col)
    _check_header(header, required, optional, hint, col)
    lines = _physical_lines(text)
    rows = []
    for line, end, values in records[1:]:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            _ragged(line, end, values, header, "".join(lines[line - 1:end]), col)
            continue
        rows.append((line, dict(zip(header, (v.strip() for v in values), strict=True))))
    return header, rows


def read_text(path: Path, col: Collector) -> str | None:
    """The text of a UTF-8 file, a byte-order mark dropped; None (and a problem) if unreadable."""
    col.unreadable = True
    if not path.is_file():
        col.add(1, "file", "not found")
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.add(1, "file", f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, byte = undecodable(raw, exc)
        col.add(line, "encoding", f"byte 0x{byte:02X} is not UTF-8; save the file as UTF-8 "
                "(in a spreadsheet: CSV UTF-8)")
        return None
    col.unreadable = False
    return text


def undecodable(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    """The physical line (1-based) and value of the first byte that is not UTF-8."""
    return raw[:exc.start].count(b"\n") + 1, raw[exc.start]


def records_of(text: str):
    """``(first line, last line, values)`` of every record, as the csv module splits them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for values in reader:
        yield start, reader.line_num, values
        start = reader.line_num + 1


def _ragged(line: int, end: int, values: list[str], header: list[str], raw: str,
           col: Collector) -> None:
    """A record with the wrong number of fields; named an unclosed quote when it looks like one."""
    if end > line:
        _runaway_quote(line, end, values, header, col)
    elif raw.count('"') % 2:
        col.add(line, "row", f"unclosed quote: this line has an odd number of quotes (\"), so a "
                f"quoted field swallows the separators after it ({len(values)} fields, the header "
                f"has {len(header)}); close the quote (write a quote inside quoted text twice)")
    else:
        col.add(line, "row", f"has {len(values)} fields, the header has {len(header)}")


def _runaway_quote(line: int, end: int, values: list[str], header: list[str],
                   col: Collector) -> None:
    """A record over several lines with the wrong number of fields: a quote left open."""
    n = next((i for i, v in enumerate(values) if "\n" in v or "\r" in v), 0)
    opened = line + sum(len(_physical_lines(v)) - 1 for v in values[:n])
    field = header[n] if n < len(header) else "row"
    col.add(opened, field, f"unclosed quote: the quoted field opened on this line runs on to "
            f"line {end} (the record has {len(values)} fields, the header {len(header)}); "
            "close the quote (a quote inside quoted text is written twice: \"\")")


def is_semicolon_separated(header: list[str]) -> bool:
    """A header that is one column holding semicolons: a file saved with ``;`` separators."""
    return len(header) == 1 and header[0].count(";") >= 1


def _drop_unclosed(text: str, records: list, header: list[str], col: Collector) -> list:
    """Report (and drop) a last record whose quoted field is never closed."""
    line, _, values = records[-1]
    lines = _physical_lines(text)
    try:
        for _ in csv.reader(io.StringIO("".join(lines[line - 1:]), newline=""), strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return records
    else:
        return records
    last = values[-1] if values else ""
    opened = len(lines) - max(len(_physical_lines(last)), 1) + 1
    n = len(values) - 1
    field = header[n] if 0 <= n < len(header) and line > 1 else "row"
    col.add(opened, field, "unclosed quote: the field opened with \" on this line is never "
            "closed (a quote inside quoted text is written twice: \"\")")
    return records[:-1]


def _physical_lines(text: str) -> list[str]:
    """The lines of ``text`` as the csv module counts them (LF, CR LF or CR ends one)."""
    return list(io.StringIO(text, newline=""))


def _check_header(header: list[str], required, optional, hint: str, col: Collector) -> None:
    """Missing, unknown and duplicate columns."""
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


def hypothesis_hint(hypothesis_ids) -> str:
    """The unknown-column hint of a file with one column per hypothesis."""
    return f" (hypothesis columns must be one of {', '.join(hypothesis_ids)})"
