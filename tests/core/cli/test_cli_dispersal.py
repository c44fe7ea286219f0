"""``controlroom zone|direction|person|tally`` as an operator runs them: output, exit codes, no writes."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import table_counts
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

POLYGON = "50.9100,-1.4100;50.9100,-1.4030;50.9170,-1.4030;50.9170,-1.4100"
INSIDE = "50.9120,-1.4089"


# Each staffed database's users by role (on PostgreSQL, login roles are cluster-wide).
STAFF: dict[str, dict[str, str]] = {}


def cli(url: str, *args: str, user: str | None = "supervisor") -> subprocess.CompletedProcess[str]:
    """The command line as the database's ``user`` role (None: set-up mode, no login)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CONTROLROOM_USER", "CONTROLROOM_PASSWORD")}
    if user:
        env.update(CONTROLROOM_USER=STAFF.get(url, {}).get(user, user), CONTROLROOM_PASSWORD=PASSWORD)
    return subprocess.run(
        controlroom_cmd("--db", url, *args), capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.fixture
def staffed(db_url: str) -> str:
    return staff(db_url)


def staff(db_url: str) -> str:
    """A database with an administrator, a supervisor and an operator (names in ``STAFF``)."""
    names = unique_names("administrator", "supervisor", "operator")
    add_users(
        db_url,
        (names["supervisor"], "supervisor", ()),
        (names["operator"], "operator", ()),
        admin=names["administrator"],
    )
    STAFF[db_url] = names
    return db_url


def written(url: str) -> dict[str, int]:
    """Rows in every table, less the audit trail's login entries (a refused command still logs in)."""
    counts = run_with_db(url, table_counts)
    logins = run_with_db(url, _logins)
    counts["audit_log"] -= logins
    counts.pop("audit_head", None)
    return counts


async def _logins(db: Database) -> int:
    async with db.read() as conn:
        found = await conn.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("user.login%"))
        )
        return int(found.scalar_one())


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def authorise(
    url: str, *extra: str, hours: str = "12", officer: str = "Insp 1234 Jane Smith"
) -> subprocess.CompletedProcess[str]:
    return cli(
        url,
        "zone",
        "authorise",
        "--name",
        "Bedford Place",
        "--polygon",
        POLYGON,
        "--start",
        _iso(datetime.now(UTC) - timedelta(hours=1)),
        "--signed-at",
        _iso(datetime.now(UTC) - timedelta(hours=1, minutes=5)),
        "--hours",
        hours,
        "--officer",
        officer,
        "--grounds",
        "Harassment of women leaving venues",
        "--rights",
        "No assembly or protest expected",
        *extra,
    )


STATUTE = ("--in-uniform", "--access-kept", "--not-picketing")  # s.35(1), s.36(2)-(4) answered


def give(
    url: str,
    *extra: str,
    age: str = "30",
    hours: str = "24",
    at: str = INSIDE,
    statute: tuple[str, ...] = STATUTE,
    officer: str = "PC 4567 Tom Reed",
) -> subprocess.CompletedProcess[str]:
    return cli(
        url,
        "direction",
        "give",
        "--zone",
        "Bedford Place",
        "--at",
        at,
        "--apparent-age",
        age,
        "--hours",
        hours,
        "--officer",
        officer,
        "--grounds",
        "Following lone women between venues",
        "--necessity",
        "Words of advice were ignored",
        *statute,
        *extra,
    )


@pytest.fixture
def zone_db(staffed: str) -> str:
    db_url = staffed
    done = authorise(db_url, "--log", "LOG-0427", "--area", "Bedford Place and London Road")
    assert done.returncode == 0, done.stderr
    return db_url


def test_authorise_list_give_and_tally(zone_db: str) -> None:
    zones = json.loads(cli(zone_db, "zone", "list", "--json").stdout)
    assert [(z["name"], z["status"], z["log_number"]) for z in zones] == [
        ("Bedford Place", "in force", "LOG-0427")
    ]
    done = give(
        zone_db,
        "--description",
        "Grey hoodie, black jeans",
        "--surrender",
        "Vodka",
        "--belief",
        "Pressing drinks on women",
        "--surrender-in-writing",
        "--route",
        "North",
    )
    assert done.returncode == 0, done.stderr
    reference = done.stdout.strip()
    assert reference.startswith("S35-") and reference.endswith("-001") and "\n" not in reference
    listed = json.loads(cli(zone_db, "direction", "list", "--json").stdout)
    assert [(d["reference"], d["status"], d["surrendered_items"]) for d in listed] == [
        (reference, "active", ["Vodka"])
    ]
    tally = json.loads(cli(zone_db, "tally", "--json").stdout)
    assert (tally["directions"], tally["surrendered_items"], tally["breaches"]) == (1, 1, 0)
    assert "1 directions" in cli(zone_db, "tally").stdout


def test_under_16_prints_the_take_home_task_on_stderr(zone_db: str) -> None:
    done = give(zone_db, "--description", "Boy, about 14", age="14")
    assert done.returncode == 0 and done.stdout.strip().startswith("S35-")
    assert "s.35(7)" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"hours": "48.02"}, "s.35(4) allows no more than 48 hours"),
        ({"age": "9"}, "s.36(1)"),
        ({"at": "50.9060,-1.4044"}, "outside the locality"),
        ({"extra": ("--description", "x", "--no-written-notice", " ")}, "s.35(5)(a)"),
        ({"extra": ()}, "a description of the person (--description) or --subject ID"),
    ],
)
def test_a_refused_direction_exits_2_with_the_section_and_writes_nothing(
    zone_db: str, args: dict[str, object], message: str
) -> None:
    before = written(zone_db)
    options = dict(args)  # parametrize shares the dict between backends: never mutate it
    extra = options.pop("extra", ("--description", "Man in red cap"))
    done = give(zone_db, *extra, **options)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert written(zone_db) == before


@pytest.mark.parametrize(
    ("extra", "hours", "officer", "message"),
    [
        (("--log", "L1"), "48.5", "Insp 1234 Jane Smith", "s.34(1) allows no more than 48 hours"),
        (("--log", "L1"), "12", "Sgt 55 Al Jones", "at least the rank of inspector"),
        ((), "12", "Insp 1234 Jane Smith", "missing: the log number"),
        (("--log", "L1", "--polygon", "50.91,-1.41;50.92"), "12", "Insp 1 A B", "is not LAT,LON"),
    ],
)
def test_a_refused_authorisation_exits_2_and_writes_nothing(
    db_url: str, extra: tuple[str, ...], hours: str, officer: str, message: str
) -> None:
    before = written(db_url)
    done = authorise(db_url, *extra, hours=hours, officer=officer)
    assert done.returncode == 2 and message in done.stderr
    assert written(db_url) == before


def test_persons_warnings_sightings_and_a_breach(zone_db: str) -> None:
    person = cli(
        zone_db, "person", "add", "--description", "Tall man, red puffer jacket", "--name", "John Doe"
    )
    assert person.returncode == 0 and person.stdout.strip() == "1"
    warned = cli(zone_db, "person", "warn", "1", "--officer", "PC 1 Al Bee", "--where", "Outside Velvet Fox")
    assert warned.returncode == 0 and "1 warning(s)" in warned.stdout
    seen = cli(zone_db, "person", "seen", "1", "--at", "50.9060,-1.4044", "--place", "Above Bar Street")
    assert seen.returncode == 0 and "REPEAT BEHAVIOUR" in seen.stdout and "BREACH" not in seen.stdout
    reference = give(zone_db, "--subject", "1").stdout.strip()
    later = _iso(datetime.now(UTC) + timedelta(minutes=5))
    breach = cli(
        zone_db, "person", "seen", "1", "--at", INSIDE, "--seen-at", later, "--behaviour", "loitering"
    )
    assert breach.returncode == 0, breach.stderr
    assert f"POSSIBLE BREACH of {reference}: raised SOT-" in breach.stdout
    listed = cli(zone_db, "person", "list", "--json")
    [entry] = json.loads(listed.stdout)
    assert entry["active_directions"] == [reference] and "name" not in entry
    shown = json.loads(cli(zone_db, "person", "show", "1", "--reason", "Breach file").stdout)
    assert shown["name"] == "John Doe"
    assert json.loads(cli(zone_db, "tally", "--json").stdout)["breaches"] == 1


def test_vary_and_withdraw(zone_db: str) -> None:
    reference = give(zone_db, "--description", "Man in red cap").stdout.strip()
    too_long = cli(
        zone_db, "direction", "vary", reference, "--hours", "49", "--officer", "PC 1 A B", "--reason", "x"
    )
    assert too_long.returncode == 2 and "s.35(8)" in too_long.stderr
    varied = cli(
        zone_db, "direction", "vary", reference, "--hours", "48", "--officer", "PC 1 A B", "--reason", "More"
    )
    assert varied.returncode == 0 and varied.stdout.startswith(f"{reference}: excluded until ")
    done = cli(zone_db, "direction", "withdraw", reference, "--officer", "PC 2 C D", "--reason", "Went home")
    assert done.returncode == 0 and done.stdout.strip() == f"{reference}: withdrawn"
    again = cli(zone_db, "direction", "withdraw", reference, "--officer", "PC 2 C D", "--reason", "x")
    assert again.returncode == 2 and "has been withdrawn" in again.stderr
    missing = cli(
        zone_db, "direction", "withdraw", "S35-19990101-001", "--officer", "PC 2 C D", "--reason", "x"
    )
    assert missing.returncode == 2 and "no direction with reference" in missing.stderr


def test_a_withdrawn_zone_takes_no_more_directions(zone_db: str) -> None:
    done = cli(zone_db, "zone", "withdraw", "1", "--reason", "Crowds gone")
    assert done.returncode == 0 and "withdrawn at" in done.stdout
    refused = give(zone_db, "--description", "Man in red cap")
    assert refused.returncode == 2 and "has been withdrawn" in refused.stderr
    assert json.loads(cli(zone_db, "zone", "list", "--json").stdout)[0]["status"] == "withdrawn"


def test_person_review_erases_identity_or_exits_2(staffed: str) -> None:
    db_url = staffed
    assert (
        cli(db_url, "person", "add", "--description", "Man, green cap", "--name", "A N Other").returncode == 0
    )
    nothing = cli(db_url, "person", "review", "1", "--reason", "Routine")
    assert nothing.returncode == 2 and "sets the next review date or erases" in nothing.stderr
    done = cli(db_url, "person", "review", "1", "--reason", "No further reports", "--erase-identity")
    assert done.returncode == 0 and done.stdout.startswith("person 1: next review ")
    assert json.loads(cli(db_url, "person", "show", "1", "--reason", "Audit").stdout)["name"] is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"statute": ("--access-kept", "--not-picketing")}, "was in uniform: only a constable in uniform"),
        ({"statute": ("--in-uniform", "--not-picketing")}, "(s.36(2) and (3))"),
        ({"statute": ("--in-uniform", "--access-kept", "--picketing")}, "picketing"),
        ({"officer": "PCSO 7001 Sam Hill"}, "designation reference (s.40)"),
        ({"extra": ("--surrender", "Vodka", "--surrender-in-writing")}, "(s.37(1))"),
        (
            {"extra": ("--given-at", "2026-10-25T01:30")},
            "01:30 BST (write 2026-10-25T01:30+01:00) or 01:30 GMT (write 2026-10-25T01:30+00:00)",
        ),
        (
            {"extra": ("--given-at", "2027-03-28T01:30")},
            "00:30 GMT (write 2027-03-28T00:30+00:00) or 02:30 BST",
        ),
    ],
)
def test_the_statute_questions_are_refused_with_exit_2_and_nothing_written(
    zone_db: str, options: dict[str, Any], message: str
) -> None:
    before = written(zone_db)
    values = dict(options)
    extra = ("--description", "Man in red cap", *values.pop("extra", ()))
    done = give(zone_db, *extra, **values)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert written(zone_db) == before


def test_a_zone_cannot_start_before_it_was_signed(staffed: str) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    done = authorise(staffed, "--log", "L1", "--signed-at", _iso(start + timedelta(minutes=1)))
    assert done.returncode == 2 and "before it was signed" in done.stderr


def test_set_up_mode_refuses_persons_of_concern(db_url: str) -> None:
    before = written(db_url)
    done = cli(db_url, "person", "add", "--description", "Tall man, red jacket", user=None)
    assert done.returncode != 0 and "set-up mode (no users yet) may not process personal data" in done.stderr
    assert written(db_url) == before


def test_a_running_direction_take_home_and_the_s62_log(zone_db: str) -> None:
    child = give(zone_db, "--description", "Girl, about 14, pink coat", age="14")
    reference = child.stdout.strip()
    again = give(zone_db, "--subject", "1")
    assert again.returncode == 2 and "not a fresh 48 hours" in again.stderr
    fresh = give(
        zone_db, "--subject", "1", "--supervisor", "Sgt 22 Kim Lo", "--supervisor-reason", "New group"
    )
    assert fresh.returncode == 0, fresh.stderr
    outcome = cli(
        zone_db,
        "direction",
        "take-home",
        reference,
        "--taken-to",
        "Home",
        "--by",
        "PC 4567 Tom Reed",
        "--told",
        "Her father",
        "--referral",
        "Children's services",
    )
    assert outcome.returncode == 0 and "take-home outcome recorded" in outcome.stdout
    shown = cli(zone_db, "direction", "show", reference, "--reason", "Safeguarding review", "--json")
    assert shown.returncode == 0, shown.stderr
    paper = json.loads(shown.stdout)
    assert paper["reference"] == reference and paper["in_uniform"] is True
    assert cli(zone_db, "direction", "list", user="operator").returncode == 0
    sup1, op1 = STAFF[zone_db]["supervisor"], STAFF[zone_db]["operator"]
    logged = run_with_db(zone_db, _reads)
    assert (sup1, "direction.consult", "Safeguarding review") in logged
    assert (op1, "dispersal.read", None) in logged
    assert (sup1, "direction.combine", None) in logged


async def _reads(db: Database) -> list[tuple[str, str, str | None]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.justification).where(
                AuditEntry.action.in_(("direction.consult", "dispersal.read", "direction.combine"))
            )
        )
        return [(str(a), str(b), c) for a, b, c in rows.all()]
