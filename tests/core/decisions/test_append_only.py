"""Decisions cannot be edited or deleted, even by SQL around the program: triggers on both backends.

And the feed carries each new decision (and the revised one's "revised by") to every other
console, never to a partner's; on PostgreSQL the grants keep the split for a user's own login.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from controlroom.core.roles import Actor
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from controlroom.storage.models import ChangeLogEntry
from tests.conftest import run_isolated
from tests.core.cameras.test_pg_grants import _try
from tests.core.decisions.support import NOW, a_night, as_user, ndm
from tests.core.support import run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

TAMPERING = [
    pytest.param("UPDATE decisions SET rationale = 'rewritten afterwards'", id="update-decision"),
    pytest.param("DELETE FROM decisions WHERE id = 2", id="delete-decision"),
    pytest.param("UPDATE decisions SET revises_id = NULL", id="unlink-revision"),
    pytest.param("UPDATE decision_links SET label = 'SOT-20261127-0999'", id="update-link"),
    pytest.param("DELETE FROM decision_links", id="delete-links"),
]


@pytest.mark.parametrize("statement", TAMPERING)
def test_the_database_refuses_to_change_or_delete_a_decision(db_url: str, statement: str) -> None:
    async def scenario(db: Database) -> tuple[str, list[Any]]:
        night = await a_night(db)
        first = await night.supervisor.record_decision(ndm(incidents=(night.reference,)))
        await night.supervisor.record_decision(ndm(subject="Revised", revises=first.reference))
        try:
            async with db.write() as session:
                await session.execute(text(statement))
            outcome = "allowed"
        except DBAPIError as refused:
            outcome = str(refused.orig)
        async with db.read() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT d.id, d.rationale, d.revises_id, l.label FROM decisions d "
                        "JOIN decision_links l ON l.decision_id = d.id ORDER BY d.id"
                    )
                )
            ).all()
        return outcome, [tuple(row) for row in rows]

    outcome, rows = run_with_db(db_url, scenario)
    table = "decision_links" if "decision_links" in statement else "decisions"
    assert f"{table} is append-only" in outcome
    assert [row[1] for row in rows] == [ndm().rationale] * 2
    assert rows[1][2] == rows[0][0] and rows[0][3] == rows[1][3]


def test_a_second_console_receives_a_decision_and_the_revised_ones_mark_partners_and_auditors_nothing(
    db_url: str,
) -> None:
    # The board loads tonight's decisions by the real clock, so this night is tonight.
    now = datetime.now(UTC).replace(microsecond=0)

    async def scenario(db: Database) -> dict[str, Any]:
        night = await a_night(db, now)
        first = await night.supervisor.record_decision(ndm(subject="Before the consoles started"))
        console = ChangeFeed(db, viewer=Actor("op_two", "operator"))
        partner = ChangeFeed(db, viewer=Actor("fox_door", "partner", frozenset({1})))
        auditor = ChangeFeed(db, viewer=Actor("dpo", "auditor"))  # reads the log, not the live board
        board = await console.start()
        partner_board = await partner.start()
        auditor_board = await auditor.start()
        revision = await as_user(night, "sup_one", "supervisor", now).record_decision(
            ndm(subject="Door reopened", revises=first.reference)
        )
        diff = await console.poll()
        partner_diff = await partner.poll()
        auditor_diff = await auditor.poll()
        return {
            "board": board.decisions,
            "changes": diff.decision_changes(),
            "withheld": (
                partner_board.decisions,
                auditor_board.decisions,
                partner_diff.decision_changes(),
                auditor_diff.decision_changes(),
            ),
            "revision": revision,
        }

    seen = run_with_db(db_url, scenario)
    assert [d.subject for d in seen["board"]] == ["Before the consoles started"]
    new, revised = seen["changes"]
    assert new.decision == seen["revision"]
    assert isinstance(revised.decision, DecisionSnapshot)
    assert (revised.decision.reference, revised.decision.revised_by) == (
        f"D-{now.year}-0001",
        (seen["revision"].reference,),
    )
    assert seen["withheld"] == ((), (), (), ())


@pytest.mark.postgres
def test_through_their_own_logins_staff_append_the_auditor_reads_a_partner_sees_nothing(
    pg_cluster: PostgresCluster,
) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)

    async def one_decision(db: Database) -> None:
        night = await a_night(db)
        await night.supervisor.record_decision(ndm())

    run_with_db(url, one_decision)
    names = unique_names("administrator", "supervisor", "operator", "partner", "auditor")
    add_users(
        url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )

    def as_(role: str, statement: str) -> str:
        login = make_url(url).set(username=names[role], password=PASSWORD).render_as_string(False)
        return run_isolated(_try(login, statement))

    read = "SELECT count(*) FROM decisions JOIN decision_links ON decision_id = decisions.id"
    for role in ("operator", "supervisor", "auditor"):
        assert as_(role, read) == "allowed", role
    for role in ("partner", "administrator"):
        assert as_(role, read) == "permission denied", role
    # No role holds UPDATE or DELETE (and the triggers would refuse them after the grants).
    for role in ("operator", "supervisor", "auditor"):
        assert as_(role, "UPDATE decisions SET rationale = 'x'") == "permission denied", role
        assert as_(role, "DELETE FROM decision_links") == "permission denied", role


def test_a_damaged_decision_change_is_named_and_skipped_and_the_feed_goes_on(db_url: str) -> None:
    async def scenario(db: Database) -> Any:
        night = await a_night(db)
        feed = ChangeFeed(db, listen=False)
        await feed.start()
        damaged = await night.supervisor.record_decision(ndm(subject="Its change is damaged"))
        payload = {**damaged.to_json(), "links": [["parking", None, "x"]]}
        async with db.write() as session:
            await db.take_feed_lock(session)
            session.add(
                ChangeLogEntry(
                    entity="decision", entity_id=damaged.id, op="upsert", payload=payload, committed_at=NOW
                )
            )
        after = await night.supervisor.record_decision(ndm(subject="Recorded after it"))
        return await feed.poll(), after

    diff, after = run_with_db(db_url, scenario)
    assert [c.decision.subject for c in diff.decision_changes() if c.decision] == [
        "Its change is damaged",
        after.subject,
    ]
    [warning] = diff.warnings
    assert (warning.table, warning.column) == ("decisions", "payload")
    assert "link kind 'parking'" in warning.reason
