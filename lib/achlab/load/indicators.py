"""Reading a case's ``indicators.csv``: candidate future observations, for value of information.

``data/<case-id>/indicators.csv`` has the columns ``indicator_id, event, source_id``, then one
column per hypothesis id holding a rating (``CC C N I II NA``) or a number in [0, 1] — the
likelihood of the event under that hypothesis, as for evidence — and an optional ``notes``.
``source_id`` names the source that would report the event (its reliability and motive apply
like any report). Problems are reported as ``path:line: field: message`` in one
:class:`~achlab.model.InputError`, like :mod:`achlab.load`. Files are only opened for reading.
"""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.load.case import case_dir
from achlab.load.csvfile import Collector, hypothesis_hint, read_csv
from achlab.load.parse import check_id, parse_rating
from achlab.model import Case, Indicator, InputError
from achlab.model.scales import NOT_APPLICABLE

INDICATOR_COLUMNS = ("indicator_id", "event", "source_id")
OPTIONAL_COLUMNS = ("notes",)
FILE_NAME = "indicators.csv"




def indicators_path(case: Case, data_dir: Path | None = None) -> Path:
    """Where the indicators of ``case`` live: ``data/<case-id>/indicators.csv``."""
    return case_dir(case.id, data_dir) / FILE_NAME


def load_indicators(case: Case, path: str | Path | None = None,
                    data_dir: Path | None = None) -> tuple[Indicator, ...]:
    """Read and validate the indicators of a case.

    Parameters
    ----------
    case : Case
        The case they belong to: its hypotheses, sources and rating scale check the file.
    path : str or Path, optional
        The CSV file (default ``data/<case-id>/indicators.csv`` under ``data_dir``).
    data_dir : Path, optional
        Data folder (default: the project's ``data/``).

    Returns
    -------
    tuple of Indicator
        In file order.

    Raises
    ------
    InputError
        With every problem found, each located as ``path:line: field: message``.
    """
    path = Path(path) if path is not None else indicators_path(case, data_dir)
    col = Collector(paths.display_path(path))
    hyp_ids = case.hypothesis_ids
    header, rows = read_csv(path, col.shown, (*INDICATOR_COLUMNS, *hyp_ids), col,
                            optional=OPTIONAL_COLUMNS, hint=hypothesis_hint(hyp_ids))
    source_ids = {s.id for s in case.sources}
    out, seen = [], set()
    for line, row in rows:
        before = len(col.problems)
        iid = check_id(row.get("indicator_id"), line, "indicator_id", col)
        if iid is not None and iid in seen:
            col.add(line, "indicator_id", f"duplicate indicator id {iid!r}")
        seen.add(iid)
        event = row.get("event", "")
        if not event:
            col.add(line, "event", "is empty: say what would be observed")
        sid = row.get("source_id", "")
        if sid not in source_ids:
            col.add(line, "source_id", f"unknown source {sid!r} (not in sources.csv)")
        ratings = {}
        for h in hyp_ids:
            if h not in row:
                continue
            try:
                ratings[h] = parse_rating(row[h], case.scales)
            except ValueError as exc:
                col.add(line, h, str(exc))
        if ratings and all(r == NOT_APPLICABLE for r in ratings.values()):
            col.add(line, hyp_ids[0], "no rated cell: the indicator would carry no information")
        if len(col.problems) > before:
            continue
        out.append(Indicator(iid, event, sid, ratings, row.get("notes", "")))
    if not rows and header and not col.problems:
        col.add(2, "indicators", "the file has no indicators")
    if col.problems:
        raise InputError(col.problems)
    return tuple(out)


def has_indicators(case: Case, data_dir: Path | None = None) -> bool:
    """True when the case folder has an ``indicators.csv``."""
    return indicators_path(case, data_dir).is_file()


__all__ = ["Indicator", "has_indicators", "indicators_path", "load_indicators"]
