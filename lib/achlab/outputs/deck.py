"""A short briefing deck (python-pptx) for one or more scenarios.

Slides: title (question and bottom line), the weights per scenario, the scenario comparison,
the evidence matrix, the sensitivity chart where that module is present, and the sources and
assumptions. Each chart is placed as an image with its footer (source, scenario, cut-off, inputs
hash, version, handling marking) drawn on it and repeated in the slide notes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from achlab import paths
from achlab.charts import export_figure, footer_text, plot_comparison, plot_matrix, plot_weights
from achlab.engines.exact import exact_weights
from achlab.load.scenario import load_scenario
from achlab.model import Case
from achlab.model.words import headline

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5


def _sensitivity_chart(case: Case):
    """The tornado chart of the leading scenario."""
    from achlab.charts import plot_tornado
    from achlab.engines.sensitivity import tornado

    return plot_tornado(tornado(case), case)


def _picture_slide(prs, title: str, image: Path, notes: str):
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(28)
    slide.shapes.title.top, slide.shapes.title.height = Inches(0.2), Inches(0.8)
    slide.shapes.add_picture(str(image), Inches(0.55), Inches(1.05), height=Inches(6.35))
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def _text_slide(prs, title: str, lines: list[str], size: int = 16):
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(28)
    box = slide.shapes.add_textbox(Inches(0.6), Inches(1.3), Inches(12.1), Inches(5.9))
    frame = box.text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        para.text = line
        para.font.size = Pt(size)
    return slide


def _assumption_lines(case: Case) -> list[str]:
    lines = [f"{case.name}: {case.scenario.title if case.scenario else case.title}"]
    if case.scenario and case.scenario.description:
        lines.append("   " + " ".join(case.scenario.description.split())[:300])
    for s in case.sources:
        lines.append(f"   {s.name}: reliability {s.reliability.describe()}, motive {s.motive:.2f}")
    return lines


def write_deck(scenario_files: list[Path], target: Path, charts: Path | None = None,
               data_dir: Path | None = None) -> Path:
    """Write the briefing deck for ``scenario_files`` to ``target`` (atomically); returns it.

    The scenarios' cases are looked up in ``data_dir`` (default: the project's ``data/``).
    """
    from pptx import Presentation
    from pptx.util import Inches, Pt

    cases = [load_scenario(Path(p), data_dir) for p in scenario_files]
    if not cases:
        raise ValueError("no scenario to brief")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    chart_dir = Path(charts or target.parent) / "briefing-charts"
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    lead_case = cases[0]
    w0 = exact_weights(lead_case)
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = lead_case.question
    title.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
    bottom = headline(lead_case.labels[w0.leading], w0[w0.leading], lead_case.yardstick)
    title.placeholders[1].text = (f"Bottom line ({lead_case.name}): {bottom}\n"
                                  f"{lead_case.handling}".strip())

    def place(fig, name: str, slide_title: str, case: Case, note: str = ""):
        image = export_figure(fig, name, formats=("png",), out=chart_dir)[0]
        plt.close(fig)
        _picture_slide(prs, slide_title, image, footer_text(case, note))

    for case in cases:
        w = exact_weights(case)
        place(plot_weights(w, case), f"weights-{case.name}",
              f"{case.name}: " + headline(case.labels[w.leading], w[w.leading], case.yardstick),
              case)
    if len(cases) > 1:
        place(plot_comparison([(c, exact_weights(c)) for c in cases]), "comparison",
              "Scenarios side by side", lead_case, f"{len(cases)} scenarios")
    place(plot_matrix(lead_case, top=20), f"matrix-{lead_case.name}",
          "The evidence matrix (most diagnostic items)", lead_case)
    place(_sensitivity_chart(lead_case), f"sensitivity-{lead_case.name}",
          "What would change our mind: sensitivity to each source", lead_case)
    lines = []
    for case in cases:
        lines += _assumption_lines(case)
    lines.append(f"Source material: {lead_case.source_note or lead_case.title}")
    _text_slide(prs, "Sources and assumptions", lines, size=12 if len(lines) > 20 else 16)
    fd, tmp = tempfile.mkstemp(prefix=".deck.", suffix=".pptx", dir=target.parent)
    os.close(fd)
    try:
        prs.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def default_target() -> Path:
    """``out/briefing.pptx``."""
    return paths.out_dir() / "briefing.pptx"
