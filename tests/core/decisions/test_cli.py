"""``controlroom decision …`` as each role runs it (their own logins on PostgreSQL).

Refusals exit 2 (bad input: the option named, nothing written) or 4 (not permitted).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from controlroom.storage.database import Database
from controlroom.users import accounts
from tests.core.cameras.support import Ran, run_cli
from tests.core.decisions.support import a_night, decision_counts
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

PARTS = (
    "--subject", "Close the Velvet Fox's door",
    "--information", "Three fights at the door since 22:40",
    "--assessment", "High risk of another assault",
    "--decision", "Stop entry until 01:00",
    "--rationale", "Least intrusive option",
)  # fmt: skip


@pytest.fixture
def night(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, dict[str, str]]:
    """An incident at the Velvet Fox, a zone and a direction, and a user of each role."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reference = run_with_db(db_url, _reference)
    names = unique_names("administrator", "supervisor", "operator", "auditor", "partner")
    names["other"] = names["operator"] + "b"
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        (names["other"], "operator", ()),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return db_url, reference, names


async def _reference(db: Database) -> str:
    return (await a_night(db)).reference


def _counts(url: str) -> dict[str, int]:
    return run_with_db(url, decision_counts)


def test_add_list_show_and_revise_from_the_command_line(
    night: tuple[str, str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ref, names = night

    def run(role: str, *args: str) -> Ran:
        return run_cli(capsys, url, "decision", *args, user=names[role])

    added = run("operator", "add", *PARTS, "--incident", ref.lower(), "--powers", "Licensing Act 2003")
    assert added.code == 0, added.err
    reference = added.out.split()[1]
    assert added.out.startswith(f"decision {reference} recorded: Close the Velvet Fox's door")
    assert f"incident {ref}" in added.out
    revised = run(
        "supervisor", "add", *PARTS[:8], "--rationale", "Queue gone by 00:30", "--revises", reference
    )
    assert revised.code == 0, revised.err
    later = revised.out.split()[1]
    assert f"(revises {reference})" in revised.out

    by_incident = json.loads(run("auditor", "list", "--incident", ref, "--json").out)["decisions"]
    assert [(d["reference"], d["revised_by"]) for d in by_incident] == [(reference, [later]), (later, [])]
    assert by_incident[0]["powers_policy"] == "Licensing Act 2003"
    tonight = run("operator", "list")
    assert reference in tonight.out and f"REVISED by {later}" in tonight.out
    shown = json.loads(run("operator", "show", later.lower(), "--json").out)
    assert shown["decision"]["rationale"] == "Queue gone by 00:30"
    assert [d["reference"] for d in shown["earlier"]] == [reference] and shown["later"] == []
    text = run("operator", "show", reference).out
    assert f"revised by: {later}" in text and "1. Information and intelligence:" in text


def test_a_decision_from_a_toml_file(
    night: tuple[str, str, dict[str, str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, ref, names = night
    parts = tmp_path / "decision.toml"
    parts.write_text(
        'subject = "Patrol to Bedford Place"\ninformation = """Two reports of a man\nfollowing women"""\n'
        f'assessment = "Medium"\ndecision = "Send SN40"\nrationale = "Nearest unit"\nincidents = ["{ref}"]\n',
        encoding="utf-8",
    )
    added = run_cli(
        capsys, url, "decision", "add", "--from-file", str(parts), "--json", user=names["operator"]
    )
    assert added.code == 0, added.err
    decision = json.loads(added.out)
    assert decision["information"] == "Two reports of a man\nfollowing women"
    assert decision["links"] == [["incident", decision["links"][0][1], ref]]


REFUSED = [
    pytest.param(
        ("operator", "add", *PARTS[:8]), 2, "--rationale: the rationale is empty", id="no-rationale"
    ),
    pytest.param(
        ("operator", "add", *PARTS[2:]), 2, "--subject: the subject (what was decided", id="no-subject"
    ),
    pytest.param(
        ("operator", "add", *PARTS, "--incident", "SOT-20261127-0099"),
        2,
        "--incident: no incident with reference",
        id="unknown-incident",
    ),
    pytest.param(
        ("operator", "add", *PARTS, "--night", "2099-01-01"),
        2,
        "--night: the night of 2099",
        id="future-night",
    ),
    pytest.param(("operator", "add", *PARTS, "--zone", "77"), 2, "--zone: no dispersal zone 77", id="zone"),
    pytest.param(
        ("operator", "add", *PARTS, "--revises", "D-1999-0001"), 2, "--revises: no decision", id="revises"
    ),
    pytest.param(
        ("operator", "add", *PARTS, "--from-file", "/nonexistent/decision.toml"),
        2,
        "cannot be read",
        id="missing-file",
    ),
    pytest.param(("partner", "add", *PARTS), 4, "may not record a decision", id="partner-add"),
    pytest.param(("partner", "list"), 4, "may not read the decision log", id="partner-list"),
    pytest.param(("auditor", "add", *PARTS), 4, "may not record a decision", id="auditor-add"),
]


@pytest.mark.parametrize(("argv", "code", "words"), REFUSED)
def test_refusals_exit_with_the_reason_and_write_nothing(
    night: tuple[str, str, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    code: int,
    words: str,
) -> None:
    url, _, names = night
    before = _counts(url)
    ran = run_cli(capsys, url, "decision", *argv[1:], user=names[argv[0]])
    assert ran.code == code, (ran.out, ran.err)
    assert words in ran.err
    assert ran.err.startswith("controlroom: error:") and ran.err.count("\n") == 1
    after = _counts(url)
    assert {k: after[k] - before[k] for k in after if k != "audit"} == {
        "decisions": 0,
        "links": 0,
        "timeline": 0,
        "changes": 0,
    }


def test_an_operator_may_not_revise_another_operators_decision(
    night: tuple[str, str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _, names = night
    added = run_cli(capsys, url, "decision", "add", *PARTS, user=names["operator"])
    reference = added.out.split()[1]
    before = _counts(url)
    refused = run_cli(capsys, url, "decision", "add", *PARTS, "--revises", reference, user=names["other"])
    assert refused.code == 4
    assert (
        f"may revise only their own decisions; {reference} was recorded by {names['operator']}" in refused.err
    )
    after = _counts(url)
    assert after["decisions"] == before["decisions"] and after["changes"] == before["changes"]
