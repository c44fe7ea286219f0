"""What the printed dispersal paperwork says: plain data, filled from the records.

The records (s.34 authorisations, s.35 directions) are turned into these frozen
values by the dispersal services; the templates in ``resources/paperwork/`` are
rendered from them. Keeping the two apart lets a force change its wording
without touching the rules, and lets the paperwork be tested without a database.
Every string here may have been typed by a person: the renderer escapes them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

LatLon = tuple[float, float]


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
    rights_consideration: str  # the ECHR Art. 10/11 consideration (s.36(6))
    authorised_at: datetime


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
    surrendered_items: tuple[str, ...] = ()
    collection_station: str | None = None
    collect_from: datetime | None = None
    variations: tuple[str, ...] = field(default=())
    withdrawn_at: datetime | None = None
