"""The notebooks in a real JupyterLab, driven by a real Chromium (Playwright).

Executing a notebook headless proves the kernel side; these tests prove that the slider panel
renders, that moving a slider redraws the weights, that "Save as scenario" writes a valid file,
and that the run's index page reads well. They need Debian's Chromium at /usr/bin/chromium
(never a downloaded browser). Without it they are skipped with a reason — except under CI
(``CI=true``), where a missing browser is a failure, so a green CI always ran them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from achlab import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TOKEN = "achlab-browser-test"


def _require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: browser tests must run in CI")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """Screenshots go to out/test-artifacts/browser/ (git-ignored) to be looked at."""
    folder = paths.out_dir() / "test-artifacts" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 at a free port, over a copy of the notebooks; always stopped."""
    _require_chromium()
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(paths.notebooks_dir(), root / "notebooks")
    saved = root / "saved-scenarios"
    saved.mkdir()
    port = _free_port()
    log = open(root / "lab.log", "w")  # noqa: SIM115 - closed in the finaliser
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
            f"--port={port}", f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
            f"--ServerApp.root_dir={root / 'notebooks'}", "--LabApp.news_url=",
            "--LabServerApp.announcements_url="]
    if os.geteuid() == 0:
        args.append("--allow-root")
    env = {**os.environ, "ACHLAB_SCENARIOS": str(saved),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "JUPYTER_CONFIG_DIR": str(root / "jupyter-config")}
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", 90, proc)
        yield {"url": f"http://127.0.0.1:{port}", "root": root, "saved": saved}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        # A fresh profile each session (Playwright passes it as --user-data-dir).
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
            viewport={"width": 1500, "height": 1100})
        try:
            yield context
        finally:
            context.close()


def _weights_text(page) -> list[str]:
    return page.locator(".achlab-panel .achlab-weight").all_inner_texts()


@pytest.fixture(scope="module")
def panel_page(lab, browser, artifacts):
    """02_bayesian_weights opened in JupyterLab with every cell run and the kernel idle."""
    page = browser.new_page()
    page.goto(f"{lab['url']}/lab/tree/02_bayesian_weights.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # The notebook is the current widget and its kernel is connected and idle.
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
        timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(".achlab-panel .achlab-weight", timeout=180_000)
    page.wait_for_function(
        "() => { const cells = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return cells.length > 0 && cells.every(p => /\\[\\d+\\]/.test(p.textContent)); }",
        timeout=240_000)
    yield page
    page.close()


def test_run_all_cells_shows_no_error(panel_page):
    errors = panel_page.locator("[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.all_inner_texts()
    body = panel_page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in body


def test_moving_a_slider_redraws_the_weights(panel_page, artifacts):
    page = panel_page
    panel = page.locator(".achlab-panel")
    panel.scroll_into_view_if_needed()
    before = _weights_text(page)
    assert len(before) == 3 and all("%" in t for t in before)
    panel.screenshot(path=str(artifacts / "panel-before.png"))
    readout = page.locator(".achlab-reliability-us-gov .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.00")
    started = time.monotonic()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(before) => { const now = [...document.querySelectorAll('.achlab-panel .achlab-weight')]"
        ".map(e => e.innerText); return now.join('|') !== before.join('|'); }",
        arg=before, timeout=1000)
    elapsed = time.monotonic() - started
    after = _weights_text(page)
    assert after != before
    assert elapsed < 1.0
    panel.screenshot(path=str(artifacts / "panel-after.png"))


def test_save_as_scenario_writes_a_valid_file(panel_page, lab):
    from achlab.cli import main

    page = panel_page
    name = page.locator(".achlab-name input")
    name.fill("browser-saved")
    page.locator(".achlab-save").click()
    page.wait_for_function(
        "() => (document.querySelector('.achlab-status') || {}).innerText?.includes('Saved')",
        timeout=10_000)
    saved = lab["saved"] / "browser-saved.yaml"
    assert saved.is_file()
    assert main(["validate", str(saved)]) == 0


def test_index_page_links_and_chart_load(browser, tmp_path, artifacts):
    from achlab.notebook.pipeline import run

    scenario = paths.scenarios_dir() / "baseline.yaml"
    report = run([scenario], out=tmp_path / "out", draws=300, tune=300, chains=2,
                 progress=False)
    assert not report.failures, [f.message for f in report.failures]
    page = browser.new_page()
    page.goto(report.index.as_uri())
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
    assert hrefs
    for href in hrefs:
        assert href.startswith("file://")
        assert Path(urllib.request.url2pathname(href[len("file://"):])).is_file(), href
    images = page.locator("img")
    assert images.count() >= 1
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert all(w > 0 for w in widths), widths
    page.screenshot(path=str(artifacts / "index.png"), full_page=True)
    reports = [h for h in hrefs if h.endswith(".html")]
    assert reports
    for href in reports:
        page.goto(href)
        page.wait_for_load_state("load")
        name = href.rsplit("/", 1)[-1]
        assert page.locator("text=Traceback").count() == 0, name
        # Code is hidden by default; formulas are typeset offline (MathJax beside the reports).
        assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, name
        page.wait_for_function("() => !window.MathJax || (MathJax.Hub && MathJax.Hub.queue"
                               " && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running"
                               " === 0)", timeout=15_000)
        text = page.inner_text("body")
        assert "$$" not in text, f"{name}: formula left as raw TeX"
        widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert all(w > 0 for w in widths), (name, widths)
        if name.startswith("02_"):
            assert page.locator(".MathJax, .MathJax_Display").count() > 0, name
            page.screenshot(path=str(artifacts / "report-02.png"), full_page=True)
    page.close()
