"""Several analysts: consensus and disagreement per cell (Open Synthesis rules), the analysts
loader with located errors, per-analyst and pooled weights, the charts and the command line.

Expected consensus and disagreement values are worked out by hand in each test (scale
NA 0, II 1, I 2, N 3, C 4, CC 5; sample standard deviations with ``ddof=1``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
from dataclasses import replace
from fractions import Fraction

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achlab import cli
from achlab.engines.consensus import (
    BAND_NAMES,
    analyst_weights,
    apply_ratings,
    consensus,
    consensus_rating,
    consensus_weights,
    disagreement,
    disagreement_band,
    restrict_to,
)
from achlab.engines.exact import exact_weights
from achlab.load.analysts import load_analysts, read_analyst_file
from achlab.load.case import load_case
from achlab.model import InputError
from tests.helpers import make_case, make_item, make_source, tree_digest

matplotlib.use("Agg")

SQRT_HALF = math.sqrt(0.5)


# ---------------------------------------------------------------------------- one cell, by hand
@pytest.mark.parametrize(
    ("votes", "expected_consensus", "expected_sd", "expected_band"),
    [
        # mean 3.5 is a tie between N and C: toward N; sd of 4,4,3,3 = sqrt(1/3)
        (["C", "C", "N", "N"], "N", math.sqrt(1 / 3), "mild"),
        # mean 2.5 is a tie between I and N: toward N; sd of 2,3 = sqrt(1/2)
        (["I", "N"], "N", SQRT_HALF, "mild"),
        # mean 4.5, tie between C and CC: toward N, so C
        (["CC", "C"], "C", SQRT_HALF, "mild"),
        # mean 1.5, tie between II and I: toward N, so I
        (["II", "I"], "I", SQRT_HALF, "mild"),
        # no tie: mean 10/3 = 3.33 rounds to N; sd of 4,4,2 = sqrt(4/3)
        (["C", "C", "I"], "N", math.sqrt(4 / 3), "mild"),
        # NA majority: 3 NA against 2 rated; indicator 0,0,0,1,1 has sd sqrt(0.3),
        # rated 4,5 sd sqrt(1/2): the larger wins
        (["NA", "NA", "NA", "C", "CC"], "NA", SQRT_HALF, "mild"),
        # as many NA as rated votes: not a majority, the rated mean stands
        (["NA", "C"], "C", SQRT_HALF, "mild"),
        # one vote: its own rating, no spread
        (["I"], "I", 0.0, "consensus"),
        # all NA: NA, and no spread (indicator all 0)
        (["NA", "NA", "NA"], "NA", 0.0, "consensus"),
        # unanimity
        (["CC"] * 5, "CC", 0.0, "consensus"),
        # extreme: 1 and 5, mean 3 = N, sd sqrt(8)
        (["II", "CC"], "N", math.sqrt(8), "extreme"),
        # extreme: 1,1,5,5, mean 3, sd sqrt(16/3) = 2.31
        (["II", "II", "CC", "CC"], "N", math.sqrt(16 / 3), "extreme"),
        # exactly 2.0: 3,1,5 has mean 3 and sd sqrt(8/2) = 2 -> extreme (edge inclusive)
        (["N", "II", "CC"], "N", 2.0, "extreme"),
        # large: 2,5,3 mean 10/3 -> N; sd sqrt(((4/3)^2 + (5/3)^2 + (1/3)^2) / 2) = 1.53
        (["I", "CC", "N"], "N", math.sqrt(42 / 18), "large"),
        # a NA among four: indicator 1,1,1,0 sd 0.5 (mild) beats rated 4,4,4 sd 0
        (["C", "C", "C", "NA"], "C", 0.5, "mild"),
        # one NA among five: indicator sd sqrt(0.2) = 0.447 < 0.5 -> consensus
        (["C", "C", "C", "C", "NA"], "C", math.sqrt(0.2), "consensus"),
    ],
)
def test_cell_by_hand(votes, expected_consensus, expected_sd, expected_band):
    assert consensus_rating(votes) == expected_consensus
    d = disagreement(votes)
    assert d == pytest.approx(expected_sd, abs=1e-12)
    assert disagreement_band(d) == expected_band


def test_no_votes_gives_none():
    assert consensus_rating([]) is None
    assert disagreement([]) is None
    assert disagreement_band(None) is None


def test_lower_case_and_spaces_are_read():
    assert consensus_rating([" c", "cc "]) == "C"


def test_unknown_rating_is_refused():
    with pytest.raises(ValueError, match="'X' is not a rating"):
        consensus_rating(["C", "X"])


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.0, "consensus"), (0.4999, "consensus"), (0.5, "mild"), (1.4999, "mild"),
     (1.5, "large"), (1.9999, "large"), (2.0, "extreme"), (1.9999999999999998, "extreme"),
     (3.0, "extreme")],
)
def test_band_edges(value, band):
    assert disagreement_band(value) == band


def _reference(votes):
    """Open Synthesis' rules written out with ``statistics`` and exact fractions."""
    values = [{"NA": 0, "II": 1, "I": 2, "N": 3, "C": 4, "CC": 5}[v] for v in votes]
    rated = [v for v in values if v]
    na = len(values) - len(rated)
    if na > len(rated):
        cons = "NA"
    else:
        mean = Fraction(sum(rated), len(rated))
        low = math.floor(mean)
        if mean - low == Fraction(1, 2):
            value = low if low >= 3 else low + 1
        else:
            value = round(mean)
        cons = {1: "II", 2: "I", 3: "N", 4: "C", 5: "CC"}[value]
    ind = [1 if v else 0 for v in values]
    sd = max(statistics.stdev(ind) if len(ind) > 1 else 0.0,
             statistics.stdev(rated) if len(rated) > 1 else 0.0)
    return cons, sd


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["NA", "II", "I", "N", "C", "CC"]), min_size=1, max_size=9))
def test_matches_open_synthesis_reference(votes):
    cons, sd = _reference(votes)
    assert consensus_rating(votes) == cons
    assert disagreement(votes) == pytest.approx(sd, abs=1e-12)


# ---------------------------------------------------------------------------- a matrix in Python
@pytest.fixture
def small():
    """Three hypotheses, three items (one source, reliability 1), three analysts."""
    case = make_case(
        ["a", "b", "c"],
        [make_source("s", 1.0)],
        [make_item("E1", "s", {"a": "C", "b": "N", "c": "I"}),
         make_item("E2", "s", {"a": "N", "b": "N", "c": "N"}),
         make_item("E3", "s", {"a": "CC", "b": "II", "c": "I"})],
    )
    analysts = {
        "ann": {"E1": {"a": "C", "b": "N", "c": "I"}, "E2": {"a": "C", "b": "I"}},
        "bob": {"E1": {"a": "CC", "b": "NA", "c": "I"}, "E2": {"a": "N"}},
        "cy": {"E1": {"a": "N", "b": "NA", "c": "NA"}},
    }
    return case, analysts


def test_matrix_cells_and_order(small):
    case, analysts = small
    result = consensus(case, analysts)
    assert [(c.evidence_id, c.hypothesis_id) for c in result.cells] == [
        ("E1", "a"), ("E1", "b"), ("E1", "c"), ("E2", "a"), ("E2", "b")]
    assert result.item_ids == ("E1", "E2")
    e1a = result.cell("E1", "a")  # C, CC, N -> mean 4 = C; sd of 4,5,3 = 1
    assert (e1a.consensus, e1a.disagreement, e1a.band) == ("C", pytest.approx(1.0), "mild")
    e1b = result.cell("E1", "b")  # N, NA, NA -> NA majority
    assert e1b.consensus == "NA" and (e1b.n_rated, e1b.n_na) == (1, 2)
    e1c = result.cell("E1", "c")  # I, I, NA -> I; indicator 1,1,0 sd sqrt(1/3)
    assert e1c.consensus == "I"
    assert e1c.disagreement == pytest.approx(math.sqrt(1 / 3))
    e2a = result.cell("E2", "a")  # C, N -> 3.5 -> N (tie toward N)
    assert e2a.consensus == "N" and e2a.mean == 3.5
    assert result.cell("E2", "b").consensus == "I"  # one vote
    with pytest.raises(KeyError):
        result.cell("E3", "a")
    assert result.ratings() == {"E1": {"a": "C", "b": "NA", "c": "I"},
                                "E2": {"a": "N", "b": "I"}}
    assert sum(result.band_counts().values()) == 5
    assert set(result.band_counts()) == set(BAND_NAMES)
    json.dumps(result.as_dict())
    frame = result.to_frame()
    assert list(frame.columns) == ["ann", "bob", "cy", "consensus", "disagreement", "band"]


def test_bad_analyst_ratings_are_named(small):
    case, _ = small
    with pytest.raises(ValueError, match="ann: unknown evidence item 'E9'"):
        consensus(case, {"ann": {"E9": {"a": "C"}}})
    with pytest.raises(ValueError, match="unknown hypothesis 'z'"):
        consensus(case, {"ann": {"E1": {"z": "C"}}})
    with pytest.raises(ValueError, match="'0.7' is not a rating"):
        analyst_weights(case, {"ann": {"E1": {"a": "0.7"}}})


def test_restrict_to_drops_items_the_case_no_longer_holds(small):
    case, analysts = small
    cut = case.without("E2")
    kept = restrict_to(cut, analysts)
    assert kept == {"ann": {"E1": analysts["ann"]["E1"]}, "bob": {"E1": analysts["bob"]["E1"]},
                    "cy": {"E1": analysts["cy"]["E1"]}}
    consensus(cut, kept)  # no error
    with pytest.raises(ValueError):
        consensus(cut, analysts)


def test_apply_ratings_keeps_unrated_cells(small):
    case, _ = small
    changed = apply_ratings(case, {"E1": {"b": "cc"}})
    e1 = changed.evidence[0]
    assert e1.ratings == {"a": "C", "b": "CC", "c": "I"}
    assert case.evidence[0].ratings["b"] == "N"  # the original is untouched
    assert changed.evidence[1:] == case.evidence[1:]


def test_analyst_weights_follow_each_analysts_ratings(small):
    case, analysts = small
    per = analyst_weights(case, analysts)
    assert list(per) == ["ann", "bob", "cy"]
    base = exact_weights(case).mean
    # ann rates E1 exactly as the case and E2 a:C, b:I (c keeps the case's N)
    ann_case = replace(case, evidence=(
        case.evidence[0], replace(case.evidence[1], ratings={"a": "C", "b": "I", "c": "N"}),
        case.evidence[2]))
    assert per["ann"].mean == pytest.approx(exact_weights(ann_case).mean)
    assert per["ann"].mean != pytest.approx(base)
    # bob's E1 differs (a: CC, b: NA), so his weights differ from ann's and from the case's
    assert per["bob"].mean != pytest.approx(per["ann"].mean)
    assert per["bob"].mean != pytest.approx(base)
    # an analyst who rates nothing gets the case's own weights
    assert analyst_weights(case, {"none": {}})["none"].mean == pytest.approx(base)
    # the consensus weights are the case with the consensus ratings
    expected = exact_weights(apply_ratings(case, consensus(case, analysts).ratings())).mean
    assert consensus_weights(case, analysts).mean == pytest.approx(expected)


# ---------------------------------------------------------------------------- the bundled files
def test_bundled_analysts_cover_the_required_cases():
    case = load_case("nk-troops-2024")
    analysts = load_analysts(case)
    assert 4 <= len(analysts) <= 5
    for table in analysts.values():
        assert 10 <= len(table) <= 15
    result = consensus(case, analysts)
    na_majority = [c for c in result.cells if c.n_na > c.n_rated > 0]
    assert na_majority and all(c.consensus == "NA" for c in na_majority)
    ties = [c for c in result.cells if c.mean is not None and (c.mean * 2) % 2 == 1]
    assert ties, "an exact tie between two ratings"
    e24 = result.cell("E24", "technical")  # C, C, N, N -> 3.5 -> N
    assert (e24.mean, e24.consensus) == (3.5, "N")
    assert result.cell("E07", "combat").band == "extreme"
    cut = case.up_to(dt.date(2024, 10, 25))
    per = analyst_weights(cut, restrict_to(cut, analysts))
    # the analyst sceptical of Kyiv and Seoul gives combat the least weight
    assert min(per, key=lambda a: per[a]["combat"]) == "sceptic"


def test_teaching_case_analysts():
    case = load_case("cuba-missiles-1962")
    analysts = load_analysts("cuba-missiles-1962")
    assert len(analysts) == 3
    result = consensus(case, analysts)
    assert result.cell("E12", "offensive").consensus == "NA"
    assert result.cell("E03", "offensive").band == "extreme"


# ---------------------------------------------------------------------------- loader errors
def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reads_and_skips_empty_cells(toy_case_dir):
    _write(toy_case_dir.case / "analysts", "ann.csv",
           "evidence_id,rain,snow,dry\nE1,cc,,I\nE2,NA,N,\n\n")
    _write(toy_case_dir.case / "analysts", "bob.csv", "evidence_id,dry\nE3,C\n")
    before = tree_digest(toy_case_dir.root)
    analysts = load_analysts("toy", toy_case_dir.data)
    assert tree_digest(toy_case_dir.root) == before  # the loader never writes
    assert analysts == {"ann": {"E1": {"rain": "CC", "dry": "I"},
                                "E2": {"rain": "NA", "snow": "N"}},
                        "bob": {"E3": {"dry": "C"}}}


def test_loader_errors_are_located(toy_case_dir):
    folder = toy_case_dir.case / "analysts"
    bad = _write(folder, "ann.csv",
                 "evidence_id,rain,snow,fog\n"   # line 1: unknown column fog
                 "E1,C,X,\n"                     # line 2: X is not a rating
                 "E9,C,C,\n"                     # line 3: unknown item
                 "E1,N,N,\n"                     # line 4: duplicate row
                 "E2,0.7,C,\n"                   # line 5: numbers are not ratings
                 "E3,C\n")                       # line 6: ragged
    _write(folder, "bob.csv", "evidence_id,rain\nE2,C\n")  # a good file beside it
    with pytest.raises(InputError) as info:
        load_analysts("toy", toy_case_dir.data)
    found = {(p.line, p.field): p for p in info.value.problems}
    assert set(found) == {(1, "header"), (2, "snow"), (3, "evidence_id"), (4, "evidence_id"),
                          (5, "rain"), (6, "row")}
    assert all(p.path.endswith("analysts/ann.csv") for p in info.value.problems)
    assert "unknown column(s) fog" in found[(1, "header")].message
    assert "'X' is not a rating" in found[(2, "snow")].message
    assert "unknown evidence item 'E9'" in found[(3, "evidence_id")].message
    assert "duplicate row for 'E1' (first on line 2)" in found[(4, "evidence_id")].message
    assert "'0.7' is not a rating" in found[(5, "rain")].message
    line = str(found[(3, "evidence_id")])
    assert line.startswith(found[(3, "evidence_id")].path + ":3: evidence_id: ")
    # one file alone, same messages
    with pytest.raises(InputError) as one:
        read_analyst_file(bad, load_case("toy", toy_case_dir.data))
    assert len(one.value.problems) == 6


def test_loader_missing_folder_and_bad_names(toy_case_dir):
    with pytest.raises(InputError) as info:
        load_analysts("toy", toy_case_dir.data)
    (problem,) = info.value.problems
    assert problem.field == "analysts" and "no analysts folder" in problem.message
    folder = toy_case_dir.case / "analysts"
    folder.mkdir()
    with pytest.raises(InputError, match="no analyst file"):
        load_analysts("toy", toy_case_dir.data)
    _write(folder, "bad name.csv", "evidence_id,rain\nE1,C\n")
    _write(folder, "empty.csv", "")
    _write(folder, "noid.csv", "item,rain\nE1,C\n")
    with pytest.raises(InputError) as info:
        load_analysts("toy", toy_case_dir.data)
    messages = {(p.path.rsplit("/", 1)[-1], p.field): p.message for p in info.value.problems}
    assert "not a valid analyst name" in messages[("bad name.csv", "file")]
    assert messages[("empty.csv", "header")] == "file is empty"
    assert messages[("noid.csv", "header")] == "missing column evidence_id"


# ---------------------------------------------------------------------------- command line
def test_cli_json(capsys):
    code = cli.main(["consensus", "cuba-missiles-1962", "--json", "--as-of", "1962-10-10"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["case"] == "cuba-missiles-1962" and out["as_of"] == "1962-10-10"
    assert out["analysts"] == ["estimator", "hawk", "photo-interpreter"]
    cell = next(c for c in out["cells"]
                if (c["evidence_id"], c["hypothesis"]) == ("E03", "offensive"))
    assert cell["votes"] == {"estimator": "I", "hawk": "CC", "photo-interpreter": "NA"}
    assert cell["consensus"] == "N" and cell["band"] == "extreme"
    assert cell["disagreement"] == pytest.approx(math.sqrt(4.5))
    assert set(out["analyst_weights"]) == set(out["analysts"])
    est = out["analyst_weights"]["estimator"]["offensive"]["mean"]
    hawk = out["analyst_weights"]["hawk"]["offensive"]["mean"]
    assert est < 0.5 < hawk
    assert set(out["consensus_weights"]) == {"offensive", "defensive", "none"}
    assert all(c["evidence_id"] != "E13" for c in out["cells"])  # cut at as_of


def test_cli_text(capsys):
    assert cli.main(["consensus", "nk-troops-2024"]) == 0
    out = capsys.readouterr().out
    assert "sceptic" in out and "consensus ratings" in out and "extreme" in out


def test_cli_bad_input_exit_2(toy_case_dir, capsys):
    _write(toy_case_dir.case / "analysts", "ann.csv", "evidence_id,rain\nE7,C\n")
    code = cli.main(["consensus", "toy", "--data", str(toy_case_dir.data)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].endswith(":2: evidence_id: unknown evidence item 'E7' "
                                             "(not in the case 'toy')")
    assert cli.main(["consensus", "nope", "--data", str(toy_case_dir.data)]) == 2
    assert "no case folder 'nope'" in capsys.readouterr().err
    assert cli.main(["consensus", "toy", "--data", str(toy_case_dir.data),
                     "--as-of", "1962-13-01"]) == 2
    assert "--as-of: not an ISO date" in capsys.readouterr().err


# ---------------------------------------------------------------------------- charts
def test_charts_render(small):
    import matplotlib.pyplot as plt

    from achlab.charts.consensus import plot_analyst_weights, plot_consensus

    case, analysts = small
    result = consensus(case, analysts)
    fig = plot_consensus(result, case)
    drawn = {t.get_text() for ax in fig.axes for t in ax.texts} | {t.get_text()
                                                                   for t in fig.texts}
    assert {"C", "NA", "I", "N"} <= drawn
    assert any(t.startswith("Source:") for t in drawn)  # own figure: footer
    legend = fig.axes[0].get_legend()
    assert [t.get_text().split(" (")[0] for t in legend.get_texts()] == [
        "agreement", "mild", "large", "extreme"]
    counts = result.band_counts()  # each band's key says how many cells it holds
    assert [t.get_text().rsplit(": ", 1)[1] for t in legend.get_texts()] == [
        str(counts[b]) for b in ("consensus", "mild", "large", "extreme")]
    plt.close(fig)
    fig, ax = plt.subplots()
    assert plot_analyst_weights(case, analyst_weights(case, analysts),
                                consensus_weights(case, analysts), ax=ax) is fig
    assert not any(t.get_text().startswith("Source:") for t in fig.texts)  # caller's ax
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert labels == {"ann", "bob", "cy", "Consensus ratings"}
    plt.close(fig)


# ---------------------------------------------------------------------------- PyMC pooling
@pytest.mark.slow
def test_pooled_weights(small):
    from achlab.engines.consensus import pooled_weights, pooling

    case, analysts = small
    analysts = {**analysts, "dee": {"E1": {"a": "C", "c": "II"}, "E2": {"a": "C", "b": "N"}}}
    kept = {}

    class Store:
        def get(self, key):
            return kept.get(key)

        def put(self, key, idata, seconds):
            kept[key] = (idata, seconds)

    result = pooled_weights(case, analysts, draws=300, tune=300, chains=2, seed=7,
                            store=Store())
    again = pooled_weights(case, analysts, draws=300, tune=300, chains=2, seed=7)
    assert result.weights.mean == pytest.approx(again.weights.mean)  # same seed, same numbers
    assert len(kept) == 1
    with pytest.MonkeyPatch.context() as patch:  # kept: read back, nothing sampled
        patch.setattr(pooling, "_sample_pooled", lambda *a: pytest.fail("sampled again"))
        read = pooled_weights(case, analysts, draws=300, tune=300, chains=2, seed=7,
                              store=Store())
        assert read.weights.mean.tolist() == result.weights.mean.tolist()
        assert read.analyst_sd == result.analyst_sd
        with pytest.raises(pytest.fail.Exception, match="sampled again"):  # other votes
            pooled_weights(case, {**analysts, "dee": {"E1": {"a": "CC"}}}, draws=300,
                           tune=300, chains=2, seed=7, store=Store())
    assert result.weights.mean.sum() == pytest.approx(1.0)
    assert result.weights.method == "pooled"
    scale = case.scales.rating
    for eid, cells in result.likelihood.items():
        for hid, p in cells.items():
            votes = [scale[r] for a in analysts.values() for r in [a.get(eid, {}).get(hid)]
                     if r not in (None, "NA")]
            lo, hi = result.interval[eid][hid]
            assert 0 < lo <= p <= hi < 1
            # the pooled value stays near the votes (prior centred on their mean)
            assert min(votes) - 0.2 < p < max(votes) + 0.2
    # E1/b: one N against two NA: the consensus says NA, so the pooled case keeps NA there
    pooled_e1 = next(e for e in result.case.evidence if e.id == "E1")
    assert pooled_e1.ratings["b"] == "NA"
    assert set(result.analyst_sd) == {"ann", "bob", "cy", "dee"}
    assert result.divergences < 10


# ---------------------------------------------------------------------------- rounding as coded
@pytest.mark.parametrize("votes, documented, coded", [
    (["I", "N"], "N", "I"),            # 2.5: toward N, or to the even value 2
    (["N", "C"], "N", "C"),            # 3.5: toward N, or to the even value 4
    (["II", "I"], "I", "I"),           # 1.5: both give 2
    (["C", "CC"], "C", "C"),           # 4.5: both give 4
    (["I", "CC", "NA"], "N", "C"),     # (2 + 5) / 2 = 3.5
    (["C", "C", "N"], "C", "C"),       # 11 / 3, no half
])
def test_open_synthesis_rounding_by_hand(votes, documented, coded):
    assert consensus_rating(votes) == documented
    assert consensus_rating(votes, rounding="open-synthesis") == coded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["NA", "II", "I", "N", "C", "CC"]), min_size=1, max_size=9))
def test_open_synthesis_rounding_is_pythons_round(votes):
    values = [{"NA": 0, "II": 1, "I": 2, "N": 3, "C": 4, "CC": 5}[v] for v in votes]
    rated = [v for v in values if v]
    if len(values) - len(rated) > len(rated):
        expected = "NA"
    else:  # Python's round() on the exact mean: half to even, as Open Synthesis's code does
        expected = {1: "II", 2: "I", 3: "N", 4: "C", 5: "CC"}[round(Fraction(sum(rated),
                                                                            len(rated)))]
    assert consensus_rating(votes, rounding="open-synthesis") == expected


def test_unknown_rounding_is_refused():
    with pytest.raises(ValueError, match="rounding"):
        consensus_rating(["C"], rounding="up")


#: The bundled analysts' cells where the two roundings differ: (case, item, hypothesis) ->
#: (documented rule, Open Synthesis's code). Every other voted cell agrees.
ROUNDING_DIFFERS = {
    ("cuba-missiles-1962", "E03", "offensive"): ("N", "C"),   # I, CC: 3.5
    ("cuba-missiles-1962", "E06", "offensive"): ("N", "C"),   # N, C: 3.5
    ("cuba-missiles-1962", "E06", "defensive"): ("N", "C"),   # C, N: 3.5
    ("cuba-missiles-1962", "E07", "defensive"): ("N", "C"),   # C, N: 3.5
    ("cuba-missiles-1962", "E09", "defensive"): ("N", "I"),   # N, I: 2.5
    ("nk-troops-2024", "E24", "technical"): ("N", "C"),       # N, C, N, C: 3.5
}


def test_bundled_votes_where_the_roundings_differ():
    differ, cells = {}, 0
    for case_id in ("cuba-missiles-1962", "nk-troops-2024"):
        case = load_case(case_id)
        analysts = load_analysts(case)
        documented = consensus(case, analysts)
        coded = consensus(case, analysts, rounding="open-synthesis")
        cells += len(documented.cells)
        for a, b in zip(documented.cells, coded.cells, strict=True):
            assert (a.disagreement, a.band) == (b.disagreement, b.band)
            if a.consensus != b.consensus:
                differ[(case_id, a.evidence_id, a.hypothesis_id)] = (a.consensus, b.consensus)
    assert cells == 81
    assert differ == ROUNDING_DIFFERS


def test_cli_rounding_option(capsys):
    code = cli.main(["consensus", "cuba-missiles-1962", "--json", "--rounding", "open-synthesis"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    cell = next(c for c in out["cells"]
                if (c["evidence_id"], c["hypothesis"]) == ("E09", "defensive"))
    assert cell["consensus"] == "I"
    assert cli.main(["consensus", "cuba-missiles-1962", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    cell = next(c for c in out["cells"]
                if (c["evidence_id"], c["hypothesis"]) == ("E09", "defensive"))
    assert cell["consensus"] == "N"


def test_the_pools_largest_r_hat_passes_over_constant_cells_as_arviz_does():
    import warnings

    import arviz as az
    import numpy as np
    import xarray as xr

    from achlab.engines.consensus.pooling import _largest_r_hat

    rng = np.random.default_rng(3)
    draws = rng.normal(size=(4, 300, 3))
    draws[1, :, 1] += 1.0  # one chain off: the largest r_hat
    draws[:, :, 2] = 0.7  # a constant cell has none
    tree = xr.DataTree.from_dict({"posterior": xr.Dataset({"shared": (("chain", "draw", "cell"),
                                                                      draws)})})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = float(az.summary(tree, round_to="none")["r_hat"].max())
    assert _largest_r_hat(draws) == pytest.approx(theirs, rel=1e-12)
    assert _largest_r_hat(draws) > 1.05
    assert math.isnan(_largest_r_hat(draws[:, :, 2:]))
