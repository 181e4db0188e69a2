"""Optional parts of a case that some notebooks need: a note instead of an error when missing.

A case needs only ``case.yaml``, ``sources.csv`` and ``evidence.csv``. Notebook 06 also needs the
case's ``resolution``, notebook 07 its ``analysts/`` folder, and the indicator tables its
``indicators.csv``. :func:`require` checks one of them; when it is missing it shows a short note
saying what to add and the notebook's later code cells are skipped (they run as ``pass``), so the
notebook finishes without an error. A cell that calls :func:`require` always runs, so re-running
it after adding the file lifts the skipping.
"""

from __future__ import annotations

from pathlib import Path

from achlab.load.analysts import ANALYSTS_FOLDER
from achlab.load.case import case_dir
from achlab.model import Case

#: What each optional part is for and what to add, by name.
NEEDS = {
    "resolution": (
        "This case has no `resolution`, so there is nothing to replay the judgement against. "
        "When the question is settled, add to `case.yaml`:\n\n"
        "```yaml\nresolution:\n  hypothesis: {first}\n  date: \"YYYY-MM-DD\"\n"
        "  note: What showed it.\n```"),
    "analysts": (
        "This case has no analysts' ratings (`analysts/*.csv` in its folder). To compare a "
        "team's ratings, add one file per analyst, e.g. `analysts/alice.csv`, with the "
        "columns `evidence_id,{columns}` and a rating (`CC C N I II NA`) in the cells each "
        "analyst rated."),
    "indicators": (
        "This case has no `indicators.csv`, so there are no future observations to weigh. Add "
        "one with the columns `indicator_id,event,source_id,{columns},notes`, a row per "
        "observation that would change the answer."),
}
#: Text that marks a cell as one to run even while later cells are skipped.
ALWAYS_RUN = "require("


def missing(case: Case, need: str, data_dir: Path | None = None) -> str | None:
    """The note for ``need`` when the case lacks it, else None.

    Parameters
    ----------
    case : Case
    need : str
        ``"resolution"``, ``"analysts"`` or ``"indicators"``.
    data_dir : Path, optional
        The data folder (default: the project's).

    Returns
    -------
    str or None
        Markdown saying what to add.
    """
    folder = case_dir(case.id, data_dir)
    present = {
        "resolution": lambda: bool(case.resolution),
        "analysts": lambda: any((folder / ANALYSTS_FOLDER).glob("*.csv")),
        "indicators": lambda: (folder / "indicators.csv").is_file(),
    }[need]()
    if present:
        return None
    return NEEDS[need].format(first=case.hypothesis_ids[0],
                              columns=",".join(case.hypothesis_ids))


def _skip_cell(lines: list[str]) -> list[str]:
    """IPython input transformer: a later cell runs as ``pass`` (cells calling require run)."""
    if any(ALWAYS_RUN in line for line in lines):
        return lines
    return ["pass\n"]


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook packages
        return None
    return get_ipython()


def _skipping(shell, on: bool) -> None:
    transformers = shell.input_transformers_post
    while _skip_cell in transformers:
        transformers.remove(_skip_cell)
    if on:
        transformers.append(_skip_cell)


def require(case: Case, need: str, data_dir: Path | None = None) -> bool:
    """Go on when the case has ``need``; otherwise show what to add and skip the later cells.

    Parameters
    ----------
    case : Case
    need : str
        ``"resolution"``, ``"analysts"`` or ``"indicators"``.
    data_dir : Path, optional
        The data folder (default: the project's).

    Returns
    -------
    bool
        True when the case has it.
    """
    note = missing(case, need, data_dir)
    shell = _shell()
    if shell is not None:
        _skipping(shell, on=note is not None)
    if note is None:
        return True
    text = f"**Nothing more to show for {case.id}.** {note}"
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:  # pragma: no cover
        print(text)
    return False
