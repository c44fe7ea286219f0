"""The activity log: what one user did in a shift, on both backends; reading another's is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from controlroom.activity.log import ActivityItem, ActivityQuery, activity_log, activity_users
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from tests.core.decisions.support import NOW, ndm
from tests.core.support import add_venue, commands_for, run_with_db

NIGHT = date(2026, 11, 27)
JONES = Actor("op_jones", "operator")


async def _a_shift(db: Database) -> str:
    """op_jones reports a suspected spiking, marks its first step, records two decisions; others work too."""

    def at(minutes: int, name: str = "op_jones", role: str = "operator") -> Any:
        return commands_for(db, name, NOW + timedelta(minutes=minutes), role=role)

    await add_venue(at(-60, "sup_one", "supervisor"))
    incident = await at(1).report_incident(
        NewIncident(
            category="suspected_spiking",
            source="licensed_premises",
            summary="Woman unwell after a drink",
            grade=1,
            venue="Velvet Fox",
        )
    )
    await at(2).mark_step(incident.reference, "1")
    await at(3).record_decision(ndm(subject="Keep the glass for officers", incidents=(incident.reference,)))
    await at(4, "op_patel").record_decision(ndm(subject="Patel's own call"))
    await at(5).record_decision(ndm(subject="Taxi marshals to Bedford Place"))
    # The night before and the night after are outside the shift.
    await commands_for(db, "op_jones", NOW - timedelta(days=1), role="operator").record_decision(ndm())
    return incident.reference


def _lines(items: tuple[ActivityItem, ...]) -> list[tuple[str, str, str | None]]:
    return [(i.kind, i.text, i.incident_reference) for i in items]


def test_own_log_lists_the_shifts_report_step_and_decisions_in_time_order(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        reference = await _a_shift(db)

        async def log(**query: Any) -> Any:
            return await activity_log(db, JONES, ActivityQuery(night=NIGHT, **query), now=NOW)

        return {
            "reference": reference,
            "all": await log(),
            "procedure": await log(kind="procedure"),
            "incident": await log(incident=reference.lower()),
            "words": await log(text="TAXI"),
            "default": await activity_log(db, JONES, ActivityQuery(), now=NOW + timedelta(hours=2)),
        }

    seen = run_with_db(db_url, scenario)
    ref = seen["reference"]
    everything = seen["all"]
    assert everything.user == "op_jones" and everything.night == NIGHT
    assert everything.start == datetime(2026, 11, 27, 6, tzinfo=UTC)  # 06:00 GMT to 06:00 GMT
    lines = _lines(everything.items)
    assert [line[0] for line in lines] == ["incident", "procedure", "procedure", "decision", "decision"], (
        lines
    )
    assert lines[0][1].startswith("reported by") and lines[0][2] == ref
    assert lines[2][1].startswith("Step 1 done") and lines[2][2] == ref
    assert lines[3] == ("decision", "Decision D-2026-0001 recorded: Keep the glass for officers", ref)
    assert lines[4] == ("decision", "Decision D-2026-0003 recorded: Taxi marshals to Bedford Place", None)
    assert [i.at for i in everything.items] == sorted(i.at for i in everything.items)
    assert "Patel" not in str(lines)
    assert [i.kind for i in seen["procedure"].items] == ["procedure", "procedure"]
    assert all(i.incident_reference == ref for i in seen["incident"].items)
    assert len(seen["incident"].items) == 4
    assert _lines(seen["words"].items) == [lines[4]]
    # Without a night: the current operational night, by the clock given.
    assert seen["default"].night == NIGHT and len(seen["default"].items) == len(everything.items)


def test_an_operator_may_not_read_another_users_log(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, int]:
        await _a_shift(db)
        with pytest.raises(NotPermittedError) as refused:
            await activity_log(db, Actor("op_patel", "operator"), ActivityQuery(user="op_jones"), now=NOW)
        return str(refused.value), await _readings(db)

    message, readings = run_with_db(db_url, scenario)
    assert "may not read another user's activity log" in message
    assert readings == 0


async def _readings(db: Database) -> int:
    async with db.read() as conn:
        rows = await conn.execute(select(AuditEntry.id).where(AuditEntry.action == "activity.read"))
        return len(rows.all())


def test_a_supervisor_reads_anyones_log_and_the_reading_is_audited(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        await _a_shift(db)
        supervisor = Actor("sup_one", "supervisor")
        read = await activity_log(db, supervisor, ActivityQuery(user="op_jones", night=NIGHT), now=NOW)
        auditor = await activity_log(db, Actor("dpo", "auditor"), ActivityQuery(user="op_jones", night=NIGHT))
        own = await activity_log(db, supervisor, ActivityQuery(night=NIGHT), now=NOW)
        async with db.read() as conn:
            audit = (
                await conn.execute(
                    select(AuditEntry.actor, AuditEntry.kind, AuditEntry.detail).where(
                        AuditEntry.action == "activity.read"
                    )
                )
            ).all()
        users = await activity_users(db, supervisor, read.start, read.end)
        only_self = await activity_users(db, JONES, read.start, read.end)
        return {"read": read, "auditor": auditor, "own": own, "audit": audit, "users": (users, only_self)}

    seen = run_with_db(db_url, scenario)
    assert len(seen["read"].items) == 5
    # The auditor may not read timelines: the audit entries only, each action once.
    assert [i.source for i in seen["auditor"].items] == ["audit"] * len(seen["auditor"].items)
    assert {i.kind for i in seen["auditor"].items} >= {"incident", "procedure", "decision"}
    assert [(a.actor, a.kind) for a in seen["audit"]] == [
        ("sup_one", "consultation"),
        ("dpo", "consultation"),
    ]
    detail = seen["audit"][0].detail
    assert detail["user"] == "op_jones" and detail["start"].startswith("2026-11-27T06:00")
    # The supervisor's own: the venue they added, and their reading of op_jones's log.
    assert [(i.kind, i.action) for i in seen["own"].items] == [
        ("other", "venue.create"),
        ("other", "activity.read"),
    ]
    users, only_self = seen["users"]
    assert {"op_jones", "op_patel", "sup_one"} <= set(users) and only_self == ("op_jones",)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (ActivityQuery(kind="parking"), "unknown kind 'parking'; choose one of: incident,"),
        (ActivityQuery(start=NOW), "give both ends of the window"),
        (ActivityQuery(start=NOW, end=NOW - timedelta(hours=1)), "before it starts"),
        (ActivityQuery(start=NOW, end=NOW + timedelta(days=8)), "longer than 7 days"),
        (ActivityQuery(night=NIGHT, start=NOW, end=NOW + timedelta(hours=1)), "not both"),
    ],
)
def test_a_window_or_kind_that_cannot_be_read_is_refused(query: ActivityQuery, words: str) -> None:
    async def scenario(db: Database) -> str:
        with pytest.raises(ValidationError) as refused:
            await activity_log(db, JONES, query, now=NOW)
        return str(refused.value)

    url = "sqlite+aiosqlite:///:memory:"
    assert words in run_with_db(url, scenario)


def test_a_window_from_to(db_url: str) -> None:
    async def scenario(db: Database) -> list[str]:
        await _a_shift(db)
        query = ActivityQuery(start=NOW + timedelta(minutes=2), end=NOW + timedelta(minutes=4))
        log = await activity_log(db, JONES, query, now=NOW)
        return [i.kind for i in log.items]

    assert run_with_db(db_url, scenario) == ["procedure", "decision"]
