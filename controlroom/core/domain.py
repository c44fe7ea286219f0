"""Domain vocabulary: incident categories, sources, grades, statuses, venues.

Values are stable slugs stored in the database and typed on the command line;
``label`` gives the words an operator reads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Self, cast
from zoneinfo import ZoneInfo

from controlroom.core.errors import ValidationError

LOCAL_TZ = ZoneInfo("Europe/London")

# An operational night runs 18:00 to 06:00 local time; the day shift before it
# counts towards the coming night, so the night changes at 06:00 local.
NIGHT_STARTS_AT_HOUR = 18
NIGHT_CHANGES_AT_HOUR = 6


class LabelledEnum(str, enum.Enum):
    """A str enum whose members carry a human label."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def of(cls, value: str) -> Self:
        """The member with this stored value (KeyError if there is none)."""
        return cast(Self, cls._value2member_map_[value])

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the slug or the label, any case, spaces or dashes for underscores."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if key in (member.value, member.label.lower().replace(" ", "_")):
                return member
        raise ValueError(text)

    @classmethod
    def choices(cls) -> list[str]:
        return [m.value for m in cls]


class Category(LabelledEnum):
    UNWANTED_SEXUAL_BEHAVIOUR = ("unwanted_sexual_behaviour", "Unwanted sexual behaviour")
    HARASSMENT = ("harassment", "Harassment")
    PREDATORY_BEHAVIOUR = ("predatory_behaviour", "Predatory behaviour")
    SUSPECTED_SPIKING = ("suspected_spiking", "Suspected spiking")
    VULNERABLE_PERSON = ("vulnerable_person", "Vulnerable person")
    ASSAULT = ("assault", "Assault")
    DISORDER = ("disorder", "Disorder")
    SEXUAL_OFFENCE = ("sexual_offence", "Sexual offence reported")
    # A directed person back inside the exclusion area: possibly the s.39 offence.
    DISPERSAL_BREACH = ("dispersal_breach", "Possible breach of dispersal direction")
    OTHER = ("other", "Other")


class Source(LabelledEnum):
    POLICE_PATROL = ("police_patrol", "Police patrol")
    CCTV = ("cctv", "CCTV operator")
    LICENSED_PREMISES = ("licensed_premises", "Licensed premises")
    WELFARE_OFFICER = ("welfare_officer", "Welfare officer")
    STREET_PASTORS = ("street_pastors", "Street Pastors")
    ST_JOHN = ("st_john", "St John Ambulance")
    PUBLIC = ("public", "Member of the public")
    ASK_FOR_ANGELA = ("ask_for_angela", "Ask for Angela")


class VenueLink(LabelledEnum):
    """How an incident at a venue relates to it, so a licensing review reads evidence, not a count.

    ``at_venue`` is the default until someone says more (and what migration 0012 gave
    incidents recorded before the link existed).
    """

    AT_VENUE = ("at_venue", "at venue")
    INSIDE = ("inside", "inside")
    DOOR_QUEUE = ("door_queue", "at the door/queue")
    NEARBY = ("nearby", "nearby")
    VENUE_REPORTED = ("venue_reported", "reported by the venue")


class Status(LabelledEnum):
    NEW = ("new", "New")
    ACKNOWLEDGED = ("acknowledged", "Acknowledged")
    DISPATCHED = ("dispatched", "Dispatched")
    ON_SCENE = ("on_scene", "On scene")
    RESOLVED = ("resolved", "Resolved")
    CLOSED = ("closed", "Closed")


class VenueKind(LabelledEnum):
    BAR = ("bar", "Bar")
    PUB = ("pub", "Pub")
    CLUB = ("club", "Nightclub")
    LATE_TAKEAWAY = ("late_takeaway", "Late takeaway")
    SAFE_ZONE = ("safe_zone", "St John Safe Zone")
    PASTORS_BASE = ("pastors_base", "Street Pastors base")
    TRANSPORT = ("transport", "Transport hub")
    OTHER = ("other", "Other")


class SafeSpaceStatus(LabelledEnum):
    OPEN = ("open", "Open")
    CLOSED = ("closed", "Closed")
    FULL = ("full", "Full")


class BestBarNone(LabelledEnum):
    NONE = ("none", "None")
    BRONZE = ("bronze", "Bronze")
    SILVER = ("silver", "Silver")
    GOLD = ("gold", "Gold")


class DirectionStatus(LabelledEnum):
    """An s.35 direction is active until it expires or any constable withdraws it (s.35(8))."""

    ACTIVE = ("active", "Active")
    WITHDRAWN = ("withdrawn", "Withdrawn")


class UnitKind(LabelledEnum):
    POLICE_FOOT = ("police_foot", "Police foot patrol")
    POLICE_VEHICLE = ("police_vehicle", "Police vehicle")
    PLAIN_CLOTHES = ("plain_clothes", "Plain-clothes pair")
    STREET_PASTORS = ("street_pastors", "Street Pastors")
    ST_JOHN = ("st_john", "St John Ambulance")
    WELFARE = ("welfare", "Welfare officer")


class UnitStatus(LabelledEnum):
    AVAILABLE = ("available", "Available")
    EN_ROUTE = ("en_route", "En route")
    ON_SCENE = ("on_scene", "On scene")
    BUSY = ("busy", "Busy")
    REFRESHMENT = ("refreshment", "Refreshment")
    OFF_DUTY = ("off_duty", "Off duty")


class Behaviour(LabelledEnum):
    """Predatory-behaviour codes a flag or sighting records (the "red flag")."""

    LOITERING = ("loitering", "Loitering")
    FOLLOWING = ("following", "Following")
    UNWANTED_TOUCHING = ("unwanted_touching", "Unwanted touching")
    LEERING = ("leering", "Leering")
    ISOLATING = ("isolating", "Isolating a lone woman")
    PLYING_WITH_DRINK = ("plying_with_drink", "Plying with drink")
    HARASSMENT = ("harassment", "Harassment")


GRADE_LABELS = {1: "Emergency", 2: "Priority", 3: "Scheduled", 4: "Resolution"}


def grade_label(grade: int | None) -> str:
    """``G1 Emergency`` … ``G4 Resolution``; ``Ungraded`` when not yet graded."""
    if grade is None:
        return "Ungraded"
    return f"G{grade} {GRADE_LABELS[grade]}"


def operational_night(moment: datetime) -> date:
    """The date of the operational night ``moment`` (aware) belongs to.

    The night of 27 November runs 27 Nov 18:00 to 28 Nov 06:00 local; the day
    shift from 06:00 counts towards that evening's night.
    """
    if moment.tzinfo is None:
        raise ValueError("operational_night needs an aware datetime")
    local = moment.astimezone(LOCAL_TZ)
    return (local - timedelta(hours=NIGHT_CHANGES_AT_HOUR)).date()


def night_start(night: date) -> datetime:
    """18:00 local on the night's date, as an aware datetime."""
    return datetime(night.year, night.month, night.day, NIGHT_STARTS_AT_HOUR, tzinfo=LOCAL_TZ)


def format_reference(prefix: str, night: date, number: int) -> str:
    """``SOT-20261127-0042``: unique within the night, sortable, speakable on the radio."""
    return f"{prefix}-{night:%Y%m%d}-{number:04d}"


@dataclass(frozen=True, slots=True)
class OperatingArea:
    """The rectangle the control room covers; coordinates outside it are typos."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def require(self, lat: float, lon: float, what: str = "") -> tuple[float, float]:
        """The point, or a ValidationError naming it (``what``: e.g. "a point of the exclusion area").

        Every coordinate a person types is checked here: a point outside the area is
        nearly always a typo or LON,LAT swapped, and the message says so.
        """
        if not self.contains(lat, lon):
            point = f"{lat:.5f},{lon:.5f}"
            subject = f"{what}, {point}," if what else point
            raise ValidationError(
                f"{subject} is outside the operating area ({self.describe()}); check the order is LAT,LON"
            )
        return lat, lon

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    def describe(self) -> str:
        return f"latitude {self.south:.4f} to {self.north:.4f}, longitude {self.west:.4f} to {self.east:.4f}"


SOUTHAMPTON_CENTRE = OperatingArea(south=50.888, west=-1.425, north=50.925, east=-1.380)
