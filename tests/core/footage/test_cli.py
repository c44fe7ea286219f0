"""``controlroom footage …`` as operators and supervisors run it (their own logins on PostgreSQL).

Refusals exit 2 (bad input) or 4 (not permitted) and write nothing.
"""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher

from controlroom.users import accounts
from tests.core.cameras.support import Ran, run_cli
from tests.core.footage.support import footage_counts, incident_with_cameras
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

FROM, TO = "2026-11-27T23:00", "2026-11-27T23:10"  # UK local time (GMT in November)


@pytest.fixture
def night(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, dict[str, str]]:
    """The incident at the Velvet Fox with cameras V3, C12 and F1, and a user of each role."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reference = run_with_db(db_url, lambda db: _reference(db))
    names = unique_names("administrator", "supervisor", "operator", "auditor")
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return db_url, reference, names


async def _reference(db: object) -> str:
    reference, _, _ = await incident_with_cameras(db)  # type: ignore[arg-type]
    return reference


def test_the_evidence_flow_from_the_command_line(
    night: tuple[str, str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ref, names = night

    def run(role: str, *args: str) -> Ran:
        return run_cli(capsys, url, "footage", *args, user=names[role])

    marked = run(
        "operator", "mark", ref, "--camera", "V3", "--from", FROM, "--to", TO, "--description", "Fight"
    )
    assert marked.code == 0, marked.err
    assert "clip 1 marked" in marked.out and "deletes it on 2026-12-28" in marked.out
    assert run("operator", "view", "1", "--reason", "Who struck first").code == 0
    assert run("supervisor", "lock", "1", "--until", "2027-06-01", "--reason", "Court").code == 0
    assert run("operator", "request", ref, "--requester", "PC 1234", "--purpose", "Assault file").code == 0
    released = run(
        "supervisor", "release", "1", "--recipient", "PC 1234", "--justification", "File", "--request", "1"
    )
    assert released.code == 0, released.err
    listed = json.loads(run("operator", "list", ref, "--json").out)
    (clip,) = listed["clips"]
    assert [e["event"] for e in clip["events"]] == ["marked", "viewed", "locked", "released"]
    assert clip["locked_until"] == "2027-06-01" and clip["releases"][0]["recipient"] == "PC 1234"
    assert listed["requests"][0]["status"] == "released"
    review = json.loads(run("supervisor", "review", "--on", "2027-06-01", "--json").out)
    assert [c["id"] for c in review["locks_due"]] == [1] and review["retention_passed"] == []


REFUSED = [
    pytest.param(
        ("operator", "mark", "REF", "--camera", "V3", "--from", TO, "--to", FROM, "--description", "x"),
        2,
        "before it starts",
        id="end-before-start",
    ),
    pytest.param(
        ("operator", "mark", "REF", "--camera", "Z9", "--from", FROM, "--to", TO, "--description", "x"),
        2,
        "the register has: C12, F1, V3",
        id="unknown-camera",
    ),
    pytest.param(
        ("operator", "mark", "REF", "--camera", "V3", "--from", "tonight", "--to", TO, "--description", "x"),
        2,
        "is not a date and time",
        id="bad-time",
    ),
    pytest.param(
        ("supervisor", "release", "1", "--recipient", "PC 1", "--justification", " "),
        2,
        "a release needs its justification",
        id="blank-justification",
    ),
    pytest.param(
        ("supervisor", "release", "1", "--justification", "file"), 2, "--recipient", id="no-recipient"
    ),
    pytest.param(
        ("supervisor", "lock", "1", "--until", "2027-13-01", "--reason", "x"),
        2,
        "is not a date",
        id="bad-date",
    ),
    pytest.param(("supervisor", "view", "7", "--reason", "x"), 2, "no clip 7", id="unknown-clip"),
    pytest.param(
        ("operator", "list", "SOT-20261127-0999"), 2, "no incident with reference", id="unknown-incident"
    ),
    pytest.param(
        ("operator", "lock", "1", "--until", "2027-06-01", "--reason", "x"), 4, "may not", id="operator"
    ),
    pytest.param(("auditor", "list", "REF"), 4, "may not see the footage", id="auditor"),
]


@pytest.mark.parametrize(("words", "code", "message"), REFUSED)
def test_refusals_exit_with_the_reason_and_write_nothing(
    night: tuple[str, str, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    words: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    url, ref, names = night
    done = run_cli(
        capsys,
        url,
        "footage",
        "mark",
        ref,
        "--camera",
        "V3",
        "--from",
        FROM,
        "--to",
        TO,
        "--description",
        "x",
        user=names["supervisor"],
    )
    assert done.code == 0, done.err
    before = run_with_db(url, footage_counts)
    role, *args = words
    refused = run_cli(capsys, url, "footage", *(ref if a == "REF" else a for a in args), user=names[role])
    assert (refused.code, message in refused.err) == (code, True), refused.err
    assert run_with_db(url, footage_counts) == before
