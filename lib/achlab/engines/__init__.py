"""Engines compute on a :class:`~achlab.model.Case`; they never read files or draw charts.

- :mod:`~achlab.engines.likelihood`: the report likelihood, normaliser and quadrature they share;
- :mod:`~achlab.engines.exact`: posterior weights in closed form, and sweeps over many settings;
- :mod:`~achlab.engines.mcmc`: the PyMC model (pooled, learnable reliabilities);
- :mod:`~achlab.engines.nutpie_cache`: nutpie's compile of that model, kept in PyTensor's cache;
- :mod:`~achlab.engines.nutpie_sampler`: nutpie's sampler, its draws as xarray, without ArviZ;
- :mod:`~achlab.engines.diagnostics`: a fit's convergence table (ESS, r_hat), as ArviZ's summary;
- :mod:`~achlab.engines.sweep_kernel`: the compiled kernel of the exact engine's sweeps;
- :mod:`~achlab.engines.classic`: Heuer's inconsistency scores and diagnosticity (PARC ACH 2.0);
- :mod:`~achlab.engines.sensitivity`: linchpins, tornado, flip points, two-way sweeps;
- :mod:`~achlab.engines.indicators`: what a future report would be worth;
- :mod:`~achlab.engines.replay`: the weights as the evidence arrived, scored on the outcome;
- :mod:`~achlab.engines.effects`: what each scenario assumption does on its own;
- :mod:`~achlab.engines.consensus`: several analysts (Open Synthesis rules, PyMC pooling).
"""

from achlab.engines.classic import HeuerScores, heuer_scores
from achlab.engines.exact import Weights, exact_weights, sweep_weights

__all__ = ["HeuerScores", "Weights", "exact_weights", "heuer_scores", "sweep_weights"]
