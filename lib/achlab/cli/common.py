"""What several commands share: the ``--data`` option and finding the case a command answers on."""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.model import InputError, Problem


def data_folder(args) -> Path | None:
    """The ``--data`` folder given on the command line, or None for the project's ``data/``."""
    return Path(args.data) if getattr(args, "data", None) else None


def case_from_args(args):
    """The case named by ``--scenario FILE`` or ``--case ID``; default ``scenarios/baseline.yaml``.

    Raises
    ------
    InputError
        When the files are bad, or no scenario is given and there is no baseline.
    """
    from achlab.load import load_case, load_scenario

    data = data_folder(args)
    if getattr(args, "scenario", None):
        return load_scenario(args.scenario, data)
    if getattr(args, "case", None):
        return load_case(args.case, data)
    default = paths.scenarios_dir() / "baseline.yaml"
    if default.is_file():
        return load_scenario(default, data)
    raise InputError([Problem("scenarios/baseline.yaml", 1, "scenario",
                              "not found; give --scenario FILE or --case ID")])


def add_case_choice(p) -> None:
    """``--scenario FILE`` or ``--case ID``, one of them."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--scenario", help="scenario file")
    g.add_argument("--case", help="case id (its own assumptions, no scenario)")
