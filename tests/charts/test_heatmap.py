"""The heat map of two assumptions: its 50 % label is never under the star of today's values."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from achlab import paths
from achlab.charts import plot_sweep_heatmap
from achlab.charts.layout import text_problems
from achlab.engines.sensitivity import Assumption, assumption_sweep, tornado
from tests.helpers import bundled_scenario

SCENARIOS = sorted(p.stem for p in paths.scenarios_dir().glob("*.yaml"))


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_contour_label_keeps_clear_of_the_star(name):
    """As notebook 05 draws it: the two widest tornado bars. Under claimants-deceive,
    matplotlib's own placement put "50 %" under the star."""
    case = bundled_scenario(name)
    x, y = (Assumption(s.source_id, s.parameter) for s in tornado(case).swings[:2])
    grid = assumption_sweep(case, x, y)
    fig = plot_sweep_heatmap(grid, case)
    ax = fig.axes[0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    star = ax.transData.transform((grid.base_x, grid.base_y))
    radius = 11 * fig.dpi / 72  # half the marker's 22 pt
    for label in (t for t in ax.texts if t.get_text() == "50 %"):
        box = label.get_window_extent(r).padded(radius)
        assert not box.contains(*star), name
    assert text_problems(fig) == []
    plt.close(fig)
