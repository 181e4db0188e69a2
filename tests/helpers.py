"""Shared helpers for the achlab tests (the fixtures that use them are in ``conftest.py``).

Two ways to get a case:

* :func:`toy_case_dir` writes a small, valid case folder (model.md §2) and a scenario file into a
  temporary folder, for tests of loading, validation and the command line;
* :func:`make_case` builds an :class:`achlab.model.Case` directly in Python, for engine tests that
  need no files.

The toy case is small enough that its weights and classic scores can be checked by hand; the
expected values are worked out in the tests that use them, not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from achlab.model import Case, EvidenceItem, Hypothesis, Reliability, Source
from achlab.model.scales import CODE_TO_PARC, DEFAULT_MOTIVE, Scales

# ---------------------------------------------------------------------------- toy case on disk
#: case.yaml of the toy case; line numbers matter to the validation tests.
TOY_CASE_YAML = """\
id: toy
title: Toy weather case
question: Will it rain, snow, or stay dry tomorrow?
hypotheses:
  - id: rain
    label: Rain
    description: It rains.
  - id: snow
    label: Snow
    description: It snows.
  - id: dry
    label: Dry
    description: It stays dry.
prior: {rain: 0.5, snow: 0.25, dry: 0.25}
"""

#: sources.csv: ``met`` fixed reliability 1, ``app`` fixed 0.5 with motive 0.2, ``farmer`` letter C.
TOY_SOURCES_CSV = """\
source_id,name,kind,reliability,motive,group,notes
met,Met office,agency,1,0.5,official,
app,Weather app,app,0.5,0.2,apps,
farmer,Old farmer,person,C,,folk,"Knows the valley, ""mostly"" right"
"""

#: evidence.csv: E3 is rated alike under every hypothesis, E4 has no rated cell.
TOY_EVIDENCE_CSV = """\
evidence_id,date,summary,source_id,credibility,relevance,origin,citation,rain,snow,dry
E1,2024-10-01,Clouds gather in the west,met,1,H,,,CC,C,I
E2,2024-10-02,The app says rain,app,2,M,,,C,N,II
E3,2024-10-03,The farmer's knee aches,farmer,6,L,,,N,N,N
E4,2024-10-04,A cat sleeps on the porch,farmer,3,M,,,NA,NA,NA
"""

#: A scenario on the toy case; line numbers matter to the validation tests.
TOY_SCENARIO_YAML = """\
name: toy-skeptic
title: Doubt the app
description: An analyst who trusts the app less and thinks it always says rain.
case: toy
as_of: 2024-10-31
prior: {rain: 0.4, snow: 0.3, dry: 0.3}
sources:
  app: {reliability: 0.2, motive: 0.9}
evidence:
  exclude: [E4]
  ratings: {E3: {rain: C}}
seed: 7
"""


class ToyCase(NamedTuple):
    """Paths of the toy case written by :func:`toy_case_dir`.

    Attributes
    ----------
    root : Path
        The temporary folder holding everything.
    data : Path
        The data folder (pass it as ``--data``).
    case : Path
        The case folder ``data/toy`` (``case.yaml``, ``sources.csv``, ``evidence.csv``).
    scenario : Path
        The scenario file ``scenarios/toy-skeptic.yaml``, naming case ``toy``.
    """

    root: Path
    data: Path
    case: Path
    scenario: Path

    @property
    def case_yaml(self) -> Path:
        """Path of ``case.yaml``."""
        return self.case / "case.yaml"

    @property
    def sources_csv(self) -> Path:
        """Path of ``sources.csv``."""
        return self.case / "sources.csv"

    @property
    def evidence_csv(self) -> Path:
        """Path of ``evidence.csv``."""
        return self.case / "evidence.csv"


def write_toy_case(root: Path) -> ToyCase:
    """Write the toy case folder and scenario under ``root``.

    Parameters
    ----------
    root : Path
        An empty (or fresh) folder.

    Returns
    -------
    ToyCase
        The paths written.
    """
    data = root / "data"
    case = data / "toy"
    case.mkdir(parents=True)
    (case / "case.yaml").write_text(TOY_CASE_YAML, encoding="utf-8")
    (case / "sources.csv").write_text(TOY_SOURCES_CSV, encoding="utf-8")
    (case / "evidence.csv").write_text(TOY_EVIDENCE_CSV, encoding="utf-8")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    scenario = scenarios / "toy-skeptic.yaml"
    scenario.write_text(TOY_SCENARIO_YAML, encoding="utf-8")
    return ToyCase(root, data, case, scenario)


def replace_line(path: Path, line: int, text: str) -> None:
    """Replace one line (1-based) of a text file, keeping the other lines as they are.

    Parameters
    ----------
    path : Path
        The file to change.
    line : int
        1-based line number.
    text : str
        The new line, without its newline.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file below ``root``, keyed by relative path.

    Parameters
    ----------
    root : Path
        Folder to hash.

    Returns
    -------
    dict
        ``{relative path: hex digest}``; equal dicts mean byte-identical trees.
    """
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------------------- cases in Python
def make_source(source_id: str, reliability: float | str | Reliability = 1.0,
                motive: float = DEFAULT_MOTIVE, group: str = "",
                scales: Scales | None = None) -> Source:
    """A :class:`~achlab.model.Source`.

    Parameters
    ----------
    source_id : str
        Id of the source.
    reliability : float, str or Reliability
        A number is a fixed reliability (:meth:`Reliability.point`), a string an Admiralty letter
        (:meth:`Reliability.from_letter` under ``scales``); a Reliability is used as given.
    motive : float
        Chance the source reports the event whatever the truth.
    group : str
        Source group (for pooling).
    scales : Scales, optional
        Scales for a letter (default scales if omitted).

    Returns
    -------
    Source
    """
    if isinstance(reliability, Reliability):
        rel = reliability
    elif isinstance(reliability, str):
        rel = Reliability.from_letter(reliability, scales or Scales())
    else:
        rel = Reliability.point(reliability)
    return Source(source_id, source_id, rel, motive, group=group)


def make_item(item_id: str, source_id: str, ratings: Mapping[str, str | float], *,
              cred: float | str = 1.0, relevance: str = "M", origin: str = "",
              date: dt.date | str | None = None, scales: Scales | None = None) -> EvidenceItem:
    """An :class:`~achlab.model.EvidenceItem`.

    Parameters
    ----------
    item_id, source_id : str
        Ids of the item and of its source.
    ratings : mapping
        Hypothesis id -> Heuer rating (``CC C N I II NA``) or probability.
    cred : float or str
        Credibility: an Admiralty code ``"1"``-``"6"`` (factor from ``scales``) or a factor.
    relevance : {"H", "M", "L"}
        PARC relevance.
    origin : str
        Items with the same non-empty origin count once.
    date : date or ISO string, optional
        Date of the report.
    scales : Scales, optional
        Scales for a credibility code (default scales if omitted).

    Returns
    -------
    EvidenceItem
    """
    if isinstance(cred, str) and cred in CODE_TO_PARC:
        code, factor = cred, (scales or Scales()).credibility[cred]
    else:
        factor = float(cred)
        code = f"{factor:g}"
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return EvidenceItem(id=item_id, summary=f"item {item_id}", source_id=source_id,
                        ratings=dict(ratings), date=date, credibility=code, cred_factor=factor,
                        relevance=relevance, origin=origin)


def make_case(hypotheses: Sequence[str], sources: Iterable[Source],
              evidence: Iterable[EvidenceItem], prior: Mapping[str, float] | None = None,
              case_id: str = "made", scales: Scales | None = None) -> Case:
    """A :class:`~achlab.model.Case` built in Python, no files.

    Parameters
    ----------
    hypotheses : sequence of str
        Hypothesis ids (labels are the ids).
    sources : iterable of Source
        See :func:`make_source`.
    evidence : iterable of EvidenceItem
        See :func:`make_item`.
    prior : mapping, optional
        Hypothesis id -> prior probability; uniform if omitted.
    case_id : str
        Id of the case.
    scales : Scales, optional
        Scales of the case (defaults if omitted).

    Returns
    -------
    Case
    """
    hyps = tuple(Hypothesis(h, h) for h in hypotheses)
    if prior is None:
        prior = {h: 1.0 / len(hyps) for h in hypotheses}
    return Case(id=case_id, title=case_id, question="?", hypotheses=hyps, prior=dict(prior),
                sources=tuple(sources), evidence=tuple(evidence), scales=scales or Scales())


def once_per_session(tmp_path_factory, name: str, build):
    """Run ``build(folder)`` once per test session, even under pytest-xdist.

    Each xdist worker has its own session: the first worker to get here builds while holding a
    lock and leaves a pickled result that the others reuse.

    Parameters
    ----------
    tmp_path_factory : pytest fixture
    name : str
        Stem of the shared folder, lock and pickle.
    build : callable
        Takes a fresh folder, returns a picklable result.
    """
    import fcntl
    import os
    import pickle

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # one per test session, shared by workers
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = shared / f"{name}.pickle"
        if cached.is_file():
            return pickle.loads(cached.read_bytes())
        result = build(shared / name)
        cached.write_bytes(pickle.dumps(result))
        return result


# ---------------------------------------------------------------------------- charts
def drawn_texts(fig) -> list[str]:
    """Every text drawn on a figure: figure texts, axes texts, axes titles, y tick labels."""
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title()] + [t.get_text() for t in ax.get_yticklabels()]
    return out


def visible_texts(fig) -> list:
    """Every visible, non-empty text artist of the figure (titles, tick labels, legend...)."""
    import matplotlib.pyplot as plt

    return [t for t in fig.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]


def bundled_scenario(name: str) -> Case:
    """A scenario of the project's ``scenarios/`` by name, e.g. ``"baseline"``."""
    import achlab
    from achlab import paths

    return achlab.resolve(paths.scenarios_dir() / f"{name}.yaml")


def python_output(code: str, timeout: float = 120) -> str:
    """What ``code`` prints when run by this Python in a fresh process (which must succeed).

    For what a new process imports or does, apart from everything the test process loaded.
    """
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
