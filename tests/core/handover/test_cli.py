"""``controlroom handover …`` as operators run it (their own logins on PostgreSQL).

Refusals exit 2 with one ``controlroom: error:`` line and write nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Handover
from controlroom.users import accounts
from tests.core.cameras.support import Ran, run_cli
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


@pytest.fixture
def users(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str]]:
    """An outgoing and an incoming operator, a supervisor and an auditor, each with their login."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    names = unique_names("administrator", "operator", "supervisor", "auditor")
    names["incoming"] = unique_names("operator")["operator"].replace("opera", "incom")
    add_users(
        db_url,
        (names["operator"], "operator", ()),
        (names["incoming"], "operator", ()),
        (names["supervisor"], "supervisor", ()),
        (names["auditor"], "auditor", ()),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return db_url, names


async def _written(db: Database) -> tuple[int, int]:
    async with db.read() as conn:
        rows = (await conn.execute(select(func.count()).select_from(Handover))).scalar_one()
        audit = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("handover.%"))
        return int(rows), int((await conn.execute(audit)).scalar_one())


def test_hand_over_and_acknowledge_from_the_command_line(
    users: tuple[str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, names = users

    def run(who: str, *args: str) -> Ran:
        return run_cli(capsys, url, "handover", *args, user=names[who])

    draft = run("operator", "draft")
    assert draft.code == 0, draft.err
    assert "Handover draft for" in draft.out and "Safe spaces: none" in draft.out
    given = run(
        "operator",
        "give",
        "--notes",
        "Quiet night;\x1b[31m red text\x1b[0m",
        "--to",
        names["incoming"],
    )
    assert given.code == 0, given.err
    assert given.out.startswith(f"handover H-2026-0001 (number 1) given to {names['incoming']}")

    own = run("operator", "acknowledge", "1")
    assert own.code == 2 and own.out == ""
    assert own.err.strip() == (
        "controlroom: error: a handover must be acknowledged by the incoming operator, another user than "
        f"{names['operator']}; log in as the incoming operator to acknowledge H-2026-0001"
    )
    assert run_with_db(url, _written) == (1, 1)  # the give alone: the refusal wrote nothing

    taken = run("incoming", "acknowledge", "H-2026-0001")
    assert taken.code == 0, taken.err
    assert taken.out.strip() == (
        f"handover H-2026-0001 from {names['operator']} acknowledged by {names['incoming']}"
    )
    again = run("supervisor", "acknowledge", "1")
    assert again.code == 2 and f"was already acknowledged by {names['incoming']}" in again.err

    shown = run("supervisor", "show", "1", "--json")
    record: dict[str, Any] = json.loads(shown.out)
    assert record["acknowledged_by"] == names["incoming"] and record["given_by"] == names["operator"]
    assert record["notes"] == "Quiet night;\x1b[31m red text\x1b[0m"  # JSON keeps exactly what was typed
    text = run("supervisor", "show", "1")
    assert "\x1b" not in text.out and "Quiet night;\\x1b[31m red text" in text.out  # inert on a terminal

    listed = run("incoming", "list", "--search", "QUIET")
    assert listed.code == 0 and listed.out.splitlines()[0] == "1 handover"
    assert "H-2026-0001" in listed.out and f"acknowledged by {names['incoming']}" in listed.out
    assert run("incoming", "list", "--search", "stormy").out.splitlines()[0] == "0 handovers"
    by_giver = run("incoming", "list", "--user", names["operator"], "--json")
    assert [h["reference"] for h in json.loads(by_giver.out)] == ["H-2026-0001"]
    assert json.loads(run("incoming", "list", "--user", names["supervisor"], "--json").out) == []
    assert run("auditor", "list").code == 4  # auditors may not read handovers: exit 4, not permitted


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("give", "--note", "no equals sign"), "--note 'no equals sign' is not KEY=TEXT"),
        (("give", "--note", "unit:999=gone"), "there is no item 'unit:999' in this handover"),
        (("give", "--notes", "\u200b"), "nothing can be read in the overall notes"),
        (("acknowledge", "H-2026-0042"), "no handover H-2026-0042"),
        (("list", "--from", "2026-12-02", "--to", "2026-12-01"), "the dates run backwards"),
        (("show", "1", "--recipient", "CPS"), "go with --pdf FILE"),
    ],
)
def test_bad_input_exits_2_with_the_reason_and_writes_nothing(
    users: tuple[str, dict[str, str]], capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    url, names = users
    ran = run_cli(capsys, url, "handover", *args, user=names["operator"])
    assert ran.code == 2 and ran.err.startswith("controlroom: error: ") and message in ran.err, ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert run_with_db(url, _written) == (0, 0)


def test_the_incoming_user_named_must_be_one_who_may_sign(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # On SQLite every login sees the users; on PostgreSQL an operator's own login sees only its
    # own row, so there the name's form alone is checked (and a supervisor can sign for them).
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    names = unique_names("administrator", "operator", "auditor")
    add_users(
        sqlite_url,
        (names["operator"], "operator", ()),
        (names["auditor"], "auditor", ()),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)

    def give(to: str) -> Ran:
        return run_cli(capsys, sqlite_url, "handover", "give", "--to", to, user=names["operator"])

    unknown = give("nobody_here")
    assert unknown.code == 2 and "there is no user nobody_here" in unknown.err
    auditor = give(names["auditor"])
    assert auditor.code == 2
    assert f"{names['auditor']}'s role (auditor (data protection officer)) may not acknowledge" in auditor.err
    assert run_with_db(sqlite_url, _written) == (0, 0)
