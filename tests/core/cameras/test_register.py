"""``controlroom camera add|update|list|fault|clear``: the register, its refusals and its trail."""

from __future__ import annotations

import json

import pytest

from tests.core.cameras.support import camera_audit, register_counts, run_cli
from tests.core.support import add_venue, commands_for, run_with_db

INSIDE = "50.9040,-1.4040"
FIXED = ["--owner", "council", "--at", INSIDE, "--kind", "fixed", "--heading", "90", "--angle", "60"]


@pytest.fixture
def register(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A database with one fixed camera C1 and the venue Velvet Fox."""
    run_with_db(db_url, lambda db: add_venue(commands_for(db)))
    done = run_cli(capsys, db_url, "camera", "add", "C1", "--name", "Bargate", *FIXED, "--range", "80")
    assert done.code == 0, done.err
    return db_url


REFUSED_ADDS = [
    pytest.param(
        ["C2", "--name", "x", "--owner", "council", "--at", "51.5074,-0.1278", "--kind", "ptz"],
        "outside the operating area",
        id="outside-area",
    ),
    pytest.param(["C2", "--name", "x", *FIXED[:-1], "0", "--range", "50"], "outside 1 to 360", id="angle-0"),
    pytest.param(
        ["C2", "--name", "x", *FIXED[:-1], "361", "--range", "50"], "outside 1 to 360", id="angle-361"
    ),
    pytest.param(
        ["C2", "--name", "x", *FIXED[:-1], "nan", "--range", "50"], "outside 1 to 360", id="angle-nan"
    ),
    pytest.param(["C2", "--name", "x", *FIXED, "--range", "0"], "at most 1,000 m", id="range-0"),
    pytest.param(["C2", "--name", "x", *FIXED, "--range", "-5"], "at most 1,000 m", id="range-negative"),
    pytest.param(["C2", "--name", "x", *FIXED, "--range", "1000.5"], "at most 1,000 m", id="range-over"),
    pytest.param(
        ["C2", "--name", "x", *FIXED, "--range", "50", "--preset", "Door:90:40:30"],
        "cannot have presets",
        id="preset-on-fixed",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "council", "--at", INSIDE, "--kind", "fixed", "--heading", "90"],
        "is fixed: give its heading, view angle and range",
        id="fixed-without-view",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "police", "--at", INSIDE, "--kind", "ptz", "--preset", "N:0:0:50"],
        "preset 'N': view angle 0.0 is outside 1 to 360",
        id="preset-angle",
    ),
    pytest.param(
        [
            "C2",
            "--name",
            "x",
            "--owner",
            "police",
            "--at",
            INSIDE,
            "--kind",
            "ptz",
            "--preset",
            "N:0:60:5000",
        ],
        "at most 1,000 m",
        id="preset-range",
    ),
    pytest.param(
        ["c1", "--name", "x", *FIXED, "--range", "50"], "'c1' is already taken", id="duplicate-number"
    ),
    pytest.param(
        ["C2", "--name", "x", *FIXED, "--range", "50", "--stream", "javascript:alert(1)"],
        "a stream URL with javascript: cannot be opened; use rtsp://, http://, https://, file://",
        id="stream-javascript",
    ),
    pytest.param(
        ["C2", "--name", "x", *FIXED, "--range", "50", "--stream", "ftp://cams/2"],
        "a stream URL with ftp: cannot be opened",
        id="stream-ftp",
    ),
    pytest.param(
        ["C2", "--name", "x", *FIXED, "--range", "50", "--stream", "rtsp:///nohost"],
        "names no host or file",
        id="stream-no-host",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "venue", "--at", INSIDE, "--kind", "dome"],
        "owned by a venue: name the venue",
        id="venue-owner-without-venue",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "venue", "--venue", "Velvet Fax", "--at", INSIDE, "--kind", "dome"],
        "unknown venue 'Velvet Fax'; did you mean: Velvet Fox?",
        id="unknown-venue",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "other", "--at", INSIDE, "--kind", "dome"],
        "sharing agreement",
        id="other-without-agreement",
    ),
    pytest.param(
        ["C2", "--name", "x", "--owner", "council", "--at", INSIDE, "--kind", "bullet"],
        "unknown kind of camera C2 'bullet'; choose one of: fixed, ptz, dome",
        id="unknown-kind",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSED_ADDS)
def test_a_bad_camera_is_refused_with_exit_2_and_nothing_written(
    register: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = register_counts(register)
    done = run_cli(capsys, register, "camera", "add", *args)
    assert done.code == 2
    assert message in done.err
    assert register_counts(register) == before


def test_a_bad_update_is_refused_and_the_camera_stays_as_it_was(
    register: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = register_counts(register)
    listed = run_cli(capsys, register, "camera", "list", "--json").out
    for args, message in (
        (["--angle", "400"], "outside 1 to 360"),
        (["--range", "1001"], "at most 1,000 m"),
        (["--preset", "N:0:60:50"], "cannot have presets"),
        (["--at", "50.80,-1.40"], "outside the operating area"),
        (["--stream", "javascript:alert(1)"], "javascript:"),
        (["--owner", "other"], "sharing agreement"),
        (["--owner", "venue"], "name the venue"),
        (["--kind", "bullet"], "choose one of: fixed, ptz, dome"),
    ):
        done = run_cli(capsys, register, "camera", "update", "C1", *args)
        assert (done.code, message in done.err) == (2, True), (args, done.err)
    assert register_counts(register) == before
    assert run_cli(capsys, register, "camera", "list", "--json").out == listed


def test_add_update_fault_clear_round_trip_with_audit(
    register: str, capsys: pytest.CaptureFixture[str]
) -> None:
    added = run_cli(
        capsys,
        register,
        *("camera", "add", "P7", "--name", "Above Bar / Guildhall", "--owner", "council", "--at", INSIDE),
        *("--kind", "ptz", "--preset", "North:0:60:150", "--preset", " Guildhall :135:45:200"),
        *("--stream", "rtsp://vms.local/p7", "--retention-days", "28"),
    )
    assert added.code == 0, added.err
    cameras = {c["number"]: c for c in json.loads(run_cli(capsys, register, "camera", "list", "--json").out)}
    p7 = cameras["P7"]
    assert (p7["kind"], p7["status"], p7["retention_days"], p7["version"]) == ("ptz", "working", 28, 1)
    assert [(p["name"], p["heading"], p["angle"], p["range_m"]) for p in p7["presets"]] == [
        ("North", 0.0, 60.0, 150.0),
        ("Guildhall", 135.0, 45.0, 200.0),
    ]
    assert cameras["C1"]["retention_days"] == 31  # the usual venue-licence default

    updated = run_cli(
        capsys,
        register,
        "camera",
        "update",
        "p7",
        "--version",
        "1",
        "--preset",
        "Bar:270:30:90",
        "--name",
        "P7 Bar",
    )
    assert updated.code == 0, updated.err
    stale = run_cli(capsys, register, "camera", "update", "P7", "--version", "1", "--name", "late")
    assert stale.code == 3 and "now version 2" in stale.err

    faulted = run_cli(capsys, register, "camera", "fault", "P7", "--description", "picture frozen")
    assert faulted.code == 0, faulted.err
    p7 = {c["number"]: c for c in json.loads(run_cli(capsys, register, "camera", "list", "--json").out)}["P7"]
    assert p7["name"] == "P7 Bar" and [p["name"] for p in p7["presets"]] == ["Bar"]
    assert p7["status"] == "faulty" and [f["description"] for f in p7["open_faults"]] == ["picture frozen"]
    assert "1 open fault(s)" in run_cli(capsys, register, "camera", "list").out

    assert run_cli(capsys, register, "camera", "clear", "P7").code == 0
    again = run_cli(capsys, register, "camera", "clear", "P7")
    assert again.code == 2 and "camera P7 has no open fault to clear" in again.err
    p7 = {c["number"]: c for c in json.loads(run_cli(capsys, register, "camera", "list", "--json").out)}["P7"]
    assert (p7["status"], p7["open_faults"], p7["version"]) == ("working", [], 4)

    actions = [action for action, _actor, entity in camera_audit(register) if entity == "camera"]
    assert actions == ["camera.add", "camera.add", "camera.update", "camera.fault", "camera.fault_cleared"]
    assert run_cli(capsys, register, "audit", "verify").code == 0  # the entries extend the hash chain


def test_an_unknown_camera_is_named_with_close_numbers(
    register: str, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_cli(capsys, register, "camera", "fault", "C11", "--description", "x")
    assert done.code == 2 and "unknown camera 'C11'; did you mean: C1?" in done.err


def test_a_venue_camera_names_its_venue_and_changing_owner_drops_it(
    register: str, capsys: pytest.CaptureFixture[str]
) -> None:
    venue_owned = ["--name", "Door", "--owner", "venue", "--venue", "velvet fox", *FIXED[2:], "--range", "20"]
    added = run_cli(capsys, register, "camera", "add", "V1", *venue_owned)
    assert added.code == 0, added.err
    v1 = {c["number"]: c for c in json.loads(run_cli(capsys, register, "camera", "list", "--json").out)}["V1"]
    assert v1["owner"] == "venue" and v1["venue_id"] is not None
    moved = run_cli(
        capsys, register, "camera", "update", "V1", "--owner", "other", "--agreement", "ISA 2026/4"
    )
    assert moved.code == 0, moved.err
    v1 = {c["number"]: c for c in json.loads(run_cli(capsys, register, "camera", "list", "--json").out)}["V1"]
    assert (v1["owner"], v1["venue_id"], v1["sharing_agreement"]) == ("other", None, "ISA 2026/4")
