"""Plain-text tables for the terminal (used by the command line)."""

from __future__ import annotations

from achlab.engines.classic import HeuerScores
from achlab.engines.exact import Weights
from achlab.model import Case
from achlab.model.words import judgement_of


def weights_heading(case: Case, weights: Weights) -> str:
    """The line above a weights table, naming the engine.

    For example ``"baseline (exact engine, point answer):"``.
    """
    return f"{case.name} ({judgement_of(weights, weights.leading).basis}):"


def weights_table(case: Case, weights: Weights) -> str:
    """Hypothesis weights: one number and the estimative words each, as the charts show them.

    The number is the one the uncertainty supports (:func:`achlab.model.words.judgement`); a
    PyMC fit adds its 89 % interval, a point answer has none to add.
    """
    width = max(len(lbl) for lbl in case.labels.values())
    said = {h: judgement_of(weights, h) for h in weights.hypothesis_ids}
    number_width = max(len(j.number) for j in said.values())
    lines = []
    for h, j in said.items():
        interval = "" if j.interval in ("", j.number) else f"  89 % interval {j.interval}"
        lines.append(f"  {case.labels[h]:<{width}}  {j.number:>{number_width}}  {j.words}"
                     f"{interval}")
    return "\n".join(lines)


def heuer_table(case: Case, scores: HeuerScores, top: int = 5) -> str:
    """Inconsistency scores per hypothesis and the most diagnostic items."""
    width = max(len(lbl) for lbl in case.labels.values())
    lines = [f"  {'hypothesis':<{width}}  inconsistency  weighted"]
    for h in scores.hypothesis_ids:
        lines.append(f"  {case.labels[h]:<{width}}  {scores.inconsistency[h]:>13.0f}  "
                     f"{scores.weighted_inconsistency[h]:>8.2f}")
    ranked = sorted(scores.diagnosticity.items(), key=lambda kv: -kv[1])[:top]
    lines.append("  most diagnostic items (bits): "
                 + ", ".join(f"{eid} {d:.1f}" for eid, d in ranked))
    return "\n".join(lines)


def scenario_summary(case: Case, weights: Weights, scores: HeuerScores) -> str:
    """One scenario's block: title, cut-off, weights, classic scores."""
    cut = case.cutoff.isoformat() if case.cutoff else "-"
    title = case.scenario.title if case.scenario else case.title
    arr = case.arrays()
    head = (f"{case.name}: {title}\n  evidence: {len(case.evidence)} items "
            f"({len(arr.item_ids)} counted after de-duplication), cut-off {cut}")
    least = case.labels[scores.least_contradicted]
    return "\n".join([
        head,
        f"  Bayesian weights ({judgement_of(weights, weights.leading).basis}):",
        weights_table(case, weights),
        f"  Classic ACH (least contradicted: {least}):",
        heuer_table(case, scores),
    ])
