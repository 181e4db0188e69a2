"""Bad input gives exit code 2 and located ``path:line: field: message`` lines (model.md §3).

Each bad-input kind changes one line of the toy case (see ``tests/helpers.py`` for the files and
their line numbers), runs the command line in-process, and checks the exit code, that a line
names the right file, line and field, that there is no traceback, and that the input files are
byte-identical afterwards.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from achlab.cli import main
from achlab.model.words import estimative_word
from tests.helpers import ToyCase, replace_line, tree_digest

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``achlab ARGS`` in-process.

    Parameters
    ----------
    capsys : pytest fixture
    *args : str
        Command-line arguments.

    Returns
    -------
    (exit code, stdout, stderr)
    """
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def parse_problems(stderr: str) -> list[tuple[Path, int, str, str]]:
    """Parse every stderr line as ``path:line: field: message``; fail on any other line.

    Parameters
    ----------
    stderr : str

    Returns
    -------
    list of (resolved path, line, field, message)
    """
    problems = []
    for text in stderr.splitlines():
        m = PROBLEM_LINE.match(text)
        assert m, f"not a located problem line: {text!r}"
        problems.append((Path(m["path"]).resolve(), int(m["line"]), m["field"], m["message"]))
    assert problems, "no problem reported"
    return problems


# ---------------------------------------------------------------------------- bad inputs
def set_line(which: str, line: int, text: str) -> Callable[[ToyCase], None]:
    """A change to the toy case: replace one line of one of its files.

    Parameters
    ----------
    which : {"case_yaml", "sources_csv", "evidence_csv", "scenario"}
        Attribute of :class:`tests.helpers.ToyCase` naming the file.
    line : int
        1-based line number.
    text : str
        The new line.

    Returns
    -------
    callable
        Applies the change to a ToyCase.
    """
    def change(toy: ToyCase) -> None:
        replace_line(getattr(toy, which), line, text)

    return change


def header_only(toy: ToyCase) -> None:
    """Cut evidence.csv down to its header line."""
    header = toy.evidence_csv.read_text(encoding="utf-8").splitlines()[0]
    toy.evidence_csv.write_text(header + "\n", encoding="utf-8")


EV = "evidence_csv"
SRC = "sources_csv"
CASE = "case_yaml"
SCEN = "scenario"

#: (id, change, file attribute, expected line(s), expected field, where: "case" or "scenario")
BAD_INPUTS = [
    ("unknown-source", set_line(EV, 3, "E2,2024-10-02,The app says rain,ghost,2,M,,,C,N,II"),
     EV, 3, "source_id", "case"),
    ("scenario-prior-unknown-hypothesis",
     set_line(SCEN, 6, "prior: {rain: 0.4, sleet: 0.3, dry: 0.3}"),
     SCEN, 6, "prior.sleet", "scenario"),
    ("scenario-ratings-unknown-hypothesis", set_line(SCEN, 11, "  ratings: {E3: {hail: C}}"),
     SCEN, 11, "evidence.ratings.E3.hail", "scenario"),
    ("rating-letter", set_line(EV, 2, "E1,2024-10-01,Clouds gather in the west,met,1,H,,,CC,X,I"),
     EV, 2, "snow", "case"),
    ("rating-number", set_line(EV, 3, "E2,2024-10-02,The app says rain,app,2,M,,,C,N,1.5"),
     EV, 3, "dry", "case"),
    ("rating-negative", set_line(EV, 3, "E2,2024-10-02,The app says rain,app,2,M,,,-0.2,N,II"),
     EV, 3, "rain", "case"),
    ("scenario-rating", set_line(SCEN, 11, "  ratings: {E3: {rain: CCC}}"),
     SCEN, 11, "evidence.ratings.E3.rain", "scenario"),
    ("motive", set_line(SRC, 3, "app,Weather app,app,0.5,1.2,apps,"), SRC, 3, "motive", "case"),
    ("reliability", set_line(SRC, 2, "met,Met office,agency,-0.1,0.5,official,"),
     SRC, 2, "reliability", "case"),
    ("reliability-letter", set_line(SRC, 2, "met,Met office,agency,G,0.5,official,"),
     SRC, 2, "reliability", "case"),
    ("scenario-motive", set_line(SCEN, 8, "  app: {reliability: 0.2, motive: 1.2}"),
     SCEN, 8, "sources.app.motive", "scenario"),
    ("scenario-reliability", set_line(SCEN, 8, "  app: {reliability: -0.1, motive: 0.9}"),
     SCEN, 8, "sources.app.reliability", "scenario"),
    ("duplicate-evidence",
     set_line(EV, 4, "E2,2024-10-03,The farmer's knee aches,farmer,6,L,,,N,N,N"),
     EV, 4, "evidence_id", "case"),
    ("duplicate-source", set_line(SRC, 4, "app,Old farmer,person,C,,folk,"),
     SRC, 4, "source_id", "case"),
    ("duplicate-hypothesis", set_line(CASE, 11, "  - id: snow"),
     CASE, 11, "hypotheses[2].id", "case"),
    ("bad-date", set_line(EV, 2, "E1,2024-13-01,Clouds gather in the west,met,1,H,,,CC,C,I"),
     EV, 2, "date", "case"),
    ("scenario-bad-date-quoted", set_line(SCEN, 5, 'as_of: "2024-13-01"'),
     SCEN, 5, "as_of", "scenario"),
    ("scenario-bad-date", set_line(SCEN, 5, "as_of: 2024-13-01"), SCEN, 5, "as_of", "scenario"),
    ("case-prior-sum", set_line(CASE, 14, "prior: {rain: 0.5, snow: 0.3, dry: 0.3}"),
     CASE, 14, "prior", "case"),
    ("scenario-prior-sum", set_line(SCEN, 6, "prior: {rain: 0.5, snow: 0.3, dry: 0.3}"),
     SCEN, 6, "prior", "scenario"),
    ("empty-case", header_only, EV, (1, 2), "evidence", "case"),
    ("case-yaml-syntax", set_line(CASE, 3, "question: Will it: rain"), CASE, 3, "yaml", "case"),
    ("scenario-yaml-syntax", set_line(SCEN, 3, "description: An analyst: who doubts"),
     SCEN, 3, "yaml", "scenario"),
    ("scenario-unknown-field", set_line(SCEN, 7, "sorces:"), SCEN, 7, "sorces", "scenario"),
    ("scenario-missing-case", set_line(SCEN, 4, "case: no-such-case"), SCEN, 4, "case",
     "scenario"),
]


def command_args(command: str, where: str, toy: ToyCase) -> list[str]:
    """Arguments that make ``command`` read the toy case (``where="case"``) or its scenario.

    Parameters
    ----------
    command : {"validate", "weights", "heuer"}
    where : {"case", "scenario"}
    toy : ToyCase

    Returns
    -------
    list of str
    """
    data = ["--data", str(toy.data)]
    if command == "validate":
        return ["validate", "--case", "toy", *data] if where == "case" else [
            "validate", str(toy.scenario), *data]
    target = ["--case", "toy"] if where == "case" else ["--scenario", str(toy.scenario)]
    return [command, *target, *data]


@pytest.mark.parametrize("command", ["validate", "weights", "heuer"])
@pytest.mark.parametrize("kind, change, which, line, field, where", BAD_INPUTS,
                         ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_located_with_exit_code_2(toy_case_dir, capsys, command, kind, change,
                                               which, line, field, where):
    change(toy_case_dir)
    before = tree_digest(toy_case_dir.root)
    code, out, err = run_cli(capsys, *command_args(command, where, toy_case_dir))
    assert "Traceback" not in err and "Traceback" not in out
    assert code == 2, f"exit {code}, stderr: {err!r}"
    problems = parse_problems(err)
    path = getattr(toy_case_dir, which).resolve()
    lines = line if isinstance(line, tuple) else (line,)
    located = [(p, n, f) for p, n, f, _ in problems]
    assert any(p == path and n in lines and f == field for p, n, f in located), (
        f"expected {path.name}:{line}: {field}: in {located}")
    assert tree_digest(toy_case_dir.root) == before


def test_scenario_case_problems_are_reported_through_the_scenario(toy_case_dir, capsys):
    # a bad case file is found when validating a scenario that uses it
    replace_line(toy_case_dir.sources_csv, 3, "app,Weather app,app,0.5,1.2,apps,")
    code, _, err = run_cli(capsys, "validate", str(toy_case_dir.scenario),
                           "--data", str(toy_case_dir.data))
    assert code == 2
    assert (toy_case_dir.sources_csv.resolve(), 3, "motive") in [
        (p, n, f) for p, n, f, _ in parse_problems(err)]


def test_every_problem_is_reported_not_just_the_first(toy_case_dir, capsys):
    replace_line(toy_case_dir.sources_csv, 3, "app,Weather app,app,0.5,1.2,apps,")
    replace_line(toy_case_dir.evidence_csv, 2,
                 "E1,2024-13-01,Clouds gather in the west,met,1,H,,,CC,X,I")
    code, _, err = run_cli(capsys, "validate", "--case", "toy", "--data", str(toy_case_dir.data))
    assert code == 2
    located = {(p.name, n, f) for p, n, f, _ in parse_problems(err)}
    assert {("sources.csv", 3, "motive"), ("evidence.csv", 2, "date"),
            ("evidence.csv", 2, "snow")} <= located


# ---------------------------------------------------------------------------- valid input
def test_validate_valid_toy_case_exits_0(toy_case_dir, capsys):
    before = tree_digest(toy_case_dir.root)
    code, out, err = run_cli(capsys, "validate", "--case", "toy", "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert err == ""
    code, out, err = run_cli(capsys, "validate", str(toy_case_dir.scenario),
                             "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert err == ""
    assert tree_digest(toy_case_dir.root) == before


def toy_weights_by_hand() -> dict[str, float]:
    """Posterior of the toy case under its own assumptions, worked out by hand.

    Prior 0.5 / 0.25 / 0.25. E1 (met, reliability 1, credibility 1): CC C I = 0.95 0.80 0.20.
    E2 (app, 0.5, motive 0.2, credibility 2 = 0.9): rho_i = 0.45, so 0.45 p + 0.55 * 0.2 =
    0.47 0.335 0.1325 for C N II. E3 is rated N N N and E4 NA NA NA: no information.

    Returns
    -------
    dict
    """
    like = {"rain": 0.5 * 0.95 * 0.47, "snow": 0.25 * 0.8 * 0.335, "dry": 0.25 * 0.2 * 0.1325}
    total = sum(like.values())
    return {h: v / total for h, v in like.items()}


def scenario_weights_by_hand() -> dict[str, float]:
    """Posterior of the toy scenario, worked out by hand.

    Prior 0.4 / 0.3 / 0.3. E1 as in the case: 0.95 0.80 0.20. E2 with the app at 0.2, motive
    0.9, credibility 0.9: rho_i = 0.18, so 0.18 p + 0.82 * 0.9 = 0.882 0.828 0.747. E3 now C N N
    from the farmer (letter C: Beta with mean 0.6; one report counts as its mean), motive 0.5:
    0.6 p + 0.2 = 0.68 0.5 0.5. E4 is excluded (and carried nothing anyway).

    Returns
    -------
    dict
    """
    like = {"rain": 0.4 * 0.95 * 0.882 * 0.68, "snow": 0.3 * 0.8 * 0.828 * 0.5,
            "dry": 0.3 * 0.2 * 0.747 * 0.5}
    total = sum(like.values())
    return {h: v / total for h, v in like.items()}


def check_weights_json(doc: dict, case: str, scenario: str | None,
                       expected: dict[str, float]) -> None:
    """Assert the model.md §3 JSON shape of ``achlab weights --json`` and its numbers.

    Parameters
    ----------
    doc : dict
        Parsed JSON.
    case, scenario : str
        Expected ``case`` and ``scenario`` values.
    expected : dict
        Hypothesis id -> expected weight.
    """
    assert set(doc) == {"case", "scenario", "method", "weights", "confidence", "relevance"}
    assert doc["confidence"]["level"] in ("low", "moderate", "high")
    assert doc["confidence"]["reasons"] and all(isinstance(r, str)
                                                for r in doc["confidence"]["reasons"])
    assert doc["case"] == case
    assert doc["scenario"] == scenario
    assert doc["method"] == "exact"
    assert list(doc["weights"]) == list(expected)
    for h, want in expected.items():
        cell = doc["weights"][h]
        assert set(cell) == {"mean", "low", "high", "words"}
        for key in ("mean", "low", "high"):
            assert isinstance(cell[key], float)
        assert cell["mean"] == pytest.approx(want, rel=1e-12)
        assert cell["low"] == cell["mean"] == cell["high"]  # a point answer
        assert cell["words"] == estimative_word(want)
    assert math.fsum(c["mean"] for c in doc["weights"].values()) == pytest.approx(1.0, abs=1e-12)


def test_weights_json_shape_for_case(toy_case_dir, capsys):
    code, out, err = run_cli(capsys, "weights", "--case", "toy", "--json",
                             "--data", str(toy_case_dir.data))
    assert code == 0, err
    check_weights_json(json.loads(out), "toy", None, toy_weights_by_hand())
    assert json.loads(out)["weights"]["rain"]["words"] == "likely"  # 75.2 %


def test_weights_json_shape_for_scenario(toy_case_dir, capsys):
    code, out, err = run_cli(capsys, "weights", "--scenario", str(toy_case_dir.scenario),
                             "--json", "--data", str(toy_case_dir.data))
    assert code == 0, err
    check_weights_json(json.loads(out), "toy", "toy-skeptic", scenario_weights_by_hand())


def test_weights_plain_text(toy_case_dir, capsys):
    code, out, err = run_cli(capsys, "weights", "--case", "toy", "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert "Rain" in out and "75 %" in out and "likely" in out


def test_weights_outputs_say_that_relevance_is_not_used(toy_case_dir, capsys):
    from achlab.engines.likelihood import RELEVANCE_NOTE

    code, out, err = run_cli(capsys, "weights", "--case", "toy", "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert "Relevance counts only in the classic ACH scores" in out
    code, out, err = run_cli(capsys, "weights", "--case", "toy", "--json",
                             "--data", str(toy_case_dir.data))
    assert json.loads(out)["relevance"] == RELEVANCE_NOTE
    code, out, err = run_cli(capsys, "export", "toy", "--md", "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert RELEVANCE_NOTE in out


def test_heuer_json_shape_and_values(toy_case_dir, capsys):
    code, out, err = run_cli(capsys, "heuer", "--case", "toy", "--json",
                             "--data", str(toy_case_dir.data))
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"inconsistency", "weighted_inconsistency", "diagnosticity"}
    hyps = ["rain", "snow", "dry"]
    assert list(doc["inconsistency"]) == hyps
    assert list(doc["weighted_inconsistency"]) == hyps
    # E1: dry I (1), credibility 1 = High, relevance H: weight 2; E2: dry II (2), code 2 = High,
    # relevance M: weight sqrt 2
    assert doc["inconsistency"] == {"rain": 0, "snow": 0, "dry": -3}
    assert doc["weighted_inconsistency"]["dry"] == pytest.approx(-(2 + 2 * math.sqrt(2)))
    assert doc["weighted_inconsistency"]["rain"] == 0
    assert set(doc["diagnosticity"]) == {"E1", "E2", "E3", "E4"}
    assert doc["diagnosticity"]["E1"] == pytest.approx(math.log2(0.95 / 0.2))
    assert doc["diagnosticity"]["E2"] == pytest.approx(4.0)
    assert doc["diagnosticity"]["E3"] == 0
    assert doc["diagnosticity"]["E4"] == 0


def test_unknown_column_in_sources_csv_is_refused(toy_case_dir, capsys):
    rows = toy_case_dir.sources_csv.read_text(encoding="utf-8").splitlines()
    widened = [rows[0] + ",colour", *(r + ",blue" for r in rows[1:])]
    toy_case_dir.sources_csv.write_text("\n".join(widened) + "\n", encoding="utf-8")
    before = tree_digest(toy_case_dir.root)
    code, _, err = run_cli(capsys, "validate", "--case", "toy",
                           "--data", str(toy_case_dir.data))
    assert code == 2
    problems = parse_problems(err)
    assert [(n, f, m) for p, n, f, m in problems if p == toy_case_dir.sources_csv.resolve()] == [
        (1, "header", "unknown column(s) colour")]
    assert tree_digest(toy_case_dir.root) == before


# ---------------------------------------------------------------------------- issue 14 classes
def _problems(call) -> list[tuple[str, int, str]]:
    from achlab.model import InputError

    try:
        result = call()
    except InputError as exc:
        result = exc.problems
    problems = result if isinstance(result, list) else []
    return [(p.path.rsplit("/", 1)[-1], p.line, p.field) for p in problems]


def test_validate_everything_reads_analysts_and_indicators(toy_case_dir):
    from achlab.load import validate_everything

    folder = toy_case_dir.case / "analysts"
    folder.mkdir()
    (folder / "ann.csv").write_text("evidence_id,rain\nE1,X\nE9,C\n", encoding="utf-8")
    (folder / "bob.csv").write_text("", encoding="utf-8")
    (toy_case_dir.case / "indicators.csv").write_text(
        "indicator_id,event,source_id,rain,snow,dry\nX1,It hails,nobody,C,I,N\n",
        encoding="utf-8")
    before = tree_digest(toy_case_dir.root)
    found = _problems(lambda: validate_everything(toy_case_dir.data,
                                                  toy_case_dir.scenario.parent))
    assert ("ann.csv", 2, "rain") in found and ("ann.csv", 3, "evidence_id") in found
    assert ("bob.csv", 1, "header") in found
    assert ("indicators.csv", 2, "source_id") in found
    assert tree_digest(toy_case_dir.root) == before


def test_an_empty_indicators_file_is_a_problem(toy_case_dir):
    from achlab.load.scenario import validate_case

    (toy_case_dir.case / "indicators.csv").write_text("", encoding="utf-8")
    assert _problems(lambda: validate_case(toy_case_dir.case)) == [
        ("indicators.csv", 1, "header")]


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_data_folder_must_be_a_folder(toy_case_dir, kind):
    from achlab.load import validate_everything

    data = toy_case_dir.root / "nothing" if kind == "missing" else toy_case_dir.scenario
    [(name, line, field)] = _problems(lambda: validate_everything(data))
    assert (name, line, field) == (data.name, 1, "--data")


def test_an_undated_item_does_not_slip_past_as_of(toy_case_dir):
    from achlab.load import load_scenario

    replace_line(toy_case_dir.evidence_csv, 3, "E2,,The app says rain,app,2,M,,,C,N,II")
    found = _problems(lambda: load_scenario(toy_case_dir.scenario, toy_case_dir.data))
    assert found == [("evidence.csv", 3, "date")]
    replace_line(toy_case_dir.scenario, 5, "seed: 8")  # no as_of: an undated item is fine
    replace_line(toy_case_dir.scenario, 12, "")
    assert _problems(lambda: load_scenario(toy_case_dir.scenario, toy_case_dir.data)) == []


def test_a_bare_case_id_is_looked_up_in_the_data_folder_not_the_working_directory(
        toy_case_dir, tmp_path, monkeypatch):
    from achlab.load import load_case

    decoy = tmp_path / "cwd"
    (decoy / "toy").mkdir(parents=True)
    (decoy / "toy" / "case.yaml").write_text("- not a case\n", encoding="utf-8")
    monkeypatch.chdir(decoy)
    assert load_case("toy", toy_case_dir.data).id == "toy"
    assert _problems(lambda: load_case("./toy")) == [("case.yaml", 1, "case")]


def test_a_case_yaml_that_is_a_list_is_named_so_through_a_scenario(toy_case_dir):
    from achlab.load import load_scenario
    from achlab.model import InputError

    toy_case_dir.case_yaml.write_text("- id: toy\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    [problem] = info.value.problems
    assert problem.field == "case" and "must be a mapping" in problem.message
    assert "no case" not in problem.message
