"""Charts and exports in the house style: every chart is importable from here.

Every plot function takes an optional ``ax`` and returns the figure. Without ``ax`` it makes a
16:9 slide-sized figure with a title block (bottom line up front) and a footer (source, scenario,
evidence cut-off, inputs hash, version, handling marking), so the chart stands on its own in a
briefing; with ``ax`` it draws there and leaves layout and footer to the caller.

One chart (or two close ones) per module:

* :mod:`~achlab.charts.weights`: :func:`plot_weights`, the hypothesis weights as labelled bars;
* :mod:`~achlab.charts.comparison`: :func:`plot_comparison`, scenarios side by side;
* :mod:`~achlab.charts.matrix`: :func:`plot_matrix`, the evidence matrix of Heuer ratings;
* :mod:`~achlab.charts.reliability`: :func:`plot_reliability`, source reliability before and
  after the evidence (PyMC fit);
* :mod:`~achlab.charts.tornado`: :func:`plot_tornado`, the lead's weight as each assumption
  swings (and :func:`one_in`, small probabilities as odds);
* :mod:`~achlab.charts.heatmap`: :func:`plot_sweep_heatmap`, the lead's weight over two
  assumptions;
* :mod:`~achlab.charts.replay`: :func:`plot_replay_fan`, the weights over time as the evidence
  arrived;
* :mod:`~achlab.charts.flips`: :func:`plot_flip_points`, where one assumption flips the lead;
* :mod:`~achlab.charts.consensus`: :func:`plot_consensus` and :func:`plot_analyst_weights`,
  several analysts rating one matrix.

And what they share:

* :mod:`~achlab.charts.style`: the style file, palette, hatches, line styles, markers, band
  edges, the slide-sized figure and its title block;
* :mod:`~achlab.charts.layout`: text on charts: measuring, wrapping, shortening, overlap checks
  and label placement;
* :mod:`~achlab.charts.footer`: the footer and the short hash of a chart's inputs;
* :mod:`~achlab.charts.export`: PNG files (SVG and PDF when asked), byte-identical on a rerun.
"""

from achlab.charts.comparison import plot_comparison
from achlab.charts.consensus import plot_analyst_weights, plot_consensus
from achlab.charts.export import export_figure
from achlab.charts.flips import plot_flip_points
from achlab.charts.footer import add_footer, footer_text, inputs_hash
from achlab.charts.heatmap import plot_sweep_heatmap
from achlab.charts.matrix import plot_matrix
from achlab.charts.reliability import plot_reliability
from achlab.charts.replay import plot_replay_fan
from achlab.charts.style import (
    HYPOTHESIS_HATCHES,
    PALETTE,
    RATING_COLOURS,
    SLIDE_SIZE,
    new_figure,
    style,
)
from achlab.charts.tornado import one_in, plot_tornado
from achlab.charts.weights import plot_weights

__all__ = [
    "HYPOTHESIS_HATCHES",
    "PALETTE",
    "RATING_COLOURS",
    "SLIDE_SIZE",
    "add_footer",
    "export_figure",
    "footer_text",
    "inputs_hash",
    "new_figure",
    "one_in",
    "plot_analyst_weights",
    "plot_comparison",
    "plot_consensus",
    "plot_flip_points",
    "plot_matrix",
    "plot_reliability",
    "plot_replay_fan",
    "plot_sweep_heatmap",
    "plot_tornado",
    "plot_weights",
    "style",
]
