"""The command line: a thin layer over the same core commands and change feed.

The GUI subcommands (``run``, ``screenshot``) are supplied by the front end
(``ui.cli``) through ``Frontend``, so this module — like the rest of the core —
never imports Qt, and every headless command works without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy.exc import DBAPIError

from controlroom.cli import admin as cli_admin
from controlroom.cli import dispersal as cli_dispersal
from controlroom.cli import incidents as cli_incident
from controlroom.cli import paperwork as cli_paperwork
from controlroom.cli import patrols as cli_patrol
from controlroom.cli import simulate as cli_simulate
from controlroom.commands import Commands
from controlroom.config import Settings, resolve_db_url
from controlroom.core.domain import Category, Source
from controlroom.core.errors import ControlroomError, DatabaseUnavailableError, ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import Change
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.reporting import NewIncident
from controlroom.sim.demo import load_demo
from controlroom.storage.database import Database
from controlroom.storage.migrate import ensure_schema, upgrade
from controlroom.users.accounts import create_gate_login, own_database

# What an outage looks like from here: the driver's, SQLAlchemy's or our own wrapping.
OUTAGE_ERRORS = (DatabaseUnavailableError, OSError, TimeoutError, DBAPIError)
RECONNECT_DELAYS = (0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Frontend:
    """GUI entry points the Qt front end plugs in; absent in a headless install."""

    run: Callable[[str, Settings], int]
    screenshot: Callable[[str, Settings, str, tuple[int, int]], int]
    # Rendered paperwork -> A4 PDF at a path (atomically); returns the page count.
    write_pdf: cli_paperwork.PdfWriter | None = None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="controlroom",
        description="Night-time-economy safety control room: live incidents, venues and safe spaces.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: CONTROLROOM_DB_URL, "
        "else an embedded SQLite file in the user data directory)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="log in as NAME (default: CONTROLROOM_USER); the password is asked for, "
        "or taken from CONTROLROOM_PASSWORD",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="open the control-room window (the default)")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema to this version")
    gate = db_sub.add_parser(
        "gate-login",
        help="PostgreSQL: the login consoles connect with to check passwords (run as the owner)",
    )
    gate.add_argument("name", metavar="NAME")
    gate.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("demo", help="load the Southampton demo venues and an evening of incidents")
    sub.add_parser("venues", help="list venues and safe spaces")

    report = sub.add_parser("report", help="record an incident; prints its reference")
    where = report.add_mutually_exclusive_group(required=True)
    where.add_argument("--venue", metavar="NAME", help="venue name (see `controlroom venues`)")
    where.add_argument("--at", metavar="LAT,LON", type=_lat_lon, help="coordinates, e.g. 50.9060,-1.4044")
    report.add_argument("--place", metavar="TEXT", help="where, in words (required with --at)")
    report.add_argument(
        "--category", required=True, metavar="C", help="one of: " + ", ".join(Category.choices())
    )
    report.add_argument("--source", required=True, metavar="S", help="one of: " + ", ".join(Source.choices()))
    report.add_argument("--summary", required=True, metavar="TEXT")
    report.add_argument("--grade", type=_grade, metavar="1-4")

    cli_incident.add_parsers(sub, _grade)
    cli_patrol.add_parsers(sub, _lat_lon)
    cli_dispersal.add_parsers(sub, _lat_lon)
    cli_paperwork.add_parsers(sub)
    cli_simulate.add_parsers(sub)
    cli_admin.add_parsers(sub)
    sub.add_parser("watch", help="headless console: one JSON line per change")
    shot = sub.add_parser("screenshot", help="save a PNG of the window once the map has drawn")
    shot.add_argument("path", metavar="PATH")
    shot.add_argument("--size", type=_size, default=(1600, 900), metavar="WxH")
    return parser


def _lat_lon(text: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = text.split(",")
        return float(lat_text), float(lon_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not LAT,LON; write e.g. 50.9060,-1.4044 (no spaces)"
        ) from None


def _grade(text: str) -> int:
    if text not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a grade; use 1, 2, 3 or 4")
    return int(text)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WxH; write e.g. 1600x900") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; use 320x240 to 7680x4320")
    return width, height


def main(argv: Sequence[str] | None = None, frontend: Frontend | None = None) -> int:
    """Entry point; returns the exit code (2 for usage and validation errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
        url = resolve_db_url(args.db)
        command = args.command or "run"
        if args.user:  # the window's commands log in through the same variable
            os.environ["CONTROLROOM_USER"] = args.user
        if command in ("run", "screenshot"):
            if frontend is None:
                raise ValidationError("this installation has no window; use the headless commands")
            if command == "run":
                return frontend.run(url, settings)
            return frontend.screenshot(url, settings, args.path, args.size)
        if command == "paperwork":  # PDF needs Qt: the front end's writer, outside asyncio
            return cli_paperwork.run(args, url, frontend.write_pdf if frontend else None)
        return asyncio.run(_headless(command, args, url, settings))
    except ControlroomError as exc:
        print(f"controlroom: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


async def _headless(command: str, args: argparse.Namespace, url: str, settings: Settings) -> int:
    db = Database(url)
    try:
        if command == "db" and args.db_command == "gate-login":
            await create_gate_login(db, args.name, cli_admin.new_password(args))
            print(f"gate login {args.name} created: point consoles at {db.url.set(username=args.name)}")
            return 0
        if command == "db":
            await upgrade(db)
            print(f"database at {db.display_url} is up to date")
            return 0
        await ensure_schema(db)
        actor, password = await cli_admin.login(db, args.user)
        # On PostgreSQL the database enforces the user's role too: work through their own login.
        own = own_database(db, actor, password)
        if own is not db:
            await db.dispose()
            db = own
        commands = Commands(db, actor, reference_prefix=settings.reference_prefix)
        _require_read(command, args, actor)
        if command in cli_admin.COMMANDS:
            return await cli_admin.run(command, db, actor, args)
        if command == "demo":
            venues, incidents = await load_demo(commands, now=datetime.now(UTC))
            print(f"demo data ready: {venues} venues, {incidents} new incidents")
            return 0
        if command == "venues":
            return await _list_venues(db)
        if command == "report":
            return await _report(commands, args)
        if command == "incident":
            return await cli_incident.run_incident(db, commands, args)
        if command in ("unit", "flag", "recommend", "dispatch"):
            return await cli_patrol.run(command, db, commands, args)
        if command in cli_dispersal.COMMANDS:
            return await cli_dispersal.run(command, db, commands, args)
        if command == "safe-space":
            return await cli_incident.run_safe_space(commands, args)
        if command == "simulate":
            return await cli_simulate.run(db, args)
        if command == "watch":
            return await watch(db, settings, sys.stdout, viewer=actor)
        raise ValidationError(f"unknown command {command!r}")
    finally:
        await db.dispose()


# What a listing needs (writes are checked by the core commands themselves), by
# (command, action); the action sits in the subcommand's own attribute.
_LISTINGS = {
    ("person", "list"): "read.subjects",
    ("zone", "list"): "read.dispersal",
    ("direction", "list"): "read.dispersal",
    ("tally", None): "read.dispersal",
    ("unit", "list"): "read.units",
    ("recommend", None): "read.units",
    ("flag", "responses"): "read.units",
    ("flag", "flags"): "read.units",
    ("incident", "show"): "read.incidents",
    ("watch", None): "read.incidents",
}
_ACTION_ATTRIBUTE = {
    "person": "person_command",
    "zone": "zone_command",
    "direction": "direction_command",
    "unit": "unit_command",
    "flag": "patrol_command",  # `flags` and `responses` travel as "flag" (see cli_patrol)
    "incident": "incident_command",
}


def _require_read(command: str, args: argparse.Namespace, actor: Actor) -> None:
    """Refuse a listing the actor's role may not see, before anything is read."""
    action = getattr(args, _ACTION_ATTRIBUTE.get(command, ""), None)
    needed = _LISTINGS.get((command, action))
    if needed:
        actor.require(needed)


async def _report(commands: Commands, args: argparse.Namespace) -> int:
    lat, lon = args.at if args.at else (None, None)
    if args.at and not (args.place or "").strip():
        raise ValidationError("--at needs --place TEXT saying where, e.g. 'East Street bus stop'")
    snapshot = await commands.report_incident(
        NewIncident(
            category=args.category,
            source=args.source,
            summary=args.summary,
            grade=args.grade,
            venue=args.venue,
            lat=lat,
            lon=lon,
            place=args.place,
        )
    )
    print(snapshot.reference)
    return 0


async def _list_venues(db: Database) -> int:
    feed = ChangeFeed(db)
    snapshot = await feed.start()
    for venue in snapshot.venues:
        safe = f"safe space ({venue.safe_space_status})" if venue.is_safe_space else ""
        print(f"{venue.name:32} {venue.kind:14} {safe}")
    return 0


def change_line(change: Change, received_at: datetime) -> dict[str, Any]:
    """The JSON object ``watch`` prints for one change."""
    stamp = received_at.isoformat(timespec="microseconds")
    if change.incident is not None:
        i = change.incident
        return {
            "event": "incident",
            "seq": change.seq,
            "reference": i.reference,
            "status": i.status,
            "grade": i.grade,
            "version": i.version,
            "received_at": stamp,
        }
    if change.venue is not None:
        v = change.venue
        return {
            "event": "venue",
            "seq": change.seq,
            "name": v.name,
            "safe_space_status": v.safe_space_status,
            "version": v.version,
            "received_at": stamp,
        }
    dispersal = cli_dispersal.change_line(change, stamp)
    if dispersal is not None:
        return dispersal
    return {
        "event": f"{change.entity}-deleted",
        "seq": change.seq,
        "id": change.entity_id,
        "received_at": stamp,
    }


async def watch(db: Database, settings: Settings, out: TextIO, viewer: Actor | None = None) -> int:
    """Follow the change feed until interrupted, one JSON object per line.

    Through an outage it prints ``disconnected`` once, retries with backoff, and on
    ``reconnected`` carries on from its cursor (or reloads, if the database was
    replaced), so every change is still printed exactly once.
    """
    feed = ChangeFeed(
        db,
        poll_interval=settings.poll_interval,
        window_hours=settings.window_hours,
        listen=settings.listen,
        fallback_interval=settings.fallback_poll_interval,
        viewer=viewer,
    )
    snapshot = await feed.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    _emit(out, {"event": "ready", "cursor": snapshot.cursor, "incidents": len(snapshot.incidents)})
    follower = asyncio.ensure_future(_print_changes(feed, out))
    stopper = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({follower, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in done:
        task.result()
    return 0


async def _print_changes(feed: ChangeFeed, out: TextIO) -> None:
    down_since: datetime | None = None
    failures = 0
    while True:
        try:
            if down_since is not None:
                await _resynchronise(feed, out, down_since)
                down_since, failures = None, 0
            async for diff in feed.follow():
                received_at = datetime.now(UTC)
                for change in diff.changes:
                    _emit(out, change_line(change, received_at))
        except OUTAGE_ERRORS as exc:
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
