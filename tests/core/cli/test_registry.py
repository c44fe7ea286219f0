"""The command registry: every command declares a handler and what it needs, and every role
is refused, with nothing written, each command whose declared role actions it lacks.

The refusals run in-process through ``controlroom.cli.main.main`` on one database per
backend (a subprocess per role and command would take minutes).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from controlroom.cli.main import build_parser, main
from controlroom.cli.registry import KNOWN_ACTIONS, Command
from controlroom.cli.session import Access, Frontend
from controlroom.core.roles import PERMISSIONS, ROLES
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Base
from controlroom.users import accounts
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.writes import placeholder_actor
from tests.core.support import add_venue, commands_for, run_with_db, unique_tag

PASSWORD = "correct horse battery staple"  # noqa: S105 - test users only
REF = "SOT-20261127-0001"

# One way to invoke every command that declares role actions; a new command must add one.
SAMPLES: dict[tuple[str, ...], list[str]] = {
    ("report",): ["--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv", "--summary", "x"],
    ("incident", "show"): [REF],
    ("incident", "update"): [REF, "--note", "x"],
    ("incident", "steps"): [REF],
    ("incident", "step"): [REF, "1", "--done"],
    ("safe-space",): ["Velvet Fox", "--status", "full"],
    ("unit", "add"): ["SN-99", "--kind", "police_foot"],
    ("unit", "update"): ["SN-99", "--status", "available"],
    ("unit", "list"): [],
    ("recommend",): [REF],
    ("dispatch",): [REF, "--unit", "SN-99"],
    ("responses",): [],
    ("camera", "add"): ["C9", "--name", "x", "--owner", "council", "--at", "50.904,-1.404", "--kind", "ptz"],
    ("camera", "update"): ["C9", "--name", "y"],
    ("camera", "list"): [],
    ("camera", "fault"): ["C9", "--description", "x"],
    ("camera", "clear"): ["C9"],
    ("camera", "task"): ["C9", REF],
    ("camera", "release"): ["C9"],
    ("cameras-for",): ["--at", "50.904,-1.404"],
    ("camera", "import"): ["{out}.csv"],
    ("footage", "mark"): [
        *(REF, "--camera", "C9", "--from", "2026-11-27T22:00", "--to", "2026-11-27T22:05"),
        *("--description", "x"),
    ],
    ("footage", "list"): [REF],
    ("footage", "view"): ["1", "--reason", "x"],
    ("footage", "lock"): ["1", "--until", "2027-06-01", "--reason", "x"],
    ("footage", "unlock"): ["1", "--reason", "x"],
    ("footage", "request"): [REF, "--requester", "PC 1", "--purpose", "x"],
    ("footage", "release"): ["1", "--recipient", "PC 1", "--justification", "x"],
    ("footage", "review"): [],
    ("footage", "log"): [REF, "--pdf", "{out}", "--reason", "x"],
    ("decision", "add"): ["--subject", "s", "--information", "i", "--assessment", "a", "--decision", "d"],
    ("decision", "list"): [],
    ("decision", "show"): ["D-2026-0001"],
    ("handover", "draft"): [],
    ("handover", "give"): ["--notes", "x"],
    ("handover", "acknowledge"): ["1"],
    ("handover", "list"): [],
    ("handover", "show"): ["1"],
    ("geo", "import-roads"): ["{out}.gpkg"],
    ("flag",): ["--venue", "Velvet Fox", "--behaviour", "leering", "--reason", "x"],
    ("flags",): [],
    ("flags", "clear"): ["1"],
    ("flags", "convert"): ["1", "--category", "harassment"],
    ("zone", "authorise"): [
        *("--name", "Z", "--polygon", "50.91,-1.41;50.91,-1.40;50.92,-1.40", "--start", "2026-11-27T22:00"),
        *("--hours", "12", "--officer", "Insp 1", "--grounds", "g", "--rights", "r", "--log", "L1"),
    ],
    ("zone", "withdraw"): ["1", "--reason", "r"],
    ("zone", "list"): [],
    ("direction", "give"): [
        *("--zone", "1", "--at", "50.91,-1.405", "--description", "man", "--apparent-age", "30"),
        *("--hours", "12", "--officer", "PC 1", "--grounds", "g", "--necessity", "n"),
    ],
    ("direction", "list"): [],
    ("direction", "vary"): ["S35-1", "--hours", "12", "--officer", "PC 1", "--reason", "r"],
    ("direction", "withdraw"): ["S35-1", "--officer", "PC 1", "--reason", "r"],
    ("direction", "take-home"): ["S35-1", "--taken-to", "Home", "--by", "PC 1", "--told", "Mother"],
    ("direction", "show"): ["S35-1", "--reason", "r"],
    ("tally",): [],
    ("person", "add"): ["--description", "man"],
    ("person", "list"): [],
    ("person", "warn"): ["1", "--officer", "PC 1", "--where", "here"],
    ("person", "seen"): ["1", "--at", "50.91,-1.405"],
    ("person", "review"): ["1", "--reason", "r", "--next", "2027-01-01"],
    ("person", "show"): ["1", "--reason", "r"],
    ("paperwork", "s35"): [REF, "--reason", "r", "--recipient", "w", "--pdf", "{out}"],
    ("paperwork", "s34"): ["1", "--pdf", "{out}"],
    ("report-night",): ["--pdf", "{out}"],
    ("report-period",): ["--month", "2026-11", "--pdf", "{out}"],
    ("search",): ["fight"],
    ("watch",): [],
    ("demo",): [],
    ("simulate",): ["--duration", "1m"],
    ("user", "add"): ["newcomer", "--role", "operator", "--password-stdin"],
    ("user", "disable"): ["{admin}"],
    ("user", "enable"): ["{admin}"],
    ("user", "list"): [],
    ("audit", "verify"): [],
    ("audit", "head"): [],
    ("audit", "export"): ["--from", "2020-01-01", "--to", "2099-01-01"],
    ("retention", "review"): [],
    ("db", "backup"): ["{out}.backup"],
    ("db", "restore"): ["{out}.backup"],
}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for name, sub in _subcommands(parser).items():
        yield (*path, name), sub
        yield from _parsers(sub, (*path, name))


def _declared() -> dict[tuple[str, ...], Command]:
    """Every (sub)command the parser offers, with the Command it runs."""
    found = {}
    for path, parser in _parsers(build_parser()):
        command = parser.get_default("run_command")
        assert isinstance(command, Command), f"{' '.join(path)} stores no command"
        assert command.name == path[-1], f"{' '.join(path)} runs {command.name!r}"
        found[path] = command
    return found


def test_every_command_has_a_handler_and_declares_what_it_needs() -> None:
    declared = _declared()
    assert len(declared) >= 40
    for path, command in declared.items():
        words = " ".join(path)
        if command.handler is None:  # a group: argparse insists on one of its actions
            assert command.actions, words
            assert all((*path, action.name) in declared for action in command.actions), words
            continue
        assert command.needs is not None, words
        if isinstance(command.needs, tuple):
            assert command.needs and set(command.needs) <= KNOWN_ACTIONS, words
        else:
            assert isinstance(command.needs, Access), words
    needing_roles = {path for path, c in declared.items() if isinstance(c.needs, tuple)}
    assert needing_roles == set(SAMPLES), "SAMPLES must name every command that needs role actions"


def test_the_commands_without_a_role_action_say_why() -> None:
    access = {path: c.needs for path, c in _declared().items() if isinstance(c.needs, Access)}
    assert access == {
        ("run",): Access.WINDOW,
        ("screenshot",): Access.WINDOW,
        ("venues",): Access.ANY_USER,
        # Your own activity log (activity.read_own), or anyone's (activity.read_any): the core decides.
        ("activity",): Access.ANY_USER,
        ("user", "passwd"): Access.ANY_USER,
        ("db", "upgrade"): Access.NO_LOGIN,
        ("db", "gate-login"): Access.NO_LOGIN,
        ("paperwork", "specimen"): Access.NO_LOGIN,
        ("config", "check"): Access.NO_LOGIN,
    }


def _refused_by(role: str, needs: tuple[str, ...]) -> bool:
    return not set(needs) <= PERMISSIONS[role]


def test_every_role_may_do_something_and_is_refused_something() -> None:
    declared = {path: c.needs for path, c in _declared().items() if isinstance(c.needs, tuple)}
    for role in ROLES:
        refused = [path for path, needs in declared.items() if _refused_by(role, needs)]
        assert 0 < len(refused) < len(declared), role


# What each role is offered, written out (commands open to any user, or needing no
# login, left aside): a declaration that drifts from core.roles shows up here.
OPERATOR_REFUSED = {
    *("zone authorise", "zone withdraw", "person review", "demo", "retention review", "simulate"),
    *("camera add", "camera update", "camera import"),
    "geo import-roads",
    *("footage lock", "footage unlock", "footage release"),
}
ADMINISTRATION = {
    "user add",
    "user disable",
    "user enable",
    "user list",
    "audit verify",
    "audit head",
    "audit export",
    "db backup",
    "db restore",
}
OFFERED_ONLY = {
    # A partner searches its own venues' incidents (the database keeps it to them).
    "partner": {"report", "incident show", "safe-space", "watch", "search"},
    "auditor": {"audit verify", "audit head", "audit export", "decision list", "decision show"},
    "administrator": {
        *("user add", "user disable", "user enable", "user list", "db backup", "db restore"),
        *("camera add", "camera update", "camera import", "camera list", "cameras-for"),
        "geo import-roads",
    },
}


def test_what_each_role_is_offered() -> None:
    declared = {" ".join(p): c.needs for p, c in _declared().items() if isinstance(c.needs, tuple)}
    offered = {
        role: {words for words, needs in declared.items() if not _refused_by(role, needs)} for role in ROLES
    }
    assert set(declared) - offered["operator"] == OPERATOR_REFUSED | ADMINISTRATION
    assert set(declared) - offered["supervisor"] == ADMINISTRATION
    for role, only in OFFERED_ONLY.items():
        assert offered[role] == only, role


async def _written(db: Database) -> dict[str, int]:
    """Rows per table; the audit trail without its login entries (a login is recorded)."""
    counts = {}
    async with db.read() as conn:
        for table in Base.metadata.sorted_tables:
            query = select(func.count()).select_from(table)
            if table.name == AuditEntry.__tablename__:
                query = query.where(AuditEntry.action.not_like("user.login%"))
            counts[table.name] = (await conn.execute(query)).scalar_one()
    return counts


def _staff(db_url: str) -> dict[str, str]:
    """One user of each role (the partner speaks for Velvet Fox); names unique per cluster."""
    tag = unique_tag()
    names = {role: f"{role[:5]}_{tag}" for role in ROLES}

    async def scenario(db: Database) -> None:
        await add_venue(commands_for(db), "Velvet Fox")
        await UserCommands(db, placeholder_actor()).add_user(
            names["administrator"], "administrator", PASSWORD
        )
        admin = await authenticate(db, names["administrator"], PASSWORD)
        for role, name in names.items():
            if role != "administrator":
                venues = ["Velvet Fox"] if role == "partner" else []
                await UserCommands(db, admin).add_user(name, role, PASSWORD, venues)

    run_with_db(db_url, scenario)
    return names


def _refuse_nothing(documents: object, path: str) -> int:
    raise AssertionError(f"a refused command wrote {path}")


def test_each_role_is_refused_what_it_may_not_do_and_nothing_is_written(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Cheap hashes: the point here is the refusal, not argon2's cost (about 130 logins).
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    names = _staff(db_url)
    before = run_with_db(db_url, _written)
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    frontend = Frontend(run=lambda *_: 0, screenshot=lambda *_: 0, write_pdf=_refuse_nothing)
    declared = {path: c.needs for path, c in _declared().items() if isinstance(c.needs, tuple)}
    wrong = []
    for role in ROLES:
        for path, needs in declared.items():
            if not _refused_by(role, needs):
                continue
            sample = [a.format(out=tmp_path / "x.pdf", admin=names["administrator"]) for a in SAMPLES[path]]
            try:
                code: object = main(
                    ["--db", db_url, "--user", names[role], *path, *sample], frontend=frontend
                )
            except Exception as exc:  # a command that went past the check reads stdin, or fails
                code = repr(exc)
            err = capsys.readouterr().err
            if code != 4 or f"({role}" not in err or "may not" not in err:
                wrong.append(f"{role}: {' '.join(path)} -> exit {code}: {err.strip()}")
    assert not wrong, "\n".join(wrong)
    assert run_with_db(db_url, _written) == before
    assert not (tmp_path / "x.pdf").exists()
