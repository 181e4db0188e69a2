"""Engines compute on a :class:`~achlab.model.Case`; they never read files or draw charts."""

from achlab.engines.classic import HeuerScores, heuer_scores
from achlab.engines.exact import Weights, exact_weights, sweep_weights

__all__ = ["HeuerScores", "Weights", "exact_weights", "heuer_scores", "sweep_weights"]
