"""``case.yaml`` and scenario files against their declared schema (:mod:`achlab.load.schema`).

Each bad input changes a line of the toy case (see ``tests/helpers.py`` for the files and their
line numbers) and checks that ``achlab validate`` exits 2 with a ``path:line: field: message``
line at the right line and field, with the expected words, and leaves the files byte-identical.
Then: ids that YAML would read as booleans, numbers or null stay the text written, all the way to
the weights; and a key given twice in a mapping is an error at the second key.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import TOY_CASE_YAML, TOY_SCENARIO_YAML, ToyCase, replace_line, tree_digest
from tests.load.test_validation import (
    parse_problems,
    run_cli,
    scenario_weights_by_hand,
    toy_weights_by_hand,
)

CASE = "case_yaml"
SCEN = "scenario"

#: (id, file attribute, {line: new text}, [(line, field, words in the message), ...])
SCHEMA_ERRORS = [
    # unknown keys
    ("case-unknown-key", CASE, {14: "colour: red"},
     [(14, "colour", "unknown field (allowed: ")]),
    ("scenario-unknown-key", SCEN, {12: "seeds: 7"},
     [(12, "seeds", "unknown field (allowed: as_of, case, description, evidence, ")]),
    ("source-override-unknown-key", SCEN,
     {8: "  app: {reliability: 0.2, motive: 0.9, colour: red}"},
     [(8, "sources.app.colour", "unknown field (allowed: group, motive, reliability)")]),
    ("evidence-unknown-key", SCEN, {10: "  exclude_items: [E4]"},
     [(10, "evidence.exclude_items", "unknown field (allowed: exclude, ratings)")]),
    ("hypothesis-unknown-key", CASE, {7: "    details: It rains."},
     [(7, "hypotheses[0].details", "unknown field (allowed: description, id, label)")]),
    # keys written with nothing after them: a mistake, not "not given"
    ("seed-empty", SCEN, {12: "seed:"},
     [(12, "seed", "is empty: give a value or leave the key out")]),
    ("prior-empty", SCEN, {6: "prior:"},
     [(6, "prior", "is empty: give a value or leave the key out")]),
    ("source-override-reliability-empty", SCEN, {8: "  app: {reliability: , motive: 0.9}"},
     [(8, "sources.app.reliability", "is empty: give a value or leave the key out")]),
    # wrong types
    ("seed-text", SCEN, {12: "seed: lucky"},
     [(12, "seed", "must be a non-negative integer, got 'lucky'")]),
    ("seed-float", SCEN, {12: "seed: 7.5"}, [(12, "seed", "must be a non-negative integer")]),
    ("seed-bool", SCEN, {12: "seed: true"}, [(12, "seed", "must be a non-negative integer")]),
    ("pooling-text", SCEN, {12: "pooling: sometimes"},
     [(12, "pooling", "must be true or false")]),
    ("source-override-motive-text", SCEN, {8: "  app: {reliability: 0.2, motive: high}"},
     [(8, "sources.app.motive", "must be a number in [0, 1], got 'high'")]),
    ("source-override-motive-bool", SCEN, {8: "  app: {reliability: 0.2, motive: yes}"},
     [(8, "sources.app.motive", "must be a number in [0, 1]")]),
    ("source-override-not-a-mapping", SCEN, {8: "  app: D"},
     [(8, "sources.app", "give a mapping such as {reliability: D, motive: 0.9}")]),
    ("source-override-reliability-list", SCEN, {8: "  app: {reliability: [D, E]}"},
     [(8, "sources.app.reliability", "must be an Admiralty letter or a number in [0, 1]")]),
    ("exclude-not-a-list", SCEN, {10: "  exclude: {E4: yes}"},
     [(10, "evidence.exclude", "must be a list of ids")]),
    ("hypothesis-label-list", CASE, {6: "    label: [Rain, Drizzle]"},
     [(6, "hypotheses[0].label", "must be text")]),
    ("hypothesis-missing-id", CASE, {5: "  - name: rain"},
     [(5, "hypotheses[0].name", "unknown field"),
      (5, "hypotheses[0].id", "missing: give every hypothesis an id")]),
    ("case-id-not-an-id", CASE, {1: "id: my toy"},
     [(1, "id", "'my toy' is not a valid id (letters, digits, - _ .)")]),
    ("prior-not-a-mapping", SCEN, {6: "prior: [0.4, 0.3, 0.3]"},
     [(6, "prior", "must map each hypothesis id to a probability")]),
    # out-of-range numbers
    ("scenario-prior-out-of-range", SCEN, {6: "prior: {rain: 1.4, snow: 0.3, dry: 0.3}"},
     [(6, "prior.rain", "must be a number in [0, 1], got 1.4")]),
    ("seed-negative", SCEN, {12: "seed: -1"},
     [(12, "seed", "must be a non-negative integer, got -1")]),
    ("mcmc", SCEN, {12: "mcmc: {draws: 0, tune: 500, target_accept: 1.5}"},
     [(12, "mcmc.draws", "must be a positive integer, got 0"),
      (12, "mcmc.target_accept", "must be a number in [0, 1], got 1.5")]),
    ("mcmc-block", SCEN, {12: "mcmc:\n  draws: 1000\n  chains: -4"},
     [(14, "mcmc.chains", "must be a positive integer, got -4")]),
    ("source-override-motive", SCEN, {8: "  app: {reliability: 0.2, motive: 1.2}"},
     [(8, "sources.app.motive", "must be a number in [0, 1], got 1.2")]),
    ("source-override-block", SCEN, {8: "  app:\n    reliability: 0.2\n    motive: -0.5"},
     [(10, "sources.app.motive", "must be a number in [0, 1], got -0.5")]),
    ("case-rating-scale", CASE, {14: "rating_scale: {CC: 1.2}"},
     [(14, "rating_scale.CC", "must be a number in [0, 1], got 1.2")]),
    ("case-reliability-scale", CASE, {14: "reliability_scale:\n  A: {mean: 0.9, concentration: 0}"},
     [(15, "reliability_scale.A.concentration", "must be a positive number, got 0")]),
    ("case-one-hypothesis", CASE,
     {8: "prior: {rain: 1}", **{n: "" for n in range(9, 15)}},
     [(4, "hypotheses", "give a list of at least two hypotheses")]),
    # literals
    ("language", SCEN, {12: "language: fr"}, [(12, "language", "must be icd203 or uk, got 'fr'")]),
    ("language-as-written", SCEN, {12: "language: no"},
     [(12, "language", "must be icd203 or uk, got 'no'")]),
    # dates
    ("resolution-date", CASE, {14: "resolution: {hypothesis: rain, date: 2024-02-30}"},
     [(14, "resolution.date", "not an ISO date (YYYY-MM-DD): '2024-02-30'")]),
]


def change_lines(path, lines: dict[int, str]) -> None:
    """Replace lines (1-based, numbered as in the original file), last first."""
    for line in sorted(lines, reverse=True):
        replace_line(path, line, lines[line])


def validate_args(toy: ToyCase, which: str) -> list[str]:
    """``achlab validate`` arguments for the toy case or its scenario."""
    target = ["--case", "toy"] if which == CASE else [str(toy.scenario)]
    return ["validate", *target, "--data", str(toy.data)]


@pytest.mark.parametrize("kind, which, lines, expected", SCHEMA_ERRORS,
                         ids=[e[0] for e in SCHEMA_ERRORS])
def test_schema_error_is_located(toy_case_dir, capsys, kind, which, lines, expected):
    change_lines(getattr(toy_case_dir, which), lines)
    before = tree_digest(toy_case_dir.root)
    code, out, err = run_cli(capsys, *validate_args(toy_case_dir, which))
    assert "Traceback" not in err + out
    assert code == 2, err
    path = getattr(toy_case_dir, which).resolve()
    found = {(n, f): m for p, n, f, m in parse_problems(err) if p == path}
    for line, field, words in expected:
        assert (line, field) in found, f"{line} {field} not in {sorted(found)}"
        assert words in found[(line, field)], found[(line, field)]
    assert tree_digest(toy_case_dir.root) == before


def test_every_schema_and_case_problem_is_reported_at_once(toy_case_dir, capsys):
    # schema problems (seed, language, a source override) and problems that need the case
    # (an unknown source, an unknown evidence item) in one run, in line order
    change_lines(toy_case_dir.scenario, {
        8: "  ghost: {reliability: 0.2}\n  app: {motive: 2}",
        10: "  exclude: [E9]",
        12: "seed: -3\nlanguage: french",
    })
    code, _, err = run_cli(capsys, *validate_args(toy_case_dir, SCEN))
    assert code == 2
    located = [(n, f) for _, n, f, _ in parse_problems(err)]
    assert located == [(8, "sources.ghost"), (9, "sources.app.motive"), (11, "evidence.exclude"),
                       (13, "seed"), (14, "language")]


def test_a_failing_command_writes_nothing(toy_case_dir, capsys):
    replace_line(toy_case_dir.scenario, 12, "mcmc: {draws: 0}")
    before = tree_digest(toy_case_dir.root)
    for command in ("weights", "heuer"):
        code, out, err = run_cli(capsys, command, "--scenario", str(toy_case_dir.scenario),
                                 "--data", str(toy_case_dir.data))
        assert code == 2 and out == ""
        assert parse_problems(err)
    assert tree_digest(toy_case_dir.root) == before


# ---------------------------------------------------------------------------- ids as written
WORDY_IDS = [("yes", "no", "on"), ("off", "1", "null"), ("true", "0.5", "no")]


def rename_toy_ids(toy: ToyCase, hyps: tuple[str, str, str], source: str, item: str) -> None:
    """Give the toy case's hypotheses, the ``app`` source and item ``E4`` other ids, unquoted."""
    a, b, c = hyps
    change_lines(toy.case_yaml, {5: f"  - id: {a}", 8: f"  - id: {b}", 11: f"  - id: {c}",
                                 14: f"prior: {{{a}: 0.5, {b}: 0.25, {c}: 0.25}}"})
    change_lines(toy.sources_csv, {3: f"{source},Weather app,app,0.5,0.2,apps,"})
    change_lines(toy.evidence_csv, {
        1: f"evidence_id,date,summary,source_id,credibility,relevance,origin,citation,{a},{b},{c}",
        3: f"E2,2024-10-02,The app says rain,{source},2,M,,,C,N,II",
        5: f"{item},2024-10-04,A cat sleeps on the porch,farmer,3,M,,,NA,NA,NA",
    })
    change_lines(toy.scenario, {6: f"prior: {{{a}: 0.4, {b}: 0.3, {c}: 0.3}}",
                                8: f"  {source}: {{reliability: 0.2, motive: 0.9}}",
                                10: f"  exclude: [{item}]",
                                11: f"  ratings: {{E3: {{{a}: C}}}}"})


@pytest.mark.parametrize("hyps", WORDY_IDS, ids="-".join)
def test_ids_stay_the_text_written(toy_case_dir, capsys, hyps):
    rename_toy_ids(toy_case_dir, hyps, source="on", item="null")
    rename = dict(zip(("rain", "snow", "dry"), hyps, strict=True))
    before = tree_digest(toy_case_dir.root)
    for target, expected in ((["--case", "toy"], toy_weights_by_hand()),
                             (["--scenario", str(toy_case_dir.scenario)],
                              scenario_weights_by_hand())):
        code, out, err = run_cli(capsys, "weights", *target, "--json",
                                 "--data", str(toy_case_dir.data))
        assert code == 0, err
        weights = json.loads(out)["weights"]
        assert list(weights) == list(hyps)
        for old, new in rename.items():
            assert weights[new]["mean"] == pytest.approx(expected[old], rel=1e-12)
    code, out, err = run_cli(capsys, "heuer", "--case", "toy", "--json",
                             "--data", str(toy_case_dir.data))
    assert code == 0, err
    assert set(json.loads(out)["diagnosticity"]) == {"E1", "E2", "E3", "null"}
    assert tree_digest(toy_case_dir.root) == before


def test_case_and_scenario_names_stay_the_text_written(toy_case_dir, capsys):
    toy_case_dir.case.rename(toy_case_dir.data / "no")
    (toy_case_dir.data / "no" / "case.yaml").write_text(
        TOY_CASE_YAML.replace("id: toy", "id: no"), encoding="utf-8")
    toy_case_dir.scenario.write_text(
        TOY_SCENARIO_YAML.replace("name: toy-skeptic", "name: yes").replace("case: toy",
                                                                             "case: no"),
        encoding="utf-8")
    code, out, err = run_cli(capsys, "weights", "--scenario", str(toy_case_dir.scenario),
                             "--json", "--data", str(toy_case_dir.data))
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["case"], doc["scenario"]) == ("no", "yes")


def test_wordy_ids_once_failed_as_booleans(toy_case_dir):
    # the example: hypotheses yes and no were read as True and False
    from achlab.load import load_case

    rename_toy_ids(toy_case_dir, ("yes", "no", "off"), source="app", item="E4")
    case = load_case("toy", toy_case_dir.data)
    assert case.hypothesis_ids == ("yes", "no", "off")
    assert list(case.prior) == ["yes", "no", "off"]
    assert all(set(e.ratings) == {"yes", "no", "off"} for e in case.evidence)


# ---------------------------------------------------------------------------- duplicate keys
#: (id, file attribute, new text of the whole file, line, field, first line)
DUPLICATES = [
    ("scenario-top-level", SCEN, TOY_SCENARIO_YAML + "as_of: 2024-10-01\n", 13, "as_of", 5),
    ("scenario-quoted-twin", SCEN, TOY_SCENARIO_YAML + '"seed": 8\n', 13, "seed", 12),
    ("scenario-nested-flow", SCEN,
     TOY_SCENARIO_YAML.replace("{E3: {rain: C}}", "{E3: {rain: C, rain: I}}"),
     11, "evidence.ratings.E3.rain", 11),
    ("scenario-nested-block", SCEN,
     TOY_SCENARIO_YAML.replace("  app: {reliability: 0.2, motive: 0.9}\n",
                               "  app: {reliability: 0.2, motive: 0.9}\n  app: {motive: 0.1}\n"),
     9, "sources.app", 8),
    ("case-top-level", CASE, TOY_CASE_YAML + "prior: {rain: 0.2, snow: 0.4, dry: 0.4}\n",
     15, "prior", 14),
    ("case-in-a-hypothesis", CASE,
     TOY_CASE_YAML.replace("    label: Snow\n", "    label: Snow\n    label: Sleet\n"),
     10, "hypotheses[1].label", 9),
]


@pytest.mark.parametrize("kind, which, text, line, field, first", DUPLICATES,
                         ids=[d[0] for d in DUPLICATES])
def test_duplicate_key_is_an_error_at_the_second_key(toy_case_dir, capsys, kind, which, text,
                                                     line, field, first):
    path = getattr(toy_case_dir, which)
    path.write_text(text, encoding="utf-8")
    before = tree_digest(toy_case_dir.root)
    for args in (validate_args(toy_case_dir, which),
                 ["weights", "--scenario", str(toy_case_dir.scenario), "--json",
                  "--data", str(toy_case_dir.data)]):
        code, out, err = run_cli(capsys, *args)
        assert code == 2, f"{args[0]}: exit {code}, {out!r}"  # the last value does not win
        assert (path.resolve(), line, field, f"duplicate key (first at line {first})") in \
            parse_problems(err)
    assert tree_digest(toy_case_dir.root) == before


def test_duplicate_key_is_reported_with_the_other_problems(toy_case_dir, capsys):
    toy_case_dir.scenario.write_text(
        TOY_SCENARIO_YAML.replace("seed: 7", "seed: -7") + "as_of: 2024-10-01\n",
        encoding="utf-8")
    code, _, err = run_cli(capsys, *validate_args(toy_case_dir, SCEN))
    assert code == 2
    located = [(n, f, m) for _, n, f, m in parse_problems(err)]
    assert located == [(12, "seed", "must be a non-negative integer, got -7"),
                       (13, "as_of", "duplicate key (first at line 5)")]


@pytest.mark.parametrize("word", ["null", "~", "NULL"])
def test_null_as_free_text_is_empty_but_as_an_id_is_the_word(toy_case_dir, word):
    from achlab.load import load_scenario

    replace_line(toy_case_dir.scenario, 2, f"title: {word}")
    replace_line(toy_case_dir.scenario, 3, f"description: {word}")
    case = load_scenario(toy_case_dir.scenario, toy_case_dir.data)
    assert case.scenario.title == "toy-skeptic"  # an empty title falls back to the name
    assert case.scenario.description == ""
