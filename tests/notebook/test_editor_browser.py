"""The matrix editor of notebook 02 in a real JupyterLab, driven by a real Chromium (Playwright).

The unit tests (``test_widgets.py``) prove the editor's arithmetic; these prove that it renders,
that changing a cell's drop-down redraws the weights within a second, that the transpose button
rearranges the grid, and that "Save as scenario" writes a file ``achlab validate`` accepts.
JupyterLab and Chromium are started as in ``test_browser.py`` (same fixtures, same skip rule).
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
import yaml

from achlab import paths
from tests.notebook.test_browser import TOKEN, artifacts, browser, lab  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

WEIGHTS = ".achlab-editor .achlab-weight"


def _visible_edit() -> tuple[str, str, str]:
    """(item, hypothesis, rating): the first cell of the baseline whose change shows in the text.

    Found with the library, so the test follows the bundled case when its ratings change.
    """
    from achlab.model.words import percent
    from achlab.notebook import load
    from achlab.notebook.widgets import edited_weights

    case = load(paths.scenarios_dir() / "baseline.yaml")
    shown = [percent(m) for m in edited_weights(case).mean]
    for item in case.evidence:
        for h in case.hypothesis_ids:
            for rating in ("II", "CC"):
                if item.ratings.get(h) == rating:
                    continue
                moved = edited_weights(case, {item.id: {h: rating}}).mean
                if [percent(m) for m in moved] != shown:
                    return item.id, h, rating
    raise AssertionError("no single cell moves the displayed weights")


@pytest.fixture(scope="module")
def cell() -> SimpleNamespace:
    """The cell to change: its selector, the rating to choose, and a cell of the same item."""
    from achlab.notebook import load

    item, hypothesis, rating = _visible_edit()
    hyps = load(paths.scenarios_dir() / "baseline.yaml").hypothesis_ids
    other = next(h for h in hyps if h != hypothesis)
    return SimpleNamespace(item=item, hypothesis=hypothesis, rating=rating,
                           selector=f".achlab-cell-{item}-{hypothesis}",
                           neighbour=f".achlab-cell-{item}-{other}")


def _weights_text(page) -> list[str]:
    return page.locator(WEIGHTS).all_inner_texts()


@pytest.fixture(scope="module")
def editor_page(lab, browser):  # noqa: F811 - fixtures imported above
    """02_bayesian_weights opened in JupyterLab with every cell run and the kernel idle."""
    page = browser.new_page()
    page.goto(f"{lab['url']}/lab/tree/02_bayesian_weights.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
        timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(WEIGHTS, timeout=180_000)
    page.wait_for_function(
        "() => { const cells = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return cells.length > 0 && cells.every(p => /\\[\\d+\\]/.test(p.textContent)); }",
        timeout=240_000)
    yield page
    page.close()


def test_changing_a_cell_redraws_the_weights_within_a_second(editor_page, cell,
                                                              artifacts):  # noqa: F811
    page = editor_page
    editor = page.locator(".achlab-editor")
    editor.scroll_into_view_if_needed()
    before = _weights_text(page)
    assert len(before) == 3 and all("%" in t for t in before)
    editor.screenshot(path=str(artifacts / "editor-before.png"))
    started = time.monotonic()
    page.locator(f"{cell.selector} select").select_option(cell.rating)
    page.wait_for_function(
        "([sel, before]) => { const now = [...document.querySelectorAll(sel)]"
        ".map(e => e.innerText); return now.join('|') !== before.join('|'); }",
        arg=[WEIGHTS, before], timeout=1000)
    elapsed = time.monotonic() - started
    assert _weights_text(page) != before
    assert elapsed < 1.0
    changes = page.locator(".achlab-editor-changes").inner_text()
    assert f"{cell.item} / " in changes and f"→ {cell.rating}" in changes
    editor.screenshot(path=str(artifacts / "editor-after.png"))


def test_transpose_puts_hypotheses_in_rows(editor_page, cell, artifacts):  # noqa: F811
    page = editor_page
    y = "([a, b]) => { const y = s => document.querySelector(s).getBoundingClientRect().y;"
    same_row = page.evaluate(y + " return Math.abs(y(a) - y(b)) < 5; }",
                             [cell.selector, cell.neighbour])
    assert same_row, "items as rows: one item's cells share a row"
    page.locator(".achlab-transpose").click()
    page.wait_for_function(y + " return Math.abs(y(a) - y(b)) > 5; }",
                           arg=[cell.selector, cell.neighbour], timeout=5_000)
    page.locator(".achlab-editor").screenshot(path=str(artifacts / "editor-transposed.png"))
    page.locator(".achlab-transpose").click()


def test_save_writes_a_scenario_that_validates(editor_page, cell, lab):  # noqa: F811
    from achlab.cli import main

    page = editor_page
    select = page.locator(f"{cell.selector} select")
    if select.input_value() != cell.rating:
        select.select_option(cell.rating)
        page.wait_for_function(
            "() => !document.querySelector('.achlab-editor-changes').innerText"
            ".includes('Re-rated: none')", timeout=5_000)
    page.locator(".achlab-editor-name input").fill("browser-edited")
    page.locator(".achlab-editor-save").click()
    page.wait_for_function(
        "() => (document.querySelector('.achlab-editor-status') || {}).innerText"
        "?.includes('Saved')", timeout=10_000)
    saved = lab["saved"] / "browser-edited.yaml"
    assert saved.is_file()
    doc = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert doc["evidence"]["ratings"][cell.item][cell.hypothesis] == cell.rating
    assert main(["validate", str(saved)]) == 0
