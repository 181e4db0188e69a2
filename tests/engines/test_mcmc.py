"""The PyMC engine (model.md §1): agreement with the exact answer, learned and pooled reliabilities,
seeds, refits on a compiled model, the sampling check, labels, and the command line.

Every test samples, so every test is ``slow``. Compiling a model structure costs about 10 s and
sampling a fit about 0.2 s, so the tests share three structures: the bundled baseline case, one
constructed structure (:func:`constructed`: 3 hypotheses, the same 10 sources, 12 items, padded
with items that carry no information) used by every constructed case, and that structure pooled.
Expected values come from the exact engine or from the direction the model must move; no test
compares the sampler with a number it printed itself.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import achlab
from achlab import paths
from achlab.cli import main
from achlab.engines import mcmc
from achlab.engines.exact import exact_weights
from achlab.model import Reliability
from tests.helpers import make_case, make_item, make_source

#: Small, well-mixed fits: 4 chains x 1000 draws gives a bulk ESS of several thousand here.
FAST = {"draws": 1000, "tune": 500, "chains": 4}

HYPS = ("H1", "H2", "H3")
#: Sources of the constructed structure: six reliable reporters, ``x`` (letter C) who makes
#: conflicting or contradicted reports, ``silent`` (no reports), ``a`` and ``b`` (one group).
SOURCES = ("r1", "r2", "r3", "r4", "r5", "r6", "x", "silent", "a", "b")
N_ITEMS = 12
NEUTRAL = {"H1": "N", "H2": "N", "H3": "N"}  # p = 0.5 = motive: the factor is 0.5 whatever rho
FOR_H1 = {"H1": "CC", "H2": "II", "H3": "II"}
FOR_H2 = {"H1": "II", "H2": "CC", "H3": "II"}


def constructed(items, reliability=None, groups=None, case_id="constructed"):
    """A case of the shared constructed structure (same hypotheses, sources and item count).

    Parameters
    ----------
    items : list of EvidenceItem
        At most ``N_ITEMS``; the rest are padded with neutral reports by ``r1`` (fixed 0.9).
    reliability : dict, optional
        Source id -> reliability (number = fixed, letter = Beta prior). Default: ``r*`` fixed
        0.9, the others letter C.
    groups : dict, optional
        Source id -> group (matters only when pooling).
    """
    reliability = reliability or {}
    groups = groups or {}
    sources = [make_source(s, reliability.get(s, 0.9 if s.startswith("r") else "C"),
                           group=groups.get(s, "")) for s in SOURCES]
    items = list(items)
    assert len(items) <= N_ITEMS
    items += [make_item(f"pad{k}", "r1", NEUTRAL) for k in range(N_ITEMS - len(items))]
    return make_case(HYPS, sources, items, case_id=case_id)


def weight_mcse(result, hypothesis_id: str) -> float:
    """Monte Carlo standard error of the mean weight of one hypothesis."""
    return float(result.diagnostics.loc[f"weights[{hypothesis_id}]", "mcse_mean"])


def assert_matches_exact(result, case) -> None:
    """MCMC weights within 3 MCSE of the exact weights, hypothesis by hypothesis."""
    exact = exact_weights(case)
    for h in case.hypothesis_ids:
        tol = 3 * weight_mcse(result, h) + 1e-9
        assert abs(result.weights[h] - exact[h]) <= tol, (
            f"{h}: mcmc {result.weights[h]:.5f} vs exact {exact[h]:.5f} (3 MCSE = {tol:.2e})")


# ---------------------------------------------------------------------------- shared cases
@pytest.fixture(scope="module")
def baseline():
    """The bundled case under the baseline scenario."""
    return achlab.resolve(paths.scenarios_dir() / "baseline.yaml")


@pytest.fixture(scope="module")
def baseline_fit(baseline):
    """One unpooled fit of the baseline case (compiles the baseline structure)."""
    return mcmc.fit(baseline, seed=11, pooling=False, **FAST)


@pytest.fixture(scope="module")
def conflicting():
    """Source ``x`` (letter C) makes five conflicting reports: three for H1, two for H2."""
    reports = [{"H1": "CC", "H2": "II", "H3": "N"}] * 3 + [
        {"H1": "II", "H2": "CC", "H3": "C"}, {"H1": "II", "H2": "CC", "H3": "N"}]
    items = [make_item(f"x{k}", "x", r) for k, r in enumerate(reports)]
    items.append(make_item("r1e", "r1", {"H1": "I", "H2": "C", "H3": "N"}))
    return constructed(items, case_id="conflicting")


# ---------------------------------------------------------------------------- agreement
@pytest.mark.slow
def test_unpooled_weights_match_exact_on_baseline(baseline, baseline_fit):
    assert baseline_fit.divergences == 0
    assert_matches_exact(baseline_fit, baseline)


@pytest.mark.slow
def test_unpooled_weights_match_exact_with_conflicting_reports(conflicting):
    # The spread of x's Beta prior matters here: plugging in its mean reliability gives other
    # weights than integrating it out, so agreeing with the exact answer is a real check.
    arr = conflicting.arrays()
    plug_in = exact_weights(conflicting, rho=arr.rel_mean).mean
    assert np.abs(exact_weights(conflicting).mean - plug_in).max() > 0.005
    result = mcmc.fit(conflicting, seed=12, pooling=False, **FAST)
    assert_matches_exact(result, conflicting)


# ---------------------------------------------------------------------------- reliabilities
@pytest.mark.slow
def test_contradicted_source_loses_reliability_silent_source_keeps_prior():
    items = [make_item(f"r{k}e", f"r{k}", FOR_H1) for k in range(1, 7)]
    items += [make_item(f"x{k}", "x", FOR_H2) for k in range(4)]
    case = constructed(items, reliability={"silent": "B"}, case_id="contradicted")
    result = mcmc.fit(case, seed=13, pooling=False, **FAST)
    table = result.reliability
    assert table.loc["x", "reports"] == 4 and table.loc["silent", "reports"] == 0
    x_mcse = float(result.diagnostics.loc["reliability[x]", "mcse_mean"])
    assert table.loc["x", "posterior mean"] < table.loc["x", "prior mean"] - 3 * x_mcse
    assert table.loc["x", "shift"] < -0.05
    silent_mcse = float(result.diagnostics.loc["reliability[silent]", "mcse_mean"])
    gap = abs(table.loc["silent", "posterior mean"] - table.loc["silent", "prior mean"])
    assert gap <= max(0.02, 3 * silent_mcse)


@pytest.mark.slow
def test_pooling_pulls_group_member_down_and_weakens_its_report():
    # r1..r6 (fixed 0.9) make H2 all but impossible and leave H1 and H3 level; a (letter C)
    # insists on H2 five times, so it is learned unreliable. b (letter C, same group) makes one
    # report for H3 over H1: the only thing that separates H1 from H3.
    def case(b_report):
        items = [make_item(f"r{k}e", f"r{k}", {"H1": "CC", "H2": "II", "H3": "CC"})
                 for k in range(1, 7)]
        items += [make_item(f"a{k}", "a", FOR_H2) for k in range(5)]
        items.append(make_item("b0", "b", b_report))
        return constructed(items, groups={"a": "g", "b": "g"}, case_id="pooling")

    with_b = case({"H1": "I", "H2": "N", "H3": "CC"})
    without_b = case(NEUTRAL)
    fits = {(pooled, name): mcmc.fit(c, seed=14, pooling=pooled, **FAST)
            for pooled in (False, True) for name, c in (("with", with_b), ("without", without_b))}
    move = {pooled: fits[pooled, "with"].weights["H3"] - fits[pooled, "without"].weights["H3"]
            for pooled in (False, True)}
    assert move[False] > 0.1  # b's report favours H3
    assert 0 < move[True] < move[False] - 0.02  # ... but counts less once b shares a's discredit
    rel_b = {pooled: fits[pooled, "with"].reliability.loc["b", "posterior mean"]
             for pooled in (False, True)}
    assert rel_b[True] < rel_b[False] - 0.05
    rel_a = fits[True, "with"].reliability.loc["a"]
    assert rel_a["posterior mean"] < rel_a["prior mean"] - 0.1
    assert "mu_group" in fits[True, "with"].idata.posterior
    assert "mu_group" not in fits[False, "with"].idata.posterior


# ---------------------------------------------------------------------------- reproducibility
@pytest.mark.slow
def test_same_seed_same_draws_other_seed_other_draws(conflicting):
    first = mcmc.fit(conflicting, seed=21, pooling=False, **FAST)
    again = mcmc.fit(conflicting, seed=21, pooling=False, **FAST)
    other = mcmc.fit(conflicting, seed=22, pooling=False, **FAST)
    np.testing.assert_array_equal(first.weight_draws(), again.weight_draws())
    np.testing.assert_array_equal(first.idata.posterior["reliability"].values,
                                  again.idata.posterior["reliability"].values)
    assert first.weights.mean.tolist() == again.weights.mean.tolist()
    assert not np.array_equal(first.weight_draws(), other.weight_draws())


@pytest.mark.slow
def test_refit_after_change_reuses_compiled_model(baseline, baseline_fit):
    model = mcmc.compiled_model(baseline, pooling=False)
    size = len(mcmc._CACHE)

    distrusted = baseline.with_source("ua-gov", reliability=0.3)
    first = baseline.arrays().item_ids[0]
    rerated = baseline.with_evidence(
        dataclasses.replace(e, ratings={"combat": "II", "technical": "CC", "none": "N"})
        if e.id == first else e for e in baseline.evidence)
    for changed in (distrusted, rerated):
        assert mcmc.compiled_model(changed, pooling=False) is model
        result = mcmc.fit(changed, seed=11, pooling=False, **FAST)
        assert len(mcmc._CACHE) == size
        moved = np.abs(result.weights.mean - baseline_fit.weights.mean).max()
        assert moved > 0.01
        assert_matches_exact(result, changed)  # the refit really used the new data


@pytest.mark.slow
def test_weights_and_reliabilities_from_the_draws_equal_the_models_deterministics(baseline,
                                                                                  baseline_fit):
    # Only rho_free is sampled and stored; reliability and weights are computed afterwards with
    # the exact engine's likelihood and must equal the PyMC model's own Deterministics.
    import pytensor

    model = mcmc.build_model(baseline, pooling=False)
    deterministics = pytensor.function([model["rho_free"]],
                                       [model["reliability"], model["weights"]])
    free = baseline_fit.idata.posterior["rho_free"].values.reshape(-1, len(baseline.sources))
    stored_rho = baseline_fit.idata.posterior["reliability"].values.reshape(free.shape)
    stored_w = baseline_fit.weight_draws()
    for n in np.linspace(0, len(free) - 1, 25).astype(int):
        rho, weights = deterministics(free[n])
        np.testing.assert_allclose(stored_rho[n], rho, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(stored_w[n], weights, rtol=1e-9, atol=1e-12)


@pytest.mark.slow
def test_the_draws_do_not_depend_on_which_case_compiled_the_model(baseline, baseline_fit):
    # nutpie starts near the initial point of the data a model was compiled with: a kept fit
    # must be what the same case and seed give in any process, whoever compiled first.
    distrusted = baseline.with_source("ua-gov",
                                      reliability=Reliability.from_letter("E", baseline.scales))
    after_baseline = mcmc.fit(distrusted, seed=11, pooling=False, **FAST)  # baseline compiled
    mcmc._CACHE.clear()
    own = mcmc.fit(distrusted, seed=11, pooling=False, **FAST)  # compiled for itself
    np.testing.assert_array_equal(after_baseline.weight_draws(), own.weight_draws())


class DictStore:
    """A store in memory, counting what the engine asks of it."""

    def __init__(self):
        self.kept, self.gets, self.puts = {}, 0, 0

    def get(self, key):
        self.gets += 1
        return self.kept.get(key)

    def put(self, key, idata, seconds):
        self.puts += 1
        self.kept[key] = (idata, seconds)


@pytest.mark.slow
def test_a_kept_posterior_is_read_instead_of_sampled(baseline, baseline_fit, monkeypatch):
    store = DictStore()
    first = mcmc.fit(baseline, seed=11, pooling=False, store=store, **FAST)
    assert (store.gets, store.puts) == (1, 1)
    np.testing.assert_array_equal(first.weight_draws(), baseline_fit.weight_draws())

    def no_sampling(*args, **kwargs):
        raise AssertionError("compiled or sampled although the posterior was kept")

    monkeypatch.setattr(mcmc, "compiled_model", no_sampling)
    again = mcmc.fit(baseline, seed=11, pooling=False, store=store, **FAST)
    assert (store.gets, store.puts) == (2, 1)
    assert again.weights.mean.tolist() == first.weights.mean.tolist()
    assert again.reliability.equals(first.reliability)
    with pytest.raises(AssertionError, match="compiled or sampled"):  # another seed: a new fit
        mcmc.fit(baseline, seed=12, pooling=False, store=store, **FAST)


def test_fit_key_changes_with_everything_the_draws_depend_on(baseline):
    settings = mcmc.settings_for(baseline, seed=11, pooling=False, **FAST)
    key = mcmc.fit_key(baseline, settings)
    assert mcmc.fit_key(achlab.resolve(paths.scenarios_dir() / "baseline.yaml"),
                        settings) == key
    distrusted = baseline.with_source("ua-gov", reliability=0.3)
    assert mcmc.fit_key(distrusted, settings) != key
    for name, value in (("seed", 12), ("draws", 999), ("tune", 501), ("chains", 2),
                        ("target_accept", 0.95), ("pooling", True)):
        assert mcmc.fit_key(baseline, {**settings, name: value}) != key, name
    assert mcmc.fit_key(baseline, {**settings, "min_ess": 1}) == key  # a check, not the draws


# ---------------------------------------------------------------------------- check and labels
@pytest.mark.slow
def test_too_few_draws_raise_readable_sampling_problem(conflicting):
    with pytest.raises(mcmc.SamplingProblem) as caught:
        mcmc.fit(conflicting, draws=20, tune=500, chains=2, seed=31, pooling=False, min_ess=400)
    message = str(caught.value)
    assert "ESS" in message
    assert "below 400" in message
    assert "more draws" in message and "draws:" in message  # what to try, in scenario terms
    assert conflicting.name in message
    assert "Traceback" not in message


@pytest.mark.slow
def test_output_labelled_with_case_ids(baseline, baseline_fit):
    post = baseline_fit.idata.posterior
    assert post["weights"].dims[-1] == "hypothesis"
    assert list(post["weights"].coords["hypothesis"].values) == list(baseline.hypothesis_ids)
    assert post["reliability"].dims[-1] == "source"
    assert list(post["reliability"].coords["source"].values) == [s.id for s in baseline.sources]
    assert list(baseline_fit.reliability.index) == [s.id for s in baseline.sources]
    assert baseline_fit.weights.hypothesis_ids == baseline.hypothesis_ids


# ---------------------------------------------------------------------------- command line
@pytest.mark.slow
def test_cli_weights_mcmc_json(baseline, capsys):
    scenario = paths.scenarios_dir() / "baseline.yaml"
    code = main(["weights", "--method", "mcmc", "--json", "--scenario", str(scenario)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = json.loads(captured.out)
    assert out["method"] == "mcmc"
    assert out["case"] == baseline.id and out["scenario"] == "baseline"
    weights = out["weights"]
    assert list(weights) == list(baseline.hypothesis_ids)
    for h, w in weights.items():
        assert 0 <= w["low"] <= w["mean"] <= w["high"] <= 1, h
        assert isinstance(w["words"], str) and w["words"]
    assert any(w["high"] > w["low"] for w in weights.values())
    assert sum(w["mean"] for w in weights.values()) == pytest.approx(1.0, abs=1e-9)
