"""Speed of the exact engine: one posterior, and sweeps over many reliability settings.

Prints a table with the targets and PASS / MISS for each; always exits 0 (a benchmark reports,
it does not gate). Run with ``make bench`` or ``.venv/bin/python bench/bench_exact.py``.

Targets
-------
* one exact posterior of the bundled case: < 1 ms (median);
* sweeps over the bundled case: >= 1,000,000 reliability settings per second on 2 cores.

Sweeps are also timed on synthetic cases of 200 and 2,000 items (8 sources, 3 hypotheses,
random ratings) and compared with a plain Python loop over items on a few thousand settings.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time

import numpy as np
from synthetic import synthetic_case

from achlab.engines.exact import exact_weights, sweep_weights
from achlab.model import Case

SEED = 20241031
TARGET_POSTERIOR_MS = 1.0
TARGET_SETTINGS_PER_S = 1_000_000


# ---------------------------------------------------------------------------- cases



def load_bundled() -> Case | None:
    """The bundled case ``nk-troops-2024``, or None (with a note) if it cannot be loaded.

    Returns
    -------
    Case or None
    """
    from achlab.load.case import load_case

    try:
        return load_case("nk-troops-2024")
    except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"(bundled case not available: {str(exc).splitlines()[0]})")
        return None


# ---------------------------------------------------------------------------- timers
def time_posterior(case: Case, runs: int = 3000) -> tuple[float, float]:
    """Median time of one exact posterior, in ms.

    Parameters
    ----------
    case : Case
    runs : int

    Returns
    -------
    (median ms with the case's numeric form cached, median ms including building it)
    """
    for _ in range(50):
        exact_weights(case)
    cached = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        exact_weights(case)
        cached.append(time.perf_counter_ns() - t0)
    fresh = []
    for _ in range(max(1, runs // 10)):
        copy = case.with_evidence(case.evidence)  # a new case: arrays are built again
        t0 = time.perf_counter_ns()
        exact_weights(copy)
        fresh.append(time.perf_counter_ns() - t0)
    return statistics.median(cached) / 1e6, statistics.median(fresh) / 1e6


def time_sweep(case: Case, rows: int, chunk: int, engine: str, rng: np.random.Generator) -> float:
    """Reliability settings per second of :func:`sweep_weights`.

    Parameters
    ----------
    case : Case
    rows : int
        Total settings (one row of source reliabilities each, uniform in [0, 1]).
    chunk : int
        Settings per call.
    engine : {"compiled", "numpy"}
    rng : numpy Generator

    Returns
    -------
    float
        Settings per second (random draws excluded from the timing).
    """
    n_src = len(case.sources)
    sweep_weights(case, rng.uniform(0, 1, (min(chunk, 64), n_src)), engine=engine)  # warm up
    elapsed, done = 0.0, 0
    while done < rows:
        block = rng.uniform(0, 1, (min(chunk, rows - done), n_src))
        t0 = time.perf_counter()
        sweep_weights(case, block, engine=engine)
        elapsed += time.perf_counter() - t0
        done += len(block)
    return done / elapsed


def python_loop_rate(case: Case, rows: int, rng: np.random.Generator) -> float:
    """Settings per second of a plain Python loop over items (the naive way).

    Parameters
    ----------
    case : Case
    rows : int
    rng : numpy Generator

    Returns
    -------
    float
    """
    arr = case.arrays()
    items = [(int(s), float(c), float(a), [float(x) for x in p])
             for s, c, a, p in zip(arr.item_source, arr.cred_factor, arr.motive[:, 0],
                                   arr.likelihood, strict=True)]
    log_prior = [float(x) for x in arr.log_prior]
    settings = rng.uniform(0, 1, (rows, len(case.sources))).tolist()
    t0 = time.perf_counter()
    for rho in settings:
        acc = list(log_prior)
        for s, c, a, p in items:
            r = rho[s] * c
            for k, pk in enumerate(p):
                acc[k] += math.log(a + r * (pk - a))
        top = max(acc)
        z = sum(math.exp(x - top) for x in acc)
        [math.exp(x - top) / z for x in acc]
    return rows / (time.perf_counter() - t0)


# ---------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    """``PASS`` or ``MISS``."""
    return "PASS" if ok else "MISS"


def main() -> int:
    """Run the benchmark and print the table; always returns 0."""
    rng = np.random.default_rng(SEED)
    try:
        import numba

        threads = numba.get_num_threads()
    except ImportError:  # pragma: no cover
        threads = 1
    print(f"achlab exact-engine benchmark (seed {SEED}); {os.cpu_count()} CPUs, "
          f"{threads} compiled threads; Python {sys.version.split()[0]}")

    # warm up the compiled kernel (the first call compiles, or loads the cache)
    warm = synthetic_case(20, SEED)
    t0 = time.perf_counter()
    sweep_weights(warm, rng.uniform(0, 1, (8, len(warm.sources))), engine="compiled")
    print(f"compiled kernel ready in {time.perf_counter() - t0:.2f} s (first call)\n")

    cases: list[tuple[str, Case, int, int]] = []
    bundled = load_bundled()
    if bundled is not None:
        cases.append(("bundled nk-troops-2024", bundled, 1_000_000, 100_000))
    cases.append(("synthetic 200 items", synthetic_case(200, SEED + 1), 200_000, 50_000))
    cases.append(("synthetic 2,000 items", synthetic_case(2000, SEED + 2), 20_000, 5_000))

    rows = []
    targets = []
    for name, case, n_rows, chunk in cases:
        n_counted = len(case.arrays().item_ids)
        post_ms, fresh_ms = time_posterior(case, runs=3000 if n_counted < 500 else 300)
        compiled = time_sweep(case, n_rows, chunk, "compiled", rng)
        np_rows = max(2_000, n_rows // 20)
        np_chunk = max(16, 2_000_000 // max(1, 3 * n_counted))
        plain_numpy = time_sweep(case, np_rows, np_chunk, "numpy", rng)
        loop_rows = 2_000 if n_counted < 500 else 300
        loop = python_loop_rate(case, loop_rows, rng)
        rows.append((name, n_counted, post_ms, fresh_ms, compiled, plain_numpy, loop,
                     compiled / loop))
        if name.startswith("bundled"):
            targets.append((f"one exact posterior, {name}", f"< {TARGET_POSTERIOR_MS:g} ms",
                            f"{post_ms:.3f} ms", verdict(post_ms < TARGET_POSTERIOR_MS)))
            targets.append((f"sweep, {name} ({threads} threads)",
                            f">= {TARGET_SETTINGS_PER_S:,} /s", f"{compiled:,.0f} /s",
                            verdict(compiled >= TARGET_SETTINGS_PER_S)))

    head = (f"{'case':<24}{'items':>7}{'posterior':>11}{'+arrays':>10}{'compiled /s':>15}"
            f"{'numpy /s':>13}{'py loop /s':>12}{'compiled/loop':>15}")
    print(head)
    print("-" * len(head))
    for name, n, post, fresh, comp, nump, loop, ratio in rows:
        print(f"{name:<24}{n:>7}{post:>9.3f}ms{fresh:>8.3f}ms{comp:>15,.0f}{nump:>13,.0f}"
              f"{loop:>12,.0f}{ratio:>14,.0f}x")
    print("\n(posterior: median of many runs with the numeric form cached; +arrays: building it "
          "too.\n settings/s: one row of uniform [0, 1] source reliabilities per setting; "
          "python loop on a few thousand settings.)\n")

    print(f"{'target':<48}{'goal':>18}{'measured':>18}  result")
    print("-" * 92)
    for what, goal, got, ok in targets:
        print(f"{what:<48}{goal:>18}{got:>18}  {ok}")
    if not targets:
        print("(no targets measured: the bundled case is missing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
