"""Text people type is stored exactly, printed inert, refused when too long (issue #7).

Hostile values (``tests/payloads.py``) go in through the real commands and the real
command line on a real database; they must come back byte for byte, never move a
terminal (no raw ESC or bidi controls in what the CLI prints), print as literal text
on the paperwork, and a 100 KB value must be refused, naming the limit, before
anything is written.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from controlroom.cli.terminal import json_text, shown
from controlroom.core.errors import ValidationError
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.dispersal.persons import NewSubject
from controlroom.dispersal.queries import list_subjects
from controlroom.incidents.queries import active_flags, incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.paperwork.render import render_authorisation, render_direction
from controlroom.storage.database import Database
from controlroom.venues.commands import VenueSpec
from tests.conftest import ROOT
from tests.core.cli.test_cli_dispersal import cli, staff, written
from tests.core.dispersal.test_dispersal import INSIDE, direction_spec, table_counts, zone_spec
from tests.core.support import commands_for, run_with_db
from tests.payloads import ANSI, HUGE, NAME, PLACE, RLO, SQL, TERMINAL_CONTROLS, TEXT

VENUE_AT = (50.9115, -1.4089)


@dataclass(frozen=True)
class Hostile:
    """References and ids of records whose every typed field is a payload."""

    url: str
    at_venue: str
    at_point: str
    flag_id: int
    subject_id: int
    zone_id: int
    direction: str


async def _record_hostile(db: Database) -> dict[str, Any]:
    # The real clock (the CLI lists what is active now); personal data needs a user's role.
    commands = commands_for(db, role="supervisor")
    now = datetime.now(UTC)
    await commands.upsert_venue(
        VenueSpec(name=NAME, kind="bar", lat=VENUE_AT[0], lon=VENUE_AT[1], is_safe_space=True)
    )
    at_venue = await commands.report_incident(
        NewIncident(category="harassment", source="licensed_premises", summary=TEXT, grade=2, venue=NAME)
    )
    at_point = await commands.report_incident(
        NewIncident(
            category="other", source="public", summary=TEXT, lat=50.9060, lon=-1.4044, place=PLACE, grade=3
        )
    )
    await commands.update_incident(at_point.reference, note=TEXT)
    flag = await commands.flag_location(behaviour="following", reason=TEXT, at=INSIDE, place=PLACE)
    subject = await commands.add_subject(NewSubject(description=TEXT))
    zone = await commands.authorise_zone(
        zone_spec(name=NAME, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=12))
    )
    given = await commands.give_direction(
        direction_spec(
            zone=str(zone.id),
            description=None,
            subject_id=subject.id,
            grounds=TEXT,
            behaviour=TEXT,
            route=TEXT,
            surrendered_items=[PLACE],
        )
    )
    return {
        "at_venue": at_venue.reference,
        "at_point": at_point.reference,
        "flag_id": flag.id,
        "subject_id": subject.id,
        "zone_id": zone.id,
        "direction": given.direction.reference,
    }


@pytest.fixture
def hostile(sqlite_url: str) -> Hostile:
    staff(sqlite_url)  # the command line reads persons and directions as a logged-in supervisor
    return Hostile(url=sqlite_url, **run_with_db(sqlite_url, _record_hostile))


def assert_inert_on_a_terminal(out: str) -> None:
    for control in TERMINAL_CONTROLS:
        assert control not in out, f"raw {control!r} reached the terminal"


# ---------------------------------------------------------------- stored exactly


def test_typed_text_is_stored_and_read_back_exactly(db_url: str) -> None:
    async def scenario(db: Database) -> None:
        refs = await _record_hostile(db)
        venue_incident = (await incident_detail(db, refs["at_venue"])).incident
        point = await incident_detail(db, refs["at_point"])
        assert venue_incident.summary == TEXT and venue_incident.place == NAME
        assert point.incident.summary == TEXT and point.incident.place == PLACE
        assert [e.detail.get("text") for e in point.timeline if e.kind == "note"] == [TEXT]
        (flag,) = await active_flags(db, datetime.now(UTC))
        assert (flag.flag.reason, flag.flag.place) == (TEXT, PLACE)
        (subject,) = await list_subjects(db)
        assert subject.description == TEXT
        paper = await direction_paper(db, refs["direction"])
        assert (paper.grounds, paper.behaviour, paper.route) == (TEXT, TEXT, TEXT)
        assert paper.surrendered_items == (PLACE,) and paper.zone.name == NAME

    run_with_db(db_url, scenario)


def test_report_from_the_command_line_round_trips_through_incident_show(sqlite_url: str) -> None:
    done = cli(
        sqlite_url,
        *("report", "--at", "50.9060,-1.4044", "--place", PLACE),
        *("--category", "other", "--source", "public", "--summary", TEXT),
    )
    assert done.returncode == 0, done.stderr
    shown_json = cli(sqlite_url, "incident", "show", done.stdout.strip(), "--json")
    assert_inert_on_a_terminal(shown_json.stdout)
    incident = json.loads(shown_json.stdout)["incident"]
    assert (incident["summary"], incident["place"]) == (TEXT, PLACE)


# ---------------------------------------------------------------- the terminal


def test_human_output_shows_controls_instead_of_obeying_them(hostile: Hostile) -> None:
    outputs = {
        "incident show": cli(hostile.url, "incident", "show", hostile.at_point),
        "incident show (venue)": cli(hostile.url, "incident", "show", hostile.at_venue),
        "flags": cli(hostile.url, "flags"),
        "direction list": cli(hostile.url, "direction", "list"),
        "person list": cli(hostile.url, "person", "list"),
        "zone list": cli(hostile.url, "zone", "list"),
        "safe-space": cli(hostile.url, "safe-space", NAME, "--status", "full"),
    }
    for what, done in outputs.items():
        assert done.returncode == 0, (what, done.stderr)
        assert_inert_on_a_terminal(done.stdout)
        assert "\\x1b[2J" in done.stdout, what  # shown, as an escape a person can read
        assert "<img src=" in done.stdout, what  # printed as typed
    incident = outputs["incident show"].stdout
    assert "\\u202eexe.live" in incident and "Robert'); DROP TABLE incidents;--" in incident
    # Place, summary, and the note in the timeline: each shown, none obeyed.
    assert incident.count("\\x1b]0;owned\\x07") == 3


def test_json_output_is_escaped_and_decodes_to_the_stored_text(hostile: Hostile) -> None:
    listings = {
        "incident": cli(hostile.url, "incident", "show", hostile.at_point, "--json"),
        "flags": cli(hostile.url, "flags", "--json"),
        "directions": cli(hostile.url, "direction", "list", "--json"),
        "persons": cli(hostile.url, "person", "list", "--json"),
        "zones": cli(hostile.url, "zone", "list", "--json"),
    }
    for done in listings.values():
        assert done.returncode == 0, done.stderr
        assert_inert_on_a_terminal(done.stdout)
    data = {what: json.loads(done.stdout) for what, done in listings.items()}
    assert data["incident"]["incident"]["summary"] == TEXT
    assert data["incident"]["incident"]["place"] == PLACE
    assert [(f["reason"], f["place"]) for f in data["flags"]] == [(TEXT, PLACE)]
    assert [d["subject_description"] for d in data["directions"]] == [TEXT]
    assert [p["description"] for p in data["persons"]] == [TEXT]
    assert [z["name"] for z in data["zones"]] == [NAME]


def test_watch_prints_typed_names_json_escaped(sqlite_url: str) -> None:
    watcher = subprocess.Popen(
        [sys.executable, "-m", "controlroom", "--db", sqlite_url, "watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watcher.stdout is not None
        assert json.loads(watcher.stdout.readline())["event"] == "ready"

        async def add_venue(db: Database) -> None:
            await commands_for(db).upsert_venue(VenueSpec(name=NAME, kind="bar", lat=50.9115, lon=-1.4089))

        run_with_db(sqlite_url, add_venue)
        line = watcher.stdout.readline()
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    assert_inert_on_a_terminal(line)
    assert json.loads(line)["name"] == NAME


def test_terminal_helpers_keep_every_character_recoverable() -> None:
    assert shown(f"a\tb\nc{ANSI}") == "a b c\\x1b[2J\\x1b[31mRED\\x1b]0;owned\\x07\\x9b0m"
    assert shown(RLO + "\U000e0041") == "\\u202eexe.live\\U000e0041"
    tricky = {"text": f"{TEXT}\u2028\U000e0041\udcff café"}
    out = json_text(tricky, indent=2)
    assert_inert_on_a_terminal(out)
    assert "café" in out and "\u2028" not in out and "\U000e0041" not in out
    assert json.loads(out) == tricky


# ---------------------------------------------------------------- too long


def _venue_named(name: str) -> Any:
    async def scenario(db: Database) -> None:
        await commands_for(db).upsert_venue(VenueSpec(name=name, kind="bar", lat=50.9115, lon=-1.4089))

    return scenario


HUGE_ARGUMENTS = {
    "summary": (("report", "--venue", "Velvet Fox", "--category", "other", "--source", "cctv"), "--summary"),
    "place": (
        ("report", "--at", "50.9060,-1.4044", "--category", "other", "--source", "cctv", "--summary", "x"),
        "--place",
    ),
    "note": (("incident", "update", "{ref}"), "--note"),
    "flag reason": (("flag", "--venue", "Velvet Fox", "--behaviour", "following"), "--reason"),
    "flag place": (
        ("flag", "--at", "50.9060,-1.4044", "--behaviour", "following", "--reason", "x"),
        "--place",
    ),
    "person description": (("person", "add"), "--description"),
    "warning place": (("person", "warn", "1", "--officer", "PC 1 A"), "--where"),
    "zone name": (("zone", "authorise"), "--name"),
    "direction grounds": (("direction", "give", "--description", "x"), "--grounds"),
    "surrendered item": (("direction", "give", "--description", "x"), "--surrender"),
}


@pytest.fixture
def base_db(sqlite_url: str) -> tuple[str, str]:
    """Velvet Fox, one incident, one person of concern, a zone in force: (url, reference)."""

    async def scenario(db: Database) -> str:
        commands = commands_for(db, role="supervisor")
        await _venue_named("Velvet Fox")(db)
        incident = await commands.report_incident(
            NewIncident(category="other", source="cctv", summary="Woman alone", venue="Velvet Fox")
        )
        await commands.add_subject(NewSubject(description="Male, 20s"))
        now = datetime.now(UTC)
        await commands.authorise_zone(
            zone_spec(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=12))
        )
        return incident.reference

    staff(sqlite_url)
    return sqlite_url, run_with_db(sqlite_url, scenario)


def _zone_and_direction_arguments(command: tuple[str, ...]) -> tuple[str, ...]:
    if command[0] == "zone":
        now = datetime.now(UTC)
        start, signed = now.isoformat(timespec="minutes"), (now - timedelta(minutes=2)).isoformat()
        return (
            *command,
            *("--polygon", "50.9100,-1.4100;50.9100,-1.4030;50.9170,-1.4030", "--start", start),
            *("--signed-at", signed),
            *("--hours", "12", "--officer", "Insp 1234 Jane Smith", "--grounds", "g", "--rights", "r"),
            *("--log", "L-1", "--name", "ok"),
        )
    if command[0] == "direction":
        return (
            *command,
            *("--zone", "Bedford Place", "--at", "50.9120,-1.4089", "--apparent-age", "30"),
            *("--hours", "24", "--officer", "PC 4567 Tom Reed", "--grounds", "g", "--necessity", "n"),
            *("--in-uniform", "--access-kept", "--not-picketing"),
        )
    return command


@pytest.mark.parametrize("field", list(HUGE_ARGUMENTS))
def test_a_100_kb_value_is_refused_naming_the_limit_and_nothing_is_written(
    base_db: tuple[str, str], field: str
) -> None:
    url, reference = base_db
    command, option = HUGE_ARGUMENTS[field]
    arguments = _zone_and_direction_arguments(tuple(a.format(ref=reference) for a in command))
    before = written(url)
    done = cli(url, *arguments, option, HUGE)
    assert done.returncode == 2, done.stderr
    assert "characters long; the limit is" in done.stderr and "100000" in done.stderr
    assert len(done.stderr) < 1000  # the message names the size, it does not echo 100 KB back
    assert written(url) == before


@pytest.mark.parametrize(
    "field",
    ["clothing", "distinguishing_features"],
)
def test_a_100_kb_person_detail_is_refused_or_cut(sqlite_url: str, field: str) -> None:
    async def scenario(db: Database) -> str:
        try:
            commands = commands_for(db, role="supervisor")
            subject = await commands.add_subject(NewSubject(description="Male, 20s", **{field: HUGE}))
        except ValidationError as exc:
            return str(exc)
        return str(len(getattr(subject, field)))

    outcome = run_with_db(sqlite_url, scenario)
    assert "limit" in outcome or int(outcome) <= 2000


def test_a_partners_100_kb_venue_name_is_refused(sqlite_url: str) -> None:
    before = run_with_db(sqlite_url, table_counts)
    with pytest.raises(ValidationError, match="venue name is 100000 characters long; the limit is 200"):
        run_with_db(sqlite_url, _venue_named(HUGE))
    assert run_with_db(sqlite_url, table_counts) == before


# ---------------------------------------------------------------- paperwork


def test_paperwork_from_the_database_prints_payloads_as_text(hostile: Hostile) -> None:
    paper = run_with_db(hostile.url, lambda db: direction_paper(db, hostile.direction))
    zone_paper = run_with_db(hostile.url, lambda db: authorisation_paper(db, hostile.zone_id))
    documents = [render_direction(paper, part) for part in ("notice", "record", "receipt")]
    documents.append(render_authorisation(zone_paper))
    for document in documents:
        html = document.html.replace("\u200b", "")  # break opportunities in long runs
        assert "&lt;img src=&#34;http://pwned.invalid/x.png&#34;" in html, document.title
        assert '<img src="http' not in html and "<script>" not in html and "<a href" not in html
        assert "[U+202E]exe.live" in html and "\u202e" not in html and "\x1b" not in html
        for svg in document.images.values():
            assert "<img" not in svg and "<script" not in svg and "\u202e" not in svg


# ---------------------------------------------------------------- SQL


def _flagged_sql_strings() -> list[tuple[Path, int]]:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ruff"),
            *("check", "--select", "S608", "--ignore-noqa", "--output-format", "json", "--exit-zero"),
            *("controlroom", "ui"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [(Path(hit["filename"]), hit["location"]["row"]) for hit in json.loads(done.stdout)]


def _is_constant(node: ast.expr) -> bool:
    """A module constant (``_COLUMNS``) or a mapped table's name: never a value someone typed."""
    if isinstance(node, ast.Name):
        return node.id.lstrip("_").isupper()
    return isinstance(node, ast.Attribute) and node.attr == "__tablename__"


def test_sql_built_from_strings_interpolates_only_constants() -> None:
    flagged = _flagged_sql_strings()
    assert flagged, "ruff S608 found nothing: is the check still running on controlroom/ and ui/?"
    for path, row in flagged:
        tree = ast.parse(path.read_text())
        strings = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr) and node.lineno <= row <= (node.end_lineno or node.lineno)
        ]
        assert strings, f"{path}:{row}: SQL built by % or .format(); use bound parameters"
        for node in strings:
            values = [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
            assert all(_is_constant(v) for v in values), f"{path}:{row}: a value is pasted into SQL"


def test_security_rules_are_selected_and_pass() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "S" in config["tool"]["ruff"]["lint"]["select"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--select", "S", "controlroom", "ui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_sql_payloads_are_data(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int]]:
        commands = commands_for(db)
        await _venue_named("Velvet Fox")(db)
        before = await table_counts(db)
        incident = await commands.report_incident(
            NewIncident(category="other", source="cctv", summary=SQL, venue="Velvet Fox")
        )
        return (await incident_detail(db, incident.reference)).incident.summary, before

    summary, before = run_with_db(db_url, scenario)
    assert summary == SQL
    assert run_with_db(db_url, table_counts)["incidents"] == before["incidents"] + 1
