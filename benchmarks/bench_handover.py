"""Drafting a shift handover with 500 open items, beside reading the board, on one database.

Main figure: ``draft_handover`` as a supervisor (who may read everything, so every
section is filled): one consistent read of the board at "now" — open incidents with
their checklists, units, flags, zones, running directions with their subjects, tonight's
sightings, safe spaces, take-home tasks, footage requests and the night's tally — then
the sections laid out (grade clocks, next steps, alerts ranked, overdue steps).
BASELINE in the same run: ``ChangeFeed.start()``, the board every console loads (the
same incidents, units, flags, zones and directions, and the cameras and venues).
Also shown: giving the handover (the draft, then one write of the frozen content, the
audit entry and the change). Runs are interleaved so drift hits every row alike.
Target: median draft ≤ 300 ms.

The state (about 500 items): 300 open incidents (60 reported through the commands so they
carry their procedure checklists, the rest inserted), 80 units (half on an incident), 60
flags, an s.34 zone with 40 directions (10 to under-16s: take-home tasks), 20 people seen
again tonight, 10 safe spaces, 10 footage requests. All around the real clock, so the
feed's board (which reads at the real time) sees the same night.

Run: ``.venv/bin/python benchmarks/bench_handover.py [--runs 20] [--db sqlite|postgres]``
(``postgres`` starts a throwaway cluster, as the tests do).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.benchlib import print_table, summary_ms, verdict
from controlroom.commands import Commands
from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor
from controlroom.dispersal.directions import DirectionSpec
from controlroom.dispersal.zones import ZoneSpec
from controlroom.feed.change_feed import ChangeFeed
from controlroom.footage.commands import FootageCommands
from controlroom.handover.draft import draft_handover
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from controlroom.storage.models import Flag, Incident, Unit
from controlroom.venues.commands import VenueSpec

TARGET_MS = 300.0
HEADER = ["step", "runs", "median ms", "p95 ms", "max ms", "target ms", "verdict"]
ACTOR = Actor("bench_sup", "supervisor")
ZONE = ((50.9100, -1.4100), (50.9100, -1.4030), (50.9170, -1.4030), (50.9170, -1.4100))
INSIDE = (50.9120, -1.4089)


async def _fill(db: Database, now: datetime) -> None:
    rng = random.Random(17)
    boss = Commands(db, ACTOR, clock=lambda: now)
    for i in range(10):
        name = f"Bench safe space {i + 1}"
        spec = VenueSpec(
            name=name,
            kind="bar",
            lat=50.905 + i * 0.001,
            lon=-1.405,
            is_safe_space=True,
            safe_space_status=rng.choice(("open", "open", "full", "closed")),
        )
        await boss.upsert_venue(spec)
    checked = []
    for n in range(60):  # through the commands: each starts its procedure checklist
        new = NewIncident(
            category=rng.choice(("suspected_spiking", "vulnerable_person", "predatory_behaviour")),
            source="cctv",
            summary=f"Bench report {n}",
            grade=rng.choice((1, 2, 2, 3)),
            lat=INSIDE[0] + rng.gauss(0, 0.001),
            lon=INSIDE[1] + rng.gauss(0, 0.001),
            place=f"Bench street {n}",
            reported_at=now - timedelta(minutes=rng.uniform(1, 240)),
        )
        checked.append((await boss.report_incident(new)).reference)
    night = operational_night(now)
    async with db.write() as session:
        incidents = []
        for n in range(240):
            row = Incident(
                reference=f"BEN-{night:%Y%m%d}-{n + 1:04d}",
                night=night,
                reported_at=now - timedelta(minutes=rng.uniform(1, 360)),
                source="cctv",
                category=rng.choice(("assault", "disorder", "harassment")),
                grade=rng.choice((1, 2, 3, 4, None)),
                status=rng.choice(("new", "acknowledged", "dispatched", "on_scene")),
                place=f"Bench place {n}",
                lat=INSIDE[0] + rng.gauss(0, 0.002),
                lon=INSIDE[1] + rng.gauss(0, 0.002),
                summary="x",
                created_by="bench",
            )
            session.add(row)
            incidents.append(row)
        await session.flush()
        for n in range(80):
            busy = n % 2 == 0
            session.add(
                Unit(
                    callsign=f"BN-{n + 1}",
                    kind="police_foot",
                    agency="police",
                    status="on_scene" if busy else "available",
                    status_since=now - timedelta(minutes=n),
                    incident_id=incidents[n].id if busy else None,
                    lat=INSIDE[0],
                    lon=INSIDE[1],
                    position_at=now,
                )
            )
        for n in range(60):
            session.add(
                Flag(
                    lat=INSIDE[0] + rng.gauss(0, 0.002),
                    lon=INSIDE[1] + rng.gauss(0, 0.002),
                    place=f"Bench flag {n}",
                    behaviour="following",
                    reason="Following lone women",
                    flagged_at=now - timedelta(minutes=30),
                    expires_at=now + timedelta(minutes=90),
                    created_by="bench",
                )
            )
    await boss.authorise_zone(
        ZoneSpec(
            name="Bench zone",
            polygon=ZONE,
            starts_at=now - timedelta(hours=4),
            ends_at=now + timedelta(hours=20),
            officer="Insp 1234 Jane Smith",
            grounds="Repeated harassment of women leaving venues",
            rights_consideration="No protest or procession expected",
            log_number="LOG-BENCH-1",
            area_in_words="Bedford Place and London Road",
            signed_at=now - timedelta(hours=4, minutes=10),
        )
    )
    for n in range(40):
        given = await boss.give_direction(
            DirectionSpec(
                zone="Bench zone",
                at=INSIDE,
                apparent_age=14 if n < 10 else 25,
                officer="PC 4567 Tom Reed",
                grounds="Following lone women from venue to venue",
                exclusion_hours=24,
                behaviour="following",
                description=f"Bench person {n}, grey hoodie",
                necessity="Words of advice had no effect",
                in_uniform=True,
                access_kept=True,
                picket_or_procession=False,
            )
        )
        if n < 20:
            await boss.record_sighting(given.subject.id, at=(50.9060, -1.4044), place="Above Bar Street")
    footage = FootageCommands(boss.context)
    for reference in checked[:10]:
        await footage.record_request(reference, "DC 123 Avery", "Identify the man")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each step, ≥ 5 (default 20)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    cluster = None
    if args.db == "postgres":
        from tests.pg_cluster import PostgresCluster

        cluster = PostgresCluster()
        cluster.start()
        url = cluster.create_database()
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='bench-handover-')) / 'bench.sqlite3'}"
    loop = asyncio.new_event_loop()

    def run(work: Awaitable[object]) -> object:
        return loop.run_until_complete(work)

    db = Database(url)
    try:
        now = datetime.now(UTC)
        run(upgrade(db))
        run(_fill(db, now))
        draft = run(draft_handover(db, ACTOR, now))
        sections = draft.sections  # type: ignore[attr-defined]
        items = sum(len(s.items) for s in sections if s.key != "tally")
        records = sum(len(s.items) for s in sections if s.key not in ("alerts", "overdue_steps", "tally"))
        gives = Commands(db, ACTOR, clock=lambda: now)

        steps: dict[str, tuple[Callable[[], object], float | None]] = {
            f"draft_handover, {records} records ({items} items)": (
                lambda: run(draft_handover(db, ACTOR, now)),
                TARGET_MS,
            ),
            "BASELINE board load (ChangeFeed.start)": (
                lambda: run(ChangeFeed(db, viewer=ACTOR).start()),
                None,
            ),
            "  give_handover (draft + one write)": (lambda: run(gives.give_handover(notes="bench")), None),
        }
        for action, _ in steps.values():  # warm-up: statement caches, imports
            action()
        samples: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.runs):
            for name, (action, _) in steps.items():
                start = time.perf_counter()
                action()
                samples[name].append(time.perf_counter() - start)
        rows = []
        for name, (_, target) in steps.items():
            s = summary_ms(samples[name])
            rows.append(
                [
                    name,
                    args.runs,
                    s["median"],
                    s["p95"],
                    s["max"],
                    target or "-",
                    verdict(s["median"], target),
                ]
            )
        print_table(f"shift handover, {args.db}", HEADER, rows)
    finally:
        run(db.dispose())
        loop.close()
        if cluster is not None:
            cluster.destroy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
