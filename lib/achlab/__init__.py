"""achlab: Analysis of Competing Hypotheses with honest probabilities.

Layers, each importing only the ones below it:

1. data model (:mod:`achlab.model`, :mod:`achlab.scales`, :mod:`achlab.language`), no I/O;
2. loading and validation (:mod:`achlab.loading`): files to a :class:`~achlab.model.Case`;
3. engines (:mod:`achlab.engines`): exact, PyMC, classic ACH, sensitivity;
4. charts and exports (:mod:`achlab.charts`);
5. faces: command line (:mod:`achlab.cli`), notebook pipeline, widgets.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("achlab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from achlab.load.case import load_case
from achlab.load.scenario import load_scenario, resolve
from achlab.model import Case, InputError, Problem  # noqa: E402

__all__ = ["Case", "InputError", "Problem", "load_case", "load_scenario", "resolve", "__version__"]
