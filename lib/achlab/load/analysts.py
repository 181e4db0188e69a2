"""Per-analyst rating files: ``data/<case>/analysts/<name>.csv`` to a mapping, located errors.

Each file holds one analyst's ratings of some of the case's evidence items, in the columns of
the ratings part of ``evidence.csv``: ``evidence_id`` and then one column per hypothesis id::

    evidence_id,combat,technical,none
    E04,C,I,II
    E20,NA,NA,NA

A cell holds a Heuer rating (``CC C N I II``, any case) or ``NA`` (a vote that the item does not
apply). An empty cell means the analyst did not rate that cell: it is not a vote, and the case's own
rating stays in that analyst's weights. Not every hypothesis column is required; an analyst may
rate only some. The analyst's name is the file name without ``.csv``.

The result is the mapping every consensus engine takes::

    {analyst: {evidence_id: {hypothesis_id: rating}}}

Every problem in every file is reported together, as ``path:line: field: message``, in one
:class:`~achlab.model.InputError`. Files are only ever opened for reading.
"""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.load.case import case_dir, load_case
from achlab.load.csvfile import Collector, hypothesis_hint, read_csv
from achlab.load.parse import ID_PATTERN
from achlab.model import Case, InputError, Problem
from achlab.model.scales import NOT_APPLICABLE, RATINGS

#: The values an analyst may give a cell (numbers are not allowed: consensus needs ratings).
ANALYST_RATINGS = (*RATINGS, NOT_APPLICABLE)
#: Folder, inside a case folder, holding the analysts' files.
ANALYSTS_FOLDER = "analysts"

#: ``{analyst: {evidence_id: {hypothesis_id: rating}}}``
AnalystRatings = dict[str, dict[str, dict[str, str]]]


def analysts_dir(case_id: str, data_dir: Path | None = None) -> Path:
    """The analysts folder of a case id: ``<data>/<case_id>/analysts``."""
    return case_dir(case_id, data_dir) / ANALYSTS_FOLDER


def read_analyst_file(path: str | Path, case: Case) -> dict[str, dict[str, str]]:
    """One analyst's ratings from one CSV file, checked against ``case``.

    Parameters
    ----------
    path : str or Path
        The analyst's CSV file.
    case : Case
        The case whose evidence ids and hypothesis ids the file must use.

    Returns
    -------
    dict
        ``{evidence_id: {hypothesis_id: rating}}`` with ratings upper-cased; empty cells left out.

    Raises
    ------
    InputError
        With every problem in the file, each located as ``path:line: field: message``.
    """
    problems: list[Problem] = []
    ratings = _read(Path(path), case, problems)
    if problems:
        raise InputError(problems)
    return ratings


def load_analysts(case: Case | str | Path, data_dir: Path | None = None,
                  folder: str | Path | None = None) -> AnalystRatings:
    """Every analyst's ratings of a case, from ``data/<case>/analysts/*.csv``.

    Parameters
    ----------
    case : Case, str or Path
        A loaded case, a case id (looked up in ``data_dir``) or a case folder. A case id or folder
        is loaded (and validated) first. For a loaded case (a scenario may cut items), ids are
        checked against the whole case and only the items the given case holds are returned.
    data_dir : Path, optional
        The data folder (default: the project's ``data/``).
    folder : str or Path, optional
        Another folder of analyst files (default: the case folder's ``analysts/``).

    Returns
    -------
    dict
        ``{analyst: {evidence_id: {hypothesis_id: rating}}}``, analysts sorted by name.

    Raises
    ------
    InputError
        If the case is invalid, the folder is missing or holds no ``.csv`` file, or any file has
        problems (all of them reported, located).
    """
    keep = None
    if isinstance(case, Case):
        base = case_dir(case.id, data_dir)
        # Check ids against the whole case, so that an item after a scenario's cut-off is not
        # reported as unknown; then keep only the items this case holds.
        loaded = load_case(base) if (base / "case.yaml").is_file() else case
        keep = {e.id for e in case.evidence}
    else:
        given = Path(case)
        base = given if given.is_dir() else case_dir(str(case), data_dir)
        loaded = load_case(base)
    where = Path(folder) if folder is not None else base / ANALYSTS_FOLDER
    shown = paths.display_path(where)
    if not where.is_dir():
        raise InputError([Problem(shown, 1, "analysts",
                                  f"no analysts folder for case {loaded.id!r} (expected "
                                  f"one CSV file per analyst in {shown})")])
    files = sorted(p for p in where.glob("*.csv") if p.is_file())
    if not files:
        raise InputError([Problem(shown, 1, "analysts",
                                  "no analyst file (*.csv) in the folder")])
    problems: list[Problem] = []
    out: AnalystRatings = {}
    for path in files:
        name = path.stem
        if not ID_PATTERN.match(name):
            problems.append(Problem(paths.display_path(path), 1, "file",
                                    f"{name!r} is not a valid analyst name "
                                    "(letters, digits, - _ .)"))
            continue
        out[name] = _read(path, loaded, problems)
    if problems:
        raise InputError(problems)
    if keep is not None:
        out = {name: {eid: cells for eid, cells in ratings.items() if eid in keep}
               for name, ratings in out.items()}
    return out


def _read(path: Path, case: Case, problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Parse one file, appending problems; returns what could be read."""
    col = Collector(paths.display_path(path))
    ratings = _parse(path, case, col)
    problems += col.problems
    return ratings


def _parse(path: Path, case: Case, col: Collector) -> dict[str, dict[str, str]]:
    """Read one file through :func:`~achlab.load.csvfile.read_csv` and check its columns."""
    hyp_ids = case.hypothesis_ids
    header, rows = read_csv(path, col.shown, (), col, optional=("evidence_id", *hyp_ids),
                            hint=hypothesis_hint(hyp_ids))
    if not header and any(p.line == 1 for p in col.problems):
        return {}  # not found, unreadable or empty: read_csv said so
    if "evidence_id" not in header:
        col.add(1, "header", "missing column evidence_id")
        return {}
    if not any(h in hyp_ids for h in header):
        col.add(1, "header", f"no hypothesis column (give one or more of {', '.join(hyp_ids)})")
    return _ratings(rows, case, col)


def _ratings(rows, case: Case, col: Collector) -> dict[str, dict[str, str]]:
    """``{evidence_id: {hypothesis_id: rating}}`` from the rows of one file."""
    add = col.add
    hyp_ids = case.hypothesis_ids
    known_items = {e.id for e in case.evidence}
    out: dict[str, dict[str, str]] = {}
    seen_lines: dict[str, int] = {}
    for line, row in rows:
        eid = row["evidence_id"]
        if not eid:
            add(line, "evidence_id", "is empty")
            continue
        if eid not in known_items:
            add(line, "evidence_id", f"unknown evidence item {eid!r} (not in the case "
                f"{case.id!r})")
            continue
        if eid in seen_lines:
            add(line, "evidence_id", f"duplicate row for {eid!r} (first on line "
                f"{seen_lines[eid]})")
            continue
        seen_lines[eid] = line
        cells: dict[str, str] = {}
        for h in hyp_ids:
            raw = row.get(h, "")
            if raw == "":
                continue
            rating = raw.upper()
            if rating not in ANALYST_RATINGS:
                add(line, h, f"{raw!r} is not a rating ({' '.join(ANALYST_RATINGS)}); leave the "
                    "cell empty if you did not rate it")
                continue
            cells[h] = rating
        if cells:
            out[eid] = cells
    return out
