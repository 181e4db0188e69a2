"""``achlab run``: every notebook for every scenario, an index page, and failures reported
with scenario, notebook and cell while the other scenarios still run."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from achlab import cli, paths
from achlab.load.scenario import load_scenario
from achlab.notebook import pipeline
from tests.helpers import replace_line, tree_digest, write_toy_case

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
def test_run_on_two_scenarios_writes_notebooks_charts_and_index(tmp_path, monkeypatch):
    # One test, not several sharing a fixture: under pytest-xdist a shared fixture would run
    # once per worker.
    out = tmp_path / "out"
    monkeypatch.setenv("ACHLAB_FITS", str(tmp_path / "fits"))
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
    # PNG alone unless --formats asks for more
    assert {p.suffix for p in out.glob("*/charts/*")} == {".png"}

    # One PyMC fit per scenario, made before the notebooks ran and read by notebooks 03 and 04
    # alike (a comparison fitting with its own seed would have kept a second posterior each);
    # and the analysts' pool of notebook 07, one per scenario.
    from achlab.engines import mcmc
    from achlab.notebook.fits import FitStore

    store = FitStore(tmp_path / "fits")
    kept = sorted(p.stem for p in store.folder.glob("*.pickle"))
    assert len([k for k in kept if k.startswith("pooled-")]) == len(scenarios)
    # each with its diagnostics beside it, so that reading it summarises nothing again
    assert sorted(p.stem for p in store.folder.glob("*.diagnostics")) == kept
    kept = [k for k in kept if not k.startswith("pooled-")]
    wanted = sorted(mcmc.fit_key(c, mcmc.settings_for(c, draws=300, tune=300, chains=2,
                                                      seed=c.seed))
                    for c in map(load_scenario, scenarios))
    assert kept == wanted

    # The index links every HTML copy, and every link and image resolves to a file.
    index = out / "index.html"
    assert index.is_file()
    links = _links(index)
    text = index.read_text(encoding="utf-8")
    for link in links.hrefs + links.srcs:
        if link.startswith("#"):
            assert f"id='{link[1:]}'" in text, f"index.html links {link}, which is not there"
        else:
            assert _resolve(out, link).is_file(), f"index.html links {link}, which does not exist"
    targets = {_resolve(out, href) for href in links.hrefs if not href.startswith("#")}
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


# ---------------------------------------------------------------------------- a toy project
TOY_PER_SCENARIO = [
    ("scenario = None\nseed = 0\ndraws = tune = chains = None", ["parameters"]),
    ("import os\nimport time\n\nfrom achlab import notebook, paths\n\n"
     "case = notebook.load(scenario)\nprint('data', paths.data_dir())\n"
     "time.sleep(float(os.environ.get('ACHLAB_TEST_SLEEP', '0')))", []),
    ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n\n"
     "import achlab\n\n"
     "charts = paths.scenario_out_dir(case.name) / 'charts'\n"
     "charts.mkdir(parents=True, exist_ok=True)\nfig, ax = plt.subplots(figsize=(3, 2))\n"
     "ax.bar(case.hypothesis_ids, [1, 2, 3])\nachlab.export_figure(fig, 'weights', out=charts)\n"
     "print('done', case.name)", []),
]
TOY_ALL_SCENARIOS = [("scenarios = []\nseed = 0\ndraws = tune = chains = None", ["parameters"]),
                     ("print(len(scenarios), 'scenarios')", [])]


class ToyProject(NamedTuple):
    """A project folder: data/ (the toy case), scenarios/ (two), notebooks/ (two)."""

    root: Path
    data: Path
    scenarios: list[Path]
    notebooks: Path


def _write_notebook(path: Path, cells, scope: str | None = None) -> None:
    made = []
    for source, cell_tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = cell_tags
        made.append(cell)
    nb = nbformat.v4.new_notebook(cells=made)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    if scope:
        nb.metadata["achlab"] = {"scope": scope}
    nbformat.write(nb, path)


def _toy_project(root: Path) -> ToyProject:
    """The toy case, a second scenario on it, one per-scenario and one all-scenario notebook."""
    toy = write_toy_case(root)
    other = toy.scenario.with_name("toy-other.yaml")
    other.write_text(toy.scenario.read_text(encoding="utf-8").replace(
        "name: toy-skeptic", "name: toy-other", 1), encoding="utf-8")
    folder = root / "notebooks"
    folder.mkdir()
    _write_notebook(folder / "01_toy.ipynb", TOY_PER_SCENARIO)
    _write_notebook(folder / "02_all.ipynb", TOY_ALL_SCENARIOS, pipeline.CROSS_SCENARIO)
    return ToyProject(root, toy.data, [toy.scenario, other], folder)


@pytest.fixture
def toy_project(tmp_path, monkeypatch) -> ToyProject:
    """The toy project, its notebooks the run's; the library hash fixed (others may edit it)."""
    project = _toy_project(tmp_path / "project")
    monkeypatch.setattr(paths, "notebooks_dir", lambda: project.notebooks)
    monkeypatch.setattr(pipeline, "library_fingerprint", lambda: "library as tested")
    return project


def _stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.ipynb")}


def _toy_run(project: ToyProject, out: Path, *extra: str) -> list[str]:
    return ["run", *map(str, project.scenarios), "--data", str(project.data), "--out", str(out),
            "--no-progress", "--no-course", *extra]


def _check_index(project: ToyProject, out: Path, capsys) -> None:
    """Every link and image of the index resolves; each scenario's bottom line is the CLI's."""
    from achlab.engines.confidence import confidence

    index = out / "index.html"
    links = _links(index)
    assert links.srcs, "no thumbnail in the index"
    for link in links.hrefs + links.srcs:
        if not link.startswith("#"):
            assert _resolve(out, link).is_file(), f"index.html links {link}, which does not exist"
    text = index.read_text(encoding="utf-8")
    for scenario in project.scenarios:
        case = load_scenario(scenario, project.data)
        capsys.readouterr()
        assert cli.main(["weights", "--scenario", str(scenario), "--data", str(project.data)]) == 0
        printed = capsys.readouterr().out
        line = pipeline.bottom_line(scenario, project.data)
        label, number = line.headline.split(": ", 1)[0], line.headline.rsplit("(", 1)[1][:-1]
        row = next(r for r in printed.splitlines() if r.strip().startswith(label))
        assert number in row, f"index says {line.headline}, achlab weights says {row}"
        assert html.escape(line.headline) in text
        assert html.escape(confidence(case).line()) in text
        assert f"Latest evidence used: {case.cutoff}" in text
    assert ("Weather app (app): reliability fixed at 20 %; would say so anyway: 90 %"
            in text)  # the scenario's overrides


@pytest.mark.slow
def test_a_rerun_redoes_only_what_changed(toy_project, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert cli.main(_toy_run(toy_project, out)) == 0
    assert "3 of 3 notebooks ran" in capsys.readouterr().out
    executed = nbformat.read(out / "toy-skeptic" / "01_toy.ipynb", as_version=4)
    printed = next(c for c in executed.cells if c.cell_type == "code"
                   and "print('data'" in c.source).outputs[0].text
    assert f"data {toy_project.data.resolve()}" in printed
    _check_index(toy_project, out, capsys)
    first = _stamps(out)
    assert set(first) == {"toy-skeptic/01_toy.ipynb", "toy-other/01_toy.ipynb",
                          "comparison/02_all.ipynb"}

    started = time.monotonic()
    assert cli.main(_toy_run(toy_project, out)) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert time.monotonic() - started < 30
    assert _stamps(out) == first

    import achlab.engines.confidence as judging

    judged, judge = [], judging.confidence
    monkeypatch.setattr(judging, "confidence", lambda case: judged.append(case.name) or judge(case))
    replace_line(toy_project.scenarios[1], 12, "seed: 8")
    assert cli.main(_toy_run(toy_project, out)) == 0
    assert "2 of 2 notebooks ran (1 up to date)" in capsys.readouterr().out
    assert judged == ["toy-other"]  # once, for the deck and the index alike; not the unchanged one
    monkeypatch.setattr(judging, "confidence", judge)
    third = _stamps(out)
    changed = {k for k in first if third[k] != first[k]}
    assert changed == {"toy-other/01_toy.ipynb", "comparison/02_all.ipynb"}

    assert cli.main(_toy_run(toy_project, out, "--force")) == 0
    assert "3 of 3 notebooks ran" in capsys.readouterr().out
    fourth = _stamps(out)
    assert all(fourth[k] != third[k] for k in third)

    # Other chart formats are another output: everything runs again, and the kernels see them.
    assert {p.name for p in (out / "toy-skeptic" / "charts").iterdir()} == {"weights.png"}
    assert cli.main(_toy_run(toy_project, out, "--formats", "png,pdf")) == 0
    assert "3 of 3 notebooks ran" in capsys.readouterr().out
    assert all(_stamps(out)[k] != fourth[k] for k in fourth)
    assert (out / "toy-skeptic" / "charts" / "weights.pdf").is_file()


def test_run_on_a_scenario_that_fails_validation_exits_2_and_writes_nothing(
        toy_project, tmp_path, capsys):
    replace_line(toy_project.scenarios[0], 5, "as_of: not-a-date")
    out = tmp_path / "out"
    assert cli.main(_toy_run(toy_project, out)) == 2
    err = capsys.readouterr().err
    assert re.search(r"toy-skeptic\.yaml:5: as_of: ", err), err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("inside", ["data", "scenarios"])
def test_run_refuses_an_output_folder_inside_an_input_folder(toy_project, inside, capsys):
    folder = toy_project.data if inside == "data" else paths.scenarios_dir()
    out = folder / "run-output"
    before = tree_digest(folder)
    assert cli.main(_toy_run(toy_project, out)) == 2
    assert "command line:1: --out:" in capsys.readouterr().err
    assert not out.exists()
    assert tree_digest(folder) == before


@pytest.mark.slow
def test_an_interrupted_run_leaves_no_partial_file_and_a_rerun_succeeds(tmp_path):
    project = _toy_project(tmp_path / "project")
    out = tmp_path / "out"
    command = [sys.executable, "-c", "import sys; from achlab.cli import main; sys.exit(main())",
               "run", "--out", str(out), "--no-progress", "--no-course"]
    env = {k: v for k, v in os.environ.items() if k not in {"ACHLAB_SCENARIOS", "ACHLAB_OUT"}}
    env.update(ACHLAB_ROOT=str(project.root), ACHLAB_TEST_SLEEP="40")
    proc = subprocess.Popen(command, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while not list((out / pipeline.PARTIAL).rglob("*.ipynb")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(3)  # the kernels are in the sleeping cell
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err.decode()
    assert "interrupted" in err.decode()
    assert "Traceback" not in err.decode()
    written = [p for p in out.rglob("*") if p.suffix in {".ipynb", ".html"}
               and pipeline.MATHJAX_FOLDER not in p.parts]
    assert written == [], f"left behind: {written}"
    assert not (out / pipeline.PARTIAL).exists()
    # The deck, made beside the notebooks, is complete or absent: no temporary file of it.
    hidden = [p for p in out.rglob(".*") if p.is_file() and not p.name.startswith(".achlab-")]
    assert hidden == [], f"left behind: {hidden}"

    env.pop("ACHLAB_TEST_SLEEP")
    rerun = subprocess.run([*command, str(project.scenarios[0])], env=env, capture_output=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert (out / "toy-skeptic" / "01_toy.html").is_file()
    assert (out / "index.html").is_file()


def test_overrides_are_said_in_words_motives_per_hypothesis_included():
    case = load_scenario(paths.project_root() / "scenarios" / "skeptic-of-interested-parties.yaml")
    said = "; ".join(pipeline.overrides_in_words(case))
    assert ("Ukrainian government (ua-gov): reliability D, not usually reliable (about 35 %); "
            "would say so anyway: 90 % if Combat troops, 95 % if Technical personnel only, "
            "60 % if No deployment") in said
    assert "{" not in said and "'" not in said


@pytest.mark.slow
def test_a_rerun_with_nothing_changed_computes_no_bottom_line_again(toy_project, tmp_path,
                                                                     capsys, monkeypatch):
    out = tmp_path / "out"
    assert cli.main(_toy_run(toy_project, out)) == 0
    first = (out / "index.html").read_text(encoding="utf-8")
    capsys.readouterr()
    monkeypatch.setattr(pipeline, "_bottom_line_of",
                        lambda case: pytest.fail(f"bottom line of {case.name} computed again"))
    assert cli.main(_toy_run(toy_project, out)) == 0
    assert "nothing changed since the last run" in capsys.readouterr().out
    said = re.compile(r"<p class='bottom'>.*?</p>|<p>Engine:.*?</p>")
    again = (out / "index.html").read_text(encoding="utf-8")
    assert said.findall(first) and said.findall(again) == said.findall(first)


def test_notebook_scope_is_read_without_nbformat(tmp_path):
    path = tmp_path / "01_x.ipynb"
    _write_notebook(path, [("x = 1", [])], pipeline.CROSS_SCENARIO)
    assert pipeline.notebook_scope(path) == pipeline.CROSS_SCENARIO
    _write_notebook(path, [("x = 1", [])])
    assert pipeline.notebook_scope(path) == "per-scenario"


def _task(scenario: str, number: int, fits: bool = False) -> pipeline.Task:
    nb = Path(f"{number:02d}_nb.ipynb")
    return pipeline.Task(nb, Path(scenario) / nb.name, {}, scenario, fits=fits)


def test_the_queue_puts_fit_readers_last_and_the_comparison_before_the_last_of_them():
    """Workers take the tasks in this order, each the next one when free: a scenario's fit
    readers after its other notebooks (its fits are made meanwhile), the comparison before the
    last scenario's fit readers (every fit is made by then; shorter notebooks end the run)."""
    one = [_task("baseline", n, fits=n in (3, 7)) for n in range(1, 9) if n != 4]
    got = pipeline.queued([*one, _task("comparison", 4, fits=True)])
    assert [f"{t.scenario[0]}{t.notebook.stem[:2]}" for t in got] == [
        "b01", "b02", "b05", "b06", "b08", "c04", "b03", "b07"]
    many = [_task(s, n, fits=n == 3) for s in "ab" for n in range(1, 4)]
    got = pipeline.queued([*many, _task("comparison", 4)])
    assert [f"{t.scenario}{t.notebook.stem[:2]}" for t in got] == [
        "a01", "a02", "a03", "b01", "b02", "comparison04", "b03"]
    assert pipeline.queued([_task("comparison", 4)]) == [_task("comparison", 4)]


def test_fit_readers_wait_for_their_own_scenario_and_the_comparison_for_every_one():
    import threading

    ready, stop = pipeline.FitsReady(), threading.Event()
    done = []

    def reader(scenario):
        ready.wait(scenario, stop)
        done.append(scenario)

    threads = [threading.Thread(target=reader, args=(s,)) for s in ("a", "b", None)]
    for t in threads:
        t.start()
    ready.made("a")
    threads[0].join(timeout=5)
    assert done == ["a"], "a scenario's readers go as soon as its own fits are made"
    ready.made("b")
    threads[1].join(timeout=5)
    assert done == ["a", "b"] and threads[2].is_alive(), "the comparison waits for all"
    ready.all_made()
    threads[2].join(timeout=5)
    assert done == ["a", "b", None]
    stopped = pipeline.FitsReady()
    stop.set()
    waiting = threading.Thread(target=stopped.wait, args=("never made", stop))
    waiting.start()
    waiting.join(timeout=5)
    assert not waiting.is_alive(), "a wait goes on after the run was interrupted"
