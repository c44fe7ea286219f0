"""The command line's side of input hygiene (issue #14, items 5, 7 and 8): ``audit export``
on a terminal shows control characters instead of obeying them while a file or a pipe keeps
the data; hours and dates out of bounds exit 2 with a sentence and write nothing.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess

import pytest

from tests.conftest import controlroom_cmd
from tests.core.cli.test_cli_dispersal import INSIDE as INSIDE_TEXT
from tests.core.cli.test_cli_dispersal import POLYGON, cli, staff, written
from tests.ui.logins import PASSWORD, add_users, unique_names

# What someone being audited could type: clear the screen, ring the bell, reverse the rest.
HOSTILE = "\x1b[2J\x1b[31mgone\x07 abc\u202eevil\u202c after"
OBEYED = ("\x1b", "\x07", "\u202e", "\u202c", "\x9b")


def _auditor(db_url: str) -> dict[str, str]:
    names = unique_names("administrator", "auditor")
    add_users(db_url, (names["auditor"], "auditor", ()), admin=names["administrator"])
    return names


def _env(user: str, password: str = PASSWORD) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONTROLROOM_USER", "CONTROLROOM_PASSWORD")}
    return {**env, "CONTROLROOM_USER": user, "CONTROLROOM_PASSWORD": password}


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``args`` with standard output on a pseudo-terminal; what the terminal received."""
    main, attached = pty.openpty()
    with subprocess.Popen(args, stdout=attached, stderr=subprocess.PIPE, env=env) as process:
        os.close(attached)
        received = bytearray()
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the program closed the terminal's other end
                break
            if not chunk:
                break
            received += chunk
        code = process.wait(timeout=60)
    os.close(main)
    return code, received.decode("utf-8")


def test_audit_export_to_a_terminal_shows_controls_and_a_pipe_keeps_them(db_url: str) -> None:
    names = _auditor(db_url)
    # A failed login under a hostile name is itself audited.
    failed = subprocess.run(
        controlroom_cmd("--db", db_url, "venues"),
        env=_env(HOSTILE, "wrong password here"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode != 0
    export = ["audit", "export", "--from", "2020-01-01", "--to", "2099-01-01", "--reason", HOSTILE]
    code, screen = _on_a_terminal(controlroom_cmd("--db", db_url, *export), _env(names["auditor"]))
    assert code == 0
    assert not any(ch in screen for ch in OBEYED), repr(screen[-400:])
    # The name typed at the failed login is there, spelled out, its words in the order typed.
    assert "\\x1b[2J\\x1b[31mgone\\x07 abc\\u202eevil\\u202c after" in screen

    piped = subprocess.run(
        controlroom_cmd("--db", db_url, *export),
        env=_env(names["auditor"]),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert piped.returncode == 0
    rows = list(csv.DictReader(io.StringIO(piped.stdout.decode("utf-8"), newline="")))
    # The data as recorded: the failed login's name, and the first export's typed reason.
    logins = [row for row in rows if "login" in row["action"]]
    assert any(HOSTILE in row["detail"] or HOSTILE in row["actor"] for row in logins)
    assert any(row["justification"] == HOSTILE for row in rows if row["action"] == "audit.export")


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("inf", "not a number of hours"),
        ("nan", "not a number of hours"),
        ("1e10", "the most is 168 hours"),
        ("-1", "not a number of hours"),
    ],
)
def test_extreme_hours_exit_2_and_write_nothing(db_url: str, hours: str, message: str) -> None:
    url = staff(db_url)
    before = written(url)
    zone = cli(
        url, "zone", "authorise", "--name", "Bedford Place", "--polygon", POLYGON, "--start",
        "2026-11-27T21:00", "--hours", hours, "--officer", "Insp 1234 Jane Smith", "--grounds", "g",
        "--rights", "r", "--log", "L1",
    )  # fmt: skip
    direction = cli(
        url, "direction", "give", "--zone", "Bedford Place", "--at", INSIDE_TEXT, "--description", "Man",
        "--apparent-age", "25", "--hours", hours, "--officer", "PC 4410 Sam Patel", "--in-uniform",
        "--grounds", "g", "--necessity", "n", "--access-kept", "--not-picketing",
    )  # fmt: skip
    for run in (zone, direction):
        assert run.returncode == 2, run.stderr
        assert message in run.stderr and "Traceback" not in run.stderr
    assert written(url) == before


@pytest.mark.parametrize("moment", ["9999-12-31T23:00", "0001-01-01T00:00", "1999-12-31T23:59"])
def test_dates_outside_2000_to_2100_exit_2_and_write_nothing(db_url: str, moment: str) -> None:
    url = staff(db_url)
    before = written(url)
    zone = cli(
        url, "zone", "authorise", "--name", "Bedford Place", "--polygon", POLYGON, "--start", moment,
        "--hours", "12", "--officer", "Insp 1234 Jane Smith", "--grounds", "g", "--rights", "r",
        "--log", "L1",
    )  # fmt: skip
    review = cli(url, "person", "add", "--description", "Man in a red cap", "--review", moment[:10])
    for run in (zone, review):
        assert run.returncode == 2, run.stderr
        assert "is outside" in run.stderr and "check the year" in run.stderr
        assert "Traceback" not in run.stderr
    assert written(url) == before


def test_a_cyrillic_callsign_exits_2_naming_the_character(db_url: str) -> None:
    url = staff(db_url)
    assert cli(url, "unit", "add", "SN-40", "--kind", "police_foot").returncode == 0
    before = written(url)
    look_alike = cli(url, "unit", "add", "\u0421N-40", "--kind", "police_foot")
    assert look_alike.returncode == 2 and "U+0421 CYRILLIC CAPITAL LETTER ES" in look_alike.stderr
    assert written(url) == before
