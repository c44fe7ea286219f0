"""On PostgreSQL an operator's own login tasks and releases a camera: the grants allow exactly that."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from controlroom.commands import Commands
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.cameras.test_tasking import DOOR, JUNCTION, _incident
from tests.core.support import commands_for, run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, actor_for, add_users, unique_names

pytestmark = pytest.mark.postgres


async def _task_and_release(login_url: str, owner_url: str, operator: str) -> tuple[str | None, int | None]:
    owner = Database(owner_url)
    try:
        supervisor = commands_for(owner, "supervisor-1", role="supervisor")
        await supervisor.add_camera(DOOR)
        await supervisor.add_camera(JUNCTION)
        reference = await _incident(supervisor, "fight")
    finally:
        await owner.dispose()
    db = Database(login_url)
    try:
        commands = Commands(db, actor_for(owner_url, operator))
        tasked = await commands.task_camera("P7", reference, "North")
        released = await commands.release_camera("P7")
        return tasked.tasked_preset, released.tasked_incident_id
    finally:
        await db.dispose()


def test_an_operators_own_login_tasks_and_releases_a_camera(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    names = unique_names("administrator", "operator")
    add_users(url, (names["operator"], "operator", ()), admin=names["administrator"])
    login = make_url(url).set(username=names["operator"], password=PASSWORD).render_as_string(False)

    preset, after_release = run_isolated(_task_and_release(login, url, names["operator"]))

    assert (preset, after_release) == ("North", None)
