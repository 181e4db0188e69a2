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
