"""Command line for the database, users, the audit trail and record retention.

``db upgrade|gate-login|backup|restore``, ``user add|disable|enable|passwd|list``,
``audit verify|head|export``, ``retention review``. Passwords are never arguments (they
would sit in shell history and ``ps``): they are asked for at the terminal, or read from
standard input with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Access, Command
from controlroom.cli.session import Invocation, Session, in_session, new_password
from controlroom.cli.session import login as login
from controlroom.cli.terminal import json_text, shown, write_inert_on_terminal
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.roles import ROLES

if TYPE_CHECKING:
    from controlroom.audit.anchor import ExpectedHead
    from controlroom.storage.database import Database

COMMISSIONER = "Information Commissioner's Office"
# ``login`` is imported above under its own name for ui.shell.app, which asks for it here.


# -- db ------------------------------------------------------------------------------------


def _upgrade(call: Invocation) -> int:
    async def upgrade(db: Database) -> None:
        from controlroom.storage.migrate import upgrade

        await upgrade(db)
        print(f"database at {db.display_url} is up to date")

    call.in_database(upgrade)
    return 0


def _gate_login_arguments(gate: argparse.ArgumentParser) -> None:
    gate.add_argument("name", metavar="NAME")
    gate.add_argument("--password-stdin", action="store_true", help="read the password from stdin")


def _gate_login(call: Invocation) -> int:
    args = call.args

    async def create(db: Database) -> None:
        from controlroom.users.accounts import create_gate_login

        await create_gate_login(db, args.name, new_password(args))
        print(f"gate login {args.name} created: point consoles at {db.url.set(username=args.name)}")

    call.in_database(create)
    return 0


def _path_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=Path)


def _backup(call: Invocation) -> int:
    async def backup(session: Session, args: argparse.Namespace) -> int:
        from controlroom.storage.backup import backup

        # pg_dump connects as the URL given (the owner), not as the user's narrower login.
        print(await backup(session.db, args.path, server_url=call.url))
        return 0

    return call.in_session(backup)


async def _restore(session: Session, args: argparse.Namespace) -> int:
    from controlroom.audit import chain
    from controlroom.storage.backup import restore_sqlite

    async def audit_chain_holds(copy: Database) -> None:
        result = await chain.verify(copy)
        if not result.ok:
            raise ValidationError(f"the backup's {result.describe()}; nothing was restored")

    print(await restore_sqlite(session.db, args.path, audit_chain_holds))
    return 0


# -- user ----------------------------------------------------------------------------------


def _add_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--venue", action="append", default=[], metavar="NAME", help="a partner's venue or base")
    add.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")


async def _add(session: Session, args: argparse.Namespace) -> int:
    from controlroom.users.accounts import UserCommands, role_title

    summary = await UserCommands(session.db, session.actor).add_user(
        args.name, args.role, new_password(args), args.venue
    )
    print(f"user {summary.name} added as {role_title(summary.role)}")
    return 0


def _name_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME")


def _passwd_arguments(passwd: argparse.ArgumentParser) -> None:
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")


async def _passwd(session: Session, args: argparse.Namespace) -> int:
    from controlroom.users.accounts import UserCommands

    current = None
    if args.name == session.actor.name:
        current = os.environ.get("CONTROLROOM_PASSWORD")
    await UserCommands(session.db, session.actor).set_password(args.name, new_password(args), current=current)
    print(f"password of {args.name} changed")
    return 0


async def _disable(session: Session, args: argparse.Namespace) -> int:
    return await _set_disabled(session, args.name, disabled=True)


async def _enable(session: Session, args: argparse.Namespace) -> int:
    return await _set_disabled(session, args.name, disabled=False)


async def _set_disabled(session: Session, name: str, *, disabled: bool) -> int:
    from controlroom.users.accounts import UserCommands

    await UserCommands(session.db, session.actor).set_disabled(name, disabled)
    print(f"user {name} {'disabled' if disabled else 'enabled'}")
    return 0


async def _list_users(session: Session, args: argparse.Namespace) -> int:
    from controlroom.users.accounts import list_users, role_title

    for u in await list_users(session.db):
        state = "disabled" if u.disabled else "active"
        if u.locked_until and u.locked_until > datetime.now(UTC):
            state = f"failed logins: next try from {u.locked_until.astimezone(LOCAL_TZ):%H:%M:%S}"
        venues = f"  venues: {shown(', '.join(u.venues))}" if u.venues else ""
        print(f"{u.name:20} {role_title(u.role):34} {state}{venues}")
    return 0


# -- audit ---------------------------------------------------------------------------------


def _expected(text: str) -> ExpectedHead:
    from controlroom.audit.anchor import parse_expected

    try:
        return parse_expected(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _head_file(text: str) -> ExpectedHead:
    from controlroom.audit.anchor import read_head_file

    try:
        return read_head_file(Path(text).expanduser())
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _verify_arguments(verify: argparse.ArgumentParser) -> None:
    noted = verify.add_mutually_exclusive_group()
    noted.add_argument(
        "--expect",
        type=_expected,
        metavar="ID:HASH",
        help="a head noted earlier (from `audit head` or a printed footer): the trail must still hold it",
    )
    noted.add_argument(
        "--head-file",
        type=_head_file,
        metavar="FILE",
        help="a head written earlier by `audit head --write FILE`: the trail must still hold it",
    )


async def _verify(session: Session, args: argparse.Namespace) -> int:
    from controlroom.audit import chain

    result = await chain.verify(session.db, expect=args.expect or args.head_file)
    print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _head_arguments(head: argparse.ArgumentParser) -> None:
    head.add_argument("--json", action="store_true", help="print the head as JSON")
    head.add_argument("--write", metavar="FILE", help="also keep it in FILE for `audit verify --head-file`")


async def _head(session: Session, args: argparse.Namespace) -> int:
    from controlroom.audit import chain
    from controlroom.audit.anchor import write_head_file

    target = Path(args.write).expanduser() if args.write else None
    if target is not None and not target.parent.is_dir():
        raise ValidationError(f"--write {args.write}: folder {target.parent} does not exist; create it first")
    # A head is only worth noting for a trail that checks: a broken one is reported instead.
    result = await chain.verify(session.db)
    if not result.ok:
        print(f"{result.describe()}; no head was noted", file=sys.stderr)
        return 1
    head = result.head
    if target is not None:
        write_head_file(head, target, database=session.db.display_url)
    if args.json:
        print(json_text(head.as_json()))
    else:
        print(f"audit head: entry {head.last_id} of {head.count}, hash {head.hash}")
        print(f"check it later with: controlroom audit verify --expect {head.anchor}")
    return 0


def _export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("--from", dest="since", required=True, type=arguments.instant, metavar="ISO")
    export.add_argument("--to", dest="until", required=True, type=arguments.instant, metavar="ISO")
    export.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    export.add_argument("--recipient", default=COMMISSIONER, metavar="WHO")
    export.add_argument(
        "--reason", default="s.62(5): logs made available to the Commissioner", metavar="TEXT"
    )


async def _export(session: Session, args: argparse.Namespace) -> int:
    from controlroom.audit import trail as audit

    if args.until <= args.since:
        raise ValidationError("--to must be after --from")
    db = session.db
    rows = [r async for r in audit.entries(db, audit.AuditFilter(since=args.since, until=args.until))]
    await audit.log_processing(
        db,
        session.actor,
        action="audit.export",
        entity="audit_log",
        entity_id=None,
        detail={"from": args.since.isoformat(), "to": args.until.isoformat(), "entries": len(rows)},
        justification=args.reason,
        recipient=args.recipient,
    )
    if args.out is None:
        write_inert_on_terminal(lambda out: audit.write_csv(rows, out), sys.stdout)
        return 0
    path = Path(args.out)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"the folder {folder} does not exist; nothing was written")
    audit.write_csv_file(rows, folder / path.name)
    print(f"{len(rows)} entries written to {args.out}", file=sys.stderr)
    return 0


# -- retention -----------------------------------------------------------------------------


def _review_arguments(review: argparse.ArgumentParser) -> None:
    review.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD", help="as of (default today)")


async def _review(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.queries import list_subjects

    today = args.on or datetime.now(LOCAL_TZ).date()
    due = [s for s in await list_subjects(session.db) if s.review_date <= today]
    if not due:
        print(f"no person records are due for review on {today}")
        return 0
    print(f"{len(due)} person record(s) due for review on {today}:")
    for s in due:
        print(f"{s.id:5}  review {s.review_date}  {shown(s.description[:60])}")
    print("review with: controlroom person review ID --reason TEXT (--next YYYY-MM-DD | --erase-identity)")
    return 0


COMMANDS = (
    Command(
        "db",
        "database maintenance",
        actions=(
            # Schema and logins are the database owner's business, before any user exists.
            Command("upgrade", "create or migrate the schema to this version", _upgrade, Access.NO_LOGIN),
            Command(
                "gate-login",
                "PostgreSQL: the login consoles connect with to check passwords (run as the owner)",
                _gate_login,
                Access.NO_LOGIN,
                _gate_login_arguments,
            ),
            Command(
                "backup",
                "a consistent copy to a new file while consoles keep working (PostgreSQL: pg_dump)",
                _backup,
                ("database.backup",),
                _path_argument,
            ),
            Command(
                "restore",
                "SQLite: replace the database with a backup that checks (no console may be open)",
                in_session(_restore),
                ("database.restore",),
                _path_argument,
            ),
        ),
    ),
    Command(
        "user",
        "users and roles: add, disable, enable, passwd, list",
        actions=(
            # In set-up mode (no users yet) the login is the open set-up actor, who may add
            # the first user; the core insists it is an administrator.
            Command(
                "add",
                "a new user (the first must be an administrator)",
                in_session(_add),
                ("user.add",),
                _add_arguments,
            ),
            Command(
                "disable",
                "no more logins (never deleted)",
                in_session(_disable),
                ("user.disable",),
                _name_argument,
            ),
            Command("enable", "re-enable or unlock", in_session(_enable), ("user.enable",), _name_argument),
            # Anyone may set their own password; another's needs user.passwd (the core checks).
            Command(
                "passwd",
                "set a password (yours, or anyone's as administrator)",
                in_session(_passwd),
                Access.ANY_USER,
                _passwd_arguments,
            ),
            Command(
                "list", "users, roles and whether they may log in", in_session(_list_users), ("user.add",)
            ),
        ),
    ),
    Command(
        "audit",
        "the DPA 2018 s.62 audit trail: verify, head, export",
        actions=(
            Command(
                "verify",
                "check the hash chain (and a head noted earlier): exit 0 intact, 1 broken, 2 bad input",
                in_session(_verify),
                ("audit.verify",),
                _verify_arguments,
            ),
            Command(
                "head",
                "the newest entry's id and hash, to note outside the database: exit 1 if the chain is broken",
                in_session(_head),
                ("audit.verify",),
                _head_arguments,
            ),
            Command(
                "export",
                "CSV of the entries in a time range",
                in_session(_export),
                ("audit.export",),
                _export_arguments,
            ),
        ),
    ),
    Command(
        "retention",
        "MoPI: person records due for review",
        actions=(
            Command(
                "review",
                "list person records whose review date has come",
                in_session(_review),
                ("retention.review",),
                _review_arguments,
            ),
        ),
    ),
)
