"""``controlroom incident show|update`` and ``safe-space`` as a user runs them."""

from __future__ import annotations

import json

import pytest

from tests.core.cli.test_cli import cli
from tests.core.support import row_counts, run_with_db


@pytest.fixture
def reported(db_url: str) -> tuple[str, str]:
    assert cli(db_url, "demo").returncode == 0
    done = cli(
        db_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "harassment",
        "--source",
        "cctv",
        "--summary",
        "Man <b>following</b> women",
        "--grade",
        "2",
    )
    return db_url, done.stdout.strip()


def test_update_then_show_with_timeline(reported: tuple[str, str]) -> None:
    url, ref = reported
    done = cli(
        url,
        "incident",
        "update",
        ref,
        "--status",
        "acknowledged",
        "--note",
        "CCTV on it",
        "--if-version",
        "1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{ref} version 2: acknowledged, G2 Priority"
    shown = json.loads(cli(url, "incident", "show", ref, "--json").stdout)
    assert shown["incident"]["status"] == "acknowledged" and shown["incident"]["version"] == 2
    assert [e["kind"] for e in shown["timeline"]] == ["reported", "status", "note"]
    assert shown["timeline"][-1]["text"] == "note: CCTV on it"
    text = cli(url, "incident", "show", ref).stdout
    assert "Man <b>following</b> women" in text and "status new → acknowledged" in text


def test_invalid_transition_exits_2_with_allowed_states(reported: tuple[str, str]) -> None:
    url, ref = reported
    before = run_with_db(url, row_counts)
    done = cli(url, "incident", "update", ref, "--status", "closed", "--note", "x")
    assert done.returncode == 2
    assert "allowed next: acknowledged, dispatched, resolved" in done.stderr
    assert run_with_db(url, row_counts) == before


def test_stale_if_version_exits_3_naming_who_and_when(reported: tuple[str, str]) -> None:
    url, ref = reported
    assert cli(url, "incident", "update", ref, "--grade", "1").returncode == 0
    before = run_with_db(url, row_counts)
    done = cli(url, "incident", "update", ref, "--grade", "3", "--if-version", "1")
    assert done.returncode == 3
    assert "was changed by test-operator at" in done.stderr and "now version 2" in done.stderr
    assert run_with_db(url, row_counts) == before


def test_update_needs_something_and_a_real_reference(reported: tuple[str, str]) -> None:
    url, ref = reported
    nothing = cli(url, "incident", "update", ref)
    assert nothing.returncode == 2 and "nothing to change" in nothing.stderr
    unknown = cli(url, "incident", "show", "SOT-19990101-0001")
    assert unknown.returncode == 2 and "no incident with reference" in unknown.stderr


def test_safe_space_status(reported: tuple[str, str]) -> None:
    url, _ = reported
    done = cli(url, "safe-space", "velvet fox", "--status", "full")
    assert done.returncode == 0 and done.stdout.strip() == "Velvet Fox: safe space full"
    bad = cli(url, "safe-space", "Velvet Fox", "--status", "busy")
    assert bad.returncode == 2 and "choose one of: open, closed, full" in bad.stderr
    not_safe = cli(url, "safe-space", "Pixel Lounge", "--status", "open")
    assert not_safe.returncode == 2 and "not a safe space" in not_safe.stderr
