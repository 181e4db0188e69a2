"""The readers under the loaders: the YAML reader (keys and ids as written, duplicate keys), the
schema's list of as-written fields, and analysts' files read through the one CSV reader."""

from __future__ import annotations

import datetime as dt

import pytest

from achlab.load.analysts import load_analysts
from achlab.load.schema import CaseFile, ScenarioFile, text_paths
from achlab.load.yamlfile import read_yaml
from achlab.model import InputError

WORDY = "yes: 1\nno: 2\non: 3\noff: 4\ntrue: 5\n1: 6\nnull: 7\n0.5: 8\n2024-10-01: 9\n~: 10\n"


def test_every_mapping_key_is_the_text_written(tmp_path):
    path = tmp_path / "keys.yaml"
    path.write_text(WORDY + "nested: {Yes: {1.0: x}}\n", encoding="utf-8")
    doc = read_yaml(path, "keys.yaml")
    assert list(doc.data) == ["yes", "no", "on", "off", "true", "1", "null", "0.5", "2024-10-01",
                              "~", "nested"]
    assert doc.data["yes"] == 1  # values keep their YAML type unless their path is named
    assert doc.data["nested"] == {"Yes": {"1.0": "x"}}
    assert doc.line("null") == 7 and doc.line("nested", "Yes", "1.0") == 11
    assert doc.problems == []


def test_values_at_text_paths_are_the_text_written(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text("id: off\nflag: off\nlist: [on, 1.10, null, '', ]\nday: 2024-10-01\n"
                    "empty:\nitems:\n  - {id: NO, n: 1.10}\n  - {id: 007, n: 007}\n",
                    encoding="utf-8")
    doc = read_yaml(path, "values.yaml", [("id",), ("list", "*"), ("empty",), ("items", "*", "id"),
                                         ("day",)])
    assert doc.data["id"] == "off" and doc.data["flag"] is False
    assert doc.data["list"] == ["on", "1.10", "null", ""]
    assert doc.data["day"] == "2024-10-01" and doc.data["empty"] == ""
    assert doc.data["items"] == [{"id": "NO", "n": 1.1}, {"id": "007", "n": 7}]


def test_duplicate_keys_are_located_at_the_second_key(tmp_path):
    path = tmp_path / "dupes.yaml"
    path.write_text("a: 1\nb:\n  - {x: 1, 'x': 2}\n  - y: 1\n    z: 2\n    y: 3\na: 4\n"
                    "c: {1: one, 1.0: other}\n", encoding="utf-8")
    doc = read_yaml(path, "dupes.yaml")
    assert [(p.line, p.field, p.message) for p in doc.problems] == [
        (3, "b[0].x", "duplicate key (first at line 3)"),
        (6, "b[1].y", "duplicate key (first at line 4)"),
        (7, "a", "duplicate key (first at line 1)"),
    ]  # 1 and 1.0 are different text: different keys
    assert all(p.path == "dupes.yaml" for p in doc.problems)


def test_an_impossible_unquoted_date_is_located(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text("title: x\nwhen: 2024-13-01\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml(path, "date.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, "when")
    # the same date where the schema wants the text is left to the schema
    assert read_yaml(path, "date.yaml", [("when",)]).data["when"] == "2024-13-01"


def test_quoted_and_unquoted_dates_read_alike(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text("case: toy\nas_of: 2024-10-25\n", encoding="utf-8")
    spec = ScenarioFile.model_validate(read_yaml(path, "s", text_paths(ScenarioFile)).data)
    assert spec.as_of == dt.date(2024, 10, 25)


def test_text_paths_name_the_ids_and_free_text():
    case = text_paths(CaseFile)
    assert {("id",), ("hypotheses", "*", "id"), ("hypotheses", "*", "label"),
            ("resolution", "hypothesis")} <= set(case)
    assert ("prior", "*") not in case  # numbers stay numbers
    scenario = text_paths(ScenarioFile)
    assert {("name",), ("case",), ("evidence", "exclude", "*"), ("sources", "*", "group"),
            ("language",)} <= set(scenario)
    assert ("seed",) not in scenario and ("sources", "*", "motive") not in scenario


# ---------------------------------------------------------------------------- analysts' files
def test_analyst_files_are_read_through_the_csv_reader(toy_case_dir):
    folder = toy_case_dir.case / "analysts"
    folder.mkdir()
    (folder / "ann.csv").write_text("evidence_id,rain,snow\nE1,CC\n\nE2,C,N\nE3,c,n,x\n",
                                    encoding="utf-8")
    (folder / "bob.csv").write_text("evidence_id,dry,dry\nE1,I,I\n", encoding="utf-8")
    (folder / "blank.csv").write_text("\nE1,C\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_analysts("toy", toy_case_dir.data)
    found = {(p.path.rsplit("/", 1)[-1], p.line, p.field): p.message
             for p in info.value.problems}
    # ragged rows at their physical line (blank lines counted), as in every other CSV file
    assert found[("ann.csv", 2, "row")] == "has 2 fields, the header has 3"
    assert found[("ann.csv", 5, "row")] == "has 4 fields, the header has 3"
    assert found[("bob.csv", 1, "header")] == "duplicate column(s): dry"
    assert found[("blank.csv", 1, "header")] == "missing column evidence_id"


def test_analyst_ratings_round_trip(toy_case_dir):
    folder = toy_case_dir.case / "analysts"
    folder.mkdir()
    (folder / "ann.csv").write_text('evidence_id,rain,snow\nE1,cc,""\n\nE2,NA,i\n',
                                    encoding="utf-8")
    assert load_analysts("toy", toy_case_dir.data) == {
        "ann": {"E1": {"rain": "CC"}, "E2": {"rain": "NA", "snow": "I"}}}
