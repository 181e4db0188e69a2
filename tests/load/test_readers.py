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


# ---------------------------------------------------------------------------- CSV records
def _read(tmp_path, content: str | bytes, required=("a", "b")):
    from achlab.load.csvfile import Collector, read_csv

    path = tmp_path / "f.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    col = Collector("f.csv")
    header, rows = read_csv(path, "f.csv", required, col)
    return rows, [(p.line, p.field, p.message) for p in col.problems]


@pytest.mark.parametrize("inside", ["\u2028", "\f", "\u2029", "\x1c", "\x85", "\v"])
def test_line_breaks_python_knows_but_csv_does_not_stay_in_the_field(tmp_path, inside):
    rows, problems = _read(tmp_path, f"a,b\n1,x{inside}y\n2,3\n\n4,5,6\n")
    assert problems == [(5, "row", "has 3 fields, the header has 2")]
    assert rows == [(2, {"a": "1", "b": f"x{inside}y"}), (3, {"a": "2", "b": "3"})]


def test_rows_carry_the_physical_line_they_start_on(tmp_path):
    rows, problems = _read(tmp_path, 'a,b\r\n1,"two\r\nlines"\r\n2,3\r4,5\r\n6\r\n')
    assert [line for line, _ in rows] == [2, 4, 5]
    assert rows[0][1]["b"] == "two\r\nlines"
    assert problems == [(6, "row", "has 1 fields, the header has 2")]


def test_a_byte_order_mark_is_accepted(tmp_path):
    rows, problems = _read(tmp_path, b"\xef\xbb\xbfa,b\n1,2\n")
    assert problems == [] and rows == [(2, {"a": "1", "b": "2"})]


def test_a_byte_that_is_not_utf8_is_located_at_its_line(tmp_path):
    rows, problems = _read(tmp_path, b"a,b\n1,2\n3,caf\xe9\n")
    assert rows == []
    [(line, field, message)] = problems
    assert (line, field) == (3, "encoding") and "0xE9 is not UTF-8" in message


def test_a_semicolon_file_is_one_problem(tmp_path):
    rows, problems = _read(tmp_path, "a;b\n1;2\n3;4\n")
    assert rows == [] and len(problems) == 1
    assert problems[0][:2] == (1, "header") and "comma-separated" in problems[0][2]


def test_an_unclosed_quote_at_the_end_is_located_at_the_quote(tmp_path):
    rows, problems = _read(tmp_path, 'a,b\n1,2\n3,"x\n4,5\n6,7\n')
    assert rows == [(2, {"a": "1", "b": "2"})]
    [(line, field, message)] = problems
    assert (line, field) == (3, "b") and message.startswith("unclosed quote")


def test_a_quote_that_runs_on_to_a_later_quote_is_named(tmp_path):
    rows, problems = _read(tmp_path, 'a,b,c\n1,"x,2\n3,4,5\n6,7,"y"\n8,9,10\n',
                           required=("a", "b", "c"))
    assert [line for line, _ in rows] == [5]
    [(line, field, message)] = problems
    assert (line, field) == (2, "b") and "runs on to line 4" in message


def test_an_odd_quote_on_one_line_is_named(tmp_path):
    rows, problems = _read(tmp_path, 'a,b,c\n1,"2,3,4,"5"\n', required=("a", "b", "c"))
    [(line, field, message)] = problems
    assert (line, field) == (2, "row") and "odd number of quotes" in message


# ---------------------------------------------------------------------------- YAML safety
def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path):
    import time

    levels = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n"
                     for b, a in zip("abcdefgh", "bcdefghi", strict=True))
    path = tmp_path / "bomb.yaml"
    path.write_text("name: x\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + levels
                    + "description: *i\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_yaml(path, "bomb.yaml")
    assert time.perf_counter() - started < 2
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (6, "e[0]") and "alias *d" in problem.message


def test_modest_aliases_and_merge_keys_still_work(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &base {x: 1, y: [1, 2, 3]}\nmore:\n  <<: *base\n  z: 2\n"
                    "again: *base\n", encoding="utf-8")
    doc = read_yaml(path, "ok.yaml")
    assert doc.data["more"] == {"x": 1, "y": [1, 2, 3], "z": 2}
    assert doc.data["again"] == {"x": 1, "y": [1, 2, 3]}


def test_yaml_that_is_not_utf8_is_located_at_the_byte(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: a\ntitle: ok\nnote: caf\xe9\n")
    with pytest.raises(InputError) as info:
        read_yaml(path, "x.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (3, "encoding")
    path.write_bytes(b"\xef\xbb\xbfname: a\n")
    assert read_yaml(path, "x.yaml").data == {"name": "a"}
