"""The rerun pipeline behind ``achlab run`` and ``make run``.

For every scenario, every per-scenario notebook in ``notebooks/`` is executed with papermill into
``out/<scenario>/`` (after an "assumptions used" cell generated from the scenario file is put at
its top); the cross-scenario notebooks run once, beside them (they read the scenario files and
the kept fits, not the other notebooks' outputs); each executed notebook gets an HTML copy,
and ``out/index.html`` gives every scenario's bottom line and links them all. A failing notebook
is reported with its scenario, notebook and cell, and the other scenarios still run.

Reruns redo only what changed: every output's inputs (the case files, the scenario file, the
notebook, the library, the sampler sizes and the chart formats) are hashed, and the hashes of the
outputs written are kept in ``out/.achlab-manifest.json``. A notebook whose hash is unchanged and
whose outputs exist is not run again; ``force`` reruns everything. Executed notebooks and their
reports are written under ``out/.partial/`` and moved into place when complete, so an
interrupted run leaves no half file behind.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import sys
import tempfile
import threading
from concurrent.futures import Future, wait
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from achlab import paths
from achlab.engines.likelihood import RELEVANCE_NOTE
from achlab.files import write_text
from achlab.load.case import case_dir
from achlab.load.scenario import load_scenario
from achlab.model import InputError
from achlab.notebook.kernels import KernelPool, NotebookKernel, run_notebook
from achlab.notebook.session import set_env
from achlab.outputs.tables import assumptions_markdown, overrides_in_words

CROSS_SCENARIO = "all-scenarios"
#: Environment of the notebook kernels during a run, beside ``ACHLAB_OUT`` (the output folder).
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
#: File in the output folder keeping each scenario's bottom line under the hash of its inputs.
BOTTOM_LINES = ".achlab-bottom-lines.json"
JUDGED = ".achlab-judged.json"
#: File in the output folder holding the hash of every output's inputs.
MANIFEST = ".achlab-manifest.json"
#: Folder of the output folder where executed notebooks are written until they are complete.
PARTIAL = ".partial"
#: Seconds an interrupted run waits for the deck being written beside the notebooks.
DECK_TIMEOUT = 60.0


@dataclass
class Task:
    """One notebook to execute, and the files its output depends on."""

    notebook: Path
    output: Path
    parameters: dict
    scenario: str
    assumptions: str = ""
    inputs: list[Path] = field(default_factory=list)
    digest: str = ""
    fits: bool = False  # reads PyMC fits, which the run makes before it starts (fits.prefit)


@dataclass
class Outcome:
    """What became of a task (``skipped``: up to date, not run again)."""

    task: Task
    ok: bool
    message: str = ""
    html: Path | None = None
    skipped: bool = False


@dataclass
class RunReport:
    """Everything ``achlab run`` produced."""

    out: Path
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None
    extras: list[Path] = field(default_factory=list)
    course: list[Path] = field(default_factory=list)
    course_note: str = ""  # why the course was not run, when it was asked for and was not
    interrupted: bool = False

    @property
    def failures(self) -> list[Outcome]:
        """The outcomes that failed."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def ran(self) -> list[Outcome]:
        """The outcomes of notebooks executed in this run (not skipped as up to date)."""
        return [o for o in self.outcomes if not o.skipped]

    @property
    def unchanged(self) -> bool:
        """True when nothing had changed since the last run: no notebook was executed."""
        return bool(self.outcomes) and not self.ran


def _achlab_metadata(path: Path) -> dict:
    meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    return meta.get("achlab") or {}


def notebook_scope(path: Path) -> str:
    """``per-scenario`` (default) or ``all-scenarios``, from the notebook's metadata."""
    return _achlab_metadata(path).get("scope", "per-scenario")


def uses_fits(path: Path) -> bool:
    """True when the notebook reads PyMC fits (metadata ``achlab.fits``): they are made first."""
    return bool(_achlab_metadata(path).get("fits", False))


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


def _case_files(case_id: str, data: Path | None) -> list[Path]:
    """Every file of a case folder, sorted (what a scenario's answer depends on)."""
    folder = case_dir(case_id, data)
    return sorted(p for p in folder.rglob("*") if p.is_file())


def plan(scenario_files: list[Path], out: Path, draws=None, tune=None, chains=None,
         folder: Path | None = None, data: Path | None = None) -> tuple[list[Task], list[str]]:
    """The tasks to run, and the located problems of scenarios that cannot be loaded.

    ``data`` is the folder of cases (default: the project's ``data/``).
    """
    per, cross = notebooks(folder)
    tasks, problems, names, everything = [], [], [], []
    for path in scenario_files:
        try:
            case = load_scenario(path, data)
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        names.append(_shown(path))
        inputs = [Path(path), *_case_files(case.id, data)]
        everything += inputs
        for nb in per:
            tasks.append(Task(nb, out / case.name / nb.name,
                              {"scenario": _shown(path), "seed": case.seed,
                               **_sizes(draws, tune, chains)},
                              case.name, assumptions_markdown(case), [nb, *inputs],
                              fits=uses_fits(nb)))
    if names:
        for nb in cross:
            tasks.append(Task(nb, out / "comparison" / nb.name,
                              {"scenarios": names, "seed": None,
                               **_sizes(draws, tune, chains)},
                              "comparison", inputs=[nb, *dict.fromkeys(everything)],
                              fits=uses_fits(nb)))
    return tasks, problems


# ---------------------------------------------------------------------------- what changed
def library_fingerprint() -> str:
    """The achlab version and a hash of the library's own files (code and bundled data)."""
    import achlab

    root = Path(achlab.__file__).parent
    digest = hashlib.sha256(achlab.__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".json", ".mplstyle", ".csv"}:
            digest.update(p.relative_to(root).as_posix().encode())
            digest.update(p.read_bytes())
    return digest.hexdigest()


def inputs_digest(files: list[Path], settings: dict, library: str) -> str:
    """Hash of the files (names and bytes), the settings and the library fingerprint."""
    digest = hashlib.sha256(library.encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for p in files:
        digest.update(_shown(Path(p)).encode())
        digest.update(Path(p).read_bytes())
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    """Output (relative to ``out``) -> hash of its inputs when it was written; {} when none."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    outputs = data.get("outputs") if isinstance(data, dict) else None
    return dict(outputs) if isinstance(outputs, dict) else {}


class Manifest:
    """The manifest of an output folder, updated (atomically) as each output is completed."""

    def __init__(self, out: Path):
        self.out = out
        self.entries = read_manifest(out)
        self._lock = threading.Lock()

    def current(self, key: str, digest: str, *files: Path) -> bool:
        """True when ``key`` was written from inputs hashing to ``digest`` and its files exist."""
        return self.entries.get(key) == digest and all(Path(f).is_file() for f in files)

    def record(self, key: str, digest: str) -> None:
        """Remember that ``key`` is now up to date with ``digest``."""
        with self._lock:
            self.entries[key] = digest
            text = json.dumps({"outputs": dict(sorted(self.entries.items()))}, indent=1)
            write_text(self.out / MANIFEST, text)


def _key(out: Path, path: Path) -> str:
    return path.relative_to(out).as_posix()


# ---------------------------------------------------------------------------- executing
def _prepared(task: Task, workdir: Path) -> Path:
    """A copy of the notebook with the assumptions cell at its top."""
    import nbformat  # imported when a notebook runs: it takes seconds (jsonschema's formats)

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


def _partial(out: Path, final: Path) -> Path:
    """Where ``final`` (inside ``out``) is written until it is complete."""
    return out / PARTIAL / final.relative_to(out)


def _publish(out: Path, *finals: Path) -> None:
    """Move completed files from ``out/.partial`` to their places."""
    for final in finals:
        staged = _partial(out, final)
        if staged.is_file():
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)


def execute(task: Task, workdir: Path, show_code: bool = False, out: Path | None = None,
            stop: threading.Event | None = None, kernel: NotebookKernel | None = None,
            env: dict[str, str | None] | None = None) -> Outcome:
    """Execute one task with papermill and export its HTML copy.

    The executed notebook and its report are written under ``out/.partial`` and moved into
    place when both are complete (``out`` defaults to the folder above the task's output); when
    ``stop`` is set (the run was interrupted) they are not moved. With ``kernel`` the notebook
    runs in that (shared) kernel after a reset, in its output folder and with ``env`` set;
    without, in a kernel of its own (which inherits this process's environment).
    """
    out = out or task.output.parent.parent
    final_html = task.output.with_suffix(".html")
    staged = _partial(out, task.output)
    staged.parent.mkdir(parents=True, exist_ok=True)
    task.output.parent.mkdir(parents=True, exist_ok=True)
    source = _prepared(task, workdir)
    try:
        run_notebook(source, staged, task.output.parent, kernel, env, task.parameters)
        ok, message = True, ""
    except Exception as exc:  # noqa: BLE001 - reported, and the other scenarios go on
        ok, message = False, _failure_message(task, exc)
    if stop is not None and stop.is_set():
        staged.unlink(missing_ok=True)
        return _interrupted(task)
    report = _html(staged, show_code, place=task.output.parent)
    _publish(out, task.output, final_html)
    return Outcome(task, ok, message, final_html if report else None)


def _interrupted(task: Task) -> Outcome:
    return Outcome(task, False, f"scenario {task.scenario}, notebook {task.notebook.name}: "
                   "interrupted")


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


def report_exporter(show_code: bool = False, remove_cell_tags=("hide-cell", "parameters"),
                    remove_input_tags=("hide-input",)):
    """The HTML exporter of the reports: prompts hidden, code hidden unless ``show_code``."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = tuple(remove_cell_tags)
    config.TagRemovePreprocessor.remove_input_tags = tuple(remove_input_tags)
    exporter = HTMLExporter(config=config)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_input = not show_code
    return exporter


def mathjax_url(place: Path) -> str:
    """The MathJax URL of a report that will live in folder ``place`` (one below ``out/``)."""
    mathjax = place.parent / MATHJAX_FOLDER / "MathJax.js"  # run() copies it first
    if not mathjax.is_file():
        mathjax = offline_mathjax(place.parent)
    relative = Path(os.path.relpath(mathjax, place)).as_posix()
    return f"{relative}?config=TeX-AMS-MML_HTMLorMML-full,Safe"


#: One exporter per kind of report, used by one thread at a time: a new exporter compiles its
#: templates again (half the time of an export).
_EXPORTING = threading.Lock()


@lru_cache(maxsize=8)
def _exporter(show_code: bool, mathjax: str):
    exporter = report_exporter(show_code)
    exporter.mathjax_url = mathjax
    return exporter


def _html(executed: Path, show_code: bool = False, place: Path | None = None) -> Path | None:
    """HTML report of an executed notebook, written beside it.

    Code is hidden unless ``show_code`` (for modellers); cells tagged ``hide-cell`` or
    ``parameters`` are left out (the injected parameters remain, once) and so are the inputs of
    ``hide-input`` cells; formulas render with the MathJax copy beside the reports (``place``
    is the folder the report will be read from, default the executed notebook's); long output
    lines wrap.
    """
    if not executed.is_file():
        return None
    with _EXPORTING:
        exporter = _exporter(show_code, mathjax_url(place or executed.parent))
        body, _ = exporter.from_filename(str(executed))
    body = body.replace("</head>", REPORT_CSS + "\n</head>", 1)
    target = executed.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


# ---------------------------------------------------------------------------- the index
def _confidence(case) -> str:
    """Confidence in the bottom line, in words (:func:`achlab.engines.confidence.confidence`)."""
    from achlab.engines.confidence import confidence

    return confidence(case).line()


@dataclass
class BottomLine:
    """One scenario's answer as the index shows it (exact engine, as ``achlab weights``)."""

    name: str
    title: str
    headline: str
    method: str
    cutoff: str
    differences: list[str]
    confidence: str | None = None


def bottom_line(scenario_file: Path, data: Path | None = None) -> BottomLine:
    """The leading hypothesis of a scenario with its word and number (exact engine)."""
    return _bottom_line_of(load_scenario(scenario_file, data))


def _answer_digest(path: Path, case, data: Path | None, library: str) -> str:
    """Hash of what a scenario's answer depends on: its file, its case folder, the library."""
    return inputs_digest([Path(path), *_case_files(case.id, data)], {"bottom line": 1}, library)


def bottom_lines(scenario_files: list[Path], out: Path, data: Path | None = None,
                 library: str | None = None, judged: dict | None = None) -> dict[str, BottomLine]:
    """Every scenario's bottom line, by name; reused from the last run when its inputs are not.

    The lines are kept in ``out/.achlab-bottom-lines.json`` under the hash of the scenario file,
    its case folder and the library, as the notebooks are in the manifest: a rerun with nothing
    changed computes no weights or confidence again. ``judged`` (from :func:`judgements`) gives
    the confidence of a scenario whose line is new.
    """
    return _kept_by_scenario(
        scenario_files, out, data, library, BOTTOM_LINES, BottomLine,
        lambda case: _bottom_line_of(case, (judged or {}).get(case.name)))


def judgements(scenario_files: list[Path], out: Path, data: Path | None = None,
               library: str | None = None) -> dict:
    """Every scenario's :class:`~achlab.engines.confidence.Confidence`, by name.

    Kept in ``out/.achlab-judged.json`` under the hash :func:`bottom_lines` uses, so that the
    deck and the index judge a scenario once, and a rerun judges only the scenarios that changed.
    """
    from achlab.engines.confidence import Confidence, confidence

    return _kept_by_scenario(scenario_files, out, data, library, JUDGED, Confidence, confidence,
                             tuples=("reasons", "interval"))


def _kept_by_scenario(scenario_files, out: Path, data, library, store: str, kind, make,
                      tuples=()) -> dict:
    """One ``kind`` (a dataclass) per scenario, by name, kept between runs.

    A value is read from ``out/<store>`` when kept there under the hash of its scenario's inputs
    (:func:`_answer_digest`), else made by ``make(case)``. The store is rewritten with this
    run's scenarios; ``tuples`` are the fields JSON gives back as lists.
    """
    from dataclasses import fields

    library = library or library_fingerprint()
    names = {f.name for f in fields(kind)}
    try:
        kept = json.loads((out / store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    kept = kept if isinstance(kept, dict) else {}
    values, now = {}, {}
    for path in scenario_files:
        case = load_scenario(path, data)
        digest = _answer_digest(path, case, data, library)
        said = kept.get(digest)
        if isinstance(said, dict) and set(said) == names:
            value = kind(**{**said, **{k: tuple(said[k]) for k in tuples}})
        else:
            value = make(case)
        values[case.name] = value
        now[digest] = asdict(value)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / store, json.dumps(now, indent=1))
    return values


def _bottom_line_of(case, judged=None) -> BottomLine:
    from achlab.engines.exact import exact_weights
    from achlab.model.words import headline

    weights = exact_weights(case)
    lead = weights.leading
    title = case.scenario.title if case.scenario else case.title
    return BottomLine(case.name, title, headline(case.labels[lead], weights[lead]),
                      weights.method, str(case.cutoff or "none"), overrides_in_words(case),
                      judged.line() if judged is not None else _confidence(case))


INDEX_CSS = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
             "img{width:420px;border:1px solid #ccc}td,th{padding:4px 10px;text-align:left;"
             "vertical-align:top}.fail{color:#bd1f01}.bottom{font-size:1.25em;font-weight:bold}"
             ".scenario{display:flex;gap:1.5em;margin-bottom:2em}")


def _link(out: Path, target: Path | None, text: str) -> str:
    if target is None or not target.is_file():
        return html.escape(text)
    rel = target.relative_to(out).as_posix()
    return f"<a href='{html.escape(rel)}'>{html.escape(text)}</a>"


def _status(o: Outcome) -> str:
    if not o.ok:
        return f"<span class='fail'>failed: {html.escape(o.message)}</span>"
    return "up to date" if o.skipped else "ok"


def _scenario_section(out: Path, line: BottomLine | None, name: str,
                      outcomes: list[Outcome]) -> list[str]:
    parts = [f"<h2>{html.escape(line.title if line else name)}</h2>"]
    text = ["<div>"]
    if line:
        text.append(f"<p class='bottom'>{html.escape(line.headline)}</p>")
        confidence = f"; {html.escape(line.confidence)}" if line.confidence else ""
        text.append(f"<p>Engine: {html.escape(line.method)}{confidence}. Latest evidence "
                    f"used: {html.escape(line.cutoff)}.</p>")
        text.append("<p>Assumptions: " + html.escape("; ".join(line.differences)) + ".</p>")
    text.append("<table>")
    for o in outcomes:
        text.append(f"<tr><td>{_link(out, o.html, o.task.notebook.stem)}</td>"
                    f"<td>{_status(o)}</td></tr>")
    text.append("</table></div>")
    chart = out / name / "charts" / "weights.png"
    if chart.is_file():
        rel = html.escape(chart.relative_to(out).as_posix())
        parts.append(f"<div class='scenario'><a href='{rel}'><img src='{rel}' alt='weights "
                     f"chart of {html.escape(name)}'></a>{''.join(text)}</div>")
    else:
        parts.append("".join(text))
    return parts


def _course_links(out: Path, course: list[Path]) -> list[str]:
    if not course:
        return []
    parts = ["<h2>The course</h2><table><tr><th>notebook</th><th>student edition</th>"
             "<th>instructor edition</th></tr>"]
    for student in sorted(p for p in course if p.parent.name == "student"):
        instructor = student.parent.parent / "instructor" / student.name
        parts.append(f"<tr><td>{html.escape(student.stem)}</td>"
                     f"<td>{_link(out, student, 'student')}</td>"
                     f"<td>{_link(out, instructor, 'instructor')}</td></tr>")
    parts.append("</table>")
    return parts


def write_index(report: RunReport, lines: dict[str, BottomLine] | None = None) -> Path:
    """``out/index.html``: every scenario's bottom line, chart and reports; deck and course.

    ``lines`` maps a scenario name to its bottom line (:func:`bottom_line`).
    """
    out, lines = report.out, lines or {}
    by_scenario: dict[str, list[Outcome]] = {name: [] for name in lines}
    for o in report.outcomes:
        by_scenario.setdefault(o.task.scenario, []).append(o)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>achlab run</title><style>{INDEX_CSS}</style></head><body>",
             "<h1>achlab: the bottom line of every scenario</h1>",
             f"<p>Weights from the exact engine. {html.escape(RELEVANCE_NOTE)}</p>"]
    deck = [e for e in report.extras if e.suffix == ".pptx" and e.is_file()]
    if deck or report.course:
        links = [_link(out, d, "briefing deck") for d in deck]
        links += ["<a href='#course'>the course</a>"] if report.course else []
        parts.append("<p>" + " &middot; ".join(links) + "</p>")
    for name, outcomes in by_scenario.items():
        if name != "comparison":
            parts += _scenario_section(out, lines.get(name), name, outcomes)
    if "comparison" in by_scenario:
        parts += _scenario_section(out, None, "comparison", by_scenario["comparison"])
        chart = out / "comparison" / "charts" / "comparison.png"
        if chart.is_file():
            rel = html.escape(chart.relative_to(out).as_posix())
            parts.append(f"<p><a href='{rel}'><img src='{rel}' alt='scenario comparison'>"
                         "</a></p>")
    for extra in report.extras:
        if extra.is_file() and extra not in deck:
            parts.append(f"<p>{_link(out, extra, extra.name)}</p>")
    parts += ["<div id='course'>", *_course_links(out, report.course), "</div>",
              "</body></html>"]
    target = out / "index.html"
    write_text(target, "\n".join(parts))
    return target


# ---------------------------------------------------------------------------- running
class _Environment:
    """Set environment variables for the kernels (they inherit them); restore them after."""

    def __init__(self, values: dict[str, str | None]):
        self.values = values
        self.previous = {name: os.environ.get(name) for name in values}

    def __enter__(self):
        set_env(self.values)
        return self

    def __exit__(self, *exc):
        set_env(self.previous)


def _clear_partial(out: Path) -> None:
    import shutil

    shutil.rmtree(out / PARTIAL, ignore_errors=True)


def _settings(task: Task, show_code: bool, formats: tuple[str, ...]) -> dict:
    return {"parameters": task.parameters, "assumptions": task.assumptions,
            "show_code": show_code, "chart formats": list(formats)}


def queued(tasks: list[Task]) -> list[Task]:
    """The order in which the tasks are handed to the workers, each to the first one free.

    Scenario by scenario, in the order given; within a scenario the notebooks keep their order,
    except that those reading PyMC fits come last (each scenario's fits are made meanwhile, in
    the same order). The comparison reads the scenario files and every scenario's fits, not the
    other notebooks' outputs: it goes before the last scenario's fit readers, when every fit is
    made, and shorter notebooks after it even out when the workers finish.
    """
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        groups.setdefault(task.scenario, []).append(task)
    comparison = groups.pop("comparison", [])
    order = [t for group in groups.values() for t in sorted(group, key=lambda t: t.fits)]
    last_readers = sum(t.fits for t in next(reversed(groups.values()), []))
    at = len(order) - last_readers
    return order[:at] + comparison + order[at:]


class FitsReady:
    """Which scenarios' PyMC fits are made (by :func:`achlab.notebook.fits.prefit`).

    A scenario's notebooks that read fits wait for its fits; the comparison (``scenario`` None)
    waits for them all. A fit that failed counts as made: its notebook fits, and reports, on its
    own.
    """

    def __init__(self):
        self._made: set[str] = set()
        self._all = False
        self._changed = threading.Condition()

    def made(self, scenario: str) -> None:
        """Say that ``scenario``'s fits are made."""
        with self._changed:
            self._made.add(scenario)
            self._changed.notify_all()

    def all_made(self) -> None:
        """Say that every fit is made (or that no more will be)."""
        with self._changed:
            self._all = True
            self._changed.notify_all()

    def wait(self, scenario: str | None, stop: threading.Event) -> None:
        """Return when the fits ``scenario``'s notebooks read are made, or ``stop`` is set."""
        with self._changed:
            while not (self._all or scenario in self._made or stop.is_set()):
                self._changed.wait(0.2)


def _kernel_env(out: Path, data: Path | None, formats: tuple[str, ...]) -> dict:
    """What the notebooks of a run read from their kernel's environment."""
    from achlab.charts.export import FORMATS_ENV
    from achlab.notebook.fits import store_root

    return {"ACHLAB_OUT": str(out), "ACHLAB_DATA": str(data) if data else None,
            "ACHLAB_FITS": str(store_root()), FORMATS_ENV: ",".join(formats)}


def _start_fits(todo: list[Task], scenario_files: list[Path], data: Path | None, sizes: dict,
                stop: threading.Event) -> FitsReady:
    """Fit every scenario in a thread of this process when a task to run reads fits.

    The model compiles once here rather than in each notebook's kernel (:mod:`fits`); each
    scenario is announced as soon as its fits are kept.
    """
    ready = FitsReady()
    if not any(t.fits for t in todo):
        ready.all_made()
        return ready

    def work():
        from achlab.notebook.fits import prefit

        try:
            prefit([load_scenario(p, data) for p in scenario_files], data=data, stop=stop,
                   on_case=ready.made, **sizes)
        except Exception:  # noqa: BLE001 - each notebook then fits, and reports, on its own
            pass
        finally:
            ready.all_made()

    _in_background("achlab-fits", work)
    return ready


def _split(tasks: list[Task], out: Path, manifest: Manifest, force: bool, show_code: bool,
           library: str, formats: tuple[str, ...]) -> tuple[list[Task], list[Outcome]]:
    """(tasks to run, outcomes of the tasks that are up to date)."""
    todo, skipped = [], []
    for task in tasks:
        task.digest = inputs_digest(task.inputs, _settings(task, show_code, formats), library)
        html_copy = task.output.with_suffix(".html")
        if not force and manifest.current(_key(out, task.output), task.digest, task.output,
                                          html_copy):
            skipped.append(Outcome(task, True, "", html_copy, skipped=True))
        else:
            todo.append(task)
    return todo, skipped


def run(scenario_files: list[Path] | None = None, out: Path | None = None, draws=None, tune=None,
        chains=None, jobs: int = 2, progress: bool = True, folder: Path | None = None,
        stream=None, show_code: bool = False, data: Path | None = None, force: bool = False,
        course: bool = False, formats=None) -> RunReport:
    """Execute every notebook for every scenario that changed; see the module docstring.

    ``show_code`` keeps the code cells in the HTML reports (hidden by default); ``data`` is the
    folder of cases (the kernels read it too); ``force`` reruns what is up to date; ``course``
    also writes the course editions (:func:`run_course`); ``formats`` are the charts' file
    formats (:func:`achlab.charts.export.chart_formats`: PNG alone unless told).

    Returns
    -------
    RunReport
        ``failures`` lists what failed, each with a message naming scenario, notebook and cell.

    Raises
    ------
    InputError
        When a scenario (or its case) does not validate; nothing is written then.
    """
    from tqdm.auto import tqdm

    from achlab.charts.export import chart_formats

    stream = stream or sys.stderr
    scenario_files = [Path(p) for p in (scenario_files or paths.scenario_files())]
    data = Path(data).resolve() if data else None
    out = Path(out or paths.out_dir()).resolve()
    tasks, problems = plan(scenario_files, out, draws, tune, chains, folder, data)
    if problems:
        raise InputError(problems)
    out.mkdir(parents=True, exist_ok=True)
    _clear_partial(out)  # left by a run that was killed
    offline_mathjax(out)  # once, before the notebooks run in parallel threads
    manifest = Manifest(out)
    formats = chart_formats(formats)
    library = library_fingerprint()
    todo, skipped = _split(tasks, out, manifest, force, show_code, library, formats)
    report = RunReport(out, skipped)
    stop = threading.Event()
    env = _kernel_env(out, data, formats)
    judged, the_course, briefing = None, None, None
    if course:
        missing = course_missing()
        if missing:
            report.course_note = ("course not run: it reads the bundled cases, and this "
                                  "project has no " + ", ".join(missing))
        else:
            the_course = CourseRun(out / "course", force, library)
    try:
        # The kernels start with this process's environment: matplotlib's inline backend, so
        # that every figure a notebook draws reaches its outputs and its HTML report (a headless
        # MPLBACKEND=Agg in the calling shell would leave them empty); each notebook then sets
        # the output and data folders it reads (``env``).
        with _Environment({**KERNEL_ENV, **env}), \
                tempfile.TemporaryDirectory(prefix="achlab-run-") as tmp, \
                KernelPool(jobs, Path(tmp)) as pool, \
                tqdm(total=len(todo), desc="notebooks", unit="nb",
                     disable=not progress or not todo, file=stream) as bar:
            try:
                fits = _start_fits(todo, scenario_files, data, _sizes(draws, tune, chains),
                                   stop)
                # The deck reads the scenario files, not the notebooks' outputs: it is made
                # beside them once the fits are (both are work of this process, which the
                # fits' notebooks wait for), when anything is to run (else it is up to date).
                briefing = _in_background("achlab-deck", _judge_and_brief, scenario_files, out,
                                          stream, data, library, fits, stop) if todo else None
                work = _Work(out, Path(tmp), show_code, manifest, bar, stop, fits, env)
                running = [pool.submit(work.one, task) for task in queued(todo)]
                course_running = the_course.submit(pool) if the_course else []
                report.outcomes += [f.result() for f in running]
                for f in course_running:
                    f.result()
                judged, extras = (briefing.result() if briefing else
                                  (None, _extras(scenario_files, out, stream, data, None)))
                report.extras += extras
            except BaseException:
                stop.set()  # the work still queued or running ends at once
                if briefing is not None:  # a deck being written is not left half-written
                    wait([briefing], timeout=DECK_TIMEOUT)
                raise
        if the_course:
            report.course = the_course.finish()
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        if the_course:
            the_course.close()
        _clear_partial(out)
        if not report.interrupted:
            order = {t.output: n for n, t in enumerate(tasks)}
            report.outcomes.sort(key=lambda o: order[o.task.output])
            report.index = write_index(report, bottom_lines(scenario_files, out, data,
                                                            library, judged))
    return report


class _Work:
    """Executing one task of a run in a worker's kernel, and recording its success."""

    def __init__(self, out: Path, workdir: Path, show_code: bool, manifest: Manifest, bar,
                 stop: threading.Event, fits: FitsReady, env: dict):
        self.out, self.workdir, self.show_code = out, workdir, show_code
        self.manifest, self.bar, self.stop, self.fits, self.env = manifest, bar, stop, fits, env

    def one(self, task: Task, kernel: NotebookKernel) -> Outcome:
        if task.fits:
            self.fits.wait(None if task.scenario == "comparison" else task.scenario, self.stop)
        if self.stop.is_set():
            return _interrupted(task)
        outcome = execute(task, self.workdir, self.show_code, self.out, self.stop, kernel,
                          self.env)
        if outcome.ok:
            self.manifest.record(_key(self.out, task.output), task.digest)
        self.bar.set_postfix_str(f"{task.scenario}/{task.notebook.stem}")
        self.bar.update()
        return outcome


def _in_background(name: str, work, *args) -> Future:
    """``work(*args)`` in a thread of its own; its result (or exception) in the future returned."""
    future = Future()

    def target():
        try:
            future.set_result(work(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=target, name=name, daemon=True).start()
    return future


def _judge_and_brief(scenario_files: list[Path], out: Path, stream, data: Path | None,
                     library: str, fits: FitsReady, stop: threading.Event
                     ) -> tuple[dict | None, list[Path]]:
    """Every scenario's confidence (:func:`judgements`), then the deck made with them.

    They start when every fit is made. Once ``stop`` is set nothing more is started, and a deck
    being written is not put in place (it is written under ``out/.partial`` until complete).
    """
    fits.wait(None, stop)
    if stop.is_set():
        return None, []
    judged = judgements(scenario_files, out, data, library)
    return judged, _extras(scenario_files, out, stream, data, judged, stop)


def _extras(scenario_files: list[Path], out: Path, stream, data: Path | None = None,
            judged: dict | None = None, stop: threading.Event | None = None) -> list[Path]:
    """Other products of a run: the briefing deck, rewritten when a notebook ran.

    ``judged`` holds the scenarios' confidence (:func:`judgements`); None when nothing ran. The
    deck is written under ``out/.partial`` and moved into place when complete, unless ``stop``
    was set meanwhile (the run was interrupted).
    """
    from achlab.outputs.deck import write_deck

    target = out / "briefing.pptx"
    if target.is_file() and judged is None:
        return [target]
    staged = _partial(out, target)
    try:
        staged.parent.mkdir(parents=True, exist_ok=True)
        write_deck(scenario_files, staged, charts=out, data_dir=data, judged=judged)
        if stop is not None and stop.is_set():
            staged.unlink(missing_ok=True)
            return []
        _publish(out, target)
        return [target]
    except Exception as exc:  # noqa: BLE001 - the deck must not sink the notebooks
        if stop is None or not stop.is_set():
            print(f"briefing deck not written: {exc}", file=stream)
        return []


# ---------------------------------------------------------------------------- the course
#: What the course reads, relative to the project root.
COURSE_NEEDS = ("scenarios/baseline.yaml", "data/nk-troops-2024", "data/cuba-missiles-1962")


def course_missing() -> list[str]:
    """What the course needs that this project lacks (``[]`` when it can run)."""
    root = paths.project_root()
    missing = [need for need in COURSE_NEEDS if not (root / need).exists()]
    return missing + ([] if course_notebooks() else ["notebooks/teaching/"])


def course_notebooks() -> list[Path]:
    """The course's numbered notebooks in ``notebooks/teaching/``."""
    return sorted((paths.notebooks_dir() / "teaching").glob("[0-9][0-9]_*.ipynb"))


def run_course(target: Path | None = None, jobs: int = 2, force: bool = False) -> list[Path]:
    """Execute the course and write its student and instructor editions as HTML.

    ``target`` (default ``out/course``) receives ``student/NN_name.html`` (solution cells and
    their outputs removed) and ``instructor/NN_name.html`` (solutions shown). The course reads
    the project's own cases. Editions whose inputs are unchanged are not rewritten unless
    ``force``. Returns the HTML files; raises ``RuntimeError`` naming the notebooks that failed.
    """
    course = CourseRun(Path(target or paths.out_dir() / "course"), force)
    try:
        with _Environment(KERNEL_ENV), KernelPool(jobs, course.workdir) as pool:
            for running in course.submit(pool):
                running.result()
        return course.finish()
    finally:
        course.close()


class CourseRun:
    """The course's notebooks as work for a :class:`KernelPool`, and what came of them.

    Each notebook runs with the project's own cases (``ACHLAB_DATA`` unset), its charts in
    ``target/files``, PNG alone. ``achlab run`` gives them to the pool that runs the scenarios'
    notebooks, after those.
    """

    def __init__(self, target: Path, force: bool = False, library: str | None = None):
        self.target = Path(target).resolve()
        self.target.mkdir(parents=True, exist_ok=True)
        self.force = force
        self.manifest = Manifest(self.target)
        self.library = library or library_fingerprint()
        self.project_data = sorted(p for p in paths.project_root().joinpath("data").rglob("*")
                                   if p.is_file())
        self.env = _kernel_env(self.target / "files", None, ("png",))
        self._tmp = tempfile.TemporaryDirectory(prefix="achlab-course-")
        self.workdir = Path(self._tmp.name)
        self.notebooks = course_notebooks()
        self.written: dict[Path, list[Path]] = {}
        self.failed: list[str] = []

    def submit(self, pool: KernelPool) -> list:
        """Queue every course notebook in ``pool``; the futures."""
        return [pool.submit(self.one, nb) for nb in self.notebooks]

    def one(self, nb: Path, kernel: NotebookKernel) -> None:
        """Write the two editions of ``nb`` (unless they are up to date)."""
        from achlab.teaching.editions import write_editions

        editions = [self.target / edition / f"{nb.stem}.html"
                    for edition in ("student", "instructor")]
        digest = inputs_digest([nb, *self.project_data], {"course": 1}, self.library)
        key = _key(self.target, editions[0])
        if not self.force and self.manifest.current(key, digest, *editions):
            self.written[nb] = editions
            return
        try:
            made = write_editions(nb, self.target, self.workdir, kernel, self.env)
        except Exception as exc:  # noqa: BLE001 - named by finish(), the others still run
            reason = f"{getattr(exc, 'ename', type(exc).__name__)}: " \
                     f"{getattr(exc, 'evalue', exc)}"
            self.failed.append(f"{nb.name}: {reason.strip().splitlines()[0]}")
            return
        self.manifest.record(key, digest)
        self.written[nb] = made

    def finish(self) -> list[Path]:
        """The editions written, in the course's order; raises naming the notebooks that failed.

        Raises
        ------
        RuntimeError
            When a course notebook failed.
        """
        if self.failed:
            raise RuntimeError("course notebooks failed: " + "; ".join(sorted(self.failed)))
        return [path for nb in self.notebooks for path in self.written.get(nb, [])]

    def close(self) -> None:
        """Remove the folder the executed notebooks were written to."""
        self._tmp.cleanup()
