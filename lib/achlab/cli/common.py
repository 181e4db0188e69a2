"""What several commands share: the ``--data`` option and finding the case a command answers on."""

from __future__ import annotations

from pathlib import Path

from achlab import paths
from achlab.model import InputError, Problem


def data_folder(args) -> Path | None:
    """The ``--data`` folder given on the command line, or None for the project's ``data/``.

    Raises
    ------
    InputError
        ``DIR:1: --data: ...`` when the folder does not exist or is a file.
    """
    from achlab.load.scenario import check_data_folder

    data = Path(args.data) if getattr(args, "data", None) else None
    check_data_folder(data)
    return data


def protected_folders(data_dirs, scenario_files=()) -> list[Path]:
    """Folders no output may go into.

    Each data folder in use, the default one, the project's ``scenarios/``, and the folder of
    every scenario file given when it is a scenarios folder (named ``scenarios``).
    """
    folders = [Path(d) for d in (data_dirs or []) if d is not None]
    folders += [paths.data_dir(), paths.scenarios_dir()]
    folders += [Path(f).resolve().parent for f in scenario_files
                if Path(f).resolve().parent.name == "scenarios"]
    return [f.resolve() for f in folders]


def refuse_protected_output(path, data_dirs=None, field: str = "--out",
                            scenario_files=()) -> None:
    """Refuse an output path inside a data folder in use or the scenarios folder.

    Call it before anything is written (no folder is created here).

    Parameters
    ----------
    path : str or Path
        The output file or folder asked for.
    data_dirs : iterable of str or Path, optional
        The data folders in use (``--data``); the project's ``data/`` and ``scenarios/`` are
        always protected.
    field : str
        The option named in the message.
    scenario_files : iterable of str or Path
        The scenario files given; their ``scenarios`` folder is protected too.

    Raises
    ------
    InputError
        ``command line:1: --out: ...`` when ``path`` lies inside a protected folder.
    """
    target = Path(path).expanduser().resolve()
    for folder in protected_folders(data_dirs, scenario_files):
        if target == folder or folder in target.parents:
            raise InputError([Problem(
                "command line", 1, field,
                f"{paths.display_path(target)} lies inside {paths.display_path(folder)}, "
                "which holds input files; write outputs elsewhere (e.g. out/)")])


class LocatedFailure(RuntimeError):
    """A failure that is not bad input (exit 1) but still points at the file to change."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def fit_located(case):
    """The PyMC fit of ``case``; a failed fit's whole reason located at the scenario's ``mcmc``.

    Raises
    ------
    LocatedFailure
        One ``path:line: mcmc: ...`` per line of the sampler's reason.
    """
    from achlab.engines import mcmc
    from achlab.load.yamlfile import read_yaml
    from achlab.notebook.fits import FitStore

    try:  # the notebooks' kept fit when there is one: the same numbers everywhere
        return mcmc.fit(case, store=FitStore())
    except mcmc.SamplingProblem as exc:
        where, line = "case.yaml", 1
        if case.scenario is not None and case.scenario.path:
            where = paths.display_path(case.scenario.path)
            try:
                line = read_yaml(Path(case.scenario.path), where).line("mcmc")
            except InputError:
                line = 1
        reason = [ln for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
        raise LocatedFailure([Problem(where, line, "mcmc", ln) for ln in reason]) from None


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
