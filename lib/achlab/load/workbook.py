"""Case folders as tables of text, and workbooks (``.xlsx``) read back into a case folder.

A :class:`CaseTables` holds a case folder's content as the analyst wrote it: the scalar fields of
``case.yaml`` (nested keys dotted, ``resolution.date``), the hypotheses with their prior, and the
rows of ``sources.csv`` and ``evidence.csv`` as text. :func:`case_tables` reads one from a case
folder, :func:`write_case_files` writes one back, and :func:`read_workbook` reads one from a
workbook in the layout of :mod:`achlab.outputs.workbook` (sheets Case, Hypotheses, Sources,
Evidence; a Results sheet is ignored), also one filled in by hand.

:func:`import_workbook` checks a workbook by writing it into a scratch folder and loading that
with :func:`~achlab.load.case.load_case`; every problem is reported at the cell it comes from as
``FILE:Sheet!B7: field: message``, and the case folder is written only when there is none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from achlab import paths
from achlab.load import case as case_files
from achlab.load.case import SOURCE_COLUMNS, load_case
from achlab.load.schema import CaseFile, text_paths
from achlab.load.yamlfile import read_yaml
from achlab.model import Case, InputError, Problem

#: Sheets of a case workbook, in order (Results is written but never read).
SHEETS = ("Case", "Hypotheses", "Sources", "Evidence")
CASE_HEADER = ("field", "value")
HYPOTHESIS_HEADER = ("id", "label", "description", "prior")


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem at one cell of a workbook: ``FILE:Sheet!B7: field: message``."""

    cell: str = "A1"

    def __str__(self) -> str:
        return f"{self.path}:{self.cell}: {self.field}: {self.message}"


@dataclass
class Table:
    """One CSV file or sheet: its columns and its rows of text (empty cells are ``""``)."""

    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class CaseTables:
    """A case folder's content as text, ready for a workbook or for files."""

    fields: list[tuple[str, object]]
    hypotheses: Table
    sources: Table
    evidence: Table

    @property
    def hypothesis_ids(self) -> list[str]:
        """Ids of the hypotheses, in order."""
        return [h["id"] for h in self.hypotheses.rows]


# ---------------------------------------------------------------------------- case folder
def case_tables(folder: Path) -> CaseTables:
    """The content of a valid case folder as :class:`CaseTables` (InputError when invalid)."""
    load_case(folder)
    path = folder / "case.yaml"
    doc = read_yaml(path, paths.display_path(path), text_paths(CaseFile)).data
    prior = doc.get("prior") or {}
    hyps = Table(list(HYPOTHESIS_HEADER),
                 [{"id": str(h["id"]), "label": str(h.get("label") or ""),
                   "description": str(h.get("description") or "").strip(),
                   "prior": text_of(prior.get(h["id"], ""))} for h in doc["hypotheses"]])
    rest = {k: v for k, v in doc.items() if k not in ("hypotheses", "prior")}
    return CaseTables(fields=_flatten(rest), hypotheses=hyps,
                      sources=_read_table(folder / "sources.csv"),
                      evidence=_read_table(folder / "evidence.csv"))


def _flatten(mapping: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flatten(value, f"{name}.")
        else:
            out.append((name, value.strip() if isinstance(value, str) else value))
    return out


def _read_table(path: Path) -> Table:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = [h.strip() for h in rows[0]]
    return Table(header, [dict(zip(header, r, strict=False)) for r in rows[1:]
                          if any(v.strip() for v in r)])


def text_of(value) -> str:
    """A cell's or YAML value's text: dates ISO, whole numbers without ``.0``, None empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_case_files(tables: CaseTables, folder: Path) -> dict[str, dict[int, int]]:
    """Write ``case.yaml``, ``sources.csv`` and ``evidence.csv`` of ``tables`` into ``folder``.

    Returns
    -------
    dict
        For each CSV file name, the line each row starts at -> the row's index in its table.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.yaml").write_text(_case_yaml(tables), encoding="utf-8")
    return {name: _write_table(table, folder / name)
            for name, table in (("sources.csv", tables.sources),
                                ("evidence.csv", tables.evidence))}


def _case_yaml(tables: CaseTables) -> str:
    doc: dict = {}
    for key, value in tables.fields:
        if value is None or value == "":
            continue
        parts = key.split(".")
        node = doc
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value.isoformat() if isinstance(value, dt.date) else value
    doc["hypotheses"] = [{k: h[k] for k in ("id", "label", "description") if h.get(k)}
                         for h in tables.hypotheses.rows]
    prior = {h["id"]: _number(h["prior"]) for h in tables.hypotheses.rows if h.get("prior")}
    if prior:
        doc["prior"] = prior
    order = ["id", "title", "question", "description", "hypotheses", "prior"]
    ordered = {k: doc[k] for k in order if k in doc} | {k: v for k, v in doc.items()
                                                         if k not in order}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=96)


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _write_table(table: Table, path: Path) -> dict[int, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    lines, line = {}, 2
    for n, row in enumerate(table.rows):
        before = buffer.tell()
        writer.writerow([row.get(c, "") for c in table.columns])
        lines[line] = n
        line += buffer.getvalue()[before:].count("\n")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return lines


# ---------------------------------------------------------------------------- workbook
@dataclass
class _Sheet:
    """A sheet read as text: its header cells and its rows, each with its sheet row number."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def column_letter(self, name: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.header.index(name) + 1) if name in self.header else "A"


def read_workbook(path: Path) -> tuple[CaseTables, dict[str, _Sheet]]:
    """A workbook in the layout of :mod:`achlab.outputs.workbook` as :class:`CaseTables`.

    Raises
    ------
    InputError
        With :class:`CellProblem` entries: unreadable file, missing sheet, missing or unknown
        columns, duplicate ids.
    """
    from openpyxl import load_workbook

    shown = paths.display_path(path)
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one located problem
        raise InputError([CellProblem(shown, 1, "file", f"not a readable workbook ({exc})",
                                      cell="A1")]) from None
    problems = [CellProblem(shown, 1, "sheet", f"missing sheet {name!r} (the workbook has "
                            f"{', '.join(book.sheetnames)})", cell=f"{name}!A1")
                for name in SHEETS if name not in book.sheetnames]
    if problems:
        raise InputError(problems)
    sheets = {name: _sheet(book[name], name) for name in SHEETS}
    book.close()
    hyp_ids = [r["id"] for _, r in sheets["Hypotheses"].rows if r.get("id")]
    expected = {"Case": (CASE_HEADER, ()), "Hypotheses": (HYPOTHESIS_HEADER, ()),
                "Sources": (SOURCE_COLUMNS, ()),
                "Evidence": ((*case_files.EVIDENCE_COLUMNS, *hyp_ids),
                             case_files.EVIDENCE_OPTIONAL)}
    for name, (required, optional) in expected.items():
        problems += _header_problems(shown, sheets[name], required, optional)
    if problems:
        raise InputError(problems)
    fields = [(r["field"], r["value_raw"]) for _, r in sheets["Case"].rows if r.get("field")]
    tables = CaseTables(fields=fields,
                        hypotheses=_table(sheets["Hypotheses"]),
                        sources=_table(sheets["Sources"]), evidence=_table(sheets["Evidence"]))
    return tables, sheets


def _sheet(ws, name: str) -> _Sheet:
    rows = list(ws.iter_rows(values_only=True))
    header = [text_of(v) for v in rows[0]] if rows else []
    while header and header[-1] == "":
        header.pop()
    out = []
    for number, values in enumerate(rows[1:], start=2):
        cells = list(values[:len(header)]) + [None] * (len(header) - len(values))
        if all(text_of(v) == "" for v in cells):
            continue
        row = {h: text_of(v) for h, v in zip(header, cells, strict=True) if h}
        if name == "Case":
            row["value_raw"] = _case_value(cells[1] if len(cells) > 1 else None)
        out.append((number, row))
    return _Sheet(name, header, out)


def _case_value(value):
    """A Case-sheet value as YAML should hold it: numbers stay numbers, dates become text."""
    if isinstance(value, dt.datetime | dt.date) or value is None:
        return text_of(value)
    return value.strip() if isinstance(value, str) else value


def _header_problems(shown, sheet: _Sheet, required, optional) -> list[CellProblem]:
    from openpyxl.utils import get_column_letter

    out = []
    known = {*required, *optional}
    for n, name in enumerate(sheet.header, start=1):
        cell = f"{sheet.name}!{get_column_letter(n)}1"
        if name and name not in known:
            out.append(CellProblem(shown, 1, "header", f"unknown column {name!r} (expected "
                                   f"{', '.join(required)})", cell=cell))
        elif name and sheet.header.count(name) > 1 and sheet.header.index(name) != n - 1:
            out.append(CellProblem(shown, 1, "header", f"duplicate column {name!r}", cell=cell))
    missing = [c for c in required if c not in sheet.header]
    if missing:
        cell = f"{sheet.name}!{get_column_letter(len(sheet.header) + 1)}1"
        out.append(CellProblem(shown, 1, "header", f"missing column(s): {', '.join(missing)}",
                               cell=cell))
    return out


def _table(sheet: _Sheet) -> Table:
    columns = [h for h in sheet.header if h]
    return Table(columns, [{c: r.get(c, "") for c in columns} for _, r in sheet.rows])


# ---------------------------------------------------------------------------- import
def check_workbook(path: Path, case_id: str | None = None) -> tuple[Case, CaseTables]:
    """The case a workbook holds, and its tables (InputError with a problem per bad cell).

    Parameters
    ----------
    path : Path
        The workbook.
    case_id : str, optional
        The id the case takes (default: the ``id`` of its Case sheet).
    """
    tables, sheets = read_workbook(path)
    if case_id is not None:
        tables.fields = [(k, v) for k, v in tables.fields if k != "id"]
        tables.fields.insert(0, ("id", case_id))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "case"
        lines = write_case_files(tables, scratch)
        try:
            return load_case(scratch), tables
        except InputError as exc:
            shown = paths.display_path(path)
            raise InputError([_at_cell(p, shown, sheets, lines) for p in exc.problems]) from None


def import_workbook(path: Path, case_id: str, data: Path | None = None,
                    force: bool = False) -> Path:
    """Turn a workbook into the case folder ``<data>/<case_id>/``; returns the folder.

    The case's id becomes ``case_id``. Only ``case.yaml``, ``sources.csv`` and ``evidence.csv``
    are written (with ``force`` they replace those of an existing folder; other files stay).

    Raises
    ------
    InputError
        When the workbook has problems (each at its cell), or the case folder exists and
        ``force`` is not set. Nothing is written then.
    """
    path = Path(path)
    folder = case_files.case_dir(case_id, data)
    if folder.exists() and not force:
        raise InputError([Problem(paths.display_path(folder), 1, "case",
                                  "the case folder exists already; give --force to replace "
                                  "its case.yaml, sources.csv and evidence.csv")])
    _, tables = check_workbook(path, case_id)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / case_id
        write_case_files(tables, staged)
        load_case(staged)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("case.yaml", "sources.csv", "evidence.csv"):
            shutil.copyfile(staged / name, folder / name)
    return folder


_HYPOTHESIS_FIELD = re.compile(r"^hypotheses\[(\d+)\]\.?(\w*)")


def _at_cell(problem: Problem, shown: str, sheets: dict[str, _Sheet],
             lines: dict[str, dict[int, int]]) -> CellProblem:
    """A scratch folder's problem at the workbook cell it comes from."""
    name = Path(problem.path).name
    if name in lines:
        sheet = sheets["Sources" if name == "sources.csv" else "Evidence"]
        index = lines[name].get(problem.line or 1)
        row = sheet.rows[index][0] if index is not None else 1
        column = problem.field if problem.field in sheet.header else ""
        cell = f"{sheet.name}!{sheet.column_letter(column) if column else 'A'}{row}"
    else:
        cell = _case_cell(problem.field, sheets)
    message = problem.message.replace("sources.csv", "the Sources sheet")
    return CellProblem(shown, problem.line, problem.field, message, cell=cell)


def _case_cell(field_name: str, sheets: dict[str, _Sheet]) -> str:
    """The cell of a ``case.yaml`` field: the Case sheet's value, or the Hypotheses sheet."""
    hyps = sheets["Hypotheses"]
    match = _HYPOTHESIS_FIELD.match(field_name)
    if match and int(match.group(1)) < len(hyps.rows):
        column = match.group(2) if match.group(2) in hyps.header else "id"
        return f"Hypotheses!{hyps.column_letter(column)}{hyps.rows[int(match.group(1))][0]}"
    if field_name.startswith("prior"):
        key = field_name.partition(".")[2]
        rows = [n for n, r in hyps.rows if r.get("id") == key] or [2]
        return f"Hypotheses!{hyps.column_letter('prior')}{rows[0]}"
    for number, row in sheets["Case"].rows:
        if row.get("field") == field_name:
            return f"Case!B{number}"
    return "Case!A1"
