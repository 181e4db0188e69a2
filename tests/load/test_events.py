"""Loading events, stances, observations and motives per hypothesis (model.md §4)."""

from __future__ import annotations

import numpy as np
import pytest

from achlab.load.case import load_case
from achlab.load.parse import parse_motive, parse_stance
from achlab.load.scenario import load_scenario
from achlab.model import InputError
from tests.helpers import replace_line, tree_digest

HEADER = "evidence_id,date,summary,source_id,credibility,relevance,origin,citation,rain,snow,dry"


def write_evidence(toy, rows: list[str], extra: str = "event,stance") -> None:
    """Replace the toy case's evidence.csv by ``rows`` under a header with ``extra`` columns."""
    toy.evidence_csv.write_text("\n".join([f"{HEADER},{extra}", *rows]) + "\n", encoding="utf-8")


def problems_of(load) -> list[str]:
    with pytest.raises(InputError) as info:
        load()
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------------------- parsers
def test_parse_motive_one_number_or_one_per_hypothesis():
    assert parse_motive("0.3", ["a", "b"]) == (0.3, None)
    level, by = parse_motive(" b=0.2 ; a=0.8 ", ["a", "b"])
    assert by == {"a": 0.8, "b": 0.2} and list(by) == ["a", "b"]
    assert level == pytest.approx(0.5)


@pytest.mark.parametrize(("text", "words"), [
    ("a=0.8", "no motive for b"),
    ("a=0.8;b=0.2;c=0.1", "unknown hypothesis 'c'"),
    ("a=0.8;a=0.7;b=0.1", "named twice"),
    ("a=0.8;b=1.5", "motive under b must be in [0, 1]"),
    ("a=0.8;b", "is not hypothesis=number"),
])
def test_parse_motive_refuses_with_plain_words(text, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_motive(text, ["a", "b"])


def test_parse_stance():
    assert parse_stance("") == "asserts"
    assert parse_stance(" Denies ") == "denies"
    assert parse_stance("observed") == "observed"
    with pytest.raises(ValueError, match="not a stance"):
        parse_stance("doubts")


# ---------------------------------------------------------------------------- evidence.csv
def test_reports_of_one_event_share_its_ratings(toy_case_dir):
    write_evidence(toy_case_dir, [
        "E1,2024-10-01,Rain coming,met,1,H,,,C,I,II,front,",
        "E2,2024-10-02,Rain coming too,app,2,M,,,,,,front,",
        "E3,2024-10-03,No rain,farmer,6,L,,,,,,front,denies",
        "E4,2024-10-04,Wet pavement seen,met,6,M,,,CC,N,II,,observed",
    ])
    case = load_case(toy_case_dir.case)
    items = {e.id: e for e in case.evidence}
    assert items["E2"].ratings == items["E1"].ratings == {"rain": "C", "snow": "I", "dry": "II"}
    assert [items[i].stance for i in ("E1", "E2", "E3", "E4")] == \
        ["asserts", "asserts", "denies", "observed"]
    arr = case.arrays()
    assert arr.event_ids == ("front", "E4")
    assert arr.event_start.tolist() == [0, 3, 4]
    assert arr.denies.tolist() == [False, False, True, False]
    assert arr.observed.tolist() == [False, False, False, True]
    assert np.array_equal(arr.motive[3], [0.0, 0.0, 0.0])  # an observation has no motive
    assert arr.tied_sources == ((0, 1, 2),)  # met, app, farmer share the event "front"


def test_a_later_rated_row_may_carry_the_event_ratings(toy_case_dir):
    write_evidence(toy_case_dir, [
        "E1,2024-10-01,Rain coming,met,1,H,,,,,,front,",
        "E2,2024-10-02,Rain coming too,app,2,M,,,C,I,II,front,",
        "E3,2024-10-03,Same again,farmer,6,L,,,C,I,II,front,",
    ])
    items = {e.id: e for e in load_case(toy_case_dir.case).evidence}
    assert items["E1"].ratings == {"rain": "C", "snow": "I", "dry": "II"}


def test_different_ratings_in_one_event_are_an_error_at_the_later_row(toy_case_dir):
    write_evidence(toy_case_dir, [
        "E1,2024-10-01,Rain coming,met,1,H,,,C,I,II,front,",
        "E2,2024-10-02,Rain coming too,app,2,M,,,C,N,II,front,",
    ])
    before = tree_digest(toy_case_dir.root)
    found = problems_of(lambda: load_case(toy_case_dir.case))
    assert len(found) == 1
    assert found[0].startswith("data/toy/evidence.csv:3: snow: event 'front'") or \
        ":3: snow: event 'front': rated N here but I by E1 (line 2)" in found[0]
    assert "rated N here but I by E1 (line 2)" in found[0]
    assert tree_digest(toy_case_dir.root) == before


@pytest.mark.parametrize(("cells", "field", "words"), [
    ("C,I,II,,doubts", "stance", "'doubts' is not a stance"),
    ("C,I,II,two words,", "event", "not a valid id"),
])
def test_bad_event_or_stance_is_located(toy_case_dir, cells, field, words):
    write_evidence(toy_case_dir, [f"E1,2024-10-01,Rain,met,1,H,,,{cells}"])
    found = problems_of(lambda: load_case(toy_case_dir.case))
    assert len(found) == 1 and f":2: {field}: " in found[0] and words in found[0]


def test_case_without_the_new_columns_loads_as_before(toy_case_dir):
    case = load_case(toy_case_dir.case)
    arr = case.arrays()
    assert all(e.event == "" and e.stance == "asserts" for e in case.evidence)
    assert arr.event_ids == arr.item_ids  # every report is an event of its own
    assert arr.tied_sources == ((0,), (1,), (2,))


# ---------------------------------------------------------------------------- motives
def test_sources_csv_motive_per_hypothesis(toy_case_dir):
    replace_line(toy_case_dir.sources_csv, 3, "app,Weather app,app,0.5,rain=0.9;snow=0.3;dry=0.3,"
                                              "apps,")
    case = load_case(toy_case_dir.case)
    app = case.source("app")
    assert app.motive_by == {"rain": 0.9, "snow": 0.3, "dry": 0.3}
    assert app.motive == pytest.approx(0.5)
    arr = case.arrays()
    n = arr.item_ids.index("E2")
    assert arr.motive[n].tolist() == [0.9, 0.3, 0.3]


@pytest.mark.parametrize(("motive", "words"), [
    ("rain=0.9;snow=0.3", "no motive for dry"),
    ("rain=0.9;snow=0.3;dry=0.3;hail=0.1", "unknown hypothesis 'hail'"),
])
def test_sources_csv_bad_motive_is_located(toy_case_dir, motive, words):
    replace_line(toy_case_dir.sources_csv, 3, f"app,Weather app,app,0.5,{motive},apps,")
    found = problems_of(lambda: load_case(toy_case_dir.case))
    located = [p for p in found if "sources.csv:3: motive: " in p]
    assert len(located) == 1 and words in located[0]


def test_evidence_motive_per_hypothesis(toy_case_dir):
    write_evidence(toy_case_dir, ["E1,2024-10-01,Rain,met,1,H,,,C,I,II,rain=0.1;snow=0.2;dry=0.3"],
                   extra="motive")
    case = load_case(toy_case_dir.case)
    assert case.evidence[0].motive_by == {"rain": 0.1, "snow": 0.2, "dry": 0.3}
    assert case.arrays().motive[0].tolist() == [0.1, 0.2, 0.3]
    assert case.arrays().own_motive.tolist() == [True]


def test_scenario_motive_per_hypothesis(toy_case_dir):
    text = toy_case_dir.scenario.read_text(encoding="utf-8").replace(
        "app: {reliability: 0.2, motive: 0.9}",
        "app: {reliability: 0.2, motive: {rain: 0.9, snow: 0.2, dry: 0.1}}")
    toy_case_dir.scenario.write_text(text, encoding="utf-8")
    case = load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    assert case.source("app").motive_by == {"rain": 0.9, "snow": 0.2, "dry": 0.1}


@pytest.mark.parametrize(("motive", "field", "words"), [
    ("{rain: 0.9, snow: 0.2}", "sources.app.motive", "no motive for dry"),
    ("{rain: 0.9, snow: 0.2, dry: 0.1, hail: 0.5}", "sources.app.motive.hail",
     "unknown hypothesis 'hail'"),
    ("{rain: 0.9, snow: 2, dry: 0.1}", "sources.app.motive.snow", "must be a number in [0, 1]"),
])
def test_scenario_bad_motive_is_located(toy_case_dir, motive, field, words):
    text = toy_case_dir.scenario.read_text(encoding="utf-8").replace(
        "app: {reliability: 0.2, motive: 0.9}", f"app: {{reliability: 0.2, motive: {motive}}}")
    toy_case_dir.scenario.write_text(text, encoding="utf-8")
    found = problems_of(lambda: load_scenario(toy_case_dir.scenario, toy_case_dir.data))
    assert len(found) == 1, found
    assert found[0].endswith(f":8: {field}: {found[0].split(f': {field}: ')[1]}")
    assert words in found[0]


def test_scenario_rating_of_one_report_changes_its_event(toy_case_dir):
    write_evidence(toy_case_dir, [
        "E1,2024-10-01,Rain coming,met,1,H,,,C,I,II,front,",
        "E2,2024-10-02,Rain coming too,app,2,M,,,,,,front,",
        "E3,2024-10-03,The farmer's knee aches,farmer,6,L,,,N,N,N,,",
    ])
    text = toy_case_dir.scenario.read_text(encoding="utf-8").replace(
        "exclude: [E4]", "exclude: []").replace("{E3: {rain: C}}", "{E2: {rain: CC}}")
    toy_case_dir.scenario.write_text(text, encoding="utf-8")
    case = load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    assert {e.id: e.ratings["rain"] for e in case.evidence} == {"E1": "CC", "E2": "CC", "E3": "N"}
    assert case.arrays().event_likelihood[0, 0] == 0.95


def test_scenario_motive_of_another_shape_is_located(toy_case_dir):
    text = toy_case_dir.scenario.read_text(encoding="utf-8").replace(
        "app: {reliability: 0.2, motive: 0.9}", "app: {reliability: 0.2, motive: [0.9, 0.1]}")
    toy_case_dir.scenario.write_text(text, encoding="utf-8")
    found = problems_of(lambda: load_scenario(toy_case_dir.scenario, toy_case_dir.data))
    assert len(found) == 1
    assert ":8: sources.app.motive: must be a number in [0, 1] or a mapping hypothesis" in found[0]
