"""Exercises on Heuer's eight steps of ACH, checked against the library.

Heuer's steps (Psychology of Intelligence Analysis, 1999, ch. 8):

1. identify the possible hypotheses;
2. list the significant evidence and arguments;
3. prepare a matrix and rate each item against each hypothesis;
4. refine the matrix: drop evidence that is not diagnostic, reconsider the hypotheses;
5. draw tentative conclusions by trying to disprove hypotheses;
6. analyse how sensitive the conclusion is to a few critical items;
7. report conclusions, with the relative likelihood of every hypothesis;
8. identify milestones for future observation.

Each question in :data:`QUESTIONS` works on the bundled case (``nk-troops-2024``) or the teaching
case (``cuba-missiles-1962``). The questions are data, in ``questions.yaml`` beside this module
(prompt, options, hints, explanation templates...). Numeric answers are computed by the library
when the question is checked, never typed in, so they follow the data: the functions doing it are
in :mod:`achlab.teaching.reference`, registered by question id. Use::

    from achlab.teaching import ask, check_answer, solution
    print(ask("linchpin-nk"))
    check_answer("linchpin-nk", 0.8)      # Feedback: .correct, .message
    solution("linchpin-nk")               # the reference answer

A probability may be answered as ``0.62``, ``"62 %"`` or ``62``.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import yaml

from achlab.model import Case, Hypothesis
from achlab.model.words import percent

RATING_ANSWERS = ("CC", "C", "N", "I", "II", "NA")
#: The kinds of question: a Heuer rating, a number, one of the options.
KINDS = ("rating", "number", "choice")
#: Fields a ``why`` template may use without an explanation in :mod:`achlab.teaching.reference`.
TEMPLATE_FIELDS = frozenset({"ref", "option"})
QUESTIONS_FILE = "questions.yaml"
#: The mark before a verdict: check and ballot X, which text fonts have (emoji fonts are not
#: everywhere: a page rendered without one shows an empty box).
MARKS = {True: "\u2713", False: "\u2717"}


class _Wording(string.Formatter):
    """``str.format`` that writes probabilities as every output does (:func:`percent`).

    ``{p:%}`` is ``percent(p)``, ``"45 %"``; ``{p:.1%}`` is ``percent(p, digits=1)``,
    ``"45.1 %"``. Any other field is formatted as ``str.format`` would.
    """

    def format_field(self, value, format_spec: str) -> str:
        if format_spec.endswith("%") and isinstance(value, (int, float)):
            digits = format_spec[1:-1] if format_spec.startswith(".") else ""
            return percent(value, digits=int(digits or 0))
        return super().format_field(value, format_spec)


WORDING = _Wording()


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a ``message`` explaining why."""

    question_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        head = "Correct." if self.correct else "Not quite."
        return f"[{self.question_id}] {head} {self.message}"

    def _repr_markdown_(self) -> str:
        mark = f"{MARKS[self.correct]} **{'Correct.' if self.correct else 'Not quite.'}**"
        return f"{mark} {self.message}\n\n<small>question `{self.question_id}`</small>"


@dataclass(frozen=True)
class Question:
    """One exercise, as read from ``questions.yaml``.

    Attributes
    ----------
    id : str
        Name used with :func:`check_answer` and :func:`solution`.
    step : int
        Heuer's step (1-8) it practises.
    case_id : str
        Case it is about.
    prompt : str
        The question.
    kind : {"rating", "number", "choice"}
        A Heuer rating, a number (``tolerance`` either side), or one of ``options``.
    why_template : str
        Why the reference answer is right, a :meth:`str.format` template (see :meth:`why`).
    options : dict
        Choice key -> text (``kind == "choice"``).
    answer : str, optional
        The reference answer when it is fixed; otherwise ``compute`` gives it.
    accepted_answers : frozenset
        Answers counted right besides the reference (defensible ratings).
    tolerance : float
        Allowed distance for a number.
    probability : bool
        The number is a probability: ``"62 %"`` and ``62`` are read as 0.62.
    params : dict
        Data the reference computation reads (items, hypotheses, votes, ratings).
    hints : dict
        Answer -> why that particular wrong answer is wrong.
    approach : str
        How to get to the answer, shown after a wrong answer (without giving it away).
    compute : callable, optional
        ``(question) -> answer``: the reference registered in :mod:`achlab.teaching.reference`.
    explain : callable, optional
        ``(question, ref) -> dict``: the fields of ``why_template`` besides ``ref``, ``option``.
    """

    id: str
    step: int
    case_id: str
    prompt: str
    kind: str
    why_template: str
    options: dict[str, str] = field(default_factory=dict)
    answer: Any = None
    accepted_answers: frozenset[str] = frozenset()
    tolerance: float = 0.0
    probability: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    approach: str = ""
    compute: Callable[[Question], Any] | None = field(default=None, repr=False)
    explain: Callable[[Question, Any], dict[str, Any]] | None = field(default=None, repr=False)

    def reference(self):
        """The reference answer, computed by the library when called (unless fixed)."""
        return self.answer if self.compute is None else self.compute(self)

    def why(self, ref) -> str:
        """Why ``ref`` is right: the template filled with ``ref``, its option text, and numbers."""
        values = self.explain(self, ref) if self.explain else {}
        option = self.options.get(ref) if isinstance(ref, str) else None
        return WORDING.format(self.why_template, ref=ref, option=option, **values)

    def accepted(self, ref) -> set:
        """Every answer counted right: the reference and ``accepted_answers``."""
        return set(self.accepted_answers) | {ref}

    def text(self) -> str:
        """The question as shown to a student, with its options."""
        lines = [f"[{self.id}] Step {self.step} ({STEPS[self.step]}), case {self.case_id}",
                 self.prompt]
        if self.kind == "choice":
            lines += [f"  {k}) {v}" for k, v in self.options.items()]
        elif self.kind == "rating":
            lines.append("  Answer with a rating: " + " ".join(RATING_ANSWERS))
        elif self.probability:
            pts = 100 * self.tolerance
            lines.append(f"  Answer with a probability (0.62, '62 %'), within "
                         f"{pts:g} point{'' if pts == 1 else 's'}.")
        else:
            lines.append("  Answer with a number." if self.tolerance == 0 else
                         f"  Answer with a number, within {self.tolerance:g}.")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        body = self.text().splitlines()
        return f"**{body[0]}**\n\n" + "\n".join(f"{line}  " for line in body[1:])


# ---------------------------------------------------------------------------- a tool for students
def unpacked_case(case: Case, hypothesis_id: str, parts: int = 2) -> Case:
    """The case with one hypothesis split into ``parts`` copies rated alike, uniform prior.

    Parameters
    ----------
    case : Case
    hypothesis_id : str
        The hypothesis to unpack (its copies are ``<id>-1``, ``<id>-2``, ...).
    parts : int
        Number of copies.

    Returns
    -------
    Case
    """
    names = [f"{hypothesis_id}-{n + 1}" for n in range(parts)]
    hyps: list[Hypothesis] = []
    for h in case.hypotheses:
        if h.id == hypothesis_id:
            hyps += [Hypothesis(n, f"{h.label} ({k + 1})", h.description)
                     for k, n in enumerate(names)]
        else:
            hyps.append(h)
    items = []
    for e in case.evidence:
        ratings = {k: v for k, v in e.ratings.items() if k != hypothesis_id}
        ratings.update({n: e.ratings.get(hypothesis_id, "NA") for n in names})
        items.append(replace(e, ratings=ratings))
    prior = {h.id: 1.0 / len(hyps) for h in hyps}
    return replace(case, hypotheses=tuple(hyps), evidence=tuple(items), prior=prior)


# ---------------------------------------------------------------------------- loading the questions
_REQUIRED = ("id", "step", "case", "kind", "prompt", "why", "approach")
_OPTIONAL = ("options", "answer", "accepted", "tolerance", "probability", "params", "hints")


def read_questions_file() -> dict[str, Any]:
    """``questions.yaml`` as stored in the package (``steps`` and ``questions``)."""
    text = resources.files(__package__).joinpath(QUESTIONS_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def template_fields(template: str) -> set[str]:
    """The names a :meth:`str.format` template uses: ``"{ref:.1%} of {items}"`` -> ref, items."""
    return {re.split(r"[.\[]", name, maxsplit=1)[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def data_problems(data: Mapping[str, Any], references: Mapping[str, Callable],
             explanations: Mapping[str, Callable]) -> list[str]:
    """What is wrong with the questions data and the registered computations (empty if nothing).

    Every question needs a reference in ``references`` unless it has a fixed ``answer``, and an
    explanation in ``explanations`` if its ``why`` template uses fields besides ``ref`` and
    ``option``; every reference and explanation must name a question that needs it.
    """
    steps = data.get("steps") or {}
    entries = data.get("questions") or []
    found: list[str] = []
    seen: set[str] = set()
    for n, q in enumerate(entries):
        qid = q.get("id", f"#{n + 1}")
        where = f"question {qid!r}"
        found += [f"{where}: no {k!r}" for k in _REQUIRED if k not in q]
        found += [f"{where}: unknown field {k!r}" for k in q if k not in _REQUIRED + _OPTIONAL]
        if qid in seen:
            found.append(f"{where}: duplicate id")
        seen.add(qid)
        if q.get("step") not in steps:
            found.append(f"{where}: step {q.get('step')!r} is not one of {sorted(steps)}")
        kind = q.get("kind")
        if kind not in KINDS:
            found.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        options = {str(k) for k in q.get("options") or {}}
        if (kind == "choice") != bool(options):
            found.append(f"{where}: options are for choice questions, and only for them")
        if kind in ("choice", "rating"):
            possible = options if kind == "choice" else set(RATING_ANSWERS)
            named = ({str(a) for a in q.get("accepted") or ()}
                     | {str(a) for a in q.get("hints") or {}}
                     | ({str(q["answer"])} if "answer" in q else set()))
            found += [f"{where}: {a!r} is not a possible answer"
                      for a in sorted(named - possible)]
        has_ref = qid in references
        if "answer" in q and has_ref:
            found.append(f"{where}: a fixed answer and a reference in reference.py")
        elif "answer" not in q and not has_ref:
            found.append(f"{where}: no answer and no reference in reference.py")
        needs_explanation = bool(template_fields(str(q.get("why", ""))) - TEMPLATE_FIELDS)
        if needs_explanation and qid not in explanations:
            found.append(f"{where}: its why uses "
                         f"{sorted(template_fields(q['why']) - TEMPLATE_FIELDS)} but reference.py "
                         "has no explanation for it")
        elif qid in explanations and not needs_explanation:
            found.append(f"{where}: an explanation in reference.py, but its why uses no field "
                         "it gives")
    found += [f"reference {qid!r} in reference.py names no question" for qid in references
              if qid not in seen]
    found += [f"explanation {qid!r} in reference.py names no question" for qid in explanations
              if qid not in seen]
    return found


def _build_question(entry: Mapping[str, Any], references: Mapping[str, Callable],
              explanations: Mapping[str, Callable]) -> Question:
    return Question(
        id=entry["id"], step=int(entry["step"]), case_id=entry["case"], prompt=entry["prompt"],
        kind=entry["kind"], why_template=entry["why"],
        options={str(k): str(v) for k, v in (entry.get("options") or {}).items()},
        answer=entry.get("answer"),
        accepted_answers=frozenset(str(a) for a in entry.get("accepted") or ()),
        tolerance=float(entry.get("tolerance", 0.0)),
        probability=bool(entry.get("probability", False)),
        params=dict(entry.get("params") or {}),
        hints={str(k): str(v) for k, v in (entry.get("hints") or {}).items()},
        approach=entry["approach"],
        compute=references.get(entry["id"]), explain=explanations.get(entry["id"]))


def load_questions(data: Mapping[str, Any] | None = None,
                   references: Mapping[str, Callable] | None = None,
                   explanations: Mapping[str, Callable] | None = None,
                   ) -> tuple[dict[int, str], dict[str, Question]]:
    """Heuer's steps and the questions, each joined to its computations.

    Parameters
    ----------
    data : mapping, optional
        ``steps`` and ``questions`` (default: ``questions.yaml``).
    references, explanations : mapping, optional
        Question id -> function (default: those of :mod:`achlab.teaching.reference`).

    Returns
    -------
    (dict, dict)
        Step number -> short name, and question id -> :class:`Question` in file order.

    Raises
    ------
    ValueError
        Listing every :func:`data_problems` of the data.
    """
    from achlab.teaching import reference

    data = read_questions_file() if data is None else data
    references = reference.REFERENCES if references is None else references
    explanations = reference.EXPLANATIONS if explanations is None else explanations
    found = data_problems(data, references, explanations)
    if found:
        raise ValueError("the teaching questions are inconsistent:\n  " + "\n  ".join(found))
    steps = {int(k): str(v) for k, v in data["steps"].items()}
    return steps, {q["id"]: _build_question(q, references, explanations) for q in data["questions"]}


#: Heuer's eight steps, short names; and every question by id, in the order of the course.
STEPS: dict[int, str]
QUESTIONS: dict[str, Question]
STEPS, QUESTIONS = load_questions()


# ---------------------------------------------------------------------------- the interface
def questions(step: int | None = None, case_id: str | None = None) -> list[Question]:
    """Registered questions, optionally only one Heuer step or one case."""
    return [q for q in QUESTIONS.values()
            if (step is None or q.step == step) and (case_id is None or q.case_id == case_id)]


def _question_by_id(question_id: str) -> Question:
    try:
        return QUESTIONS[question_id]
    except KeyError:
        raise KeyError(f"no question {question_id!r}; questions: "
                       f"{', '.join(QUESTIONS)}") from None


def ask(question_id: str) -> str:
    """The text of a question, with its options."""
    return _question_by_id(question_id).text()


def solution(question_id: str):
    """The reference answer of a question (computed by the library where numeric).

    Returns
    -------
    str or float
        A rating, an option key (``"a"``...) or a number (a probability for weights).
    """
    return _question_by_id(question_id).reference()


def _read_number(answer, probability: bool) -> float | None:
    if isinstance(answer, bool):
        return None
    text = str(answer).strip()
    pct = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip()) if isinstance(answer, str) else float(answer)
    except (TypeError, ValueError):
        return None
    if math.isnan(value):
        return None
    if probability and (pct or 1.0 < value <= 100.0):
        value /= 100.0
    return value


def check_answer(question_id: str, answer) -> Feedback:
    """Check an answer and explain why it is right or wrong.

    Parameters
    ----------
    question_id : str
        A key of :data:`QUESTIONS` (see :func:`questions`).
    answer : str or float
        A rating (``"C"``), an option key or its text, or a number (``0.62``, ``"62 %"``).

    Returns
    -------
    Feedback
        ``.correct`` and ``.message``.

    Raises
    ------
    KeyError
        For an unknown question id (the message lists the known ones).
    """
    q = _question_by_id(question_id)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return Feedback(q.id, False, "No answer yet: set `answer` above and run the cell again."
                        f"\n\n{q.text()}")
    ref = q.reference()
    why = q.why(ref)
    tail = f" (solution('{q.id}') shows the reference answer.)"
    if q.kind == "number":
        value = _read_number(answer, q.probability)
        if value is None:
            return Feedback(q.id, False, f"{answer!r} is not a number.{tail}")
        if abs(value - ref) <= q.tolerance + 1e-12:
            return Feedback(q.id, True, why)
        direction = "high" if value > ref else "low"
        shown = percent(value, digits=1) if q.probability else f"{value:g}"
        return Feedback(q.id, False, f"{shown} is too {direction}. {q.approach}{tail}")
    text = str(answer).strip()
    if q.kind == "rating":
        given = text.upper()
        if given not in RATING_ANSWERS:
            return Feedback(q.id, False, f"{answer!r} is not a rating; answer one of "
                            f"{' '.join(RATING_ANSWERS)}.")
    else:
        by_text = {v.lower(): k for k, v in q.options.items()}
        given = text.lower() if text.lower() in q.options else by_text.get(text.lower())
        if given is None:
            return Feedback(q.id, False, f"{answer!r} is not one of the options "
                            f"({', '.join(q.options)}).")
    if given in q.accepted(ref):
        return Feedback(q.id, True, why)
    hint = q.hints.get(given) or q.approach
    return Feedback(q.id, False, f"{hint}{tail}")


def _register_solution_magic() -> None:
    """``%%solution`` in a notebook that imports the course (:mod:`achlab.teaching.editions`)."""
    from achlab.teaching.editions import register_magic

    register_magic()


_register_solution_magic()
