"""Optional parts of a case (resolution, analysts, indicators): a note, and later cells skipped."""

from __future__ import annotations

from dataclasses import replace

import pytest
from IPython.core.interactiveshell import InteractiveShell

from achlab.load.case import load_case
from achlab.notebook.optional import missing, require


@pytest.fixture
def toy(toy_case_dir):
    return load_case("toy", toy_case_dir.data), toy_case_dir.data


def test_notes_say_what_to_add(toy):
    case, data = toy
    assert case.resolution is None
    note = missing(case, "resolution", data)
    assert "resolution:" in note and f"hypothesis: {case.hypothesis_ids[0]}" in note
    columns = ",".join(case.hypothesis_ids)
    assert f"evidence_id,{columns}" in missing(case, "analysts", data)
    assert f"indicator_id,event,source_id,{columns},notes" in missing(case, "indicators", data)


def test_present_parts_give_no_note(toy):
    case, data = toy
    folder = data / "toy"
    (folder / "analysts").mkdir()
    assert missing(case, "analysts", data) is not None  # an empty folder is not enough
    (folder / "analysts" / "ann.csv").write_text("evidence_id\n", encoding="utf-8")
    (folder / "indicators.csv").write_text("indicator_id\n", encoding="utf-8")
    resolved = replace(case, resolution={"hypothesis": case.hypothesis_ids[0]})
    assert missing(case, "analysts", data) is None
    assert missing(case, "indicators", data) is None
    assert missing(resolved, "resolution", data) is None


def test_later_cells_are_skipped_until_require_passes(toy):
    case, data = toy
    shell = InteractiveShell.instance()
    try:
        shell.user_ns.update(case=case, data=data, require=require, replace=replace)
        shell.run_cell("ok = require(case, 'resolution', data)")
        assert shell.user_ns["ok"] is False
        result = shell.run_cell("boom = 1 / 0")
        assert result.success and "boom" not in shell.user_ns
        shell.run_cell("case = replace(case, resolution={'hypothesis': case.hypothesis_ids[0]})\n"
                       "ok = require(case, 'resolution', data)")
        assert shell.user_ns["ok"] is True
        assert shell.run_cell("after = 2").success and shell.user_ns["after"] == 2
    finally:
        InteractiveShell.clear_instance()
