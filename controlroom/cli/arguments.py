"""argparse types shared by the commands: each says what is wrong and how to write it.

Times typed without an offset are read as UK local time (Europe/London), as an
officer on the street would say them.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TypeVar

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.validation import EARLIEST_BIRTH, EARLIEST_DATE, bounded_date, bounded_hours

LatLon = tuple[float, float]
_Day = TypeVar("_Day", date, datetime)


def lat_lon(text: str) -> LatLon:
    """``"50.9060,-1.4044"`` → (lat, lon)."""
    try:
        lat_text, lon_text = text.split(",")
        return float(lat_text), float(lon_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not LAT,LON; write e.g. 50.9060,-1.4044 (no spaces)"
        ) from None


def grade(text: str) -> int:
    if text not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a grade; use 1, 2, 3 or 4")
    return int(text)


def size(text: str) -> tuple[int, int]:
    """A screen size ``WxH`` within what a screenshot can be."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WxH; write e.g. 1600x900") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; use 320x240 to 7680x4320")
    return width, height


def polygon(text: str) -> list[LatLon]:
    """``"LAT,LON;LAT,LON;LAT,LON"`` → points."""
    points = []
    for part in text.replace(" ", "").strip(";").split(";"):
        try:
            lat, lon = part.split(",")
            points.append((float(lat), float(lon)))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part!r} in the polygon is not LAT,LON; write e.g. "
                "'50.9100,-1.4100;50.9100,-1.4030;50.9170,-1.4030'"
            ) from None
    return points


def moment(text: str) -> datetime:
    """An ISO date-time; without an offset it is UK local time (refused, naming both readings,
    when the clock change makes it non-existent or ambiguous)."""
    from controlroom.core.local_time import on_uk_clock

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time; write e.g. 2026-11-27T22:00"
        ) from None
    try:
        return on_uk_clock(_in_range(value, "date and time"))
    except ValidationError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


def instant(text: str) -> datetime:
    """An ISO date or date-time (a bound of a range); without an offset, UK local time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time; write e.g. 2026-11-28 or 2026-11-28T22:00"
        ) from None
    try:
        _in_range(value, "date and time")
    except ValidationError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


def day(text: str) -> date:
    """A date from 1900 (a date of birth) to 2100; the command may bound it further."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write e.g. 1990-05-17") from None
    try:
        return _in_range(value, "date", earliest=EARLIEST_BIRTH)
    except ValidationError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


def hours(text: str) -> float:
    """A number of hours above 0 and at most a week (``inf``, ``nan`` and ``1e10`` refused);
    the command applies any shorter legal bound (48 hours under s.34 and s.35)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours, e.g. 24 or 1.5") from None
    try:
        return bounded_hours(value, "number of hours")
    except ValidationError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


def _in_range(value: _Day, what: str, *, earliest: date = EARLIEST_DATE) -> _Day:
    """``value`` when its year is a plausible one (see ``core.validation.bounded_date``)."""
    return bounded_date(value, what, earliest=earliest)
