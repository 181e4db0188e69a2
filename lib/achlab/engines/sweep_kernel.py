"""The compiled loop behind :func:`achlab.engines.exact.sweep_log_posterior` (numba).

Everything here is defined at module level and calls the likelihood's compiled forms through
module globals, never closure variables: numba's disk cache (``cache=True``) then serves the
kernel to every process after the first, instead of compiling it again in each (seconds).
Imported only when a sweep runs, so that importing the exact engine does not import numba.

numba's cache notices a change to this file only: the likelihood's compiled forms are inlined
from :mod:`achlab.engines.likelihood`, so :func:`_forget_stale_kernels` empties the cache when
their source is not the one the cached kernels were compiled from.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import numba
import numpy as np

from achlab.engines import likelihood
from achlab.engines.likelihood import compiled_log_event_mixture, compiled_report_probability

#: The report likelihood and the event mixture, compiled (the one likelihood module's forms).
_report = compiled_report_probability()
_log_mixture = compiled_log_event_mixture()
#: Below this a product of factors is folded into the log-space sum (see the kernel).
TINY = 1e-150


@numba.njit(inline="always", cache=True)
def motive_of(i, k, r, src, motive, item_motive, own, by_source, level):  # pragma: no cover
    """Motive of item ``i`` under hypothesis ``k`` in setting ``r``: its own, or its source's."""
    if own[i]:
        return item_motive[i, k]
    m = motive[r, src[i]]
    if by_source[i]:
        return min(1.0, max(0.0, item_motive[i, k] + (m - level[src[i]])))
    return m


@numba.njit(parallel=True, cache=True, fastmath=False)
def kernel(log_prior, q, c, src, rho, motive, item_motive, own, by_source, level,
           observed, denies, starts):  # pragma: no cover
    """Unnormalised log posterior (R, K) of every setting ``r`` (rows of ``rho``, ``motive``)."""
    # Factors are multiplied in linear space and their product folded into the log-space
    # sum whenever it drops below TINY (a factor below TINY goes straight to the log), so
    # one log is taken per few events instead of one per report and hypothesis; nothing
    # underflows, since every factor is at most 1 and a product at least TINY**2.
    r_count, k_count, e_count = rho.shape[0], q.shape[1], starts.shape[0] - 1
    out = np.empty((r_count, k_count))
    for r in numba.prange(r_count):
        for k in range(k_count):
            acc = log_prior[k]
            prod = 1.0
            for e in range(e_count):
                first, stop = starts[e], starts[e + 1]
                if stop - first == 1:
                    w = 1.0 if observed[first] else rho[r, src[first]] * c[first]
                    a = motive_of(first, k, r, src, motive, item_motive, own, by_source,
                                  level)
                    p = 1.0 - q[first, k] if denies[first] else q[first, k]
                    f = _report(w, p, a)
                else:
                    given_true, given_false = 1.0, 1.0
                    for i in range(first, stop):
                        w = 1.0 if observed[i] else rho[r, src[i]] * c[i]
                        a = motive_of(i, k, r, src, motive, item_motive, own, by_source,
                                      level)
                        said, unprompted = w + (1.0 - w) * a, (1.0 - w) * a
                        if denies[i]:
                            given_true, given_false = given_true * unprompted, \
                                given_false * said
                        else:
                            given_true, given_false = given_true * said, \
                                given_false * unprompted
                    if given_true < TINY or given_false < TINY:  # rare: in log space
                        log_true, log_false = 0.0, 0.0
                        for i in range(first, stop):
                            w = 1.0 if observed[i] else rho[r, src[i]] * c[i]
                            a = motive_of(i, k, r, src, motive, item_motive, own,
                                          by_source, level)
                            said, unprompted = np.log(w + (1.0 - w) * a), \
                                np.log((1.0 - w) * a)
                            if denies[i]:
                                log_true, log_false = log_true + unprompted, \
                                    log_false + said
                            else:
                                log_true, log_false = log_true + said, \
                                    log_false + unprompted
                        acc += _log_mixture(q[first, k], log_true, log_false)
                        continue
                    f = q[first, k] * given_true + (1.0 - q[first, k]) * given_false
                if f < TINY:
                    acc += np.log(f)
                else:
                    prod *= f
                    if prod < TINY:
                        acc += np.log(prod)
                        prod = 1.0
            out[r, k] = acc + np.log(prod)
    return out


def _likelihood_stamp() -> str:
    """Hash of the source of the likelihood forms the kernels inline."""
    source = "".join(inspect.getsource(f) for f in (likelihood.scalar_report_probability,
                                                    likelihood.scalar_log_event_mixture))
    return hashlib.sha256(source.encode()).hexdigest()


def _forget_stale_kernels() -> None:
    """Empty the kernels' disk cache when the likelihood they inline has changed since."""
    try:
        stamp_file = Path(kernel._cache._cache_path) / "sweep_kernel.likelihood-stamp"
        stamp = _likelihood_stamp()
        if not stamp_file.is_file() or stamp_file.read_text() != stamp:
            for dispatcher in (kernel, motive_of):
                dispatcher._cache.flush()
            stamp_file.write_text(stamp)
    except (AttributeError, OSError):  # no cache folder, or another numba: compile as usual
        pass


_forget_stale_kernels()
