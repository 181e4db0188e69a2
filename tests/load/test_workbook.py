"""Workbooks: export then import gives the same case; hand edits import; bad cells are located.

Every problem of an import is reported as ``FILE:Sheet!B7: field: message`` with exit 2, and
nothing is written (the data folder's files are hashed before and after).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from achlab import cli, paths
from achlab.engines.exact import exact_weights
from achlab.load.case import load_case
from achlab.load.workbook import case_tables, read_workbook
from achlab.model.words import percent
from tests.helpers import tree_digest

TINY_CASE = """\
id: tiny
title: Tiny case
question: Which of two?
hypotheses:
  - id: h1
    label: First
  - id: h2
    label: Second
resolution:
  hypothesis: h1
  date: "2024-03-01"
"""
TINY_SOURCES = """\
source_id,name,kind,reliability,motive,group,notes
s1,One,press,A,0.5,,
s2,Two,government,B,0.5,,
"""
TINY_EVIDENCE = """\
evidence_id,date,summary,source_id,credibility,relevance,origin,citation,h1,h2,rationale
E01,2024-01-02,First report,s1,6,M,,,C,I,
E02,2024-01-05,"Second report, with a comma",s2,6,H,,,N,C,why
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A data folder holding the tiny case (two sources, one report each)."""
    folder = tmp_path / "data" / "tiny"
    folder.mkdir(parents=True)
    for name, text in (("case.yaml", TINY_CASE), ("sources.csv", TINY_SOURCES),
                       ("evidence.csv", TINY_EVIDENCE)):
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "data"


def export(case: str, data: Path, target: Path) -> Path:
    assert cli.main(["export", case, "--xlsx", str(target), "--data", str(data)]) == 0
    return target


def import_(book: Path, case_id: str, data: Path, *extra: str) -> int:
    return cli.main(["import", str(book), "--case", case_id, "--data", str(data), *extra])


def same_case(a, b) -> None:
    """Same hypotheses, prior, sources, ratings, dates and weights (the id may differ)."""
    assert a.hypotheses == b.hypotheses and a.prior == b.prior
    assert a.sources == b.sources
    assert a.evidence == b.evidence
    assert a.resolution == b.resolution and a.scales == b.scales
    assert (a.title, a.question, a.handling, a.source_note) == \
        (b.title, b.question, b.handling, b.source_note)
    np.testing.assert_allclose(exact_weights(a).mean, exact_weights(b).mean, rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------- round trip
@pytest.mark.parametrize("case_id", ["cuba-missiles-1962", "nk-troops-2024"])
def test_export_then_import_is_lossless(case_id, tmp_path):
    book = export(case_id, paths.data_dir(), tmp_path / f"{case_id}.xlsx")
    data = tmp_path / "data"
    data.mkdir()
    assert import_(book, "copy", data) == 0
    same_case(load_case(case_id), load_case("copy", data))
    again = export("copy", data, tmp_path / "again.xlsx")
    first, _ = read_workbook(book)
    second, _ = read_workbook(again)
    assert first.sources.rows == second.sources.rows
    assert first.evidence.rows == second.evidence.rows


def test_workbook_layout(tiny, tmp_path):
    book = openpyxl.load_workbook(export("tiny", tiny, tmp_path / "tiny.xlsx"))
    assert book.sheetnames == ["Case", "Hypotheses", "Sources", "Evidence", "Results"]
    ev = book["Evidence"]
    assert [c.value for c in ev[1]][:11] == ["evidence_id", "date", "summary", "source_id",
                                             "credibility", "relevance", "origin", "citation",
                                             "h1", "h2", "rationale"]
    assert ev.freeze_panes == "B2" and book["Sources"].freeze_panes == "B2"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ev.data_validations.dataValidation}
    assert lists["I2"] == '"CC,C,N,I,II,NA"' and lists["J2"] == '"CC,C,N,I,II,NA"'
    assert lists["F2"] == '"H,M,L"' and lists["E2"].startswith('"1,2,3,4,5,6')
    assert lists["D2"].startswith("Sources!$A$2")
    rel = book["Sources"].data_validations.dataValidation[0]
    assert rel.formula1 == '"A,B,C,D,E,F"' and str(rel.sqref).startswith("D2")
    colours = [r.formula[0] for rng in ev.conditional_formatting for r in rng.rules]
    assert '"CC"' in colours and '"II"' in colours
    assert ev.column_dimensions["C"].width >= len("Second report, with a comma")
    results = {row[0]: row[1:] for row in book["Results"].iter_rows(values_only=True) if row[0]}
    assert results["scenario"][0] == "the case's own assumptions"
    assert len(results["inputs hash"][0]) == 8 and results["evidence cut-off"][0] == "2024-01-05"
    weights = exact_weights(load_case("tiny", tiny))
    for h, label in (("h1", "First"), ("h2", "Second")):
        assert results[h][:3] == (label, percent(weights[h]), weights.words(h))


# ---------------------------------------------------------------------------- edits by hand
def point_weights(reports, prior=(0.5, 0.5)) -> np.ndarray:
    """Weights by model.md §1 for one-report sources: rho p + (1 - rho) a, a = 0.5, c = 1."""
    w = np.array(prior, dtype=float)
    for rho, probabilities in reports:
        w = w * (rho * np.asarray(probabilities) + (1 - rho) * 0.5)
    return w / w.sum()


def test_edited_workbook_changes_the_weights_as_by_hand(tiny, tmp_path):
    path = export("tiny", tiny, tmp_path / "tiny.xlsx")
    before = exact_weights(load_case("tiny", tiny)).mean
    # A one-report source counts as its mean reliability: A 0.95, B 0.80, D 0.35.
    np.testing.assert_allclose(before, point_weights([(0.95, (0.80, 0.20)),
                                                      (0.80, (0.50, 0.80))]))
    book = openpyxl.load_workbook(path)
    book["Evidence"]["I2"] = "CC"   # E01 under h1: C -> CC
    book["Sources"]["D3"] = "D"     # s2: B -> D
    book.save(path)
    assert import_(path, "edited", tiny) == 0
    after = exact_weights(load_case("edited", tiny)).mean
    np.testing.assert_allclose(after, point_weights([(0.95, (0.95, 0.20)),
                                                     (0.35, (0.50, 0.80))]), atol=1e-12)
    assert after[0] > before[0]


def test_a_workbook_typed_by_hand_imports(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Case"
    book["Case"].append(["field", "value"])
    book["Case"].append(["title", "Typed in a spreadsheet"])
    hyps = book.create_sheet("Hypotheses")
    hyps.append(["id", "label", "description", "prior"])
    hyps.append(["yes", "Yes", "", 0.4])
    hyps.append(["no", "No", "", 0.6])
    src = book.create_sheet("Sources")
    src.append(["source_id", "name", "kind", "reliability", "motive", "group", "notes"])
    src.append(["s1", "Someone", "press", "C", 0.5, None, None])
    ev = book.create_sheet("Evidence")
    ev.append(["evidence_id", "date", "summary", "source_id", "credibility", "relevance",
               "origin", "citation", "yes", "no"])
    ev.append(["E1", dt.datetime(2025, 5, 1), "A report", "s1", 2, "m", None, None, "c", "I"])
    book.save(tmp_path / "typed.xlsx")
    data = tmp_path / "data"
    data.mkdir()
    assert import_(tmp_path / "typed.xlsx", "typed", data) == 0
    case = load_case("typed", data)
    assert case.id == "typed" and case.prior == {"yes": 0.4, "no": 0.6}
    assert case.evidence[0].date == dt.date(2025, 5, 1)
    assert case.evidence[0].ratings == {"yes": "C", "no": "I"}


# ---------------------------------------------------------------------------- bad cells
def _break(book: openpyxl.Workbook, how: str) -> None:
    if how == "rating":
        book["Evidence"]["J3"] = "XX"
    elif how == "source":
        book["Evidence"]["D2"] = "nobody"
    elif how == "date":
        book["Evidence"]["B3"] = "2024-13-01"
    elif how == "reliability":
        book["Sources"]["D2"] = "Z"
    elif how == "sheet":
        del book["Sources"]
    elif how == "header":
        book["Evidence"]["C1"] = "summery"
    elif how == "prior":
        book["Hypotheses"]["D2"] = 0.9
        book["Hypotheses"]["D3"] = 0.9


@pytest.mark.parametrize("how, cell, field", [
    ("rating", "Evidence!J3", "h2"),
    ("source", "Evidence!D2", "source_id"),
    ("date", "Evidence!B3", "date"),
    ("reliability", "Sources!D2", "reliability"),
    ("sheet", "Sources!A1", "sheet"),
    ("header", "Evidence!C1", "header"),
    ("prior", "Hypotheses!D2", "prior"),
])
def test_bad_cell_is_located_and_nothing_is_written(how, cell, field, tiny, tmp_path, capsys):
    path = export("tiny", tiny, tmp_path / "tiny.xlsx")
    book = openpyxl.load_workbook(path)
    _break(book, how)
    book.save(path)
    before = tree_digest(tiny)
    capsys.readouterr()
    assert import_(path, "broken", tiny) == 2
    err = capsys.readouterr().err
    assert f"{paths.display_path(path)}:{cell}: {field}: " in err, err
    assert "Traceback" not in err
    assert tree_digest(tiny) == before and not (tiny / "broken").exists()


def test_existing_case_needs_force(tiny, tmp_path, capsys):
    path = export("tiny", tiny, tmp_path / "tiny.xlsx")
    book = openpyxl.load_workbook(path)
    book["Evidence"]["I2"] = "II"
    book.save(path)
    before = tree_digest(tiny)
    assert import_(path, "tiny", tiny) == 2
    assert "--force" in capsys.readouterr().err
    assert tree_digest(tiny) == before
    assert import_(path, "tiny", tiny, "--force") == 0
    assert load_case("tiny", tiny).evidence[0].ratings["h1"] == "II"


def test_not_a_workbook(tiny, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert import_(bad, "x", tiny) == 2
    assert f"{paths.display_path(bad)}:A1: file: " in capsys.readouterr().err


# ---------------------------------------------------------------------------- markdown, csv
def test_markdown_and_csv(tiny, tmp_path, capsys):
    assert cli.main(["export", "tiny", "--md", "--data", str(tiny)]) == 0
    md = capsys.readouterr().out
    weights = exact_weights(load_case("tiny", tiny))
    assert f"| First | {percent(weights['h1'])} |" in md
    assert "| E02 | 2024-01-05 | Second report, with a comma | s2 | 6 | H | N | C |" in md
    target = tmp_path / "matrix.csv"
    assert cli.main(["export", "tiny", "--csv", str(target), "--data", str(tiny)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,date,summary,source,credibility,relevance,First,Second"
    assert lines[2] == 'E02,2024-01-05,"Second report, with a comma",s2,6,H,N,C'


def test_export_refuses_the_data_folder(tiny, capsys):
    before = tree_digest(tiny)
    assert cli.main(["export", "tiny", "--xlsx", str(tiny / "tiny" / "x.xlsx"),
                     "--data", str(tiny)]) == 2
    assert "data folder" in capsys.readouterr().err
    assert tree_digest(tiny) == before


def test_case_tables_keep_every_column(tmp_path):
    folder = tmp_path / "nk"
    shutil.copytree(paths.data_dir() / "nk-troops-2024", folder)
    tables = case_tables(folder)
    assert "motive" in tables.evidence.columns and "rationale" in tables.evidence.columns
    assert tables.hypothesis_ids == ["combat", "technical", "none"]


def test_stance_and_event_are_offered_and_read(tiny, tmp_path):
    from achlab.model.scales import STANCES

    path = export("tiny", tiny, tmp_path / "tiny.xlsx")
    book = openpyxl.load_workbook(path)
    ev = book["Evidence"]
    header = [c.value for c in ev[1]]
    assert header[-2:] == ["event", "stance"]
    stance = openpyxl.utils.get_column_letter(header.index("stance") + 1)
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ev.data_validations.dataValidation}
    assert lists[f"{stance}2"] == '"' + ",".join(STANCES) + '"'
    data = tmp_path / "data2"
    data.mkdir()
    assert import_(path, "same", data) == 0  # empty stance and event: the defaults
    same_case(load_case("tiny", tiny), load_case("same", data))
    ev[f"{stance}3"] = STANCES[1]
    book.save(path)
    assert import_(path, "changed", data) == 0
    assert load_case("changed", data).evidence[1].stance == STANCES[1]


def test_results_sheet_follows_the_scenario(tmp_path):
    scenario = paths.scenarios_dir() / "baseline.yaml"
    path = tmp_path / "baseline.xlsx"
    assert cli.main(["export", "nk-troops-2024", "--xlsx", str(path),
                     "--scenario", str(scenario)]) == 0
    rows = {row[0]: row[1:] for row in
            openpyxl.load_workbook(path)["Results"].iter_rows(values_only=True) if row[0]}
    from achlab.load.scenario import load_scenario

    case = load_scenario(scenario)
    weights = exact_weights(case)
    assert rows["scenario"][0] == "baseline"
    assert rows["evidence cut-off"][0] == case.cutoff.isoformat()
    for h in case.hypothesis_ids:
        assert rows[h][1] == percent(weights[h])


def test_scenario_of_another_case_is_refused(tiny, tmp_path, capsys):
    shutil.copytree(tiny / "tiny", tiny / "twin")
    scenario = tmp_path / "twin.yaml"
    scenario.write_text("name: twin\ncase: twin\n", encoding="utf-8")
    assert cli.main(["export", "tiny", "--md", "--scenario", str(scenario),
                     "--data", str(tiny)]) == 2
    assert "not 'tiny'" in capsys.readouterr().err


def test_ids_that_yaml_would_read_as_booleans_survive(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    assert cli.main(["new", "yn", "--hypotheses", "yes,no", "--data", str(data)]) == 0
    book = export("yn", data, tmp_path / "yn.xlsx")
    assert import_(book, "yn2", data) == 0
    same_case(load_case("yn", data), load_case("yn2", data))
    assert load_case("yn2", data).hypothesis_ids == ("yes", "no")
