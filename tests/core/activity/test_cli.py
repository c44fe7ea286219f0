"""``controlroom activity`` through each user's own login (on PostgreSQL: ``controlroom_activity``)."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from controlroom.users import accounts
from tests.core.cameras.support import run_cli
from tests.core.decisions.test_cli import PARTS
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


@pytest.fixture
def users(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str]]:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    names = unique_names("administrator", "supervisor", "operator", "auditor")
    names["other"] = names["operator"] + "b"
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        (names["other"], "operator", ()),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return db_url, names


async def _readings(db: Database) -> list[tuple[str, str]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "activity.read")
        )
        return [(actor, detail["user"]) for actor, detail in rows.all()]


def test_own_log_and_anothers_by_role(
    users: tuple[str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, names = users
    operator = names["operator"]
    added = run_cli(capsys, url, "decision", "add", *PARTS, user=operator)
    assert added.code == 0, added.err

    own = run_cli(capsys, url, "activity", "--json", user=operator)
    assert own.code == 0, own.err
    items = json.loads(own.out)["items"]
    assert [i["action"] for i in items] == ["user.login", "decision.record", "user.login"]
    assert items[1]["text"].endswith("recorded: Close the Velvet Fox's door")
    assert json.loads(run_cli(capsys, url, "activity", "--kind", "login", "--json", user=operator).out)[
        "items"
    ]

    refused = run_cli(capsys, url, "activity", "--user", operator, user=names["other"])
    assert refused.code == 4 and "may not read another user's activity log" in refused.err
    assert run_with_db(url, _readings) == []

    for reader in ("supervisor", "auditor"):
        read = run_cli(capsys, url, "activity", "--user", operator, "--kind", "decision", user=names[reader])
        assert read.code == 0, read.err
        assert f"{operator}: 1 action in the night of" in read.out and "Close the Velvet Fox" in read.out
    assert run_with_db(url, _readings) == [(names["supervisor"], operator), (names["auditor"], operator)]

    bad = run_cli(capsys, url, "activity", "--kind", "parking", user=operator)
    assert bad.code == 2 and bad.err.startswith("controlroom: error: unknown kind 'parking'")
