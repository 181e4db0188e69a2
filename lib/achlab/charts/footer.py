"""The footer every exported chart carries, and the short hash of its inputs."""

from __future__ import annotations

import hashlib
import json

from achlab.model import Case


def inputs_hash(case: Case, length: int = 8) -> str:
    """A short, stable hash of everything the numbers depend on (case data and assumptions)."""
    payload = {
        "case": case.id,
        "prior": case.prior,
        "scales": [case.scales.rating, {k: list(v) if v else v for k, v in
                                        case.scales.reliability.items()}, case.scales.credibility],
        "sources": [[s.id, s.reliability.mean, s.reliability.alpha, s.reliability.beta, s.motive,
                     s.group] for s in case.sources],
        "evidence": [[e.id, str(e.date), e.source_id, e.cred_factor, e.relevance, e.origin,
                      e.motive, sorted((k, str(v)) for k, v in e.ratings.items())]
                     for e in case.evidence],
        "as_of": str(case.as_of), "pooling": case.pooling, "seed": case.seed,
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def combined_hash(cases, length: int = 8) -> str:
    """A short, stable hash of the inputs of several cases (a chart comparing scenarios)."""
    joined = "/".join(inputs_hash(c, 64) for c in cases)
    return hashlib.sha256(joined.encode()).hexdigest()[:length]


def footer_text(case: Case, note: str = "", scenario: str | None = None,
                cutoff: str | None = None, items: str | None = None,
                inputs: str | None = None) -> str:
    """Footer text in two lines: the source, then scenario, cut-off, inputs hash and version.

    The first line reads ``Source: ... (N evidence items)``. A chart of several scenarios passes
    its own ``cutoff``, ``items`` and ``inputs`` (hash) text instead of one case's.
    """
    from achlab import __version__

    cut = cutoff or (case.cutoff.isoformat() if case.cutoff else "undated")
    source = case.source_note or case.title
    first = f"Source: {source} ({items or f'{len(case.evidence)} evidence items'})"
    parts = [
        f"Scenario: {scenario or case.name}",
        f"Evidence to: {cut}",
        f"Inputs #{inputs or inputs_hash(case)}",
        f"achlab {__version__}",
    ]
    if note:
        parts.append(note)
    return first + "\n" + "  |  ".join(parts)


def add_footer(fig, case: Case, note: str = "", scenario: str | None = None, **instead):
    """Write the footer (and the handling marking, top and bottom) onto ``fig``; returns it.

    ``instead`` passes ``cutoff``, ``items`` or ``inputs`` on to :func:`footer_text`.
    """
    fig.text(0.012, 0.012, footer_text(case, note, scenario, **instead), fontsize=11,
             color="#444444",
             ha="left", va="bottom", linespacing=1.5)
    if case.handling:
        for y, va in ((0.995, "top"), (0.075, "bottom")):
            fig.text(0.5, y, case.handling, fontsize=11, fontweight="bold", color="#222222",
                     ha="center", va=va)
    return fig
