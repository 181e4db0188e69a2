"""The course as a student sees it: a lesson opened in JupyterLab and run with "Run All".

A solution is a folded code cell whose ``%%solution`` magic shows its output only inside a
closed ``<details class="achlab-solution">`` (:mod:`achlab.teaching.editions`). Tests that read
the committed notebooks or run the magic in-process cannot see what JupyterLab does with a cell
it runs (it unfolds the outputs of every cell it executes); this one drives a real JupyterLab
with a real Chromium: it opens lesson 03 (seven exercises), runs Run > Run All Cells from the
menu, and checks that after the run every solution's code is still folded and nothing of its
answer is on screen — only the closed "Solution: ..." line — and that no cell failed.

JupyterLab and Chromium are started as in ``tests/notebook/test_browser.py`` (same fixtures,
same skip rule: skipped without Chromium, a failure under ``CI=true``). A screenshot of the
whole lesson after the run goes to ``out/test-artifacts/browser/course-03-run-all.png``.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from achlab.teaching.editions import DETAILS_CLASS, SOLUTION_MAGIC, SUMMARY
from tests.notebook.test_browser import TOKEN, artifacts, browser, lab  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

LESSON = "teaching/03_the_matrix.ipynb"
SCREENSHOT = "course-03-run-all.png"
DETAILS = f"details.{DETAILS_CLASS}"
#: Printed by solutions of lesson 03 only: the answer to exercise 3.1 and the rows of 3.2.
E13_LINE = "E13 denies event"
BITS_LINE = re.compile(r"\bE\d\d: [A-Z]+(?:/[A-Z]+)+, \d+\.\d\d bits")

#: The notebook in the current tab, cell by cell, as JupyterLab holds it.
STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return {
    kernel: session && session.kernel ? session.kernel.status : null,
    cells: panel.content.widgets.map(w => {
      const code = w.model.type === 'code';
      return {type: w.model.type, tags: w.model.getMetadata('tags') || [],
              count: code ? w.model.executionCount : null,
              inputHidden: w.inputHidden, outputHidden: code ? w.outputHidden : false,
              outputs: code ? w.model.outputs.toJSON() : []};
    }),
  };
}"""

#: Run All has finished: kernel idle, no cell queued or running, every code cell run (or one
#: failed, which stops Run All; the tests then report the error rather than time out).
DONE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const code = panel.content.widgets.filter(w => w.model.type === 'code');
  const queued = [...panel.node.querySelectorAll('.jp-InputPrompt')]
    .some(p => p.textContent.includes('*'));
  const running = code.some(w => w.model.executionState === 'running');
  const failed = code.some(w => w.model.outputs.toJSON().some(o => o.output_type === 'error'));
  const done = code.every(w => w.model.executionCount !== null);
  return !!kernel && kernel.status === 'idle' && !queued && !running && (done || failed);
}"""

#: The text of an element that is actually rendered: text nodes with a non-empty box whose
#: element is visible (not display:none, visibility:hidden, opacity 0, nor inside a closed
#: <details>, whose content Chromium renders with content-visibility: hidden).
VISIBLE_TEXT_JS = """(root) => {
  const seen = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
    seen.push(node.textContent);
  }
  return seen.join(' ');
}"""

#: The element that scrolls the notebook.
SCROLLER = "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"

#: Scrolled to the top, how far the notebook's last cell ends below the window (pixels).
LAST_CELL_BELOW_JS = f"""() => {{
  const o = {SCROLLER};
  o.scrollTop = 0;
  const cells = o.querySelectorAll('.jp-Notebook-cell');
  return Math.ceil(cells[cells.length - 1].getBoundingClientRect().bottom
                   - o.getBoundingClientRect().bottom);
}}"""

#: The words inside a solution's <details>, its summary left out: what must stay hidden.
FOLDED_TEXT_JS = """(d) => [...d.childNodes].filter(n => n.nodeName !== 'SUMMARY')
  .map(n => n.textContent).join('\\n')"""


def words(text: str) -> str:
    """Text reduced to lower-case words, so that markup and spacing do not matter."""
    return " ".join(re.findall(r"\w+", text.lower()))


def notebook_state(page) -> SimpleNamespace:
    state = page.evaluate(STATE_JS)
    cells = [SimpleNamespace(index=i, **c) for i, c in enumerate(state["cells"])]
    return SimpleNamespace(kernel=state["kernel"], cells=cells,
                           code=[c for c in cells if c.type == "code"],
                           solutions=[c for c in cells if "solution" in c.tags])


def cell_nodes(page, state):
    """The cells' DOM nodes in notebook order (every cell is attached in JupyterLab 4)."""
    nodes = page.locator(".jp-Notebook .jp-Notebook-cell")
    assert nodes.count() == len(state.cells), "not every cell is in the page"
    return nodes


def seen_by_scrolling(page, state) -> dict[int, str]:
    """What a student reads, cell by cell, scrolling through the notebook from the top."""
    nodes = cell_nodes(page, state)
    seen = {}
    for cell in state.cells:
        node = nodes.nth(cell.index)
        node.scroll_into_view_if_needed()
        seen[cell.index] = node.evaluate(VISIBLE_TEXT_JS)
    return seen


def assert_every_cell_ran_without_error(page) -> None:
    state = notebook_state(page)
    errors = [(c.index, o.get("ename"), o.get("evalue")) for c in state.code
              for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"cells failed (index, ename, evalue): {errors}"
    stderr = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']")
    assert not [t for t in stderr.all_text_contents() if "Traceback" in t], \
        stderr.all_text_contents()
    shown = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.error']")
    assert shown.count() == 0, shown.all_text_contents()
    counts = [c.count for c in state.code]
    # A fresh kernel numbers the cells of one Run All 1, 2, 3, ... in notebook order.
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}"
    assert state.kernel == "idle"


def assert_solutions_hidden(page) -> None:
    """Every solution folded: its code hidden, its answer inside a closed <details>, unseen."""
    state = notebook_state(page)
    assert len(state.solutions) >= 5, "lesson 03 should have its exercises' solutions"
    nodes = cell_nodes(page, state)
    seen = seen_by_scrolling(page, state)
    # A folded solution shows its first line (the magic, which gives nothing away), its
    # prompt and the closed summary; any other visible word is part of the answer.
    allowed = set(words(f"{SOLUTION_MAGIC} {SUMMARY}").split())
    folded_texts = []
    for cell in state.solutions:
        node = nodes.nth(cell.index)
        where = f"solution cell {cell.index}"
        assert cell.type == "code" and cell.count is not None, f"{where} did not run"
        assert cell.inputHidden, f"{where}: its code is unfolded"
        editors = node.locator(".jp-InputArea")
        assert not any(e.is_visible() for e in editors.all()), f"{where}: its code is shown"
        details = node.locator(DETAILS)
        assert details.count() == 1, f"{where}: no folded {DETAILS} output (the magic not run?)"
        assert details.get_attribute("open") is None, f"{where}: {DETAILS} is open"
        assert details.evaluate("d => d.open") is False, f"{where}: {DETAILS} is open"
        folded = details.evaluate(FOLDED_TEXT_JS)
        assert words(folded), f"{where}: nothing folded, so nothing was hidden"
        folded_texts.append(folded)
        extra = [w for w in words(seen[cell.index]).split()
                 if w not in allowed and not w.isdigit()]
        assert not extra, f"{where} shows {extra!r}: {seen[cell.index]!r}"

    opened = page.eval_on_selector_all(DETAILS, "els => els.filter(e => e.open).length")
    assert opened == 0, f"{opened} solution(s) open"
    assert page.locator(DETAILS).count() == len(state.solutions)

    # No line of any answer anywhere on screen (unless the lesson itself prints it elsewhere).
    others = words(page.evaluate(
        "(skip) => [...document.querySelectorAll('.jp-Notebook .jp-Notebook-cell')]"
        ".filter((node, i) => !skip.includes(i)).map(node => node.textContent).join(' ')",
        [c.index for c in state.solutions]))
    visible = " ".join(seen.values())
    lines = {words(line) for text in folded_texts for line in text.splitlines()}
    secret = [line for line in lines if len(line.split()) >= 3 and line not in others]
    assert secret, "no line of the solutions to look for"
    shown = [line for line in secret if line in words(visible)]
    assert not shown, f"solution text visible: {shown}"
    # The texts named in the brief of this test, explicitly.
    folded_all = "\n".join(folded_texts)
    assert E13_LINE in folded_all and BITS_LINE.search(folded_all), "lesson 03 changed?"
    assert E13_LINE not in visible
    assert not BITS_LINE.search(visible), BITS_LINE.findall(visible)
    assert "Traceback" not in visible


def screenshot_whole_lesson(page, path) -> None:
    """The whole notebook in one picture: the window made as tall as the notebook.

    Cells off screen are laid out at an estimated height until first drawn, so the window
    grows until the last cell is in it.
    """
    size = page.viewport_size
    news = page.locator(".jp-Notification-Toast-Close")  # "Jupyter news?" covers the bottom
    if news.count():
        news.first.click()
    height = size["height"]
    for _ in range(6):
        hidden = page.evaluate(LAST_CELL_BELOW_JS)
        if hidden <= 0 or height >= 16_000:
            break
        height = min(height + hidden + 24, 16_000)
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(600)
    page.evaluate(f"() => {{ {SCROLLER}.scrollTop = 0; }}")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


@pytest.fixture(scope="module")
def lesson_page(lab, browser, artifacts):  # noqa: F811 - pytest fixtures
    """Lesson 03 opened in JupyterLab and run with Run > Run All Cells, as a student does."""
    page = browser.new_page()
    page.goto(f"{lab['url']}/lab/tree/{LESSON}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Notebook-cell", timeout=60_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
        timeout=120_000)
    before = notebook_state(page)
    assert all(c.count is None and not c.outputs for c in before.code), \
        "the lesson is handed out without outputs"
    assert all(c.inputHidden for c in before.solutions), "solutions folded before the run"
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(DONE_JS, timeout=150_000, polling=250)
    screenshot_whole_lesson(page, artifacts / SCREENSHOT)
    yield page
    page.close()


def test_run_all_runs_every_cell_without_error(lesson_page):
    assert_every_cell_ran_without_error(lesson_page)


def test_after_run_all_no_solution_is_visible(lesson_page, artifacts):  # noqa: F811
    assert_solutions_hidden(lesson_page)
    assert (artifacts / SCREENSHOT).stat().st_size > 0
