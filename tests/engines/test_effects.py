"""Which assumption moves the answer most, and the PyMC checks table."""

from __future__ import annotations

import pytest

from achlab import paths, resolve
from achlab.engines.effects import assumption_effects
from achlab.engines.exact import exact_weights


@pytest.fixture(scope="module")
def base():
    return resolve(paths.scenarios_dir() / "baseline.yaml")


def test_single_source_change_is_measured_alone(base):
    other = base.with_source("kr-gov", reliability=0.2).with_source("ua-gov", motive=0.95)
    frame = assumption_effects(base, [other])
    lead = exact_weights(base).leading
    rows = dict(zip(frame["assumption"], frame["change (points)"], strict=True))
    alone = exact_weights(base.with_source("kr-gov", reliability=0.2))[lead]
    expected = 100 * (alone - exact_weights(base)[lead])
    key = next(k for k in rows if k.startswith("kr-gov reliability"))
    assert rows[key] == pytest.approx(expected, abs=1e-9)
    whole = exact_weights(other)[lead] - exact_weights(base)[lead]
    assert rows["whole scenario"] == pytest.approx(100 * whole, abs=1e-9)
    assert len(frame) == 3  # two assumptions + the whole scenario
    sizes = frame["change (points)"].abs().tolist()
    assert sizes == sorted(sizes, reverse=True)


def test_identical_scenario_moves_nothing(base):
    frame = assumption_effects(base, [base])
    assert list(frame["assumption"]) == ["whole scenario"]
    assert frame["change (points)"].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_prior_and_evidence_differences_are_found(base):
    later = resolve(paths.scenarios_dir() / "hindsight-2025.yaml")
    other = later.with_prior({"combat": 0.2, "technical": 0.5, "none": 0.3})
    names = list(assumption_effects(base, [other])["assumption"])
    assert any(n.startswith("prior ->") for n in names)
    assert any(n.startswith("evidence:") for n in names)


@pytest.mark.slow
def test_checks_table_flags_a_short_fit(base):
    from achlab.engines import mcmc

    short = mcmc.fit(base, draws=30, tune=30, chains=2, check=False)
    table = short.checks()
    assert list(table.index) == ["r_hat", "bulk ESS", "divergences"]
    assert not table.loc["bulk ESS", "passes"]
    assert not short.trustworthy
    assert table.loc["bulk ESS", "value"] < 400
