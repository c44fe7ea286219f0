"""Command line for users, the audit trail and record retention.

``user add|disable|enable|passwd|list``, ``audit verify|export``, ``retention review``.
Passwords are never arguments (they would sit in shell history and ``ps``): they are
asked for at the terminal, or read from standard input with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from controlroom.audit import chain
from controlroom.audit import trail as audit
from controlroom.cli.terminal import shown
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import AuthenticationError, ValidationError
from controlroom.core.roles import ROLES, Actor
from controlroom.dispersal.queries import list_subjects
from controlroom.storage.database import Database
from controlroom.users.accounts import UserCommands, authenticate, has_users, list_users, role_title
from controlroom.writes import placeholder_actor

COMMANDS = ("user", "audit", "retention")
COMMISSIONER = "Information Commissioner's Office"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="users and roles: add, disable, enable, passwd, list")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="a new user (the first must be an administrator)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--venue", action="append", default=[], metavar="NAME", help="a partner's venue or base")
    add.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")
    for verb, text in (("disable", "no more logins (never deleted)"), ("enable", "re-enable or unlock")):
        actions.add_parser(verb, help=text).add_argument("name", metavar="NAME")
    passwd = actions.add_parser("passwd", help="set a password (yours, or anyone's as administrator)")
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")
    actions.add_parser("list", help="users, roles and whether they may log in")

    trail = sub.add_parser("audit", help="the DPA 2018 s.62 audit trail: verify, export")
    trail_actions = trail.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    trail_actions.add_parser("verify", help="check the hash chain: exit 0 intact, 1 broken")
    export = trail_actions.add_parser("export", help="CSV of the entries in a time range")
    export.add_argument("--from", dest="since", required=True, type=_instant, metavar="ISO")
    export.add_argument("--to", dest="until", required=True, type=_instant, metavar="ISO")
    export.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    export.add_argument("--recipient", default=COMMISSIONER, metavar="WHO")
    export.add_argument(
        "--reason", default="s.62(5): logs made available to the Commissioner", metavar="TEXT"
    )

    retention = sub.add_parser("retention", help="MoPI: person records due for review")
    retention_actions = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    review = retention_actions.add_parser("review", help="list person records whose review date has come")
    review.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD", help="as of (default today)")


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time; write e.g. 2026-11-28 or 2026-11-28T22:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


async def login(db: Database, name: str | None, where: str = "command line") -> tuple[Actor, str | None]:
    """Who runs this command: the open set-up actor, or a user proved by password.

    Returns the actor and the password (needed on PostgreSQL to connect as the user).
    """
    if not await has_users(db):
        return placeholder_actor(), None
    name = name or os.environ.get("CONTROLROOM_USER")
    if not name:
        raise AuthenticationError(
            "this database has users: log in with --user NAME (or CONTROLROOM_USER) and give the "
            "password at the prompt or in CONTROLROOM_PASSWORD"
        )
    password = os.environ.get("CONTROLROOM_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationError(
                f"a password is needed for {name!r}: run at a terminal, or set CONTROLROOM_PASSWORD"
            )
        password = getpass.getpass(f"password for {name}: ")
    return await authenticate(db, name, password, where=where), password


def new_password(args: argparse.Namespace) -> str:
    """A new password from ``--password-stdin`` or asked twice at the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValidationError("give the new password at a terminal, or pipe it in with --password-stdin")
    first = getpass.getpass(f"new password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise ValidationError("the two passwords differ; nothing was changed")
    return first


async def run(command: str, db: Database, actor: Actor, args: argparse.Namespace) -> int:
    if command == "user":
        return await _user(db, actor, args)
    if command == "audit":
        return await _audit(db, actor, args)
    return await _retention(db, actor, args)


async def _user(db: Database, actor: Actor, args: argparse.Namespace) -> int:
    users = UserCommands(db, actor)
    action = args.user_command
    if action == "list":
        actor.require("user.add")
        for u in await list_users(db):
            state = "disabled" if u.disabled else "active"
            if u.locked_until and u.locked_until > datetime.now(UTC):
                state = f"locked until {u.locked_until.astimezone(LOCAL_TZ):%H:%M}"
            venues = f"  venues: {shown(', '.join(u.venues))}" if u.venues else ""
            print(f"{u.name:20} {role_title(u.role):34} {state}{venues}")
        return 0
    if action == "add":
        summary = await users.add_user(args.name, args.role, new_password(args), args.venue)
        print(f"user {summary.name} added as {role_title(summary.role)}")
        return 0
    if action == "passwd":
        current = None
        if args.name == actor.name:
            current = os.environ.get("CONTROLROOM_PASSWORD")
        await users.set_password(args.name, new_password(args), current=current)
        print(f"password of {args.name} changed")
        return 0
    await users.set_disabled(args.name, action == "disable")
    print(f"user {args.name} {'disabled' if action == 'disable' else 'enabled'}")
    return 0


async def _audit(db: Database, actor: Actor, args: argparse.Namespace) -> int:
    if args.audit_command == "verify":
        actor.require("audit.verify")
        result = await chain.verify(db)
        print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    actor.require("audit.export")
    if args.until <= args.since:
        raise ValidationError("--to must be after --from")
    rows = [r async for r in audit.entries(db, audit.AuditFilter(since=args.since, until=args.until))]
    await audit.log_processing(
        db,
        actor,
        action="audit.export",
        entity="audit_log",
        entity_id=None,
        detail={"from": args.since.isoformat(), "to": args.until.isoformat(), "entries": len(rows)},
        justification=args.reason,
        recipient=args.recipient,
    )
    if args.out is None:
        audit.write_csv(rows, sys.stdout)
        return 0
    _write_atomically(Path(args.out), rows)
    print(f"{len(rows)} entries written to {args.out}", file=sys.stderr)
    return 0


def _write_atomically(path: Path, rows: list[object]) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"the folder {folder} does not exist; nothing was written")
    audit.write_csv_file(rows, folder / path.name)


async def _retention(db: Database, actor: Actor, args: argparse.Namespace) -> int:
    actor.require("retention.review")
    today = args.on or datetime.now(LOCAL_TZ).date()
    due = [s for s in await list_subjects(db) if s.review_date <= today]
    if not due:
        print(f"no person records are due for review on {today}")
        return 0
    print(f"{len(due)} person record(s) due for review on {today}:")
    for s in due:
        print(f"{s.id:5}  review {s.review_date}  {shown(s.description[:60])}")
    print("review with: controlroom person review ID --reason TEXT (--next YYYY-MM-DD | --erase-identity)")
    return 0
