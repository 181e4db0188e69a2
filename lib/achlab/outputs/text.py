"""Plain-text tables for the terminal (used by the command line)."""

from __future__ import annotations

from achlab.engines.classic import HeuerScores
from achlab.engines.exact import Weights
from achlab.model import Case
from achlab.model.words import percent


def weights_table(case: Case, weights: Weights) -> str:
    """Hypothesis weights with estimative words (and interval when there is one)."""
    width = max(len(lbl) for lbl in case.labels.values())
    lines = []
    for h in weights.hypothesis_ids:
        d = weights.as_dict()[h]
        interval = ""
        if d["high"] - d["low"] > 1e-12:
            interval = f"  [{percent(d['low'])} - {percent(d['high'])}]"
        label = case.labels[h]
        lines.append(f"  {label:<{width}}  {percent(d['mean']):>6}  {d['words']}{interval}")
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
        "  Bayesian weights (exact):",
        weights_table(case, weights),
        f"  Classic ACH (least contradicted: {least}):",
        heuer_table(case, scores),
    ])
