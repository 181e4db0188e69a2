"""nutpie without ArviZ: the draws and statistics nutpie's own conversion gives, a fit that never
imports ArviZ, and a real ArviZ for whoever imports it afterwards."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import achlab
from achlab import paths
from achlab.engines import mcmc, nutpie_sampler
from tests.helpers import python_output

SIZES = {"draws": 150, "tune": 150, "chains": 2}


@pytest.fixture(scope="module")
def baseline():
    return achlab.resolve(paths.scenarios_dir() / "baseline.yaml")


@pytest.mark.slow
def test_the_draws_and_statistics_are_nutpies_own(baseline):
    compiled = mcmc.compiled_model(baseline, False).compiled.with_data(
        **mcmc.data_for(baseline))
    ours = nutpie_sampler.sample(compiled, seed=11, target_accept=0.9, **SIZES)
    nutpie = nutpie_sampler.load_nutpie()
    theirs = nutpie.sample(compiled, seed=11, cores=2, progress_bar=False, target_accept=0.9,
                           save_warmup=False, **SIZES)
    assert set(ours.posterior.data_vars) == {"rho_free"}  # not the unconstrained copy
    np.testing.assert_array_equal(ours.posterior["rho_free"].values,
                                  theirs.posterior["rho_free"].values)
    assert list(ours.posterior["rho_free"].dims) == ["chain", "draw", "source"]
    assert list(ours.posterior["source"].values) == [s.id for s in baseline.sources]
    kept = set(ours.sample_stats.data_vars)
    assert {"diverging", "depth", "step_size", "energy", "logp"} <= kept
    for name in kept:
        np.testing.assert_array_equal(ours.sample_stats[name].values,
                                      theirs.sample_stats[name].values, err_msg=name)


def test_the_stand_in_imports_the_real_module_when_used_and_sys_modules_is_untouched():
    before = sys.modules.get("json")
    stand_in = nutpie_sampler._DeferredModule("json", None)
    assert "dumps" not in vars(stand_in)
    assert stand_in.dumps([1]) == "[1]"  # first use imports it
    assert "dumps" in vars(stand_in)  # and later uses find it directly
    assert sys.modules.get("json") is before


@pytest.mark.slow
def test_a_fit_in_a_fresh_process_never_imports_arviz_and_arviz_still_works_after():
    code = (
        "import sys\n"
        "from achlab import paths\nfrom achlab.engines import mcmc\n"
        "from achlab.load.scenario import load_scenario\n"
        "case = load_scenario(paths.scenarios_dir() / 'baseline.yaml')\n"
        "result = mcmc.fit(case, check=False, pooling=False, draws=150, tune=150, chains=2)\n"
        "print(sorted(m for m in ('arviz', 'arviz_stats', 'arviz_plots', 'matplotlib', "
        "'scipy.stats') if m in sys.modules))\n"
        "import arviz\n"
        "print(type(arviz.summary(result.idata, var_names=['weights'])).__name__)\n"
        "print(sys.modules['nutpie.sample'].arviz.from_dict is arviz.from_dict)\n")
    said = python_output(code, timeout=300).split()
    assert said == ["[]", "SummaryDataFrame", "True"], said


@pytest.mark.slow
def test_a_trace_short_of_draws_or_tuning_is_refused_not_passed_on(baseline):
    nutpie = nutpie_sampler.load_nutpie()
    compiled = mcmc.compiled_model(baseline, False).compiled.with_data(
        **mcmc.data_for(baseline))
    trace = nutpie.sample(compiled, draws=40, tune=30, chains=2, cores=2, seed=3,
                          progress_bar=False, save_warmup=False, return_raw_trace=True)
    _, stats = trace.get_arrow_trace()
    nutpie_sampler.require_complete(stats, chains=2, tune=30, draws=40)  # all there
    for asked in ({"chains": 2, "tune": 30, "draws": 50}, {"chains": 2, "tune": 40, "draws": 40},
                  {"chains": 3, "tune": 30, "draws": 40}):
        with pytest.raises(nutpie_sampler.SamplingStopped, match="sampling stopped early"):
            nutpie_sampler.require_complete(stats, **asked)


def test_a_stand_in_used_while_it_stands_in_imports_the_real_module_not_itself():
    real = sys.modules.pop("colorsys", None)
    stand_in = nutpie_sampler._DeferredModule("colorsys", None)
    sys.modules["colorsys"] = stand_in
    try:
        assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)  # no endless recursion
        assert sys.modules["colorsys"] is not stand_in
    finally:
        sys.modules.pop("colorsys", None)
        if real is not None:
            sys.modules["colorsys"] = real


def test_threads_loading_nutpie_at_once_all_get_it_and_leave_no_stand_in():
    code = (
        "import importlib.util, sys, threading, time\n"
        "find = importlib.util.find_spec\n"
        "def slow(*args, **kwargs):\n"
        "    time.sleep(0.2)\n"
        "    return find(*args, **kwargs)\n"
        "importlib.util.find_spec = slow\n"
        "from achlab.engines import nutpie_sampler\n"
        "got, errors = [], []\n"
        "def load():\n"
        "    try:\n"
        "        got.append(nutpie_sampler.load_nutpie().__name__)\n"
        "    except Exception as err:\n"
        "        errors.append(repr(err))\n"
        "threads = [threading.Thread(target=load) for _ in range(3)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(got, errors, 'arviz' in sys.modules)\n")
    said = python_output(code, timeout=300)
    assert said.split("] [") == ["['nutpie', 'nutpie', 'nutpie'", "] False\n"], said
