"""Fixtures for the chart tests; the helpers behind them are in :mod:`tests.helpers`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from achlab import paths
from achlab.load.scenario import load_scenario


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test leaves open."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def cases():
    """Every scenario of ``scenarios/``, loaded, in file-name order."""
    return [load_scenario(p) for p in paths.scenario_files()]
