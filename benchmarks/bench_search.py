"""Search across every night at 1,000,000 incidents (issue #16: median ≤ 100 ms per search).

The database is made once (``--db``, kept between runs): the schema by the program's own
migration (so the search index and its triggers are the real ones: every row written here
is indexed by them), then ``--rows`` incidents over about three years of nights, each with
a summary of 8-16 words drawn from a vocabulary of control-room words and street names
(Zipf-like: a few words are in most summaries, most words in few), written with
``executemany`` in batches (SQLite) or ``COPY`` (PostgreSQL).

Main figure: ``controlroom.search.query.search`` as an operator (limit 200, ranked, with
snippets), wall time per query, median over ``--runs`` rounds of a fixed query mix: a rare
pair of words, a common word, a half-typed last word, a street and a category filter, a
reference. Baseline in the same run: the ``LIKE '%word%'`` scan a search box without an
index would do (the same words, every one required, on reference, place and summary, newest 200).

Run: nice .venv/bin/python benchmarks/bench_search.py [--db sqlite+aiosqlite:////tmp/search.db]
     [--rows 1000000] [--runs 5] [--throwaway-postgres]
(``--throwaway-postgres``: a cluster of its own, ``tests/pg_cluster.py``, removed afterwards.)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import and_, func, or_, select

from benchmarks.benchlib import print_table, run_on_million, verdict
from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor
from controlroom.search.filters import SearchFilters
from controlroom.search.query import search
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from controlroom.storage.models import Incident

FIRST_NIGHT = date(2024, 1, 1)
TARGET_MS = 100.0
OPERATOR = Actor("bench-operator", "operator")
BATCH = 20_000
CATEGORIES = ("assault", "disorder", "suspected_spiking", "vulnerable_person", "harassment", "other")
SOURCES = ("cctv", "police_patrol", "licensed_premises", "street_pastors", "public")
STREETS = (
    "Bedford Place", "London Road", "Above Bar Street", "Bargate Street", "Oxford Street",
    "Carlton Place", "Portland Terrace", "Commercial Road", "Queensway", "Vernon Walk",
)  # fmt: skip
COMMON = [
    "male",
    "female",
    "group",
    "outside",
    "near",
    "door",
    "bar",
    "queue",
    "taxi",
    "rank",
    "police",
    "called",
]
WORDS = [
    "fight",
    "argument",
    "glass",
    "bottle",
    "thrown",
    "punched",
    "kicked",
    "pushed",
    "shouting",
    "abusive",
    "drunk",
    "intoxicated",
    "vomiting",
    "unconscious",
    "collapsed",
    "ambulance",
    "paramedic",
    "welfare",
    "pastors",
    "phone",
    "wallet",
    "stolen",
    "lost",
    "handbag",
    "keys",
    "friend",
    "separated",
    "crying",
    "upset",
    "lone",
    "woman",
    "followed",
    "touched",
    "grabbed",
    "harassed",
    "spiked",
    "drink",
    "dizzy",
    "confused",
    "hospital",
    "doorman",
    "bouncer",
    "refused",
    "entry",
    "ejected",
    "banned",
    "licence",
    "kebab",
    "takeaway",
    "chips",
    "pizza",
    "bus",
    "stop",
    "station",
    "alley",
    "car",
    "park",
    "cash",
    "machine",
    "atm",
    "bench",
    "fountain",
    "scooter",
    "bicycle",
    "knife",
    "blade",
    "weapon",
    "threat",
    "racist",
    "homophobic",
    "verbal",
    "spitting",
    "urinating",
    "damage",
    "window",
    "smashed",
    "sign",
    "fire",
    "alarm",
    "smoke",
    "dog",
    "injured",
    "bleeding",
    "head",
    "cut",
    "wrist",
    "ankle",
    "sprained",
    "jacket",
    "hoodie",
    "trainers",
    "cap",
    "blond",
    "tall",
    "short",
    "beard",
    "tattoo",
    "scar",
    "accent",
    "student",
    "stag",
    "hen",
    "party",
]
# What the benchmark searches for: (label, text, filters).
QUERIES: tuple[tuple[str, str, SearchFilters], ...] = (
    ("rare pair", "spiked dizzy", SearchFilters()),
    ("common word", "taxi", SearchFilters()),
    ("half-typed last word", "bouncer ejec", SearchFilters()),
    ("street + category", "bedford fight", SearchFilters(category="assault")),
    ("three words", "lone woman followed", SearchFilters()),
)


def _summary(rng: random.Random) -> str:
    words = [rng.choice(COMMON) for _ in range(rng.randint(2, 4))]
    # Zipf-like: low indices far more often than high ones.
    words += [WORDS[int(rng.random() ** 2.5 * len(WORDS))] for _ in range(rng.randint(6, 12))]
    rng.shuffle(words)
    return " ".join(words).capitalize()


def _batch(rng: random.Random, start: int, count: int) -> list[tuple[object, ...]]:
    nights = (date(2026, 11, 30) - FIRST_NIGHT).days
    out = []
    for n in range(start, start + count):
        night = FIRST_NIGHT + timedelta(days=rng.randrange(nights))
        reported = datetime(night.year, night.month, night.day, 18, tzinfo=UTC) + timedelta(
            minutes=int(rng.triangular(0, 12 * 60, 6 * 60))
        )
        out.append(
            (
                f"SOT-{night:%Y%m%d}-{n % 10_000:04d}{n // 10_000:03d}",
                operational_night(reported).isoformat(),
                reported.replace(tzinfo=None).isoformat(sep=" "),
                rng.choice(SOURCES),
                rng.choice(CATEGORIES),
                rng.choice((1, 2, 3, 4)),
                "closed",
                rng.choice(STREETS),
                50.90 + rng.random() * 0.015,
                -1.415 + rng.random() * 0.025,
                _summary(rng),
                "bench",
                1,
                "",
                "",
                "",
                "",
            )
        )
    return out


COLUMNS = (
    "reference, night, reported_at, source, category, grade, status, place, lat, lon, summary, "
    "created_by, version, vulnerable_person, person_of_concern, reporter_contact, updated_by"
)
# Fixed text (no outside input): the columns above and one placeholder each.
INSERT = f"INSERT INTO incidents ({COLUMNS}) VALUES ({', '.join('?' * 17)})"  # noqa: S608


async def _fill(db: Database, rows: int) -> int:
    async with db.read() as conn:
        have = int((await conn.execute(select(func.count()).select_from(Incident))).scalar_one())
    if have >= rows:
        return have
    rng = random.Random(16 + have)
    started = time.perf_counter()
    async with db.engine.begin() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        for start in range(have, rows, BATCH):
            data = _batch(rng, start, min(BATCH, rows - start))
            if db.is_sqlite:
                await driver.executemany(INSERT, data)
            else:  # asyncpg COPY wants typed values; the row triggers index each row
                typed = [
                    (r[0], date.fromisoformat(r[1]), datetime.fromisoformat(r[2]).replace(tzinfo=UTC), *r[3:])
                    for r in data
                ]
                await driver.copy_records_to_table(
                    "incidents", records=typed, columns=[c.strip() for c in COLUMNS.split(",")]
                )
        if not db.is_sqlite:
            await driver.execute("ANALYZE incidents; ANALYZE incident_search")
        else:
            await driver.execute("INSERT INTO incident_fts (incident_fts) VALUES ('optimize')")
    print(f"wrote and indexed {rows - have:,} incidents in {time.perf_counter() - started:.1f} s")
    return rows


LIKE_COLUMNS = (Incident.reference, Incident.place, Incident.summary)


async def _like(db: Database, text: str, filters: SearchFilters) -> int:
    """The baseline: every word as a LIKE '%word%' on reference, place or summary, newest 200."""
    words = text.lower().split()
    query = select(Incident.id, Incident.reference).where(
        and_(*(or_(*(column.ilike(f"%{w}%") for column in LIKE_COLUMNS)) for w in words))
    )
    if filters.category:
        query = query.where(Incident.category == filters.category)
    query = query.order_by(Incident.reported_at.desc()).limit(200)
    async with db.read() as conn:
        return len((await conn.execute(query)).all())


async def _timed(work: object) -> tuple[float, int]:
    started = time.perf_counter()
    found = await work  # type: ignore[misc]
    return (time.perf_counter() - started) * 1000, found if isinstance(found, int) else len(found)


async def main(url: str, rows: int, runs: int) -> None:
    db = Database(url)
    try:
        await upgrade(db)
        total = await _fill(db, rows)
        reference = f"SOT-{FIRST_NIGHT:%Y%m%d}"  # a night's references (a prefix of each)
        queries = (*QUERIES, ("reference", reference, SearchFilters()))
        ms: dict[str, list[float]] = {label: [] for label, _, _ in queries}
        like_ms: dict[str, list[float]] = {label: [] for label, _, _ in queries}
        found: dict[str, tuple[int, int]] = {}
        for _ in range(runs):  # interleaved, so drift hits both alike
            for label, text, filters in queries:
                took, hits = await _timed(search(db, text, filters, actor=OPERATOR))
                ms[label].append(took)
                like_took, like_hits = await _timed(_like(db, text, filters))
                like_ms[label].append(like_took)
                found[label] = (hits, like_hits)
    finally:
        await db.dispose()
    backend = "SQLite FTS5" if url.startswith("sqlite") else "PostgreSQL tsvector + GIN"
    table = []
    for label, text, _ in queries:
        median = statistics.median(ms[label])
        table.append(
            (
                f"{label}: {text!r}",
                found[label][0],
                median,
                max(ms[label]),
                statistics.median(like_ms[label]),
                found[label][1],
                verdict(median, TARGET_MS),
            )
        )
    every = [t for label in ms for t in ms[label]]
    table.append(
        (
            "all searches",
            "-",
            statistics.median(every),
            max(every),
            statistics.median([t for label in like_ms for t in like_ms[label]]),
            "-",
            verdict(statistics.median(every), TARGET_MS),
        )
    )
    print_table(
        f"search() over {total:,} incidents, {backend}, {runs} rounds (limit 200)",
        ("query", "hits", "median ms", "max ms", "LIKE median ms", "LIKE hits", "verdict ≤ 100 ms"),
        table,
    )


if __name__ == "__main__":
    run_on_million(main, __doc__.splitlines()[0], "sqlite+aiosqlite:////tmp/controlroom-bench-search.db")
