"""The matrix and the weights as Markdown tables (for a written product), and as CSV."""

from __future__ import annotations

import csv
import io

from achlab.engines.classic import heuer_rating, heuer_scores
from achlab.engines.exact import exact_weights
from achlab.engines.likelihood import RELEVANCE_NOTE
from achlab.model import Case
from achlab.model.words import estimative_word, percent


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def matrix_rows(case: Case) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the matrix: id, date, source, credibility, relevance, a rating each."""
    header = ["id", "date", "summary", "source", "credibility", "relevance",
              *(case.labels[h] for h in case.hypothesis_ids)]
    rows = [[e.id, e.date.isoformat() if e.date else "", e.summary, e.source_id,
             e.credibility, e.relevance, *(heuer_rating(case, e, h) for h in case.hypothesis_ids)]
            for e in case.evidence]
    return header, rows


def weights_rows(case: Case) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the weights: hypothesis, weight, words, classic scores."""
    weights, scores = exact_weights(case), heuer_scores(case)
    header = ["hypothesis", "weight", "words", "inconsistency", "weighted inconsistency"]
    rows = [[case.labels[h], percent(weights[h]), estimative_word(weights[h], case.yardstick),
             f"{scores.inconsistency[h]:.0f}", f"{scores.weighted_inconsistency[h]:.2f}"]
            for h in case.hypothesis_ids]
    return header, rows


def case_markdown(case: Case) -> str:
    """The weights and the matrix of a case as Markdown, with a line naming engine and inputs."""
    from achlab.charts.footer import inputs_hash

    scenario = case.scenario.name if case.scenario else "the case's own assumptions"
    cut = case.cutoff.isoformat() if case.cutoff else "undated"
    return "\n\n".join([
        f"## {case.title}", case.question.strip(),
        f"Weights (exact engine; {scenario}; evidence to {cut}; inputs #{inputs_hash(case)}):",
        _table(*weights_rows(case)), f"Note: {RELEVANCE_NOTE}",
        "Matrix (ratings as rated, a row per report):",
        _table(*matrix_rows(case))]) + "\n"


def matrix_csv(case: Case) -> str:
    """The matrix as CSV text (one row per report, a column per hypothesis)."""
    header, rows = matrix_rows(case)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
