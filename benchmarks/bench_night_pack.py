"""The night pack for a night of 500 incidents: from the database to an A4 PDF on disk.

Main figure: ``night_pack`` (every query) + render (HTML, the matplotlib chart as SVG,
the map with its hotspot squares) + the PDF written through the window's PDF writer.
Baselines in the same run: the ``tally`` query (``night_tally``), ``response_report``
alone, and the pack's PDF without its chart and map (images removed), so the share of
the figures is visible. Runs are interleaved so drift hits every row alike.
Target: median pack-to-PDF ≤ 2 s.

The night is made with ordinary ORM inserts on a fresh SQLite file: 500 incidents from
18:00 to 06:00 around three venues and the high street, 70 % reached by a unit.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_night_pack.py [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication

from benchmarks.benchlib import print_table, summary_ms, verdict
from controlroom.commands import Commands
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import Actor
from controlroom.dispersal.queries import night_tally
from controlroom.patrols.responses import response_report
from controlroom.reports.night import night_pack
from controlroom.reports.night_paper import render_night_pack
from controlroom.storage.database import Database
from controlroom.storage.migrate import ensure_schema
from controlroom.storage.models import Dispatch, Incident, Unit
from controlroom.venues.commands import VenueSpec
from ui.paperwork.pdf import write_pdf

TARGET_MS = 2000.0
NIGHT = date(2026, 11, 27)
EVENING = datetime(2026, 11, 27, 18, tzinfo=UTC)  # GMT in November
LATER = datetime(2026, 12, 1, tzinfo=UTC)
PLACES = ((50.9115, -1.4089), (50.9072, -1.4045), (50.9039, -1.4040), (50.9097, -1.4044))
HEADER = ["step", "runs", "median ms", "p95 ms", "max ms", "target ms", "verdict"]
ACTOR = Actor("bench-supervisor", "supervisor")


async def _fill(db: Database, incidents: int) -> None:
    commands = Commands(db, Actor("bench-setup"), clock=lambda: EVENING - timedelta(hours=6))
    venues = []
    for i, (lat, lon) in enumerate(PLACES[:3]):
        spec = VenueSpec(name=f"Bench venue {i + 1}", kind="bar", lat=lat, lon=lon, is_safe_space=i == 0)
        venues.append((await commands.upsert_venue(spec)).id)
    rng = random.Random(16)
    async with db.write() as session:
        unit = Unit(
            callsign="BENCH-1", kind="police_foot", agency="police", status="available", status_since=EVENING
        )
        session.add(unit)
        await session.flush()
        for n in range(incidents):
            at = EVENING + timedelta(seconds=rng.uniform(0, 12 * 3600))
            lat, lon = rng.choice(PLACES)
            venue = rng.choice([*venues, None])
            row = Incident(
                reference=f"BEN-20261127-{n + 1:04d}", night=NIGHT, reported_at=at, source="cctv",
                category=rng.choice(("assault", "disorder", "vulnerable_person", "harassment")),
                grade=rng.choice((1, 2, 2, 3, 4, None)), status="resolved", venue_id=venue, place="Bench",
                lat=lat + rng.gauss(0, 0.0006), lon=lon + rng.gauss(0, 0.0009), summary="x",
                created_by="bench",
            )  # fmt: skip
            session.add(row)
            await session.flush()
            if rng.random() < 0.7:
                sent = at + timedelta(minutes=rng.uniform(0, 10))
                arrived = sent + timedelta(minutes=rng.uniform(2, 40))
                session.add(
                    Dispatch(
                        unit_id=unit.id,
                        incident_id=row.id,
                        dispatched_at=sent,
                        arrived_at=arrived,
                        actor="bench",
                    )
                )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each step, ≥ 5 (default 10)")
    parser.add_argument("--incidents", type=int, default=500)
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    app = QGuiApplication.instance() or QGuiApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench-night-pack-"))
    db = Database(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    loop = asyncio.new_event_loop()

    def run(work: Awaitable[object]) -> object:
        return loop.run_until_complete(work)

    run(ensure_schema(db))
    run(_fill(db, args.incidents))

    def pack_to_pdf() -> None:
        pack = run(night_pack(db, NIGHT, actor=ACTOR, now=LATER))
        write_pdf([render_night_pack(pack)], folder / "night.pdf")  # type: ignore[arg-type]

    def without_figures() -> None:
        pack = run(night_pack(db, NIGHT, actor=ACTOR, now=LATER))
        document = render_night_pack(pack)  # type: ignore[arg-type]
        html = document.html.replace('<img src="plan:hours"', "<span ").replace(
            '<img src="plan:map"', "<span "
        )
        write_pdf([dataclasses.replace(document, html=html, images={})], folder / "bare.pdf")

    steps: dict[str, tuple[Callable[[], object], float | None]] = {
        f"night pack PDF, {args.incidents} incidents (db -> file)": (pack_to_pdf, TARGET_MS),
        "BASELINE pack PDF without chart and map": (without_figures, None),
        "BASELINE tally query (night_tally)": (
            lambda: run(night_tally(db, EVENING + timedelta(hours=1))),
            None,
        ),
        "  response_report alone": (
            lambda: run(response_report(db, GradeTargets(), now=EVENING + timedelta(hours=11))),
            None,
        ),
        "  night_pack queries alone": (lambda: run(night_pack(db, NIGHT, actor=ACTOR, now=LATER)), None),
    }
    for action, _ in steps.values():  # warm-up: template compile, matplotlib fonts, street layer
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
            [name, args.runs, s["median"], s["p95"], s["max"], target or "-", verdict(s["median"], target)]
        )
    size_kb = (folder / "night.pdf").stat().st_size / 1024
    print_table(f"night pack ({size_kb:.0f} KB PDF), SQLite, offscreen", HEADER, rows)
    run(db.dispose())
    loop.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
