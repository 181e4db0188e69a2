"""Estimative language: ICD 203 band edges, mirror symmetry, the UK yardstick, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from achlab.model.words import estimative_word, headline, percent

ICD_WORDS = ("almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
             "very likely", "almost certain")
#: ICD 203 word -> the word for 1 - p.
MIRROR = dict(zip(ICD_WORDS, reversed(ICD_WORDS), strict=True))


@pytest.mark.parametrize("p, word", [
    (0.0, "almost no chance"),
    (0.0001, "almost no chance"),
    (0.0499, "almost no chance"),
    (0.05, "very unlikely"),  # edge: the word nearer even chance
    (0.0501, "very unlikely"),
    (0.1999, "very unlikely"),
    (0.2, "unlikely"),
    (0.2001, "unlikely"),
    (0.4499, "unlikely"),
    (0.45, "roughly even chance"),
    (0.5, "roughly even chance"),
    (0.55, "roughly even chance"),
    (0.5501, "likely"),
    (0.7999, "likely"),
    (0.8, "likely"),
    (0.8001, "very likely"),
    (0.9499, "very likely"),
    (0.95, "very likely"),
    (0.9501, "almost certain"),
    (0.999, "almost certain"),
    (1.0, "almost certain"),
])
def test_icd203_words_at_and_around_every_edge(p, word):
    assert estimative_word(p) == word
    assert estimative_word(p, "icd203") == word


def test_icd203_never_says_certain_or_impossible():
    assert estimative_word(1.0) != "certain"
    assert estimative_word(0.0) == "almost no chance"


@pytest.mark.parametrize("k", range(0, 10001, 25))
def test_icd203_mirror_symmetry_on_decimal_grid(k):
    # p = k / 10000 and its complement written as a decimal, (10000 - k) / 10000
    p, q = k / 10000, (10000 - k) / 10000
    assert estimative_word(q) == MIRROR[estimative_word(p)]


@pytest.mark.parametrize("p", [0.05, 0.2, 0.45, 0.55, 0.8, 0.95, 0.3, 0.7, 0.999])
def test_icd203_mirror_symmetry_of_computed_complement(p):
    # two hypotheses at p and 1 - p (as an engine would produce them) get mirrored words
    assert estimative_word(1 - p) == MIRROR[estimative_word(p)]


@pytest.mark.parametrize("p, word", [
    (0.0, "remote chance"),
    (0.05, "remote chance"),
    (0.07, "remote chance"),  # gap 5-10 %: nearer the 5 % edge
    (0.075, "highly unlikely"),  # gap midpoint: the band nearer even chance
    (0.08, "highly unlikely"),
    (0.15, "highly unlikely"),
    (0.22, "highly unlikely"),
    (0.23, "unlikely"),
    (0.3, "unlikely"),
    (0.37, "unlikely"),
    (0.38, "realistic possibility"),
    (0.45, "realistic possibility"),
    (0.5, "realistic possibility"),
    (0.52, "realistic possibility"),
    (0.53, "likely"),
    (0.65, "likely"),
    (0.77, "likely"),
    (0.78, "highly likely"),
    (0.85, "highly likely"),
    (0.92, "highly likely"),
    (0.93, "almost certain"),
    (0.95, "almost certain"),
    (1.0, "almost certain"),
])
def test_uk_yardstick_spot_checks(p, word):
    assert estimative_word(p, "uk") == word


@pytest.mark.parametrize("bad", [float("nan"), -0.1, 1.1, -1e-9, 1 + 1e-9, float("inf"),
                                 float("-inf")])
@pytest.mark.parametrize("yardstick", ["icd203", "uk"])
def test_rejects_probability_outside_unit_interval(bad, yardstick):
    with pytest.raises(ValueError):
        estimative_word(bad, yardstick)


@pytest.mark.parametrize("yardstick", ["ICD203", "nato", "", "kent"])
def test_rejects_unknown_yardstick(yardstick):
    with pytest.raises(ValueError):
        estimative_word(0.5, yardstick)


def test_headline_and_percent():
    assert headline("Combat troops", 0.62) == "Combat troops: likely (62 %)"
    assert percent(0.004) == "<1 %"
    assert percent(0.996) == ">99 %"
    assert percent(0.9999999, digits=2) == ">99.99 %"  # never "100.00 %" for a maybe
    assert percent(1e-7, digits=2) == "<0.01 %"
    assert percent(0.0003, digits=2) == "0.03 %"
    assert percent(0.0) == "0 %"
    assert percent(1.0) == "100 %"


@pytest.mark.parametrize("yardstick", ["icd203", "uk"])
def test_bands_tile_zero_to_one_and_agree_with_the_word(yardstick):
    from achlab.model.words import band_of, bands

    table = bands(yardstick)
    assert table[0][0] == 0.0 and table[-1][1] == 1.0
    assert all(a[1] == b[0] for a, b in zip(table, table[1:], strict=False))
    for p in np.linspace(0, 1, 201):
        lo, hi, word = band_of(p, yardstick)
        assert word == estimative_word(p, yardstick)
        assert lo - 0.05 <= p <= hi + 0.05  # the UK yardstick's gaps go to the nearer band


def test_band_of_gives_the_icd203_band_of_likely():
    from achlab.model.words import band_of

    assert band_of(0.62) == (0.55, 0.80, "likely")
    assert band_of(0.80) == (0.55, 0.80, "likely")  # an edge takes the word nearer even chance


# ------------------------------------------------------------------- one answer, one number
@pytest.mark.parametrize(("p", "expected"), [
    (0.9495, "95 %"),  # 95 % is "very likely" too: no decimals needed
    (0.62, "62 %"),
    (0.049, "4.9 %"),  # 5 % would be "very unlikely"
    (0.051, "5 %"),
    (0.953, "95.3 %"),  # 95 % would be "very likely", 0.953 is "almost certain"
    (0.7349, "73 %"),
    (0.005, "<1 %"),  # rounds to 0: never "0 %" for a weight that is not zero
    (0.995, ">99 %"),
])
def test_percent_is_whole_unless_the_whole_number_changes_the_word(p, expected):
    from achlab.model.words import percent

    assert percent(p) == expected
    if expected[0] not in "<>":
        shown = float(expected.removesuffix(" %")) / 100
        assert estimative_word(shown) == estimative_word(p)


def test_judgement_of_a_point_answer_says_it_is_one():
    from achlab.model.words import judgement

    said = judgement(0.9495, 0.9495, 0.9495, "exact")
    assert said.point and str(said) == "very likely (95 %)"
    assert said.basis == "exact engine, point answer"
    assert "\u2013" not in said.number  # no zero-width interval printed as a range


def test_judgement_gives_a_range_where_the_interval_straddles_a_band_edge():
    from achlab.model.words import judgement

    said = judgement(0.95003, 0.90, 0.98, "mcmc")
    assert str(said) == "very likely to almost certain (90\u201398 %)"
    assert not said.point and said.basis == "PyMC mean, 89 % interval"


def test_judgement_is_whole_percent_inside_one_band_and_finer_only_for_narrow_intervals():
    from achlab.model.words import judgement

    assert str(judgement(0.6234, 0.58, 0.70, "mcmc")) == "likely (62 %)"
    assert judgement(0.6234, 0.621, 0.626, "mcmc").number == "62.3 %"  # 0.5 points wide
    assert judgement(0.62346, 0.6233, 0.6236, "mcmc").number == "62.35 %"


def test_a_fits_weights_pinned_near_zero_read_alike_however_narrow_their_intervals():
    """Seen in the comparison chart: two PyMC weights of 6e-9 and 3e-12 read "<0.01 %" and
    "<1 %", the smaller one as a point answer because its interval was narrower than 1e-9."""
    from achlab.model.words import judgement

    wider = judgement(5.9e-9, 8.1e-15, 3.5e-9, "mcmc")
    narrower = judgement(2.6e-12, 9.3e-21, 1.4e-13, "mcmc")
    assert wider.number == narrower.number == "<0.01 %"
    assert not narrower.point and narrower.basis == "PyMC mean, 89 % interval"
    assert judgement(2.6e-12, 2.6e-12, 2.6e-12, "exact").point  # a point engine's stays one


def test_headline_names_the_range_for_an_interval():
    assert headline("Combat troops", 0.62) == "Combat troops: likely (62 %)"
    assert (headline("Combat troops", 0.95, low=0.91, high=0.98, engine="mcmc")
            == "Combat troops: very likely to almost certain (91\u201398 %)")


@pytest.mark.parametrize(("difference", "expected"), [
    (-0.32717, "\u221233 pts"), (-0.001, "0 pts"), (0.004, "0 pts"), (0.05, "+5 pts"),
    (-0.0, "0 pts"), (0.012, "+1 pt"),
])
def test_points_are_whole_and_never_minus_zero(difference, expected):
    from achlab.model.words import points

    assert points(difference) == expected


def test_count_is_whole_with_thousands_separators():
    from achlab.model.words import count

    assert count(5668.986) == "5,669"
    assert count(12) == "12"


def test_percent_refuses_nan():
    from achlab.model.words import percent

    with pytest.raises(ValueError):
        percent(float("nan"))


def test_with_interval_adds_the_interval_once():
    from achlab.model.words import judgement

    assert (judgement(0.93, 0.91, 0.944, "mcmc").with_interval()
            == "very likely (93 %; 89 % interval 91\u201394 %)")
    straddles = judgement(0.95, 0.90, 0.98, "mcmc")
    assert straddles.with_interval() == str(straddles)
    assert judgement(0.62).with_interval() == "likely (62 %)"


@pytest.mark.parametrize(("seconds", "expected"), [(0.4, "<1 s"), (42.2, "42 s"),
                                                   (185, "3 min 5 s")])
def test_duration(seconds, expected):
    from achlab.model.words import duration

    assert duration(seconds) == expected


def test_percent_range_spells_out_an_open_end():
    from achlab.model.words import percent_range

    assert percent_range(0.001, 0.02) == "<1 % to 2 %"
    assert percent_range(0.90, 0.98) == "90\u201398 %"
    assert percent_range(0.62, 0.621) == "62 %"
