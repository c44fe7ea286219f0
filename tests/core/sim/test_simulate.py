"""The night simulator: plausible data written through the commands, the same night for a seed."""

from __future__ import annotations

import io
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.core.domain import Category, Source
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.sim.simulator import SimulationConfig, arrival_rate, plan_night, simulate
from controlroom.sim.training import mark_training
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Base, ChangeLogEntry, Incident, Venue
from controlroom.users.accounts import UserCommands, authenticate, own_database
from controlroom.writes import placeholder_actor
from tests.conftest import controlroom_cmd
from tests.core.support import FIXED_NOW, run_with_db
from tests.core.users.test_users_audit import PASSWORD, staff

VENUES = ["Velvet Fox", "Moonlit Parlour", "Echo Chamber"]
SHORT = SimulationConfig(speed=20_000, duration_hours=1.5, consoles=3, seed=11)


def test_arrivals_rise_to_a_peak_after_midnight_and_tail_off_by_five() -> None:
    plan = plan_night(SimulationConfig(seed=3, duration_hours=8), VENUES, ["Velvet Fox"], ["SN-11"])
    by_hour = Counter(int(step.at // 3600) for step in plan if step.action == "report")
    assert by_hour[3] > by_hour[0] and by_hour[3] > by_hour[1]  # 01:00 busier than 22:00 and 23:00
    assert by_hour[3] > by_hour[6] and by_hour[6] > by_hour[7]  # 04:00 quieter, 05:00 quieter still
    assert arrival_rate(3.5) == max(arrival_rate(h / 4) for h in range(32))  # peak 01:30
    kinds = Counter(step.action for step in plan)
    assert {"report", "status", "dispatch", "on_scene", "resolve", "safe_space", "unit_move", "flag"} <= set(
        kinds
    )
    categories = Counter(step.args[1] for step in plan if step.action == "report")
    assert categories.most_common(1)[0][0] in ("vulnerable_person", "harassment", "disorder")


def test_the_same_seed_plans_the_same_night_and_another_seed_does_not() -> None:
    def plan(seed: int) -> list[Any]:
        return plan_night(SimulationConfig(seed=seed, consoles=4), VENUES, ["Velvet Fox"], ["SN-11", "SN-12"])

    assert plan(5) == plan(5)
    assert plan(5) != plan(6)


async def _users(db: Database, training: bool) -> dict[str, Actor]:
    """A supervisor, a partner and an auditor (after the demo's marking, if ``training``)."""
    people = staff()
    if training:
        assert await mark_training(db, placeholder_actor(), FIXED_NOW)
    await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
    admin = await authenticate(db, people.admin, PASSWORD)
    await UserCommands(db, admin).add_user(people.supervisor, "supervisor", PASSWORD)
    await UserCommands(db, admin).add_user(people.auditor, "auditor", PASSWORD)
    return {
        "supervisor": await authenticate(db, people.supervisor, PASSWORD),
        "auditor": await authenticate(db, people.auditor, PASSWORD),
    }


async def _counts(db: Database) -> dict[str, int]:
    """Rows per table, the audit trail without its logins (each login is recorded)."""
    counts = {}
    async with db.read() as conn:
        for table in Base.metadata.sorted_tables:
            query = select(func.count()).select_from(table)
            if table is AuditEntry.__table__:
                query = query.where(AuditEntry.action.not_like("user.login%"))
            counts[table.name] = (await conn.execute(query)).scalar_one()
    return counts


def test_a_short_night_on_a_training_database_is_written_as_the_logged_in_supervisor(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        supervisor = (await _users(db, training=True))["supervisor"]
        # On PostgreSQL through the supervisor's own login: the grants apply as to a console.
        own = own_database(db, supervisor, PASSWORD)
        out = io.StringIO()
        try:
            summary = await simulate(own, SHORT, supervisor, out)
        finally:
            if own is not db:
                await own.dispose()
        async with db.read() as conn:
            incidents = (
                await conn.execute(select(Incident.category, Incident.source, Incident.status))
            ).all()
            written = (
                await conn.execute(
                    select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action.not_like("user.%"))
                )
            ).all()
            changes = (await conn.execute(select(func.count()).select_from(ChangeLogEntry))).scalar_one()
            safe = (await conn.execute(select(func.count()).where(Venue.is_safe_space))).scalar_one()
        return summary, out.getvalue(), incidents, written, changes, safe, supervisor.name

    summary, printed, incidents, written, changes, safe, supervisor = run_with_db(db_url, scenario)
    assert len(incidents) == summary.written["report"] > 3
    assert not summary.refused.get("report")
    # Every write is the supervisor's, each naming the simulated operator it stood for.
    assert {actor for actor, _ in written} == {supervisor}
    played = Counter(detail.get("simulated_actor") for _, detail in written)
    assert {"simulator", "sim-operator-1", "sim-operator-2", "sim-operator-3"} == set(played)
    assert changes >= sum(summary.written.values())  # every write reached the change feed
    assert {c for c, _, _ in incidents} <= set(Category.choices())
    assert {s for _, s, _ in incidents} <= set(Source.choices())
    assert len({status for _, _, status in incidents}) >= 3  # incidents moved on through the lifecycle
    assert safe > 0 and summary.written["unit_move"] > 0
    assert "writes:" in printed and "arrivals by hour: 22h:" in printed


def test_a_partner_an_auditor_and_set_up_mode_are_refused_with_nothing_written(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str], dict[str, int], dict[str, int]]:
        assert await mark_training(db, placeholder_actor(), FIXED_NOW)
        refusals = []
        with pytest.raises(NotPermittedError) as refused:
            await simulate(db, SHORT, placeholder_actor())  # no users yet: set-up mode
        refusals.append(str(refused.value))
        actors = await _users(db, training=False)
        partner = Actor("bar_staff", "partner", frozenset({1}), None)
        before = await _counts(db)
        for actor in (partner, actors["auditor"]):
            with pytest.raises(NotPermittedError) as refused:
                await simulate(db, SHORT, actor)
            refusals.append(str(refused.value))
        return refusals, before, await _counts(db)

    refusals, before, after = run_with_db(db_url, scenario)
    assert "never in set-up mode" in refusals[0]
    assert all("may not run a simulated night" in r and "supervisor" in r for r in refusals[1:])
    assert after == before


def test_a_database_not_marked_for_training_is_refused_with_nothing_written(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        supervisor = (await _users(db, training=False))["supervisor"]
        before = await _counts(db)
        with pytest.raises(ValidationError) as refused:
            await simulate(db, SHORT, supervisor)
        return str(refused.value), before, await _counts(db)

    refusal, before, after = run_with_db(db_url, scenario)
    assert "is not a training database" in refusal and "controlroom --db URL demo" in refusal
    assert after == before


def _cli(url: str, *args: str, user: str | None = None, stdin: str | None = None) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in ("CONTROLROOM_USER", "CONTROLROOM_PASSWORD")}
    if user:
        env.update(CONTROLROOM_USER=user, CONTROLROOM_PASSWORD=PASSWORD)
    return subprocess.run(
        controlroom_cmd("--db", url, *args), input=stdin, capture_output=True, text=True, env=env, check=False
    )


def _night_args(seed: str) -> list[str]:
    return ["simulate", "--speed", "20000", "--duration", "90m", "--consoles", "2", "--seed", seed]


def test_the_command_line_runs_a_night_only_on_a_demo_database_as_a_supervisor(tmp_path: Path) -> None:
    def new_database(name: str, demo: bool) -> tuple[str, dict[str, str]]:
        url = f"sqlite+aiosqlite:///{tmp_path / name}"
        if demo:
            assert _cli(url, "demo").returncode == 0  # set-up mode: the demo marks it for training
        people = staff()
        add = ("user", "add", "--password-stdin", "--role")
        assert _cli(url, *add, "administrator", people.admin, stdin=PASSWORD + "\n").returncode == 0
        for role, name in (("supervisor", people.supervisor), ("auditor", people.auditor)):
            done = _cli(url, *add, role, name, user=people.admin, stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr
        return url, {"supervisor": people.supervisor, "auditor": people.auditor}

    def simulated(url: str) -> Counter[tuple[str, ...]]:
        async def read(db: Database) -> Counter[tuple[str, ...]]:
            async with db.read() as conn:
                rows = await conn.execute(
                    select(Incident.category, Incident.source, Incident.summary, Incident.created_by).where(
                        Incident.idempotency_key.like("sim-%")
                    )
                )
                return Counter(tuple(str(v) for v in row) for row in rows)

        return run_with_db(url, read)

    live, live_users = new_database("live.sqlite3", demo=False)
    refused = _cli(live, *_night_args("4"), user=live_users["supervisor"])
    assert refused.returncode == 2 and "is not a training database" in refused.stderr
    assert "Traceback" not in refused.stderr and simulated(live) == Counter()
    nights = []
    for name in ("a.sqlite3", "b.sqlite3"):
        url, users = new_database(name, demo=True)
        auditor = _cli(url, *_night_args("4"), user=users["auditor"])
        assert auditor.returncode == 4 and "supervisor" in auditor.stderr
        done = _cli(url, *_night_args("4"), user=users["supervisor"])
        assert done.returncode == 0, done.stderr
        assert "writes:" in done.stdout
        night = simulated(url)
        assert {row[3] for row in night.elements()} == {users["supervisor"]}
        nights.append(Counter({row[:3]: n for row, n in night.items()}))
    assert nights[0] == nights[1]  # the same seed writes the same night


def test_bad_options_are_explained_with_exit_code_2() -> None:
    import subprocess

    done = subprocess.run(
        controlroom_cmd("simulate", "--duration", "three hours"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "write e.g. 7h or 90m" in done.stderr


def test_the_command_line_night_runs_through_the_supervisors_own_login(db_url: str) -> None:
    people = staff()
    assert _cli(db_url, "demo").returncode == 0  # a new database: marked for training
    add = ("user", "add", "--password-stdin", "--role")
    assert _cli(db_url, *add, "administrator", people.admin, stdin=PASSWORD + "\n").returncode == 0
    added = _cli(db_url, *add, "supervisor", people.supervisor, user=people.admin, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    done = _cli(db_url, *_night_args("9"), user=people.supervisor)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr

    async def read(db: Database) -> set[str]:
        async with db.read() as conn:
            query = select(AuditEntry.actor).where(AuditEntry.action == "incident.report")
            return set((await conn.execute(query)).scalars())

    # The demo's evening was reported in set-up mode; the night's reports are the supervisor's.
    assert people.supervisor in run_with_db(db_url, read)
