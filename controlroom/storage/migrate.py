"""Run the alembic migrations shipped inside the package, on either backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from controlroom.core.errors import SchemaOutOfDateError
from controlroom.storage import pg_security
from controlroom.storage.database import Database

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


async def current_revision(db: Database) -> str | None:
    def _current(sync_conn: Any) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision (idempotent).

    On PostgreSQL the group roles, grants and row-level security policies are then
    provisioned again, in the same transaction, so the database always enforces the
    grants this version of the program describes (``storage.pg_security``).
    """

    def _upgrade(sync_conn: Any) -> None:
        config = _config()
        config.attributes["connection"] = sync_conn
        command.upgrade(config, "head")
        pg_security.provision(sync_conn)

    await db.check_reachable()
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def ensure_schema(db: Database) -> None:
    """Upgrade the embedded SQLite file automatically; ask for it on a shared server.

    Consoles sharing a PostgreSQL server must not each migrate it on start-up, so
    there an out-of-date schema is an error that says what to run.
    """
    await db.check_reachable()
    if await current_revision(db) == head_revision():
        return
    if db.is_sqlite:
        await upgrade(db)
        return
    raise SchemaOutOfDateError(
        f"the database at {db.display_url} has not been migrated to this version; "
        f"run `controlroom --db URL db upgrade` once from one console"
    )
