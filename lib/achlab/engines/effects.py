"""Which assumption moves the answer most: scenario differences taken one at a time.

A scenario changes several assumptions at once (sources' reliabilities and motives, the prior,
the evidence through its cut-off, exclusions and re-ratings). :func:`assumption_effects` applies
each difference *alone* to a reference scenario and reports how far the weight of the
reference's leading hypothesis moves (exact engine), beside the whole scenario's move. Effects
need not add up: the model is not additive.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from achlab.engines.exact import exact_weights
from achlab.model import Case


def _short(rel) -> str:
    """``B (0.80)`` for a letter, ``0.30 fixed`` for a number."""
    return f"{rel.letter} ({rel.mean:.2f})" if rel.letter else f"{rel.mean:.2f} fixed"


def _motive(src) -> str:
    """``0.50``, or per hypothesis ``combat 0.80, none 0.50`` (model.md §4)."""
    if src.motive_by is None:
        return f"{src.motive:.2f}"
    return ", ".join(f"{h} {v:.2f}" for h, v in src.motive_by.items())


def _differences(base: Case, other: Case) -> list[tuple[str, Case]]:
    """(description, base with that one assumption of ``other``) for each difference."""
    out = []
    theirs = {s.id: s for s in other.sources}
    for s in base.sources:
        o = theirs.get(s.id)
        if o is None:
            continue
        if o.reliability != s.reliability:
            out.append((f"{s.id} reliability {_short(s.reliability)} -> "
                        f"{_short(o.reliability)}",
                        base.with_source(s.id, reliability=o.reliability)))
        if (o.motive, o.motive_by) != (s.motive, s.motive_by):
            out.append((f"{s.id} motive {_motive(s)} -> {_motive(o)}",
                        base.with_source(s.id, motive=o.motive_by or o.motive)))
    if other.prior != base.prior:
        text = ", ".join(f"{h} {p:.2f}" for h, p in other.prior.items())
        out.append((f"prior -> {text}", base.with_prior(other.prior)))
    if [(e.id, e.ratings) for e in other.evidence] != [(e.id, e.ratings) for e in base.evidence]:
        out.append((f"evidence: {len(base.evidence)} -> {len(other.evidence)} items, "
                    f"cut-off {base.cutoff} -> {other.cutoff}",
                    replace(base, evidence=other.evidence, as_of=other.as_of)))
    return out


def assumption_effects(base: Case, others) -> pd.DataFrame:
    """Each scenario's differing assumptions applied one at a time to ``base``.

    Parameters
    ----------
    base : Case
        The reference scenario.
    others : iterable of Case
        Scenarios of the same case.

    Returns
    -------
    pandas.DataFrame
        One row per (scenario, assumption), plus a row "whole scenario" for each: the weight of
        the reference's leading hypothesis, its change in percentage points, and the leading
        hypothesis with that change. Sorted by the size of the change, largest first.
    """
    reference = exact_weights(base)
    lead = reference.leading
    rows = []
    for other in others:
        if other.id != base.id:
            raise ValueError(f"scenario {other.name} is of case {other.id}, not {base.id}")
        changes = _differences(base, other) + [("whole scenario", other)]
        for what, case in changes:
            w = exact_weights(case)
            rows.append({"scenario": other.name, "assumption": what,
                         f"weight of {base.labels[lead]}": w[lead],
                         "change (points)": 100 * (w[lead] - reference[lead]),
                         "leading hypothesis": base.labels[w.leading]})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = frame["change (points)"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)
