"""Who may keep the register: supervisors and administrators change it, operators log faults,
partners and auditors neither read nor change it (exit 4, nothing written).

On PostgreSQL each command runs through the user's own login, so the grants of
``pg_security`` are exercised too (an operator's fault updates only status and version).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from controlroom.users import accounts
from tests.core.cameras.support import camera_audit, register_counts, run_cli
from tests.core.support import add_venue, commands_for, run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

AT = "50.9040,-1.4040"


@pytest.fixture
def staff(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    names = unique_names("administrator", "supervisor", "operator", "partner", "auditor")
    run_with_db(db_url, lambda db: add_venue(commands_for(db)))
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return names


def test_each_role_keeps_the_register_as_far_as_it_may(
    db_url: str, staff: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(role: str, *args: str) -> tuple[int, str]:
        done = run_cli(capsys, db_url, "camera", *args, user=staff[role])
        return done.code, done.err

    ptz = ("--owner", "council", "--at", AT, "--kind", "ptz")
    assert run("supervisor", "add", "P1", "--name", "Junction", *ptz, "--preset", "N:0:60:100")[0] == 0
    assert run("supervisor", "update", "P1", "--preset", "S:180:60:100", "--preset", "E:90:40:80")[0] == 0
    assert run("administrator", "add", "P2", "--name", "Square", *ptz)[0] == 0
    csv = tmp_path / "more.csv"
    csv.write_text("number,name,owner,lat,lon,kind\nP3,Quay,police,50.9,-1.40,dome\n", encoding="utf-8")
    assert run("administrator", "import", str(csv))[0] == 0
    assert run("operator", "fault", "P1", "--description", "no picture")[0] == 0
    assert run("operator", "clear", "P1")[0] == 0
    listed = json.loads(run_cli(capsys, db_url, "camera", "list", "--json", user=staff["operator"]).out)
    assert [(c["number"], [p["name"] for p in c["presets"]]) for c in listed] == [
        ("P1", ["S", "E"]),
        ("P2", []),
        ("P3", []),
    ]

    before = register_counts(db_url)
    refused = [
        ("operator", "add", "P9", "--name", "x", *ptz),
        ("operator", "update", "P1", "--name", "x"),
        ("operator", "import", str(csv)),
        ("partner", "list"),
        ("partner", "fault", "P1", "--description", "x"),
        ("auditor", "list"),
        ("auditor", "add", "P9", "--name", "x", *ptz),
        ("administrator", "fault", "P1", "--description", "x"),
    ]
    for role, *args in refused:
        code, err = run(role, *args)
        assert code == 4 and "may not" in err, (role, args, err)
    assert register_counts(db_url) == before

    actors = [(action, actor) for action, actor, _ in camera_audit(db_url)]
    assert actors == [
        ("camera.add", staff["supervisor"]),
        ("camera.update", staff["supervisor"]),
        ("camera.add", staff["administrator"]),
        ("camera.add", staff["administrator"]),
        ("camera.fault", staff["operator"]),
        ("camera.fault_cleared", staff["operator"]),
    ]
