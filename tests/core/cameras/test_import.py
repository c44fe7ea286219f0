"""``controlroom camera import CSV``: every camera of the file, or none, with the bad line named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cameras.support import camera_audit, register_counts, run_cli
from tests.core.support import add_venue, commands_for, run_with_db

HEADER = "number,name,owner,venue,sharing_agreement,lat,lon,kind,heading,angle,range_m,stream_url,presets"
GOOD = [
    'P1,"Bargate, north side",council,,,50.9040,-1.4040,ptz,,,,rtsp://vms/p1,North:0:60:150;South:180:60:150',
    "V1,Velvet Fox door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,70,25,,",
    "T1,Bus station,transport,,,50.9060,-1.4100,dome,,,,https://bus.example/t1,",
    "O1,Shop front,other,,ISA 2026/7,50.9050,-1.4050,fixed,10,90,40,file:///srv/o1.mp4,",
]


@pytest.fixture
def venue_db(db_url: str) -> str:
    run_with_db(db_url, lambda db: add_venue(commands_for(db)))
    return db_url


def _file(tmp_path: Path, *lines: str, header: str = HEADER) -> str:
    path = tmp_path / "cameras.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_a_good_file_adds_every_camera_with_presets_and_an_audit_entry_each(
    venue_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_cli(capsys, venue_db, "camera", "import", _file(tmp_path, *GOOD))
    assert done.code == 0, done.err
    assert "4 camera(s) imported from cameras.csv" in done.out
    cameras = {c["number"]: c for c in json.loads(run_cli(capsys, venue_db, "camera", "list", "--json").out)}
    assert sorted(cameras) == ["O1", "P1", "T1", "V1"]
    assert cameras["P1"]["name"] == "Bargate, north side"
    assert [p["name"] for p in cameras["P1"]["presets"]] == ["North", "South"]
    assert (cameras["V1"]["heading"], cameras["V1"]["angle"], cameras["V1"]["range_m"]) == (200.0, 70.0, 25.0)
    assert cameras["V1"]["venue_id"] is not None and cameras["O1"]["sharing_agreement"] == "ISA 2026/7"
    assert [a for a, _, _ in camera_audit(venue_db)] == ["camera.add"] * 4


BAD_LINES = [
    pytest.param(
        3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,500,25,,", "angle", "outside 1 to 360"
    ),
    pytest.param(
        3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,70,0,,", "range_m", "at most 1,000 m"
    ),
    pytest.param(3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,70,1200,,", "range_m", "1,000 m"),
    pytest.param(
        3, "V1,Door,venue,Velvet Fox,,51.5,-0.12,fixed,200,70,25,,", "lat", "outside the operating area"
    ),
    pytest.param(
        3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,70,25,,D:1:2:3", "presets", "cannot have"
    ),
    pytest.param(3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,,,,,", "heading", "is fixed: give its"),
    pytest.param(
        3, "V1,Door,council,,,50.91,-1.40,fixed,1,70,25,javascript:alert(1),", "stream_url", "javascript:"
    ),
    pytest.param(3, "V1,Door,venue,Nowhere Bar,,50.9115,-1.4089,fixed,200,70,25,,", "venue", "unknown venue"),
    pytest.param(3, "P1,Again,council,,,50.9115,-1.4089,dome,,,,,", "number", "already on line 2"),
    pytest.param(
        3, "V1,Door,venue,Velvet Fox,,50.9115,-1.4089,fixed,200,seventy,25,,", "angle", "not a number"
    ),
    pytest.param(3, "V1,Door,other,,,50.9115,-1.4089,dome,,,,,", "sharing_agreement", "sharing agreement"),
    pytest.param(3, "V1,Door,council,,,50.9115,-1.4089,ptz,,,,,N:1:2", "presets", "NAME:HEADING:ANGLE:RANGE"),
]


@pytest.mark.parametrize(("line", "text", "field", "message"), BAD_LINES)
def test_one_bad_line_refuses_the_whole_file_naming_line_and_field(
    venue_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    line: int,
    text: str,
    field: str,
    message: str,
) -> None:
    before = register_counts(venue_db)
    done = run_cli(capsys, venue_db, "camera", "import", _file(tmp_path, GOOD[0], text, GOOD[2]))
    assert done.code == 2
    assert f"cameras.csv, line {line}, field '{field}'" in done.err and message in done.err, done.err
    assert register_counts(venue_db) == before


def test_a_number_already_in_the_register_refuses_the_file(
    venue_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, venue_db, "camera", "import", _file(tmp_path, GOOD[2])).code == 0
    before = register_counts(venue_db)
    done = run_cli(capsys, venue_db, "camera", "import", _file(tmp_path, GOOD[0], GOOD[1], GOOD[2].lower()))
    assert done.code == 2
    assert "cameras.csv, line 4, field 'number'" in done.err and "already taken (by T1)" in done.err
    assert register_counts(venue_db) == before


@pytest.mark.parametrize(
    ("header", "lines", "message"),
    [
        pytest.param(
            "number,name,lat,lon,kind", GOOD[:0], "line 1: missing column(s) owner", id="missing-column"
        ),
        pytest.param(HEADER + ",colour", GOOD[:0], "line 1: unknown column(s) colour", id="unknown-column"),
        pytest.param(HEADER, [], "has no cameras", id="no-cameras"),
        pytest.param(
            HEADER, [GOOD[1] + ",extra"], "line 2: more fields than the header names", id="extra-field"
        ),
        pytest.param(
            HEADER, [",x,council,,,50.91,-1.40,dome,,,,,"], "line 2, field 'number' is empty", id="empty"
        ),
        pytest.param(HEADER, [GOOD[1], "X," + "y" * 200_000], "line 3: not readable as CSV", id="huge-field"),
        pytest.param(
            HEADER, [GOOD[1], 'X,"unclosed', GOOD[2]], "line 3: not readable as CSV", id="open-quote"
        ),
        pytest.param(
            HEADER,
            ["", GOOD[1], "", 'X,"two\nlines",council,,,51.5,-0.12,dome,,,,,'],
            "line 5, field 'lat'",
            id="record-over-two-lines",
        ),
    ],
)
def test_a_malformed_file_is_refused(
    venue_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: str,
    lines: list[str],
    message: str,
) -> None:
    before = register_counts(venue_db)
    done = run_cli(capsys, venue_db, "camera", "import", _file(tmp_path, *lines, header=header))
    assert done.code == 2 and message in done.err, done.err
    assert register_counts(venue_db) == before


def test_a_missing_or_non_utf8_file_is_refused(
    venue_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = run_cli(capsys, venue_db, "camera", "import", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and "cannot read" in missing.err and "nope.csv" in missing.err
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\nP9,Caf\xe9,council,,,50.904,-1.404,dome,,,,,\n").encode("latin-1"))
    wrong = run_cli(capsys, venue_db, "camera", "import", str(latin))
    assert wrong.code == 2 and "is not UTF-8 text" in wrong.err
