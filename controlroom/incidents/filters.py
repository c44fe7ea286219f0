"""``IncidentFilter``: what an operator has chosen to see, as one immutable value.

The same filter drives the incident list and the map, and is stored between runs
as JSON. Matching runs for every row on every change of the filter, so everything
that does not depend on the incident (lower-cased words, the window's start) is
worked out once, not per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from controlroom.core.domain import Category, LabelledEnum, Source, Status, night_start, operational_night
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.lifecycle import OPEN

FORMAT_VERSION = 1
GRADES: tuple[int | None, ...] = (1, 2, 3, 4, None)
OPEN_STATUSES = frozenset(s.value for s in OPEN)

Check = Callable[[IncidentSnapshot], bool]


class TimeWindow(LabelledEnum):
    """How far back the list reaches; ``night`` follows the operational night."""

    ALL = ("all", "All")
    NIGHT = ("night", "This night")
    LAST_2H = ("2h", "Last 2 h")
    LAST_1H = ("1h", "Last 1 h")
    LAST_30M = ("30m", "Last 30 min")


_SPANS = {
    TimeWindow.LAST_2H.value: timedelta(hours=2),
    TimeWindow.LAST_1H.value: timedelta(hours=1),
    TimeWindow.LAST_30M.value: timedelta(minutes=30),
}


def current_night_start(now: datetime) -> datetime:
    """18:00 local of the night under way, or during the day shift of the one just ended (UTC)."""
    start = night_start(operational_night(now))
    if start > now:
        start = night_start(operational_night(now) - timedelta(days=1))
    # One conversion here, so each row compares two UTC datetimes (the fast path).
    return start.astimezone(UTC)


def window_start(window: str, now: datetime) -> datetime | None:
    """The earliest ``reported_at`` the window admits (UTC), or None for no limit.

    ``night`` starts at 18:00 local of the current operational night. During the
    day shift (06:00-18:00) the coming night has not begun yet, so the list keeps
    showing the night that has just ended instead of going blank until 18:00.
    """
    if now.tzinfo is None:
        raise ValueError("the time window needs an aware 'now' (e.g. datetime.now(UTC))")
    if window == TimeWindow.NIGHT.value:
        return current_night_start(now)
    span = _SPANS.get(window)
    return None if span is None else (now - span).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """Which incidents to show. Every criterion left empty admits everything.

    Sets hold stored values (``Status.NEW.value`` …); ``grades`` may hold ``None``
    for ungraded incidents. ``area`` is a case-insensitive substring of the
    incident's place (for venue incidents the place is the venue's name);
    ``text`` admits an incident when every word occurs in its reference, place
    or summary, in any case.
    """

    statuses: frozenset[str] = frozenset()
    grades: frozenset[int | None] = frozenset()
    categories: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    area: str = ""
    window: str = TimeWindow.ALL.value
    text: str = ""
    _words: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _area_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Accept any iterable (a set, a list from a test) but keep the value hashable.
        for name in ("statuses", "grades", "categories", "sources"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        _check_values("status", self.statuses, Status.choices())
        _check_values("grade", self.grades, GRADES)
        _check_values("category", self.categories, Category.choices())
        _check_values("source", self.sources, Source.choices())
        _check_values("time window", {self.window}, TimeWindow.choices())
        object.__setattr__(self, "window", str(TimeWindow.of(self.window).value))
        object.__setattr__(self, "area", " ".join(self.area.split()))
        object.__setattr__(self, "text", " ".join(self.text.split()))
        object.__setattr__(self, "_words", tuple(dict.fromkeys(self.text.casefold().split())))
        object.__setattr__(self, "_area_key", self.area.casefold())

    # -- presets ---------------------------------------------------------------

    @classmethod
    def open_only(cls) -> IncidentFilter:
        """New, acknowledged, dispatched or on scene: what still needs someone."""
        return cls(statuses=OPEN_STATUSES)

    @property
    def is_open_only(self) -> bool:
        """True when the status criterion is exactly the open statuses."""
        return self.statuses == OPEN_STATUSES

    def with_open_only(self, on: bool) -> IncidentFilter:
        """This filter with the status criterion set to the open statuses, or cleared."""
        return replace(self, statuses=OPEN_STATUSES if on else frozenset())

    @property
    def is_empty(self) -> bool:
        """True when the filter admits every incident."""
        return not (
            self.statuses
            or self.grades
            or self.categories
            or self.sources
            or self.area
            or self._words
            or self.window != TimeWindow.ALL.value
        )

    # -- matching --------------------------------------------------------------

    def since(self, now: datetime) -> datetime | None:
        """The start of the time window at ``now`` (UTC), or None without a window."""
        return window_start(self.window, now)

    def matcher(self, now: datetime) -> Check:
        """A predicate for many incidents at one moment: the window is worked out once."""
        checks = self._checks(self.since(now))
        if not checks:
            return _accept_all
        if len(checks) == 1:
            return checks[0]

        def match(incident: IncidentSnapshot) -> bool:
            # A plain loop: all() over a generator is twice as slow on 100,000 rows.
            for check in checks:  # noqa: SIM110
                if not check(incident):
                    return False
            return True

        return match

    def matches(self, incident: IncidentSnapshot, now: datetime) -> bool:
        """Whether one incident passes; for many, call ``matcher(now)`` once instead."""
        return self.matcher(now)(incident)

    def matching_ids(self, incidents: Iterable[IncidentSnapshot], now: datetime) -> set[int]:
        """Ids of the incidents that pass, e.g. for the map to hide the others."""
        match = self.matcher(now)
        return {incident.id for incident in incidents if match(incident)}

    def _checks(self, since: datetime | None) -> list[Check]:
        # Cheapest and most selective first: matching stops at the first miss.
        checks: list[Check] = []
        if self.statuses:
            statuses = self.statuses
            checks.append(lambda i: i.status in statuses)
        if self.grades:
            grades = self.grades
            checks.append(lambda i: i.grade in grades)
        if self.categories:
            categories = self.categories
            checks.append(lambda i: i.category in categories)
        if self.sources:
            sources = self.sources
            checks.append(lambda i: i.source in sources)
        if since is not None:
            checks.append(lambda i: i.reported_at >= since)
        if self._area_key:
            area = self._area_key
            checks.append(lambda i: area in i.place.casefold())
        if self._words:
            words = self._words
            checks.append(lambda i: _has_words(i, words))
        return checks

    # -- persistence -----------------------------------------------------------

    def to_json(self) -> str:
        """A JSON object with sorted lists, stable across runs (for settings files)."""
        return json.dumps(
            {
                "version": FORMAT_VERSION,
                "statuses": sorted(self.statuses),
                "grades": sorted(self.grades, key=_grade_order),
                "categories": sorted(self.categories),
                "sources": sorted(self.sources),
                "area": self.area,
                "window": self.window,
                "text": self.text,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, stored: str | bytes | Mapping[str, Any] | None) -> IncidentFilter:
        """Read what ``to_json`` wrote; never raises.

        Settings may come from an older or newer version, or be damaged: values
        this version does not know are dropped, anything unreadable gives the
        empty filter.
        """
        data: Any = stored
        if isinstance(stored, str | bytes):
            try:
                data = json.loads(stored)
            except (ValueError, RecursionError):
                return cls()
        if not isinstance(data, Mapping):
            return cls()
        window = data.get("window")
        return cls(
            statuses=_known(data.get("statuses"), Status.choices()),
            grades=_known(data.get("grades"), GRADES),
            categories=_known(data.get("categories"), Category.choices()),
            sources=_known(data.get("sources"), Source.choices()),
            area=_text(data.get("area")),
            window=window if window in TimeWindow.choices() else TimeWindow.ALL.value,
            text=_text(data.get("text")),
        )

    # -- for people ------------------------------------------------------------

    def describe(self) -> str:
        """A short summary for a status line, e.g. ``open · G1–G2 · last 2 h · “fox”``."""
        parts = [
            _describe_statuses(self.statuses),
            _describe_grades(self.grades),
            _describe_labels(self.categories, Category, "categories"),
            _describe_labels(self.sources, Source, "sources"),
            f"in “{self.area}”" if self.area else "",
            "" if self.window == TimeWindow.ALL.value else TimeWindow.of(self.window).label.lower(),
            f"“{self.text}”" if self.text else "",
        ]
        return " · ".join(p for p in parts if p) or "all incidents"


def _accept_all(_incident: IncidentSnapshot) -> bool:
    return True


def _has_words(incident: IncidentSnapshot, words: tuple[str, ...]) -> bool:
    # A newline between the fields: a word never matches across two of them.
    haystack = f"{incident.reference}\n{incident.place}\n{incident.summary}".casefold()
    for word in words:  # noqa: SIM110  (hot path: see IncidentFilter.matcher)
        if word not in haystack:
            return False
    return True


def _check_values(what: str, values: Iterable[object], allowed: Iterable[object]) -> None:
    allowed = list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        choices = ", ".join("none" if a is None else str(a) for a in allowed)
        raise ValueError(f"unknown {what} {unknown[0]!r} in the filter; use one of: {choices}")


def _known(values: object, allowed: Iterable[Any]) -> frozenset[Any]:
    if not isinstance(values, list):
        return frozenset()
    # Same type, not just equal: ``True == 1.0 == 1`` must not become grade 1.
    return frozenset(a for a in allowed if any(type(v) is type(a) and v == a for v in values))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _grade_order(grade: int | None) -> int:
    return 9 if grade is None else grade


def _describe_statuses(statuses: frozenset[str]) -> str:
    if statuses == OPEN_STATUSES:
        return "open"
    return _describe_labels(statuses, Status, "statuses")


def _describe_labels(values: frozenset[str], enum_type: type[LabelledEnum], plural: str) -> str:
    if not values:
        return ""
    if len(values) > 2:
        return f"{len(values)} {plural}"
    order = enum_type.choices()
    return ", ".join(enum_type.of(v).label.lower() for v in sorted(values, key=order.index))


def _describe_grades(grades: frozenset[int | None]) -> str:
    numbers = sorted(g for g in grades if g is not None)
    words: list[str] = []
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        words.append(f"G{numbers[0]}–G{numbers[-1]}")
    else:
        words.extend(f"G{n}" for n in numbers)
    if None in grades:
        words.append("ungraded")
    return ", ".join(words)
