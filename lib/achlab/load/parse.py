"""Small parsers shared by every reader: numbers in [0, 1], dates, ratings, letters, ids.

Each raises :class:`ValueError` with a plain message; the readers add the file, line and field.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from achlab.load.csvfile import Collector
from achlab.model import Reliability
from achlab.model.scales import HML_TO_CODE, NOT_APPLICABLE, Scales

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

