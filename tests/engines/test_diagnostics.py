"""The diagnostics table without ArviZ: the same numbers as ``arviz.summary`` on well-mixed,
stuck, tied, constant, short and odd-length chains, and its refusals."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from achlab.engines import diagnostics


def arviz_summary(values: np.ndarray, labels: list[str], ci_prob: float = 0.89):
    import arviz as az
    import xarray as xr

    tree = xr.DataTree.from_dict({"posterior": xr.Dataset(
        {"x": (("chain", "draw", "k"), values)}, coords={"k": labels})})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return az.summary(tree, ci_prob=ci_prob, round_to="none")


def chains(seed: int, n_chain: int = 4, n_draw: int = 500) -> np.ndarray:
    """Five quantities: mixed, autocorrelated, one stuck chain, tied values, a constant."""
    rng = np.random.default_rng(seed)
    mixed = rng.normal(size=(n_chain, n_draw))
    walk = np.cumsum(rng.normal(size=(n_chain, n_draw)), axis=1) * 0.1 + rng.normal(
        size=(n_chain, n_draw))
    stuck = rng.beta(2, 5, size=(n_chain, n_draw))
    stuck[0] += 0.4
    tied = np.round(rng.normal(size=(n_chain, n_draw)), 1)
    constant = np.full((n_chain, n_draw), 0.25)
    return np.stack([mixed, walk, stuck, tied, constant], axis=-1)


LABELS = ["mixed", "walk", "stuck", "tied", "constant"]


@pytest.mark.parametrize(("seed", "n_chain", "n_draw", "ci_prob"), [
    (1, 4, 500, 0.89), (2, 2, 101, 0.89), (3, 1, 300, 0.9), (4, 4, 5, 0.5), (5, 3, 3, 0.89)])
def test_the_table_is_arviz_summary(seed, n_chain, n_draw, ci_prob):
    values = chains(seed, n_chain, n_draw)
    ours = diagnostics.summary({"x": (values, LABELS)}, ci_prob=ci_prob)
    theirs = arviz_summary(values, LABELS, ci_prob)
    assert list(ours.columns) == list(theirs.columns)
    assert list(ours.index) == list(theirs.index) == [f"x[{k}]" for k in LABELS]
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-10, atol=1e-14,
                               equal_nan=True)


def test_a_stuck_chain_shows_in_r_hat_and_a_constant_has_none():
    table = diagnostics.summary({"x": (chains(1), LABELS)}, ci_prob=0.89)
    assert table.loc["x[stuck]", "r_hat"] > 1.1
    assert table.loc["x[mixed]", "r_hat"] < 1.01
    assert np.isnan(table.loc["x[constant]", "r_hat"])
    assert table.loc["x[constant]", "ess_bulk"] == 2000  # every draw counts


def test_draws_with_a_nan_give_nan_diagnostics_not_numbers():
    values = chains(1)
    values[2, 10, 0] = np.nan
    row = diagnostics.summary({"x": (values, LABELS)}, ci_prob=0.89).loc["x[mixed]"]
    assert np.isnan(row[["ess_bulk", "ess_tail", "r_hat", "mcse_mean", "mcse_sd"]]).all()


def test_ranks_average_ties_like_scipy():
    from scipy.stats import rankdata

    flat = np.round(np.random.default_rng(9).normal(size=2000), 1)
    np.testing.assert_array_equal(diagnostics._rank_average(flat), rankdata(flat))


def test_fft_lengths_are_the_5_smooth_ones_scipy_pads_to():
    from scipy.fftpack import next_fast_len

    assert [diagnostics._fast_length(n) for n in range(1, 3000)] == [
        next_fast_len(n) for n in range(1, 3000)]


def test_a_wrongly_shaped_array_is_refused_with_its_name():
    with pytest.raises(ValueError, match=r"draws of 'weights': expected \(chain, draw, 3\)"):
        diagnostics.summary({"weights": (np.zeros((4, 100)), ["a", "b", "c"])}, ci_prob=0.89)
