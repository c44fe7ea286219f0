"""Anchoring the audit trail: a head noted outside the database shows a trimmed or rebuilt chain.

A hostile administrator with the database owner's (or the file's) access tampers with
plain SQL: deleting the newest entries and moving ``audit_head`` back, or editing an
entry and re-hashing every entry after it with the project's own hash function. Both
leave a chain that checks in itself; only a head noted earlier shows them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import text

from controlroom.audit.chain import digest_of, verify
from controlroom.storage.database import Database
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.writes import placeholder_actor
from tests.conftest import controlroom_cmd
from tests.core.support import FIXED_NOW, add_venue, commands_for, run_with_db, unique_tag

PASSWORD = "correct horse battery staple"  # noqa: S105 - test users only


def _trail(db_url: str, venues: int = 4) -> str:
    """An administrator, an auditor (returned: PostgreSQL login roles are cluster-wide) and venues."""
    tag = unique_tag()
    admin, auditor = f"admin_{tag}", f"dpo_{tag}"

    async def scenario(db: Database) -> None:
        await UserCommands(db, placeholder_actor()).add_user(admin, "administrator", PASSWORD)
        users = UserCommands(db, await authenticate(db, admin, PASSWORD))
        await users.add_user(auditor, "auditor", PASSWORD)
        await _more_entries(db, venues)

    run_with_db(db_url, scenario)
    return auditor


async def _more_entries(db: Database, venues: int) -> None:
    setup = commands_for(db, now=FIXED_NOW)
    for _ in range(venues):
        await add_venue(setup, f"Venue {unique_tag()}")


def _audit(db_url: str, auditor: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTROLROOM_USER": auditor, "CONTROLROOM_PASSWORD": PASSWORD}
    return subprocess.run(
        controlroom_cmd("--db", db_url, "audit", *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


async def _lift_append_only(db: Database, session: Any) -> None:
    # The append-only trigger only stops honest mistakes; the owner can lift it.
    if db.is_sqlite:
        await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    else:
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))


def _trim(db_url: str, keep: int) -> None:
    """Delete every entry after ``keep`` and move the head back to it, consistently."""

    async def scenario(db: Database) -> None:
        async with db.write() as session:
            await _lift_append_only(db, session)
            await session.execute(text("DELETE FROM audit_log WHERE id > :keep"), {"keep": keep})
            await session.execute(
                text(
                    "UPDATE audit_head SET last_id = :keep, count = :keep, "
                    "last_hash = (SELECT entry_hash FROM audit_log WHERE id = :keep)"
                ),
                {"keep": keep},
            )

    run_with_db(db_url, scenario)


def _rebuild_after_editing(db_url: str, entry_id: int) -> None:
    """Change one entry's actor, then re-hash it and every later entry; the head follows."""

    async def scenario(db: Database) -> None:
        async with db.write() as session:
            await _lift_append_only(db, session)
            await session.execute(
                text("UPDATE audit_log SET actor = 'nobody' WHERE id = :id"), {"id": entry_id}
            )
            rows = (await session.execute(text("SELECT * FROM audit_log ORDER BY id"))).all()
            prev_hash, last_id = "0" * 64, 0
            for row in rows:
                digest = digest_of(row, prev_hash)
                await session.execute(
                    text("UPDATE audit_log SET prev_hash = :prev, entry_hash = :hash WHERE id = :id"),
                    {"prev": prev_hash, "hash": digest, "id": row.id},
                )
                prev_hash, last_id = digest, row.id
            await session.execute(
                text("UPDATE audit_head SET last_id = :id, last_hash = :hash, count = :n"),
                {"id": last_id, "hash": prev_hash, "n": len(rows)},
            )

    run_with_db(db_url, scenario)


def _head(db_url: str, auditor: str, *args: str) -> dict[str, Any]:
    done = _audit(db_url, auditor, "head", "--json", *args)
    assert done.returncode == 0, done.stderr
    head: dict[str, Any] = json.loads(done.stdout)
    return head


def test_audit_head_prints_the_newest_entry_and_writes_a_head_file(db_url: str, tmp_path: Path) -> None:
    auditor = _trail(db_url)
    written = tmp_path / "head.json"
    head = _head(db_url, auditor, "--write", str(written))
    intact = run_with_db(db_url, verify)  # no login here: the trail ends where `audit head` left it
    assert head == {
        "last_id": intact.head_id,
        "count": intact.checked,
        "hash": intact.head_hash,
        "anchor": f"{intact.head_id}:{intact.head_hash}",
    }
    kept = json.loads(written.read_text(encoding="utf-8"))
    assert (kept["last_id"], kept["hash"]) == (intact.head_id, intact.head_hash)
    plain = _audit(db_url, auditor, "head")
    assert plain.returncode == 0, plain.stderr
    now = run_with_db(db_url, verify)  # the command's own login is the newest entry
    assert f"entry {now.head_id} of {now.checked}, hash {now.head_hash}" in plain.stdout
    assert f"audit verify --expect {now.head_id}:{now.head_hash}" in plain.stdout


def test_a_trimmed_chain_passes_alone_but_not_against_a_noted_head(db_url: str, tmp_path: Path) -> None:
    auditor = _trail(db_url)
    head_file = tmp_path / "night.json"
    head = _head(db_url, auditor, "--write", str(head_file))
    noted = f"entry {head['last_id']} with hash {head['hash']}"
    # Every command's login is logged: the trail grows by one entry per run below.
    _trim(db_url, keep=head["last_id"] - 5)
    # The chain and its head agree: without the noted head nothing shows.
    assert run_with_db(db_url, verify).ok
    for expected in (("--expect", head["anchor"]), ("--head-file", str(head_file))):
        trimmed = _audit(db_url, auditor, "verify", *expected)
        assert trimmed.returncode == 1, trimmed.stdout
        assert f"it is missing, yet the head noted earlier is {noted}" in trimmed.stderr
        assert "deleted from its end (trimmed)" in trimmed.stderr
    # Only the hash, as copied from a footer: no entry has it any more.
    by_hash = _audit(db_url, auditor, "verify", "--expect", head["hash"][:16])
    assert by_hash.returncode == 1
    assert f"no entry has the hash {head['hash'][:16]}… noted earlier" in by_hash.stderr


def test_a_chain_rebuilt_with_our_own_hash_passes_alone_but_not_against_a_noted_head(db_url: str) -> None:
    auditor = _trail(db_url)
    head = _head(db_url, auditor)
    _rebuild_after_editing(db_url, entry_id=3)
    rebuilt = run_with_db(db_url, verify)
    assert rebuilt.ok and rebuilt.head_id == head["last_id"] and rebuilt.head_hash != head["hash"]
    for expected in (head["anchor"], f"#{head['last_id']} {head['hash'][:16]}…"):
        found = _audit(db_url, auditor, "verify", "--expect", expected)
        assert found.returncode == 1, found.stdout
        assert f"BROKEN at entry {head['last_id']}: its hash is {rebuilt.head_hash[:16]}…" in found.stderr
        assert "entries rewritten and re-hashed" in found.stderr


def test_an_untouched_trail_with_later_entries_still_holds_an_earlier_head(
    db_url: str, tmp_path: Path
) -> None:
    auditor = _trail(db_url)
    head_file = tmp_path / "head.json"
    head = _head(db_url, auditor, "--write", str(head_file))
    run_with_db(db_url, lambda db: _more_entries(db, 3))
    for expected in (
        ("--expect", head["anchor"]),
        ("--head-file", str(head_file)),
        ("--expect", head["hash"]),
    ):
        later = _audit(db_url, auditor, "verify", *expected)
        assert later.returncode == 0, later.stderr
        assert f"still holds the head noted earlier (entry {head['last_id']} with hash" in later.stdout


def test_a_head_that_is_not_one_exits_2_and_a_broken_trail_gets_no_head(
    sqlite_url: str, tmp_path: Path
) -> None:
    url = sqlite_url
    auditor = _trail(url, venues=1)
    garbled = _audit(url, auditor, "verify", "--expect", "3f5a-not-hex")
    assert garbled.returncode == 2
    assert "is not an audit head" in garbled.stderr and "at least the first 16" in garbled.stderr
    not_json = tmp_path / "notes.txt"
    not_json.write_text("entry 12 abcdef", encoding="utf-8")
    wrong_file = _audit(url, auditor, "verify", "--head-file", str(not_json))
    assert wrong_file.returncode == 2 and "is not a head file written by" in wrong_file.stderr
    missing = _audit(url, auditor, "verify", "--head-file", str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    no_folder = _audit(url, auditor, "head", "--write", str(tmp_path / "nowhere" / "head.json"))
    assert no_folder.returncode == 2 and "does not exist; create it first" in no_folder.stderr
    assert not (tmp_path / "nowhere").exists()

    async def edit(db: Database) -> None:
        async with db.write() as session:
            await _lift_append_only(db, session)
            await session.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = 2"))

    run_with_db(url, edit)
    refused = _audit(url, auditor, "head", "--write", str(tmp_path / "head.json"))
    assert refused.returncode == 1 and "BROKEN at entry 2" in refused.stderr
    assert "no head was noted" in refused.stderr and not (tmp_path / "head.json").exists()
