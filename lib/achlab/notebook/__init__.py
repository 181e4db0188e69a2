"""The notebook face: what notebooks call, and running them all.

- :mod:`~achlab.notebook.session`: set-up, loading a scenario, the closing versions cell;
- :mod:`~achlab.notebook.fits`: PyMC fits made once and read by every notebook that asks again;
- :mod:`~achlab.notebook.widgets`: the reliability sliders panel;
- :mod:`~achlab.notebook.pipeline`: ``achlab run``, every notebook per scenario, with reports;
- :mod:`~achlab.notebook.kernels`: kernels kept across the notebooks a worker runs;
- :mod:`~achlab.notebook.hygiene`: committed notebooks carry no outputs.
"""

from achlab.notebook.fits import fit, pooled
from achlab.notebook.session import PACKAGES, load, scenario_path, setup, versions

__all__ = ["PACKAGES", "fit", "load", "pooled", "scenario_path", "setup", "versions"]
