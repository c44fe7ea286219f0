"""PostgreSQL keeps the register's split itself: a user's own login bypassing the program
(psql, a script) gets no more of the camera tables than the core would give that role."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.support import add_venue, commands_for, run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

pytestmark = pytest.mark.postgres


async def _try(url: str, statement: str) -> str:
    db = Database(url)
    try:
        async with db.write() as session:
            await session.execute(text(statement))
        return "allowed"
    except DBAPIError as refused:
        return "permission denied" if "permission denied" in str(refused) else str(refused)
    finally:
        await db.dispose()


def test_only_the_roles_that_keep_the_register_may_touch_its_tables(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    names = unique_names("administrator", "supervisor", "operator", "partner", "auditor")
    run_with_db(url, lambda db: add_venue(commands_for(db)))
    add_users(
        url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )
    insert = (
        "INSERT INTO cameras (number, name, owner, sharing_agreement, lat, lon, kind, status, "
        "retention_days, version) VALUES ('{n}', 'x', 'council', '', 50.904, -1.404, 'ptz', 'working', 31, 1)"
    )

    def as_(role: str, statement: str) -> str:
        login = make_url(url).set(username=names[role], password=PASSWORD).render_as_string(False)
        return run_isolated(_try(login, statement))

    assert as_("supervisor", insert.format(n="S1")) == "allowed"
    assert as_("administrator", insert.format(n="A1")) == "allowed"
    assert as_("operator", "UPDATE cameras SET status = 'faulty', version = version + 1") == "allowed"
    for role in ("partner", "auditor"):
        for table in ("cameras", "camera_presets", "camera_faults"):
            assert as_(role, f"SELECT count(*) FROM {table}") == "permission denied", (role, table)  # noqa: S608
    assert as_("operator", insert.format(n="O1")) == "permission denied"
    assert as_("operator", "UPDATE cameras SET stream_url = 'rtsp://elsewhere/x'") == "permission denied"
    assert as_("operator", "DELETE FROM camera_presets") == "permission denied"
    fault = (
        "INSERT INTO camera_faults (camera_id, reported_by, reported_at, description) "
        "VALUES (1, 'a', now(), 'x')"
    )
    assert as_("administrator", fault) == "permission denied"
