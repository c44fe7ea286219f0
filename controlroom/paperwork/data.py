"""What the printed dispersal paperwork says: plain data, filled from the records.

The records (s.34 authorisations, s.35 directions) are turned into these frozen
values by the dispersal services; the templates in ``resources/paperwork/`` are
rendered from them. Keeping the two apart lets a force change its wording
without touching the rules, and lets the paperwork be tested without a database.
Every string here may have been typed by a person: the renderer escapes them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from controlroom.audit.anchor import ChainHead
from controlroom.core.domain import LOCAL_TZ

LatLon = tuple[float, float]


# s.37: an item not asked for "within 28 days beginning with the day on which the direction
# was given" may be destroyed or otherwise disposed of. "Beginning with" counts that day as
# day 1, so the last day it is kept is that UK date plus 27 days. The subsection number could
# not be checked against the enacted text offline, so the paperwork cites s.37 whole.
DISPOSAL_DAYS = 28


# s.37: an item of a person who appears under 16 is returned only to a parent or other
# responsible adult; s.35(7): such a person may be taken home or to a place of safety.
UNDER_16 = 16


def last_day_kept(first_given_at: datetime) -> date:
    """The last UK calendar day a surrendered item is kept unless asked for (s.37)."""
    return first_given_at.astimezone(LOCAL_TZ).date() + timedelta(days=DISPOSAL_DAYS - 1)


@dataclass(frozen=True, slots=True)
class Officer:
    """An officer as the paperwork names them (s.34 needs inspector or above)."""

    rank: str
    number: str
    name: str

    def describe(self) -> str:
        return " ".join(part for part in (self.rank, self.number, self.name) if part)


@dataclass(frozen=True, slots=True)
class AuthorisationPaper:
    """An s.34 authorisation of a dispersal zone, ready to print for signature."""

    zone_id: int
    name: str
    log_number: str
    officer: Officer
    polygon: tuple[LatLon, ...]
    area_in_words: str
    starts_at: datetime
    ends_at: datetime
    grounds: str
    rights_consideration: str  # the ECHR Art. 10/11 consideration (s.34(3))
    authorised_at: datetime  # when it was recorded here
    signed_at: datetime | None = None  # s.34(4): in force only from signing
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None
    # The audit trail's head when the paper was read, printed in the footer so it exists
    # on paper outside the database (``audit.anchor``); None: not read from the records.
    audit_head: ChainHead | None = None

    @property
    def area_defined_by_plan(self) -> bool:
        """No words were given for the locality: the shaded plan alone defines it."""
        return not self.area_in_words.strip()


@dataclass(frozen=True, slots=True)
class ChangePaper:
    """A variation or withdrawal as the s.38 record prints it (s.35(8)-(9))."""

    kind: str  # "variation" or "withdrawal"
    at: datetime
    officer: str  # who varied or withdrew it (any constable, s.35(8))
    reason: str
    terms: str  # the new terms in words; "" for a withdrawal
    notice_given: bool
    notice_given_at: datetime | None
    no_notice_reason: str | None
    recorded_by: str


@dataclass(frozen=True, slots=True)
class TakeHomePaper:
    """The s.35(7) task for a person who appears under 16, and its outcome once recorded."""

    status: str  # "open" or "done"
    taken_to: str | None = None  # home, or the place of safety
    taken_by: str | None = None
    told: str | None = None  # parent, carer or agency told
    told_at: datetime | None = None
    referral: str | None = None  # safeguarding referral, if any
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DirectionPaper:
    """An s.35 direction: the notice to the person, the record copy and the receipt."""

    reference: str
    zone: AuthorisationPaper
    given_at: datetime
    officer: Officer
    person_description: str
    person_name: str | None
    apparent_age: int
    behaviour: str
    grounds: str
    exclusion_polygon: tuple[LatLon, ...]
    exclusion_in_words: str
    exclusion_ends_at: datetime
    leave_by: datetime | None
    route: str | None
    offence_warning_given: bool
    written_notice_given: bool
    no_written_notice_reason: str | None
    surrendered_items: tuple[str, ...] = ()  # only those actually surrendered (see refused_items)
    collection_station: str | None = None
    # s.37: not returned before the exclusion ends, so this follows the *current* end
    # (a variation or a withdrawal moves it); None when nothing was surrendered.
    collect_from: datetime | None = None
    variations: tuple[str, ...] = field(default=())
    withdrawn_at: datetime | None = None
    # -- the s.38 record in full ------------------------------------------------
    first_given_at: datetime | None = None
    # "constable", "special constable" or "PCSO" (s.35(1), s.40); None: given before this was recorded.
    officer_capacity: str | None = "constable"
    in_uniform: bool | None = None  # None: given before this was recorded
    pcso_designation: str | None = None
    place_given: str = ""  # "50.91310, -1.40510"
    grid_reference: str = ""  # Ordnance Survey National Grid, e.g. "SU 41830 12620"
    necessity: str = ""  # s.35(3), apart from the grounds (s.35(2))
    no_offence_warning_reason: str | None = None  # s.35(6)
    access_kept: bool | None = None  # s.36(2)-(3) confirmed
    not_picket_or_procession: bool | None = None  # s.36(4) confirmed
    surrender_belief: str | None = None  # s.37 (subsections not checked offline)
    surrender_in_writing: bool | None = None  # s.37: in writing unless not reasonably practicable
    no_written_surrender_reason: str | None = None
    refused_items: tuple[str, ...] = ()  # s.39(3): an offence
    # s.37: an item not asked for within 28 days beginning with the day the direction was given
    # may be disposed of: the last day it is kept (local date first given + 27 days).
    keep_until: date | None = None
    under_16: bool = False
    changes: tuple[ChangePaper, ...] = ()
    take_home: TakeHomePaper | None = None
    running_direction: str | None = None  # reference of a direction still running when this was given
    supervisor: str | None = None
    supervisor_reason: str | None = None
    recorded_by: str = ""
    recorded_at: datetime | None = None
    direction_id: int | None = None  # the record's id, for the s.62 log
    audit_head: ChainHead | None = None  # as on AuthorisationPaper: printed in the footer

    @property
    def officer_title(self) -> str:
        """Who gave it, as recorded: "Constable", "Special constable", "PCSO (designated, ref …)"."""
        if self.officer_capacity == "PCSO" and self.pcso_designation:
            return f"PCSO (designated, ref {self.pcso_designation})"
        return capacity_title(self.officer_capacity)

    @property
    def area_defined_by_plan(self) -> bool:
        """No words were given for the area: the shaded plan alone defines it."""
        return not self.exclusion_in_words.strip()


def capacity_title(capacity: str | None) -> str:
    """The capacity as printed; never "police officer" for everyone (s.35(1), s.40)."""
    if capacity is None:
        return "Not recorded"
    return {
        "constable": "Constable",
        "special constable": "Special constable",
        "PCSO": "PCSO (designated)",
    }.get(capacity, capacity)
