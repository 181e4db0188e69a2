"""``achlab run``: every notebook for every scenario, an index page, and failures reported
with scenario, notebook and cell while the other scenarios still run."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from achlab import cli, paths
from achlab.load.scenario import load_scenario
from achlab.notebook import pipeline

TWO = ("baseline.yaml", "skeptic-of-interested-parties.yaml")


class _Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.hrefs.append(value)
            elif name == "src" and value:
                self.srcs.append(value)


def _links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _resolve(base: Path, link: str) -> Path:
    parsed = urlparse(link)
    assert not parsed.scheme and not parsed.netloc, f"index links outside the run: {link}"
    return (base / unquote(parsed.path)).resolve()


@pytest.mark.slow
def test_run_on_two_scenarios_writes_notebooks_charts_and_index(tmp_path):
    # One test, not several sharing a fixture: under pytest-xdist a shared fixture would run
    # once per worker.
    out = tmp_path / "out"
    scenarios = [paths.scenarios_dir() / name for name in TWO]
    names = [load_scenario(s).name for s in scenarios]
    per, cross = pipeline.notebooks()
    assert per and cross
    code = cli.main(["run", *map(str, scenarios), "--out", str(out), "--draws", "300",
                     "--tune", "300", "--chains", "2", "--no-progress"])
    assert code == 0

    # Every per-scenario notebook, executed, with an HTML copy; the comparison once.
    for name in names:
        for nb in per:
            assert (out / name / nb.name).is_file(), f"{name}/{nb.name} missing"
            assert (out / name / nb.name).with_suffix(".html").is_file()
    for nb in cross:
        assert (out / "comparison" / nb.name).is_file(), f"comparison/{nb.name} missing"
        assert (out / "comparison" / nb.name).with_suffix(".html").is_file()
    assert (out / "comparison" / "04_scenario_comparison.ipynb").is_file()
    assert (out / "comparison" / "04_scenario_comparison.html").is_file()

    # The weights chart of every scenario (the index page shows it) and the comparison chart.
    for name in names:
        chart = out / name / "charts" / "weights.png"
        assert chart.is_file() and chart.stat().st_size > 10_000, f"{chart} missing or empty"
    assert (out / "comparison" / "charts" / "comparison.png").is_file()

    # The index links every HTML copy, and every link and image resolves to a file.
    index = out / "index.html"
    assert index.is_file()
    links = _links(index)
    for link in links.hrefs + links.srcs:
        assert _resolve(out, link).is_file(), f"index.html links {link}, which does not exist"
    targets = {_resolve(out, href) for href in links.hrefs}
    pages = {p.resolve() for p in out.rglob("*.html") if p != index}
    assert pages, "no HTML copies written"
    assert pages <= targets, f"not linked from index.html: {sorted(map(str, pages - targets))}"


# ---------------------------------------------------------------------------- failures
BROKEN_NOTEBOOK_CELLS = [
    ('scenario = "scenarios/baseline.yaml"\nseed = 0\ndraws = None\ntune = None\n'
     "chains = None"),
    "from achlab import notebook\n\ncase = notebook.load(scenario)\nprint(case.name)",
    ('if case.name == "broken-copy":\n'
     '    raise RuntimeError("this scenario copy is broken on purpose")'),
    'print("reached the end")',
]


def _broken_notebooks(folder: Path) -> Path:
    """A notebooks folder with one notebook that raises in cell 2 for scenario broken-copy."""
    folder.mkdir()
    cells = [nbformat.v4.new_code_cell(src) for src in BROKEN_NOTEBOOK_CELLS]
    cells[0].metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "01_broken.ipynb"
    nbformat.write(nb, path)
    return folder


def _scenario_copy(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    text = source.read_text(encoding="utf-8")
    old = load_scenario(source).name
    target = folder / f"{name}.yaml"
    target.write_text(text.replace(f"name: {old}", f"name: {name}", 1), encoding="utf-8")
    return target


@pytest.mark.slow
def test_a_failing_notebook_is_reported_and_the_other_scenario_still_runs(tmp_path):
    folder = _broken_notebooks(tmp_path / "notebooks")
    baseline = paths.scenarios_dir() / "baseline.yaml"
    broken = _scenario_copy(baseline, tmp_path / "scenarios", "broken-copy")
    out = tmp_path / "out"
    report = pipeline.run([broken, baseline], out=out, jobs=2, progress=False, folder=folder)

    assert len(report.outcomes) == 2
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert failure.task.scenario == "broken-copy"
    assert "scenario broken-copy" in failure.message
    assert "notebook 01_broken.ipynb" in failure.message
    assert "RuntimeError: this scenario copy is broken on purpose" in failure.message
    # The cell named in the message ("cell In [4] ('if case.name ...')") is the one that raised:
    # "In [4]" is its execution count in the executed copy, and its first line is quoted.
    assert re.search(r", cell In \[\d+\] \('if case.name", failure.message), failure.message
    count = int(re.search(r"In \[(\d+)\]", failure.message).group(1))
    executed = nbformat.read(out / "broken-copy" / "01_broken.ipynb", as_version=4)
    raised = [c for c in executed.cells if c.get("execution_count") == count]
    assert len(raised) == 1 and "raise RuntimeError" in raised[0].source

    ok = [o for o in report.outcomes if o.ok]
    assert [o.task.scenario for o in ok] == ["baseline"]
    finished = nbformat.read(out / "baseline" / "01_broken.ipynb", as_version=4)
    assert "reached the end" in finished.cells[-1].outputs[0].text
    assert "failed: scenario broken-copy" in (out / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- new scenarios
def test_a_scenario_file_dropped_into_the_folder_is_picked_up(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for p in paths.scenario_files():
        shutil.copy(p, folder)
    before = paths.scenario_files(folder)
    (folder / "notes.txt").write_text("not a scenario\n", encoding="utf-8")
    new = _scenario_copy(paths.scenarios_dir() / "baseline.yaml", folder, "zz-dropped-in")
    after = paths.scenario_files(folder)
    assert after == sorted([*before, new])

    tasks, problems = pipeline.plan(after, tmp_path / "out")
    assert problems == []
    per, cross = pipeline.notebooks()
    mine = [t for t in tasks if t.scenario == "zz-dropped-in"]
    assert {t.notebook.name for t in mine} == {p.name for p in per}
    comparison = [t for t in tasks if t.scenario == "comparison"]
    assert len(comparison) == len(cross)
    assert all(any(s.endswith("zz-dropped-in.yaml") for s in t.parameters["scenarios"])
               for t in comparison)


# ---------------------------------------------------------------------------- working directory
def test_kernels_start_in_the_output_folder_and_the_caller_stays_put(tmp_path, monkeypatch):
    """Notebooks run in parallel threads: nothing may change the process's working directory."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = [nbformat.v4.new_code_cell("scenario = None\nseed = 0\ndraws = tune = chains = None"),
             nbformat.v4.new_code_cell("import os\nprint(os.getcwd())")]
    cells[0].metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / "01_where.ipynb")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    scenarios = [paths.scenarios_dir() / "baseline.yaml",
                 paths.scenarios_dir() / "skeptic-of-interested-parties.yaml"]
    report = pipeline.run(scenarios, out=tmp_path / "out", jobs=2, progress=False, folder=folder)
    assert not report.failures, [f.message for f in report.failures]
    assert Path.cwd() == elsewhere
    for o in report.outcomes:
        executed = nbformat.read(o.task.output, as_version=4)
        assert executed.cells[-1].outputs[0].text.strip() == str(o.task.output.parent)
