"""The teaching course in ``notebooks/teaching/``: exercises, hidden solutions, and that it runs.

Each course notebook follows one or two of Heuer's eight steps. An *exercise* is a code cell in
which the student writes ``answer = None  # your answer`` and calls
``check_answer("question-id", answer)``; the cell right after it is the *solution*: tagged
``hide-cell`` (or ``hide-input``) so that JupyterLab collapses it and the HTML export leaves it
out, setting the reference answer and asserting ``check_answer("question-id", answer).correct``.

Fast checks read the committed notebooks: no outputs, every exercise followed by its hidden
solution, only question ids that :data:`achlab.teaching.QUESTIONS` knows, the course covering the
eight steps in order, and an HTML export (``TagRemovePreprocessor``) without the solutions.

The slow checks execute every course notebook once per test session with papermill (kernel
``python3``, a temporary working folder and ``ACHLAB_OUT``): executing a notebook runs each
student cell with its placeholder answer (which must give feedback, not fail) and each hidden
solution cell (which asserts that it passes its own check).
"""

from __future__ import annotations

import ast
import html
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

from achlab import paths
from achlab.teaching import QUESTIONS, STEPS, Feedback, check_answer, solution
from achlab.teaching.editions import solution_body
from tests.helpers import once_per_session

TEACHING_DIR = paths.notebooks_dir() / "teaching"
NOTEBOOKS = sorted(TEACHING_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
#: Tags that hide a solution: ``hide-cell`` hides input and output, ``hide-input`` the input.
HIDE_TAGS = {"hide-cell", "hide-input"}
#: A question id passed to one of the teaching functions: ``check_answer("linchpin-nk", ...)``.
QUESTION_CALL = re.compile(r"""\b(check_answer|ask|solution)\(\s*["']([^"']+)["']""")
SOLUTION_MARK = "assert check_answer("


# ---------------------------------------------------------------------------- reading
def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_hidden(cell) -> bool:
    return cell.cell_type == "code" and bool(tags(cell) & HIDE_TAGS)


def question_ids(source: str, function: str = "check_answer") -> list[str]:
    return [qid for name, qid in QUESTION_CALL.findall(source) if name == function]


class Exercise(NamedTuple):
    """One exercise cell, the question it checks, and the cell after it (None at the end)."""

    index: int
    question_id: str
    cell: nbformat.NotebookNode
    following: nbformat.NotebookNode | None


def exercises(nb) -> list[Exercise]:
    """Student cells: visible code cells calling ``check_answer``, with the cell after each."""
    found = []
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_hidden(cell) or "check_answer(" not in cell.source:
            continue
        ids = question_ids(cell.source)
        assert len(ids) == 1, f"cell {n} should check exactly one question, found {ids}"
        following = nb.cells[n + 1] if n + 1 < len(nb.cells) else None
        found.append(Exercise(n, ids[0], cell, following))
    return found


def placeholder(source: str):
    """The value the student cell first gives ``answer`` (a literal), or a marker if none."""
    for stmt in ast.parse(source).body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == "answer"):
            return ast.literal_eval(stmt.value)
    return "<answer is not assigned>"


def words(text: str) -> str:
    """Text reduced to lower-case words, so that HTML markup and highlighting do not matter."""
    return " ".join(re.findall(r"\w+", text.lower()))


def html_text(page: str) -> str:
    """The visible words of an HTML page (tags dropped, entities decoded)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return words(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def export_html(nb) -> str:
    """The HTML export a teacher hands out: solution inputs and hidden cells removed."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter()
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"hide-input"},
                                                         remove_cell_tags={"hide-cell"},
                                                         enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


# ---------------------------------------------------------------------------- the course
def test_the_course_has_four_to_eight_notebooks():
    assert 4 <= len(NOTEBOOKS) <= 8, [p.name for p in NOTEBOOKS]


def test_the_course_follows_heuers_eight_steps_in_order():
    steps = []
    for path in NOTEBOOKS:
        nb_steps = [QUESTIONS[e.question_id].step for e in exercises(read(path))]
        assert nb_steps, f"{path.name} has no exercise"
        steps.append((path.name, min(nb_steps), max(nb_steps)))
    for (a, _, a_max), (b, b_min, _) in zip(steps, steps[1:], strict=False):
        assert a_max <= b_min, f"{b} practises an earlier step than {a}"
    covered = {QUESTIONS[e.question_id].step for p in NOTEBOOKS for e in exercises(read(p))}
    assert covered == set(STEPS), f"steps without an exercise: {sorted(set(STEPS) - covered)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_teaching_notebook_has_no_outputs(path):
    for n, cell in enumerate(read(path).cells):
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"cell {n} is committed with outputs"
            assert cell.get("execution_count") is None, f"cell {n} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_is_followed_by_its_hidden_solution(path):
    nb = read(path)
    found = exercises(nb)
    assert found, "no exercise in this notebook"
    for ex in found:
        where = f"exercise '{ex.question_id}' (cell {ex.index})"
        assert placeholder(ex.cell.source) is None, (
            f"{where}: the student cell must start from `answer = None  # your answer`")
        sol = ex.following
        assert sol is not None and sol.cell_type == "code", f"{where}: no code cell after it"
        assert tags(sol) & HIDE_TAGS, f"{where}: the next cell is not tagged hide-cell/hide-input"
        assert SOLUTION_MARK in sol.source, f"{where}: the solution does not `{SOLUTION_MARK}`"
        assert question_ids(sol.source) and set(question_ids(sol.source)) == {ex.question_id}, (
            f"{where}: the solution checks {question_ids(sol.source)}")
        assert sol.metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{where}: the solution's source is not collapsed in JupyterLab")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_hidden_solution_belongs_to_an_exercise(path):
    nb = read(path)
    after = {ex.index + 1 for ex in exercises(nb)}
    for n, cell in enumerate(nb.cells):
        if SOLUTION_MARK in cell.source:
            assert n in after, f"cell {n} asserts a check but does not follow an exercise"
            assert is_hidden(cell), f"cell {n} asserts a check but is not hidden"


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell assigns or imports, names it reads)."""
    stored, loaded = set(), set()
    for node in ast.walk(ast.parse(solution_body(source))):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, ast.alias):
            stored.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            stored.add(node.name)
    return stored, loaded


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_visible_cells_do_not_need_a_solution_to_have_run(path):
    """A student who never opens a solution can still run every other cell."""
    visible: set[str] = set()
    only_in_solutions: set[str] = set()
    for n, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        stored, loaded = _names(cell.source)
        if is_hidden(cell):
            only_in_solutions |= stored - visible
            continue
        needed = (loaded - stored) & (only_in_solutions - visible)
        assert not needed, f"cell {n} uses {sorted(needed)}, set only in a hidden solution"
        visible |= stored


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_question_ids_exist(path):
    used = [qid for cell in read(path).cells if cell.cell_type == "code"
            for _, qid in QUESTION_CALL.findall(cell.source)]
    assert used
    unknown = sorted(set(used) - set(QUESTIONS))
    assert not unknown, f"unknown question ids {unknown}; known: {', '.join(QUESTIONS)}"


def test_a_placeholder_answer_gets_feedback_not_an_error():
    used = {e.question_id for p in NOTEBOOKS for e in exercises(read(p))}
    for qid in sorted(used):
        feedback = check_answer(qid, None)
        assert isinstance(feedback, Feedback) and not feedback.correct, qid
        assert feedback.message, qid


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_html_export_leaves_the_solutions_out(path):
    nb = read(path)
    text = html_text(export_html(nb))
    found = exercises(nb)
    for ex in found:  # the check can see code: the student cells are there
        assert words(ex.cell.source) in text, f"exercise cell {ex.index} missing from the HTML"
    for n, cell in enumerate(nb.cells):
        if is_hidden(cell):
            assert words(cell.source) not in text, f"solution cell {n} is in the HTML"
    assert words(SOLUTION_MARK) not in text


# ---------------------------------------------------------------------------- executed
class Executed(NamedTuple):
    """What the session's run produced (picklable, to share it between xdist workers)."""

    out: Path
    failures: dict[str, str]  # notebook name -> error


def _execute(path: Path, out: Path, cwd: Path) -> str | None:
    import papermill as pm

    try:
        pm.execute_notebook(str(path), str(out / path.name), kernel_name="python3",
                            cwd=str(cwd), progress_bar=False)
    except Exception as exc:  # report every notebook, not just the first failure
        return f"{type(exc).__name__}: {str(exc)[-3000:]}"
    return None


def _run_course(base: Path) -> Executed:
    out, cwd, achlab_out = base / "executed", base / "cwd", base / "achlab-out"
    for folder in (out, cwd, achlab_out):
        folder.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get("ACHLAB_OUT")
    os.environ["ACHLAB_OUT"] = str(achlab_out)  # the kernels inherit it
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            errors = list(pool.map(lambda p: _execute(p, out, cwd), NOTEBOOKS))
    finally:
        if saved is None:
            os.environ.pop("ACHLAB_OUT", None)
        else:
            os.environ["ACHLAB_OUT"] = saved
    return Executed(out, {p.name: e for p, e in zip(NOTEBOOKS, errors, strict=True) if e})


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> Executed:
    """Every course notebook executed once per session, two at a time.

    Under pytest-xdist the first worker runs them and the others reuse the result
    (``tests.helpers.once_per_session``).
    """
    return once_per_session(tmp_path_factory, "teaching-run", _run_course)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_teaching_notebook_runs_and_every_solution_passes_its_check(executed, path):
    assert path.name not in executed.failures, executed.failures[path.name]
    nb = read(executed.out / path.name)
    for ex in exercises(nb):  # the student cell ran with its placeholder and gave feedback
        shown = [o for o in ex.cell.get("outputs", []) if o.output_type == "execute_result"]
        assert shown, f"exercise '{ex.question_id}' shows no feedback"
        assert "Not quite" in shown[0]["data"].get("text/markdown", "")
        assert not any(o.output_type == "error" for o in ex.following.get("outputs", []))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_html_export_of_an_executed_notebook_shows_no_solution(executed, path):
    if path.name in executed.failures:
        pytest.skip("did not run")
    nb = read(executed.out / path.name)
    text = html_text(export_html(nb))
    for ex in exercises(nb):
        sol = ex.following
        assert words(sol.source) not in text
        if "hide-cell" in tags(sol):  # its output, the explanation of the answer, is gone too
            why = check_answer(ex.question_id, solution(ex.question_id)).message
            assert words(why)[:120] not in text, f"the solution of '{ex.question_id}' shows"
