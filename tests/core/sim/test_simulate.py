"""The night simulator: plausible data written through the commands, the same night for a seed."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from controlroom.core.domain import Category, Source
from controlroom.sim.simulator import SimulationConfig, arrival_rate, plan_night, simulate
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, Incident, Venue
from tests.conftest import controlroom_cmd
from tests.core.support import run_with_db

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


def test_a_short_night_at_high_speed_is_written_through_the_commands(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        out = io.StringIO()
        summary = await simulate(db, SHORT, out)
        async with db.read() as conn:
            incidents = (
                await conn.execute(select(Incident.category, Incident.source, Incident.status))
            ).all()
            actors = set((await conn.execute(select(AuditEntry.actor).distinct())).scalars())
            changes = (await conn.execute(select(func.count()).select_from(ChangeLogEntry))).scalar_one()
            safe = (await conn.execute(select(func.count()).where(Venue.is_safe_space))).scalar_one()
        return summary, out.getvalue(), incidents, actors, changes, safe

    summary, printed, incidents, actors, changes, safe = run_with_db(db_url, scenario)
    assert len(incidents) == summary.written["report"] > 3
    assert {f"sim-operator-{i}" for i in (1, 2, 3)} <= actors  # three operators wrote
    assert changes >= sum(summary.written.values())  # every write reached the change feed
    assert {c for c, _, _ in incidents} <= set(Category.choices())
    assert {s for _, s, _ in incidents} <= set(Source.choices())
    assert len({status for _, _, status in incidents}) >= 3  # incidents moved on through the lifecycle
    assert safe > 0 and summary.written["unit_move"] > 0
    assert "writes:" in printed and "arrivals by hour: 22h:" in printed


def test_the_same_seed_writes_the_same_incidents_on_a_fresh_database(tmp_path: Any) -> None:
    def night(name: str) -> Counter[tuple[str, str, int | None, str]]:
        import subprocess

        url = f"sqlite+aiosqlite:///{tmp_path / name}"
        subprocess.run(controlroom_cmd("--db", url, "db", "upgrade"), check=True, capture_output=True)
        done = subprocess.run(
            controlroom_cmd(
                "--db",
                url,
                "simulate",
                "--speed",
                "20000",
                "--duration",
                "90m",
                "--consoles",
                "2",
                "--seed",
                "4",
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "writes:" in done.stdout

        async def read(db: Database) -> Counter[tuple[str, str, int | None, str]]:
            async with db.read() as conn:
                rows = await conn.execute(
                    select(Incident.category, Incident.source, Incident.grade, Incident.summary)
                )
                return Counter(tuple(row) for row in rows)  # type: ignore[misc]

        return run_with_db(url, read)

    assert night("a.sqlite3") == night("b.sqlite3")


def test_bad_options_are_explained_with_exit_code_2() -> None:
    import subprocess

    done = subprocess.run(
        controlroom_cmd("simulate", "--duration", "three hours"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "write e.g. 7h or 90m" in done.stderr
