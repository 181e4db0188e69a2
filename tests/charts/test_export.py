"""Exports: every format, slide size, byte-identical reruns, never into the inputs."""

from __future__ import annotations

import hashlib
import struct

import matplotlib.pyplot as plt
import pytest

from achlab import paths
from achlab.charts import SLIDE_SIZE, export_figure, plot_weights
from achlab.engines.exact import exact_weights


def png_size(path):
    """Width and height of a PNG from its IHDR chunk."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_export_formats_size_and_reproducible_bytes(cases, tmp_path):
    case = cases[0]

    def render(folder):
        fig = plot_weights(exact_weights(case), case)
        written = export_figure(fig, "weights", out=folder, formats=("png", "svg", "pdf"))
        plt.close(fig)
        return written

    first = render(tmp_path / "a")
    second = render(tmp_path / "b")
    assert sorted(p.suffix for p in first) == [".pdf", ".png", ".svg"]
    w, h = png_size(first[0] if first[0].suffix == ".png" else
                    next(p for p in first if p.suffix == ".png"))
    assert (w, h) == (int(SLIDE_SIZE[0] * 200), int(SLIDE_SIZE[1] * 200))
    for a, b in zip(sorted(first), sorted(second), strict=True):
        digest_a = hashlib.sha256(a.read_bytes()).digest()
        assert digest_a == hashlib.sha256(b.read_bytes()).digest(), a.name
    pdf = next(p for p in first if p.suffix == ".pdf").read_bytes()
    assert b"CreationDate" not in pdf
    svg = next(p for p in first if p.suffix == ".svg").read_text()
    assert "<dc:date>" not in svg
    assert not list((tmp_path / "a").glob(".*")), "temporary files left behind"


def test_export_refuses_inputs_folders(cases):
    fig = plot_weights(exact_weights(cases[0]), cases[0])
    for folder in (paths.data_dir(), paths.scenarios_dir(), paths.data_dir() / "nk-troops-2024"):
        with pytest.raises(ValueError, match="refusing"):
            export_figure(fig, "x", out=folder)


def test_png_alone_unless_told_by_argument_or_environment(cases, tmp_path, monkeypatch):
    fig = plot_weights(exact_weights(cases[0]), cases[0])
    monkeypatch.delenv("ACHLAB_CHART_FORMATS", raising=False)
    assert [p.name for p in export_figure(fig, "w", out=tmp_path / "a")] == ["w.png"]
    monkeypatch.setenv("ACHLAB_CHART_FORMATS", "png, PDF")
    assert [p.name for p in export_figure(fig, "w", out=tmp_path / "b")] == ["w.png", "w.pdf"]
    assert [p.name for p in export_figure(fig, "w", ["svg"], out=tmp_path / "c")] == ["w.svg"]
    export_figure(fig, "w", ["png"], out=tmp_path / "b")  # the older PDF would be stale
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["w.png"]
    monkeypatch.setenv("ACHLAB_CHART_FORMATS", "png,gif")
    with pytest.raises(ValueError, match=r"\$ACHLAB_CHART_FORMATS: unknown chart format 'gif'"):
        export_figure(fig, "w", out=tmp_path / "d")
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").iterdir())
    plt.close(fig)


def test_the_png_is_what_savefig_writes(cases, tmp_path):
    """The export draws once and keeps the pixels; the file is byte for byte savefig's."""
    from achlab.charts.export import METADATA, PNG_OPTIONS

    fig = plot_weights(exact_weights(cases[0]), cases[0])
    written = export_figure(fig, "w", out=tmp_path, formats=("png",))[0]
    fig.savefig(tmp_path / "direct.png", format="png", dpi=200, metadata=METADATA["png"],
                **PNG_OPTIONS)
    plt.close(fig)
    assert written.read_bytes() == (tmp_path / "direct.png").read_bytes()


def test_the_preview_is_the_export_at_screen_resolution_until_the_figure_changes(cases,
                                                                                tmp_path):
    import io

    import numpy as np
    from PIL import Image

    from achlab.charts.export import preview_png

    fig = plot_weights(exact_weights(cases[0]), cases[0])
    assert preview_png(fig) is None, "a figure never exported has no preview"
    exported = export_figure(fig, "w", out=tmp_path, formats=("png",))[0]
    shown = Image.open(io.BytesIO(preview_png(fig)))
    width, height = (int(v) for v in fig.get_size_inches() * fig.dpi)
    assert shown.size == (width, height)
    halved = Image.open(exported).convert("RGBA").reduce(2)
    assert np.array_equal(np.asarray(shown), np.asarray(halved))
    fig.axes[0].set_title("changed after the export")
    assert preview_png(fig) is None, "a changed figure must be drawn again, not shown as saved"

    export_figure(fig, "w", out=tmp_path, formats=("png",))
    assert preview_png(fig) is not None
    fig.canvas.draw()
    assert preview_png(fig) is None, "drawn again since: the preview may no longer be it"
    export_figure(fig, "w", out=tmp_path, formats=("svg",))
    assert preview_png(fig) is None, "no PNG exported, nothing to preview"
    plt.close(fig)
