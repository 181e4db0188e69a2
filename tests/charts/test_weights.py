"""The weights chart: bottom line up front, word and percentage per bar, intervals for MCMC."""

from __future__ import annotations

import numpy as np
import pytest

from achlab import paths
from achlab.charts import footer_text, inputs_hash, plot_weights
from achlab.engines.exact import Weights, exact_weights
from achlab.engines.likelihood import RELEVANCE_SHORT
from achlab.load.scenario import load_scenario
from tests.helpers import drawn_texts


@pytest.mark.parametrize("path", paths.scenario_files(), ids=lambda p: p.stem)
def test_weights_chart_states_the_bottom_line(path):
    case = load_scenario(path)
    w = exact_weights(case)
    fig = plot_weights(w, case)
    drawn = drawn_texts(fig)
    lead = case.labels[w.leading]
    title = next(t for t in drawn if t.startswith(lead + ":"))
    assert w.words(w.leading) in title
    # every hypothesis bar carries its word and percentage
    for h in case.hypothesis_ids:
        assert any(t.startswith(w.words(h) + " (") for t in drawn), h
    footer = footer_text(case, RELEVANCE_SHORT)
    assert footer in drawn  # the footer says that relevance does not enter the weights
    assert case.name in footer and inputs_hash(case) in footer
    if case.handling:
        assert case.handling in drawn


def test_interval_drawn_for_mcmc_weights(cases):
    case = cases[0]
    exact = exact_weights(case)
    wide = Weights(exact.hypothesis_ids, exact.mean, np.clip(exact.mean - 0.05, 0, 1),
                   np.clip(exact.mean + 0.05, 0, 1), "mcmc", case.labels)
    fig = plot_weights(wide, case)
    assert any(len(ax.containers) and any(type(c).__name__ == "ErrorbarContainer"
                                          for c in ax.containers) for ax in fig.axes)


def test_weights_chart_states_the_confidence_when_given():
    from achlab.engines.confidence import confidence

    case = load_scenario(paths.scenario_files()[0])
    judged = confidence(case)
    drawn = " ".join(drawn_texts(plot_weights(exact_weights(case), case, confidence=judged)))
    assert f"{judged.level.capitalize()} confidence: " in drawn.replace("\n", " ")
    assert "confidence" not in " ".join(drawn_texts(plot_weights(exact_weights(case), case)))
