"""A case as an Excel workbook: sheets Case, Hypotheses, Sources, Evidence and Results.

The Evidence sheet is the matrix: a row per report, a column per hypothesis. Ratings,
reliability letters, credibility, relevance and stance get drop-down lists (data validation; a
number in [0, 1] is still accepted after a warning), rating cells are coloured by their rating
(conditional formatting, so a changed cell recolours itself), headers are frozen and columns wide
enough to read. The Results sheet (weights, words, classic scores, scenario, evidence cut-off,
inputs hash) is for reading only: :func:`achlab.load.workbook.read_workbook` ignores it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from achlab.charts.footer import inputs_hash
from achlab.engines.classic import heuer_scores
from achlab.engines.exact import exact_weights
from achlab.load.workbook import CaseTables, Table, text_of
from achlab.model import Case
from achlab.model.scales import NOT_APPLICABLE, PARC_WEIGHTS
from achlab.model.words import estimative_word, percent

#: Fill colour of each rating (green consistent, red inconsistent, grey not applicable).
RATING_COLOURS = {"CC": "1A9850", "C": "A6D96A", "N": "F7F7F7", "I": "FDAE61", "II": "D73027",
                  NOT_APPLICABLE: "D9D9D9"}
HEADER_FILL = "DDE4EE"
#: Widest a column gets (characters); longer text wraps.
MAX_WIDTH = 60
#: Columns whose text is long: they wrap at :data:`MAX_WIDTH`.
LONG_COLUMNS = ("summary", "citation", "rationale", "notes", "name", "description", "value")
#: Optional evidence columns the Evidence sheet always offers (empty when the case has none),
#: so that an analyst can fill them in.
OFFERED = ("event", "stance")


def write_workbook(tables: CaseTables, case: Case, path: Path) -> Path:
    """Write the workbook of a case to ``path`` (``.xlsx``).

    Parameters
    ----------
    tables : CaseTables
        The case folder's content as written (:func:`achlab.load.workbook.case_tables`).
    case : Case
        The same case under the assumptions the Results sheet reports (a scenario or its own).
    path : Path
        The workbook to write.

    Returns
    -------
    Path
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    _case_sheet(book, tables)
    _table_sheet(book, "Hypotheses", tables.hypotheses, freeze="B2")
    sources = _table_sheet(book, "Sources", tables.sources, freeze="B2")
    evidence = _table_sheet(book, "Evidence", _offered_columns(tables.evidence), freeze="B2")
    _source_lists(sources, case)
    _evidence_lists(evidence, tables, case)
    _results_sheet(book, case)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _offered_columns(table: Table) -> Table:
    """The evidence table with the columns :data:`OFFERED` that the case reader knows added."""
    from achlab.load.case import EVIDENCE_OPTIONAL

    extra = [c for c in OFFERED if c in EVIDENCE_OPTIONAL and c not in table.columns]
    return Table([*table.columns, *extra], table.rows)


def _cell_value(text: str):
    """Text as the cell should hold it: a number when it reads back as the same text."""
    try:
        number = float(text)
    except ValueError:
        return text
    value = int(number) if number.is_integer() else number
    return value if text_of(value) == text else text


def _style_header(ws, freeze: str) -> None:
    from openpyxl.styles import Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    ws.freeze_panes = freeze


def _fit_columns(ws, columns) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for n, name in enumerate(columns, start=1):
        letter = get_column_letter(n)
        longest = max((len(text_of(c.value)) for c in ws[letter]), default=len(name))
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(len(name), longest, 4) + 2)
        if name in LONG_COLUMNS:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _case_sheet(book, tables: CaseTables) -> None:
    ws = book.create_sheet("Case")
    ws.append(["field", "value"])
    for key, value in tables.fields:
        if isinstance(value, dt.date):
            value = value.isoformat()
        ws.append([key, value])
    _style_header(ws, "A2")
    _fit_columns(ws, ["field", "value"])


def _table_sheet(book, name: str, table: Table, freeze: str):
    ws = book.create_sheet(name)
    ws.append(table.columns)
    for row in table.rows:
        ws.append([_cell_value(row.get(c, "")) for c in table.columns])
    _style_header(ws, freeze)
    _fit_columns(ws, table.columns)
    return ws


def _drop_down(ws, column: str, values, rows: int, strict: bool = False) -> None:
    """A drop-down list of ``values`` on a column (a warning only, unless ``strict``)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = values if isinstance(values, str) else '"' + ",".join(values) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        errorStyle="stop" if strict else "warning",
                        error="Choose a value from the list" + ("" if strict else
                                                                 " (or a number in [0, 1])"))
    ws.add_data_validation(dv)
    dv.add(f"{column}2:{column}{max(rows, 2) + 200}")


def _letter(ws, name: str) -> str | None:
    from openpyxl.utils import get_column_letter

    header = [c.value for c in ws[1]]
    return get_column_letter(header.index(name) + 1) if name in header else None


def _source_lists(ws, case: Case) -> None:
    column = _letter(ws, "reliability")
    if column:
        _drop_down(ws, column, list(case.scales.reliability), ws.max_row)


def _evidence_lists(ws, tables: CaseTables, case: Case) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    rows = ws.max_row
    for h in tables.hypothesis_ids:
        column = _letter(ws, h)
        _drop_down(ws, column, [*case.scales.rating, NOT_APPLICABLE], rows)
        area = f"{column}2:{column}{rows + 200}"
        for rating, colour in RATING_COLOURS.items():
            ws.conditional_formatting.add(area, CellIsRule(
                operator="equal", formula=[f'"{rating}"'],
                fill=PatternFill("solid", fgColor=colour, bgColor=colour)))
    lists = {"credibility": (list(case.scales.credibility), False),
             "relevance": (list(PARC_WEIGHTS), True),
             "source_id": (f"Sources!$A$2:$A${len(tables.sources.rows) + 1}", True)}
    stances = _stances()
    if stances:
        lists["stance"] = (stances, True)
    for name, (values, strict) in lists.items():
        column = _letter(ws, name)
        if column:
            _drop_down(ws, column, values, rows, strict=strict)


def _stances() -> tuple[str, ...]:
    """The stances a report may take, when the data model has them."""
    from achlab.model import scales

    return tuple(getattr(scales, "STANCES", ()))


def _results_sheet(book, case: Case) -> None:
    weights, scores = exact_weights(case), heuer_scores(case)
    ws = book.create_sheet("Results")
    ws.append(["This sheet is computed by achlab and ignored on import."])
    ws.append(["scenario", case.scenario.name if case.scenario else "the case's own assumptions"])
    ws.append(["evidence cut-off", case.cutoff.isoformat() if case.cutoff else "undated"])
    ws.append(["inputs hash", inputs_hash(case)])
    ws.append(["engine", f"{weights.method} (Bayesian weights); classic ACH scores"])
    ws.append([])
    ws.append(["hypothesis", "label", "weight", "words", "inconsistency",
               "weighted inconsistency"])
    header_row = ws.max_row
    for h in case.hypothesis_ids:
        ws.append([h, case.labels[h], percent(weights[h]),
                   estimative_word(weights[h], case.yardstick), scores.inconsistency[h],
                   round(scores.weighted_inconsistency[h], 2)])
    from openpyxl.styles import Font

    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(italic=True)
    for letter, width in zip("ABCDEF", (22, 30, 10, 22, 14, 22), strict=True):
        ws.column_dimensions[letter].width = width

