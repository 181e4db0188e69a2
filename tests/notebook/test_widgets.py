"""The reliability panel of notebook 02, driven without a browser.

Moving a slider must recompute the weights with the exact engine and redraw them; saving must
write a scenario file that loads and reproduces the panel's weights, and must never overwrite.
"""

from __future__ import annotations

import numpy as np
import pytest

from achlab import paths
from achlab.engines.exact import exact_weights
from achlab.load.scenario import load_scenario
from achlab.notebook import load
from achlab.notebook.widgets import ReliabilityPanel, weights_for


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
