"""Persons of concern: descriptions, words of advice, and the identity behind a logged consultation.

A record starts from a description; name, date of birth and address are optional
and never travel on the change feed (see ``SubjectSnapshot``). Reading them is a
*consultation* under the Data Protection Act 2018 s.62 and is logged with its
justification; MoPI review may erase the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    LOCAL_TZ,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import SubjectSnapshot
from controlroom.core.validation import EARLIEST_BIRTH, bounded_date, clean_text
from controlroom.dispersal.records import (
    find_subject,
    subject_snapshot,
)
from controlroom.dispersal.rules import utc
from controlroom.storage.models import (
    Subject,
    SubjectWarning,
)
from controlroom.writes import CommandBase, requires

# Management of Police Information: a record about a person is reviewed, not kept
# indefinitely. A year is this control room's default; a force sets its own policy.
DEFAULT_REVIEW = timedelta(days=365)


MAX_DESCRIPTION = 2000


@dataclass(frozen=True, slots=True)
class NewSubject:
    """A person of concern as first described; identity fields are optional."""

    description: str
    clothing: str = ""
    build: str = ""
    distinguishing_features: str = ""
    name: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    review_date: date | None = None


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    """The full record including identity: only returned by a logged consultation."""

    subject: SubjectSnapshot
    name: str | None
    date_of_birth: date | None
    address: str | None
    created_at: datetime
    created_by: str


class PersonCommands(CommandBase):
    """Persons of concern: recorded, warned, consulted and reviewed."""

    @requires("subject.add")
    async def add_subject(self, new: NewSubject) -> SubjectSnapshot:
        """Record a person of concern from a description."""
        now = self.clock()
        async with self.db.write() as session:
            row = _subject_row(new, now, self.actor.name)
            session.add(row)
            await session.flush()
            snapshot = await subject_snapshot(session, row, now)
            await self._finish(
                session,
                "subject.add",
                "subject",
                row.id,
                {"identified": row.name is not None},
                snapshot.to_json(),
                now,
            )
            return snapshot

    @requires("subject.warn")
    async def warn_subject(
        self, subject_id: int, *, officer: str, place: str, note: str = "", given_at: datetime | None = None
    ) -> SubjectSnapshot:
        """Record words of advice: who gave them, when and where."""
        who = clean_text(officer, "officer", 200)
        where = clean_text(place, "place of the warning", 300)
        now = self.clock()
        at = utc(given_at, "time of the warning") if given_at else now
        async with self.db.write() as session:
            row = await find_subject(session, subject_id)
            session.add(
                SubjectWarning(
                    subject_id=row.id,
                    officer=who,
                    given_at=at,
                    place=where,
                    note=note.strip(),
                    recorded_by=self.actor.name,
                )
            )
            row.version += 1
            await session.flush()
            snapshot = await subject_snapshot(session, row, now)
            await self._finish(
                session,
                "subject.warn",
                "subject",
                row.id,
                {"officer": who, "place": where},
                snapshot.to_json(),
                now,
            )
            return snapshot

    @requires("subject.consult")
    async def consult_subject(self, subject_id: int, justification: str) -> SubjectRecord:
        """The full record with identity; logged as a consultation (DPA 2018 s.62(1)(c), (3))."""
        why = clean_text(justification, "justification for looking at this record", 500)
        now = self.clock()
        async with self.db.write() as session:
            row = await find_subject(session, subject_id)
            snapshot = await subject_snapshot(session, row, now)
            await self._audit(session, "subject.consult", "subject", row.id, {}, now, justification=why)
            return SubjectRecord(
                subject=snapshot,
                name=row.name,
                date_of_birth=row.date_of_birth,
                address=row.address,
                created_at=row.created_at,
                created_by=row.created_by,
            )

    @requires("subject.review")
    async def review_subject(
        self, subject_id: int, *, reason: str, next_review: date | None = None, erase_identity: bool = False
    ) -> SubjectSnapshot:
        """A MoPI review: set the next review date, and/or erase name, date of birth and address.

        The erasure log entry names the fields erased, never their content (DPA 2018 s.62).
        """
        why = clean_text(reason, "reason for the review", 1000)
        now = self.clock()
        today = now.astimezone(LOCAL_TZ).date()
        if next_review is None and not erase_identity:
            raise ValidationError(
                "a review either sets the next review date or erases the identity (or both)"
            )
        bounded_date(next_review, "next review date")
        if next_review is not None and next_review <= today:
            raise ValidationError(
                "the next review date must be in the future (Management of Police Information)"
            )
        async with self.db.write() as session:
            row = await find_subject(session, subject_id)
            detail: dict[str, Any] = {"reason": why}
            if next_review is not None:
                detail["review_date"] = [row.review_date.isoformat(), next_review.isoformat()]
                row.review_date = next_review
            if erase_identity:
                detail["erased"] = [
                    f for f in ("name", "date_of_birth", "address") if getattr(row, f) is not None
                ]
                row.name = row.date_of_birth = row.address = None
            row.version += 1
            await session.flush()
            snapshot = await subject_snapshot(session, row, now)
            action = "subject.erase" if erase_identity else "subject.review"
            await self._finish(session, action, "subject", row.id, detail, snapshot.to_json(), now)
            return snapshot


async def new_subject_row(session: AsyncSession, new: NewSubject, now: datetime, actor: str) -> Subject:
    """Insert a person of concern's record (the caller audits it: a direction or ``add_subject``)."""
    row = _subject_row(new, now, actor)
    session.add(row)
    await session.flush()
    return row


def _subject_row(new: NewSubject, now: datetime, actor: str) -> Subject:
    description = clean_text(new.description, "description", MAX_DESCRIPTION)
    review = bounded_date(new.review_date, "review date") or (
        now.astimezone(LOCAL_TZ).date() + DEFAULT_REVIEW
    )
    bounded_date(new.date_of_birth, "date of birth", earliest=EARLIEST_BIRTH)
    if review <= now.astimezone(LOCAL_TZ).date():
        raise ValidationError("the review date must be in the future (Management of Police Information)")
    if new.date_of_birth is not None and new.date_of_birth >= now.date():
        raise ValidationError(f"date of birth {new.date_of_birth} is not in the past")
    return Subject(
        description=description,
        clothing=(new.clothing or "").strip()[:300],
        build=(new.build or "").strip()[:100],
        distinguishing_features=_optional(new.distinguishing_features, MAX_DESCRIPTION) or "",
        name=_optional(new.name, 200),
        date_of_birth=new.date_of_birth,
        address=_optional(new.address, 300),
        review_date=review,
        created_at=now,
        created_by=actor,
        version=1,
    )


def _optional(value: str | None, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(f"{text[:20]!r}… is {len(text)} characters long; the limit is {limit}")
    return text or None
