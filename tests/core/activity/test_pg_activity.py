"""PostgreSQL keeps the activity log's split for a user's own login (psql, a script): the audit
trail stays closed to operators and supervisors; through ``controlroom_activity`` an operator
reads only their own entries, a supervisor or auditor anyone's."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.cameras.test_pg_grants import _try
from tests.core.support import run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

pytestmark = pytest.mark.postgres
WINDOW = "now() - interval '1 day', now() + interval '1 day'"


def test_only_ones_own_entries_unless_a_supervisor_or_auditor(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    names = unique_names("administrator", "supervisor", "operator", "auditor")
    add_users(
        url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        admin=names["administrator"],
    )

    def as_(role: str, statement: str) -> str:
        login = make_url(url).set(username=names[role], password=PASSWORD).render_as_string(False)
        return run_isolated(_try(login, statement))

    def activity(role: str, whose: str) -> str:
        # The names are the test's own (unique_names), not typed input.
        return as_(role, f"SELECT * FROM controlroom_activity('{names[whose]}', {WINDOW})")  # noqa: S608

    users = "SELECT * FROM controlroom_activity_users(now() - interval '1 day', now() + interval '1 day')"
    for role in ("operator", "supervisor"):
        assert as_(role, "SELECT count(*) FROM audit_log") == "permission denied", role
        assert activity(role, role) == "allowed", role
    assert "only a supervisor or auditor may read another" in activity("operator", "administrator")
    for role in ("supervisor", "auditor"):
        assert activity(role, "operator") == "allowed", role
        assert as_(role, users) == "allowed", role
    assert as_("operator", users) == "permission denied"
    assert activity("administrator", "administrator") == "permission denied"
