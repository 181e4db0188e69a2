"""Classic ACH scores (PARC ACH 2.0) and diagnosticity, checked by hand."""

from __future__ import annotations

import math

import pytest

from achlab.engines.classic import heuer_rating, heuer_scores, item_diagnosticity
from achlab.load.case import load_case
from achlab.model.scales import Scales
from tests.helpers import make_case, make_item, make_source

R2 = math.sqrt(2)


def parc_case():
    """Six items covering every credibility code and relevance level; see the table below.

    ====  ====  ===  ===============  ==========  ==========
    item  cred  rel  weight           ratings     PARC values
    ====  ====  ===  ===============  ==========  ==========
    E1    1 H   H    sqrt2*sqrt2 = 2  CC I II     0 1 2
    E2    3 M   M    1 * 1 = 1        I N II      1 0 2
    E3    5 L   H    sqrt2/sqrt2 = 1  II C NA     2 0 0
    E4    2 H   M    sqrt2            N II I      0 2 1
    E5    4 L   L    1/2              I I I       1 1 1
    E6    6 L   M    1/sqrt2          C NA II     0 0 2
    ====  ====  ===  ===============  ==========  ==========
    """
    rows = [
        ("E1", "1", "H", ("CC", "I", "II")),
        ("E2", "3", "M", ("I", "N", "II")),
        ("E3", "5", "H", ("II", "C", "NA")),
        ("E4", "2", "M", ("N", "II", "I")),
        ("E5", "4", "L", ("I", "I", "I")),
        ("E6", "6", "M", ("C", "NA", "II")),
    ]
    hyps = ["a", "b", "c"]
    items = [make_item(eid, "s", dict(zip(hyps, cells, strict=True)), cred=cred, relevance=rel)
             for eid, cred, rel, cells in rows]
    return make_case(hyps, [make_source("s", "B")], items)


def test_inconsistency_by_hand():
    scores = heuer_scores(parc_case())
    assert scores.inconsistency == {"a": -4.0, "b": -4.0, "c": -8.0}


def test_weighted_inconsistency_by_hand():
    w = heuer_scores(parc_case()).weighted_inconsistency
    # a: E2 1*1 + E3 1*2 + E5 1/2*1
    assert w["a"] == pytest.approx(-3.5, abs=1e-12)
    # b: E1 2*1 + E4 sqrt2*2 + E5 1/2*1
    assert w["b"] == pytest.approx(-(2.5 + 2 * R2), abs=1e-12)
    # c: E1 2*2 + E2 1*2 + E4 sqrt2*1 + E5 1/2*1 + E6 (1/sqrt2)*2
    assert w["c"] == pytest.approx(-(6.5 + 2 * R2), abs=1e-12)


def test_least_contradicted_uses_weighted_score():
    scores = heuer_scores(parc_case())
    assert scores.least_contradicted == "a"  # a and b tie on plain counts; weights split them
    d = scores.as_dict()
    assert set(d) == {"inconsistency", "weighted_inconsistency", "diagnosticity"}
    assert set(d["diagnosticity"]) == {f"E{n}" for n in range(1, 7)}


def test_consistent_ratings_score_zero_not_negative_zero():
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": "CC", "b": "C"}, cred="1", relevance="H")])
    scores = heuer_scores(case)
    for h in ("a", "b"):
        assert scores.inconsistency[h] == 0
        assert math.copysign(1.0, scores.weighted_inconsistency[h]) == 1.0


@pytest.mark.parametrize("code, level", [("1", "H"), ("2", "H"), ("3", "M"), ("4", "L"),
                                         ("5", "L"), ("6", "L")])
def test_credibility_codes_map_to_parc_levels(code, level):
    item = make_item("E1", "s", {"a": "II", "b": "C"}, cred=code, relevance="M")
    assert item.parc_credibility == level
    case = make_case(["a", "b"], [make_source("s", 1.0)], [item])
    weight = {"H": R2, "M": 1.0, "L": 1 / R2}[level]
    assert heuer_scores(case).weighted_inconsistency["a"] == pytest.approx(-2 * weight)


def test_hml_credibility_in_csv_gives_parc_levels(toy_case_dir):
    text = toy_case_dir.evidence_csv.read_text(encoding="utf-8")
    text = (text.replace(",met,1,H,", ",met,H,H,").replace(",app,2,M,", ",app,M,M,")
            .replace(",farmer,6,L,", ",farmer,L,L,"))
    toy_case_dir.evidence_csv.write_text(text, encoding="utf-8")
    case = load_case(toy_case_dir.case)
    levels = {e.id: e.parc_credibility for e in case.evidence}
    assert levels["E1"] == "H" and levels["E2"] == "M" and levels["E3"] == "L"
    # E1 (dry: I, weight sqrt2 * sqrt2) + E2 (dry: II, weight 1 * 1)
    assert heuer_scores(case).weighted_inconsistency["dry"] == pytest.approx(-(2 + 2))


# ---------------------------------------------------------------------------- diagnosticity
@pytest.mark.parametrize("cells", [("N", "N", "N"), ("C", "C", "C"), ("II", "II", "II"),
                                   ("C", "NA", "C"), (0.3, 0.3, 0.3), ("NA", "NA", "NA")])
def test_item_rated_alike_is_not_diagnostic(cells):
    case = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", dict(zip("abc", cells, strict=True)))])
    assert item_diagnosticity(case, case.evidence[0]) == 0.0
    assert heuer_scores(case).diagnosticity == {"E1": 0.0}


@pytest.mark.parametrize("cells, expected", [
    (("CC", "I", "II"), math.log2(0.95 / 0.05)),
    (("C", "I", "N"), 2.0),
    (("C", "I", "NA"), 2.0),  # NA is the mean 0.5, between the two
    (("N", "II", "NA"), math.log2(0.5 / 0.05)),
    ((0.9, 0.3, 0.6), math.log2(3.0)),
    (("CC", 0.19, "N"), math.log2(0.95 / 0.19)),
])
def test_diagnosticity_is_log2_of_max_over_min(cells, expected):
    case = make_case(["a", "b", "c"], [make_source("s", 1.0)],
                     [make_item("E1", "s", dict(zip("abc", cells, strict=True)))])
    assert heuer_scores(case).diagnosticity["E1"] == pytest.approx(expected, rel=1e-12)


def test_diagnosticity_follows_the_case_rating_scale():
    scales = Scales(rating={"CC": 0.99, "C": 0.8, "N": 0.5, "I": 0.2, "II": 0.01})
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": "CC", "b": "II"})], scales=scales)
    assert heuer_scores(case).diagnosticity["E1"] == pytest.approx(math.log2(99), rel=1e-12)


# ---------------------------------------------------------------------------- numeric cells
@pytest.mark.parametrize("value, rating", [
    (1.0, "CC"), (0.96, "CC"), (0.9, "CC"), (0.85, "C"), (0.8, "C"), (0.7, "C"),
    (0.6, "N"), (0.55, "N"), (0.5, "N"), (0.4, "N"), (0.3, "I"), (0.2, "I"), (0.15, "I"),
    (0.1, "II"), (0.05, "II"), (0.0, "II"),
])
def test_numeric_cell_maps_to_nearest_rating(value, rating):
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": value, "b": "N"})])
    assert heuer_rating(case, case.evidence[0], "a") == rating
    expected = {"I": -1.0, "II": -2.0}.get(rating, 0.0)
    assert heuer_scores(case).inconsistency["a"] == expected


@pytest.mark.parametrize("value, rating", [(0.875, "C"), (0.65, "N"), (0.35, "N"),
                                           (0.125, "I")])
def test_numeric_cell_halfway_goes_to_the_milder_rating(value, rating):
    # scales.nearest_rating: "ties to the milder one" (the rating nearer N)
    case = make_case(["a", "b"], [make_source("s", 1.0)],
                     [make_item("E1", "s", {"a": value, "b": "N"})])
    assert heuer_rating(case, case.evidence[0], "a") == rating


def test_numeric_cell_uses_the_case_scale():
    scales = Scales(rating={"CC": 0.99, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.01})
    item = make_item("E1", "s", {"a": 0.86, "b": 0.38})
    custom = make_case(["a", "b"], [make_source("s", 1.0)], [item], scales=scales)
    default = make_case(["a", "b"], [make_source("s", 1.0)], [item])
    # 0.86: |0.99 - 0.86| = 0.13 < |0.86 - 0.7| = 0.16 here, but 0.06 to C (0.8) by default
    assert heuer_rating(custom, item, "a") == "CC"
    assert heuer_rating(default, item, "a") == "C"
    # 0.38: 0.08 from I (0.3) here, but 0.12 from N (0.5) against 0.18 from I (0.2) by default
    assert heuer_rating(custom, item, "b") == "I"
    assert heuer_rating(default, item, "b") == "N"
    assert heuer_scores(custom).inconsistency == {"a": 0.0, "b": -1.0}
    assert heuer_scores(default).inconsistency == {"a": 0.0, "b": 0.0}
