"""Tables (pandas) that notebooks and reports show: the matrix, assumptions, side-by-sides."""

from __future__ import annotations

import pandas as pd

from achlab.engines.classic import HeuerScores, heuer_rating, heuer_scores, item_diagnosticity
from achlab.engines.exact import Weights, exact_weights
from achlab.model import Case
from achlab.model.scales import INTERVAL
from achlab.model.words import estimative_word


def matrix_frame(case: Case) -> pd.DataFrame:
    """The evidence matrix: one row per item, most diagnostic first.

    Each row holds the item's ratings per hypothesis, source, credibility, relevance and
    diagnosticity (bits).
    """
    rows = []
    for e in case.evidence:
        src = case.source(e.source_id)
        row = {"id": e.id, "date": e.date, "summary": e.summary, "source": e.source_id,
               "reliability": src.reliability.letter or f"{src.reliability.mean:.2f}",
               "credibility": e.credibility, "relevance": e.relevance}
        for h in case.hypothesis_ids:
            row[case.labels[h]] = heuer_rating(case, e, h)
        row["diagnosticity (bits)"] = round(item_diagnosticity(case, e), 2)
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("id")
    return frame.sort_values("diagnosticity (bits)", ascending=False, kind="stable")


def sources_frame(case: Case) -> pd.DataFrame:
    """Sources with reliability (letter, mean, 89 % prior interval), motive and report count."""
    counts = pd.Series([e.source_id for e in case.evidence]).value_counts()
    rows = []
    for s in case.sources:
        lo, hi = s.reliability.interval(INTERVAL)
        rows.append({"source": s.id, "name": s.name, "reliability": s.reliability.describe(),
                     "89 % range": f"{lo:.2f}-{hi:.2f}", "motive": s.motive,
                     "group": s.group, "reports": int(counts.get(s.id, 0))})
    return pd.DataFrame(rows).set_index("source")


def side_by_side(case: Case, weights: Weights | None = None,
                 scores: HeuerScores | None = None) -> pd.DataFrame:
    """Classic ACH scores beside Bayesian weights, with the rank each method gives."""
    weights = weights or exact_weights(case)
    scores = scores or heuer_scores(case)
    frame = pd.DataFrame({
        "hypothesis": [case.labels[h] for h in case.hypothesis_ids],
        "inconsistency": [scores.inconsistency[h] for h in case.hypothesis_ids],
        "weighted inconsistency": [scores.weighted_inconsistency[h] for h in case.hypothesis_ids],
        "Bayesian weight": [weights[h] for h in case.hypothesis_ids],
        "words": [estimative_word(weights[h], case.yardstick) for h in case.hypothesis_ids],
    }, index=pd.Index(case.hypothesis_ids, name="id"))
    frame["ACH rank"] = frame["weighted inconsistency"].rank(ascending=False, method="min")
    frame["Bayes rank"] = frame["Bayesian weight"].rank(ascending=False, method="min")
    return frame


def assumptions_frame(case: Case) -> pd.DataFrame:
    """Every assumption the numbers rest on, and whether the scenario changed it."""
    over = case.scenario.overrides if case.scenario else {}
    src_over = over.get("sources") or {}
    rows = [
        ("scenario", case.name, ""),
        ("case", case.id, ""),
        ("evidence cut-off (as_of)", str(case.as_of or "none"), "scenario" if "as_of" in over
         else ""),
        ("prior", ", ".join(f"{case.labels[h]} {p:.2f}" for h, p in case.prior.items()),
         "scenario" if "prior" in over else "case"),
        ("seed", str(case.seed), "scenario" if "seed" in over else "default"),
        ("reliability pooling (PyMC)", "on" if case.pooling else "off",
         "scenario" if "pooling" in over else "default"),
    ]
    for s in case.sources:
        changed = src_over.get(s.id, {}) if isinstance(src_over, dict) else {}
        rows.append((f"source {s.id}",
                     f"reliability {s.reliability.describe()}, motive {s.motive:.2f}",
                     "scenario: " + ", ".join(changed) if changed else "case"))
    ev = over.get("evidence") or {}
    if ev.get("exclude"):
        rows.append(("excluded items", ", ".join(map(str, ev["exclude"])), "scenario"))
    for eid, cells in (ev.get("ratings") or {}).items():
        rows.append((f"ratings of {eid}", ", ".join(f"{h}: {r}" for h, r in cells.items()),
                     "scenario"))
    return pd.DataFrame(rows, columns=["assumption", "value", "set by"]).set_index("assumption")


def assumptions_markdown(case: Case) -> str:
    """The assumptions table as Markdown, headed with the scenario's title and description."""
    title = case.scenario.title if case.scenario else case.title
    desc = case.scenario.description if case.scenario else ""
    lines = [f"## Assumptions used: {title}", "", desc, "",
             "| assumption | value | set by |", "|---|---|---|"]
    for name, row in assumptions_frame(case).iterrows():
        value = str(row["value"]).replace("|", "/")
        lines.append(f"| {name} | {value} | {row['set by']} |")
    return "\n".join(lines)
