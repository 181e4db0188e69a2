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
