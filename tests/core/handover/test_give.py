"""Giving and acknowledging a handover: frozen content, another user signs, the trail and the trigger."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from controlroom.core.errors import NotPermittedError
from controlroom.core.roles import Actor
from controlroom.handover.content import HandoverContent
from controlroom.handover.queries import handover_record, list_handovers
from controlroom.handover.records import HandoverInputError, HandoverRefusedError
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, Handover
from tests.core.handover.support import GIVER, NOW, TAKER, known_night, outgoing
from tests.core.support import commands_for, run_with_db

READER = Actor("reader", "operator")


async def _trail(db: Database, action: str) -> list[Any]:
    async with db.read() as conn:
        query = select(AuditEntry.actor, AuditEntry.at, AuditEntry.detail).where(AuditEntry.action == action)
        return list((await conn.execute(query)).all())


async def _counts(db: Database) -> tuple[int, int, int]:
    async with db.read() as conn:
        rows = (await conn.execute(select(func.count()).select_from(Handover))).scalar_one()
        audit = (await conn.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
        changes = (await conn.execute(select(func.count()).select_from(ChangeLogEntry))).scalar_one()
    return int(rows), int(audit), int(changes)


def test_a_given_handover_keeps_what_was_given_after_the_night_moves_on(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        night = await known_night(db)
        given = await outgoing(db).give_handover(
            notes="Quiet on London Road; Velvet Fox door staff short-handed",
            item_notes={f"flag:{night.flag_id}": "Door staff know him: red jacket", "unit:1": "  "},
            to_user=TAKER,
        )
        boss = commands_for(db, "sup_a", NOW + timedelta(minutes=5), role="supervisor")
        await boss.clear_flag(night.flag_id)
        await boss.set_safe_space_status("Velvet Fox", "open")
        shown = await handover_record(db, READER, given.id)
        return night, given, shown, await _trail(db, "handover.give")

    night, given, shown, trail = run_with_db(db_url, scenario)
    assert given.reference == "H-2026-0001" and shown.snapshot == given.snapshot
    assert given.snapshot.given_by == GIVER and given.snapshot.to_user == TAKER
    assert given.snapshot.given_at == NOW and not given.snapshot.acknowledged
    assert given.snapshot.notes == "Quiet on London Road; Velvet Fox door staff short-handed"
    assert given.snapshot.noted_items == 1 and given.snapshot.contains_personal
    assert dict(given.snapshot.counts)["incidents"] == 2
    # The flag was cleared and the safe space opened since: the handover still says what was handed over.
    flag = shown.content.item(f"flag:{night.flag_id}")
    assert flag is not None and flag.note == "Door staff know him: red jacket"
    venue = shown.content.item(f"venue:{night.venue_id}")
    assert venue is not None and venue.cells == ("Velvet Fox", "Full")
    assert [(who, at) for who, at, _ in trail] == [(GIVER, NOW)]
    assert trail[0][2]["reference"] == "H-2026-0001" and trail[0][2]["to_user"] == TAKER


def test_acknowledgement_by_the_giver_is_refused_and_by_another_user_recorded(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        given = await outgoing(db).give_handover(notes="Nothing outstanding")
        before = await _counts(db)
        with pytest.raises(HandoverRefusedError) as refused:
            await commands_for(db, GIVER, NOW + timedelta(minutes=1), role="operator").acknowledge_handover(
                given.id
            )
        after_refusal = await _counts(db)
        taken = await commands_for(
            db, TAKER, NOW + timedelta(minutes=3), role="operator"
        ).acknowledge_handover(given.reference)
        with pytest.raises(HandoverRefusedError) as twice:
            await commands_for(
                db, "op_third", NOW + timedelta(minutes=4), role="supervisor"
            ).acknowledge_handover(given.id)
        trail = await _trail(db, "handover.acknowledge")
        return str(refused.value), before, after_refusal, taken, str(twice.value), trail

    refused, before, after_refusal, taken, twice, trail = run_with_db(db_url, scenario)
    assert refused == (
        "a handover must be acknowledged by the incoming operator, another user than op_out; "
        "log in as the incoming operator to acknowledge H-2026-0001"
    )
    assert after_refusal == before  # nothing written
    assert taken.snapshot.acknowledged_by == TAKER
    assert taken.snapshot.acknowledged_at == NOW + timedelta(minutes=3)
    assert twice == (
        "handover H-2026-0001 was already acknowledged by op_in at 27/11/2026 23:33; nothing to acknowledge"
    )
    assert [(who, at) for who, at, _ in trail] == [(TAKER, NOW + timedelta(minutes=3))]
    assert trail[0][2] == {"reference": "H-2026-0001", "given_by": GIVER}


def test_a_handover_addressed_to_someone_is_theirs_or_a_supervisors(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        given = await outgoing(db).give_handover(to_user=TAKER)
        with pytest.raises(HandoverRefusedError) as other:
            await commands_for(db, "op_other", NOW, role="operator").acknowledge_handover(given.id)
        taken = await commands_for(db, "sup_b", NOW, role="supervisor").acknowledge_handover(given.id)
        return str(other.value), taken, await _trail(db, "handover.acknowledge")

    other, taken, trail = run_with_db(db_url, scenario)
    assert (
        other
        == "handover H-2026-0001 is addressed to op_in; op_in acknowledges it (or a supervisor, for them)"
    )
    assert taken.snapshot.acknowledged_by == "sup_b"
    assert trail[0][2]["addressed_to"] == TAKER


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"item_notes": {"unit:999": "gone"}},
            "item:unit:999",
            "there is no item 'unit:999' in this handover",
        ),
        ({"notes": "\u200b\u200b"}, "notes", "nothing can be read in the overall notes"),
        ({"notes": "x" * 4001}, "notes", "the overall notes run to 4,001 characters; the limit is 4,000"),
        ({"to_user": GIVER}, "to_user", "a handover goes to another user than op_out"),
        ({"to_user": "Оp_in"}, "to_user", "U+041E CYRILLIC CAPITAL LETTER O"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    db_url: str, kwargs: dict[str, Any], field: str, message: str
) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        before = await _counts(db)
        with pytest.raises(HandoverInputError) as refused:
            await outgoing(db).give_handover(**kwargs)
        return refused.value, before, await _counts(db)

    refused, before, after = run_with_db(db_url, scenario)
    assert refused.field == field and message in str(refused)
    assert after == before


def test_a_partner_may_not_hand_over(db_url: str) -> None:
    async def scenario(db: Database) -> None:
        await commands_for(db, "venue_staff", NOW, role="partner").give_handover()

    with pytest.raises(NotPermittedError, match="hand over the shift"):
        run_with_db(db_url, scenario)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE handovers SET notes = 'rewritten'",
        "UPDATE handovers SET given_by = 'someone_else'",
        "UPDATE handovers SET content = '{}'",
        "UPDATE handovers SET acknowledged_by = 'op_in'",  # without the time: not an acknowledgement
        "DELETE FROM handovers",
    ],
)
def test_the_database_refuses_changing_or_deleting_a_given_handover(db_url: str, statement: str) -> None:
    async def scenario(db: Database) -> tuple[str, Any]:
        await outgoing(db).give_handover(notes="As given")
        try:
            async with db.write() as session:
                await session.execute(text(statement))
        except DBAPIError as exc:
            error = str(exc.orig)
        else:
            error = ""
        async with db.read() as conn:
            row = (
                await conn.execute(select(Handover.notes, Handover.given_by, Handover.acknowledged_by))
            ).one()
        return error, tuple(row)

    error, row = run_with_db(db_url, scenario)
    assert "handover" in error and ("never changes" in error or "cannot be deleted" in error)
    assert row == ("As given", GIVER, None)


def test_the_database_records_the_acknowledgement_once(db_url: str) -> None:
    async def scenario(db: Database) -> str:
        given = await outgoing(db).give_handover()
        await commands_for(db, TAKER, NOW, role="operator").acknowledge_handover(given.id)
        try:
            async with db.write() as session:
                await session.execute(
                    text("UPDATE handovers SET acknowledged_by = 'op_late', acknowledged_at = given_at")
                )
        except DBAPIError as exc:
            return str(exc.orig)
        return ""

    assert "only its acknowledgement is recorded, once" in run_with_db(db_url, scenario)


def test_the_history_finds_handovers_by_note_text_user_and_date(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, list[str]]:
        night = await known_night(db)
        first = await outgoing(db).give_handover(
            notes="Handed to the early shift",
            item_notes={f"incident:{night.g1_id}": "Witness at the Café Rouge"},
        )
        await commands_for(db, TAKER, NOW, role="operator").acknowledge_handover(first.id)
        next_day = NOW + timedelta(days=1)
        await commands_for(db, TAKER, next_day, role="operator").give_handover(notes="Rain; quiet night")

        async def refs(**kwargs: Any) -> list[str]:
            return [h.reference for h in await list_handovers(db, READER, **kwargs)]

        return {
            "all": await refs(),
            "cafe": await refs(text="café ROUGE"),
            "cell": await refs(text="kebab"),  # no: the G1 summary is not in the content, its place is
            "place": await refs(text="above bar"),  # the Grade 1 still open the next night
            "quiet": await refs(text="quiet"),
            "op_in": await refs(user=TAKER),
            "op_out": await refs(user=GIVER),
            "27th": await refs(date_from=NOW.date(), date_to=NOW.date()),
            "28th": await refs(date_from=next_day.date()),
        }

    found = run_with_db(db_url, scenario)
    assert found["all"] == ["H-2026-0002", "H-2026-0001"]  # newest first
    assert found["cafe"] == ["H-2026-0001"] and found["cell"] == []
    assert found["place"] == ["H-2026-0002", "H-2026-0001"]
    assert found["quiet"] == ["H-2026-0002"]
    assert found["op_in"] == ["H-2026-0002", "H-2026-0001"] and found["op_out"] == ["H-2026-0001"]
    assert found["27th"] == ["H-2026-0001"] and found["28th"] == ["H-2026-0002"]


def test_the_draft_the_window_showed_is_what_is_kept_and_only_its_drafters(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        night = await known_night(db)
        shown = await outgoing(db).draft_handover()
        # The window drafts in a worker process: the draft crosses as a pickle.
        shown = pickle.loads(pickle.dumps(shown))  # noqa: S301 - our own bytes, just made
        boss = commands_for(db, "sup_a", NOW, role="supervisor")
        await boss.clear_flag(night.flag_id)  # after the draft was shown
        given = await outgoing(db).give_handover(
            draft=shown, item_notes={f"flag:{night.flag_id}": "Cleared since? check"}
        )
        kept = await handover_record(db, READER, given.id)
        with pytest.raises(HandoverInputError) as not_theirs:
            await commands_for(db, TAKER, NOW, role="operator").give_handover(draft=shown)
        stale = outgoing(db)
        stale.handovers.context = dataclasses.replace(stale.context, clock=lambda: NOW + timedelta(hours=13))
        with pytest.raises(HandoverInputError) as too_old:
            await stale.handovers.give_handover(draft=shown)
        return night, shown, kept, not_theirs.value, too_old.value

    night, shown, kept, not_theirs, too_old = run_with_db(db_url, scenario)
    assert kept.content.keys() == shown.keys()
    flag = kept.content.item(f"flag:{night.flag_id}")
    assert flag is not None and flag.note == "Cleared since? check"
    assert HandoverContent.from_json(kept.content.to_json()) == kept.content
    assert not_theirs.field == "draft" and "this draft was made by op_out, not op_in" in str(not_theirs)
    assert too_old.field == "draft" and "more than 12 hours ago" in str(too_old)
