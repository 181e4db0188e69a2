"""Kept PyMC fits (:mod:`achlab.notebook.fits`): a posterior kept under its key is read back as
it was, a library change starts a new folder, and which notebooks wait for the fits."""

from __future__ import annotations

import numpy as np
import pytest

from achlab import paths
from achlab.notebook import fits, pipeline
from tests.helpers import python_output


def test_a_kept_posterior_reads_back_equal(tmp_path):
    store = fits.FitStore(tmp_path)
    assert store.get("k1") is None and "k1" not in store
    draws = {"weights": np.arange(12.0).reshape(4, 3)}
    written = store.put("k1", draws, 1.5)
    assert written is not None and written.parent == store.folder
    idata, seconds = store.get("k1")
    np.testing.assert_array_equal(idata["weights"], draws["weights"])
    assert seconds == 1.5 and "k1" in store
    assert not list(store.folder.glob(".*")), "a temporary file was left behind"


def test_a_broken_file_is_a_miss_not_an_error(tmp_path):
    store = fits.FitStore(tmp_path)
    store.folder.mkdir(parents=True)
    (store.folder / "bad.pickle").write_bytes(b"not a pickle")
    assert store.get("bad") is None


def test_fits_of_another_library_generation_are_removed(tmp_path):
    old = tmp_path / "0123456789abcdef0123"
    old.mkdir()
    (old / "k.pickle").write_bytes(b"x")
    store = fits.FitStore(tmp_path)
    store.put("k2", {"w": 1}, 0.1)
    assert not old.exists()
    assert [p.name for p in tmp_path.iterdir()] == [store.folder.name]


def test_the_store_follows_achlab_fits(tmp_path, monkeypatch):
    monkeypatch.setenv("ACHLAB_FITS", str(tmp_path / "elsewhere"))
    assert fits.FitStore().root == (tmp_path / "elsewhere").resolve()
    monkeypatch.delenv("ACHLAB_FITS")
    assert fits.FitStore().root == paths.cache_dir() / "fits"


def test_the_notebooks_that_read_fits_say_so():
    per, cross = pipeline.notebooks()
    reading = {nb.stem for nb in [*per, *cross] if pipeline.uses_fits(nb)}
    calling = {nb.stem for nb in [*per, *cross]
               if "notebook.fit(" in nb.read_text() or "notebook.pooled(" in nb.read_text()}
    assert calling, "no notebook calls notebook.fit"
    assert reading == calling
    assert {"03_reliability_uncertainty", "04_scenario_comparison",
            "07_several_analysts"} <= reading
    fitting_directly = [nb.stem for nb in [*per, *cross]
                        if "mcmc.fit(" in nb.read_text() or "pooled_weights(" in nb.read_text()]
    assert not fitting_directly, "these fit without the kept posteriors"


@pytest.mark.slow
def test_prefit_keeps_what_notebook_03_asks_for(tmp_path, monkeypatch):
    from achlab.engines import mcmc
    from achlab.engines.consensus import pooling, restrict_to
    from achlab.load.analysts import load_analysts
    from achlab.load.scenario import load_scenario

    monkeypatch.setenv("ACHLAB_FITS", str(tmp_path))
    case = load_scenario(paths.scenarios_dir() / "baseline.yaml")
    sizes = {"draws": 200, "tune": 200, "chains": 2}
    assert fits.prefit([case], **sizes) == [case.name]
    assert fits.prefit([case], **sizes) == []  # kept: not fitted again

    def no_sampling(*args, **kwargs):
        raise AssertionError("sampled although prefit kept this fit")

    monkeypatch.setattr(mcmc, "compiled_model", no_sampling)
    monkeypatch.setattr(pooling, "_sample_pooled", no_sampling)
    # What notebooks 03 and 07 call, with the parameters the pipeline gives them.
    result = fits.fit(case, seed=case.seed, check=False, **sizes)
    assert result.settings["seed"] == case.seed
    analysts = restrict_to(case, load_analysts(case.id))
    assert fits.pooled(case, analysts, **sizes).settings["seed"] == case.seed


@pytest.mark.slow
def test_prefit_passes_over_a_kept_pool_without_reading_it(tmp_path, monkeypatch):
    """A kept pool is known by its key alone: prefit neither samples nor summarises it."""
    from achlab.engines.consensus import pooling, restrict_to
    from achlab.load.analysts import load_analysts
    from achlab.load.scenario import load_scenario

    monkeypatch.setenv("ACHLAB_FITS", str(tmp_path))
    case = load_scenario(paths.scenarios_dir() / "baseline.yaml")
    sizes = {"draws": 200, "tune": 200, "chains": 2}
    analysts = restrict_to(case, load_analysts(case.id))
    store = fits.FitStore()
    assert pooling.pooled_key(case, analysts, **sizes) not in store
    pooling.pooled_weights(case, analysts, store=store, **sizes)
    assert pooling.pooled_key(case, analysts, **sizes) in store
    assert pooling.pooled_key(case, analysts, seed=1, **sizes) not in store

    import achlab.engines.consensus as consensus_engines

    pooled = []  # prefit passes over failures, so calls are counted, not refused
    monkeypatch.setattr(consensus_engines, "pooled_weights",
                        lambda *args, **kwargs: pooled.append(args))
    done = []
    fits.prefit([case], on_case=done.append, **sizes)  # makes the PyMC fit, not the pool
    assert pooled == [], "prefit read the pool it keeps"
    assert done == [case.name]


@pytest.mark.slow
def test_reading_a_kept_fit_imports_neither_pymc_nor_pytensor(tmp_path, monkeypatch):
    """What the notebooks of a run do: seconds of imports saved in every kernel. The
    diagnostics are kept with the fit, so ArviZ is not needed either."""
    from achlab.engines.consensus import restrict_to
    from achlab.load.analysts import load_analysts
    from achlab.load.scenario import load_scenario

    monkeypatch.setenv("ACHLAB_FITS", str(tmp_path))
    case = load_scenario(paths.scenarios_dir() / "baseline.yaml")
    sizes = {"draws": 200, "tune": 200, "chains": 2}
    made = fits.fit(case, check=False, **sizes)  # made and kept here
    again = fits.fit(case, check=False, **sizes)
    assert again.diagnostics.equals(made.diagnostics)
    analysts = restrict_to(case, load_analysts(case.id))
    pool = fits.pooled(case, analysts, **sizes)
    assert fits.pooled(case, analysts, **sizes).max_r_hat == pool.max_r_hat
    code = ("import sys\nfrom achlab import notebook, paths\nfrom achlab.load.scenario import "
            "load_scenario\ncase = load_scenario(paths.scenarios_dir() / 'baseline.yaml')\n"
            "result = notebook.fit(case, check=False, draws=200, tune=200, chains=2)\n"
            "from achlab.engines.consensus import restrict_to\n"
            "from achlab.load.analysts import load_analysts\n"
            "notebook.pooled(case, restrict_to(case, load_analysts(case.id)), draws=200, "
            "tune=200, chains=2)\n"
            "print(round(float(result.weights.mean.sum()), 6), "
            "sorted(m for m in ('pymc', 'pytensor', 'nutpie', 'arviz') if m in sys.modules))")
    said = python_output(code, timeout=300)
    assert said.split() == ["1.0", "[]"], said
