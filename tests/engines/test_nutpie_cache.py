"""The kept nutpie compile: the draws of nutpie's own compile, read back without compiling, a
fingerprint that follows the model, and nutpie's own compile when anything goes wrong."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import achlab
from achlab import paths
from achlab.engines import mcmc, nutpie_cache

SIZES = {"draws": 200, "tune": 200, "chains": 2}


@pytest.fixture(scope="module")
def baseline():
    return achlab.resolve(paths.scenarios_dir() / "baseline.yaml")


def compiled_from_neutral_data(case):
    model = mcmc.build_model(case, False, data=mcmc.neutral_data(case))
    return model, [v.name for v in model.free_RVs]


def draws(compiled, case, seed=5):
    import nutpie

    idata = nutpie.sample(compiled.with_data(**mcmc.data_for(case)), seed=seed, cores=2,
                          progress_bar=False, save_warmup=False, **SIZES)
    return idata.posterior["rho_free"].values


@pytest.mark.slow
def test_the_kept_compile_draws_what_nutpies_own_compile_draws(baseline):
    import nutpie

    model, sampled = compiled_from_neutral_data(baseline)
    own = nutpie.compile_pymc_model(model, backend="numba", var_names=sampled)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no quiet fallback to nutpie's compile
        kept = nutpie_cache.compile_model(model, var_names=sampled, extra_key="test")
    assert kept.compiled_logp_func._pyfunc.__name__ == "ach_nutpie_logp"
    assert np.array_equal(draws(own, baseline), draws(kept, baseline))


@pytest.mark.slow
def test_a_second_compile_reads_the_kept_callbacks_without_compiling(baseline, monkeypatch):
    """Once kept, nutpie's graph work is skipped and both callbacks come from numba's cache."""
    import nutpie.compile_pymc

    model, sampled = compiled_from_neutral_data(baseline)
    first = nutpie_cache.compile_model(model, var_names=sampled, extra_key="test")

    def refuse(*args, **kwargs):
        raise AssertionError("nutpie's functions were made again")

    monkeypatch.setattr(nutpie.compile_pymc, "_make_functions", refuse)
    with np.errstate(all="ignore"):
        again = nutpie_cache._compile_cached(model, sampled, "test")
    assert again._n_dim == first._n_dim
    assert again.compiled_logp_func._cache_hits == 1
    assert again.compiled_expand_func._cache_hits == 1
    assert np.array_equal(draws(first, baseline), draws(again, baseline))


def test_the_fingerprint_follows_the_model_not_its_data(baseline):
    model, sampled = compiled_from_neutral_data(baseline)
    point = model.initial_point()
    key, shared = nutpie_cache.model_fingerprint(model, sampled, point)
    assert "likelihood" in shared and "rel_alpha" in shared
    same_shapes = mcmc.build_model(baseline, False, data=mcmc.data_for(baseline))
    assert nutpie_cache.model_fingerprint(same_shapes, sampled, point)[0] == key
    assert nutpie_cache.model_fingerprint(model, sampled, point, "other")[0] != key
    pooled = mcmc.build_model(baseline, True, data=mcmc.neutral_data(baseline))
    assert (nutpie_cache.model_fingerprint(pooled, None, pooled.initial_point())[0]
            != nutpie_cache.model_fingerprint(model, None, point)[0])
    fewer = dataclasses.replace(baseline, evidence=baseline.evidence[:-1])
    shorter = mcmc.build_model(fewer, False, data=mcmc.neutral_data(fewer))
    assert nutpie_cache.model_fingerprint(shorter, sampled, point)[0] != key


def test_anything_unexpected_falls_back_to_nutpies_own_compile(baseline, monkeypatch):
    import nutpie

    def broken(*args):
        raise RuntimeError("internals changed")

    monkeypatch.setattr(nutpie_cache, "_compile_cached", broken)
    monkeypatch.setattr(nutpie, "compile_pymc_model", lambda model, **kw: ("nutpie", kw))
    with pytest.warns(RuntimeWarning, match="internals changed"):
        got = nutpie_cache.compile_model("a model", var_names=["rho_free"])
    assert got == ("nutpie", {"backend": "numba", "var_names": ["rho_free"]})


@pytest.mark.slow
def test_the_analysts_pool_uses_the_kept_compile(baseline):
    from achlab.engines.consensus import pooling, restrict_to
    from achlab.load.analysts import load_analysts

    analysts = restrict_to(baseline, load_analysts(baseline.id))
    pooling._COMPILED.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = pooling.pooled_weights(baseline, analysts, draws=100, tune=100, chains=2)
    (compiled,) = pooling._COMPILED.values()
    assert compiled.compiled_logp_func._pyfunc.__name__ == "ach_nutpie_logp"
    assert np.isfinite(result.weights.mean).all()
