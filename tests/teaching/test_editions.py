"""Solutions stay folded, and the course's two editions: the student's without the solutions.

Fast checks read the committed course and run the ``%%solution`` magic in an in-process IPython;
the slow check executes one course notebook with ``achlab course`` and reads both editions.
"""

from __future__ import annotations

import re

import pytest

from achlab import cli
from achlab.notebook import pipeline
from achlab.teaching import editions

from .test_teaching_notebooks import IDS, NOTEBOOKS, html_text, is_hidden, read, words


def _solutions(nb) -> list:
    return [c for c in nb.cells if editions.is_solution(c)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_solution_is_folded_and_its_first_line_gives_nothing_away(path):
    nb = read(path)
    hidden = [c for c in nb.cells if is_hidden(c)]
    assert hidden and hidden == _solutions(nb)
    for cell in hidden:
        assert cell.source.splitlines()[0] == editions.SOLUTION_MAGIC, cell.source[:80]
        assert "solution" in cell.metadata["tags"]
        folded = cell.metadata.get("jupyter", {})
        assert folded.get("source_hidden") is True and folded.get("outputs_hidden") is True


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    editions.register_magic()
    yield ip
    InteractiveShell.clear_instance()


def test_the_solution_magic_shows_its_output_only_inside_a_closed_details(shell):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell("%%solution\nprint('the secret answer')\n6 * 7")
    assert result.success
    assert "the secret answer" not in captured.stdout  # nothing printed outside the fold
    shown = [o.data["text/html"] for o in captured.outputs if "text/html" in o.data]
    assert len(shown) == 1
    assert re.match(r"<details class='achlab-solution'><summary>", shown[0]), shown[0][:80]
    assert "the secret answer" in shown[0] and "42" in shown[0]
    assert " open" not in shown[0].split(">", 1)[0]


def test_a_solution_leaves_no_name_behind_for_the_students_next_cells(shell):
    from IPython.utils.capture import capture_output

    shell.run_cell("answer = 'mine'\nkept = 1")
    with capture_output():
        result = shell.run_cell("%%solution\nanswer = 'the reference'\nhelper = 2\ndel kept")
    assert result.success
    assert shell.user_ns["answer"] == "mine" and shell.user_ns["kept"] == 1
    assert "helper" not in shell.user_ns


def test_a_solution_that_fails_its_check_still_fails(shell):
    from IPython.utils.capture import capture_output

    with capture_output():
        result = shell.run_cell("%%solution\nassert 1 == 2, 'wrong reference answer'")
    assert isinstance(result.error_in_exec, AssertionError)


def test_a_failing_solution_names_its_error_without_quoting_the_solution(shell):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell("%%solution\nanswer = 'the secret answer'\nitems['E13']")
    assert isinstance(result.error_in_exec, NameError)
    shown = captured.stdout + captured.stderr
    assert "The solution did not run (NameError" in shown
    assert "the secret answer" not in shown


def test_the_student_edition_drops_solution_cells_and_the_instructor_edition_opens_them():
    nb = read(NOTEBOOKS[0])
    student, teacher = editions.student_edition(nb), editions.instructor_edition(nb)
    assert not _solutions(student) and len(student.cells) == len(nb.cells) - len(_solutions(nb))
    shown = [c for c in teacher.cells if c.source.startswith(editions.SOLUTION_MAGIC)]
    assert len(shown) == len(_solutions(nb))
    assert all(not is_hidden(c) and "jupyter" not in c.metadata for c in shown)


# ---------------------------------------------------------------------------- executed
def _folded_text(page: str) -> list[str]:
    """The words inside every solution's ``<details>`` of an HTML edition."""
    blocks = re.findall(r"<details class=\"achlab-solution\"[^>]*>(.*?)</details>", page, re.S)
    return [html_text(b).replace(words(editions.SUMMARY), "").strip() for b in blocks]


@pytest.mark.slow
def test_achlab_course_writes_a_student_edition_without_solutions(tmp_path, monkeypatch, capsys):
    shortest = min(NOTEBOOKS, key=lambda p: len(_solutions(read(p))) or 99)
    monkeypatch.setattr(pipeline, "course_notebooks", lambda: [shortest])
    # The library is hashed too; fixed here so that an edit elsewhere during the test is no change.
    monkeypatch.setattr(pipeline, "library_fingerprint", lambda: "library as tested")
    target = tmp_path / "course"
    assert cli.main(["course", "--out", str(target)]) == 0
    assert "student edition: 1 notebooks" in capsys.readouterr().out
    student = (target / "student" / f"{shortest.stem}.html").read_text(encoding="utf-8")
    teacher = (target / "instructor" / f"{shortest.stem}.html").read_text(encoding="utf-8")
    student_words, teacher_words = html_text(student), html_text(teacher)
    outputs = _folded_text(teacher)
    solutions = _solutions(read(shortest))
    assert len(outputs) == len(solutions) and all(outputs)
    for cell, output in zip(solutions, outputs, strict=True):
        body = words(editions.solution_body(cell.source))
        assert body in teacher_words, "the instructor edition lacks a solution"
        assert body not in student_words, "the student edition shows a solution's source"
        assert output not in student_words, "the student edition shows a solution's output"
    assert "achlab-solution" not in student
    # Each exercise (the cell before a solution) is in the student edition.
    nb = read(shortest)
    for n, cell in enumerate(nb.cells[1:], start=1):
        if editions.is_solution(cell):
            assert words(nb.cells[n - 1].source) in student_words
    # Unchanged inputs: a second call rewrites nothing.
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*.html")}
    assert cli.main(["course", "--out", str(target)]) == 0
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*.html")} == before


def test_course_refuses_an_output_folder_inside_the_data_folder(capsys):
    from achlab import paths

    target = paths.data_dir() / "course-out"
    assert cli.main(["course", "--out", str(target)]) == 2
    assert "command line:1: --out:" in capsys.readouterr().err
    assert not target.exists()


