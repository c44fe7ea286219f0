"""The command line as a user runs it: output, exit codes, nothing written on error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime

import pytest

from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import table_counts
from tests.core.support import row_counts, run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        controlroom_cmd("--db", db_url, *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )


def counts(db_url: str) -> dict[str, int]:
    return run_with_db(db_url, row_counts)


@pytest.fixture
def demo_db(db_url: str) -> str:
    done = cli(db_url, "demo")
    assert done.returncode == 0, done.stderr
    return db_url


def test_demo_loads_the_city_centre_once(db_url: str) -> None:
    first = cli(db_url, "demo")
    after_first = counts(db_url)
    second = cli(db_url, "demo")
    assert first.returncode == 0 and second.returncode == 0
    assert counts(db_url) == after_first  # idempotent: nothing new the second time

    async def scenario(db: Database) -> object:
        return await ChangeFeed(db).start()

    snapshot = run_with_db(db_url, scenario)
    assert len(snapshot.venues) >= 30
    assert sum(v.is_safe_space for v in snapshot.venues) >= 8
    kinds = {v.kind for v in snapshot.venues}
    assert {"safe_zone", "pastors_base"} <= kinds
    assert 20 <= len(snapshot.incidents) <= 30
    assert len({i.category for i in snapshot.incidents}) >= 6
    assert len({i.source for i in snapshot.incidents}) >= 6
    assert {i.grade for i in snapshot.incidents} >= {1, 2, 3, 4, None}


def test_the_demo_loads_its_persons_and_direction_only_for_a_supervisor(db_url: str) -> None:
    setup = cli(db_url, "demo")
    assert setup.returncode == 0 and "run `controlroom demo` again logged in as a supervisor" in setup.stderr
    assert run_with_db(db_url, table_counts)["directions"] == 0
    names = unique_names("administrator", "supervisor")
    add_users(db_url, (names["supervisor"], "supervisor", ()), admin=names["administrator"])
    env = {**os.environ, "CONTROLROOM_USER": names["supervisor"], "CONTROLROOM_PASSWORD": PASSWORD}
    done = subprocess.run(
        controlroom_cmd("--db", db_url, "demo"),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    people = run_with_db(db_url, table_counts)
    assert (people["subjects"], people["directions"], people["dispersal_zones"]) == (2, 1, 1)


def test_report_prints_the_reference_alone(demo_db: str) -> None:
    done = cli(
        demo_db,
        "report",
        "--venue",
        "velvet fox",
        "--category",
        "harassment",
        "--source",
        "licensed_premises",
        "--summary",
        "Man pestering women at bar",
        "--grade",
        "2",
    )
    assert done.returncode == 0, done.stderr
    reference = done.stdout.strip()
    assert done.stdout == reference + "\n"
    assert re.fullmatch(r"SOT-\d{8}-\d{4}", reference)
    at = cli(
        demo_db,
        "report",
        "--at",
        "50.9015,-1.4020",
        "--place",
        "East Street corner",
        "--category",
        "vulnerable_person",
        "--source",
        "street_pastors",
        "--summary",
        "Woman alone, upset",
    )
    assert at.returncode == 0, at.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--venue", "Velvet Fx", "--category", "harassment", "--source", "cctv", "--summary", "x"],
            "did you mean: Velvet Fox",
        ),
        (
            ["--venue", "Velvet Fox", "--category", "fighting", "--source", "cctv", "--summary", "x"],
            "choose one of: unwanted_sexual_behaviour, harassment",
        ),
        (
            ["--venue", "Velvet Fox", "--category", "harassment", "--source", "radio", "--summary", "x"],
            "choose one of: police_patrol, cctv",
        ),
        (
            [
                "--at",
                "51.5072,-0.1276",
                "--place",
                "London",
                "--category",
                "harassment",
                "--source",
                "cctv",
                "--summary",
                "x",
            ],
            "outside the operating area",
        ),
        (
            ["--at", "50.9,-1.40", "--category", "harassment", "--source", "cctv", "--summary", "x"],
            "--at needs --place",
        ),
        (
            ["--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv", "--summary", " "],
            "the summary is empty",
        ),
        (
            [
                "--at",
                "fifty,one",
                "--place",
                "x",
                "--category",
                "harassment",
                "--source",
                "cctv",
                "--summary",
                "x",
            ],
            "is not LAT,LON",
        ),
        (
            [
                "--venue",
                "Velvet Fox",
                "--category",
                "harassment",
                "--source",
                "cctv",
                "--summary",
                "x",
                "--grade",
                "7",
            ],
            "is not a grade",
        ),
    ],
)
def test_bad_report_exits_2_and_writes_nothing(demo_db: str, args: list[str], expected: str) -> None:
    before = counts(demo_db)
    done = cli(demo_db, "report", *args)
    assert done.returncode == 2
    assert expected in done.stderr.replace("categories", "categorys")
    assert done.stdout == ""
    assert counts(demo_db) == before


def test_unreachable_database_names_the_url_without_its_password() -> None:
    url = "postgresql://warden:s3cret-pass@127.0.0.1:1/controlroom"
    done = subprocess.run(
        controlroom_cmd(
            "--db", url, "report", "--venue", "x", "--category", "other", "--source", "cctv", "--summary", "x"
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert (
        "cannot reach the database at postgresql+asyncpg://warden:***@127.0.0.1:1/controlroom" in done.stderr
    )
    assert "s3cret" not in done.stderr + done.stdout


def test_database_url_from_environment_then_embedded_default(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.sqlite3'}"
    env = {**os.environ, "CONTROLROOM_DB_URL": url}
    done = subprocess.run(
        controlroom_cmd("db", "upgrade"), capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0 and "from-env.sqlite3" in done.stdout
    default = subprocess.run(
        controlroom_cmd("db", "upgrade"), capture_output=True, text=True, timeout=60, check=False
    )
    assert default.returncode == 0
    assert (tmp_path / "home" / "data" / "controlroom.sqlite3").exists()


def test_watch_prints_ready_then_each_change_from_another_process(demo_db: str) -> None:
    watcher = subprocess.Popen(
        controlroom_cmd("--db", demo_db, "watch"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        ready = json.loads(watcher.stdout.readline())
        assert ready["event"] == "ready"
        started = time.monotonic()
        done = cli(
            demo_db,
            "report",
            "--venue",
            "Velvet Fox",
            "--category",
            "harassment",
            "--source",
            "cctv",
            "--summary",
            "seen by watch",
            "--grade",
            "1",
        )
        reference = done.stdout.strip()
        line = json.loads(watcher.stdout.readline())
        elapsed = time.monotonic() - started
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    assert line["event"] == "incident"
    assert line["reference"] == reference
    assert (line["status"], line["grade"], line["version"]) == ("new", 1, 1)
    received = datetime.fromisoformat(line["received_at"])
    assert received.tzinfo is not None and len(line["received_at"].split(".")[1]) >= 6
    assert elapsed < 10
    assert watcher.returncode == 0


def test_headless_command_line_has_no_window() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "controlroom", "run"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "no window" in done.stderr
