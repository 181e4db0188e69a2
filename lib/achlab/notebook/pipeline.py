"""The rerun pipeline behind ``achlab run`` and ``make run``.

For every scenario, every per-scenario notebook in ``notebooks/`` is executed with papermill into
``out/<scenario>/`` (after an "assumptions used" cell generated from the scenario file is put at
its top); then the cross-scenario notebooks run once; each executed notebook gets an HTML copy,
and ``out/index.html`` links them all. A failing notebook is reported with its scenario, notebook
and cell, and the other scenarios still run.
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from achlab import paths
from achlab.load.scenario import load_scenario
from achlab.model import InputError
from achlab.outputs.tables import assumptions_markdown

CROSS_SCENARIO = "all-scenarios"
#: Environment of the notebook kernels during a run, beside ``ACHLAB_OUT`` (the output folder).
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}


@dataclass
class Task:
    """One notebook to execute."""

    notebook: Path
    output: Path
    parameters: dict
    scenario: str
    assumptions: str = ""


@dataclass
class Outcome:
    """What became of a task."""

    task: Task
    ok: bool
    message: str = ""
    html: Path | None = None


@dataclass
class RunReport:
    """Everything ``achlab run`` produced."""

    out: Path
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None
    extras: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        """The outcomes that failed."""
        return [o for o in self.outcomes if not o.ok]


def notebook_scope(path: Path) -> str:
    """``per-scenario`` (default) or ``all-scenarios``, from the notebook's metadata."""
    nb = nbformat.read(path, as_version=4)
    return nb.metadata.get("achlab", {}).get("scope", "per-scenario")


def notebooks(folder: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Numbered notebooks of ``notebooks/``: (per-scenario, cross-scenario)."""
    folder = folder or paths.notebooks_dir()
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    per = [p for p in found if notebook_scope(p) != CROSS_SCENARIO]
    cross = [p for p in found if notebook_scope(p) == CROSS_SCENARIO]
    return per, cross


def _shown(path: Path) -> str:
    """Path as written into notebooks: relative to the project root when inside it."""
    try:
        return str(path.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path.resolve())


def _sizes(draws, tune, chains) -> dict:
    return {"draws": draws, "tune": tune, "chains": chains}


def plan(scenario_files: list[Path], out: Path, draws=None, tune=None, chains=None,
         folder: Path | None = None) -> tuple[list[Task], list[str]]:
    """The tasks to run, and the located problems of scenarios that cannot be loaded."""
    per, cross = notebooks(folder)
    tasks, problems, names = [], [], []
    for path in scenario_files:
        try:
            case = load_scenario(path)
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        names.append(_shown(path))
        for nb in per:
            tasks.append(Task(nb, out / case.name / nb.name,
                              {"scenario": _shown(path), "seed": case.seed,
                               **_sizes(draws, tune, chains)},
                              case.name, assumptions_markdown(case)))
    if names:
        for nb in cross:
            tasks.append(Task(nb, out / "comparison" / nb.name,
                              {"scenarios": names, "seed": 20241031,
                               **_sizes(draws, tune, chains)},
                              "comparison"))
    return tasks, problems


def _prepared(task: Task, workdir: Path) -> Path:
    """A copy of the notebook with the assumptions cell at its top."""
    nb = nbformat.read(task.notebook, as_version=4)
    if task.assumptions:
        cell = nbformat.v4.new_markdown_cell(task.assumptions)
        cell.metadata["tags"] = ["assumptions"]
        nb.cells.insert(0, cell)
    target = workdir / f"{task.scenario}-{task.notebook.name}"
    nbformat.write(nb, target)
    return target


def _failure_message(task: Task, exc: Exception) -> str:
    count = getattr(exc, "exec_count", None)
    source = (getattr(exc, "source", "") or "").strip().splitlines()
    where = f"cell In [{count}]" if count is not None else "before any cell ran"
    if source:
        where += f" ({source[0][:60]!r})"
    reason = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    reason = reason.strip().splitlines()[0] if reason.strip() else type(exc).__name__
    return f"scenario {task.scenario}, notebook {task.notebook.name}, {where}: {reason}"


def execute(task: Task, workdir: Path, show_code: bool = False) -> Outcome:
    """Execute one task with papermill and export its HTML copy."""
    import papermill as pm

    task.output.parent.mkdir(parents=True, exist_ok=True)
    source = _prepared(task, workdir)
    try:
        pm.execute_notebook(str(source), str(task.output), parameters=task.parameters,
                            kernel_name="python3", progress_bar=False, log_output=False,
                            # The kernel starts in the output folder (nbclient's resources
                            # path); papermill's own cwd= would chdir this whole process, which
                            # the notebooks running in parallel threads share.
                            resources={"metadata": {"path": str(task.output.parent)}},
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except Exception as exc:  # noqa: BLE001 - reported, and the other scenarios go on
        return Outcome(task, False, _failure_message(task, exc), _html(task.output, show_code))
    return Outcome(task, True, "", _html(task.output, show_code))


#: Folder of ``out/`` holding the MathJax copy the reports load (no network needed to read them).
MATHJAX_FOLDER = "_mathjax"
#: Long output lines wrap instead of running off the page.
REPORT_CSS = ("<style>.jp-OutputArea-output pre, .jp-RenderedText pre "
              "{white-space: pre-wrap; word-break: break-word;}</style>")


def offline_mathjax(out: Path) -> Path:
    """Copy MathJax (from ``jupyter_server_mathjax``) into ``out/_mathjax`` once; its entry file."""
    import shutil
    from importlib.resources import files

    target = out / MATHJAX_FOLDER
    entry = target / "MathJax.js"
    if not entry.is_file():
        source = files("jupyter_server_mathjax") / "static"
        shutil.copytree(str(source), target, dirs_exist_ok=True)
    return entry


def _html(executed: Path, show_code: bool = False) -> Path | None:
    """HTML report of an executed notebook.

    Code is hidden unless ``show_code`` (for modellers); cells tagged ``hide-cell`` or
    ``parameters`` are left out (the injected parameters remain, once) and so are the inputs of
    ``hide-input`` cells; formulas render with the MathJax copy beside the reports; long output
    lines wrap.
    """
    if not executed.is_file():
        return None
    import os.path

    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("hide-cell", "parameters")
    config.TagRemovePreprocessor.remove_input_tags = ("hide-input",)
    exporter = HTMLExporter(config=config)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_input = not show_code
    mathjax = executed.parent.parent / MATHJAX_FOLDER / "MathJax.js"  # run() copies it first
    if not mathjax.is_file():
        mathjax = offline_mathjax(executed.parent.parent)
    relative = Path(os.path.relpath(mathjax, executed.parent)).as_posix()
    exporter.mathjax_url = f"{relative}?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    body, _ = exporter.from_filename(str(executed))
    body = body.replace("</head>", REPORT_CSS + "\n</head>", 1)
    target = executed.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def write_index(report: RunReport) -> Path:
    """``out/index.html``: every scenario's notebooks, charts and the comparison."""
    out = report.out
    by_scenario: dict[str, list[Outcome]] = {}
    for o in report.outcomes:
        by_scenario.setdefault(o.task.scenario, []).append(o)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<title>achlab run</title><style>body{font-family:sans-serif;max-width:1100px;"
             "margin:2em auto}img{max-width:520px;border:1px solid #ccc}td,th{padding:4px 10px;"
             "text-align:left}.fail{color:#bd1f01}</style></head><body>",
             "<h1>achlab: notebooks for every scenario</h1>"]
    for scenario, outcomes in by_scenario.items():
        parts.append(f"<h2>{html.escape(scenario)}</h2><table>")
        for o in outcomes:
            rel = o.html.relative_to(out).as_posix() if o.html else None
            link = (f"<a href='{html.escape(rel)}'>{html.escape(o.task.notebook.stem)}</a>"
                    if rel else html.escape(o.task.notebook.stem))
            status = "ok" if o.ok else f"<span class='fail'>failed: {html.escape(o.message)}</span>"
            parts.append(f"<tr><td>{link}</td><td>{status}</td></tr>")
        parts.append("</table>")
        chart = out / scenario / "charts" / "weights.png"
        if chart.is_file():
            rel = chart.relative_to(out).as_posix()
            parts.append(f"<p><a href='{rel}'><img src='{rel}' alt='weights chart for "
                         f"{html.escape(scenario)}'></a></p>")
    for extra in report.extras:
        rel = extra.relative_to(out).as_posix()
        parts.append(f"<p><a href='{html.escape(rel)}'>{html.escape(extra.name)}</a></p>")
    parts.append("</body></html>")
    target = out / "index.html"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


def run(scenario_files: list[Path] | None = None, out: Path | None = None, draws=None, tune=None,
        chains=None, jobs: int = 2, progress: bool = True, folder: Path | None = None,
        stream=None, show_code: bool = False) -> RunReport:
    """Execute every notebook for every scenario; see the module docstring.

    ``show_code`` keeps the code cells in the HTML reports (hidden by default).

    Returns
    -------
    RunReport
        ``failures`` lists what failed, each with a message naming scenario, notebook and cell.
    """
    from tqdm.auto import tqdm

    stream = stream or sys.stderr
    scenario_files = [Path(p) for p in (scenario_files or paths.scenario_files())]
    out = Path(out or paths.out_dir()).resolve()
    out.mkdir(parents=True, exist_ok=True)
    tasks, problems = plan(scenario_files, out, draws, tune, chains, folder)
    offline_mathjax(out)  # once, before the notebooks run in parallel threads
    for p in problems:
        print(p, file=stream)
    report = RunReport(out)
    per = [t for t in tasks if t.scenario != "comparison"]
    cross = [t for t in tasks if t.scenario == "comparison"]
    # The kernels inherit this process's environment: the output folder, and matplotlib's inline
    # backend, so that every figure a notebook draws reaches its outputs and its HTML report
    # (a headless MPLBACKEND=Agg in the calling shell would otherwise leave the reports empty).
    previous = {name: os.environ.get(name) for name in (*KERNEL_ENV, "ACHLAB_OUT")}
    os.environ.update({**KERNEL_ENV, "ACHLAB_OUT": str(out)})
    try:
        with tempfile.TemporaryDirectory(prefix="achlab-run-") as tmp, \
                tqdm(total=len(tasks), desc="notebooks", unit="nb", disable=not progress,
                     file=stream) as bar:
            def one(task):
                outcome = execute(task, Path(tmp), show_code)
                bar.set_postfix_str(f"{task.scenario}/{task.notebook.stem}")
                bar.update()
                return outcome

            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                report.outcomes += list(pool.map(one, per))
            report.outcomes += [one(t) for t in cross]
        report.extras += _extras(scenario_files, out, stream)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    report.index = write_index(report)
    return report


def _extras(scenario_files: list[Path], out: Path, stream) -> list[Path]:
    """Other products of a run: the briefing deck."""
    from achlab.outputs.deck import write_deck

    try:
        return [write_deck(scenario_files, out / "briefing.pptx", charts=out)]
    except Exception as exc:  # noqa: BLE001 - the deck must not sink the notebooks
        print(f"briefing deck not written: {exc}", file=stream)
        return []
