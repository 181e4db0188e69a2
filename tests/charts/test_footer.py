"""The footer's inputs hash: stable for the same inputs, changed by any assumption."""

from __future__ import annotations

from achlab import paths
from achlab.charts import inputs_hash
from achlab.load.scenario import load_scenario


def test_footer_hash_changes_with_assumptions(cases):
    case = cases[0]
    changed = case.with_source(case.sources[0].id, reliability=0.123)
    assert inputs_hash(case) == inputs_hash(load_scenario(paths.scenario_files()[0]))
    assert inputs_hash(changed) != inputs_hash(case)
