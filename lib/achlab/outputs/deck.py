"""A briefing deck (python-pptx) for one or more scenarios: one message per slide.

Slides, all 16:9:

1. the title (the question, the bottom line, the evidence cut-off, the handling marking);
2. the bottom line of the first scenario: its weights chart under a title that states the
   leading hypothesis, its estimative word and its number, and a caption naming the engine;
3. the scenarios side by side, then what each scenario concludes (when there are several);
4. the evidence matrix (the most diagnostic items);
5. what would change our mind: the tornado chart, then the flip points and linchpins in words;
6. the sources, then each scenario's assumptions and bottom line, over as many slides as
   they need.

Every text is wrapped and sized before it is placed: its width is measured with PIL on DejaVu
Sans (the font the deck names, and the one LibreOffice renders it with), so no text box ever
holds more than it can show. Charts are drawn with a blank title (the slide's title says it),
cropped, and centred in the content area; every content slide carries speaker notes with the
talking points (the judgement, the key evidence, the assumptions, the flip points) and the
chart footer. Numbers an analyst reads come from :mod:`achlab.model.words`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from achlab import paths
from achlab.charts import footer_text, plot_comparison, plot_matrix, plot_weights
from achlab.charts.comparison import agreement
from achlab.charts.export import rendered, save_pixels
from achlab.engines.classic import item_diagnosticity
from achlab.engines.exact import Weights, exact_weights
from achlab.files import atomic
from achlab.load.scenario import load_scenario
from achlab.model import Case
from achlab.model.words import estimative_word, headline, percent, setting
from achlab.outputs.tables import motive_in_words

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
#: The template's layouts are drawn for a 10-inch-wide (4:3) slide; they are stretched to 16:9.
TEMPLATE_W_IN = 10.0
#: Font named in every text run, and measured with PIL.
FONT_NAME = "DejaVu Sans"
#: Line height as a multiple of the font size (set exactly on every paragraph).
LINE_SPACING = 1.2
#: Text box insets (inches): left/right and top/bottom.
INSET_X_IN, INSET_Y_IN = 0.1, 0.05
#: Title sizes tried in turn until the title fits its box.
TITLE_SIZES = (28, 26, 24, 22, 20, 18)
#: Body text size of the text slides.
BODY_PT = 18
#: Space before every paragraph but the first, in lines.
PARA_GAP = 0.4
#: Number of matrix rows shown.
MATRIX_TOP = 20
#: Outer margin of the slide (inches).
MARGIN_IN = 0.45
EMU_PER_IN = 914400
EMU_PER_PT = 12700


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in inches."""

    left: float
    top: float
    width: float
    height: float

    @property
    def inner_width_pt(self) -> float:
        """Width available to text, in points."""
        return 72 * (self.width - 2 * INSET_X_IN)

    @property
    def inner_height_pt(self) -> float:
        """Height available to text, in points."""
        return 72 * (self.height - 2 * INSET_Y_IN)


TITLE_BOX = Box(MARGIN_IN, 0.2, SLIDE_W_IN - 2 * MARGIN_IN, 1.05)
CONTENT_BOX = Box(MARGIN_IN, 1.35, SLIDE_W_IN - 2 * MARGIN_IN, 5.45)
CAPTION_BOX = Box(MARGIN_IN, 6.85, SLIDE_W_IN - 2 * MARGIN_IN, 0.4)
HANDLING_BOX = Box(MARGIN_IN, 7.2, SLIDE_W_IN - 2 * MARGIN_IN, 0.3)
ENGINE = "exact engine"


# ---------------------------------------------------------------------------- measuring text
def font_file(bold: bool = False) -> str:
    """Path of the DejaVu Sans file (regular or bold) that matplotlib ships."""
    from matplotlib import font_manager

    props = font_manager.FontProperties(family=FONT_NAME, weight="bold" if bold else "normal")
    return font_manager.findfont(props, fallback_to_default=False)


@lru_cache(maxsize=64)
def _font(size_pt: float, bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(font_file(bold), size=int(round(size_pt * 20)))


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of one line of ``text`` at ``size_pt`` points, in points."""
    return _font(size_pt, bold).getlength(text) / 20


def wrap_text(text: str, size_pt: float, width_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of one paragraph so that every line is at most ``width_pt`` wide.

    A word wider than the line on its own is broken between characters.
    """
    lines: list[str] = []
    current = ""
    for word in _words(text):
        candidate = f"{current} {word}" if current else word
        if text_width_pt(candidate, size_pt, bold) <= width_pt:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width_pt(current, size_pt, bold) > width_pt:
            cut = _longest_prefix(current, size_pt, width_pt, bold)
            lines.append(current[:cut])
            current = current[cut:]
    if current or not lines:
        lines.append(current)
    return lines


def _words(text: str) -> list[str]:
    """The words of ``text``, a percent sign kept with its number (``92 %)`` never splits)."""
    words: list[str] = []
    for word in text.split():
        if word.startswith("%") and words:
            words[-1] += " " + word
        else:
            words.append(word)
    return words


def _longest_prefix(word: str, size_pt: float, width_pt: float, bold: bool) -> int:
    n = 1
    while n < len(word) and text_width_pt(word[:n + 1], size_pt, bold) <= width_pt:
        n += 1
    return n


def lines_height_pt(n_lines: int, size_pt: float) -> float:
    """Height of ``n_lines`` lines at ``size_pt`` points."""
    return n_lines * size_pt * LINE_SPACING


def fit_title(text: str, box: Box = TITLE_BOX, sizes=TITLE_SIZES, bold: bool = False
              ) -> tuple[list[str], int]:
    """The largest size in ``sizes`` at which ``text`` wraps into ``box``; (lines, size).

    At the smallest size, lines that do not fit are dropped and the last one kept ends in "…".
    """
    for size in sizes:
        lines = wrap_text(text, size, box.inner_width_pt, bold)
        if lines_height_pt(len(lines), size) <= box.inner_height_pt:
            return lines, size
    size = sizes[-1]
    keep = max(1, int(box.inner_height_pt // (size * LINE_SPACING)))
    lines = wrap_text(text, size, box.inner_width_pt, bold)[:keep]
    last = lines[-1]
    while last and text_width_pt(last + " …", size, bold) > box.inner_width_pt:
        last = last[:-1]
    lines[-1] = last.rstrip() + " …"
    return lines, size


def block_height_pt(paragraphs: list[list[str]], size_pt: float) -> float:
    """Height of wrapped paragraphs, with :data:`PARA_GAP` between them."""
    gaps = PARA_GAP * max(0, len(paragraphs) - 1)
    return (sum(map(len, paragraphs)) + gaps) * size_pt * LINE_SPACING


def paginate(paragraphs: list[str], size_pt: float, box: Box) -> list[list[list[str]]]:
    """Split paragraphs into pages that fit ``box``; each page a list of wrapped paragraphs.

    A paragraph is never split across pages unless it alone is taller than the box.
    """
    pages: list[list[list[str]]] = [[]]
    for para in paragraphs:
        lines = wrap_paragraph(para, size_pt, box)
        while lines:
            page = pages[-1]
            room = len(lines)
            while room and block_height_pt([*page, lines[:room]], size_pt) > box.inner_height_pt:
                room -= 1
            if room < len(lines) and page:
                pages.append([])
                continue
            room = max(room, 1)
            page.append(lines[:room])
            lines = lines[room:]
            if lines:
                pages.append([])
    return [page for page in pages if page]


#: Paragraph marks of the text slides, and the left margin (inches) of their wrapped lines.
BULLETS = {"\u2022 ": 0.3, "\u2013 ": 0.7}
#: How far a bullet hangs left of its paragraph's wrapped lines (inches).
HANG_IN = 0.3


def bullet(text: str, level: int = 0) -> str:
    """A paragraph of a text slide: ``"• text"``, or ``"– text"`` one level down."""
    return list(BULLETS)[min(level, 1)] + text


def indent_in(paragraph: str) -> float:
    """Left margin (inches) of a paragraph's wrapped lines: bullets hang, the rest align."""
    return next((margin for mark, margin in BULLETS.items() if paragraph.startswith(mark)), 0.0)


def wrap_paragraph(paragraph: str, size_pt: float, box: Box) -> list[str]:
    """:func:`wrap_text` into ``box``, less the paragraph's indent."""
    return wrap_text(paragraph, size_pt, box.inner_width_pt - 72 * indent_in(paragraph))


# ---------------------------------------------------------------------------- placing text
def _set_box(shape, box: Box) -> None:
    shape.left, shape.top = int(box.left * EMU_PER_IN), int(box.top * EMU_PER_IN)
    shape.width, shape.height = int(box.width * EMU_PER_IN), int(box.height * EMU_PER_IN)


def _fill(frame, paragraphs: list[list[str]], size_pt: float, bold: bool = False,
          colour: str | None = None) -> None:
    """Write wrapped paragraphs (lists of lines) into a text frame: no autofit, exact spacing."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu, Pt

    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Emu(int(INSET_X_IN * EMU_PER_IN))
    frame.margin_top = frame.margin_bottom = Emu(int(INSET_Y_IN * EMU_PER_IN))
    frame.clear()
    for n, lines in enumerate(paragraphs):
        para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        para.line_spacing = Pt(size_pt * LINE_SPACING)
        para.space_before = Pt(size_pt * LINE_SPACING * PARA_GAP if n else 0)
        para.space_after = Pt(0)
        margin = indent_in(lines[0]) if lines else 0.0
        if margin:
            p_pr = para._p.get_or_add_pPr()
            p_pr.set("marL", str(int(margin * EMU_PER_IN)))
            p_pr.set("indent", str(-int(HANG_IN * EMU_PER_IN)))
        for k, line in enumerate(lines):
            if k:
                para.add_line_break()
            run = para.add_run()
            run.text = line
            run.font.size = Pt(size_pt)
            run.font.name = FONT_NAME
            run.font.bold = bold
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)


def _title(slide, text: str, box: Box = TITLE_BOX, sizes=TITLE_SIZES) -> None:
    lines, size = fit_title(text, box, sizes)
    shape = slide.shapes.title
    _set_box(shape, box)
    _fill(shape.text_frame, [lines], size)


def _text(slide, box: Box, paragraphs: list[str], size_pt: float, colour: str | None = None):
    """A text box holding ``paragraphs``; they must fit (see :func:`paginate`)."""
    wrapped = [wrap_paragraph(p, size_pt, box) for p in paragraphs]
    if block_height_pt(wrapped, size_pt) > box.inner_height_pt:
        raise ValueError(f"text does not fit its box: {paragraphs[0][:60]!r}")
    shape = slide.shapes.add_textbox(0, 0, 1, 1)
    _set_box(shape, box)
    _fill(shape.text_frame, wrapped, size_pt, colour=colour)
    return shape


def _notes(slide, points: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(f"- {p}" if not p.startswith(" ") else p
                                                        for p in points)


# ---------------------------------------------------------------------------- the deck
def _widescreen(prs) -> None:
    """Set a 16:9 slide and stretch the template's master and layouts to it."""
    factor = SLIDE_W_IN / TEMPLATE_W_IN
    prs.slide_width = int(SLIDE_W_IN * EMU_PER_IN)
    prs.slide_height = int(SLIDE_H_IN * EMU_PER_IN)
    holders = list(prs.slide_master.placeholders)
    for layout in prs.slide_layouts:
        holders += list(layout.placeholders)
    for shape in holders:
        if shape._element.xfrm is None:  # inherits its place from the (stretched) master
            continue
        left, width = shape.left, shape.width
        shape.left, shape.width = int(left * factor), int(width * factor)


def _content_slide(prs, title: str, case: Case):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    _title(slide, title)
    if case.handling:
        _text(slide, HANDLING_BOX, [case.handling], 10, colour="444444")
    return slide


def _without_title_gap(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` (RGBA) as RGB, less the blank band a blank chart title leaves near the top."""
    from PIL import Image

    rgb = Image.fromarray(pixels).convert("RGB")
    blank = (np.asarray(rgb.convert("L")) > 245).all(axis=1)
    rgb = np.asarray(rgb)
    top = int(0.25 * len(blank))
    best, start, run = (0, 0), None, 0
    for row in range(top):
        if blank[row]:
            start = row if start is None else start
            run = row - start + 1
            if run > best[1] - best[0]:
                best = (start, row + 1)
        else:
            start = None
    pad = max(4, len(blank) // 100)
    cut_from, cut_to = best[0] + (pad if best[0] else 0), best[1] - pad
    if cut_to - cut_from < pad:
        return rgb
    return np.concatenate([rgb[:cut_from], rgb[cut_to:]])


def _picture(slide, image: Path, box: Box = CONTENT_BOX) -> None:
    """Place ``image`` as large as fits in ``box``, centred."""
    from PIL import Image

    with Image.open(image) as im:
        w_px, h_px = im.size
    scale = min(box.width / w_px, box.height / h_px)
    width, height = w_px * scale, h_px * scale
    left = box.left + (box.width - width) / 2
    top = box.top + (box.height - height) / 2
    slide.shapes.add_picture(str(image), int(left * EMU_PER_IN), int(top * EMU_PER_IN),
                             int(width * EMU_PER_IN), int(height * EMU_PER_IN))


@dataclass
class _Briefing:
    """What the slides share: the cases, their exact weights, and where charts go."""

    cases: list[Case]
    weights: list[Weights]
    chart_dir: Path
    judged: dict | None = None  # scenario name -> Confidence, when the caller has them

    @property
    def lead(self) -> Case:
        return self.cases[0]

    @property
    def lead_weights(self) -> Weights:
        return self.weights[0]

    @cached_property
    def tornado(self):
        from achlab.engines.sensitivity import tornado

        return tornado(self.lead)

    @cached_property
    def change_our_mind(self) -> list[str]:
        return _flip_lines(self.lead)

    @cached_property
    def talking_points(self) -> list[str]:
        return _talking_points(self)

    @cached_property
    def confidences(self) -> list:
        from achlab.engines.confidence import confidence

        judged = self.judged or {}
        return [judged[c.name] if c.name in judged else confidence(c) for c in self.cases]

    def confidence_of(self, case: Case):
        """Analytic confidence in the bottom line of ``case`` (one of :attr:`cases`)."""
        return self.confidences[next(n for n, c in enumerate(self.cases) if c is case)]

    def judgement(self, case: Case, weights: Weights) -> str:
        """``"Combat troops: very likely (92 %), moderate confidence"``."""
        return f"{bottom_line(case, weights)}, {self.confidence_of(case).level} confidence"

    def chart(self, fig, name: str) -> Path:
        """The chart drawn once, its blank title band cut, as ``<chart_dir>/<name>.png``."""
        pixels = rendered(fig)
        plt.close(fig)
        return save_pixels(_without_title_gap(pixels), name, self.chart_dir)


def bottom_line(case: Case, weights: Weights) -> str:
    """``"Combat troops: very likely (95 %)"`` for the leading hypothesis."""
    lead = weights.leading
    return headline(case.labels[lead], weights[lead], case.yardstick)


def _cutoff(case: Case) -> str:
    return case.cutoff.isoformat() if case.cutoff else "undated"


def _title_of(case: Case) -> str:
    return case.scenario.title if case.scenario and case.scenario.title else case.title


def _key_evidence(case: Case, top: int = 3) -> list[str]:
    items = sorted(case.evidence, key=lambda e: -item_diagnosticity(case, e))[:top]
    lines = []
    for item in items:
        row = case.likelihood_row(item)
        favours = "" if row is None else case.labels[case.hypothesis_ids[int(np.argmax(row))]]
        name = case.source(item.source_id).name
        lines.append(f"{item.id} ({name}): {' '.join(item.summary.split())}"
                     + (f" (favours {favours})" if favours else ""))
    return lines


def _flip_lines(case: Case) -> list[str]:
    """The flip points of the lead (nearest first) and the linchpin items, in words."""
    from achlab.engines.sensitivity import flip_points, leave_one_out

    lines = []
    points = [p for p in flip_points(case) if p.flips]
    points.sort(key=lambda p: abs(p.nearest.value - p.current))
    for p in points:
        name = case.source(p.source_id).name
        lines.append(f"Flip point: {name}, {p.parameter} now {setting(p.current)}; "
                     f"{p.describe(case.labels)}")
    loo = leave_one_out(case)
    for o in (*loo.items, *loo.claims):
        if o.flips:
            lines.append(f"Linchpin: without {o.label}, {case.labels.get(o.leading, o.leading)} "
                         "leads")
    for o in loo.merges:
        if o.flips:
            lines.append(f"Dependence: with the reports of {o.origin} counted as one, "
                         f"{case.labels.get(o.leading, o.leading)} leads")
    return lines


def _swing_lines(b: _Briefing, top: int = 3) -> list[str]:
    """The widest tornado swings, in words."""
    label = b.lead.labels[b.lead_weights.leading]
    lines = []
    for sw in b.tornado.swings[:top]:
        name = b.lead.source(sw.source_id).name
        lines.append(f"{name}, {sw.parameter} from {sw.low:.2f} to {sw.high:.2f}: {label} "
                     f"between {percent(sw.weight_min)} and {percent(sw.weight_max)}")
    return lines


def _assumption_lines(case: Case) -> list[str]:
    """What the scenario sets, in a briefing's words (the sampler's seed is no assumption)."""
    from achlab.outputs.tables import overrides_in_words

    return [line[:1].upper() + line[1:] for line in overrides_in_words(case, unchanged=None)]


def _talking_points(b: _Briefing) -> list[str]:
    """Talking points every content slide's notes share."""
    case, w = b.lead, b.lead_weights
    judged = b.confidence_of(case)
    points = [f"Judgement ({case.name}, {ENGINE}, evidence to {_cutoff(case)}): "
              f"{b.judgement(case, w)}.",
              "Why that confidence:", *(f"  {r}" for r in judged.reasons),
              "Key evidence (most diagnostic items):",
              *(f"  {t}" for t in _key_evidence(case))]
    changed = _assumption_lines(case) or ["none beyond the case's own"]
    points += ["Assumptions this scenario sets:", *(f"  {t}" for t in changed)]
    flips = b.change_our_mind[:4] or ["no single source or item flips the lead; the widest "
                                      "swings (every other source at its average "
                                      "reliability):", *_swing_lines(b, 2)]
    points += ["What would change our mind:", *(f"  {t}" for t in flips)]
    return points


def _footer_note(slide, case: Case, points: list[str], note: str = "") -> None:
    _notes(slide, [*points, "Chart footer: " + footer_text(case, note).replace("\n", "  |  ")])


# ---------------------------------------------------------------------------- slides
def _title_slide(prs, b: _Briefing) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    box = Box(0.9, 1.2, SLIDE_W_IN - 1.8, 2.6)
    _title(slide, b.lead.question, box, sizes=(40, 36, 32, 28, 24))
    lines = [f"Bottom line ({b.lead.name}, {ENGINE}): {b.judgement(b.lead, b.lead_weights)}",
             f"{b.lead.title}; evidence to {_cutoff(b.lead)}"]
    if b.lead.handling:
        lines.append(b.lead.handling)
    sub = slide.placeholders[1]
    sub_box = Box(0.9, 4.1, SLIDE_W_IN - 1.8, 2.4)
    _set_box(sub, sub_box)
    _fill(sub.text_frame, [wrap_text(t, 20, sub_box.inner_width_pt) for t in lines], 20)
    _notes(slide, [f"The question: {b.lead.question}",
                   f"Our answer: {b.judgement(b.lead, b.lead_weights)} ({ENGINE}).",
                   *b.confidence_of(b.lead).reasons])


def _bottom_line_slide(prs, b: _Briefing, case: Case, w: Weights) -> None:
    slide = _content_slide(prs, f"Bottom line \u2014 {bottom_line(case, w)}", case)
    image = b.chart(plot_weights(w, case, title=" ", confidence=b.confidence_of(case)),
                    f"weights-{case.name}")
    _picture(slide, image, Box(CONTENT_BOX.left, CONTENT_BOX.top, CONTENT_BOX.width,
                               CONTENT_BOX.height - 0.1))
    caption = (f"Engine: {ENGINE}. Scenario {case.name}, "
               f"evidence to {_cutoff(case)}.")
    _text(slide, CAPTION_BOX, [caption], 12, colour="444444")
    word = estimative_word(w[w.leading], case.yardstick)
    first = (f"The bottom line: {case.labels[w.leading]} is {word} "
             f"({percent(w[w.leading])}) on the {ENGINE}, "
             f"{b.confidence_of(case).line(reasons=2)}.")
    points = b.talking_points if case is b.lead else [first, *b.talking_points]
    _footer_note(slide, case, points)


def _comparison_slides(prs, b: _Briefing) -> None:
    peers = [(c, w) for c, w in zip(b.cases, b.weights, strict=True) if c.id == b.lead.id]
    if len(peers) < 2:
        return
    message = agreement(peers)
    slide = _content_slide(prs, f"Scenarios side by side: {message}", b.lead)
    _picture(slide, b.chart(plot_comparison(peers, title=" "), "comparison"))
    lines = [f"  {c.name}: {bottom_line(c, w)}" for c, w in peers]
    _footer_note(slide, b.lead, [f"Per scenario ({ENGINE}):", *lines, *b.talking_points],
                 f"{len(peers)} scenarios")
    paragraphs = [bullet(f"{_title_of(c)} ({c.name}): {b.judgement(c, w)}") for c, w in peers]
    _text_slides(prs, b, "What each scenario concludes", paragraphs,
                 f"Each scenario's bottom line, all on the {ENGINE}.")


def _matrix_slide(prs, b: _Briefing) -> None:
    shown = min(MATRIX_TOP, len(b.lead.evidence))
    slide = _content_slide(prs, f"The evidence: the {shown} most diagnostic items", b.lead)
    _picture(slide, b.chart(plot_matrix(b.lead, top=MATRIX_TOP, title=" "),
                            f"matrix-{b.lead.name}"))
    _footer_note(slide, b.lead, [
        "Rows: the most diagnostic items first; read across for what each favours.",
        *b.talking_points])


def _change_our_mind_slides(prs, b: _Briefing) -> None:
    from achlab.charts import plot_tornado

    case = b.lead
    slide = _content_slide(prs, "What would change our mind: each source's assumptions", case)
    _picture(slide, b.chart(plot_tornado(b.tornado, case, title=" "),
                            f"sensitivity-{case.name}"))
    _footer_note(slide, case, [
        "Each bar: the lead's weight as one source's reliability or motive swings, or as the "
        "reports of one event or source group count as one (every other source at its average "
        "reliability).",
        *b.talking_points])
    flips = b.change_our_mind or ["No single source's reliability or motive anywhere in [0, 1], "
                                  "and no single item left out, changes the leading hypothesis."]
    paragraphs = [bullet(t) for t in flips]
    paragraphs += [bullet("The widest swings (every other source at its average reliability):"),
                   *(bullet(t, 1) for t in _swing_lines(b))]
    _text_slides(prs, b, "What would change our mind: flip points and linchpins", paragraphs,
                 "Flip points: where one source's value changes the lead; linchpins: items "
                 "whose removal changes it.")


def _source_paragraphs(b: _Briefing) -> list[str]:
    lead = b.lead
    paragraphs = [bullet(f"Source material: {lead.source_note or lead.title}")]
    for s in lead.sources:
        paragraphs.append(bullet(f"{s.name}: reliability {s.reliability.in_words()}; "
                                 f"{motive_in_words(lead, s)}"))
    return paragraphs


def _scenario_slides(prs, b: _Briefing) -> None:
    """One slide (or more) per scenario: what it assumes, and its bottom line."""
    for case, w in zip(b.cases, b.weights, strict=True):
        desc = " ".join(case.scenario.description.split()) if case.scenario else ""
        paragraphs = [desc] if desc else []
        paragraphs.append(bullet(f"Bottom line ({ENGINE}): {b.judgement(case, w)}"))
        judged = b.confidence_of(case).line(reasons=2)
        paragraphs.append(bullet(judged[:1].upper() + judged[1:], 1))
        changed = _assumption_lines(case)
        paragraphs.append(bullet("What it sets:" if changed else
                                 "It sets nothing beyond the case's own settings."))
        paragraphs += [bullet(t, 1) for t in changed]
        _text_slides(prs, b, f"Assumptions of {case.name}: {_title_of(case)}", paragraphs,
                     f"Scenario {case.name}: {bottom_line(case, w)} ({ENGINE}).")


def _text_slides(prs, b: _Briefing, title: str, paragraphs: list[str], first: str,
                 sizes=(BODY_PT, BODY_PT - 2)) -> None:
    """As many slides as ``paragraphs`` need, at the first size in ``sizes`` with fewest."""
    size = min(sizes, key=lambda pt: len(paginate(paragraphs, pt, CONTENT_BOX)))
    pages = paginate(paragraphs, size, CONTENT_BOX)
    for n, page in enumerate(pages, start=1):
        head = title if len(pages) == 1 else f"{title} ({n} of {len(pages)})"
        slide = _content_slide(prs, head, b.lead)
        shape = slide.shapes.add_textbox(0, 0, 1, 1)
        _set_box(shape, CONTENT_BOX)
        _fill(shape.text_frame, page, size)
        _notes(slide, [first, *b.talking_points])


def write_deck(scenario_files: list[Path], target: Path, charts: Path | None = None,
               data_dir: Path | None = None, judged: dict | None = None) -> Path:
    """Write the briefing deck for ``scenario_files`` to ``target`` (atomically); returns it.

    The scenarios' cases are looked up in ``data_dir`` (default: the project's ``data/``);
    the charts go to ``<charts>/briefing-charts/`` (default: beside the deck). ``judged`` maps
    scenario names to their :class:`~achlab.engines.confidence.Confidence` when the caller has
    them already (``achlab run`` keeps them between runs); the others are judged here.
    """
    from pptx import Presentation

    cases = [load_scenario(Path(p), data_dir) for p in scenario_files]
    if not cases:
        raise ValueError("no scenario to brief")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    b = _Briefing(cases, [exact_weights(c) for c in cases],
                  Path(charts or target.parent) / "briefing-charts", judged)
    prs = Presentation()
    _widescreen(prs)
    _title_slide(prs, b)
    _bottom_line_slide(prs, b, b.lead, b.lead_weights)
    for case, w in zip(b.cases[1:], b.weights[1:], strict=True):
        if case.id != b.lead.id:
            _bottom_line_slide(prs, b, case, w)
    _comparison_slides(prs, b)
    _matrix_slide(prs, b)
    _change_our_mind_slides(prs, b)
    _text_slides(prs, b, "Sources", _source_paragraphs(b),
                 "The sources and how far we trust them (reliability; motive to report "
                 "regardless of the truth).")
    _scenario_slides(prs, b)
    _save(prs, target)
    return target


def _save(prs, target: Path) -> None:
    with atomic(target) as tmp:
        prs.save(tmp)


def default_target() -> Path:
    """``out/briefing.pptx``."""
    return paths.out_dir() / "briefing.pptx"
