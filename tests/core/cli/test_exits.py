"""How a command ends when its input or its reader is wrong: bytes that are not UTF-8,
a reader that stops reading (``| head -1``), and a failure nobody foresaw."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import controlroom_cmd
from tests.core.support import row_counts, run_with_db

READER_GONE = 141  # 128 + SIGPIPE, as a shell reports `yes | head -1`


def run(url: str, *args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*controlroom_cmd("--db", url), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env or os.environ.copy(),
        check=False,
    )


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo night, loaded once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "night.sqlite3"
    done = run(f"sqlite+aiosqlite:///{path}", "demo")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def demo_url(demo_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "night.sqlite3"
    shutil.copyfile(demo_file, copy)
    return f"sqlite+aiosqlite:///{copy}"


def test_an_argument_that_is_not_utf8_is_named_and_nothing_is_written(demo_url: str) -> None:
    before = run_with_db(demo_url, row_counts)
    done = run(
        demo_url,
        *("report", "--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv"),
        *("--summary", b"Caf\xe9 doorway, man following"),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("controlroom: error: the value of --summary is not UTF-8 text")
    assert "b'Caf\\xe9 doorway" in done.stderr
    assert run_with_db(demo_url, row_counts) == before


def test_a_positional_argument_that_is_not_utf8_is_named_by_position(demo_url: str) -> None:
    done = run(demo_url, "incident", "show", b"SOT-\xff")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "argument 5 is not UTF-8 text" in done.stderr


def reader_gone(url: str, *args: str) -> subprocess.Popen[bytes]:
    """The command with its reader already gone: the first write meets a broken pipe."""
    process = subprocess.Popen(
        [*controlroom_cmd("--db", url), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()
    return process


@pytest.mark.parametrize(
    "args",
    [
        ("venues",),
        ("unit", "list", "--json"),
        ("audit", "export", "--from", "2000-01-01T00:00", "--to", "2099-12-31T00:00"),
    ],
    ids=["venues", "unit-list-json", "audit-export"],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(demo_url: str, args: tuple[str, ...]) -> None:
    process = reader_gone(demo_url, *args)
    _out, err = process.communicate(timeout=90)
    assert process.returncode == READER_GONE, err.decode()
    assert err == b""  # no traceback, no "Exception ignored"


def test_watch_piped_into_head_ends_quietly_at_the_next_change(demo_url: str) -> None:
    process = subprocess.Popen(
        [*controlroom_cmd("--db", demo_url), "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = json.loads(process.stdout.readline())
    assert first["event"] == "ready"
    process.stdout.close()  # `head -1` has its line and exits
    report = run(
        demo_url,
        *("report", "--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv"),
        *("--summary", "seen after head left"),
    )
    assert report.returncode == 0, report.stderr
    try:
        process.wait(timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == READER_GONE
    assert process.stderr.read() == b""


def test_an_unexpected_failure_is_one_sentence_and_its_traceback_goes_to_the_log(
    demo_url: str, isolated_home: Path
) -> None:
    # A column renamed around the program: nothing the program can name, so it says where
    # the traceback went instead of printing it.
    with sqlite3.connect(demo_url.split("///", 1)[1]) as conn:
        conn.execute("ALTER TABLE incidents RENAME COLUMN summary TO summary_old")
    done = run(
        demo_url,
        *("report", "--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv"),
        *("--summary", "written after a rename"),
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("controlroom: error: the command stopped on an unexpected")
    log = isolated_home / "data" / "errors.log"
    assert f"the full traceback is in {log}" in lines[0]
    logged = log.read_text(encoding="utf-8")
    assert "command report" in logged and "Traceback (most recent call last)" in logged


def test_an_output_file_that_cannot_be_written_is_named_not_the_database(
    demo_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        done = run(
            demo_url,
            *("audit", "export", "--from", "2000-01-01T00:00", "--to", "2099-12-31T00:00"),
            *("--out", str(folder / "trail.csv")),
        )
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"cannot write {folder}/" in done.stderr and "choose a folder" in done.stderr
    assert "database" not in done.stderr
    assert list(folder.iterdir()) == []
