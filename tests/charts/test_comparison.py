"""The comparison chart: one row per scenario, the leader of each starred."""

from __future__ import annotations

from achlab.charts import plot_comparison
from achlab.engines.exact import exact_weights
from tests.helpers import drawn_texts


def test_comparison_marks_the_leader(cases):
    results = [(c, exact_weights(c)) for c in cases]
    fig = plot_comparison(results)
    starred = [t for t in drawn_texts(fig) if "\u2605" in t]
    assert len(starred) == len(cases)
