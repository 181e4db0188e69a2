"""Bad input on the command line: each kind refused with a located line, exit 2, nothing written.

Every test starts from a fresh copy of the bundled case (``data/nk-troops-2024``) and of
``scenarios/``, breaks one thing, runs a command in-process with ``--data`` on the copy and
checks: exit 2, a ``path:line: field:`` line naming the right file, no traceback, the input files
byte-identical and nothing new in the data or scenarios folders.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from achlab import paths
from achlab.cli import ascii_fallback, main
from achlab.cli.common import refuse_protected_output
from achlab.model import InputError
from tests.helpers import tree_digest

CASE = "nk-troops-2024"
EVIDENCE = f"data/{CASE}/evidence.csv"
SOURCES = f"data/{CASE}/sources.csv"
CASE_YAML = f"data/{CASE}/case.yaml"
INDICATORS = f"data/{CASE}/indicators.csv"
LEAD = f"data/{CASE}/analysts/lead.csv"
BASELINE = "scenarios/baseline.yaml"
BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n" for b, a in zip("abcdefgh", "bcdefghi",
                                                                        strict=True))


@dataclass
class Sandbox:
    """A copy of the bundled case and scenarios; the working directory of the test."""

    root: Path

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).write_text(text, encoding="utf-8")

    def set_cell(self, rel: str, record: int, column: str, value: str) -> int:
        """Change one cell of record ``record`` (1 = first after the header); its line."""
        rows = list(csv.reader(io.StringIO(self.read(rel), newline="")))
        rows[record][rows[0].index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.write(rel, buf.getvalue())
        return record + 1  # records of the bundled files are one line each

    def snapshot(self) -> tuple:
        folders = [self.path("data"), self.path("scenarios")]
        return tuple((tree_digest(f), sorted(str(p) for p in f.rglob("*"))) for f in folders)


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Sandbox:
    """The copy, as the working directory, with ``scenarios/`` and ``out/`` pointing into it."""
    shutil.copytree(paths.data_dir() / CASE, tmp_path / "data" / CASE)
    shutil.copytree(paths.scenarios_dir(), tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACHLAB_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("ACHLAB_OUT", str(tmp_path / "out"))
    return Sandbox(tmp_path)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# Each mutation breaks the copy and returns (argv without --data, file, line, field).
def dup_as_of(sb):
    sb.write(BASELINE, sb.read(BASELINE) + 'as_of: "2024-12-31"\n')
    return ["weights"], BASELINE, len(sb.read(BASELINE).splitlines()), "as_of"


def dup_case_title(sb):
    sb.write(CASE_YAML, sb.read(CASE_YAML) + "title: Another\n")
    return ["heuer", "--case", CASE], CASE_YAML, len(sb.read(CASE_YAML).splitlines()), "title"


def bomb_in_scenario(sb):
    text = sb.read(BASELINE).replace("description: >-", "old: >-")
    sb.write(BASELINE, text + "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB
             + "description: *i\n")
    n = len(text.splitlines())
    return ["weights"], BASELINE, n + 5, "e[0]"  # the alias that crosses the cap, line of `e`


def bomb_in_case(sb):
    text = sb.read(CASE_YAML) + "x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB
    sb.write(CASE_YAML, text + "source_note: *i\n")
    n = len(sb.read(CASE_YAML).splitlines())
    return ["validate"], CASE_YAML, n - 5, "e[0]"


def case_yaml_is_list(sb):
    sb.write(CASE_YAML, "- id: nk-troops-2024\n- title: a list\n")
    return ["weights"], CASE_YAML, 1, "case"


def case_yaml_latin1(sb):
    raw = sb.path(CASE_YAML).read_bytes()
    line = raw[:raw.index(b"Combat troops")].count(b"\n") + 1
    sb.path(CASE_YAML).write_bytes(raw.replace(b"Combat troops", b"Combat tr\xf6ops", 1))
    return ["weights"], CASE_YAML, line, "encoding"


def scenario_latin1(sb):
    sb.path(BASELINE).write_bytes(sb.path(BASELINE).read_bytes() + b"title2: caf\xe9\n")
    return ["validate", BASELINE], BASELINE, sb.path(BASELINE).read_bytes().count(b"\n"), \
        "encoding"


def evidence_unclosed_quote(sb):
    source = list(csv.reader(io.StringIO(sb.read(EVIDENCE), newline="")))[40][3]
    lines = sb.read(EVIDENCE).splitlines(keepends=True)
    lines[40] = lines[40].replace(f",{source},", f',"{source},', 1)
    sb.write(EVIDENCE, "".join(lines))
    return ["weights"], EVIDENCE, 41, "row"


def evidence_quote_runs_on(sb):
    lines = sb.read(EVIDENCE).splitlines(keepends=True)
    lines[11] = lines[11].replace('"', "'").replace(",'", ',"', 1)  # an open summary
    sb.write(EVIDENCE, "".join(lines))
    return ["heuer"], EVIDENCE, 12, "summary"


def evidence_latin1_byte(sb):
    lines = sb.path(EVIDENCE).read_bytes().split(b"\n")
    lines[29] = lines[29].replace(b",", b",\xe9", 1)
    sb.path(EVIDENCE).write_bytes(b"\n".join(lines))
    return ["summary"], EVIDENCE, 30, "encoding"


def evidence_semicolons(sb):
    rows = list(csv.reader(io.StringIO(sb.read(EVIDENCE), newline="")))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    sb.write(EVIDENCE, buf.getvalue())
    return ["weights"], EVIDENCE, 1, "header"


def sources_semicolons(sb):
    rows = list(csv.reader(io.StringIO(sb.read(SOURCES), newline="")))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    sb.write(SOURCES, buf.getvalue())
    return ["validate"], SOURCES, 1, "header"


def sources_unknown_column(sb):
    rows = list(csv.reader(io.StringIO(sb.read(SOURCES), newline="")))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([rows[0] + ["extra"]]
                                                   + [r + ["x"] for r in rows[1:]])
    sb.write(SOURCES, buf.getvalue())
    return ["weights"], SOURCES, 1, "header"


def line_separator_then_bad_rating(sb):
    sb.set_cell(EVIDENCE, 1, "summary", "first part\u2028second part")
    sb.set_cell(EVIDENCE, 2, "summary", "page one\fpage two")
    return ["weights"], EVIDENCE, sb.set_cell(EVIDENCE, 5, "combat", "X"), "combat"


def bom_then_bad_rating(sb):
    line = sb.set_cell(EVIDENCE, 7, "none", "maybe")
    sb.path(EVIDENCE).write_bytes(b"\xef\xbb\xbf" + sb.path(EVIDENCE).read_bytes())
    return ["heuer"], EVIDENCE, line, "none"


def quoted_line_break_then_bad_source(sb):
    sb.set_cell(EVIDENCE, 3, "summary", "two\nlines")
    line = sb.set_cell(EVIDENCE, 9, "source_id", "nobody") + 1  # one line longer above
    return ["sensitivity", "baseline"], EVIDENCE, line, "source_id"


def evidence_empty_date(sb):
    return ["weights"], EVIDENCE, sb.set_cell(EVIDENCE, 3, "date", ""), "date"


def analyst_rating_x(sb):
    return ["validate"], LEAD, sb.set_cell(LEAD, 2, "combat", "X"), "combat"


def analyst_unknown_item(sb):
    return ["validate"], LEAD, sb.set_cell(LEAD, 1, "evidence_id", "E99"), "evidence_id"


def analyst_empty_file(sb):
    sb.write(LEAD, "")
    return ["validate"], LEAD, 1, "header"


def analyst_latin1(sb):
    sb.path(LEAD).write_bytes(sb.path(LEAD).read_bytes().replace(b"E04,", b"E\xe904,", 1))
    return ["validate", "--case", CASE], LEAD, 3, "encoding"


def indicator_rating_x(sb):
    return ["validate"], INDICATORS, sb.set_cell(INDICATORS, 2, "technical", "X"), "technical"


def indicator_unknown_source(sb):
    return (["validate", "--case", CASE], INDICATORS,
            sb.set_cell(INDICATORS, 4, "source_id", "nobody"), "source_id")


def indicator_empty_file(sb):
    sb.write(INDICATORS, "")
    return ["validate"], INDICATORS, 1, "header"


def consensus_rating_x(sb):
    return ["consensus", CASE], LEAD, sb.set_cell(LEAD, 3, "none", "X"), "none"


def consensus_as_of_undated(sb):
    line = sb.set_cell(EVIDENCE, 2, "date", "")
    return ["consensus", CASE, "--as-of", "2024-10-25"], EVIDENCE, line, "date"


def brief_out_in_data(sb):
    return ["brief", BASELINE, "--out", "data/new/deck.pptx"], "command line", 1, "--out"


def brief_out_in_scenarios(sb):
    return ["brief", BASELINE, "--out", "scenarios/deck.pptx"], "command line", 1, "--out"


def brief_reads_data(sb):
    line = sb.set_cell(EVIDENCE, 6, "technical", "often")
    return ["brief", BASELINE, "--out", "out/deck.pptx"], EVIDENCE, line, "technical"


def brief_bad_scenario(sb):
    sb.write(BASELINE, sb.read(BASELINE) + "seed: 1\n")
    return (["brief", BASELINE, "--out", "out/new/deck.pptx"], BASELINE,
            len(sb.read(BASELINE).splitlines()), "seed")


MUTATIONS = [dup_as_of, dup_case_title, bomb_in_scenario, bomb_in_case, case_yaml_is_list,
             case_yaml_latin1, scenario_latin1, evidence_unclosed_quote, evidence_quote_runs_on,
             evidence_latin1_byte,
             evidence_semicolons, sources_semicolons, sources_unknown_column,
             line_separator_then_bad_rating, bom_then_bad_rating,
             quoted_line_break_then_bad_source, evidence_empty_date, analyst_rating_x,
             analyst_unknown_item, analyst_empty_file, analyst_latin1, indicator_rating_x,
             indicator_unknown_source, indicator_empty_file, consensus_rating_x,
             consensus_as_of_undated, brief_out_in_data, brief_out_in_scenarios,
             brief_reads_data, brief_bad_scenario]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
def test_bad_input_is_refused_located_and_nothing_is_written(sandbox, capsys, mutate):
    argv, file, line, field = mutate(sandbox)
    before = sandbox.snapshot()
    code, _, err = run_cli([*argv, "--data", "data"], capsys)
    assert code == 2, err
    assert "Traceback" not in err
    located = f"{file}:{line}: " + (f"{field}: " if field else "")
    assert located in err, err
    assert sandbox.snapshot() == before
    assert not (sandbox.root / "out").exists()


def test_a_semicolon_file_is_reported_once(sandbox, capsys):
    evidence_semicolons(sandbox)
    _, _, err = run_cli(["validate", "--data", "data"], capsys)
    mine = [line for line in err.splitlines() if line.startswith(EVIDENCE)]
    assert len(mine) == 1 and "semicolons" in mine[0], err


def test_an_unreadable_sources_file_is_reported_alone(sandbox, capsys):
    sources_semicolons(sandbox)
    _, _, err = run_cli(["validate", "--data", "data"], capsys)
    assert len(err.splitlines()) == 1 and err.startswith(f"{SOURCES}:1: header: "), err


def test_an_unclosed_quote_is_named_as_such(sandbox, capsys):
    evidence_unclosed_quote(sandbox)
    _, _, err = run_cli(["validate", "--data", "data"], capsys)
    assert f"{EVIDENCE}:41: " in err and "unclosed quote" in err, err


def test_a_valid_copy_passes(sandbox, capsys):
    line_separator_then_bad_rating(sandbox)
    sandbox.set_cell(EVIDENCE, 5, "combat", "C")
    code, out, err = run_cli(["validate", "--data", "data"], capsys)
    assert (code, out.strip()) == (0, "valid"), err


@pytest.mark.parametrize("command", ["weights", "heuer", "validate"])
def test_a_case_folder_in_the_working_directory_never_wins_over_data(sandbox, capsys, tmp_path,
                                                                     command):
    broken = tmp_path / "elsewhere"
    shutil.copytree(sandbox.path("data"), broken)
    (broken / CASE / "sources.csv").write_text("source_id;name\n", encoding="utf-8")
    shutil.copytree(sandbox.path(f"data/{CASE}"), sandbox.path(CASE))  # a good one in the cwd
    code, _, err = run_cli([command, "--case", CASE, "--data", str(broken)], capsys)
    assert code == 2 and "semicolons" in err, err


@pytest.mark.parametrize("where", ["missing", "file"])
@pytest.mark.parametrize("command", [["validate"], ["weights"], ["heuer"], ["summary"],
                                     ["sensitivity", "baseline"], ["consensus", CASE],
                                     ["brief", BASELINE]])
def test_a_data_folder_that_is_not_one_is_located(sandbox, capsys, command, where):
    data = "no-such-folder" if where == "missing" else BASELINE
    code, _, err = run_cli([*command, "--data", data], capsys)
    assert code == 2, err
    assert err.startswith(f"{data}:1: --data: "), err


def test_brief_out_inside_the_data_folder_in_use_is_refused(sandbox, capsys, tmp_path):
    other = tmp_path / "analyst-data"
    shutil.copytree(sandbox.path("data"), other)
    before = tree_digest(other)
    code, _, err = run_cli(["brief", BASELINE, "--out", str(other / "deck.pptx"),
                            "--data", str(other)], capsys)
    assert code == 2 and "command line:1: --out: " in err, err
    assert tree_digest(other) == before and not (other / "briefing-charts").exists()


def test_refuse_protected_output(tmp_path):
    data = tmp_path / "d"
    refuse_protected_output(tmp_path / "out" / "deck.pptx", [data])
    refuse_protected_output(tmp_path / "d-other" / "deck.pptx", [data])
    for bad in (data / "deck.pptx", data / "new" / "x", data, paths.scenarios_dir() / "a.html",
                paths.data_dir() / "x" / "y.pptx"):
        with pytest.raises(InputError) as info:
            refuse_protected_output(bad, [data])
        [problem] = info.value.problems
        assert (problem.path, problem.line, problem.field) == ("command line", 1, "--out")
    assert not data.exists()


def test_a_failed_fit_prints_its_whole_reason(sandbox, capsys, monkeypatch):
    from achlab.engines import mcmc

    def failing(case, *args, **kwargs):
        raise mcmc.SamplingProblem("The PyMC fit cannot be trusted:\n- r_hat 1.2\n- bulk ESS 40")

    monkeypatch.setattr(mcmc, "fit", failing)
    code, _, err = run_cli(["weights", "--method", "mcmc", "--data", "data"], capsys)
    assert code == 1
    assert err.splitlines() == [f"{BASELINE}:1: mcmc: The PyMC fit cannot be trusted:",
                                f"{BASELINE}:1: mcmc: - r_hat 1.2",
                                f"{BASELINE}:1: mcmc: - bulk ESS 40"]
    sandbox.write(BASELINE, sandbox.read(BASELINE) + "mcmc: {draws: 100}\n")
    code, _, err = run_cli(["weights", "--method", "mcmc", "--data", "data"], capsys)
    n = len(sandbox.read(BASELINE).splitlines())
    assert code == 1 and err.count(f"{BASELINE}:{n}: mcmc: ") == 3, err


def test_any_other_failure_prints_every_line_of_its_reason(sandbox, capsys, monkeypatch):
    from achlab.engines import classic

    def failing(case):
        raise RuntimeError("first\nsecond")

    monkeypatch.setattr(classic, "heuer_scores", failing)
    code, _, err = run_cli(["heuer", "--data", "data"], capsys)
    assert code == 1 and err.splitlines() == ["achlab heuer: first", "achlab heuer: second"]


def test_ascii_fallbacks():
    text = "a \u2013 b \u2014 c \u2265 d \u00d7 e \u2192 f \u00b1 g caf\u00e9 \u4e2d"
    assert text.encode("ascii", "achlab-ascii-fallback") == \
        b"a - b -- c >= d x e -> f +/- g cafe ?"
    with pytest.raises(UnicodeDecodeError):
        ascii_fallback(UnicodeDecodeError("ascii", b"\xff", 0, 1, "bad"))


def test_every_message_prints_on_an_ascii_terminal(sandbox):
    sandbox.set_cell(EVIDENCE, 4, "combat", "\u2265C\u2014")
    env = {**_env(sandbox), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "achlab", "validate", "--data", "data"],
                            cwd=sandbox.root, env=env, capture_output=True, timeout=120)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode("ascii")
    assert f"{EVIDENCE}:5: combat: '>=C--'" in err and "Traceback" not in err


def test_the_streams_fall_back_to_ascii_in_a_fresh_process():
    code = ("from achlab.cli import _printable_streams; _printable_streams(); "
            "print('a \\u2013 b \\u2265 c \\u00d7 d \\u2192 e'); "
            "import sys; print('\\u2014', file=sys.stderr)")
    env = {**__import__("os").environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == (b"a - b >= c x d -> e\n", b"--\n")


@pytest.mark.parametrize("command", [["heuer"], ["sensitivity", "baseline"], ["weights"]],
                         ids=["heuer", "sensitivity", "weights"])
def test_commands_print_on_an_ascii_terminal(sandbox, command):
    env = {**_env(sandbox), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "achlab", *command, "--data", "data"],
                            cwd=sandbox.root, env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("ascii").strip()


def _env(sandbox) -> dict:
    import os

    return {**os.environ, "ACHLAB_SCENARIOS": str(sandbox.path("scenarios")),
            "ACHLAB_OUT": str(sandbox.path("out")), "MPLBACKEND": "Agg"}


def test_weights_json_is_byte_identical_across_runs(sandbox, capsys):
    outs = []
    for _ in range(2):
        code, out, err = run_cli(["weights", "--json", "--data", "data"], capsys)
        assert code == 0, err
        outs.append(out)
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["case"] == CASE


def test_the_scenarios_folder_of_the_scenarios_given_is_protected(sandbox, capsys, monkeypatch):
    monkeypatch.delenv("ACHLAB_SCENARIOS")  # the copy's scenarios/ is protected as given
    before = sandbox.snapshot()
    for command in (["run", "scenarios/baseline.yaml", "--no-progress", "--no-course",
                     "--out", "scenarios/x"],
                    ["brief", "scenarios/baseline.yaml", "--out", "scenarios/deck.pptx"]):
        code, _, err = run_cli([*command, "--data", "data"], capsys)
        assert code == 2, err
        assert "command line:1: --out:" in err and "Traceback" not in err
        assert sandbox.snapshot() == before
