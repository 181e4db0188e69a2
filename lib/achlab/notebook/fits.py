"""PyMC fits made once and shared by every notebook and process that asks for the same one.

Sampling a fit takes a fraction of a second, but a new process first pays for the imports and for
loading (or, the first time, making) the compiled model. So ``achlab run`` fits every scenario in
a thread of its own process first, while the notebooks that need no fit run. It keeps each
posterior in ``.cache/fits/``; notebooks 03, 04 and 07 call :func:`fit` and :func:`pooled`,
which read the kept posterior instead of fitting again in every kernel. The
numbers are the same: a posterior is kept under a hash of everything its draws depend on (the
model's structure and data, the sampler sizes and seed: :func:`achlab.engines.mcmc.fit_key`), in a
folder named after the library and the sampler's versions, so a change to any of them is a new
fit. Older folders are removed when a new one is made.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
from functools import lru_cache
from pathlib import Path

from achlab import paths
from achlab.files import atomic

#: Name of a generation folder: the first 20 hexadecimal digits of :func:`_generation`.
GENERATION = re.compile(r"[0-9a-f]{20}")
#: Packages whose version changes what a fit draws, or how its posterior is stored.
SAMPLER_PACKAGES = ("pymc", "pytensor", "nutpie", "numba", "numpy", "xarray", "arviz-base")


@lru_cache(maxsize=1)
def _generation() -> str:
    """Hash of the library's own files and the sampler packages' versions."""
    from importlib.metadata import PackageNotFoundError, version

    from achlab.notebook.pipeline import library_fingerprint

    digest = hashlib.sha256(library_fingerprint().encode())
    for name in SAMPLER_PACKAGES:
        try:
            digest.update(f"{name} {version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name} -".encode())
    return digest.hexdigest()[:20]


def store_root() -> Path:
    """``$ACHLAB_FITS`` (``achlab run`` sets it for its kernels), else ``.cache/fits``."""
    env = os.environ.get("ACHLAB_FITS")
    return Path(env).resolve() if env else paths.cache_dir() / "fits"


class FitStore:
    """Posteriors kept on disk, one file per fit key (see :func:`achlab.engines.mcmc.fit`).

    Parameters
    ----------
    folder : Path, optional
        Default :func:`store_root`. Each library generation gets a subfolder.
    """

    def __init__(self, folder: Path | None = None):
        self.root = Path(folder) if folder is not None else store_root()
        self.folder = self.root / _generation()

    def _path(self, key: str, part: str = "") -> Path:
        """The posterior's file (``<key>.pickle``), or a part kept beside it (``<key>.<part>``)."""
        return self.folder / (f"{key}.{part}" if part else f"{key}.pickle")

    def get(self, key: str):
        """``(idata, sampling seconds)`` kept under ``key``, or ``None``."""
        kept = self._read(self._path(key))
        return (kept["idata"], kept["seconds"]) if isinstance(kept, dict) else None

    @staticmethod
    def _read(source: Path):
        """What ``source`` holds, or ``None`` when it is missing or unreadable.

        Another version may have written it: the fit, or its summary, is then made again.
        """
        try:
            with source.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - see above
            return None

    def put(self, key: str, idata, seconds: float) -> Path | None:
        """Keep a posterior (atomically); ``None`` when the cache folder cannot be written."""
        return self._write(self._path(key), {"idata": idata, "seconds": float(seconds)})

    def _write(self, target: Path, value) -> Path | None:
        try:
            self._prune()
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic(target) as tmp, open(tmp, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            return None
        return target

    def get_diagnostics(self, key: str):
        """The diagnostics table kept with the fit under ``key``, or ``None``."""
        return self._read(self._path(key, "diagnostics"))

    def put_diagnostics(self, key: str, frame) -> Path | None:
        """Keep a fit's diagnostics table beside it; ``None`` when it cannot be written."""
        return self._write(self._path(key, "diagnostics"), frame)

    def __contains__(self, key: str) -> bool:
        return self._path(key).is_file()

    def _prune(self) -> None:
        """Remove the folders of other library generations (their fits are never read again).

        Only folders named like a generation (20 hexadecimal digits) are touched: whatever else
        the root holds is left alone.
        """
        if not self.root.is_dir():
            return
        for old in self.root.iterdir():
            if old.is_dir() and old != self.folder and GENERATION.fullmatch(old.name):
                shutil.rmtree(old, ignore_errors=True)


def fit(case, **settings):
    """:func:`achlab.engines.mcmc.fit` through the project's :class:`FitStore`.

    Takes the same arguments. The first call for a given case, sizes and seed samples (and keeps
    the posterior); every later one, in any process, reads it.
    """
    from achlab.engines import mcmc

    return mcmc.fit(case, store=FitStore(), **settings)


def pooled(case, analysts, **settings):
    """:func:`achlab.engines.consensus.pooled_weights` through the project's :class:`FitStore`.

    A scenario whose analysts' votes, sizes and seed are those of a kept pool reads it.
    """
    from achlab.engines.consensus import pooled_weights

    return pooled_weights(case, analysts, store=FitStore(), **settings)


def prefit(cases, *, draws=None, tune=None, chains=None, data=None, stop=None,
           on_case=None) -> list[str]:
    """Make and keep, in this process, the fits the notebooks will ask for; the names fitted.

    For each case: the PyMC fit of notebooks 03 and 04 (the case's own seed, ``check=False``)
    and, when the case has an analysts folder (under ``data``, default the project's), the
    analysts' pool of notebook 07. Each model compiles once per structure here, instead of once
    in every notebook's kernel. A fit that fails is passed over: its notebook fits again and
    reports the failure where it belongs. ``stop`` (a ``threading.Event``) ends the loop early;
    ``on_case(name)``, when given, is called as each case is done with (fitted, kept or failed).
    """
    from achlab.engines import mcmc
    from achlab.engines.consensus import pooled_weights

    store, fitted = _Counting(FitStore()), []
    sizes = {k: v for k, v in {"draws": draws, "tune": tune, "chains": chains}.items()
             if v is not None}
    for case in cases:
        if stop is not None and stop.is_set():
            break
        before = store.puts
        if mcmc.fit_key(case, mcmc.settings_for(case, **sizes)) not in store:
            _quietly(mcmc.fit, case, check=False, store=store, **sizes)
        analysts = _analysts_of(case, data)
        if analysts and not _pool_kept(store, case, analysts, sizes):
            _quietly(pooled_weights, case, analysts, store=store, **sizes)
        if store.puts > before:
            fitted.append(case.name)
        if on_case is not None:
            on_case(case.name)
    return fitted


def _pool_kept(store, case, analysts, sizes: dict) -> bool:
    """True when the analysts' pool of ``case`` is kept (False when it cannot be made)."""
    from achlab.engines.consensus.pooling import pooled_key

    try:
        return pooled_key(case, analysts, **sizes) in store
    except Exception:  # noqa: BLE001 - the pool would fail: its notebook says why
        return False


class _Counting:
    """A store that counts the posteriors put into it; everything else is the store's own."""

    def __init__(self, store):
        self.store, self.puts = store, 0

    def put(self, key, idata, seconds):
        self.puts += 1
        return self.store.put(key, idata, seconds)

    def __contains__(self, key) -> bool:
        return key in self.store

    def __getattr__(self, name: str):
        return getattr(self.store, name)


def _analysts_of(case, data):
    """The analysts' ratings of the items ``case`` holds, as notebook 07 reads them; or None."""
    from achlab.engines.consensus import restrict_to
    from achlab.load.analysts import analysts_dir, load_analysts

    try:
        if not analysts_dir(case.id, data).is_dir():
            return None
        return restrict_to(case, load_analysts(case.id, data))
    except Exception:  # noqa: BLE001 - the notebook says what is wrong with them
        return None


def _quietly(fit, *args, **kwargs) -> None:
    """Run ``fit``; a failure is left for the notebook to report, with its scenario and cell."""
    try:
        fit(*args, **kwargs)
    except Exception:  # noqa: BLE001 - see above
        pass
