"""Reporting from another system: ``report --json`` in a pipeline, and a retry that records nothing new."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import controlroom_cmd
from tests.core.support import row_counts, run_with_db

REPORT = (
    *("report", "--at", "50.9015,-1.4020", "--place", "East Street bus stop"),
    *("--category", "vulnerable_person", "--source", "street_pastors", "--summary", "Woman alone, upset"),
)


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        controlroom_cmd("--db", url, *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )


def test_a_report_sent_twice_with_its_key_is_recorded_once(db_url: str) -> None:
    first = cli(db_url, *REPORT, "--idempotency-key", "venue-app:4711", "--json")
    assert first.returncode == 0, first.stderr
    sent = json.loads(first.stdout)
    assert set(sent) == {"reference", "id", "status", "version"} and sent["status"] == "new"
    after_first = run_with_db(db_url, row_counts)
    again = cli(db_url, *REPORT, "--idempotency-key", "venue-app:4711", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == sent
    assert run_with_db(db_url, row_counts) == after_first
    other = cli(db_url, *REPORT, "--idempotency-key", "venue-app:4712")
    assert other.returncode == 0 and other.stdout.strip() != sent["reference"]


def test_an_unusable_idempotency_key_is_refused_and_nothing_recorded(db_url: str) -> None:
    before = run_with_db(db_url, row_counts)
    for key in ("x" * 101, "   ", "line\nbreak"):
        done = cli(db_url, *REPORT, "--idempotency-key", key)
        assert done.returncode == 2 and "--idempotency-key must be 1 to 100 printable" in done.stderr
    assert run_with_db(db_url, row_counts) == before
