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
from dataclasses import dataclass

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


#: What each engine's number is, as an output names it.
ENGINES = {"exact": "exact engine", "mcmc": "PyMC"}

#: An interval narrower than this (a probability) is a point answer, from an engine that is not
#: sampled: a sampled engine's interval is an interval however narrow (a weight pinned near 0
#: by the evidence), and says the precision it supports like any other.
POINT_WIDTH = 1e-9
SAMPLED_ENGINES = frozenset({"mcmc"})


def percent(probability: float, yardstick: str = "icd203", digits: int = 0) -> str:
    """Format a probability as a percentage, whole unless told otherwise (``digits``).

    ``'<1 %'`` and ``'>99 %'`` (``'>99.99 %'`` with two decimals) stay honest at the ends.
    Where the rounded number would sit in another band than the probability (0.049 rounds to
    5 %, which is "very unlikely"), decimals are added until it does not: ``"4.9 %"``; 0.9495 is
    "very likely (95 %)" since 95 % is.
    """
    p = 100.0 * float(probability)
    if math.isnan(p):
        raise ValueError("cannot format NaN as a percentage")
    if 0 < p < 100 and round(p, digits) in (0, 100):  # never 0 % or 100 % for a maybe
        step = 10.0 ** -digits
        return f"<{step:.{digits}f} %" if p < 50 else f">{100 - step:.{digits}f} %"
    word = estimative_word(min(max(p / 100, 0.0), 1.0), yardstick)
    for places in range(digits, 4):
        shown = round(p, places)
        if estimative_word(min(max(shown / 100, 0.0), 1.0), yardstick) == word:
            return f"{shown:.{places}f} %"
    return f"{p:.3f} %"


def percent_range(low: float, high: float, yardstick: str = "icd203", digits: int = 0) -> str:
    """A range of probabilities, ``"90–98 %"``; one number when both ends read alike."""
    a, b = percent(low, yardstick, digits), percent(high, yardstick, digits)
    if a == b:
        return a
    if a[0] in "<>" or b[0] in "<>":
        return f"{a} to {b}"
    return f"{a.removesuffix(' %')}\u2013{b}"


def digits_for(low: float, high: float) -> int:
    """Decimals of a percentage an interval supports: 0 unless it is narrower than 1 point."""
    width = 100.0 * (float(high) - float(low))
    if width >= 1.0 or width <= 0.0:
        return 0
    return min(2, math.ceil(-math.log10(width)))


@dataclass(frozen=True)
class Judgement:
    """One answer in words and one number, as every output shows it.

    Attributes
    ----------
    words : str
        The estimative word, or two (``"very likely to almost certain"``) when the interval
        straddles a band edge.
    number : str
        The number the uncertainty supports: ``"95 %"``, or a range ``"90\u201398 %"``.
    engine : str
        The engine that gave it, by name (``"exact engine"``, ``"PyMC"``).
    point : bool
        True for a point answer (no interval: the exact engine with point reliabilities).
    interval : str
        The 89 % interval as a range (``""`` for a point answer).
    """

    words: str
    number: str
    engine: str
    point: bool
    interval: str = ""

    def __str__(self) -> str:
        return f"{self.words} ({self.number})"

    def with_interval(self) -> str:
        """The words and number, and the 89 % interval unless the number already is it."""
        if self.point or self.interval == self.number:
            return str(self)
        return f"{self.words} ({self.number}; 89 % interval {self.interval})"

    @property
    def basis(self) -> str:
        """What the number is: ``"exact engine, point answer"``, ``"PyMC mean, 89 % interval"``."""
        if self.point:
            return f"{self.engine}, point answer"
        return f"{self.engine} mean, 89 % interval"


def judgement(mean: float, low: float | None = None, high: float | None = None,
              engine: str = "exact", yardstick: str = "icd203") -> Judgement:
    """The words and the one number for a probability and its interval.

    Parameters
    ----------
    mean : float
        The engine's number (the exact engine's weight, the PyMC posterior mean).
    low, high : float, optional
        The 89 % interval; none, or ``low == high``, is a point answer.
    engine : {"exact", "mcmc"} or str
        The engine, named in :attr:`Judgement.engine`.
    yardstick : {"icd203", "uk"}

    Returns
    -------
    Judgement
        Whole percent unless the interval is narrower than a point; a range where the interval
        straddles a band edge.
    """
    name = ENGINES.get(engine, engine)
    mean = float(mean)
    if low is None or high is None or (engine not in SAMPLED_ENGINES
                                       and float(high) - float(low) <= POINT_WIDTH):
        return Judgement(estimative_word(mean, yardstick), percent(mean, yardstick), name, True)
    low, high = float(low), float(high)
    digits = digits_for(low, high)
    interval = percent_range(low, high, yardstick, digits)
    w_low, w_high = estimative_word(low, yardstick), estimative_word(high, yardstick)
    if w_low != w_high:
        return Judgement(f"{w_low} to {w_high}", interval, name, False, interval)
    return Judgement(estimative_word(mean, yardstick), percent(mean, yardstick, digits), name,
                     False, interval)


def judgement_of(weights, hypothesis_id: str) -> Judgement:
    """The :func:`judgement` of one hypothesis of an engine's weights (mean, low, high, method)."""
    n = list(weights.hypothesis_ids).index(hypothesis_id)
    return judgement(weights.mean[n], weights.low[n], weights.high[n], weights.method,
                     weights.yardstick)


def headline(label: str, probability: float, yardstick: str = "icd203",
             low: float | None = None, high: float | None = None,
             engine: str = "exact") -> str:
    """Bottom line up front: ``"Combat troops: likely (62 %)"``."""
    return f"{label}: {judgement(probability, low, high, engine, yardstick)}"


def points(difference: float) -> str:
    """A change of probability in whole percentage points: ``"\u221233 pts"``, never ``"-0"``."""
    whole = round(100.0 * float(difference))
    if whole == 0:
        return "0 pts"
    unit = "pt" if abs(whole) == 1 else "pts"
    return f"{'+' if whole > 0 else chr(0x2212)}{abs(whole)} {unit}"


def count(value: float) -> str:
    """A count an analyst reads (an effective sample size): ``5668.986`` is ``"5,669"``."""
    return f"{round(float(value)):,}"


def setting(value: float) -> str:
    """A reliability or motive setting: two decimals, three where two would round it off.

    ``0.6`` is ``"0.60"``; a flip point at ``0.075`` stays ``"0.075"``.
    """
    v = float(value)
    return f"{v:.2f}" if round(v, 2) == round(v, 3) else f"{v:.3f}"


def score(value: float) -> str:
    """A Brier score (0 best, 2 worst) or another proper score: three decimals, ``"0.089"``."""
    return f"{float(value):.3f}"


def duration(seconds: float) -> str:
    """A run time as read: ``"<1 s"``, ``"42 s"``, ``"3 min 5 s"``."""
    whole = round(float(seconds))
    if whole < 1:
        return "<1 s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
