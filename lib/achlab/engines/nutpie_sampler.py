"""nutpie's sampler without ArviZ: its draws go straight from the Arrow trace into xarray.

``import nutpie`` imports ArviZ (and with it ArviZ's plotting and LOO modules, SciPy's statistics
and matplotlib: about 1.9 s of a fresh process), only to turn the finished trace into an
``InferenceData`` at the end. The engines need two groups of that: the draws and the sampler's
statistics. So:

* :func:`load_nutpie` imports nutpie with a stand-in for ``arviz`` in the one place nutpie keeps
  it (``nutpie.sample``'s global name). The stand-in imports the real ArviZ the first time any
  of its attributes is used, so nutpie's own conversion still works if anything asks for it;
  ``sys.modules`` is left as it was, so ``import arviz`` elsewhere gets the real one.
* :func:`sample` asks nutpie for its raw Arrow trace and builds an ``xarray.DataTree`` with the
  groups ``posterior`` (the model's variables, without nutpie's unconstrained copies) and
  ``sample_stats`` (divergences, tree depth, step size, energy and the rest), after tuning:
  the same draws, in the same layout, as nutpie's own conversion.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

import numpy as np

#: Statistics not kept: per-draw vectors in the unconstrained space (large, and of no use to an
#: analyst), and the trace's own bookkeeping. Columns with one row per event are left out too.
_SKIPPED_STATS = frozenset({
    "gradient", "unconstrained_draw", "transformed_position", "transformed_gradient",
    "tuning", "chain", "draw"})


class _DeferredModule(types.ModuleType):
    """Stands in for a module that is imported the first time one of its attributes is used."""

    def __init__(self, name: str, spec):
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attribute: str):
        if sys.modules.get(self.__name__) is self:  # used while it stands in: import the real one
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attribute)


_IMPORTING = threading.Lock()


def load_nutpie():
    """``nutpie``, imported without importing ArviZ (see the module's docstring).

    Returns
    -------
    module
        The ``nutpie`` package.
    """
    with _IMPORTING:
        stand_in = None
        if "nutpie" not in sys.modules and "arviz" not in sys.modules:
            spec = importlib.util.find_spec("arviz")
            if spec is not None:  # else nutpie's own import says what is missing
                stand_in = sys.modules["arviz"] = _DeferredModule("arviz", spec)
        try:
            import nutpie
        finally:
            if stand_in is not None and sys.modules.get("arviz") is stand_in:
                del sys.modules["arviz"]
        return nutpie


class SamplingStopped(RuntimeError):
    """nutpie returned fewer draws than asked for (it was interrupted)."""


def sample(compiled, *, draws: int, tune: int, chains: int, seed: int, target_accept: float,
           cores: int = 2):
    """Sample a compiled nutpie model; the draws after tuning, as an ``xarray.DataTree``.

    Parameters
    ----------
    compiled : nutpie.compile_pymc.CompiledPyMCModel
        With its data set (``with_data``).
    draws, tune, chains, seed, target_accept, cores
        As for ``nutpie.sample``.

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` and ``sample_stats``, dimensions ``chain`` and ``draw`` first.

    Raises
    ------
    SamplingStopped
        When a chain has fewer tuning steps or draws than asked for: nutpie returns what it has
        when it is interrupted, and a short posterior is never passed on as a whole one.
    """
    nutpie = load_nutpie()
    trace = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains, cores=cores,
                          seed=seed, progress_bar=False, target_accept=target_accept,
                          save_warmup=False, return_raw_trace=True)
    draw_batches, stat_batches = trace.get_arrow_trace()
    require_complete(stat_batches, chains=chains, tune=tune, draws=draws)
    return to_datatree(draw_batches, stat_batches, coords=compiled.coords,
                       skip=set(compiled.reparameterized_names or ()))


def require_complete(stat_batches, *, chains: int, tune: int, draws: int) -> None:
    """Raise :class:`SamplingStopped` unless every chain has all its tuning steps and draws."""
    tuned = [int(np.asarray(_column(stats, "tuning")).sum()) for stats in stat_batches]
    kept = [batch.num_rows - n for batch, n in zip(stat_batches, tuned, strict=True)]
    if len(stat_batches) != chains or tuned != [tune] * chains or kept != [draws] * chains:
        raise SamplingStopped(
            f"sampling stopped early: asked for {chains} chains of {tune} tuning steps and "
            f"{draws} draws; got {len(stat_batches)} chains, with {tuned} tuning steps and "
            f"{kept} draws")


def to_datatree(draw_batches, stat_batches, coords: dict, skip: set[str]):
    """The post-tuning rows of nutpie's Arrow trace (one batch per chain) as a DataTree."""
    import xarray as xr

    if len(draw_batches) != len(stat_batches) or not draw_batches:
        raise ValueError(f"nutpie returned {len(draw_batches)} chains of draws and "
                         f"{len(stat_batches)} of statistics")
    if any(d.num_rows != s.num_rows for d, s in zip(draw_batches, stat_batches, strict=True)):
        raise ValueError("nutpie's trace has more rows of draws than of statistics, or fewer")
    tuned = [int(np.asarray(_column(stats, "tuning")).sum()) for stats in stat_batches]
    posterior, dims = _stack(draw_batches, tuned, skip)
    statistics, stat_dims = _stack(stat_batches, tuned, _SKIPPED_STATS)
    used = {d for names in (*dims.values(), *stat_dims.values()) for d in names}
    labels = {name: list(coords[name]) for name in used if name in coords}
    return xr.DataTree.from_dict({
        "posterior": _dataset(posterior, dims, labels),
        "sample_stats": _dataset(statistics, stat_dims, {}),
    })


def _column(batch, name: str):
    """A column of an Arrow batch as a pyarrow array (nutpie hands out arro3 objects)."""
    import pyarrow

    return pyarrow.array(batch.column(name))


def _stack(batches, tuned: list[int], skip) -> tuple[dict, dict]:
    """Each column's rows after tuning, chains stacked: ``{name: (chain, draw, *shape)}``."""
    values: dict[str, list[np.ndarray]] = {}
    dims: dict[str, list[str]] = {}
    for batch, n_tuned in zip(batches, tuned, strict=True):
        for name in batch.column_names:
            if name in skip:
                continue
            meta = batch.column(name).field.metadata or {}
            if b"event_dim" in meta:
                continue  # one row per event (a divergence, a mass-matrix update), not per draw
            shape = [int(s) for s in meta.get(b"shape", b"").decode().split(",") if s]
            column = _column(batch, name).slice(n_tuned)
            if column.null_count:
                raise ValueError(f"nutpie's trace has missing values in {name!r}")
            if hasattr(column, "flatten"):
                column = column.flatten()
            rows = batch.num_rows - n_tuned
            values.setdefault(name, []).append(
                column.to_numpy(zero_copy_only=False).reshape((rows, *shape)))
            dims[name] = [d for d in meta.get(b"dims", b"").decode().split(",") if d]
    lengths = {len(chain) for chains in values.values() for chain in chains}
    if len(lengths) > 1:
        raise ValueError(f"nutpie's chains have different numbers of draws: {sorted(lengths)}")
    return {name: np.stack(chains) for name, chains in values.items()}, dims


def _dataset(values: dict, dims: dict, labels: dict):
    """An ``xarray.Dataset`` of (chain, draw, ...) arrays with numbered chains and draws."""
    import xarray as xr

    data = {name: (("chain", "draw", *dims[name]), array) for name, array in values.items()}
    first = next(iter(values.values()))
    coords = {"chain": np.arange(first.shape[0]), "draw": np.arange(first.shape[1]), **labels}
    return xr.Dataset(data, coords=coords, attrs={"sample_dims": ["chain", "draw"]})
