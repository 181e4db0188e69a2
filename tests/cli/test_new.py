"""``achlab new``: a case folder and a scenario that validate at once, and run end to end."""

from __future__ import annotations

import csv

import pytest

from achlab import cli, paths
from achlab.engines.exact import exact_weights
from achlab.load.case import load_case
from achlab.load.scenario import load_scenario
from achlab.model.scales import (
    CREDIBILITY_NAMES,
    NOT_APPLICABLE,
    PARC_WEIGHTS,
    RATINGS,
    RELIABILITY_NAMES,
)
from tests.helpers import tree_digest


@pytest.fixture
def root(tmp_path):
    """An empty project: a data folder (the scenarios folder comes beside it)."""
    (tmp_path / "data").mkdir()
    return tmp_path


def new(root, *args: str) -> int:
    return cli.main(["new", *args, "--data", str(root / "data")])


def test_new_case_validates_at_once(root, capsys):
    assert new(root, "my-case", "--hypotheses", "war,peace,truce") == 0
    folder = root / "data" / "my-case"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "case.yaml",
                                                        "evidence.csv", "sources.csv"]
    scenario = root / "scenarios" / "my-case.yaml"
    assert scenario.is_file()
    capsys.readouterr()
    assert cli.main(["validate", "--case", "my-case", "--data", str(root / "data")]) == 0
    assert cli.main(["validate", str(scenario), "--data", str(root / "data")]) == 0
    case = load_scenario(scenario, root / "data")
    assert case.hypothesis_ids == ("war", "peace", "truce")
    assert len(case.sources) == 1 and len(case.evidence) == 1
    assert case.resolution is None
    with (folder / "evidence.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[-4:] == ["war", "peace", "truce", "rationale"]
    assert "#" in (folder / "case.yaml").read_text(encoding="utf-8")  # commented template
    weights = exact_weights(case)  # the example row: C, I, N with a C source, credibility 3
    assert weights["war"] > weights["truce"] > weights["peace"]


def test_readme_lists_the_allowed_values_of_the_scales(root):
    assert new(root, "c1") == 0
    readme = (root / "data" / "c1" / "README.md").read_text(encoding="utf-8")
    for letter, name in RELIABILITY_NAMES.items():
        assert f"`{letter}` ({name.lower()})" in readme
    for code, name in CREDIBILITY_NAMES.items():
        assert f"`{code}` ({name.lower()})" in readme
    for value in (*RATINGS, NOT_APPLICABLE, *PARC_WEIGHTS):
        assert f"`{value}`" in readme
    for column in ("source_id", "reliability", "motive", "group", "evidence_id", "credibility",
                   "relevance", "origin", "h1", "h2", "h3"):
        assert f"| `{column}` |" in readme
    assert str(root) not in readme


def test_default_hypotheses_and_scenarios_option(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    assert new(root, "c2", "--scenarios", str(elsewhere)) == 0
    assert load_case("c2", root / "data").hypothesis_ids == ("h1", "h2", "h3")
    assert (elsewhere / "c2.yaml").is_file() and not (root / "scenarios").exists()


def test_nothing_is_overwritten(root, capsys):
    assert new(root, "c3") == 0
    (root / "data" / "c3" / "evidence.csv").write_text("changed", encoding="utf-8")
    before = tree_digest(root)
    capsys.readouterr()
    assert new(root, "c3") == 2
    err = capsys.readouterr().err
    assert "exists already" in err and "Traceback" not in err
    assert tree_digest(root) == before
    (root / "data" / "c4").mkdir()  # a scenario of that name alone also stops it
    (root / "scenarios" / "c5.yaml").write_text("name: c5\ncase: c3\n", encoding="utf-8")
    before = tree_digest(root)
    assert new(root, "c5") == 2
    assert tree_digest(root) == before


@pytest.mark.parametrize("args, message", [
    (["bad id!"], "not a valid id"),
    (["ok", "--hypotheses", "only"], "at least two"),
    (["ok", "--hypotheses", "a,a"], "repeat"),
    (["ok", "--hypotheses", "a,b c"], "not a valid id"),
])
def test_bad_arguments_exit_2_and_write_nothing(root, args, message, capsys):
    before = tree_digest(root)
    assert new(root, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert tree_digest(root) == before and not (root / "scenarios").exists()


@pytest.mark.slow
def test_new_case_runs_end_to_end(root, monkeypatch, capsys):
    """new -> validate -> run: every notebook runs on a case without resolution, analysts/ or
    indicators.csv (06 and 07 say what to add instead of failing)."""
    (root / "notebooks").symlink_to(paths.notebooks_dir(), target_is_directory=True)
    monkeypatch.setenv("ACHLAB_ROOT", str(root))
    monkeypatch.delenv("ACHLAB_SCENARIOS", raising=False)
    monkeypatch.delenv("ACHLAB_OUT", raising=False)
    assert cli.main(["new", "fresh", "--hypotheses", "yes,no"]) == 0
    assert cli.main(["validate"]) == 0
    out = root / "out"
    code = cli.main(["run", str(root / "scenarios" / "fresh.yaml"), "--out", str(out),
                     "--draws", "200", "--tune", "200", "--chains", "2", "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "course not run: it reads the bundled cases" in captured.out
    reports = {p.name for p in out.rglob("0*.html")}  # 04 compares scenarios in its own folder
    numbered = {p.with_suffix(".html").name for p in paths.notebooks_dir().glob("0*.ipynb")}
    assert numbered <= reports, numbered - reports
    for name, what in (("06", "When the question is settled"), ("07", "To compare a team")):
        html = next((out / "fresh").glob(f"{name}_*.html")).read_text(encoding="utf-8")
        assert what in html and "Traceback" not in html
