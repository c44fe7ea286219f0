"""The local outbox: writes queued while offline are replayed exactly once, in order;
conflicts are kept for the operator; the file outlives the program."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from controlroom.incidents.editing import IncidentEdit
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.offline.outbox import Outbox, apply_entry
from controlroom.storage.database import Database
from controlroom.storage.models import Incident, IncidentEvent
from tests.core.support import add_venue, commands_for, run_with_db

DB = "test-database"


def _new(summary: str = "Woman followed from the bar") -> NewIncident:
    return NewIncident(category="harassment", source="cctv", summary=summary, venue="Velvet Fox", grade=2)


async def _count(db: Database, model: type) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())


def test_queued_writes_are_replayed_in_order_and_the_outbox_empties(db_url: str, tmp_path: Path) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        commands = commands_for(db)
        await add_venue(commands)
        existing = await commands.report_incident(_new("Already on the board"))
        outbox = Outbox(tmp_path / "outbox.sqlite3", DB)
        outbox.enqueue_report(_new(), "test-operator")
        outbox.enqueue_status(existing.reference, "acknowledged", existing.version, "test-operator")
        outbox.enqueue_edit(existing.reference, IncidentEdit(note="Caller rang back"), None, "test-operator")
        assert outbox.counts() == (3, 0)
        result = await outbox.replay(commands)
        again = await outbox.replay(commands)  # nothing left: nothing happens twice
        return result, again, outbox.entries(), await incident_detail(db, existing.reference), db

    result, again, left, detail, _db = run_with_db(db_url, scenario)
    assert [entry.kind for entry, _ in result.applied] == ["report", "status", "edit"]
    assert result.conflicts == [] and result.interrupted is None
    assert again.applied == [] and left == []
    assert result.applied[0][1].summary == "Woman followed from the bar"
    assert detail.incident.status == "acknowledged" and detail.incident.version == 3
    kinds = [entry.kind for entry in detail.timeline]
    assert kinds.count("status") == 1 and kinds.count("note") == 1


def test_a_crash_between_apply_and_mark_done_does_not_apply_twice(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"

    async def scenario(db: Database) -> tuple[int, int, int, int, list[object]]:
        commands = commands_for(db)
        await add_venue(commands)
        existing = await commands.report_incident(_new("On the board"))
        outbox = Outbox(path, DB)
        outbox.enqueue_report(_new("Queued while offline"), "test-operator")
        outbox.enqueue_status(existing.reference, "acknowledged", existing.version, "test-operator")
        outbox.enqueue_edit(existing.reference, IncidentEdit(note="Seen on CCTV"), None, "test-operator")
        # Applied, then the program died before deleting the rows from the outbox.
        for entry in outbox.entries():
            await apply_entry(commands, entry)
        outbox.close()
        reopened = Outbox(path, DB)
        before = (await _count(db, Incident), await _count(db, IncidentEvent))
        result = await reopened.replay(commands)
        after = (await _count(db, Incident), await _count(db, IncidentEvent))
        detail = await incident_detail(db, existing.reference)
        return *before, *after, [result.conflicts, reopened.entries(), detail.incident.version]

    incidents_before, events_before, incidents_after, events_after, rest = run_with_db(db_url, scenario)
    conflicts, left, version = rest
    assert (incidents_after, events_after) == (incidents_before, events_before)
    assert conflicts == [] and left == []
    assert version == 3  # report (1) + status (2) + note (3): each once


def test_a_conflict_is_kept_with_its_reason_until_retried_or_discarded(db_url: str, tmp_path: Path) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        me, other = commands_for(db, "offline-operator"), commands_for(db, "bob")
        await add_venue(me)
        made = await me.report_incident(_new())
        outbox = Outbox(tmp_path / "outbox.sqlite3", DB)
        outbox.enqueue_status(made.reference, "acknowledged", made.version, "offline-operator")
        outbox.enqueue_status(made.reference, "on_scene", made.version, "offline-operator")
        await other.update_incident(made.reference, grade=1, expected_version=made.version)
        first = await outbox.replay(me)
        kept = outbox.entries()
        outbox.retry_on_current(kept[0].id)
        second = await outbox.replay(me)
        still = outbox.entries()
        outbox.discard(still[0].id)
        return first, kept, second, still, outbox.entries(), await incident_detail(db, made.reference)

    first, kept, second, still, finally_left, detail = run_with_db(db_url, scenario)
    assert first.applied == [] and len(first.conflicts) == 2
    assert [e.state for e in kept] == ["conflict", "conflict"]
    assert "changed by bob" in kept[0].problem
    assert [entry.kind for entry, _ in second.applied] == ["status"]
    assert len(still) == 1 and still[0].is_conflict  # on_scene: not allowed from acknowledged, still kept
    assert finally_left == []
    assert detail.incident.status == "acknowledged" and detail.incident.grade == 1


def test_the_outbox_file_survives_a_restart_and_keeps_each_database_apart(tmp_path: Path) -> None:
    path = tmp_path / "data" / "outbox.sqlite3"
    first = Outbox(path, DB)
    queued = first.enqueue_report(_new(), "test-operator")
    first.enqueue_edit("SOT-20261127-0001", IncidentEdit(note="n"), 4, "test-operator")
    Outbox(path, "another-database").enqueue_status("SOT-20261127-0002", "resolved", 2, "x")
    first.close()
    reopened = Outbox(path, DB)
    entries = reopened.entries()
    assert [e.kind for e in entries] == ["report", "edit"]
    assert entries[0].key == queued.key and entries[0].payload["summary"] == "Woman followed from the bar"
    assert entries[1].expected_version == 4
    assert "note “n”" in entries[1].describe()
    assert reopened.counts() == (2, 0)


def test_only_the_logged_in_users_own_writes_are_replayed(db_url: str, tmp_path: Path) -> None:
    """A write kept on a shared PC by one operator is never sent in another's name."""

    async def scenario(db: Database) -> tuple[list[str], list[str], str]:
        await add_venue(commands_for(db))
        outbox = Outbox(tmp_path / "outbox.sqlite3", DB)
        outbox.enqueue_report(_new("Kept by Sam"), "sam")
        outbox.enqueue_report(_new("Kept by Alex"), "alex")
        as_alex = await outbox.replay(commands_for(db, "alex"))
        waiting = [entry.actor for entry in outbox.entries()]
        as_sam = await outbox.replay(commands_for(db, "sam"))
        sent = as_sam.applied[0][1]
        return (
            [e.actor for e, _ in as_alex.applied],
            waiting,
            (await incident_detail(db, sent.reference)).timeline[0].actor,
        )

    sent_for_alex, waiting, sam_logged = run_with_db(db_url, scenario)
    assert sent_for_alex == ["alex"] and waiting == ["sam"] and sam_logged == "sam"
