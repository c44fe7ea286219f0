"""``controlroom watch``: the headless console, one JSON line per change.

The first line is ``{"event": "ready", "cursor": N, ...}``: every change after
change-log sequence N follows, one line each with its own ``seq``. A watch that
stops and starts again with ``--since`` the last ``seq`` it printed (or the ready
line's cursor) prints every change made while it was down, then follows live, so
nothing is missed or printed twice across the restart.

A record the program cannot read (a row written around it) is left out and named
in a ``{"event": "warning", ...}`` line (table, id, column, value); watching goes on.

Through an outage it prints ``disconnected`` once, retries with backoff, and on
``reconnected`` carries on from its cursor (or reloads, if the database was
replaced), so every change is still printed exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session

if TYPE_CHECKING:
    from controlroom.config import Settings
    from controlroom.core.roles import Actor
    from controlroom.core.snapshots import Change, Diff, RowWarning
    from controlroom.feed.change_feed import ChangeFeed
    from controlroom.storage.database import Database

RECONNECT_DELAYS = (0.5, 1.0, 2.0, 5.0)


def outage_errors() -> tuple[type[BaseException], ...]:
    """What an outage looks like from here: the driver's, SQLAlchemy's or our own wrapping."""
    from sqlalchemy.exc import DBAPIError

    from controlroom.core.errors import DatabaseUnavailableError

    return (DatabaseUnavailableError, OSError, TimeoutError, DBAPIError)


def change_line(change: Change, received_at: datetime) -> dict[str, Any]:
    """The JSON object ``watch`` prints for one change."""
    stamp = received_at.isoformat(timespec="microseconds")
    line = _described(change) or {"event": f"{change.entity}-deleted", "id": change.entity_id}
    return {"event": line.pop("event"), "seq": change.seq, **line, "received_at": stamp}


def _described(change: Change) -> dict[str, Any] | None:
    if change.incident is not None:
        i = change.incident
        return {
            "event": "incident",
            "reference": i.reference,
            "status": i.status,
            "grade": i.grade,
            "version": i.version,
        }
    if change.venue is not None:
        v = change.venue
        return {
            "event": "venue",
            "name": v.name,
            "safe_space_status": v.safe_space_status,
            "version": v.version,
        }
    if change.subject is not None:
        s = change.subject
        return {
            "event": "subject",
            "id": s.id,
            "alert": s.alert,
            "active_directions": list(s.active_directions),
            "version": s.version,
        }
    if change.zone is not None:
        z = change.zone
        return {
            "event": "zone",
            "id": z.id,
            "name": z.name,
            "ends_at": z.ends_at.isoformat(),
            "version": z.version,
        }
    if change.direction is not None:
        d = change.direction
        return {
            "event": "direction",
            "reference": d.reference,
            "status": d.status,
            "exclusion_ends_at": d.exclusion_ends_at.isoformat(),
            "breaches": d.breaches,
            "version": d.version,
        }
    if change.camera is not None:
        c = change.camera
        return {
            "event": "camera",
            "number": c.number,
            "status": c.status,
            "tasked_incident_id": c.tasked_incident_id,
            "tasked_preset": c.tasked_preset,
            "version": c.version,
        }
    if change.entity == "roads":
        return {"event": "roads", "id": change.entity_id}
    if change.checklist is not None:  # step texts stay out: `incident steps` reads them
        k = change.checklist
        return {
            "event": "checklist",
            "incident_id": k.incident_id,
            "procedure": k.procedure_key,
            "states": {s.number: s.state for s in k.steps},
        }
    if change.decision is not None:  # typed text stays out: the reference says where to read it
        return {
            "event": "decision",
            "reference": change.decision.reference,
            "revised_by": list(change.decision.revised_by),
            "version": change.decision.version,
        }
    if change.handover is not None:  # notes stay out: `handover show` reads them
        h = change.handover
        return {
            "event": "handover",
            "reference": h.reference,
            "given_by": h.given_by,
            "to_user": h.to_user,
            "acknowledged_by": h.acknowledged_by,
            "version": h.version,
        }
    return None


def warning_line(warning: RowWarning) -> dict[str, Any]:
    """The JSON object ``watch`` prints for a record it had to leave out."""
    return {"event": "warning", **warning.to_json()}


def diff_lines(diff: Diff, received_at: datetime) -> list[dict[str, Any]]:
    """A diff's change and warning lines, in change-log order."""
    lines = [(c.seq, change_line(c, received_at)) for c in diff.changes]
    lines += [(w.seq or 0, warning_line(w)) for w in diff.warnings]
    return [line for _seq, line in sorted(lines, key=lambda pair: pair[0])]


def change_cursor(text: str) -> int:
    """``--since``: a change-log sequence number, 0 or more."""
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a change cursor; give a whole number 0 or more "
            "(the seq of the last line watch printed, or 0 for every change)"
        )
    return int(text)


def _watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        type=change_cursor,
        metavar="SEQ",
        help="first print every change after SEQ (a seq watch printed before), then follow live",
    )


async def _watch(session: Session, args: argparse.Namespace) -> int:
    return await watch(session.db, session.settings, sys.stdout, viewer=session.actor, since=args.since)


async def watch(
    db: Database, settings: Settings, out: TextIO, viewer: Actor | None = None, since: int | None = None
) -> int:
    """Follow the change feed until interrupted, one JSON object per line.

    ``since``: start from this change-log cursor instead of now (a ValidationError,
    before anything is printed, if it is beyond the newest change).
    """
    from controlroom.feed.change_feed import ChangeFeed

    feed = ChangeFeed(
        db,
        poll_interval=settings.poll_interval,
        window_hours=settings.window_hours,
        listen=settings.listen,
        fallback_interval=settings.fallback_poll_interval,
        listen_url=settings.listen_url,
        viewer=viewer,
    )
    snapshot = await feed.start()
    if since is not None:
        feed.rewind(since)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    ready = {
        "event": "ready",
        "cursor": feed.cursor,
        "newest": snapshot.cursor,
        "incidents": len(snapshot.incidents),
    }
    _emit(out, ready)
    for warning in snapshot.warnings:
        _emit(out, warning_line(warning))
    follower = asyncio.ensure_future(_print_changes(feed, out))
    stopper = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({follower, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in done:
        task.result()
    return 0


async def _print_changes(feed: ChangeFeed, out: TextIO) -> None:
    outages = outage_errors()
    down_since: datetime | None = None
    failures = 0
    while True:
        try:
            if down_since is not None:
                await _resynchronise(feed, out, down_since)
                down_since, failures = None, 0
            async for diff in feed.follow():
                for line in diff_lines(diff, datetime.now(UTC)):
                    _emit(out, line)
        except outages as exc:
            if down_since is None:
                down_since = datetime.now(UTC)
                _emit(out, _disconnected_line(feed, exc, down_since))
            # Jitter, so twenty consoles do not hit a restarting server in step.
            delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311
            failures += 1


async def _resynchronise(feed: ChangeFeed, out: TextIO, down_since: datetime) -> None:
    """Check the cursor against the reachable database; reload the board if it is gone."""
    snapshot = await feed.resume()
    now = datetime.now(UTC)
    line: dict[str, Any] = {
        "event": "reconnected",
        "cursor": feed.cursor,
        "down_seconds": round((now - down_since).total_seconds(), 3),
        "reloaded": snapshot is not None,
        "at": now.isoformat(timespec="microseconds"),
    }
    if snapshot is not None:
        line["incidents"] = len(snapshot.incidents)
    _emit(out, line)
    for warning in snapshot.warnings if snapshot is not None else ():
        _emit(out, warning_line(warning))


def _disconnected_line(feed: ChangeFeed, exc: BaseException, at: datetime) -> dict[str, Any]:
    last_good = feed.last_answered_at
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if feed.db.url.password:  # drivers sometimes echo the DSN back
        reason = reason.replace(feed.db.url.password, "***")
    return {
        "event": "disconnected",
        "cursor": feed.cursor,
        "reason": reason,
        "last_good": last_good.isoformat(timespec="microseconds") if last_good else None,
        "at": at.isoformat(timespec="microseconds"),
    }


def _emit(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj) + "\n")
    out.flush()


COMMANDS = (
    Command(
        "watch",
        "headless console: one JSON line per change",
        in_session(_watch),
        ("read.incidents",),
        _watch_arguments,
    ),
)
