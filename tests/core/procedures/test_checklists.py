"""Checklists on both backends: started with the report, worked step by step, never rewritten."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from controlroom.core.errors import ControlroomError, NotPermittedError, ValidationError
from controlroom.core.snapshots import ChecklistSnapshot
from controlroom.incidents.editing import IncidentEdit
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, ChecklistStepOutcome
from tests.core.procedures.support import (
    SPIKING_V2,
    book_from,
    commands,
    counts,
    spiking,
    timeline_texts,
)
from tests.core.support import FIXED_NOW, run_with_db

NOW = FIXED_NOW


def test_a_reported_spiking_gets_its_checklist_timeline_line_audit_and_change(
    db_url: str, tmp_path: Path
) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[Any, ...]:
        op = commands(db, book, NOW)
        before = await counts(db)
        incident = await op.report_incident(spiking())
        after = await counts(db)
        async with db.read() as conn:
            log = select(ChangeLogEntry.entity, ChangeLogEntry.payload).order_by(ChangeLogEntry.seq)
            changes = (await conn.execute(log)).all()
            audit = (await conn.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars().all()
        return incident, before, after, changes, audit, await timeline_texts(db, incident)

    incident, before, after, changes, audit, timeline = run_with_db(db_url, scenario)

    assert {k: after[k] - before[k] for k in after} == {
        "checklists": 1,
        "outcomes": 0,
        "events": 2,  # reported, procedure started
        "audit": 2,  # incident.report, procedure.start
        "changes": 2,  # the checklist, then the incident
    }
    assert timeline == [
        "reported by CCTV operator: Suspected spiking, Ungraded",
        "Procedure: Suspected spiking (V1) started",
    ]
    assert audit[-2:] == ["procedure.start", "incident.report"]
    assert [c.entity for c in changes[-2:]] == ["checklist", "incident"]
    payload = changes[-2].payload
    checklist = ChecklistSnapshot.from_json(json.loads(payload) if isinstance(payload, str) else payload)
    assert (checklist.incident_id, checklist.procedure_key, checklist.version) == (
        incident.id,
        "spiking",
        "V1",
    )
    assert checklist.content_hash == book.procedures[0].content_hash
    assert [(s.number, s.state) for s in checklist.steps] == [
        ("1", "pending"),
        ("2", "pending"),
        ("3", "pending"),
        ("3a", "conditional"),
        ("3b", "conditional"),
        ("4", "pending"),
    ]
    assert checklist.steps[0].due_at == incident.reported_at + timedelta(minutes=5)
    assert checklist.steps[2].due_at is None and checklist.steps[2].question == "Under 18?"


def test_an_incident_of_no_procedures_kind_gets_no_checklist(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[dict[str, int], str]:
        op = commands(db, book, NOW)
        incident = await op.report_incident(spiking(category="disorder"))
        with pytest.raises(ValidationError) as refused:
            await op.mark_step(incident.reference, "1")
        return await counts(db), str(refused.value)

    found, message = run_with_db(db_url, scenario)
    assert found["checklists"] == 0
    assert "has no checklist" in message


def test_marking_done_records_who_and_when_and_the_answer_opens_its_branch(
    db_url: str, tmp_path: Path
) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[Any, ...]:
        incident = await commands(db, book, NOW).report_incident(spiking())
        later = commands(db, book, NOW + timedelta(minutes=4), name="op2")
        first = await later.mark_step(incident.reference, "1")
        answered = await later.mark_step(incident.reference, "3", answer="yes")
        skipped = await later.skip_step(incident.reference, "2", "the glass was already washed up")
        return first, answered, skipped, await timeline_texts(db, incident)

    first, answered, skipped, timeline = run_with_db(db_url, scenario)

    done = first.step("1")
    assert (done.state, done.by, done.at) == ("done", "op2", NOW + timedelta(minutes=4))
    states = {s.number: s.state for s in answered.steps}
    assert states == {
        "1": "done",
        "2": "pending",
        "3": "done",
        "3a": "pending",
        "3b": "not_applicable",
        "4": "pending",
    }
    assert answered.step("3").answer == "yes"
    assert (skipped.step("2").state, skipped.step("2").reason) == (
        "skipped",
        "the glass was already washed up",
    )
    assert timeline[-3:] == [
        "Step 1 done: Send St John to the person — by op2",
        "Step 3 done (answer: yes): Establish the person's age — by op2",
        "Step 2 skipped: Secure the drink and the glass — by op2, because: the glass was already washed up",
    ]


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u200b"])
def test_skipping_without_a_visible_reason_is_refused_and_writes_nothing(
    db_url: str, tmp_path: Path, reason: str
) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        op = commands(db, book, NOW)
        incident = await op.report_incident(spiking())
        before = await counts(db)
        with pytest.raises(ValidationError) as refused:
            await op.skip_step(incident.reference, "1", reason)
        return str(refused.value), before, await counts(db)

    message, before, after = run_with_db(db_url, scenario)
    assert message.startswith("a skipped step needs a reason")
    assert after == before


async def _refusals(db: Database, tmp_path: Path) -> dict[str, tuple[type[ControlroomError], str]]:
    book = book_from(tmp_path)
    op = commands(db, book, NOW)
    incident = await op.report_incident(spiking())
    ref = incident.reference
    await op.mark_step(ref, "1")
    attempts: dict[str, Any] = {
        "unknown step": op.mark_step(ref, "9"),
        "already done": op.mark_step(ref, "1"),
        "unanswered branch": op.mark_step(ref, "3a"),
        "no answer to its question": op.mark_step(ref, "3"),
        "answer without a question": op.mark_step(ref, "2", answer="yes"),
        "answer neither yes nor no": op.mark_step(ref, "3", answer="maybe"),
        "supervisor's step": op.mark_step(ref, "4"),
        "partner": commands(db, book, NOW, name="venue-1", role="partner").mark_step(ref, "2"),
        "auditor": commands(db, book, NOW, name="dpo", role="auditor").skip_step(ref, "2", "why not"),
        "unknown incident": op.mark_step("SOT-20261127-0999", "1"),
    }
    seen: dict[str, tuple[type[ControlroomError], str]] = {}
    for name, attempt in attempts.items():
        try:
            await attempt
        except ControlroomError as refused:
            seen[name] = (type(refused), str(refused))
    await op.mark_step(ref, "3", answer="no")
    for name, attempt in {
        "branch not taken": op.mark_step(ref, "3a"),
        "closed": _closed_then_marked(db, book, ref),
    }.items():
        try:
            await attempt
        except ControlroomError as refused:
            seen[name] = (type(refused), str(refused))
    return seen


async def _closed_then_marked(db: Database, book: Any, ref: str) -> None:
    op = commands(db, book, NOW)
    await op.update_incident(ref, status="resolved")
    await op.update_incident(ref, status="closed")
    await op.mark_step(ref, "2")


def test_each_wrong_step_is_refused_with_its_reason(db_url: str, tmp_path: Path) -> None:
    seen = run_with_db(db_url, lambda db: _refusals(db, tmp_path))

    expected = {
        "unknown step": (ValidationError, "has no step '9'; its checklist's steps are: 1, 2, 3, 3a, 3b, 4"),
        "already done": (ValidationError, "step 1 was already done by op1 at 23:30"),
        "unanswered branch": (ValidationError, "mark step 3 done with --answer yes or no first"),
        "no answer to its question": (ValidationError, "step 3 asks: Under 18? — answer it"),
        "answer without a question": (ValidationError, "step 2 asks no question"),
        "answer neither yes nor no": (ValidationError, "answer 'maybe' is not yes or no"),
        "supervisor's step": (NotPermittedError, "step 4 is a supervisor's step"),
        "partner": (NotPermittedError, ""),
        "auditor": (NotPermittedError, ""),
        "unknown incident": (ValidationError, "no incident with reference 'SOT-20261127-0999'"),
        "branch not taken": (ValidationError, "step 3a is not applicable: it belongs to the 'yes' branch"),
        "closed": (ValidationError, "is closed, so its steps can no longer be marked"),
    }
    assert set(seen) == set(expected)
    for name, (kind, words) in expected.items():
        assert seen[name][0] is kind, (name, seen[name])
        assert words in seen[name][1], (name, seen[name])


def test_a_supervisor_marks_the_supervisor_step(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> ChecklistSnapshot:
        incident = await commands(db, book, NOW).report_incident(spiking())
        return await commands(db, book, NOW, name="insp1", role="supervisor").mark_step(incident.reference, 4)

    step = run_with_db(db_url, scenario).step("4")
    assert (step.state, step.by) == ("done", "insp1")


def test_a_changed_procedures_file_leaves_started_incidents_on_their_version(
    db_url: str, tmp_path: Path
) -> None:
    async def scenario(db: Database) -> tuple[ChecklistSnapshot, ChecklistSnapshot, ChecklistSnapshot]:
        first = await commands(db, book_from(tmp_path), NOW).report_incident(spiking("first"))
        # The force edits its file; the next process reads the new version.
        edited = book_from(tmp_path, SPIKING_V2)
        second = await commands(db, edited, NOW).report_incident(spiking("second"))
        op = commands(db, edited, NOW + timedelta(minutes=1))
        return (
            await op.mark_step(first.reference, "1"),
            await op.mark_step(second.reference, "1"),
            await op.mark_step(first.reference, "2"),
        )

    first, second, first_again = run_with_db(db_url, scenario)
    assert (first.version, first.step("1").text) == ("V1", "Send St John to the person")
    assert (second.version, second.step("1").text) == ("V2", "Call an ambulance")
    assert first.content_hash != second.content_hash
    assert first_again.version == "V1" and first_again.step("1").text == "Send St John to the person"


def test_a_category_change_starts_the_checklist_once(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[dict[str, int], dict[str, int], list[str]]:
        op = commands(db, book, NOW)
        incident = await op.report_incident(spiking(category="other"))
        await op.update_incident(incident.reference, IncidentEdit(category="suspected_spiking"))
        once = await counts(db)
        await op.update_incident(incident.reference, IncidentEdit(category="disorder"))
        await op.update_incident(incident.reference, IncidentEdit(category="suspected_spiking"))
        return once, await counts(db), await timeline_texts(db, incident)

    once, later, timeline = run_with_db(db_url, scenario)
    assert once["checklists"] == later["checklists"] == 1
    assert timeline.count("Procedure: Suspected spiking (V1) started") == 1


@pytest.mark.parametrize("table", ["checklist_step_outcomes", "incident_checklists"])
def test_checklists_and_step_outcomes_cannot_be_changed_or_deleted(
    db_url: str, tmp_path: Path, table: str
) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> list[str]:
        op = commands(db, book, NOW)
        incident = await op.report_incident(spiking())
        await op.skip_step(incident.reference, "1", "St John already there")
        column = "reason" if table == "checklist_step_outcomes" else "title"
        errors = []
        for statement in (f"UPDATE {table} SET {column} = 'rewritten'", f"DELETE FROM {table}"):  # noqa: S608
            try:
                async with db.write() as session:
                    await session.execute(text(statement))
            except DBAPIError as exc:
                errors.append(str(exc))
        return errors

    errors = run_with_db(db_url, scenario)
    assert len(errors) == 2
    assert all(f"{table} is append-only" in e for e in errors)


async def _race(db: Database, tmp_path: Path) -> str:
    """Console A has recorded step 1 but not committed; console B marks step 1 and waits on the key."""
    book = book_from(tmp_path)
    incident = await commands(db, book, NOW).report_incident(spiking())
    async with db.write() as first:
        first.add(
            ChecklistStepOutcome(
                incident_id=incident.id, step_number="1", outcome="done", actor="op1", at=NOW, reason=""
            )
        )
        await first.flush()
        second = asyncio.ensure_future(commands(db, book, NOW, name="op2").mark_step(incident.reference, "1"))
        await _until_waiting_on_a_lock(db, second)
    with pytest.raises(ValidationError) as refused:
        await second
    return str(refused.value)


async def _until_waiting_on_a_lock(db: Database, task: asyncio.Future[Any]) -> None:
    """Until another connection waits on a lock (the second insert behind the first's uncommitted key)."""
    for _ in range(400):  # up to 20 s: a condition polled, not a guessed sleep
        async with db.read() as conn:
            waiting = (
                await conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            ).scalar_one()
        if waiting or task.done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the second console never waited on the first's step")


@pytest.mark.postgres
def test_two_consoles_marking_one_step_at_once_keep_the_first(pg_cluster: Any, tmp_path: Path) -> None:
    from controlroom.storage.migrate import upgrade

    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    message = run_with_db(url, lambda db: _race(db, tmp_path))
    assert message.startswith("step 1 was recorded from another console a moment ago; nothing was recorded")
