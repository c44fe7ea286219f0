"""A reference taken outside the program never blocks reporting: the next free one is used."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from datetime import date, datetime

from sqlalchemy import Insert, insert, select, text

from controlroom.core.domain import format_reference, operational_night
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import Incident
from tests.conftest import _migrate, controlroom_cmd, run_isolated
from tests.core.support import FIXED_NOW, commands_for, row_counts, run_with_db
from tests.pg_cluster import PostgresCluster


def _report(summary: str) -> NewIncident:
    return NewIncident(
        category="harassment", source="cctv", summary=summary, lat=50.905, lon=-1.404, place="East Street"
    )


def _row_written_around_the_program(reference: str, night: date, at: datetime) -> Insert:
    return insert(Incident).values(
        reference=reference,
        night=night,
        reported_at=at,
        source="cctv",
        category="harassment",
        status="new",
        place="Written around the program",
        lat=50.905,
        lon=-1.404,
        summary="inserted directly",
        created_by="integration",
    )


async def _insert_around_the_program(db: Database, reference: str, night: date, at: datetime) -> None:
    """What an integration writing the table directly would leave: a row, no counter move."""
    async with db.write() as session:
        await session.execute(_row_written_around_the_program(reference, night, at))


def test_a_taken_number_is_skipped_and_later_reports_keep_working(db_url: str) -> None:
    night = operational_night(FIXED_NOW)

    async def scenario(db: Database) -> tuple[list[str], list[str]]:
        commands = commands_for(db, now=FIXED_NOW)
        first = await commands.report_incident(_report("first"))
        for number in (2, 3):  # two in a row: the skip keeps going until a number is free
            await _insert_around_the_program(db, format_reference("SOT", night, number), night, FIXED_NOW)
        made = [first.reference]
        for n in range(3):
            made.append((await commands.report_incident(_report(f"after {n}"))).reference)
        async with db.read() as conn:
            stored = list((await conn.execute(select(Incident.reference).order_by(Incident.id))).scalars())
        return made, stored

    made, stored = run_with_db(db_url, scenario)
    expected = [format_reference("SOT", night, n) for n in (1, 4, 5, 6)]
    assert made == expected
    assert sorted(stored) == sorted([*expected, *(format_reference("SOT", night, n) for n in (2, 3))])


def _cli_report(db_url: str, summary: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        controlroom_cmd(
            "--db", db_url, "report", "--at", "50.905,-1.404", "--place", "East Street",
            "--category", "harassment", "--source", "cctv", "--summary", summary,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )  # fmt: skip


def test_the_command_line_reports_past_a_directly_inserted_reference(db_url: str) -> None:
    first = _cli_report(db_url, "first")
    assert first.returncode == 0, first.stderr
    prefix, day, number = first.stdout.strip().rsplit("-", 2)
    night = datetime.strptime(day, "%Y%m%d").date()  # noqa: DTZ007 - a calendar date, no time
    taken = format_reference(prefix, night, int(number) + 1)
    run_with_db(db_url, lambda db: _insert_around_the_program(db, taken, night, FIXED_NOW))

    after = [_cli_report(db_url, f"after {n}") for n in range(2)]

    assert [(p.returncode, p.stderr) for p in after] == [(0, ""), (0, "")]
    assert [p.stdout.strip() for p in after] == [
        format_reference(prefix, night, int(number) + 2),
        format_reference(prefix, night, int(number) + 3),
    ]
    assert run_with_db(db_url, row_counts)["incidents"] == 4


async def _until_an_insert_waits_for_a_lock(db: Database) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO incidents%'"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with db.read() as conn:
            if (await conn.execute(query)).scalar_one():
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the report never reached its insert")


def test_a_reference_committed_while_a_report_inserts_is_skipped(pg_cluster: PostgresCluster) -> None:
    """PostgreSQL: the outside row is invisible at the check and collides at the insert."""
    url = pg_cluster.create_database()
    run_isolated(_migrate(url))
    night = operational_night(FIXED_NOW)

    async def scenario(db: Database) -> tuple[str, str]:
        commands = commands_for(db, now=FIXED_NOW)
        first = await commands.report_incident(_report("first"))

        async def report_meanwhile() -> IncidentSnapshot:
            return await commands.report_incident(_report("meanwhile"))

        async with db.engine.begin() as outside:  # committed when the block ends
            await outside.execute(
                _row_written_around_the_program(format_reference("SOT", night, 2), night, FIXED_NOW)
            )
            reporting = asyncio.create_task(report_meanwhile())
            await _until_an_insert_waits_for_a_lock(db)
        return first.reference, (await reporting).reference

    made = run_with_db(url, scenario)
    assert made == (format_reference("SOT", night, 1), format_reference("SOT", night, 3))
