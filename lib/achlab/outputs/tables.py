"""Tables (pandas) that notebooks and reports show: the matrix, assumptions, side-by-sides."""

from __future__ import annotations

import numpy as np
import pandas as pd

from achlab.engines.classic import HeuerScores, heuer_rating, heuer_scores, item_diagnosticity
from achlab.engines.exact import Weights, exact_weights
from achlab.model import Case
from achlab.model.scales import INTERVAL
from achlab.model.words import count, judgement_of, percent, points, score


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
    """Sources with reliability (letter, mean, 89 % prior interval), motive and report count.

    ``reports`` counts the reports the weights use, as the reliability chart does: an item with
    no rated cell (a base rate kept for the record, say) is not one.
    """
    arr = case.arrays()
    used = np.bincount(arr.item_source, minlength=len(arr.source_ids))
    counts = dict(zip(arr.source_ids, used.tolist(), strict=True))
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
        "weight": [judgement_of(weights, h).number for h in case.hypothesis_ids],
        "words": [judgement_of(weights, h).words for h in case.hypothesis_ids],
    }, index=pd.Index(case.hypothesis_ids, name="id"))
    frame["ACH rank"] = frame["weighted inconsistency"].rank(ascending=False, method="min")
    frame["Bayes rank"] = frame["Bayesian weight"].rank(ascending=False, method="min")
    return frame


def motive_text(source) -> str:
    """A source's motive as read: ``0.80``, or per hypothesis ``combat 0.85, none 0.80``."""
    if getattr(source, "motive_by", None):
        return ", ".join(f"{h} {v:.2f}" for h, v in source.motive_by.items())
    return f"{source.motive:.2f}"


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
                     f"reliability {s.reliability.describe()}, motive {motive_text(s)}",
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


# ---------------------------------------------------------------------------- numbers as read
def weights_frame(weights: Weights) -> pd.DataFrame:
    """The weights as an analyst reads them: one number and the words per hypothesis.

    The number is the one the uncertainty supports (:func:`achlab.model.words.judgement`), the
    interval is given for a fit and a point answer says it is one; the last column names the
    engine.
    """
    rows = []
    for h in weights.hypothesis_ids:
        said = judgement_of(weights, h)
        rows.append({"hypothesis": weights.labels.get(h, h), "weight": said.number,
                     "words": said.words,
                     "89 % interval": "point answer" if said.point else said.interval,
                     "engine": said.engine})
    return pd.DataFrame(rows, index=pd.Index(weights.hypothesis_ids, name="id"))


def checks_frame(fit) -> pd.DataFrame:
    """A PyMC fit's checks with values as read: r_hat to two decimals, counts whole (5,669)."""
    frame = fit.checks().copy()
    shown = []
    for name, value in frame["value"].items():
        if value != value:  # NaN: nothing varies, nothing to check
            shown.append("n/a")
        elif name == "r_hat":
            shown.append(f"{value:.2f}")
        else:
            shown.append(count(value))
    frame["value"] = shown
    return frame


def in_points(frame: pd.DataFrame, columns, already_points: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` (differences of probability) in whole points.

    ``already_points``: the columns hold percentage points (``-32.717``), not probabilities.
    """
    out = frame.copy()
    scale = 100.0 if already_points else 1.0
    for column in columns:
        out[column] = [points(v / scale) for v in frame[column]]
    return out


def effects_frame(effects: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`achlab.engines.effects.assumption_effects` with numbers as read."""
    if effects.empty:
        return effects
    weight = next(c for c in effects.columns if c.startswith("weight of "))
    return in_points(in_percent(effects, [weight]), ["change (points)"], already_points=True)


def in_percent(frame: pd.DataFrame, columns, yardstick: str = "icd203") -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` (probabilities) as percentages (``"95 %"``)."""
    out = frame.copy()
    for column in columns:
        out[column] = [percent(v, yardstick) for v in frame[column]]
    return out


def comparison_frame(results) -> pd.DataFrame:
    """Scenarios side by side: one row per scenario, each hypothesis's number, the bottom line.

    Parameters
    ----------
    results : dict of str to (Case, Weights)
        The scenarios by name, in display order.
    """
    rows = {}
    for name, (case, weights) in results.items():
        row = {case.labels[h]: judgement_of(weights, h).number for h in weights.hypothesis_ids}
        lead = weights.leading
        row["bottom line"] = f"{case.labels[lead]}: {judgement_of(weights, lead)}"
        row["engine"] = judgement_of(weights, lead).basis
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")


def heuer_frame(case: Case, scores: HeuerScores) -> pd.DataFrame:
    """Classic ACH scores per hypothesis as the command line prints them (two decimals)."""
    return pd.DataFrame({
        "inconsistency": [f"{scores.inconsistency[h]:.0f}" for h in case.hypothesis_ids],
        "weighted inconsistency": [f"{scores.weighted_inconsistency[h]:.2f}"
                                   for h in case.hypothesis_ids],
    }, index=pd.Index([case.labels[h] for h in case.hypothesis_ids], name="hypothesis"))


def overrides_in_words(case, unchanged: str | None = "the case as it stands (no assumption "
                                                     "changed)") -> list[str]:
    """What a scenario changes in its case, one sentence per change; ``[unchanged]`` if none.

    The sampler's seed is no assumption and is not said. ``unchanged=None`` gives ``[]``.
    """
    over = case.scenario.overrides if case.scenario else {}
    said = []
    if "as_of" in over:
        said.append(f"as of {case.as_of} (nothing reported later is used)")
    if "prior" in over:
        said.append("prior " + ", ".join(f"{case.labels[h]} {percent(p)}"
                                         for h, p in case.prior.items()))
    if "pooling" in over:
        said.append("reliability pooled within source groups" if case.pooling
                    else "reliability not pooled")
    for sid, changes in (over.get("sources") or {}).items():
        said.append(_source_in_words(case, sid, changes))
    evidence = over.get("evidence") or {}
    if evidence.get("exclude"):
        said.append("leaves out " + ", ".join(map(str, evidence["exclude"])))
    for eid, cells in (evidence.get("ratings") or {}).items():
        said.append(f"rates {eid} " + ", ".join(f"{case.labels.get(h, h)} {r}"
                                                for h, r in cells.items()))
    return said or ([unchanged] if unchanged else [])


def motive_in_words(case: Case, source) -> str:
    """A source's motive for a briefing, as the chance it would say so anyway.

    ``would say so anyway: 50 %``, or per hypothesis ``would say so anyway: 90 % if Combat
    troops, 60 % if No deployment``.
    """
    if source.motive_by:
        return "would say so anyway: " + ", ".join(
            f"{percent(a)} if {case.labels.get(h, h)}" for h, a in source.motive_by.items())
    return f"would say so anyway: {percent(source.motive)}"


def _source_in_words(case: Case, source_id: str, changes) -> str:
    """What a scenario sets for one source, in words.

    For instance ``Ukrainian government (ua-gov): reliability D, not usually reliable (about
    35 %); would say so anyway: 90 % if Combat troops, 60 % if Nobody``.
    """
    source = case.source(source_id)
    name = source.name.split(" (")[0].strip() or source_id
    parts = []
    if "reliability" in changes:
        parts.append(f"reliability {source.reliability.in_words()}")
    if "motive" in changes:
        parts.append(motive_in_words(case, source))
    parts += [f"{key} {value}" for key, value in changes.items()
              if key not in ("reliability", "motive")]
    return f"{name} ({source_id}): " + "; ".join(parts)


def league_frame(outcomes: dict) -> pd.DataFrame:
    """Scenarios ranked by how their replays scored against the outcome (mean Brier, lowest first).

    Parameters
    ----------
    outcomes : dict
        Scenario name -> :class:`~achlab.engines.replay.PostMortem`.

    Returns
    -------
    DataFrame
        ``rank`` (equal scores to three decimals share one), ``final Brier``, ``mean Brier`` (as
        :func:`~achlab.model.words.score` writes them),
        ``first 'likely'`` and ``'likely' from`` (the first date the truth was judged likely,
        and the date from which it stayed so), one row per scenario.
    """
    league = pd.DataFrame({
        "final Brier": {n: p.scores["brier"].iloc[-1] for n, p in outcomes.items()},
        "mean Brier": {n: p.mean_brier for n, p in outcomes.items()},
        "first 'likely'": {n: p.first_likely for n, p in outcomes.items()},
        "'likely' from": {n: p.first_likely_held for n, p in outcomes.items()},
    }).rename_axis("scenario").sort_values(["mean Brier", "final Brier"], kind="stable")
    league.insert(0, "rank", league["mean Brier"].round(3).rank(method="min").astype(int))
    for column in ("final Brier", "mean Brier"):
        league[column] = league[column].map(score)
    return league


def league_in_words(league: pd.DataFrame) -> str:
    """The best and the worst of :func:`league_frame`, in one sentence."""
    mean = league["mean Brier"]
    if league["rank"].nunique() == 1:
        return f"Against the outcome, every scenario scores alike: mean Brier {mean.iloc[0]}."

    def names(rank) -> str:
        said = list(league.index[league["rank"] == rank])
        return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]

    return (f"Against the outcome, {names(1)} scored best (mean Brier {mean.iloc[0]}); "
            f"{names(league['rank'].max())} worst ({mean.iloc[-1]}).")
