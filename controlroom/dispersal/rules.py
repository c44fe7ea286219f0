"""The dispersal-power rules of the Anti-social Behaviour, Crime and Policing Act 2014.

Pure functions over plain values (no database, no Qt), so each boundary of the
law — 48 hours, ages 10 and 16, inside or outside the locality — is tested with
property tests. Every refusal is a ``ValidationError`` naming what is wrong and
the section that says so.

Times must be timezone-aware. "48 hours" is elapsed time, so every comparison is
made in UTC: Python subtracts two datetimes that share a ``ZoneInfo`` by their wall
clocks, which across the October clock change would allow 49 real hours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from controlroom.core.domain import LOCAL_TZ as LONDON
from controlroom.core.errors import ValidationError
from controlroom.core.validation import bounded_date
from controlroom.paperwork.data import LatLon, Officer

# s.34(1) (authorisation period) and s.35(4) (exclusion period): no more than 48 hours.
MAX_PERIOD = timedelta(hours=48)
# s.36(1): no direction to a person who appears to be under 10.
MIN_AGE = 10
# s.35(7): a person who appears to be under 16 may be taken home or to a place of safety.
CHILD_UNDER = 16
# A point this close to the boundary (in degrees, about a centimetre) is on it.
EDGE_TOLERANCE = 1e-7

# Police ranks from junior to senior, with the abbreviations officers write.
_RANKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PCSO", ("pcso",)),
    ("Constable", ("pc", "dc", "constable", "police constable", "detective constable")),
    ("Sergeant", ("ps", "sgt", "ds", "sergeant", "detective sergeant")),
    ("Inspector", ("insp", "inspector", "di", "detective inspector")),
    (
        "Chief Inspector",
        ("ch insp", "chief inspector", "ci", "dci", "detective chief inspector", "chinsp"),
    ),
    ("Superintendent", ("supt", "superintendent", "dsupt", "detective superintendent")),
    ("Chief Superintendent", ("ch supt", "chief superintendent", "csupt", "chsupt", "dchsupt")),
    ("Assistant Chief Constable", ("acc", "assistant chief constable")),
    ("Deputy Chief Constable", ("dcc", "deputy chief constable")),
    ("Chief Constable", ("cc", "chief constable")),
)
_INSPECTOR = 3  # index of Inspector in _RANKS
_CONSTABLE = 1  # index of Constable: every rank from here up is a constable (s.35(1))

# Who gave a direction, as the s.38 record and the paperwork name them (s.35(1), s.40).
CAPACITIES = ("constable", "special constable", "PCSO")

# A time given this far ahead of the console's clock is a typing slip, not clock drift.
CLOCK_SKEW = timedelta(minutes=2)


def rank_seniority(rank: str) -> int:
    """0 for a PCSO up to 9 for a chief constable; ValueError for an unknown rank."""
    key = " ".join(rank.lower().replace(".", " ").split())
    for index, (name, aliases) in enumerate(_RANKS):
        if key == name.lower() or key in aliases:
            return index
    raise ValueError(rank)


def parse_officer(text: str) -> Officer:
    """``Insp 1234 Jane Smith`` → Officer(rank="Inspector", number="1234", name="Jane Smith")."""
    words = " ".join((text or "").replace(".", " ").split())
    if not words:
        raise ValidationError(
            "the officer is empty; write rank, number and name, e.g. 'Insp 1234 Jane Smith'"
        )
    parts = words.split(" ")
    for length in (4, 3, 2, 1):
        if len(parts) <= length:
            continue
        candidate = " ".join(parts[:length])
        try:
            index = rank_seniority(candidate)
        except ValueError:
            continue
        rest = parts[length:]
        number = rest[0] if rest and re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?", rest[0]) else ""
        name = " ".join(rest[1:] if number else rest)
        if not number or not name:
            raise ValidationError(
                f"officer {text!r} needs a collar number and a name after the rank, "
                "e.g. 'Insp 1234 Jane Smith'"
            )
        return Officer(rank=_RANKS[index][0], number=number, name=name)
    known = ", ".join(name for name, _ in _RANKS)
    raise ValidationError(
        f"officer {text!r} does not start with a rank; write e.g. 'Insp 1234 Jane Smith' (ranks: {known})"
    )


def check_authorising_officer(officer: Officer) -> None:
    # s.34(1): only an officer of at least the rank of inspector may authorise.
    if rank_seniority(officer.rank) < _INSPECTOR:
        raise ValidationError(
            f"{officer.describe()} cannot authorise a dispersal zone: s.34(1) needs an officer "
            "of at least the rank of inspector"
        )


def utc(moment: datetime, what: str) -> datetime:
    """The same instant in UTC; naive times are refused (whose clock would they be?)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(f"the {what} has no time zone; give it with an offset, e.g. 2026-11-27T22:00Z")
    return bounded_date(moment, what).astimezone(UTC)  # year 1 or 9999 is a slip, and overflows


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two aware instants (never wall-clock time)."""
    return utc(end, "end time") - utc(start, "start time")


# -- geometry ------------------------------------------------------------------


def check_polygon(points: Sequence[LatLon], what: str) -> tuple[LatLon, ...]:
    """At least three distinct finite points enclosing some area; closing point optional."""
    cleaned = [(float(lat), float(lon)) for lat, lon in points]
    if len(cleaned) > 1 and cleaned[0] == cleaned[-1]:
        cleaned.pop()
    if not all(math.isfinite(v) for point in cleaned for v in point):
        raise ValidationError(f"the {what} has a point that is not a number")
    if len(set(cleaned)) < 3:
        raise ValidationError(
            f"the {what} needs at least three distinct points (LAT,LON;LAT,LON;LAT,LON) to enclose an area"
        )
    if abs(_signed_area(cleaned)) < 1e-12:
        raise ValidationError(f"the {what} encloses no area: its points lie on one line")
    return tuple(cleaned)


def _signed_area(points: Sequence[LatLon]) -> float:
    total = 0.0
    for (y1, x1), (y2, x2) in _edges(points):
        total += x1 * y2 - x2 * y1
    return total / 2


def _edges(points: Sequence[LatLon]) -> list[tuple[LatLon, LatLon]]:
    return [(points[i], points[(i + 1) % len(points)]) for i in range(len(points))]


def on_segment(point: LatLon, a: LatLon, b: LatLon, tolerance: float = EDGE_TOLERANCE) -> bool:
    """Whether ``point`` lies on the segment a–b (within ``tolerance`` degrees)."""
    (py, px), (ay, ax), (by, bx) = point, a, b
    length = math.hypot(bx - ax, by - ay)
    if length == 0:
        return math.hypot(px - ax, py - ay) <= tolerance
    cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    if abs(cross) / length > tolerance:
        return False
    dot = (px - ax) * (bx - ax) + (py - ay) * (by - ay)
    return -tolerance * length <= dot <= length * length + tolerance * length


def point_in_polygon(point: LatLon, polygon: Sequence[LatLon]) -> bool:
    """Inside or on the boundary (a person standing on the line is in the locality)."""
    if any(on_segment(point, a, b) for a, b in _edges(polygon)):
        return True
    lat, lon = point
    inside = False
    for (y1, x1), (y2, x2) in _edges(polygon):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _properly_cross(a: LatLon, b: LatLon, c: LatLon, d: LatLon) -> bool:
    def orient(p: LatLon, q: LatLon, r: LatLon) -> float:
        return (q[1] - p[1]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[1] - p[1])

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    eps = 1e-14
    return ((o1 > eps and o2 < -eps) or (o1 < -eps and o2 > eps)) and (
        (o3 > eps and o4 < -eps) or (o3 < -eps and o4 > eps)
    )


def polygon_within(inner: Sequence[LatLon], outer: Sequence[LatLon]) -> bool:
    """Whether ``inner`` lies inside ``outer`` (shared boundary allowed).

    Every vertex and edge midpoint of ``inner`` must be inside or on ``outer``, and
    no edge of ``inner`` may cross an edge of ``outer``.
    """
    for a, b in _edges(inner):
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if not (point_in_polygon(a, outer) and point_in_polygon(middle, outer)):
            return False
        if any(_properly_cross(a, b, c, d) for c, d in _edges(outer)):
            return False
    return True


# -- s.34 authorisation ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthorisationTerms:
    """What an inspector writes on an s.34 authorisation, and when it was signed and recorded."""

    name: str
    log_number: str
    officer: Officer
    polygon: tuple[LatLon, ...]
    area_in_words: str
    starts_at: datetime
    ends_at: datetime
    grounds: str
    rights_consideration: str
    signed_at: datetime | None = None  # None: signed as it is recorded
    recorded_at: datetime | None = None  # the console's clock; None: not checked


def check_authorisation(terms: AuthorisationTerms) -> None:
    """Refuse an authorisation that the Act would not allow, naming every gap."""
    check_authorising_officer(terms.officer)
    missing = []
    if not terms.name.strip():
        missing.append("a name for the zone")
    if not terms.log_number.strip():
        missing.append("the log number (--log) the published authorisation quotes")
    if not terms.grounds.strip():
        # s.34(2) and s.34(4)(c): it must state the grounds it is given on.
        missing.append("the grounds (--grounds), s.34(2) and s.34(4)(c)")
    if not terms.rights_consideration.strip():
        # s.34(3): particular regard to ECHR Articles 10 and 11.
        missing.append("the Art. 10/11 consideration (--rights), s.34(3)")
    if missing:
        raise ValidationError("cannot authorise the zone; missing: " + "; ".join(missing))
    check_polygon(terms.polygon, "locality")  # s.34(1): a specified locality
    period = elapsed(terms.starts_at, terms.ends_at)
    if period <= timedelta(0):
        raise ValidationError("the authorisation must end after it starts (s.34(1): a specified period)")
    if period > MAX_PERIOD:
        # s.34(1): "a specified period of not more than 48 hours" — elapsed hours.
        raise ValidationError(
            f"the authorisation period is {_hours(period)}; s.34(1) allows no more than 48 hours"
        )
    check_signing(terms.signed_at, terms.starts_at, terms.recorded_at)


def check_signing(signed_at: datetime | None, starts_at: datetime, recorded_at: datetime | None) -> None:
    """s.34(1), (4): an authorisation is given in writing and signed, for a period that follows.

    It may not start before it was signed (it cannot authorise what was done before it
    existed), and a signature cannot be dated after the moment it is recorded.
    """
    if signed_at is None:
        return
    signed = utc(signed_at, "signing time")
    if recorded_at is not None and signed > utc(recorded_at, "time now") + CLOCK_SKEW:
        raise ValidationError(
            f"the authorisation is recorded as signed at {local_words(signed)}, which is in the future; "
            "give the time the inspector signed it (s.34(4))"
        )
    if utc(starts_at, "start") < signed:
        raise ValidationError(
            f"the authorisation would start at {local_words(starts_at)}, before it was signed at "
            f"{local_words(signed)}; an authorisation is in force only from signing, so start it "
            "at or after the signing time (s.34(1) and (4))"
        )


def local_words(moment: datetime) -> str:
    """e.g. ``21:00 GMT on 27/11/2026``: how refusals name a time (UK clock, zone named)."""
    local = utc(moment, "time").astimezone(LONDON)
    return f"{local:%H:%M} {local.tzname()} on {local:%d/%m/%Y}"


def authorisation_in_force(
    starts_at: datetime,
    ends_at: datetime,
    withdrawn_at: datetime | None,
    at: datetime,
    signed_at: datetime | None = None,
) -> bool:
    """In force from its start (never before signing) up to, not including, its end, unless withdrawn."""
    moment = utc(at, "time")
    if withdrawn_at is not None and utc(withdrawn_at, "withdrawal time") <= moment:
        return False
    if signed_at is not None and moment < utc(signed_at, "signing time"):
        return False
    return utc(starts_at, "start") <= moment < utc(ends_at, "end")


# -- s.35 direction --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZoneTerms:
    """The parts of an authorisation a direction is checked against."""

    name: str
    polygon: tuple[LatLon, ...]
    starts_at: datetime
    ends_at: datetime
    withdrawn_at: datetime | None = None
    signed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GiverTerms:
    """Who gave a direction: s.35(1) a constable in uniform; s.40 a designated PCSO."""

    officer: Officer
    in_uniform: bool | None
    special_constable: bool = False
    pcso_designation: str | None = None


@dataclass(frozen=True, slots=True)
class SurrenderTerms:
    """An s.37 direction to surrender items, as the constable gave it."""

    items: tuple[str, ...] = ()
    refused_items: tuple[str, ...] = ()
    belief: str | None = None
    in_writing: bool | None = None
    no_writing_reason: str | None = None


@dataclass(frozen=True, slots=True)
class DirectionTerms:
    """What a constable gives (and the control room records) under s.35."""

    given_at: datetime
    at: LatLon
    apparent_age: int
    grounds: str
    exclusion_polygon: tuple[LatLon, ...]
    exclusion_in_words: str
    exclusion_ends_at: datetime
    leave_by: datetime | None = None
    written_notice_given: bool = True
    no_written_notice_reason: str | None = None
    offence_warning_given: bool = True
    no_offence_warning_reason: str | None = None
    necessity: str | None = None  # None: not checked (older callers); "" is refused
    access_kept: bool | None = True  # s.36(2)-(3); None: not answered (refused)
    picket_or_procession: bool | None = False  # s.36(4); True refused, None not answered
    recorded_at: datetime | None = None  # the console's clock: no direction given in the future


@dataclass(frozen=True, slots=True)
class DirectionOutcome:
    """What must follow from an accepted direction."""

    take_home: bool  # s.35(7): appears under 16, may be removed home or to a place of safety


def check_apparent_age(age: int) -> bool:
    """Refuse under 10 (s.36(1)); True when a take-home task is due (under 16, s.35(7))."""
    if age < 0 or age > 130:
        raise ValidationError(f"apparent age {age} is not an age; give whole years, e.g. 24")
    if age < MIN_AGE:
        raise ValidationError(
            f"no direction may be given to a person who appears to be under 10 (apparent age {age}); s.36(1)"
        )
    return age < CHILD_UNDER


def check_exclusion_end(first_given_at: datetime, ends_at: datetime, section: str = "s.35(4)") -> None:
    """The exclusion ends after it is given and no more than 48 elapsed hours after first given."""
    period = elapsed(first_given_at, ends_at)
    if period <= timedelta(0):
        raise ValidationError("the exclusion must end after the direction is given")
    if period > MAX_PERIOD:
        raise ValidationError(
            f"the exclusion period would be {_hours(period)} from when the direction was first given; "
            f"{section} allows no more than 48 hours"
        )


def check_exclusion_area(area: Sequence[LatLon], zone: ZoneTerms) -> tuple[LatLon, ...]:
    # s.35(1)(a): the person is directed to leave the locality "or part of the locality".
    polygon = check_polygon(area, "exclusion area")
    if not polygon_within(polygon, zone.polygon):
        raise ValidationError(
            f"the exclusion area goes outside the authorised locality {zone.name!r}; "
            "a direction covers the locality or part of it (s.35(1)(a))"
        )
    return polygon


def check_direction(terms: DirectionTerms, zone: ZoneTerms) -> DirectionOutcome:
    """Refuse a direction the Act would not allow; say what must follow if accepted."""
    given_at = utc(terms.given_at, "time given")
    if terms.recorded_at is not None and given_at > utc(terms.recorded_at, "time now") + CLOCK_SKEW:
        raise ValidationError(
            f"the time given, {local_words(given_at)}, is in the future; record the time the "
            "direction was given on the street (s.38(1)(b))"
        )
    # s.35(1): only while an authorisation under s.34 is in force.
    if not authorisation_in_force(zone.starts_at, zone.ends_at, zone.withdrawn_at, given_at, zone.signed_at):
        start = max(utc(zone.starts_at, "start"), utc(zone.signed_at or zone.starts_at, "signing time"))
        raise ValidationError(
            f"the authorisation for {zone.name!r} is not in force at {local_words(given_at)} "
            f"(it runs from {local_words(start)} to {local_words(zone.ends_at)}"
            f"{', and has been withdrawn' if zone.withdrawn_at else ''}); a direction can only be "
            "given while it is in force (s.35(1))"
        )
    # s.35(1): to a person who is in a public place in the locality.
    if not point_in_polygon(terms.at, zone.polygon):
        raise ValidationError(
            f"{terms.at[0]:.5f},{terms.at[1]:.5f} is outside the locality of {zone.name!r}; "
            "a direction can only be given to a person in the locality (s.35(1))"
        )
    take_home = check_apparent_age(terms.apparent_age)
    if not terms.grounds.strip():
        raise ValidationError(
            "the grounds are empty: say why the behaviour contributed or was likely to contribute "
            "to harassment, alarm or distress, or crime or disorder, and why the direction is "
            "necessary (s.35(2) and (3))"
        )
    if terms.necessity is not None and not terms.necessity.strip():
        raise ValidationError(
            "say why the direction is necessary to remove or reduce the likelihood of harassment, alarm "
            "or distress, or crime or disorder (s.35(3)), apart from the grounds for suspicion (s.35(2))"
        )
    check_restrictions(terms.access_kept, terms.picket_or_procession)
    check_exclusion_end(given_at, terms.exclusion_ends_at)
    # s.35(5)(b): the area is specified by the drawn area (the plan), and by words if given.
    check_exclusion_area(terms.exclusion_polygon, zone)
    if terms.leave_by is not None:
        leave_by = utc(terms.leave_by, "leave-by time")
        if not given_at <= leave_by <= utc(terms.exclusion_ends_at, "exclusion end"):
            raise ValidationError(
                "the leave-by time must fall between the time given and the end of the exclusion (s.35(5)(c))"
            )
    if not terms.written_notice_given and not (terms.no_written_notice_reason or "").strip():
        raise ValidationError(
            "a direction must be given in writing unless that is not reasonably practicable; "
            "record why no written notice was given (s.35(5)(a))"
        )
    if not terms.offence_warning_given and not (terms.no_offence_warning_reason or "").strip():
        raise ValidationError(
            "the person must be told that failing to comply is an offence unless that is not "
            "reasonably practicable; record why they were not told (s.35(6))"
        )
    return DirectionOutcome(take_home=take_home)


def check_restrictions(access_kept: bool | None, picket_or_procession: bool | None) -> None:
    """s.36(2)-(4): what a direction may not do, and to whom it may not be given."""
    if access_kept is None:
        raise ValidationError(
            "confirm that the direction does not stop the person reaching where they live, a place "
            "they must attend for work or a contract of services, or by a court, tribunal or "
            "enactment, or where they are expected for education, training or medical treatment "
            "(s.36(2) and (3))"
        )
    if not access_kept:
        raise ValidationError(
            "a direction may not stop the person reaching where they live, required work, a court or "
            "tribunal, education or training, or medical treatment (s.36(2) and (3)); draw the area "
            "or set the route so that it does not"
        )
    if picket_or_procession is None:
        raise ValidationError(
            "say whether the person is one of a group peacefully picketing (TULRCA 1992 s.220) or "
            "taking part in a notified public procession (Public Order Act 1986 s.11) (s.36(4))"
        )
    if picket_or_procession:
        raise ValidationError(
            "no direction may be given to a person who is one of a group peacefully picketing, or "
            "taking part in a public procession notified under the Public Order Act 1986 s.11 (s.36(4))"
        )


def check_giver(giver: GiverTerms) -> str:
    """The capacity the direction was given in; refused unless a constable in uniform or a designated PCSO."""
    rank = rank_seniority(giver.officer.rank)
    if rank == 0:
        # s.40 and Police Reform Act 2002 Sch. 3C: a PCSO only if designated by the chief officer.
        if not (giver.pcso_designation or "").strip():
            raise ValidationError(
                f"{giver.officer.describe()} is a PCSO: a PCSO may give a direction only if designated "
                "by the chief officer to do so; record the designation reference (s.40)"
            )
        capacity = "PCSO"
    elif rank >= _CONSTABLE:
        capacity = "special constable" if giver.special_constable else "constable"
    else:  # pragma: no cover - every rank is a PCSO or a constable
        raise ValidationError(f"{giver.officer.describe()} cannot give a direction (s.35(1))")
    if giver.in_uniform is None:
        raise ValidationError(
            f"say whether {giver.officer.describe()} was in uniform: only a constable in uniform "
            "may give a direction (s.35(1))"
        )
    if not giver.in_uniform:
        raise ValidationError(
            f"{giver.officer.describe()} was not in uniform: a plain-clothes officer may not give a "
            "direction; a uniformed officer must give it (s.35(1))"
        )
    return capacity


def check_surrender(terms: SurrenderTerms) -> None:
    """s.37(1)-(2): the constable's belief about the items, and writing unless not practicable."""
    if not terms.items and not terms.refused_items:
        return
    overlap = set(terms.items) & set(terms.refused_items)
    if overlap:
        raise ValidationError(
            f"{sorted(overlap)[0]!r} is listed as both surrendered and refused; an item is one or the other"
        )
    if not (terms.belief or "").strip():
        raise ValidationError(
            "record why the constable believes the items have been or are likely to be used in "
            "behaviour that harasses, alarms or distresses members of the public (s.37(1))"
        )
    if terms.in_writing is None:
        raise ValidationError("say whether the direction to surrender was given in writing (s.37(2))")
    if not terms.in_writing and not (terms.no_writing_reason or "").strip():
        raise ValidationError(
            "a direction to surrender must be in writing unless that is not reasonably practicable; "
            "record why it was not (s.37(2))"
        )


def check_running_directions(
    running: Sequence[tuple[str, datetime]], supervisor: Officer | None, reason: str | None
) -> None:
    """A second direction while one is running needs a supervisor's reason (s.35(8), s.39).

    A person still excluded who is seen again is a breach (s.39), and a change of terms
    is a variation that never runs past 48 hours from first given (s.35(8)) — neither is
    a fresh 48 hours. A supervisor may still decide a new direction is right (a new
    authorisation, a different locality) and says why.
    """
    if not running:
        return
    listed = ", ".join(f"{ref} (until {local_words(ends)})" for ref, ends in running)
    if supervisor is None or not (reason or "").strip():
        raise ValidationError(
            f"this person already has a direction running: {listed}. Another direction is not a "
            "fresh 48 hours: vary the running one (s.35(8)) or record a breach (s.39). If a new "
            "direction is really needed, a supervisor (sergeant or above) must give the reason"
        )
    if rank_seniority(supervisor.rank) < _CONSTABLE + 1:
        raise ValidationError(
            f"{supervisor.describe()} is not a supervisor; a sergeant or above must give the reason "
            f"for a second direction while {listed} is running"
        )


def check_variation(first_given_at: datetime, exclusion_ends_at: datetime) -> None:
    # s.35(8): a variation must not extend a direction beyond 48 hours from when it was first given.
    check_exclusion_end(first_given_at, exclusion_ends_at, section="s.35(8)")


def check_notice(notice_given: bool, reason: str | None, what: str) -> None:
    # s.35(9): notice of a withdrawal or variation must be given in writing unless not practicable.
    if not notice_given and not (reason or "").strip():
        raise ValidationError(
            f"notice of the {what} must be given to the person unless that is not reasonably "
            "practicable; record why it was not (s.35(9))"
        )


def _hours(period: timedelta) -> str:
    minutes = round(period.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
