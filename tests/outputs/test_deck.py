"""The briefing deck: 16:9 throughout, every shape on the slide, every text fitting its box,
one message per slide, notes on every content slide; and, rendered by LibreOffice, nothing
running off a slide.

Text is measured here independently of the deck's own wrapping: each line the deck wrote (its
explicit line breaks) is measured with PIL on the font the run names, and must fit the box's
inner width at the run's size; the lines and paragraph gaps must fit its inner height.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from achlab import paths
from achlab.engines.exact import exact_weights
from achlab.load.scenario import load_scenario
from achlab.model.words import headline
from tests.helpers import replace_line, write_toy_case

EMU_PER_PT = 12700
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


# ---------------------------------------------------------------------------- decks
@pytest.fixture(scope="module")
def bundled_deck(tmp_path_factory) -> Path:
    """The deck of every bundled scenario, written through ``achlab brief``."""
    from achlab.cli import main

    deck = tmp_path_factory.mktemp("deck") / "briefing.pptx"
    scenarios = [str(p) for p in paths.scenario_files()]
    assert main(["brief", *scenarios, "--out", str(deck)]) == 0
    return deck


@pytest.fixture(scope="module")
def toy_deck(tmp_path_factory) -> Path:
    """The deck of a small new case, with a scenario description far too long for one slide."""
    from achlab.outputs.deck import write_deck

    toy = write_toy_case(tmp_path_factory.mktemp("toy"))
    long = " ".join(f"Sentence {n} of a long account of why the app is doubted." for n in range(80))
    replace_line(toy.scenario, 3, f"description: {long}")
    return write_deck([toy.scenario], toy.root / "out" / "deck.pptx", data_dir=toy.data)


def _open(deck: Path):
    from pptx import Presentation

    return Presentation(str(deck))


DECKS = ["bundled_deck", "toy_deck"]


# ---------------------------------------------------------------------------- measuring
def _font_file(bold: bool) -> str:
    from matplotlib import font_manager

    props = font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    return font_manager.findfont(props, fallback_to_default=False)


def _width_pt(text: str, size_pt: float, bold: bool) -> float:
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(bold), size=int(size_pt * 20)).getlength(text) / 20


def _natural_height_pt(size_pt: float) -> float:
    from PIL import ImageFont

    ascent, descent = ImageFont.truetype(_font_file(False), size=int(size_pt * 20)).getmetrics()
    return (ascent + descent) / 20


def _lines(paragraph) -> list[list]:
    """The paragraph's lines, each a list of runs (split at explicit line breaks)."""
    lines: list[list] = [[]]
    for child in paragraph._p:
        if child.tag == f"{A_NS}br":
            lines.append([])
        elif child.tag == f"{A_NS}r":
            lines[-1].append(child)
    return lines


def _paragraph_problems(paragraph, width_pt: float) -> tuple[float, list[str]]:
    """(height in points, problems) of one paragraph in a box ``width_pt`` wide."""
    from pptx.text.text import _Run

    problems = []
    p_pr = paragraph._p.pPr
    indent = int(p_pr.get("marL", 0)) / EMU_PER_PT if p_pr is not None else 0.0
    runs = [_Run(r, paragraph) for line in _lines(paragraph) for r in line]
    sizes = {r.font.size.pt if r.font.size else None for r in runs}
    if None in sizes:
        return 0.0, [f"a run without a font size: {paragraph.text[:40]!r}"]
    if {r.font.name for r in runs} - {"DejaVu Sans"}:
        problems.append(f"a run in another font: {paragraph.text[:40]!r}")
    size = max(sizes) if sizes else 12.0
    spacing = paragraph.line_spacing
    line_pt = spacing.pt if hasattr(spacing, "pt") else 1.2 * size
    if line_pt < _natural_height_pt(size):
        problems.append(f"line spacing {line_pt} pt below the font's height at {size} pt")
    for line in _lines(paragraph):
        text = "".join(_Run(r, paragraph).text for r in line)
        bold = any(_Run(r, paragraph).font.bold for r in line)
        if _width_pt(text, size, bold) > width_pt - indent + 0.5:
            problems.append(f"line wider than its box: {text[:50]!r}")
    before = paragraph.space_before.pt if paragraph.space_before is not None else 0.0
    return len(_lines(paragraph)) * line_pt + before, problems


def _text_problems(shape) -> list[str]:
    """Everything in ``shape``'s text that does not fit its box."""
    frame = shape.text_frame
    inner_w = (shape.width - frame.margin_left - frame.margin_right) / EMU_PER_PT
    inner_h = (shape.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
    height, problems = 0.0, []
    for n, paragraph in enumerate(frame.paragraphs):
        h, found = _paragraph_problems(paragraph, inner_w)
        height += h if n else h - (paragraph.space_before.pt if paragraph.space_before else 0)
        problems += found
    if height > inner_h + 0.5:
        problems.append(f"text {height:.0f} pt high in a box {inner_h:.0f} pt high: "
                        f"{frame.text[:50]!r}")
    return problems


# ---------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("deck_name", DECKS)
def test_every_shape_lies_inside_a_16_9_slide(deck_name, request):
    prs = _open(request.getfixturevalue(deck_name))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    outside = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in [*slide.shapes, *slide.slide_layout.placeholders]:
            box = (shape.left, shape.top, shape.width, shape.height)
            if None in box or box[2] <= 0 or box[3] <= 0:
                outside.append(f"slide {n}: {shape.name} has no size {box}")
            elif (box[0] < 0 or box[1] < 0 or box[0] + box[2] > prs.slide_width
                  or box[1] + box[3] > prs.slide_height):
                outside.append(f"slide {n}: {shape.name} runs off the slide {box}")
    assert not outside, outside


@pytest.mark.parametrize("deck_name", DECKS)
def test_layouts_are_stretched_to_16_9(deck_name, request):
    prs = _open(request.getfixturevalue(deck_name))
    for slide in prs.slides:
        title = next(p for p in slide.slide_layout.placeholders if p.placeholder_format.idx == 0)
        centre = title.left + title.width / 2
        assert abs(centre - prs.slide_width / 2) < prs.slide_width * 0.02, slide.slide_layout.name


@pytest.mark.parametrize("deck_name", DECKS)
def test_every_text_fits_its_box(deck_name, request):
    prs = _open(request.getfixturevalue(deck_name))
    problems = [f"slide {n}: {p}" for n, slide in enumerate(prs.slides, start=1)
                for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text
                for p in _text_problems(shape)]
    assert not problems, problems


@pytest.mark.parametrize("deck_name", DECKS)
def test_every_content_slide_has_talking_points(deck_name, request):
    prs = _open(request.getfixturevalue(deck_name))
    for n, slide in enumerate(list(prs.slides)[1:], start=2):
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        for point in ("Judgement", "Key evidence", "Assumptions", "What would change our mind"):
            assert point in notes, f"slide {n} notes lack {point!r}: {notes[:80]!r}"


@pytest.mark.parametrize("deck_name", DECKS)
def test_pictures_are_centred_and_titles_say_the_message(deck_name, request):
    prs = _open(request.getfixturevalue(deck_name))
    pictures = 0
    for slide in prs.slides:
        assert slide.shapes.title is not None and slide.shapes.title.text.strip()
        for shape in slide.shapes:
            if shape.shape_type == 13:  # picture
                pictures += 1
                assert abs(shape.left + shape.width / 2 - prs.slide_width / 2) < 2 * 12700
    assert pictures >= 3


def test_bundled_deck_has_one_message_per_slide(bundled_deck):
    prs = _open(bundled_deck)
    titles = [s.shapes.title.text.replace("\v", " ").replace("\n", " ") for s in prs.slides]
    files = paths.scenario_files()
    lead = load_scenario(files[0])
    w = exact_weights(lead)
    assert " ".join(titles[0].split()) == lead.question
    assert titles[1] == "Bottom line \u2014 " + headline(lead.labels[w.leading], w[w.leading],
                                                          lead.yardstick)
    assert any(t.startswith("Scenarios side by side") for t in titles)
    assert any(t.startswith("The evidence: the 20 most diagnostic") for t in titles)
    assert any(t.startswith("What would change our mind") for t in titles)
    assert any(t.startswith("Sources") for t in titles)
    for path in files:
        name = load_scenario(path).name
        assert any(t.startswith(f"Assumptions of {name}:") for t in titles), name


def test_same_headline_number_on_title_and_bottom_line_slides(bundled_deck):
    prs = _open(bundled_deck)
    slides = list(prs.slides)
    lead = load_scenario(paths.scenario_files()[0])
    w = exact_weights(lead)
    line = headline(lead.labels[w.leading], w[w.leading], lead.yardstick)
    subtitle = slides[0].placeholders[1].text_frame.text
    assert line in subtitle.replace("\v", " ").replace("\n", " ")
    assert line in slides[1].notes_slide.notes_text_frame.text
    assert "exact engine" in subtitle


def test_the_deck_states_the_confidence_of_every_scenario(bundled_deck):
    from achlab.engines.confidence import confidence

    prs = _open(bundled_deck)
    lead = load_scenario(paths.scenario_files()[0])
    judged = confidence(lead)
    subtitle = list(prs.slides)[0].placeholders[1].text_frame.text.replace("\v", " ")
    assert f"{judged.level} confidence" in subtitle.replace("\n", " ")
    notes = list(prs.slides)[1].notes_slide.notes_text_frame.text
    assert all(reason in notes for reason in judged.reasons)
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes
                    if sh.has_text_frame).replace("\v", " ").replace("\n", " ")
    for path in paths.scenario_files():
        case = load_scenario(path)
        w = exact_weights(case)
        said = headline(case.labels[w.leading], w[w.leading], case.yardstick)
        assert f"{said}, {confidence(case).level} confidence" in text, case.name


def test_a_long_description_spreads_over_several_slides(toy_deck):
    prs = _open(toy_deck)
    titles = [s.shapes.title.text for s in prs.slides]
    pages = [t for t in titles if t.startswith("Assumptions of toy-skeptic")]
    assert len(pages) >= 2, titles
    assert pages[-1].endswith(f"({len(pages)} of {len(pages)})")


def test_fit_title_shrinks_then_wraps_long_titles():
    from achlab.outputs.deck import TITLE_BOX, fit_title, text_width_pt

    short, size = fit_title("Sources")
    assert (short, size) == (["Sources"], 28)
    lines, size = fit_title("What would change our mind " * 8)
    assert size < 28 and len(lines) >= 2
    assert all(text_width_pt(x, size) <= TITLE_BOX.inner_width_pt for x in lines)


def test_paginate_keeps_every_word_and_fills_no_page_beyond_its_box():
    from achlab.outputs.deck import CONTENT_BOX, block_height_pt, bullet, paginate

    paragraphs = [bullet(f"point {n} " + "word " * 40) for n in range(30)]
    pages = paginate(paragraphs, 18, CONTENT_BOX)
    assert len(pages) > 1
    assert all(block_height_pt(page, 18) <= CONTENT_BOX.inner_height_pt for page in pages)
    words = " ".join(line for page in pages for para in page for line in para).split()
    assert words == " ".join(paragraphs).split()


# ---------------------------------------------------------------------------- rendered
def _require_libreoffice() -> None:
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if not missing:
        return
    reason = (f"{' and '.join(missing)} not found "
              "(apt-get install libreoffice-impress poppler-utils)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: the rendering test must run in CI")
    pytest.skip(reason)


def _margin_ink(image: Path, margin: int = 6) -> list[str]:
    """Sides of ``image`` whose outer ``margin`` pixels hold anything but the background."""
    from PIL import Image

    with Image.open(image) as im:
        grey = np.asarray(im.convert("L"), dtype=int)
    background = int(np.median(grey[:margin]))
    sides = {"top": grey[:margin], "bottom": grey[-margin:],
             "left": grey[:, :margin], "right": grey[:, -margin:]}
    return [side for side, band in sides.items() if np.abs(band - background).max() > 40]


@pytest.mark.slow
@pytest.mark.parametrize("deck_name", DECKS)
def test_rendered_slides_keep_their_text_inside(deck_name, request, tmp_path):
    _require_libreoffice()
    from achlab.notebook.look import render_deck

    deck = request.getfixturevalue(deck_name)
    images = render_deck(deck, tmp_path / "slides")
    assert len(images) == len(_open(deck).slides)
    ink = {image.name: sides for image in images if (sides := _margin_ink(image))}
    assert not ink, ink


def test_wrapping_never_parts_a_percent_sign_from_its_number():
    from achlab.outputs.deck import wrap_text

    text = "Combat troops: almost certain (>99 %), moderate confidence " * 3
    for width in range(120, 400, 7):
        for line in wrap_text(text, 20, width):
            assert not line.startswith("%"), (width, line)


def test_per_hypothesis_motives_are_shown_as_set():
    from achlab.outputs.tables import assumptions_frame

    case = load_scenario(paths.scenarios_dir() / "skeptic-of-interested-parties.yaml")
    value = assumptions_frame(case).loc["source ua-gov", "value"]
    assert value.endswith("motive combat 0.90, technical 0.95, none 0.60"), value


def test_flip_point_lines_read_as_one_sentence():
    """Seen on the sensitivity slide: "…, motive now 0.90: below 0.021: Technical … leads"."""
    import re

    from achlab.outputs.deck import _flip_lines

    case = load_scenario(paths.scenarios_dir() / "baseline.yaml")
    flips = [line for line in _flip_lines(case) if line.startswith("Flip point")]
    assert flips
    for line in flips:
        assert line.count(":") == 1, line
        assert re.fullmatch(r"Flip point: .+, (reliability|motive) now \d\.\d{2,3}; "
                            r".+ leads (below|above) \d\.\d{2,3}", line), line
