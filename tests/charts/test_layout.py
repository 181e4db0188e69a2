"""The text helpers every chart shares: shortening, spreading, overlaps, fitting."""

from __future__ import annotations

import pytest
from matplotlib.transforms import Bbox

from achlab.charts import layout, new_figure


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert layout.shorten("the quick brown fox jumps", 15) == "the quick…"
    assert layout.shorten("short", 15) == "short"


def test_source_name_drops_the_parenthesised_detail():
    assert layout.source_name("Ukrainian government (GUR, MoD)", "ua") == "Ukrainian government"
    assert layout.source_name(" (only detail)", "ua") == "ua"


def test_font_for_rows_stays_within_bounds():
    assert layout.font_for_rows(0, 300, 8, 13) == 13
    assert layout.font_for_rows(30, 300, 8, 13) == 10
    assert layout.font_for_rows(300, 300, 8, 13) == 8


def test_spread_keeps_order_gap_and_bounds():
    out = layout.spread([50.0, 52.0, 51.0, 104.0], gap=11.0)
    assert out == [50.0, 72.0, 61.0, 104.0]
    # pushed past the top: the whole run moves down
    assert layout.spread([95.0, 97.0, 96.0], gap=11.0) == [83.0, 105.0, 94.0]
    order = sorted(range(4), key=lambda i: out[i])
    assert all(out[b] - out[a] >= 11.0 - 1e-9 for a, b in zip(order, order[1:], strict=False))
    assert layout.spread([], gap=5.0) == []


@pytest.mark.parametrize(("b", "gap", "expected"), [
    ((10, 0, 20, 10), 0.0, False),  # touching edges do not overlap
    ((9, 0, 20, 10), 0.0, True),
    ((12, 0, 20, 10), 3.0, True),  # within the gap
    ((0, 11, 10, 20), 0.0, False),
])
def test_overlaps(b, gap, expected):
    a = Bbox.from_extents(0, 0, 10, 10)
    assert layout.overlaps(a, Bbox.from_extents(*b), gap=gap) is expected


def test_wrap_to_and_first_fitting_respect_the_width():
    fig, _ = new_figure()
    text = "a long subtitle that runs on and on, word after word, past any reasonable width"
    width = 0.3 * fig.bbox.width
    wrapped = layout.wrap_to(fig, text, 14, width)
    assert "\n" in wrapped and wrapped.replace("\n", " ") == text
    assert layout.text_width(fig, wrapped, 14) <= width
    options = [text, "short"]
    assert layout.first_fitting(fig, options, 14, width) == "short"
    assert layout.first_fitting(fig, [text, text + "!"], 14, width) == text + "!"


SUBTITLE = ("One assumption swung per bar, every other at its mean; blue: reliability, "
            "orange hatched: motive, grey dotted: reports counted as one.")


def _at(fig, dpi):
    fig.set_dpi(dpi)
    fig.canvas.draw()
    return fig.texts[-1].get_window_extent(fig.canvas.get_renderer()).x1 / fig.bbox.width


def test_text_fitting_on_screen_but_not_in_the_exported_png_is_caught():
    """Hinting makes a line relatively wider at 200 dpi than at 100: a line ending 3 px inside
    the screen figure runs off the exported PNG, and the check names that resolution."""
    fig, ax = new_figure()
    ax.set_axis_off()
    text = fig.text(0, 0.5, SUBTITLE, fontsize=14)
    fig.canvas.draw()
    width = text.get_window_extent(fig.canvas.get_renderer()).width
    text.set_x(1 - (width + 3) / fig.bbox.width)
    assert _at(fig, 100) < 1 < _at(fig, 200)
    fig.set_dpi(100)
    assert layout.text_problems(fig) == [f"beyond the figure: {SUBTITLE!r} (at 200 dpi)"]
    assert fig.dpi == 100


def test_text_width_is_the_widest_at_any_resolution_shown():
    fig, _ = new_figure()
    fig.canvas.draw()
    on_screen = fig.text(0, 0, SUBTITLE, fontsize=14).get_window_extent(
        fig.canvas.get_renderer()).width
    measured = layout.text_width(fig, SUBTITLE, 14)
    assert measured >= on_screen
    assert measured * 200 / fig.dpi >= 0.999 * layout._measurer(200).get_text_width_height_descent(
        SUBTITLE, fig.texts[0].get_fontproperties(), ismath=False)[0]
    wrapped = layout.wrap_to(fig, SUBTITLE, 14, on_screen - 1)
    assert "\n" in wrapped


def test_shorten_to_fit_keeps_the_longest_cut_that_fits():
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8, 2))
    head = "3  ev-12, 04 Nov 2024: +28 pts. "
    text = ("South Korea's intelligence service says some 10,000 North Korean soldiers are in "
            "Russia's Kursk region and that more are being trained in the Far East")
    width = 0.6 * fig.bbox.width
    said = layout.shorten_to_fit(fig, head, text, 10.5, width)
    assert said.endswith("…") and layout.text_width(fig, head + said, 10.5) <= width
    longer = [layout.shorten(text, n) for n in range(len(said), len(text) + 1)]
    assert all(layout.text_width(fig, head + cut, 10.5) > width
               for cut in longer if len(cut) > len(said)), "a longer cut would have fitted"
    assert layout.shorten_to_fit(fig, head, "short enough", 10.5, width) == "short enough"
    plt.close(fig)
