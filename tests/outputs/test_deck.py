"""The briefing deck: the expected slides, each chart with its footer in the notes."""

from __future__ import annotations

from achlab import paths
from achlab.load.scenario import load_scenario


def test_deck_has_expected_slides(tmp_path):
    from pptx import Presentation

    from achlab.cli import main

    scenarios = paths.scenario_files()
    deck = tmp_path / "deck.pptx"
    two = [str(scenarios[0]), str(scenarios[1])]
    assert main(["brief", *two, "--out", str(deck)]) == 0
    prs = Presentation(str(deck))
    titles = [s.shapes.title.text for s in prs.slides]
    case = load_scenario(scenarios[0])
    assert titles[0] == case.question
    assert any(t.startswith(f"{case.name}: ") for t in titles)
    assert "Scenarios side by side" in titles
    assert any(t.startswith("The evidence matrix") for t in titles)
    assert titles[-1] == "Sources and assumptions"
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= 4
    notes = [s.notes_slide.notes_text_frame.text for s in list(prs.slides)[1:-1]]
    assert all("Inputs #" in n for n in notes)
