"""The reliability chart: prior against posterior per source."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from achlab import paths
from achlab.charts import footer_text, plot_reliability
from achlab.load.scenario import load_scenario
from tests.helpers import drawn_texts


@pytest.mark.parametrize("path", paths.scenario_files(), ids=lambda p: p.stem)
def test_reliability_chart_names_the_most_discredited_source(path):
    """Prior against posterior per source, from a stand-in fit (the real fit runs in 03)."""
    case = load_scenario(path)
    rows = []
    for n, s in enumerate(case.sources):
        lo, hi = s.reliability.interval(0.89)
        post = max(0.0, s.reliability.mean - 0.3) if n == 2 else s.reliability.mean
        rows.append({"source": s.id, "name": s.name, "reports": n,
                     "prior mean": s.reliability.mean, "prior low": lo, "prior high": hi,
                     "posterior mean": post, "posterior low": max(0.0, post - 0.05),
                     "posterior high": min(1.0, post + 0.05)})
    table = pd.DataFrame(rows).set_index("source")
    table["shift"] = table["posterior mean"] - table["prior mean"]
    fig = plot_reliability(SimpleNamespace(reliability=table, case=case))
    drawn = drawn_texts(fig)
    short = case.sources[2].name.split(" (")[0]
    title = [t for t in drawn if t.startswith("The evidence discredits")]
    assert title and short[:20] in title[0], drawn[:3]
    assert any("1 report)" in t for t in drawn) and any("2 reports)" in t for t in drawn)
    assert footer_text(case, "PyMC posterior") in drawn
