"""achlab: Analysis of Competing Hypotheses with honest probabilities.

Layers, each importing only the ones below it:

1. :mod:`achlab.model`: hypotheses, sources, evidence, scales, estimative words; no I/O;
2. :mod:`achlab.load`: files to a :class:`~achlab.model.Case`, scenario overrides applied;
3. :mod:`achlab.engines`: exact, PyMC, classic ACH, sensitivity, indicators, replay, consensus;
4. :mod:`achlab.charts` and :mod:`achlab.outputs`: charts, terminal text, tables, the deck;
5. faces: :mod:`achlab.cli` (command line), :mod:`achlab.notebook` (notebooks, pipeline,
   widgets), :mod:`achlab.teaching` (the course's exercises).

The names below are the public API a notebook needs; ``from achlab import load_scenario,
exact_weights, plot_weights`` and so on. Heavy parts (PyMC, matplotlib, python-pptx) are imported
only when one of their names is first used.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("achlab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: Public name -> module that defines it.
_PUBLIC = {
    # data model
    **dict.fromkeys(("Case", "EvidenceItem", "Hypothesis", "InputError", "Problem", "Reliability",
                     "Source"), "achlab.model"),
    **dict.fromkeys(("estimative_word", "headline", "percent"), "achlab.model.words"),
    # loading
    **dict.fromkeys(("load_case", "load_scenario", "resolve", "validate_everything"),
                    "achlab.load"),
    "load_analysts": "achlab.load.analysts",
    **dict.fromkeys(("has_indicators", "load_indicators"), "achlab.load.indicators"),
    # engines
    **dict.fromkeys(("Weights", "exact_weights", "sweep_weights"), "achlab.engines.exact"),
    **dict.fromkeys(("HeuerScores", "heuer_scores", "item_diagnosticity"),
                    "achlab.engines.classic"),
    "fit": "achlab.engines.mcmc",
    **dict.fromkeys(("assumption_sweep", "flip_points", "leave_one_out", "tornado"),
                    "achlab.engines.sensitivity"),
    "value_of_information": "achlab.engines.indicators",
    **dict.fromkeys(("post_mortem", "replay", "replay_scenarios", "with_full_evidence"),
                    "achlab.engines.replay"),
    "assumption_effects": "achlab.engines.effects",
    **dict.fromkeys(("analyst_weights", "consensus", "consensus_weights", "pooled_weights"),
                    "achlab.engines.consensus"),
    # charts and exports
    **dict.fromkeys(("export_figure", "plot_analyst_weights", "plot_comparison", "plot_consensus",
                     "plot_flip_points", "plot_matrix", "plot_reliability", "plot_replay_fan",
                     "plot_sweep_heatmap", "plot_tornado", "plot_weights"), "achlab.charts"),
    "write_deck": "achlab.outputs.deck",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    """Import a public name's module on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'achlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
