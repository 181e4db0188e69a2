"""Briefing charts: render for every scenario, export in every format, byte-identical reruns."""

from __future__ import annotations

import hashlib
import struct

import matplotlib.pyplot as plt
import pytest

from achlab import paths
from achlab.charts import (
    export_figure,
    footer_text,
    inputs_hash,
    plot_comparison,
    plot_matrix,
    plot_weights,
)
from achlab.charts.style import SLIDE_SIZE
from achlab.engines.exact import Weights, exact_weights
from achlab.load.scenario import load_scenario

SCENARIOS = paths.scenario_files()


def png_size(path):
    """Width and height of a PNG from its IHDR chunk."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def cases():
    return [load_scenario(p) for p in SCENARIOS]


def texts(fig):
    """Every text drawn on a figure (figure-level and axes-level)."""
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title()] + [t.get_text() for t in ax.get_yticklabels()]
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_weights_chart_states_the_bottom_line(path):
    case = load_scenario(path)
    w = exact_weights(case)
    fig = plot_weights(w, case)
    drawn = texts(fig)
    lead = case.labels[w.leading]
    title = next(t for t in drawn if t.startswith(lead + ":"))
    assert w.words(w.leading) in title
    # every hypothesis bar carries its word and percentage
    for h in case.hypothesis_ids:
        assert any(t.startswith(w.words(h) + " (") for t in drawn), h
    footer = footer_text(case)
    assert footer in drawn
    assert case.name in footer and inputs_hash(case) in footer
    if case.handling:
        assert case.handling in drawn
    plt.close(fig)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_matrix_chart_sorted_by_diagnosticity(path):
    from achlab.engines.classic import item_diagnosticity

    case = load_scenario(path)
    fig = plot_matrix(case)
    ax = fig.axes[0]
    ids = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert sorted(ids) == sorted(e.id for e in case.evidence)
    diags = [item_diagnosticity(case, next(e for e in case.evidence if e.id == i)) for i in ids]
    assert diags == sorted(diags, reverse=True)
    plt.close(fig)


def test_comparison_marks_the_leader(cases):
    results = [(c, exact_weights(c)) for c in cases]
    fig = plot_comparison(results)
    starred = [t for t in texts(fig) if "\u2605" in t]
    assert len(starred) == len(cases)
    plt.close(fig)


def test_interval_drawn_for_mcmc_weights(cases):
    import numpy as np

    case = cases[0]
    exact = exact_weights(case)
    wide = Weights(exact.hypothesis_ids, exact.mean, np.clip(exact.mean - 0.05, 0, 1),
                   np.clip(exact.mean + 0.05, 0, 1), "mcmc", case.labels)
    fig = plot_weights(wide, case)
    assert any(len(ax.containers) and any(type(c).__name__ == "ErrorbarContainer"
                                          for c in ax.containers) for ax in fig.axes)
    plt.close(fig)


def test_export_formats_size_and_reproducible_bytes(cases, tmp_path):
    case = cases[0]

    def render(folder):
        fig = plot_weights(exact_weights(case), case)
        written = export_figure(fig, "weights", out=folder)
        plt.close(fig)
        return written

    first = render(tmp_path / "a")
    second = render(tmp_path / "b")
    assert sorted(p.suffix for p in first) == [".pdf", ".png", ".svg"]
    w, h = png_size(first[0] if first[0].suffix == ".png" else
                    next(p for p in first if p.suffix == ".png"))
    assert (w, h) == (int(SLIDE_SIZE[0] * 200), int(SLIDE_SIZE[1] * 200))
    for a, b in zip(sorted(first), sorted(second), strict=True):
        digest_a = hashlib.sha256(a.read_bytes()).digest()
        assert digest_a == hashlib.sha256(b.read_bytes()).digest(), a.name
    pdf = next(p for p in first if p.suffix == ".pdf").read_bytes()
    assert b"CreationDate" not in pdf
    svg = next(p for p in first if p.suffix == ".svg").read_text()
    assert "<dc:date>" not in svg
    assert not list((tmp_path / "a").glob(".*")), "temporary files left behind"


def test_export_refuses_inputs_folders(cases):
    fig = plot_weights(exact_weights(cases[0]), cases[0])
    for folder in (paths.data_dir(), paths.scenarios_dir(), paths.data_dir() / "nk-troops-2024"):
        with pytest.raises(ValueError, match="refusing"):
            export_figure(fig, "x", out=folder)
    plt.close(fig)


def test_footer_hash_changes_with_assumptions(cases):
    case = cases[0]
    changed = case.with_source(case.sources[0].id, reliability=0.123)
    assert inputs_hash(case) == inputs_hash(load_scenario(SCENARIOS[0]))
    assert inputs_hash(changed) != inputs_hash(case)


def test_deck_has_expected_slides(tmp_path):
    from pptx import Presentation

    from achlab.cli import main

    deck = tmp_path / "deck.pptx"
    two = [str(SCENARIOS[0]), str(SCENARIOS[1])]
    assert main(["brief", *two, "--out", str(deck)]) == 0
    prs = Presentation(str(deck))
    titles = [s.shapes.title.text for s in prs.slides]
    case = load_scenario(SCENARIOS[0])
    assert titles[0] == case.question
    assert any(t.startswith(f"{case.name}: ") for t in titles)
    assert "Scenarios side by side" in titles
    assert any(t.startswith("The evidence matrix") for t in titles)
    assert titles[-1] == "Sources and assumptions"
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= 4
    notes = [s.notes_slide.notes_text_frame.text for s in list(prs.slides)[1:-1]]
    assert all("Inputs #" in n for n in notes)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_reliability_chart_names_the_most_discredited_source(path):
    """Prior against posterior per source, from a stand-in fit (the real fit runs in 03)."""
    from types import SimpleNamespace

    import pandas as pd

    from achlab.charts import plot_reliability

    case = load_scenario(path)
    rows = []
    for n, s in enumerate(case.sources):
        lo, hi = s.reliability.interval(0.89)
        post = max(0.0, s.reliability.mean - 0.3) if n == 2 else s.reliability.mean
        rows.append({"source": s.id, "name": s.name, "reports": n,
                     "prior mean": s.reliability.mean, "prior low": lo, "prior high": hi,
                     "posterior mean": post, "posterior low": max(0.0, post - 0.05),
                     "posterior high": min(1.0, post + 0.05)})
    table = pd.DataFrame(rows).set_index("source")
    table["shift"] = table["posterior mean"] - table["prior mean"]
    fig = plot_reliability(SimpleNamespace(reliability=table, case=case))
    drawn = texts(fig)
    short = case.sources[2].name.split(" (")[0]
    title = [t for t in drawn if t.startswith("The evidence discredits")]
    assert title and short[:20] in title[0], drawn[:3]
    assert any("1 report)" in t for t in drawn) and any("2 reports)" in t for t in drawn)
    assert footer_text(case, "PyMC posterior") in drawn
    plt.close(fig)
