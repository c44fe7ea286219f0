"""PostgreSQL keeps the footage split itself: a user's own login bypassing the program (psql, a
script) may not lock, unlock or release footage unless a supervisor, nor read it as a partner or auditor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import make_url

from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.cameras.test_pg_grants import _try
from tests.core.footage.support import NOW, incident_with_cameras
from tests.core.support import run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

pytestmark = pytest.mark.postgres


async def _a_clip(db: Database) -> None:
    reference, _, supervisor = await incident_with_cameras(db)
    await supervisor.mark_clip(
        reference, "V3", NOW - timedelta(minutes=9), NOW - timedelta(minutes=2), "door"
    )


def test_only_supervisors_may_lock_or_release_footage_through_their_own_login(
    pg_cluster: PostgresCluster,
) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    run_with_db(url, _a_clip)
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

    lock = "UPDATE footage_clips SET locked_until = '2030-01-01', version = version + 1"
    release = (
        "INSERT INTO footage_releases (clip_id, recipient, justification, released_by, released_at) "
        "VALUES (1, 'anyone', 'x', 'x', now())"
    )
    assert as_("operator", lock) == "permission denied"
    assert as_("operator", release) == "permission denied"
    assert as_("operator", "UPDATE footage_clips SET description = 'rewritten'") == "permission denied"
    assert as_("supervisor", "UPDATE footage_clips SET description = 'rewritten'") == "permission denied"
    assert as_("supervisor", lock) == "allowed"
    assert as_("supervisor", release) == "allowed"
    for role in ("partner", "auditor", "administrator"):
        assert as_(role, "SELECT count(*) FROM footage_clips") == "permission denied", role
