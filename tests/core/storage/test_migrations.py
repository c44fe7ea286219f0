"""The alembic migrations build the schema on both backends, and history stays history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.migrate import HEAD_REVISION, current_revision, ensure_schema, head_revision, upgrade
from tests.core.support import add_venue, commands_for, run_with_db


def test_upgrade_creates_every_table_and_is_idempotent(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[set[str], str | None]:
        await upgrade(db)  # second run: nothing to do, no error
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        return tables, await current_revision(db)

    tables, revision = run_with_db(db_url, scenario)
    assert {
        "venues",
        "incidents",
        "incident_events",
        "change_log",
        "audit_log",
        "reference_counters",
        "flags",
        "units",
        "dispatches",
        "subjects",
        "subject_sightings",
        "warnings",
        "dispersal_zones",
        "directions",
        "surrendered_items",
        "direction_changes",
        "tasks",
        "alembic_version",
    } <= tables
    assert revision == head_revision()


def test_the_start_up_check_knows_the_newest_migration() -> None:
    # Every command compares the stored revision with HEAD_REVISION instead of asking
    # alembic (too slow to load at every start); a new migration must move it.
    assert head_revision() == HEAD_REVISION


def test_a_new_embedded_database_is_migrated_at_first_use(tmp_path: Path) -> None:
    async def scenario(db: Database) -> tuple[str | None, str | None]:
        before = await current_revision(db)
        await ensure_schema(db)
        return before, await current_revision(db)

    before, after = run_with_db(f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}", scenario)
    assert (before, after) == (None, HEAD_REVISION)


@pytest.mark.parametrize("table", ["incident_events", "audit_log", "change_log"])
def test_history_tables_refuse_update_and_delete(db_url: str, table: str) -> None:
    async def scenario(db: Database) -> list[str]:
        commands = commands_for(db)
        await add_venue(commands)
        await commands.report_incident(
            NewIncident(category="harassment", source="cctv", summary="x", venue="Velvet Fox")
        )
        errors = []
        key = "seq" if table == "change_log" else "id"
        for statement in (f"UPDATE {table} SET {key} = {key}", f"DELETE FROM {table}"):  # noqa: S608
            try:
                async with db.write() as session:
                    await session.execute(text(statement))
            except DBAPIError as exc:
                errors.append(str(exc))
        return errors

    errors = run_with_db(db_url, scenario)
    assert len(errors) == 2
    assert all("append-only" in e for e in errors)


def _search_index(difference: tuple[object, ...]) -> bool:
    table = getattr(difference[1], "name", None) if difference[0].endswith("table") else difference[2]
    return isinstance(table, str) and (table.startswith("incident_fts") or table == "incident_search")


def test_models_match_the_migrated_schema(db_url: str) -> None:
    """The typed models and the migrations describe the same tables and columns."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from controlroom.storage.models import Base

    async def scenario(db: Database) -> list[object]:
        async with db.engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )

    differences = run_with_db(db_url, scenario)
    tables = {"add_table", "remove_table", "add_column", "remove_column"}
    structural = [d for d in differences if isinstance(d, tuple) and d and d[0] in tables]
    # The search index (migration 0013) is the database's own, kept by triggers and never
    # written through a model: FTS5's table and its shadow tables, PostgreSQL's incident_search.
    structural = [d for d in structural if not _search_index(d)]
    assert structural == []
