"""``make look``: render what a person sees after ``make run`` into ``out/look/``.

* ``deck/slide-NN.png``: every slide of ``out/briefing.pptx``, through LibreOffice (headless, to
  PDF) and ``pdftoppm`` (PNG at 60 dpi);
* ``pages/<page>.png``: a Chromium screenshot (1280 x 2000) of ``out/index.html`` and of every
  HTML report;
* ``charts/<scenario>__<chart>.png``: a copy of every chart PNG of the run.

Run it as ``python -m achlab.notebook.look [--out OUT]``. Without a run in ``out/`` (no
``index.html``) it says so and exits with 2; a missing tool (``soffice``, ``pdftoppm``,
``chromium``) is named, what can be rendered without it still is, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from achlab import paths

#: Chromium as the system installs it (never a downloaded browser).
CHROMIUM = "/usr/bin/chromium"
#: Browser window for the page screenshots.
WINDOW = (1280, 2000)
#: Resolution of the slide images.
SLIDE_DPI = 60
#: Seconds allowed for one conversion or screenshot.
TIMEOUT = 180
LOOK = "look"


class NoRunError(RuntimeError):
    """``out/`` holds no run to look at."""


def find_pages(out: Path) -> list[Path]:
    """``index.html`` first, then every other HTML file of the run (not under ``look/``)."""
    index = out / "index.html"
    if not index.is_file():
        raise NoRunError(f"{paths.display_path(out)}: no run to look at (no index.html); "
                         "run `make run` first")
    others = sorted(p for p in out.rglob("*.html")
                    if p != index and not _skipped(p.relative_to(out)))
    return [index, *others]


def find_charts(out: Path) -> list[Path]:
    """Every chart PNG of the run (not under ``look/`` or a hidden folder)."""
    return sorted(p for p in out.rglob("*.png") if not _skipped(p.relative_to(out)))


def _skipped(relative: Path) -> bool:
    return relative.parts[0] == LOOK or any(part.startswith(".") for part in relative.parts)


def flat_name(relative: Path, suffix: str) -> str:
    """``baseline/report.html`` -> ``baseline__report.png``: one folder of images."""
    return "__".join(relative.with_suffix("").parts) + suffix


def copy_charts(out: Path, dest: Path) -> list[Path]:
    """Copy every chart PNG of the run into ``dest``; returns the copies."""
    dest.mkdir(parents=True, exist_ok=True)
    copies = []
    for chart in find_charts(out):
        target = dest / flat_name(chart.relative_to(out), ".png")
        shutil.copyfile(chart, target)
        copies.append(target)
    return copies


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-400:]}")


def deck_to_pdf(deck: Path, folder: Path) -> Path:
    """Convert ``deck`` to PDF in ``folder`` with LibreOffice (a private profile); returns it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise FileNotFoundError("soffice (LibreOffice) not found: install libreoffice-impress")
    with tempfile.TemporaryDirectory(prefix="achlab-lo-") as profile:
        _run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(folder), str(deck)])
    pdf = folder / (deck.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no PDF for {deck.name}")
    return pdf


def render_deck(deck: Path, dest: Path, dpi: int = SLIDE_DPI) -> list[Path]:
    """Every slide of ``deck`` as ``dest/slide-NN.png``; returns them in slide order."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise FileNotFoundError("pdftoppm not found: install poppler-utils")
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("slide-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="achlab-deck-") as tmp:
        pdf = deck_to_pdf(deck, Path(tmp))
        _run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(dest / "slide")])
    return sorted(dest.glob("slide-*.png"))


def screenshot(page: Path, target: Path, browser: str | None = None) -> Path:
    """A Chromium screenshot of the local HTML file ``page`` into ``target``.

    ``browser`` defaults to :data:`CHROMIUM`.
    """
    browser = browser or CHROMIUM
    if not Path(browser).exists():
        raise FileNotFoundError(f"{browser} not found: install chromium")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="achlab-chromium-") as profile:
        command = [browser, "--headless", "--disable-gpu", "--hide-scrollbars",
                   f"--user-data-dir={profile}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                   f"--screenshot={target}", page.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")
        _run(command)
    if not target.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot of {page.name}")
    return target


def look(out: Path, stream=sys.stdout) -> tuple[list[Path], list[str]]:
    """Render the run in ``out`` into ``out/look/``; returns (images written, problems)."""
    pages = find_pages(out)
    dest = out / LOOK
    written, problems = [], []
    deck = out / "briefing.pptx"
    steps = [("charts", lambda: copy_charts(out, dest / "charts"))]
    if deck.is_file():
        steps.append(("deck", lambda: render_deck(deck, dest / "deck")))
    else:
        problems.append(f"{paths.display_path(deck)}: no deck in this run")
    for page in pages:
        target = dest / "pages" / flat_name(page.relative_to(out), ".png")
        steps.append((page.name, lambda page=page, target=target: [screenshot(page, target)]))
    for name, step in steps:
        try:
            images = step()
        except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
            problems.append(f"{name}: {exc}")
            continue
        written += images
        print(f"{name}: {len(images)} image(s)", file=stream)
    return written, problems


def main(argv: list[str] | None = None) -> int:
    """Command line of ``make look``; returns the exit code (0, 1 or 2)."""
    parser = argparse.ArgumentParser(prog="python -m achlab.notebook.look",
                                     description="render decks, pages and charts of a run")
    parser.add_argument("--out", help="the run's folder (default: out/)")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else paths.out_dir()
    try:
        written, problems = look(out)
    except NoRunError as exc:
        print(exc, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(written)} image(s) in {paths.display_path(out / LOOK)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
