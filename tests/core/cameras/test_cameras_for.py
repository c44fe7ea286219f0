"""``controlroom cameras-for REF | --at LAT,LON [--json]``: best first with the preset; refusals exit 2."""

from __future__ import annotations

import json

import pytest

from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.core.cameras.support import run_cli
from tests.core.support import commands_for, run_with_db

POINT = "50.9060,-1.4044"


@pytest.fixture
def street(db_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Four cameras round one point (one looking away, one faulty) and an incident at the point."""
    fixed = ["--owner", "council", "--kind", "fixed"]
    adds = [
        ["F1", "--name", "South of it", *fixed, "--at", "50.9055,-1.4044", "--heading", "0"],
        ["F2", "--name", "Looking away", *fixed, "--at", "50.9055,-1.4044", "--heading", "180"],
        ["F3", "--name", "Nearest, broken", *fixed, "--at", "50.9058,-1.4044", "--heading", "0"],
    ]
    for add in adds:
        done = run_cli(capsys, db_url, "camera", "add", *add, "--angle", "60", "--range", "100")
        assert done.code == 0, done.err
    ptz = ["P1", "--name", "North junction", "--owner", "police", "--kind", "ptz", "--at", "50.9068,-1.4044"]
    presets = ["--preset", "East:90:40:120", "--preset", "South:180:40:120"]
    assert run_cli(capsys, db_url, "camera", "add", *ptz, *presets).code == 0
    assert run_cli(capsys, db_url, "camera", "fault", "F3", "--description", "no picture").code == 0

    async def report(db: Database) -> str:
        lat, lon = (float(v) for v in POINT.split(","))
        incident = await commands_for(db).report_incident(
            NewIncident(
                category="assault", source="cctv", summary="fight", lat=lat, lon=lon, place="Above Bar"
            )
        )
        return incident.reference

    return db_url, run_with_db(db_url, report)


def test_the_cameras_that_see_an_incident_best_first_with_the_preset_to_use(
    street: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, reference = street

    shown = run_cli(capsys, url, "cameras-for", reference.lower())
    as_json = run_cli(capsys, url, "cameras-for", "--at", POINT, "--json")

    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0] == f"cameras that can see {reference}, Above Bar, best first:"
    assert [line.split()[0] for line in lines[1:]] == ["F1", "P1", "F3"]  # working nearer first, faulty last
    assert "preset South" in lines[2] and "fixed view" in lines[1] and lines[3].endswith("faulty")
    found = json.loads(as_json.out)
    assert (found["lat"], found["lon"], found["reference"]) == (50.906, -1.4044, None)
    first, second, third = found["cameras"]
    assert first == {
        "camera": "F1",
        "camera_id": first["camera_id"],
        "status": "working",
        "preset": None,
        "distance_m": pytest.approx(55.6, abs=0.2),
        "off_axis_deg": pytest.approx(0.0, abs=0.1),
    }
    assert (second["camera"], second["preset"], third["camera"], third["status"]) == (
        "P1",
        "South",
        "F3",
        "faulty",
    )
    assert second["distance_m"] == pytest.approx(89.0, abs=0.3)


def test_a_point_no_camera_sees_is_said_plainly(
    street: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_cli(capsys, street[0], "cameras-for", "--at", "50.8900,-1.4200")

    assert done.code == 0
    assert done.out == "no camera can see 50.89000,-1.42000: none has it within its range and view\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--at", "51.5074,-0.1278"], "is outside the operating area", id="outside-area"),
        pytest.param(["--at", "50.9060;-1.4044"], "is not LAT,LON", id="malformed"),
        pytest.param(
            ["SOT-20261127-9999"], "no incident with reference 'SOT-20261127-9999'", id="unknown-ref"
        ),
        pytest.param([], "one of the arguments REF --at is required", id="nothing"),
    ],
)
def test_bad_input_exits_2_naming_what_is_wrong(
    street: tuple[str, str], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    done = run_cli(capsys, street[0], "cameras-for", *args)

    assert done.code == 2
    assert message in done.err and done.out == ""
