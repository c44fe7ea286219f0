"""Handing the shift over, and acknowledging it: two writes, each the house's one transaction.

``give_handover`` checks every typed note before it opens its transaction, then in one
transaction stores the handover (the content frozen with each note inside its item), the
audit entry ``handover.give`` and the handover's change for every console's alert stack.
``acknowledge_handover`` records the incoming user's login and the time, once, with the
audit entry ``handover.acknowledge`` and the change that takes it off the alert stacks.

The acknowledgement is the incoming operator's signature, so it must be another user
than the giver: the same login acknowledging its own handover is refused, whatever the
role. A handover addressed to a named user (``to_user``) is theirs to acknowledge; a
supervisor may acknowledge it for them (the named operator went home ill, or never came)
— the audit entry then records whom it was addressed to. The trigger of migration 0016
keeps both promises in the database too: the content never changes after it is given,
and the acknowledgement is set once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import PERMISSIONS, ROLE_TITLES
from controlroom.core.validation import inert, user_name_characters
from controlroom.handover.content import SECTION_ORDER, HandoverContent
from controlroom.handover.draft import draft_handover, may_read
from controlroom.handover.records import (
    NOTES_LIMIT,
    HandoverInputError,
    HandoverRecord,
    HandoverRefusedError,
    checked_item_notes,
    checked_note,
    find_handover,
    next_reference,
    record_of,
    search_text,
)
from controlroom.storage.models import Handover, User
from controlroom.writes import CommandBase, requires

# A draft the window showed may be given this long after it was drafted; older, draft again.
DRAFT_KEPT_FOR = timedelta(hours=12)
# Cells of a draft handed back by the window: no longer than this each.
CELL_LIMIT = 2000


class HandoverCommands(CommandBase):
    """Drafting, giving and acknowledging shift handovers, as one acting user."""

    targets: GradeTargets = GradeTargets()

    @requires("handover.draft")
    async def draft_handover(self) -> HandoverContent:
        """The handover as it would be given now (a read: nothing is written)."""
        return await draft_handover(self.db, self.actor, self.clock(), self.targets)

    @requires("handover.give")
    async def give_handover(
        self,
        notes: str = "",
        item_notes: Mapping[str, str] | None = None,
        to_user: str | None = None,
        draft: HandoverContent | None = None,
    ) -> HandoverRecord:
        """Store the handover (``draft``, or one drafted now) with its notes, for the next user."""
        overall = checked_note(notes, "notes", "overall notes", NOTES_LIMIT)
        addressee = self._addressee(to_user)
        now = self.clock()
        content = draft if draft is not None else await draft_handover(self.db, self.actor, now, self.targets)
        self._check_draft(content, now)
        content = content.with_notes(checked_item_notes(item_notes or {}, content))
        async with self.db.write() as session:
            self.actor.require("handover.give")
            if addressee is not None:
                await _check_addressee(session, addressee)
            await self.db.take_feed_lock(session)  # the reference counts on: one giver at a time
            row = Handover(
                reference=await next_reference(session, now.astimezone(LOCAL_TZ).year),
                drafted_at=content.drafted_at,
                given_by=self.actor.name,
                given_at=now,
                role=self.actor.role,
                content=content.to_json(),
                notes=overall,
                to_user=addressee,
                contains_personal=content.contains_personal,
                counts=[[key, count] for key, count in content.counts()],
                noted_items=content.noted_items(),
                search_text=search_text(overall, content),
            )
            session.add(row)
            await session.flush()
            record = record_of(row)
            detail = {
                "reference": row.reference,
                "to_user": addressee,
                "counts": dict(content.counts()),
                "noted_items": content.noted_items(),
                "contains_personal": content.contains_personal,
            }
            await self._finish(
                session, "handover.give", "handover", row.id, detail, record.snapshot.to_json(), now
            )
            return record

    @requires("handover.acknowledge")
    async def acknowledge_handover(self, handover_id: int | str) -> HandoverRecord:
        """Sign for the handover as the incoming user: login and time, once."""
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("handover.acknowledge")
            row = await find_handover(session, handover_id, for_update=True)
            self._check_acknowledger(row)
            row.acknowledged_by, row.acknowledged_at = self.actor.name, now
            await session.flush()
            record = record_of(row)
            detail: dict[str, object] = {"reference": row.reference, "given_by": row.given_by}
            if row.to_user is not None and row.to_user != self.actor.name:
                detail["addressed_to"] = row.to_user  # a supervisor acknowledging for them
            await self._finish(
                session, "handover.acknowledge", "handover", row.id, detail, record.snapshot.to_json(), now
            )
            return record

    # -- checks -------------------------------------------------------------------------

    def _addressee(self, to_user: str | None) -> str | None:
        if to_user is None or not to_user.strip():
            return None
        try:
            name = user_name_characters(to_user.strip())
        except ValidationError as bad:
            raise HandoverInputError("to_user", f"the incoming user: {bad}") from None
        if name == self.actor.name:
            raise HandoverInputError(
                "to_user",
                f"a handover goes to another user than {self.actor.name} (you are handing over); "
                "name the incoming operator, or leave it empty for whoever logs in next",
            )
        return name

    def _check_draft(self, content: HandoverContent, now: datetime) -> None:
        """A draft handed back by the window: this user's, recent, of known sections, in bounds."""
        if content.drafted_by != self.actor.name or content.role != self.actor.role:
            raise HandoverInputError(
                "draft",
                f"this draft was made by {inert(content.drafted_by)}, not {self.actor.name}; "
                "draft the handover again",
            )
        if content.drafted_at > now + timedelta(minutes=1) or now - content.drafted_at > DRAFT_KEPT_FOR:
            raise HandoverInputError(
                "draft",
                f"this draft was made at {content.drafted_at.astimezone(LOCAL_TZ):%d/%m %H:%M}, more than "
                f"{int(DRAFT_KEPT_FOR.total_seconds() // 3600)} hours ago or in the future; "
                "draft the handover again",
            )
        unknown = [s.key for s in content.sections if s.key not in SECTION_ORDER]
        too_long = any(len(c) > CELL_LIMIT for s in content.sections for i in s.items for c in i.cells)
        if unknown or too_long:
            raise HandoverInputError(
                "draft", "this draft was not made by controlroom; draft the handover again"
            )
        if content.contains_personal and not (
            may_read(self.actor, "dispersal.read") or may_read(self.actor, "read.subjects")
        ):
            raise NotPermittedError(
                f"{self.actor.name} may not hand over personal data; draft the handover again"
            )

    def _check_acknowledger(self, row: Handover) -> None:
        if row.acknowledged_at is not None:
            raise HandoverRefusedError(
                f"handover {row.reference} was already acknowledged by {row.acknowledged_by} at "
                f"{row.acknowledged_at.astimezone(LOCAL_TZ):%d/%m/%Y %H:%M}; nothing to acknowledge"
            )
        if row.given_by == self.actor.name:
            raise HandoverRefusedError(
                "a handover must be acknowledged by the incoming operator, "
                f"another user than {row.given_by}; log in as the incoming operator to acknowledge "
                f"{row.reference}"
            )
        if (
            row.to_user is not None
            and row.to_user != self.actor.name
            and not self.actor.may("handover.acknowledge_for")
        ):
            raise HandoverRefusedError(
                f"handover {row.reference} is addressed to {row.to_user}; {row.to_user} acknowledges it "
                "(or a supervisor, for them)"
            )


async def _check_addressee(session: AsyncSession, name: str) -> None:
    """The named incoming user, where this login can see the users: one who may sign for it.

    On PostgreSQL an operator's own login sees only its own row of ``users`` (row-level
    security), so there only the form of the name is checked; the acknowledgement itself
    is by whoever logs in with that name (or a supervisor for them).
    """
    visible = {
        row.name: row for row in (await session.execute(select(User.name, User.role, User.disabled))).all()
    }
    found = visible.get(name)
    if found is None and len(visible) > 1:
        raise HandoverInputError(
            "to_user", f"there is no user {name}; `controlroom user list` names them (or leave --to out)"
        )
    if found is not None and found.disabled:
        raise HandoverInputError("to_user", f"{name} is disabled; name an operator or a supervisor on duty")
    if found is not None and "handover.acknowledge" not in PERMISSIONS.get(found.role, ()):
        title = ROLE_TITLES.get(found.role, found.role)
        raise HandoverInputError(
            "to_user",
            f"{name}'s role ({title}) may not acknowledge a handover; name an operator or a supervisor",
        )


__all__ = ["DRAFT_KEPT_FOR", "HandoverCommands"]
