"""The data model: hypotheses, sources, evidence, scales and estimative words. No I/O.

- :mod:`achlab.model.case`: :class:`Case` and its parts, and the numeric form the engines use;
- :mod:`achlab.model.scales`: rating, Admiralty and credibility scales;
- :mod:`achlab.model.words`: estimative language and the project's percentage formatting.
"""

from achlab.model.case import (
    Case,
    CaseArrays,
    EvidenceItem,
    Hypothesis,
    Indicator,
    InputError,
    Problem,
    Reliability,
    ScenarioInfo,
    Source,
)
from achlab.model.scales import Scales

__all__ = [
    "Case",
    "CaseArrays",
    "EvidenceItem",
    "Hypothesis",
    "Indicator",
    "InputError",
    "Problem",
    "Reliability",
    "Scales",
    "ScenarioInfo",
    "Source",
]
