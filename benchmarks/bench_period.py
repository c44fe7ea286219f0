"""A month's period report over a database of 1,000,000 incidents (issue #16: ≤ 5 s).

The database is made once (``--db``, kept between runs): the schema by the program's own
migration, then ``--rows`` incidents spread over about three years of nights, 18:00-06:00
UK time with a Friday/Saturday peak, a third of them in a few clustered streets, a tenth
at venues, written with ``executemany`` in batches (SQLite) or ``COPY`` (PostgreSQL).

Main figure: ``period_report`` for one month (every section, hotspots included), wall
time, median of ``--runs``. Baseline in the same run: loading the month's incident rows
(the columns the report counts) and counting them in Python; the report should cost no
more than that, and does not grow with the rows outside the month.

Run: nice .venv/bin/python benchmarks/bench_period.py [--db sqlite+aiosqlite:////tmp/period.db]
     [--rows 1000000] [--runs 5] [--throwaway-postgres]
(``--throwaway-postgres``: a cluster of its own, ``tests/pg_cluster.py``, removed afterwards.)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from benchmarks.benchlib import print_table, run_on_million, verdict
from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor
from controlroom.reports.period import period_report
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from controlroom.storage.models import Incident

FIRST_NIGHT = date(2024, 1, 1)
MONTH = (date(2026, 10, 1), date(2026, 10, 31))  # the clocks go back on the 25th
TARGET_S = 5.0
ANALYST = Actor("bench-analyst", "operator")
CLUSTERS = ((50.9060, -1.4044), (50.9115, -1.4089), (50.9032, -1.4010), (50.9088, -1.4003))
CATEGORIES = ("assault", "disorder", "drunk", "theft", "vulnerable_person", "drugs")
SOURCES = ("cctv", "police", "venue", "street_pastor", "public")
LINKS = ("at_venue", "inside", "door_queue", "nearby", "venue_reported")
BATCH = 20_000


def _rows(count: int, venue_ids: list[int]) -> list[tuple[object, ...]]:
    rng = random.Random(16)
    nights = (date(2026, 12, 1) - FIRST_NIGHT).days
    out = []
    for n in range(count):
        night = FIRST_NIGHT + timedelta(days=rng.randrange(nights))
        busy = night.weekday() in (4, 5)
        if not busy and rng.random() < 0.4:
            night += timedelta(days=4 - night.weekday() if night.weekday() < 4 else 0)
        minutes = int(rng.triangular(0, 12 * 60, 6 * 60))  # from 18:00 local, peak near midnight
        reported = datetime(night.year, night.month, night.day, 18, tzinfo=UTC) + timedelta(minutes=minutes)
        reported -= timedelta(hours=1) if 4 <= night.month <= 9 else timedelta(0)  # BST, roughly
        if rng.random() < 0.33:
            lat, lon = rng.choice(CLUSTERS)
            lat, lon = lat + rng.gauss(0, 0.0004), lon + rng.gauss(0, 0.0006)
        else:
            lat, lon = 50.9000 + rng.random() * 0.015, -1.4150 + rng.random() * 0.025
        venue = rng.choice(venue_ids) if venue_ids and rng.random() < 0.1 else None
        grade = rng.choice((1, 2, 2, 3, 3, 3, 4, None))
        out.append(
            (
                f"BENCH-{n:07d}",
                operational_night(reported).isoformat(),
                reported.replace(tzinfo=None).isoformat(sep=" "),
                rng.choice(SOURCES),
                rng.choice(CATEGORIES),
                grade,
                "closed",
                venue,
                "Bench Street",
                lat,
                lon,
                "",
                "bench",
                1,
                "",
                "",
                "",
                "",
                rng.choice(LINKS) if venue else None,
            )
        )
    return out


COLUMNS = (
    "reference, night, reported_at, source, category, grade, status, venue_id, place, lat, lon, "
    "summary, created_by, version, vulnerable_person, person_of_concern, reporter_contact, updated_by, "
    "venue_link"
)

# Fixed text (no outside input): the columns above and one placeholder each.
INSERT = f"INSERT INTO incidents ({COLUMNS}) VALUES ({', '.join('?' * 19)})"  # noqa: S608


async def _fill(db: Database, rows: int) -> int:
    from controlroom.commands import Commands
    from controlroom.venues.commands import VenueSpec

    async with db.read() as conn:
        have = (await conn.execute(select(func.count()).select_from(Incident))).scalar_one()
    if have >= rows:
        return int(have)
    commands = Commands(db, Actor("bench-setup"))
    venue_ids = []
    for i, (lat, lon) in enumerate(CLUSTERS):
        venue = await commands.upsert_venue(
            VenueSpec(name=f"Bench venue {i + 1}", kind="bar", lat=lat, lon=lon)
        )
        venue_ids.append(venue.id)
    data = _rows(rows - have, venue_ids)
    started = time.perf_counter()
    async with db.engine.begin() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if db.is_sqlite:
            for i in range(0, len(data), BATCH):
                await driver.executemany(INSERT, data[i : i + BATCH])
        else:  # asyncpg COPY wants typed values
            typed = [
                (r[0], date.fromisoformat(r[1]), datetime.fromisoformat(r[2]).replace(tzinfo=UTC), *r[3:])
                for r in data
            ]
            await driver.copy_records_to_table(
                "incidents", records=typed, columns=[c.strip() for c in COLUMNS.split(",")]
            )
            await driver.execute("ANALYZE incidents")
    print(f"wrote {len(data):,} incidents in {time.perf_counter() - started:.1f} s")
    return rows


async def _baseline(db: Database) -> int:
    """Load the month's rows (what the report counts) and count them in Python."""
    query = select(
        Incident.reported_at, Incident.category, Incident.source, Incident.grade, Incident.lat, Incident.lon
    ).where(Incident.night.between(*MONTH) & Incident.duplicate_of.is_(None))
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    hours = Counter((operational_night(r.reported_at), r.reported_at.hour) for r in rows)
    kinds = Counter((r.category, r.source, r.grade) for r in rows)
    return len(rows) + len(hours) + len(kinds) * 0


async def main(url: str, rows: int, runs: int) -> None:
    db = Database(url)
    try:
        await upgrade(db)  # SQLite and PostgreSQL alike (ensure_schema only checks PostgreSQL)
        total = await _fill(db, rows)
        report_s, baseline_s = [], []
        incidents = 0
        for _ in range(runs):  # interleaved, so drift hits both alike
            started = time.perf_counter()
            report = await period_report(db, *MONTH, actor=ANALYST, before_after=date(2026, 10, 16))
            report_s.append(time.perf_counter() - started)
            incidents = report.total
            started = time.perf_counter()
            await _baseline(db)
            baseline_s.append(time.perf_counter() - started)
    finally:
        await db.dispose()
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print_table(
        f"Month report (Oct 2026: {incidents:,} incidents) over {total:,} incidents, {backend}, {runs} runs",
        ("what", "median s", "max s", "target s", "verdict"),
        [
            (
                "period_report (all sections)",
                statistics.median(report_s),
                max(report_s),
                TARGET_S,
                verdict(statistics.median(report_s), TARGET_S),
            ),
            (
                "baseline: load month's rows, count in Python",
                statistics.median(baseline_s),
                max(baseline_s),
                "-",
                "-",
            ),
        ],
    )


if __name__ == "__main__":
    run_on_million(main, __doc__.splitlines()[0], "sqlite+aiosqlite:////tmp/controlroom-bench-period.db")
