"""Small parsers shared by every reader: numbers in [0, 1], dates, ratings, letters, ids.

Each raises :class:`ValueError` with a plain message; the readers add the file, line and field.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from achlab.load.csvfile import Collector
from achlab.model import Reliability
from achlab.model.case import motive_level
from achlab.model.scales import ASSERTS, HML_TO_CODE, NOT_APPLICABLE, STANCES, Scales

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def parse_unit(text, what: str = "value") -> float:
    """A number in [0, 1] from text or a number; ValueError with a plain message otherwise."""
    if isinstance(text, bool):
        raise ValueError(f"{what} must be a number in [0, 1], got {text!r}")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number in [0, 1], got {text!r}") from None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} must be in [0, 1], got {text!r}")
    return value


def parse_motive(text, hypothesis_ids) -> tuple[float, dict[str, float] | None]:
    """A motive: one number, or one number per hypothesis (model.md §4).

    The per-hypothesis form names every hypothesis once, ``;``-separated:
    ``combat=0.8;technical=0.9;none=0.5``. Returns the level (the number, or the mean of the
    per-hypothesis numbers) and the per-hypothesis mapping (None for one number).
    """
    raw = str(text).strip()
    if "=" not in raw:
        return parse_unit(raw, "motive"), None
    by: dict[str, float] = {}
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue
        hyp, sep, number = (x.strip() for x in part.partition("="))
        if not sep or not hyp:
            raise ValueError(f"{part!r} is not hypothesis=number (e.g. "
                             f"{'=0.5;'.join(hypothesis_ids)}=0.5)")
        if hyp not in hypothesis_ids:
            raise ValueError(f"unknown hypothesis {hyp!r} (case has: {', '.join(hypothesis_ids)})")
        if hyp in by:
            raise ValueError(f"hypothesis {hyp!r} named twice")
        by[hyp] = parse_unit(number, f"motive under {hyp}")
    missing = [h for h in hypothesis_ids if h not in by]
    if missing:
        raise ValueError(f"no motive for {', '.join(missing)}: name every hypothesis "
                         "(or give one number)")
    by = {h: by[h] for h in hypothesis_ids}
    return motive_level(by), by


def parse_stance(text) -> str:
    """``asserts`` (also when empty), ``denies`` or ``observed``."""
    value = str(text).strip().lower() or ASSERTS
    if value not in STANCES:
        raise ValueError(f"{text!r} is not a stance ({', '.join(STANCES)})")
    return value


def parse_date(value) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) from text or a YAML date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def parse_rating(value, scales: Scales) -> str | float:
    """A Heuer rating (``CC C N I II NA``, any case) or a probability in [0, 1]."""
    text = str(value).strip()
    if text.upper() in scales.rating or text.upper() == NOT_APPLICABLE:
        return text.upper()
    if text == "":
        return NOT_APPLICABLE
    try:
        return parse_unit(text, "rating")
    except ValueError:
        allowed = " ".join([*scales.rating, NOT_APPLICABLE])
        raise ValueError(f"{value!r} is not a rating ({allowed}) or a number in [0, 1]") from None


def parse_reliability(value, scales: Scales) -> Reliability:
    """An Admiralty letter (Beta prior) or a number in [0, 1] (fixed reliability)."""
    text = str(value).strip()
    if text.upper() in scales.reliability:
        return Reliability.from_letter(text.upper(), scales)
    try:
        return Reliability.point(parse_unit(text, "reliability"))
    except ValueError:
        letters = "".join(scales.reliability)
        raise ValueError(f"{value!r} is not an Admiralty letter ({letters}) "
                         "or a number in [0, 1]") from None


def parse_credibility(value, scales: Scales) -> tuple[str, float]:
    """Credibility code and factor: ``1``-``6``, ``H/M/L``, or a factor like ``0.8``."""
    text = str(value).strip().upper()
    if text == "":
        text = "6"
    text = HML_TO_CODE.get(text, text)
    if text in scales.credibility:
        return text, scales.credibility[text]
    if "." in text:
        factor = parse_unit(text, "credibility")
        return f"{factor:g}", factor
    raise ValueError(f"{value!r} is not a credibility code (1-6, H/M/L) or a factor like 0.8")


def check_id(value, line, field, col: Collector) -> str | None:
    """An id (letters, digits, ``-``, ``_``, ``.``) from ``value``, stripped.

    None if it is empty or not a valid id, with a problem added to ``col`` for ``field`` at
    ``line``.
    """
    text = str(value).strip() if value is not None else ""
    if not text:
        col.add(line, field, "is empty")
        return None
    if not ID_PATTERN.match(text):
        col.add(line, field, f"{text!r} is not a valid id (letters, digits, - _ .)")
        return None
    return text

