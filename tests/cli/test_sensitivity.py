"""``achlab sensitivity``: its JSON and text on the toy case and the bundled scenarios."""

from __future__ import annotations

import contextlib
import io
import json

from achlab.cli import main


def _run_cli(argv) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argv)
    return code, buf.getvalue()


def test_cli_prints_valid_json(toy_case_dir):
    code, out = _run_cli(["sensitivity", str(toy_case_dir.scenario), "--json",
                          "--data", str(toy_case_dir.data)])
    assert code == 0
    doc = json.loads(out)
    for key in ("linchpins", "tornado", "flip_points"):
        assert key in doc
    assert doc["scenario"] == "toy-skeptic"
    sources = {f["source"] for f in doc["flip_points"]}
    assert sources == {"met", "app", "farmer"}
    assert isinstance(doc["tornado"]["bars"], list)


def test_cli_text_on_bundled_scenario():
    code, out = _run_cli(["sensitivity", "scenarios/skeptic-of-interested-parties.yaml"])
    assert code == 0
    assert "Linchpins" in out and "Tornado" in out and "Flip points" in out
