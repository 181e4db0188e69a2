"""Several analysts' ratings of one matrix.

- :mod:`~achlab.engines.consensus.rules`: consensus and disagreement per cell (Open Synthesis);
- :mod:`~achlab.engines.consensus.weights`: each analyst's and the consensus's weights;
- :mod:`~achlab.engines.consensus.pooling`: the analysts pooled in PyMC.
"""

from achlab.engines.consensus.pooling import PooledResult, pooled_weights
from achlab.engines.consensus.rules import (
    BAND_NAMES,
    BANDS,
    RATING_VALUES,
    AnalystRatings,
    CellConsensus,
    ConsensusResult,
    check_analysts,
    consensus,
    consensus_rating,
    disagreement,
    disagreement_band,
    restrict_to,
    round_toward_neutral,
)
from achlab.engines.consensus.weights import analyst_weights, apply_ratings, consensus_weights

__all__ = [
    "BANDS",
    "BAND_NAMES",
    "RATING_VALUES",
    "AnalystRatings",
    "CellConsensus",
    "ConsensusResult",
    "PooledResult",
    "analyst_weights",
    "apply_ratings",
    "check_analysts",
    "consensus",
    "consensus_rating",
    "consensus_weights",
    "disagreement",
    "disagreement_band",
    "pooled_weights",
    "restrict_to",
    "round_toward_neutral",
]
