"""Files written whole or not at all: the old file stays until the new one is complete, and a
failed write leaves nothing behind."""

from __future__ import annotations

import pytest

from achlab.files import atomic, write_text


def test_write_text_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old", encoding="utf-8")
    assert write_text(target, "new \u2713") == target
    assert target.read_text(encoding="utf-8") == "new \u2713"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    target = tmp_path / "fit.pickle"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="half way"), atomic(target) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(b"half")
        assert not tmp.endswith(".pickle")  # a reader globbing for *.pickle never sees it
        raise RuntimeError("half way")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["fit.pickle"]
