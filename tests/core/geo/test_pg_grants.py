"""On PostgreSQL a supervisor imports roads with their own login; an operator's login cannot touch them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from controlroom.geo.network import street_layer
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.cameras.support import run_cli
from tests.core.geo.files import ROADS, write_osm_xml
from tests.core.support import run_with_db
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

pytestmark = pytest.mark.postgres


async def _delete_as(url: str) -> str:
    db = Database(url)
    try:
        async with db.write() as session:
            await session.execute(text("DELETE FROM road_segments"))
        return "allowed"
    except DBAPIError as refused:
        return "permission denied" if "permission denied" in str(refused) else str(refused)
    finally:
        await db.dispose()


def test_supervisors_replace_the_network_with_their_own_login_and_operators_cannot(
    pg_cluster: PostgresCluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = pg_cluster.create_database()
    run_with_db(url, upgrade)
    names = unique_names("administrator", "supervisor", "operator")
    add_users(
        url,
        (names["supervisor"], "supervisor", ()),
        (names["operator"], "operator", ()),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    first = write_osm_xml(tmp_path / "first.osm", ROADS[:1])
    second = write_osm_xml(tmp_path / "second.osm")
    for path in (first, second):  # the second replaces the first: DELETE and INSERT both granted
        done = run_cli(capsys, url, "geo", "import-roads", str(path), user=names["supervisor"])
        assert done.code == 0, done.err
    refused = run_cli(capsys, url, "geo", "import-roads", str(first), user=names["operator"])
    assert refused.code == 4 and "may not" in refused.err
    login = make_url(url).set(username=names["operator"], password=PASSWORD).render_as_string(False)
    assert run_isolated(_delete_as(login)) == "permission denied"
    names_stored = sorted(f["properties"]["name"] for f in run_with_db(url, street_layer)["features"])
    assert names_stored == ["", "Above Bar Street", "Commercial Road"]
