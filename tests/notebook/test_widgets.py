"""The reliability panel and the matrix editor of notebook 02, driven without a browser.

Moving a slider or re-rating a cell must recompute the weights with the exact engine and redraw
them; saving must write a scenario file that loads and reproduces the weights, and must never
overwrite a file or write into data/.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from achlab import paths
from achlab.engines.exact import exact_weights
from achlab.load.scenario import load_scenario
from achlab.notebook import load
from achlab.notebook.widgets import (
    MatrixEditor,
    ReliabilityPanel,
    apply_edits,
    edited_weights,
    edits_document,
    motive_note,
    single_motive,
    weights_for,
)
from tests.helpers import make_case, make_item, make_source, tree_digest


@pytest.fixture
def case():
    """The baseline scenario of the bundled case."""
    return load(paths.scenarios_dir() / "baseline.yaml")


@pytest.fixture
def panel(case, tmp_path):
    """A panel that saves into a temporary folder, never into scenarios/."""
    return ReliabilityPanel(case, folder=tmp_path)


def test_panel_starts_at_the_scenario_weights(case, panel):
    np.testing.assert_allclose(panel.weights.mean, exact_weights(case).mean, rtol=1e-12)
    assert panel.output.value, "the panel shows nothing before any slider moves"


def test_reliability_slider_updates_weights_and_display(case, panel):
    before, shown = panel.weights.mean.copy(), panel.output.value
    panel.rel_sliders["ua-gov"].value = 0.05
    assert not np.allclose(panel.weights.mean, before), "weights did not change"
    assert panel.output.value != shown, "the displayed weights were not redrawn"
    expected = weights_for(case, {"ua-gov": 0.05}, {})
    np.testing.assert_allclose(panel.weights.mean, expected.mean, rtol=1e-12)


def test_motive_slider_updates_weights_and_display(case, panel):
    before, shown = panel.weights.mean.copy(), panel.output.value
    panel.motive_sliders["kr-gov"].value = 0.2
    assert not np.allclose(panel.weights.mean, before), "weights did not change"
    assert panel.output.value != shown, "the displayed weights were not redrawn"
    expected = weights_for(case, {}, {"kr-gov": 0.2})
    np.testing.assert_allclose(panel.weights.mean, expected.mean, rtol=1e-12)


def test_reset_returns_to_the_scenario(case, panel):
    panel.rel_sliders["kr-gov"].value = 0.1
    panel.motive_sliders["ru-gov"].value = 0.1
    panel.reset()
    np.testing.assert_allclose(panel.weights.mean, exact_weights(case).mean, rtol=1e-12)


def test_save_writes_a_loadable_scenario_with_the_panel_weights(panel, tmp_path):
    panel.rel_sliders["ua-gov"].value = 0.05
    panel.motive_sliders["kr-gov"].value = 0.2
    path = panel.save("panel-test")
    assert path == tmp_path / "panel-test.yaml"
    saved = load_scenario(path)
    assert saved.name == "panel-test"
    np.testing.assert_allclose(exact_weights(saved).mean, panel.weights.mean, rtol=1e-9)


def test_saving_twice_under_one_name_refuses_and_keeps_the_first_file(panel, tmp_path):
    panel.rel_sliders["ua-gov"].value = 0.05
    first = panel.save("twice")
    content = first.read_bytes()
    panel.rel_sliders["ua-gov"].value = 0.9
    with pytest.raises(FileExistsError):
        panel.save("twice")
    assert first.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twice.yaml"], "stray files left"


def test_save_button_reports_success_and_refusal(panel, tmp_path):
    panel.name.value = "from-button"
    panel.save_button.click()
    assert (tmp_path / "from-button.yaml").is_file()
    assert "Saved" in panel.status.value
    panel.save_button.click()
    assert "Not saved" in panel.status.value


def test_save_rejects_a_bad_name(panel, tmp_path):
    with pytest.raises(ValueError):
        panel.save("../escape")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- matrix editor
def _two_hypothesis_case():
    """Two hypotheses, uniform prior; ``sure`` is a perfect source, ``half`` has rho 0.5."""
    sources = [make_source("sure", 1.0), make_source("half", 0.5, motive=0.5)]
    items = [make_item("E1", "sure", {"yes": "CC", "no": "II"}),
             make_item("E2", "half", {"yes": "N", "no": "N"}),
             make_item("E3", "sure", {"yes": "C", "no": "I"})]
    return make_case(["yes", "no"], sources, items)


def _share_of_yes(*pairs):
    """Posterior of ``yes`` under a uniform prior from (P(report|yes), P(report|no)) pairs."""
    yes, no = np.prod([p[0] for p in pairs]), np.prod([p[1] for p in pairs])
    return yes / (yes + no)


def test_editing_a_cell_gives_the_weights_computed_by_hand():
    case = _two_hypothesis_case()
    editor = MatrixEditor(case)
    editor.cells["E2", "yes"].value = "CC"
    editor.cells["E2", "no"].value = "I"
    # E2: rho c = 0.5, a = 0.5, so P = 0.5 p + 0.25: yes 0.725, no 0.35.
    expected = _share_of_yes((0.95, 0.05), (0.725, 0.35), (0.80, 0.20))
    assert editor.weights["yes"] == pytest.approx(expected, rel=1e-12)
    assert editor.ratings == {"E2": {"yes": "CC", "no": "I"}}
    assert "E2 / no → I" in editor.output.value, "the change is not shown"
    assert editor.cells["E2", "no"].value == "I"
    assert "achlab-changed" in editor.cells["E2", "no"]._dom_classes


def test_leaving_an_item_out_gives_the_weights_computed_by_hand():
    case = _two_hypothesis_case()
    editor = MatrixEditor(case)
    before = editor.weights["yes"]
    editor.switches["E1"].value = False
    assert editor.weights["yes"] == pytest.approx(_share_of_yes((0.80, 0.20)), rel=1e-12)
    assert editor.weights["yes"] != pytest.approx(before)
    assert editor.cells["E1", "yes"].disabled
    editor.switches["E1"].value = True
    assert editor.weights["yes"] == pytest.approx(before, rel=1e-12)


def test_setting_a_cell_back_is_no_change():
    editor = MatrixEditor(_two_hypothesis_case())
    start = editor.weights.mean.copy()
    editor.cells["E3", "no"].value = "CC"
    editor.cells["E3", "no"].value = "I"
    assert editor.ratings == {}
    np.testing.assert_allclose(editor.weights.mean, start, rtol=1e-12)


def test_apply_edits_refuses_unknown_items_hypotheses_and_ratings():
    case = _two_hypothesis_case()
    for ratings, exclude in [({"E9": {"yes": "C"}}, ()), ({"E1": {"maybe": "C"}}, ()),
                             ({"E1": {"yes": "X"}}, ()), ({}, ("E9",))]:
        with pytest.raises(ValueError):
            apply_edits(case, ratings, exclude)


def test_transpose_puts_hypotheses_in_rows_and_back(case):
    editor = MatrixEditor(case)
    n_items, n_hyps = len(case.evidence), len(case.hypothesis_ids)
    assert editor.grid.layout.grid_template_columns.endswith(f"repeat({n_hyps}, 110px)")
    editor.transpose_button.click()
    assert editor.transposed
    assert f"repeat({n_items}, 76px)" in editor.grid.layout.grid_template_columns
    kids = editor.grid.children
    width = n_items + 1
    assert len(kids) == width * (n_hyps + 2)
    first = case.evidence[0].id
    for row, h in enumerate(case.hypothesis_ids, start=2):  # header row, switches row
        assert kids[row * width + 1] is editor.cells[first, h]
    assert kids[width + 1] is editor.switches[first]
    editor.transpose_button.click()
    assert not editor.transposed
    assert editor.grid.children[3 + n_hyps] is editor.switches[first]


def test_transposed_edits_are_the_same_edits(case):
    editor = MatrixEditor(case)
    editor.transpose()
    item = case.evidence[2].id
    editor.cells[item, "none"].value = "CC"
    expected = edited_weights(case, {item: {"none": "CC"}})
    np.testing.assert_allclose(editor.weights.mean, expected.mean, rtol=1e-12)


def test_saved_edits_validate_and_reproduce_the_weights(toy_case_dir, tmp_path):
    from achlab.cli import main

    case = load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    editor = MatrixEditor(case, folder=tmp_path / "saved")
    editor.cells["E1", "dry"].value = "II"
    editor.cells["E2", "snow"].value = "C"
    editor.switches["E3"].value = False
    path = editor.save("toy-edited")
    assert path == tmp_path / "saved" / "toy-edited.yaml"
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["evidence"]["ratings"] == {"E3": {"rain": "C"}, "E1": {"dry": "II"},
                                            "E2": {"snow": "C"}}, "base override lost"
    assert saved["evidence"]["exclude"] == ["E4", "E3"]
    assert saved["sources"] == {"app": {"reliability": 0.2, "motive": 0.9}}
    reloaded = load_scenario(path, toy_case_dir.data)
    np.testing.assert_allclose(exact_weights(reloaded).mean, editor.weights.mean, rtol=1e-12)
    assert main(["validate", str(path), "--data", str(toy_case_dir.data)]) == 0


def test_saved_edits_of_the_bundled_case_validate(case, tmp_path):
    from achlab.cli import main

    editor = MatrixEditor(case, folder=tmp_path)
    first = case.evidence[0].id
    editor.cells[first, "none"].value = "II"
    editor.switches[case.evidence[-1].id].value = False
    path = editor.save("bundled-edited")
    assert main(["validate", str(path)]) == 0
    np.testing.assert_allclose(exact_weights(load_scenario(path)).mean, editor.weights.mean,
                               rtol=1e-12)


def test_editor_never_overwrites_a_scenario(case, tmp_path):
    editor = MatrixEditor(case, folder=tmp_path)
    editor.cells[case.evidence[0].id, "none"].value = "CC"
    first = editor.save("once")
    content = first.read_bytes()
    editor.cells[case.evidence[0].id, "none"].value = "II"
    with pytest.raises(FileExistsError):
        editor.save("once")
    assert first.read_bytes() == content
    editor.name.value = "once"
    editor.save_button.click()
    assert "Not saved" in editor.status.value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["once.yaml"]


def test_editor_never_writes_into_the_data_folder(case):
    before = tree_digest(paths.data_dir())
    editor = MatrixEditor(case, folder=paths.data_dir() / "nk-troops-2024")
    with pytest.raises(ValueError, match="data folder"):
        editor.save("into-data")
    assert tree_digest(paths.data_dir()) == before


def test_leaving_every_item_out_is_shown_and_not_saved(tmp_path):
    editor = MatrixEditor(_two_hypothesis_case(), folder=tmp_path)
    for switch in editor.switches.values():
        switch.value = False
    np.testing.assert_allclose(editor.weights.mean, [0.5, 0.5])
    assert "the weights are the prior" in editor.output.value
    editor.name.value = "nothing-left"
    editor.save_button.click()
    assert "Not saved" in editor.status.value
    assert list(tmp_path.iterdir()) == []


def test_reset_returns_the_editor_to_the_scenario(case):
    editor = MatrixEditor(case)
    editor.cells[case.evidence[0].id, "combat"].value = "II"
    editor.switches[case.evidence[1].id].value = False
    editor.reset()
    assert editor.ratings == {} and editor.excluded == set()
    np.testing.assert_allclose(editor.weights.mean, exact_weights(case).mean, rtol=1e-12)


def test_edits_document_keeps_numeric_ratings_and_skips_unchanged_cells():
    case = _two_hypothesis_case()
    doc = edits_document(case, "numbers", {"E1": {"yes": "CC", "no": 0.3}})
    assert doc["evidence"] == {"ratings": {"E1": {"no": 0.3}}}
    assert doc["case"] == case.id


# ---------------------------------------------------------------------------- motive per hypothesis
def test_motive_note_shows_a_per_hypothesis_motive():
    labels = {"yes": "Yes", "no": "No"}
    per = SimpleNamespace(motive={"yes": 0.8, "no": 0.3})
    case = SimpleNamespace(labels=labels)
    assert motive_note(case, per) == "per hypothesis: Yes 0.80, No 0.30"
    assert single_motive(per) == pytest.approx(0.55)
    assert motive_note(case, SimpleNamespace(motive=0.7)) == ""
    assert single_motive(SimpleNamespace(motive=0.7)) == 0.7


def test_panel_keeps_one_motive_slider_per_source(case, panel):
    assert set(panel.motive_sliders) == {s.id for s in case.sources}
    assert set(panel.motive_notes) == {s.id for s in case.sources}


# ---------------------------------------------------------------------------- events
TOY_EVENTS_CSV = """\
evidence_id,date,summary,source_id,credibility,relevance,origin,citation,event,rain,snow,dry
E1,2024-10-01,Clouds gather in the west,met,1,H,,,clouds,CC,C,I
E2,2024-10-02,The app says clouds gather,app,2,M,,,clouds,CC,C,I
E3,2024-10-03,The farmer's knee aches,farmer,6,L,,,,N,N,N
E4,2024-10-04,A cat sleeps on the porch,farmer,3,M,,,,NA,NA,NA
"""


def test_a_cell_of_an_event_re_rates_every_report_of_it(toy_case_dir, tmp_path):
    toy_case_dir.evidence_csv.write_text(TOY_EVENTS_CSV, encoding="utf-8")
    case = load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    editor = MatrixEditor(case, folder=tmp_path)
    editor.cells["E2", "dry"].value = "N"
    assert editor.cells["E1", "dry"].value == "N", "the other report of the event kept its rating"
    assert editor.ratings == {"E1": {"dry": "N"}}
    both = apply_edits(case, {"E1": {"dry": "N"}})
    assert {e.id: e.ratings["dry"] for e in both.evidence} == {"E1": "N", "E2": "N", "E3": "N"}
    np.testing.assert_allclose(editor.weights.mean, exact_weights(both).mean, rtol=1e-12)
    assert not np.allclose(editor.weights.mean, exact_weights(case).mean)
    path = editor.save("toy-event-edited")
    reloaded = load_scenario(path, toy_case_dir.data)
    np.testing.assert_allclose(exact_weights(reloaded).mean, editor.weights.mean, rtol=1e-12)
    assert "clouds: E1, E2" in editor.output.value, "the shared ratings are not explained"
    editor.cells["E1", "dry"].value = "I"
    assert editor.ratings == {} and editor.cells["E2", "dry"].value == "I"


# ---------------------------------------------------------------------------- per-hypothesis motive
PER_HYPOTHESIS_SCENARIO = """\
name: kyiv-inflates
case: nk-troops-2024
as_of: "2024-10-25"
sources:
  ua-gov: {motive: {combat: 0.9, technical: 0.7, none: 0.2}}
"""


@pytest.fixture
def per_hypothesis(tmp_path):
    """A scenario giving Kyiv a motive per hypothesis, in a temporary folder."""
    path = tmp_path / "kyiv-inflates.yaml"
    path.write_text(PER_HYPOTHESIS_SCENARIO, encoding="utf-8")
    return load_scenario(path)


def test_panel_shows_per_hypothesis_motives_beside_one_slider(per_hypothesis, tmp_path):
    panel = ReliabilityPanel(per_hypothesis, folder=tmp_path / "saved")
    note = panel.motive_notes["ua-gov"].value
    assert "Combat troops 0.90" in note and "No deployment 0.20" in note
    assert panel.motive_sliders["ua-gov"].value == pytest.approx(0.6)
    assert panel.motive_notes["kr-gov"].value == "<small></small>"
    np.testing.assert_allclose(panel.weights.mean, exact_weights(per_hypothesis).mean,
                               rtol=1e-12)
    panel.motive_sliders["ua-gov"].value = 0.5  # every hypothesis's motive moves down by 0.1
    note = panel.motive_notes["ua-gov"].value
    assert "Combat troops 0.80" in note and "No deployment 0.10" in note
    path = panel.save("kyiv-moved")
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["sources"]["ua-gov"]["motive"] == pytest.approx(
        {"combat": 0.8, "technical": 0.6, "none": 0.1})
    np.testing.assert_allclose(exact_weights(load_scenario(path)).mean, panel.weights.mean,
                               rtol=1e-9)
