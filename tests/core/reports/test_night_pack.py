"""The night pack's figures on a known night, its CSV and GeoJSON read back, and its refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.reports.export import incidents_csv, incidents_geojson
from controlroom.reports.night import NightPack, night_pack
from controlroom.storage.database import Database
from tests.core.reports.support import PERSONAL, known_night
from tests.core.support import run_with_db

NIGHT = date(2026, 11, 27)
LATER = datetime(2026, 12, 3, 12, tzinfo=UTC)
SUPERVISOR = Actor("sup-2", "supervisor")


def _pack(db_url: str) -> tuple[NightPack, dict[str, str]]:
    async def scenario(db: Database) -> tuple[NightPack, dict[str, str]]:
        refs = await known_night(db)
        return await night_pack(db, NIGHT, actor=SUPERVISOR, now=LATER), refs

    return run_with_db(db_url, scenario)


def test_the_known_night_in_figures(db_url: str) -> None:
    pack, refs = _pack(db_url)
    letter = {ref: name for name, ref in refs.items()}
    assert [letter[i.reference] for i in pack.incidents] == ["D", "A", "B", "C"]
    assert [(k.category, k.source, k.grade, k.count) for k in pack.kinds] == [
        ("assault", "cctv", 1, 1),
        ("disorder", "police_patrol", 1, 1),
        ("other", "public", 3, 1),
        ("vulnerable_person", "ask_for_angela", 2, 1),
    ]
    grades = [
        (g.grade, g.incidents, g.attended, g.within_target, g.median_minutes, g.p90_minutes)
        for g in pack.grades
    ]
    assert grades == [(1, 2, 2, 0.5, 15.0, 19.0), (2, 1, 0, 0.0, None, None), (3, 1, 0, None, None, None)]
    breaches = [(letter[b.reference], b.minutes_to_arrival, b.caller_told) for b in pack.breaches]
    assert breaches == [("B", 20.0, True), ("C", None, False)]
    assert pack.caller_told == (1, 2)
    assert pack.angela == (("taxi", 1),)
    (velvet,) = pack.safe_spaces
    assert (velvet.venue, velvet.status_at_start, velvet.minutes_full, velvet.minutes_closed) == (
        "Velvet Fox",
        "open",
        45,
        45,
    )
    assert [(at.strftime("%H:%M"), a, b) for at, a, b in velvet.changes] == [
        ("23:00", "open", "full"),
        ("23:45", "full", "closed"),
        ("00:30", "closed", "open"),
    ]
    dispersal = (pack.warnings, pack.directions, pack.surrendered_items, pack.under_16_removals)
    assert dispersal == (1, 1, 1, 1)
    assert pack.zones_in_force == ("Bedford Place (LOG-20261127-0427)",)
    venues = [(v.name, v.at_venue, v.total, v.grade_1, v.grade_2) for v in pack.venues]
    assert venues == [("Velvet Fox", 2, 2, 1, 1), ("Kings Arms", 1, 1, 1, 0)]
    busy = {hour: counts for hour, counts in pack.hours if any(counts)}
    assert busy == {19: (0, 0, 1, 0, 0), 22: (2, 0, 0, 0, 0), 23: (0, 1, 0, 0, 0)}
    assert [h for h, _ in pack.hours][:2] == [18, 19] and len(pack.hours) == 12
    assert all(i.summary is None for i in pack.incidents)
    assert [square.count for square in pack.hotspots.squares] == [3]  # A, B and C share a door
    assert "bandwidth" in pack.hotspots.words and pack.hotspots.density


def test_csv_and_geojson_read_back_without_personal_data(db_url: str) -> None:
    pack, refs = _pack(db_url)
    text = incidents_csv(pack)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["reference"] for r in rows] == [refs[x] for x in "DABC"]
    b = rows[2]
    assert (b["night"], b["reported_at_local"], b["category"], b["grade"], b["venue"]) == (
        "2026-11-27",
        "2026-11-27T22:30+00:00",
        "disorder",
        "1",
        "Kings Arms",
    )
    assert (b["venue_link"], b["response_minutes"], b["within_target"]) == ("at_venue", "20.0", "no")
    assert rows[1]["within_target"] == "yes" and rows[0]["within_target"] == ""
    collection = json.loads(incidents_geojson(pack))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 4
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [-1.4044, 50.906]}  # lon, lat
    assert first["properties"]["reference"] == refs["D"] and first["properties"]["grade"] == 3
    for secret in PERSONAL:
        assert secret not in text and secret not in json.dumps(collection)


@pytest.mark.parametrize(
    ("night", "message"),
    [
        (date(2026, 12, 4), "is still to come"),
        (date(2026, 11, 25), "before the first record (the night of Thursday 26 November 2026)"),
    ],
)
def test_a_night_in_the_future_or_before_the_records_is_refused(
    db_url: str, night: date, message: str
) -> None:
    async def scenario(db: Database) -> None:
        await known_night(db)
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            await night_pack(db, night, actor=SUPERVISOR, now=LATER)
        with pytest.raises(NotPermittedError):
            await night_pack(db, NIGHT, actor=Actor("venue-1", "partner"), now=LATER)

    run_with_db(db_url, scenario)
