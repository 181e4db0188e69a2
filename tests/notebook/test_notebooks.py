"""The numbered notebooks: how they are stored, and that they run for every scenario.

Fast checks read the committed notebooks: no outputs or execution counts (outputs are stripped in
git), a first markdown cell saying what the notebook does, a ``parameters`` cell holding only the
parameters ``achlab run`` sets, and a closing versions cell.

The slow checks execute every notebook for every scenario file in ``scenarios/`` once per test
session, through :func:`achlab.notebook.pipeline.run` with small sampler sizes, and then read what
was executed: no failures, no absolute paths of this machine in any output, no progress bars.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

from achlab import paths
from achlab.load.scenario import load_scenario
from achlab.notebook import pipeline
from tests.helpers import once_per_session

NOTEBOOK_DIR = paths.notebooks_dir()
#: The only names a parameters cell may assign.
ALLOWED_PARAMETERS = {"scenario", "scenarios", "seed", "draws", "tune", "chains"}
#: Sampler sizes for the executed run: small, but the notebooks must still run end to end.
SIZES = {"draws": 500, "tune": 500, "chains": 2}
#: A tqdm-style bar: "45%|████▌     |".
PROGRESS_BAR = re.compile(r"%\||\|[\u2588\u2589\u258a\u258b\u258c\u258d\u258e\u258f #]{4,}\|")


def committed_notebooks() -> list[Path]:
    """Numbered notebooks of ``notebooks/`` and, if it exists, ``notebooks/teaching/``."""
    found = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    teaching = NOTEBOOK_DIR / "teaching"
    if teaching.is_dir():
        found += sorted(teaching.glob("[0-9][0-9]_*.ipynb"))
    return found


NOTEBOOKS = committed_notebooks()
IDS = [p.relative_to(NOTEBOOK_DIR).as_posix() for p in NOTEBOOKS]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def stored_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """One line per code cell that carries outputs or an execution count (empty = clean)."""
    problems = []
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {n}: {len(cell.outputs)} stored output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {n}: execution count {cell.execution_count}")
    return problems


def parameters_cell(nb: nbformat.NotebookNode):
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"expected one cell tagged 'parameters', found {len(tagged)}"
    return tagged[0]


def assigned_names(source: str) -> list[str]:
    """Names assigned by a parameters cell; fails on anything but plain assignments."""
    names = []
    for stmt in ast.parse(source).body:
        assert isinstance(stmt, ast.Assign | ast.AnnAssign), (
            f"a parameters cell holds only assignments, found: {ast.unparse(stmt)}")
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            assert isinstance(target, ast.Name), f"not a plain name: {ast.unparse(target)}"
            names.append(target.id)
    return names


# ---------------------------------------------------------------------------- stored notebooks
def test_the_numbered_notebooks_are_there():
    names = {p.name for p in NOTEBOOKS}
    for expected in ("01_the_matrix.ipynb", "02_bayesian_weights.ipynb",
                     "03_reliability_uncertainty.ipynb", "04_scenario_comparison.ipynb"):
        assert expected in names


def test_the_output_check_catches_a_notebook_with_outputs():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"),
                                         nbformat.v4.new_code_cell("1 + 1")])
    assert stored_outputs(nb) == []
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                                  execution_count=1)]
    nb.cells[1].execution_count = 1
    assert stored_outputs(nb) == ["cell 1: 1 stored output(s)", "cell 1: execution count 1"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_has_no_outputs(path):
    problems = stored_outputs(read(path))
    assert not problems, (f"{path.name} is committed with outputs; strip them "
                          f"(python -m achlab.notebook.hygiene --strip notebooks): {problems}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_opens_with_a_markdown_cell_saying_what_it_does(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# "), "the first cell starts with the notebook's title"
    assert "for whom" in first.source.lower(), "the first cell says for whom the notebook is"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_sets_only_run_parameters(path):
    nb = read(path)
    names = assigned_names(parameters_cell(nb).source)
    unexpected = set(names) - ALLOWED_PARAMETERS
    assert not unexpected, f"unexpected parameters {sorted(unexpected)}"
    assert len(names) == len(set(names)), "a parameter is assigned twice"
    cross = nb.metadata.get("achlab", {}).get("scope") == pipeline.CROSS_SCENARIO
    wanted = {"scenarios" if cross else "scenario", "seed", "draws", "tune", "chains"}
    assert set(names) == wanted


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_ends_with_the_versions_cell(path):
    last = read(path).cells[-1]
    assert last.cell_type == "code"
    assert last.source.strip() == "print(notebook.versions())"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_names_a_kernel_for_papermill(path):
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


def test_the_comparison_notebook_runs_across_scenarios():
    per, cross = pipeline.notebooks()
    assert [p.name for p in cross] == ["04_scenario_comparison.ipynb"]
    assert {p.name for p in per} >= {"01_the_matrix.ipynb", "02_bayesian_weights.ipynb",
                                      "03_reliability_uncertainty.ipynb"}


# ---------------------------------------------------------------------------- executed notebooks
class Executed(NamedTuple):
    """What the session's run produced (picklable, to share it between xdist workers)."""

    out: Path
    failures: list[str]
    per: list[str]  # per-scenario notebooks found when the run started
    cross: list[str]  # cross-scenario notebooks found when the run started
    scenarios: list[str]  # scenario names


def _run_everything(out: Path) -> Executed:
    per, cross = pipeline.notebooks()
    files = paths.scenario_files()
    report = pipeline.run(files, out=out, jobs=2, progress=False, **SIZES)
    return Executed(report.out, [o.message for o in report.failures], [p.name for p in per],
                    [p.name for p in cross], [load_scenario(f).name for f in files])


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> Executed:
    """Every notebook executed for every scenario file in ``scenarios/``, once per session.

    Under pytest-xdist the first worker runs them and the others reuse the result
    (``tests.helpers.once_per_session``).
    """
    return once_per_session(tmp_path_factory, "notebooks-run", _run_everything)


def _executed_files(run: Executed) -> list[Path]:
    return sorted(run.out.rglob("*.ipynb"))


def _output_texts(nb) -> list[tuple[int, str, str]]:
    """(cell index, kind, text) for every output; images are left out."""
    texts = []
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            kind = out.output_type
            if kind == "stream":
                texts.append((n, out.name, out.text))
            elif kind == "error":
                texts.append((n, "error", "\n".join([out.ename, out.evalue, *out.traceback])))
            else:
                for mime, data in out.get("data", {}).items():
                    if not mime.startswith("image/"):
                        texts.append((n, mime, data if isinstance(data, str)
                                      else json.dumps(data)))
    return texts


def check_every_notebook_runs_for_every_scenario(executed):
    assert executed.failures == [], "notebooks failed:\n" + "\n".join(executed.failures)


def check_every_scenario_gets_every_notebook(executed):
    assert executed.scenarios and executed.per and executed.cross
    for name in executed.scenarios:
        for nb in executed.per:
            assert (executed.out / name / nb).is_file(), f"{name}/{nb} missing"
            assert (executed.out / name / nb).with_suffix(".html").is_file()
        assert (executed.out / name / "charts" / "weights.png").is_file()
    for nb in executed.cross:
        assert (executed.out / "comparison" / nb).is_file()


def check_executed_outputs_show_no_paths_of_this_machine(executed):
    forbidden = {str(paths.project_root()), str(executed.out),
                 str(Path.home()) + os.sep, tempfile.gettempdir().rstrip(os.sep) + os.sep}
    found = []
    for path in _executed_files(executed):
        for n, kind, text in _output_texts(read(path)):
            for bad in forbidden:
                if bad in text:
                    line = next(ln for ln in text.splitlines() if bad in ln)
                    found.append(f"{path.relative_to(executed.out)} cell {n} [{kind}]: "
                                 f"{line.strip()[:160]}")
    assert not found, "absolute paths in notebook outputs:\n" + "\n".join(found)


def check_executed_outputs_have_no_progress_bars(executed):
    found = []
    for path in _executed_files(executed):
        for n, kind, text in _output_texts(read(path)):
            if kind == "stderr" and PROGRESS_BAR.search(text):
                found.append(f"{path.relative_to(executed.out)} cell {n}: {text.strip()[:160]}")
    assert not found, "progress bars in notebook outputs:\n" + "\n".join(found)


def _figures_drawn(nb) -> int:
    """Charts a notebook draws: one per ``export_figure(`` call in its code."""
    return sum(cell.source.count("export_figure(") for cell in nb.cells
               if cell.cell_type == "code")


def check_every_report_holds_the_charts_its_notebook_draws(executed):
    short = []
    for path in _executed_files(executed):
        nb = read(path)
        drawn = _figures_drawn(nb)
        shown = sum("image/png" in out.get("data", {}) for cell in nb.cells
                    for out in cell.get("outputs", []))
        report = path.with_suffix(".html").read_text(encoding="utf-8")
        embedded = len(re.findall(r"<img[^>]*src=\"data:image/png;base64,", report))
        if shown < drawn or embedded < drawn:
            short.append(f"{path.relative_to(executed.out)}: draws {drawn}, outputs hold {shown}, "
                         f"report holds {embedded}")
    assert not short, "reports without their charts:\n" + "\n".join(short)


def check_no_report_table_cuts_its_text(executed):
    """pandas cuts a cell at ``display.max_colwidth`` and ends it with "..."; seen in the
    hypotheses, indicators and replay tables ("possibly with support staff (e...")."""
    cut = []
    for path in _executed_files(executed):
        report = path.with_suffix(".html").read_text(encoding="utf-8")
        cut += [f"{path.relative_to(executed.out)}: {cell[:80]}"
                for cell in re.findall(r"<td>([^<]*\.\.\.)</td>", report)]
    assert not cut, "table cells cut short:\n" + "\n".join(cut[:10])


#: What is checked on the one run of every notebook, each raising AssertionError when it fails.
CHECKS = (check_every_notebook_runs_for_every_scenario, check_every_scenario_gets_every_notebook,
          check_executed_outputs_show_no_paths_of_this_machine,
          check_executed_outputs_have_no_progress_bars,
          check_every_report_holds_the_charts_its_notebook_draws,
          check_no_report_table_cuts_its_text)


@pytest.mark.slow
def test_every_notebook_for_every_scenario_runs_and_reports_cleanly(executed):
    # One test reads the run: under pytest-xdist a second test reading it on the other worker
    # would wait there, idle, for the whole run (pytest 9 ignores xdist's group marks).
    failed = []
    for check in CHECKS:
        try:
            check(executed)
        except AssertionError as exc:
            failed.append(f"{check.__name__}: {exc}")
    assert not failed, "\n\n".join(failed)
