"""Run the alembic migrations shipped inside the package, on either backend.

Every command checks the schema before it works, so that check must be cheap: it
reads the stored revision with one query and compares it with ``HEAD_REVISION``,
without importing alembic (about a third of a second and 10 MiB at every start).
Alembic is loaded only when there is something to migrate.

One migration at a time: consoles started together on a new or older SQLite file
all find work to do. ``upgrade`` therefore takes a lock first — on SQLite a lock
file beside the database, waited for without a deadline, then its write lock
(``BEGIN IMMEDIATE``); on PostgreSQL a transaction-scoped advisory lock — and reads
the revision again under it, so every process after the first finds the schema
current and does nothing (``Database.schema_change``).
The whole upgrade is one transaction (SQLite and PostgreSQL DDL are transactional),
so a process killed half-way leaves the old schema, never half of the new one.

A revision this program does not know was written by a newer version of it: that
is refused (``NewerSchemaError``) before alembic touches anything, because the only
remedy is a newer program on this machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text

from controlroom.core.errors import ControlroomError, SchemaOutOfDateError
from controlroom.storage.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

# The newest migration's revision. A test compares it with alembic's own reading of
# ``migrations/versions``, so a new migration cannot ship without moving it.
HEAD_REVISION = "0016"


# Arbitrary but fixed, and distinct from the feed lock: held while the schema changes.
MIGRATION_LOCK_KEY = 0x43524D4947  # "CRMIG"


class NewerSchemaError(ControlroomError):
    """The database was migrated by a newer version of the program (CLI exit 2)."""

    exit_code = 2


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
    async with db.engine.connect() as conn:
        return await conn.run_sync(_stored_revision)


def _stored_revision(sync_conn: Any) -> str | None:
    if not inspect(sync_conn).has_table("alembic_version"):
        return None
    found = sync_conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    return None if found is None else str(found)


def refuse_unknown_revision(db: Database, revision: str | None) -> None:
    """Raise ``NewerSchemaError`` unless this program's migrations know ``revision``.

    Loads alembic's script directory: call it only when the revision is not the head.
    """
    if revision is None or revision == HEAD_REVISION:
        return
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if revision in known:
        return
    raise NewerSchemaError(
        f"the database at {db.display_url} has schema revision {revision!r}, written by a newer "
        f"version of controlroom; this program knows schema revisions up to {HEAD_REVISION}. "
        "Upgrade this program on this machine to the version the database was last used with "
        "(nothing was changed in the database)."
    )


async def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision (idempotent; one process at a time).

    On PostgreSQL the group roles, grants and row-level security policies are then
    provisioned again, in the same transaction, so the database always enforces the
    grants this version of the program describes (``storage.pg_security``).
    """
    from alembic import command

    from controlroom.storage import pg_security

    def _upgrade(sync_conn: Any) -> None:
        # Read again under the lock: another process may have migrated meanwhile.
        refuse_unknown_revision(db, _stored_revision(sync_conn))
        config = _config()
        config.attributes["connection"] = sync_conn
        command.upgrade(config, "head")
        pg_security.provision(sync_conn)

    await db.check_reachable()
    async with db.schema_change(MIGRATION_LOCK_KEY) as conn:
        await conn.run_sync(_upgrade)


async def ensure_schema(db: Database) -> None:
    """Upgrade the embedded SQLite file automatically; ask for it on a shared server.

    Consoles sharing a PostgreSQL server must not each migrate it on start-up, so
    there an out-of-date schema is an error that says what to run. A schema newer
    than this program is refused on both (``NewerSchemaError``).
    """
    await db.check_reachable()
    revision = await current_revision(db)
    if revision == HEAD_REVISION:
        return
    refuse_unknown_revision(db, revision)
    if db.is_sqlite:
        await upgrade(db)
        return
    raise SchemaOutOfDateError(
        f"the database at {db.display_url} has not been migrated to this version; "
        f"run `controlroom --db URL db upgrade` once from one console"
    )
