"""``controlroom watch``: its first line names its cursor, ``--since`` resumes from one, and a
row it cannot read is a warning line, not the end of watching; ``incident show`` of such a row."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from typing import Any

import pytest
from sqlalchemy import text

from controlroom.commands import Commands
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.core.cli.test_cli import cli
from tests.core.support import run_with_db
from tests.core.users.test_users_audit import PASSWORD, staff, with_staff

LINE_TIMEOUT = 30.0


class Watch:
    """A running ``controlroom watch``; its JSON lines are read on a thread as they come."""

    def __init__(self, db_url: str, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            controlroom_cmd("--db", db_url, "watch", *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env or os.environ.copy(),
        )
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def next(self) -> dict[str, Any]:
        line = self.lines.get(timeout=LINE_TIMEOUT)
        assert line is not None, f"watch ended early: {self.stderr()}"
        return line

    def until(self, event: str, **match: Any) -> list[dict[str, Any]]:
        """Every line up to and including the first ``event`` line with these values."""
        seen = [self.next()]
        while not (seen[-1]["event"] == event and all(seen[-1].get(k) == v for k, v in match.items())):
            seen.append(self.next())
        return seen

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=15)

    def stderr(self) -> str:
        self.process.wait(timeout=15)
        assert self.process.stderr is not None
        return self.process.stderr.read()


def _report(db_url: str, summary: str, venue: str = "Velvet Fox", env: dict[str, str] | None = None) -> str:
    args = ("report", "--venue", venue, "--category", "harassment", "--source", "cctv", "--summary", summary)
    done = subprocess.run(
        controlroom_cmd("--db", db_url, *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=env or os.environ.copy(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _sql(db_url: str, statement: str, **params: Any) -> None:
    async def scenario(db: Database) -> None:
        async with db.write() as session:
            await session.execute(text(statement), params)

    run_with_db(db_url, scenario)


@pytest.fixture
def demo_db(db_url: str) -> str:
    done = cli(db_url, "demo")
    assert done.returncode == 0, done.stderr
    return db_url


def test_a_restarted_watch_resumes_from_its_cursor_without_missing_or_repeating(demo_db: str) -> None:
    first = Watch(demo_db)
    ready = first.next()
    assert ready["event"] == "ready" and isinstance(ready["cursor"], int)  # the first line names its cursor
    seen = _report(demo_db, "seen by the first watch")
    last = first.until("incident", reference=seen)[-1]
    assert first.stop() == 0
    missed = [_report(demo_db, f"reported while watch was down {n}") for n in range(3)]

    second = Watch(demo_db, "--since", str(last["seq"]))
    try:
        resumed = second.next()
        assert resumed["event"] == "ready" and resumed["cursor"] == last["seq"]
        assert resumed["newest"] > last["seq"]
        caught_up = second.until("incident", reference=missed[-1])
        live = _report(demo_db, "reported after the restart")
        after = second.until("incident", reference=live)
    finally:
        second.stop()
    references = [line["reference"] for line in caught_up + after if line["event"] == "incident"]
    assert references == [*missed, live]  # nothing missed, nothing printed twice
    seqs = [line["seq"] for line in caught_up + after]
    assert seqs == sorted(seqs) and min(seqs) > last["seq"]


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("-1", "'-1' is not a change cursor; give a whole number 0 or more"),
        ("abc", "'abc' is not a change cursor; give a whole number 0 or more"),
        ("1.5", "'1.5' is not a change cursor"),
        ("999999", "cursor 999999 is beyond the newest change in this database"),
    ],
)
def test_a_bad_cursor_exits_2_and_prints_nothing(demo_db: str, since: str, expected: str) -> None:
    done = subprocess.run(
        controlroom_cmd("--db", demo_db, "watch", "--since", since),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


def test_a_partner_resuming_from_0_still_sees_only_its_own_venues_incidents(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator])
        await operator.report_incident(_at("At the partner's bar", "Velvet Fox"))
        await operator.report_incident(_at("Elsewhere", "Copper Lantern"))
        await operator.add_unit("Alpha 1", "police_foot", (50.9110, -1.4080))

    run_with_db(db_url, scenario)
    partner = Watch(db_url, "--since", "0", env=_as(people.partner))
    try:
        ready = partner.next()
        lines = partner.until("incident")
        assert _report(db_url, "Live elsewhere", "Copper Lantern", env=_as(people.operator))
        live = _report(db_url, "Live at the partner's bar", env=_as(people.operator))
        lines += partner.until("incident", reference=live)
    finally:
        partner.stop()
    assert ready["event"] == "ready" and ready["cursor"] == 0
    # Every venue, its own venue's incidents; no unit, no other venue's incident.
    assert {line["event"] for line in lines} == {"venue", "incident"}
    assert len([line for line in lines if line["event"] == "incident"]) == 2


def _at(summary: str, venue: str) -> NewIncident:
    return NewIncident(category="harassment", source="cctv", summary=summary, venue=venue)


def _as(user: str) -> dict[str, str]:
    return {**os.environ, "CONTROLROOM_USER": user, "CONTROLROOM_PASSWORD": PASSWORD}


def test_watch_prints_an_unreadable_row_as_a_warning_line_and_keeps_going(demo_db: str) -> None:
    bad = _report(demo_db, "its status is written by an integration")
    _sql(demo_db, "UPDATE incidents SET status = 'bogus' WHERE reference = :ref", ref=bad)
    watch = Watch(demo_db)
    try:
        ready = watch.next()
        warning = watch.next()
        after = _report(demo_db, "reported after the bad row")
        line = watch.until("incident", reference=after)[-1]
    finally:
        assert watch.stop() == 0
    assert ready["event"] == "ready"
    assert warning["event"] == "warning"
    assert (warning["table"], warning["column"], warning["value"]) == ("incidents", "status", "'bogus'")
    assert isinstance(warning["id"], int) and "not shown" in warning["message"]
    assert line["status"] == "new"


def test_incident_show_prints_what_it_can_and_the_warning(demo_db: str) -> None:
    ref = _report(demo_db, "shown despite its status")
    _sql(
        demo_db, "UPDATE incidents SET status = 'bogus', category = 'mystery' WHERE reference = :ref", ref=ref
    )
    if demo_db.startswith("sqlite"):
        _sql(demo_db, "UPDATE incidents SET reported_at = 42 WHERE reference = :ref", ref=ref)
    shown = cli(demo_db, "incident", "show", ref)
    as_json = cli(demo_db, "incident", "show", ref, "--json")

    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert ref in shown.stdout and "shown despite its status" in shown.stdout
    assert "'bogus' (unknown)" in shown.stdout and "'mystery' (unknown)" in shown.stdout
    assert (
        "warning    incidents row" in shown.stdout and "status 'bogus' is not a known status" in shown.stdout
    )
    assert "reported by Velvet Fox" not in shown.stdout and "reported by CCTV operator" in shown.stdout
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 0
    assert data["incident"]["status"] == "bogus" and data["incident"]["summary"] == "shown despite its status"
    columns = {w["column"] for w in data["warnings"]}
    assert columns == (
        {"status", "category", "reported_at"} if demo_db.startswith("sqlite") else {"status", "category"}
    )
    assert [e["kind"] for e in data["timeline"]] == ["reported"]


def test_venues_lists_the_readable_venues_and_names_the_other(demo_db: str) -> None:
    _sql(demo_db, "UPDATE venues SET kind = 'casino' WHERE name = 'Velvet Fox'")
    done = cli(demo_db, "venues")
    assert done.returncode == 0
    assert "Velvet Fox" not in done.stdout and "Copper Kettle Tavern" in done.stdout
    assert "warning: venues row" in done.stderr and "kind 'casino' is not a known venue kind" in done.stderr
