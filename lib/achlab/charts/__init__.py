"""Charts and exports in the house style.

Every plot function takes an optional ``ax`` and returns the figure. Without ``ax`` it makes a
16:9 slide-sized figure with a footer (source, scenario, evidence cut-off, inputs hash, version,
handling marking), so the chart stands on its own in a briefing.
"""

from achlab.charts.basic import (
    plot_comparison,
    plot_matrix,
    plot_reliability,
    plot_weights,
)
from achlab.charts.export import export_figure
from achlab.charts.footer import add_footer, footer_text, inputs_hash
from achlab.charts.style import HYPOTHESIS_HATCHES, PALETTE, RATING_COLOURS, new_figure, style

__all__ = [
    "HYPOTHESIS_HATCHES",
    "PALETTE",
    "RATING_COLOURS",
    "add_footer",
    "export_figure",
    "footer_text",
    "inputs_hash",
    "new_figure",
    "plot_comparison",
    "plot_matrix",
    "plot_reliability",
    "plot_weights",
    "style",
]
