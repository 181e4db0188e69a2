"""The evidence matrix chart: every item, most diagnostic first."""

from __future__ import annotations

import pytest

from achlab import paths
from achlab.charts import plot_matrix
from achlab.engines.classic import item_diagnosticity
from achlab.load.scenario import load_scenario


@pytest.mark.parametrize("path", paths.scenario_files(), ids=lambda p: p.stem)
def test_matrix_chart_sorted_by_diagnosticity(path):
    case = load_scenario(path)
    fig = plot_matrix(case)
    ax = fig.axes[0]
    ids = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert sorted(ids) == sorted(e.id for e in case.evidence)
    diags = [item_diagnosticity(case, next(e for e in case.evidence if e.id == i)) for i in ids]
    assert diags == sorted(diags, reverse=True)
