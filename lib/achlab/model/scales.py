"""Default scales of model.md §1: Heuer ratings, Admiralty reliability, information credibility.

A case may override any of them in ``case.yaml``; these are the defaults. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

#: Width of every interval the project reports (PyMC weights, reliability priors and posteriors,
#: pooled likelihoods): the central 89 %, as ArviZ does by default.
INTERVAL = 0.89


def interval_tails(prob: float = INTERVAL) -> tuple[float, float]:
    """Lower and upper quantile levels of the central ``prob`` interval: ``(0.055, 0.945)``."""
    tail = (1 - prob) / 2
    return tail, 1 - tail


#: Heuer's ratings, most consistent first.
RATINGS = ("CC", "C", "N", "I", "II")
#: Not applicable: the cell takes the mean of the item's rated cells.
NOT_APPLICABLE = "NA"

DEFAULT_RATING_SCALE = MappingProxyType({"CC": 0.95, "C": 0.80, "N": 0.50, "I": 0.20, "II": 0.05})

#: Admiralty letter -> (mean reliability, Beta concentration); ``None`` concentration is Beta(1, 1).
DEFAULT_RELIABILITY_SCALE = MappingProxyType(
    {
        "A": (0.95, 20.0),
        "B": (0.80, 20.0),
        "C": (0.60, 20.0),
        "D": (0.35, 20.0),
        "E": (0.10, 20.0),
        "F": (0.50, None),
    }
)

RELIABILITY_NAMES = MappingProxyType(
    {
        "A": "Completely reliable",
        "B": "Usually reliable",
        "C": "Fairly reliable",
        "D": "Not usually reliable",
        "E": "Unreliable",
        "F": "Reliability cannot be judged",
    }
)

DEFAULT_CREDIBILITY_SCALE = MappingProxyType(
    {"1": 1.00, "2": 0.90, "3": 0.75, "4": 0.50, "5": 0.25, "6": 1.00}
)
CREDIBILITY_NAMES = MappingProxyType(
    {
        "1": "Confirmed by other sources",
        "2": "Probably true",
        "3": "Possibly true",
        "4": "Doubtful",
        "5": "Improbable",
        "6": "Truth cannot be judged",
    }
)
#: H/M/L credibility as an Admiralty code (for the Bayesian factor).
HML_TO_CODE = MappingProxyType({"H": "2", "M": "3", "L": "4"})

#: PARC ACH 2.0 weights for credibility and relevance.
PARC_WEIGHTS = MappingProxyType({"H": 2**0.5, "M": 1.0, "L": 2**-0.5})
#: Admiralty credibility code -> PARC level.
CODE_TO_PARC = MappingProxyType({"1": "H", "2": "H", "3": "M", "4": "L", "5": "L", "6": "L"})
#: PARC inconsistency value of a rating.
PARC_VALUES = MappingProxyType({"CC": 0, "C": 0, "N": 0, "I": 1, "II": 2, "NA": 0})

DEFAULT_MOTIVE = 0.5

#: What a report says of its event (model.md §4): ``asserts`` it happened (the default),
#: ``denies`` it, or ``observed``: the analyst saw it happen (behaviour, a published document),
#: so there is no testimony discount: reliability 1 and motive 0 in effect.
ASSERTS, DENIES, OBSERVED = "asserts", "denies", "observed"
STANCES = (ASSERTS, DENIES, OBSERVED)


@dataclass(frozen=True)
class Scales:
    """The three scales a case uses (defaults of model.md §1 unless the case overrides them)."""

    rating: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATING_SCALE))
    reliability: dict[str, tuple[float, float | None]] = field(
        default_factory=lambda: dict(DEFAULT_RELIABILITY_SCALE)
    )
    credibility: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CREDIBILITY_SCALE)
    )

    def nearest_rating(self, probability: float) -> str:
        """The rating whose scale value is nearest to ``probability``.

        A tie goes to the milder rating (the one nearer to ``N``).
        """
        neutral = self.rating.get("N", 0.5)
        order = sorted(self.rating.items(),
                       key=lambda kv: (round(abs(kv[1] - probability), 12), abs(kv[1] - neutral)))
        return order[0][0]
