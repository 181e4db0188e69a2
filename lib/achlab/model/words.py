"""Estimative language: words for probabilities (ICD 203, or the UK PHIA yardstick).

The bands of ICD 203 touch at 5, 20, 45, 55, 80 and 95 %. Where a probability sits exactly on an
edge the word nearer to "roughly even chance" is used, so that ``p`` and ``1 - p`` get mirrored
words (0.20 is "unlikely", 0.80 is "likely"). Above 99 % ICD 203 has no word; we still say
"almost certain", never "certain"; likewise below 1 %, "almost no chance".

The UK yardstick leaves deliberate gaps (5-10 %, 20-25 %, ...). A probability in a gap takes the
band whose edge is nearer; at the gap's midpoint, the band nearer to even chance.
"""

from __future__ import annotations

import math

ICD203 = (
    # (upper edge, word, upper edge inclusive?)
    (0.05, "almost no chance", False),
    (0.20, "very unlikely", False),
    (0.45, "unlikely", False),
    (0.55, "roughly even chance", True),
    (0.80, "likely", True),
    (0.95, "very likely", True),
    (1.00, "almost certain", True),
)

UK_PHIA = (
    (0.075, "remote chance", False),
    (0.225, "highly unlikely", False),
    (0.375, "unlikely", False),
    (0.525, "realistic possibility", True),
    (0.775, "likely", True),
    (0.925, "highly likely", True),
    (1.00, "almost certain", True),
)

YARDSTICKS = {"icd203": ICD203, "uk": UK_PHIA}

def bands(yardstick: str = "icd203") -> tuple[tuple[float, float, str], ...]:
    """The bands of a yardstick as ``(lower edge, upper edge, word)``, lowest first.

    Raises
    ------
    ValueError
        If the yardstick is unknown.
    """
    if yardstick not in YARDSTICKS:
        raise ValueError(f"unknown yardstick {yardstick!r}; use one of {sorted(YARDSTICKS)}")
    table = YARDSTICKS[yardstick]
    lowers = (0.0, *(edge for edge, _, _ in table[:-1]))
    return tuple((lo, edge, word) for lo, (edge, word, _) in zip(lowers, table, strict=True))


def band_of(probability: float, yardstick: str = "icd203") -> tuple[float, float, str]:
    """The band ``(lower edge, upper edge, word)`` whose word :func:`estimative_word` gives."""
    word = estimative_word(probability, yardstick)
    return next(b for b in bands(yardstick) if b[2] == word)


def estimative_word(probability: float, yardstick: str = "icd203") -> str:
    """Return the estimative word for ``probability``.

    Parameters
    ----------
    probability : float
        A probability in [0, 1].
    yardstick : {"icd203", "uk"}
        ICD 203 (default) or the UK Professional Head of Intelligence Assessment yardstick.

    Raises
    ------
    ValueError
        If the probability is not a number in [0, 1] or the yardstick is unknown.
    """
    if yardstick not in YARDSTICKS:
        raise ValueError(f"unknown yardstick {yardstick!r}; use one of {sorted(YARDSTICKS)}")
    p = float(probability)
    if math.isnan(p) or not 0.0 <= p <= 1.0:
        raise ValueError(f"probability must be in [0, 1], got {probability!r}")
    p = round(p, 12)  # 1 - 0.8 is 0.19999999999999996: an edge is an edge
    for edge, word, inclusive in YARDSTICKS[yardstick]:
        if p < edge or (inclusive and p == edge):
            return word
    return YARDSTICKS[yardstick][-1][1]


#: Band edges (in %) where a rounded whole number could contradict the word beside it.
_EDGES = {round(100 * upper) for _, upper, _ in bands("icd203")[:-1]}


def percent(probability: float) -> str:
    """Format a probability as a whole percentage, keeping '<1 %' and '>99 %' honest.

    Near a band edge one decimal is kept, so that the number never contradicts its word
    (0.049 is "almost no chance (4.9 %)", not "(5 %)").
    """
    p = 100.0 * float(probability)
    if 0 < p < 0.5:
        return "<1 %"
    if 99.5 <= p < 100:
        return ">99 %"
    whole = round(p)
    if whole in _EDGES and abs(p - whole) > 1e-9:
        for digits in (1, 2, 3):
            if round(p, digits) != whole:
                return f"{p:.{digits}f} %"
    return f"{p:.0f} %"


def headline(label: str, probability: float, yardstick: str = "icd203") -> str:
    """Bottom line up front: ``"Combat troops: likely (62 %)"``."""
    return f"{label}: {estimative_word(probability, yardstick)} ({percent(probability)})"
