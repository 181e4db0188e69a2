"""``make look``: what a person sees after a run, rendered into ``out/look/``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from achlab import paths
from achlab.notebook import look


def _fake_run(out: Path) -> Path:
    """A run's folder with an index, one report, two charts and leftovers to ignore."""
    (out / "baseline").mkdir(parents=True)
    (out / "index.html").write_text("<h1>Index</h1><p>Combat troops: very likely</p>")
    (out / "baseline" / "01-weights.html").write_text("<h1>Weights</h1>")
    (out / "baseline" / "weights.png").write_bytes(b"png-1")
    (out / "briefing-charts").mkdir()
    (out / "briefing-charts" / "matrix-baseline.png").write_bytes(b"png-2")
    (out / ".partial").mkdir()
    (out / ".partial" / "half.html").write_text("half")
    (out / "look" / "charts").mkdir(parents=True)
    (out / "look" / "charts" / "old.png").write_bytes(b"old")
    return out


def test_without_a_run_it_says_so_and_exits_2(tmp_path, capsys):
    assert look.main(["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no run" in err and "make run" in err
    assert not (tmp_path / "look").exists()


def test_finds_the_index_first_then_every_report(tmp_path):
    out = _fake_run(tmp_path / "out")
    pages = look.find_pages(out)
    assert [p.relative_to(out).as_posix() for p in pages] == ["index.html",
                                                              "baseline/01-weights.html"]


def test_copies_every_chart_of_the_run_and_nothing_of_its_own(tmp_path):
    out = _fake_run(tmp_path / "out")
    copies = look.copy_charts(out, out / "look" / "charts")
    assert sorted(p.name for p in copies) == ["baseline__weights.png",
                                              "briefing-charts__matrix-baseline.png"]
    assert (out / "look" / "charts" / "baseline__weights.png").read_bytes() == b"png-1"


def test_a_missing_tool_is_named_and_the_rest_still_rendered(tmp_path, monkeypatch, capsys):
    out = _fake_run(tmp_path / "out")
    monkeypatch.setattr(look, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert look.main(["--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no-chromium not found" in err
    assert "no deck in this run" in err
    assert (out / "look" / "charts" / "baseline__weights.png").is_file()


def test_make_look_calls_the_module_and_ci_installs_its_tools():
    root = paths.project_root()
    makefile = (root / "Makefile").read_text()
    assert "\nlook: $(STAMP)\n\t$(VPY) -m achlab.notebook.look\n" in makefile
    assert "make look" in makefile
    ci = (root / ".ci" / "run").read_text()
    assert "libreoffice-impress" in ci and "poppler-utils" in ci


def _require(tools: list[str]) -> None:
    missing = [t for t in tools if shutil.which(t) is None and not Path(t).is_file()]
    if not missing:
        return
    reason = f"{', '.join(missing)} not found"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: make look must be tested in CI")
    pytest.skip(reason)


@pytest.mark.slow
def test_renders_deck_pages_and_charts(tmp_path):
    from PIL import Image

    from achlab.outputs.deck import write_deck
    from tests.helpers import write_toy_case

    _require([look.CHROMIUM, "soffice", "pdftoppm"])
    toy = write_toy_case(tmp_path / "case")
    out = _fake_run(tmp_path / "out")
    write_deck([toy.scenario], out / "briefing.pptx", charts=out, data_dir=toy.data)
    assert look.main(["--out", str(out)]) == 0
    slides = sorted((out / "look" / "deck").glob("slide-*.png"))
    assert len(slides) >= 5
    with Image.open(slides[0]) as im:
        assert im.size[0] / im.size[1] == pytest.approx(16 / 9, rel=0.01)
    pages = sorted(p.name for p in (out / "look" / "pages").glob("*.png"))
    assert pages == ["baseline__01-weights.png", "index.png"]
    with Image.open(out / "look" / "pages" / "index.png") as im:
        assert im.size == look.WINDOW
    charts = {p.name for p in (out / "look" / "charts").glob("*.png")}
    assert "briefing-charts__weights-toy-skeptic.png" in charts
