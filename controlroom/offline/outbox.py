"""The durable local outbox: writes made while the database cannot be reached.

A console that loses the database keeps working: a new incident, a status change
or an edit (a note is an edit) goes into a small SQLite file in the user data
directory (``config.outbox_path()``), one row per write, each with an idempotency
key. When the database answers again ``Outbox.replay`` sends the rows in the order
they were made, through the same commands as any other write, and deletes each
one once it has been applied. The key makes the replay exactly-once: if the
program dies between applying a write and deleting its row, the next replay finds
the key already applied and does not apply it again (a new incident carries the
key on its row; edits record it in ``applied_commands``).

A write the database refuses on replay — another console changed the incident
meanwhile, or the status move is no longer allowed — is never dropped: it stays in
the file as a *conflict* with the reason, until the operator retries it on the
incident as it is now or discards it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ, Status
from controlroom.core.errors import ControlroomError, DatabaseUnavailableError
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.editing import IncidentEdit
from controlroom.incidents.reporting import NewIncident

PENDING = "pending"
CONFLICT = "conflict"
KINDS = ("report", "status", "edit")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    database TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT,
    payload TEXT NOT NULL,
    expected_version INTEGER,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    problem TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0
)
"""
_COLUMNS = "id, key, database, actor, kind, reference, payload, expected_version, created_at, state, problem"


def new_key() -> str:
    """A fresh idempotency key (random: unique across consoles without coordination)."""
    return f"outbox-{uuid.uuid4().hex}"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One write waiting in the outbox: pending, or a conflict the operator must settle."""

    id: int
    key: str
    database: str
    actor: str
    kind: str
    reference: str | None
    payload: dict[str, Any]
    expected_version: int | None
    created_at: datetime
    state: str = PENDING
    problem: str = ""

    @property
    def is_conflict(self) -> bool:
        return self.state == CONFLICT

    @property
    def target(self) -> str:
        """The incident it concerns, or a placeholder for a report not yet numbered."""
        return self.reference or f"new report ({self.key[-6:]})"

    def describe(self) -> str:
        """The write in words, for the pending list."""
        if self.kind == "report":
            where = self.payload.get("venue") or self.payload.get("place") or "?"
            category = str(self.payload.get("category", "")).replace("_", " ")
            return f"new incident: {category} at {where} — {self.payload.get('summary', '')}"
        based = f" (based on v{self.expected_version})" if self.expected_version is not None else ""
        if self.kind == "status":
            return f"{self.reference}: status → {Status.of(self.payload['status']).label}{based}"
        changed = {k: v for k, v in self.payload.items() if v is not None}
        note = changed.pop("note", None)
        parts = [f"note “{note}”"] if note else []
        parts += [f"{name.replace('_', ' ')} → {value}" for name, value in changed.items()]
        return f"{self.reference}: {', '.join(parts) or 'edit'}{based}"

    def local_time(self) -> str:
        return self.created_at.astimezone(LOCAL_TZ).strftime("%H:%M:%S")


@dataclass(slots=True)
class ReplayResult:
    """What one replay did: applied writes (with the incident now), new conflicts, or a stop."""

    applied: list[tuple[OutboxEntry, IncidentSnapshot]] = field(default_factory=list)
    conflicts: list[OutboxEntry] = field(default_factory=list)
    interrupted: str | None = None  # the database went away again mid-replay


class Outbox:
    """A local SQLite file of writes for one database; safe to reopen after a crash."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: every enqueue is on disk before the operator is told it is queued.
        self._conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    # -- writing into the outbox ---------------------------------------------

    def enqueue_report(self, new: NewIncident, actor: str) -> OutboxEntry:
        """Queue a new incident; its report time stays the time the operator recorded it."""
        key = new.idempotency_key or new_key()
        payload = asdict(new) | {"idempotency_key": key}
        payload["reported_at"] = (new.reported_at or datetime.now(UTC)).isoformat()
        return self._insert(key, actor, "report", None, payload, None)

    def enqueue_status(
        self, reference: str, status: str, expected_version: int | None, actor: str, key: str | None = None
    ) -> OutboxEntry:
        return self._insert(
            key or new_key(), actor, "status", reference, {"status": status}, expected_version
        )

    def enqueue_edit(
        self,
        reference: str,
        edit: IncidentEdit,
        expected_version: int | None,
        actor: str,
        key: str | None = None,
    ) -> OutboxEntry:
        """Queue an edit (a note is an edit with only ``note`` set)."""
        return self._insert(key or new_key(), actor, "edit", reference, asdict(edit), expected_version)

    def _insert(
        self,
        key: str,
        actor: str,
        kind: str,
        reference: str | None,
        payload: dict[str, Any],
        expected_version: int | None,
    ) -> OutboxEntry:
        created = datetime.now(UTC)
        with self._transaction():
            cursor = self._conn.execute(
                "INSERT INTO outbox (key, database, actor, kind, reference, payload, expected_version, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, self.database, actor, kind, reference, json.dumps(payload), expected_version,
                 created.isoformat()),
            )  # fmt: skip
        entry_id = cursor.lastrowid
        assert entry_id is not None  # noqa: S101 - sqlite3 sets it after an INSERT
        return OutboxEntry(
            entry_id, key, self.database, actor, kind, reference, payload, expected_version, created
        )

    # -- reading -------------------------------------------------------------

    def entries(self) -> list[OutboxEntry]:
        """Every entry for this database, oldest first (the replay order)."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE database = ? ORDER BY id",  # noqa: S608 - constant columns
            (self.database,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def get(self, entry_id: int) -> OutboxEntry | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE id = ? AND database = ?",  # noqa: S608 - constant columns
            (entry_id, self.database),
        ).fetchone()
        return _entry(row) if row else None

    def counts(self) -> tuple[int, int]:
        """(pending, conflicts) for this database."""
        found = dict(
            self._conn.execute(
                "SELECT state, count(*) FROM outbox WHERE database = ? GROUP BY state", (self.database,)
            ).fetchall()
        )
        return int(found.get(PENDING, 0)), int(found.get(CONFLICT, 0))

    # -- settling ------------------------------------------------------------

    def mark_done(self, entry_id: int) -> None:
        with self._transaction():
            self._conn.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))

    def mark_conflict(self, entry_id: int, problem: str) -> None:
        with self._transaction():
            self._conn.execute(
                "UPDATE outbox SET state = ?, problem = ?, attempts = attempts + 1 WHERE id = ?",
                (CONFLICT, problem, entry_id),
            )

    def retry_on_current(self, entry_id: int) -> None:
        """Make a conflict pending again, to be applied to the incident as it is now."""
        with self._transaction():
            self._conn.execute(
                "UPDATE outbox SET state = ?, problem = '', expected_version = NULL WHERE id = ?",
                (PENDING, entry_id),
            )

    def discard(self, entry_id: int) -> None:
        """The operator decided the write is not wanted any more."""
        self.mark_done(entry_id)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- replay --------------------------------------------------------------

    async def replay(self, commands: Commands) -> ReplayResult:
        """Send every pending write in order; conflicts are kept, an outage stops the replay.

        Only the logged-in user's own writes are sent: a write kept on this PC by someone
        else waits for them, so the audit trail never names the wrong person.
        """
        result = ReplayResult()
        for entry in self.entries():
            if entry.is_conflict or entry.actor != commands.actor.name:
                continue
            try:
                snapshot = await apply_entry(commands, entry)
            except (DatabaseUnavailableError, OSError, TimeoutError) as exc:
                result.interrupted = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return result
            except SQLAlchemyError as exc:
                if isinstance(exc, IntegrityError):
                    self._settle_conflict(entry, str(exc).splitlines()[0], result)
                    continue
                result.interrupted = str(exc).splitlines()[0]
                return result
            except ControlroomError as exc:
                self._settle_conflict(entry, str(exc), result)
                continue
            self.mark_done(entry.id)
            result.applied.append((entry, snapshot))
        return result

    def _settle_conflict(self, entry: OutboxEntry, problem: str, result: ReplayResult) -> None:
        self.mark_conflict(entry.id, problem)
        settled = self.get(entry.id)
        result.conflicts.append(settled or entry)


async def apply_entry(commands: Commands, entry: OutboxEntry) -> IncidentSnapshot:
    """Apply one outbox write through the ordinary commands, under its idempotency key."""
    if entry.kind == "report":
        values = dict(entry.payload)
        values["reported_at"] = datetime.fromisoformat(values["reported_at"])
        return await commands.report_incident(NewIncident(**values))
    assert entry.reference is not None  # noqa: S101 - status and edit entries always have one
    if entry.kind == "status":
        return await commands.update_incident(
            entry.reference,
            status=entry.payload["status"],
            expected_version=entry.expected_version,
            idempotency_key=entry.key,
        )
    return await commands.update_incident(
        entry.reference,
        IncidentEdit(**entry.payload),
        expected_version=entry.expected_version,
        idempotency_key=entry.key,
    )


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    entry_id, key, database, actor, kind, reference, payload, expected, created, state, problem = row
    return OutboxEntry(
        id=entry_id,
        key=key,
        database=database,
        actor=actor,
        kind=kind,
        reference=reference,
        payload=json.loads(payload),
        expected_version=expected,
        created_at=datetime.fromisoformat(created),
        state=state,
        problem=problem,
    )


__all__ = ["CONFLICT", "PENDING", "Outbox", "OutboxEntry", "ReplayResult", "apply_entry", "new_key"]
