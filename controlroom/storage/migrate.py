"""Run the alembic migrations shipped inside the package, on either backend.

Every command checks the schema before it works, so that check must be cheap: it
reads the stored revision with one query and compares it with ``HEAD_REVISION``,
without importing alembic (about a third of a second and 10 MiB at every start).
Alembic is loaded only when there is something to migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text

from controlroom.core.errors import SchemaOutOfDateError
from controlroom.storage.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

# The newest migration's revision. A test compares it with alembic's own reading of
# ``migrations/versions``, so a new migration cannot ship without moving it.
HEAD_REVISION = "0009"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision as alembic reads it from the migration scripts (slow; for checks)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


async def current_revision(db: Database) -> str | None:
    """The revision the database was last migrated to; None for a new, empty database."""

    def _current(sync_conn: Any) -> str | None:
        if not inspect(sync_conn).has_table("alembic_version"):
            return None
        found = sync_conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        return None if found is None else str(found)

    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision (idempotent).

    On PostgreSQL the group roles, grants and row-level security policies are then
    provisioned again, in the same transaction, so the database always enforces the
    grants this version of the program describes (``storage.pg_security``).
    """
    from alembic import command

    from controlroom.storage import pg_security

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
    if await current_revision(db) == HEAD_REVISION:
        return
    if db.is_sqlite:
        await upgrade(db)
        return
    raise SchemaOutOfDateError(
        f"the database at {db.display_url} has not been migrated to this version; "
        f"run `controlroom --db URL db upgrade` once from one console"
    )
