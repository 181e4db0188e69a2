"""The course's solutions: folded in JupyterLab, and the two editions handed out.

A *solution* is the code cell after an exercise, tagged ``hide-cell`` (or ``hide-input``) and
``solution``, with ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` set so that
JupyterLab folds it. Its first line is the cell magic ``%%solution``, so a folded solution shows
nothing of the answer; the magic runs the cell and shows its output inside a closed
``<details>`` element, which stays closed after Run All (JupyterLab unfolds the outputs of a cell
it runs, but not a closed ``<details>``).

:func:`write_editions` executes one course notebook and writes the *student* edition (solution
cells and their outputs removed) and the *instructor* edition (solutions shown, open) as HTML.
"""

from __future__ import annotations

import copy
import html
import os
from pathlib import Path

from achlab.files import write_text

#: Tags that mark a solution cell (any one of them).
SOLUTION_TAGS = frozenset({"solution", "hide-cell", "hide-input"})
#: The first line of every solution cell.
SOLUTION_MAGIC = "%%solution"
#: Class of the ``<details>`` element holding a solution's output.
DETAILS_CLASS = "achlab-solution"
SUMMARY = "Solution: open it after you have tried the exercise"


def is_solution(cell) -> bool:
    """True for a code cell tagged as a solution."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    return cell.get("cell_type") == "code" and bool(tags & SOLUTION_TAGS)


def solution_body(source: str) -> str:
    """A solution cell's Python, without its ``%%solution`` line."""
    lines = source.splitlines()
    if lines and lines[0].strip().startswith(SOLUTION_MAGIC):
        lines = lines[1:]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the magic
def _output_html(data: dict) -> str:
    """One captured rich output as HTML (HTML, Markdown, PNG or plain text, in that order)."""
    import mistune

    if "text/html" in data:
        return str(data["text/html"])
    if "text/markdown" in data:
        return mistune.html(str(data["text/markdown"]))
    if "image/png" in data:
        return f"<img src='data:image/png;base64,{data['image/png']}' alt='chart'>"
    return f"<pre>{html.escape(str(data.get('text/plain', '')))}</pre>"


def folded_html(stdout: str, outputs: list[dict]) -> str:
    """A closed ``<details>`` element holding a solution's printed text and displays."""
    inner = f"<pre>{html.escape(stdout)}</pre>" if stdout.strip() else ""
    inner += "".join(_output_html(data) for data in outputs)
    return (f"<details class='{DETAILS_CLASS}'><summary>{html.escape(SUMMARY)}</summary>"
            f"{inner}</details>")


def solution_magic(line: str, cell: str) -> None:
    """``%%solution``: run the cell, showing its output folded; its errors still raise.

    A failing solution raises its own exception, shown as one line that names it: neither the
    inner run nor the outer cell prints a traceback, whose frames would quote the solution.
    The names a solution sets are undone after it runs (new ones removed, rebound ones given
    their values back), so the student's next cells see only what the student wrote.
    """
    from IPython import get_ipython
    from IPython.display import HTML, display
    from IPython.utils.capture import capture_output

    shell = get_ipython()
    saved = shell._showtraceback
    names = dict(shell.user_ns)
    shell._showtraceback = lambda *args, **kwargs: None  # the inner run prints no traceback
    try:
        with capture_output(stdout=True, stderr=False, display=True) as captured:
            result = shell.run_cell(cell, store_history=False)
    finally:
        shell._showtraceback = saved
        _restore_names(shell.user_ns, names)
    display(HTML(folded_html(captured.stdout, [o.data for o in captured.outputs])))
    failure = result.error_before_exec or result.error_in_exec
    if failure is not None:
        said = (f"The solution did not run ({type(failure).__name__}: {failure}). Run the "
                "cells above it first, then this one.")
        try:
            failure._render_traceback_ = lambda: [said]
        except AttributeError:  # pragma: no cover - an exception type without attributes
            pass
        raise failure.with_traceback(None)


def _restore_names(namespace: dict, before: dict) -> None:
    """Make ``namespace`` bind exactly what ``before`` bound (object mutations are not undone)."""
    for name in [n for n in namespace if n not in before]:
        del namespace[name]
    for name, value in before.items():
        if namespace.get(name, _restore_names) is not value:
            namespace[name] = value


def register_magic() -> None:
    """Make ``%%solution`` available in the running IPython, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(solution_magic, "cell", "solution")


# ---------------------------------------------------------------------------- editions
def student_edition(nb):
    """A copy of an executed notebook without its solution cells (source and outputs)."""
    student = copy.deepcopy(nb)
    student.cells = [c for c in student.cells if not is_solution(c)]
    return student


def instructor_edition(nb):
    """A copy of an executed notebook with its solutions shown: unfolded, their output open."""
    teacher = copy.deepcopy(nb)
    for cell in teacher.cells:
        if not is_solution(cell):
            continue
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", [])
                                 if t not in {"hide-cell", "hide-input"}]
        cell.metadata.pop("jupyter", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = str(data["text/html"]).replace(
                    f"<details class='{DETAILS_CLASS}'>", f"<details class='{DETAILS_CLASS}' open>")
    return teacher


def _exporter(mathjax: str | None):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("hide-cell", "parameters")
    config.TagRemovePreprocessor.remove_input_tags = ("hide-input",)
    exporter = HTMLExporter(config=config)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    if mathjax:
        exporter.mathjax_url = mathjax
    return exporter


def _write(target: Path, text: str) -> Path:
    """Write ``text`` under a temporary name beside ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_text(target, text)


def _mathjax_url(target: Path, edition_folder: Path) -> str | None:
    """URL of an offline MathJax copy beside the course (``_mathjax`` of it or of its parent)."""
    for folder in (target.parent, target):
        entry = folder / "_mathjax" / "MathJax.js"
        if entry.is_file():
            relative = Path(os.path.relpath(entry, edition_folder)).as_posix()
            return f"{relative}?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    return None


def write_editions(notebook: Path, target: Path, workdir: Path, kernel=None,
                   env: dict | None = None) -> list[Path]:
    """Execute a course notebook and write ``target/{student,instructor}/<name>.html``.

    ``kernel`` (a :class:`achlab.notebook.kernels.NotebookKernel`) runs it in a shared kernel
    after a reset, in ``workdir`` and with ``env`` set; without, it runs in a kernel of its own
    (which inherits this process's environment).

    Raises
    ------
    papermill.PapermillExecutionError
        When a cell fails (a solution that does not pass its own check included).
    """
    import nbformat

    from achlab.notebook.kernels import run_notebook

    executed = workdir / notebook.name
    run_notebook(notebook, executed, workdir, kernel, env)
    nb = nbformat.read(executed, as_version=4)
    written = []
    for edition, make in (("student", student_edition), ("instructor", instructor_edition)):
        folder = target / edition
        body, _ = _exporter(_mathjax_url(target, folder)).from_notebook_node(make(nb))
        written.append(_write(folder / f"{notebook.stem}.html", body))
    return written
