"""``controlroom paperwork s35|s34|specimen --pdf FILE`` as an operator runs it (real PDFs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from controlroom.audit.trail import AuditFilter, entries
from controlroom.dispersal.consult import INTERNAL_USE
from controlroom.dispersal.directions import DirectionVariation
from controlroom.storage.database import Database
from controlroom.storage.models import Direction
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import NOW, direction_spec, zone_spec
from tests.core.support import commands_for, run_with_db
from tests.ui.logins import PASSWORD, add_users

USER = "sup1"


def paperwork(db_url: str, *args: str, user: str | None = USER) -> subprocess.CompletedProcess[str]:
    """The installed ``controlroom`` program (core CLI plus the Qt PDF writer), logged in as ``user``.

    An s.35 print says why and to whom (DPA 2018 s.62(3)) unless the test says otherwise;
    set-up mode (no users) may not print personal data, so the tests log in.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CONTROLROOM_USER", None)
    env.pop("CONTROLROOM_PASSWORD", None)
    if user:
        env.update(CONTROLROOM_USER=user, CONTROLROOM_PASSWORD=PASSWORD)
    if args[:1] == ("s35",) and "--reason" not in args:
        args = (*args, "--reason", "Notice for the man directed", "--recipient", "the person directed")
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", db_url, "paperwork", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    # The PDF's font sets "ff" and "fi" as ligatures; read them back as the letters typed.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", done.stdout))


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the PDFs (the SQLite file lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# Logins are PostgreSQL roles, shared by every database of the test cluster, so the tests
# that print as a logged-in supervisor run on SQLite; tests/core/paperwork covers both backends.
@pytest.fixture
def direction(sqlite_url: str) -> tuple[str, str, int]:
    """A zone and a direction with a surrendered item, and a supervisor to print it: (url, ref, zone id)."""

    async def scenario(db: Database) -> tuple[str, int]:
        commands = commands_for(db, now=NOW, role="supervisor")
        zone = await commands.authorise_zone(zone_spec())
        given = await commands.give_direction(
            direction_spec(
                surrendered_items=["Bottle of vodka"],
                leave_by=NOW + timedelta(minutes=15),
                route="South along London Road",
            )
        )
        return given.direction.reference, zone.id

    reference, zone_id = run_with_db(sqlite_url, scenario)
    add_users(sqlite_url, (USER, "supervisor", ()))
    return sqlite_url, reference, zone_id


def test_s35_all_parts_in_one_pdf(direction: tuple[str, str, int], out: Path) -> None:
    url, reference, _ = direction
    target = out / "direction.pdf"
    done = paperwork(url, "s35", reference.lower(), "--pdf", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {target}: ") and "Receipt for surrendered items" in done.stdout
    text = pdf_text(target)
    assert text.count(reference) >= 6  # box and footer on every document
    for expected in (
        "Direction to leave an area",
        "Record of a direction to leave an area",
        "Receipt for surrendered items",
        "Constable 4567 Tom Reed",
        "White male, about 30, grey hoodie",
        "23:45 on Friday 27 November 2026 (GMT)",  # leave by
        "23:30 on Saturday 28 November 2026 (GMT)",  # exclusion ends (24 h)
        "South along London Road",
        "Bottle of vodka",
        "Southampton Central Police Station",
        "LOG-20261127-0427",
    ):
        assert expected in text, expected
    assert sorted(p.name for p in out.iterdir()) == ["direction.pdf"]  # no temporary left


def test_s35_notice_alone_and_s34_form(direction: tuple[str, str, int], out: Path) -> None:
    url, reference, zone_id = direction
    notice, form = out / "notice.pdf", out / "form.pdf"
    assert paperwork(url, "s35", reference, "--part", "notice", "--pdf", str(notice)).returncode == 0
    assert pages(notice) == 1 and "Record of a direction" not in pdf_text(notice)
    done = paperwork(url, "s34", str(zone_id), "--pdf", str(form), "--force-name", "Hampshire <Test>")
    assert done.returncode == 0, done.stderr
    text = pdf_text(form)
    assert "Authorisation to use dispersal powers" in text and "Hampshire <Test>" in text
    assert "Inspector 1234 Jane Smith" in text and "LOG-20261127-0427" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s35", "S35-20990101-999"], "no direction with reference 'S35-20990101-999'"),
        (["s34", "999"], "no dispersal zone number 999"),
        (["s34", "Nowhere Street"], "no dispersal zone named 'Nowhere Street'"),
    ],
)
def test_unknown_records_exit_2_naming_them_and_write_nothing(
    direction: tuple[str, str, int], out: Path, args: list[str], message: str
) -> None:
    url, _, _ = direction
    done = paperwork(url, *args, "--pdf", str(out / "out.pdf"))
    assert done.returncode == 2
    assert message in done.stderr
    assert list(out.iterdir()) == []


def test_a_missing_folder_or_a_receipt_without_items_exits_2(
    direction: tuple[str, str, int], out: Path
) -> None:
    url, reference, _ = direction
    done = paperwork(url, "s35", reference, "--pdf", str(out / "no" / "such" / "out.pdf"))
    assert done.returncode == 2 and "does not exist; create it first" in done.stderr
    done = paperwork(url, "s35", reference, "--pdf", str(out))
    assert done.returncode == 2 and "is a folder" in done.stderr

    async def no_items(db: Database) -> str:
        given = await commands_for(db, now=NOW, role="supervisor").give_direction(
            direction_spec(description="Second man, red cap")
        )
        return given.direction.reference

    other = run_with_db(url, no_items)
    done = paperwork(url, "s35", other, "--part", "receipt", "--pdf", str(out / "r.pdf"))
    assert done.returncode == 2 and f"direction {other} has no surrendered items" in done.stderr
    assert list(out.iterdir()) == []


def test_specimen_needs_no_records_and_headless_install_says_why_not(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    target = tmp_path / "specimen.pdf"
    done = paperwork(url, "specimen", "--pdf", str(target), user=None)
    assert done.returncode == 0, done.stderr
    text = pdf_text(target)
    assert "SPECIMEN-S35-0001" in text and "SPECIMEN-S35-0002" in text and pages(target) >= 7
    headless = subprocess.run(
        controlroom_cmd("--db", url, "paperwork", "specimen", "--pdf", str(tmp_path / "x.pdf")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert headless.returncode == 2 and "no Qt front end" in headless.stderr
    assert not (tmp_path / "x.pdf").exists()


# Every element issue #13 asks the paperwork to print, as pdftotext reads it back from the
# specimen PDF (two directions and the s.34 form; see controlroom.paperwork.specimen).
SPECIMEN_ELEMENTS = (
    # s.34 form (item 1, 14)
    "Signed at (s.34(4)) 19:40 on Friday 27 November 2026 (GMT)",
    "From 20:00 on Friday 27 November 2026 (GMT)",
    "Withdrawn at 03:00 on Sunday 29 November 2026 (GMT) because Specimen: the venues closed early",
    "the powers given by section 35 may be necessary",
    "Rights of freedom of expression and assembly (s.34(3))",
    # collection follows the current end, or the withdrawal (item 2)
    "from 01:10 on Sunday 29 November 2026 (GMT) (when your exclusion ends)",
    "from 04:00 on Saturday 28 November 2026 (GMT) (when the direction was withdrawn)",
    "withdrawn at 04:00 on Saturday 28 November 2026 (GMT), so the items can be collected from then",
    # 28 days and under 16 (item 3)
    "Ask for them by the end of Friday 25 December 2026",
    "28 days beginning with the day the direction was given",
    "will be returned only to your parent or another responsible adult",
    "Only a parent or other responsible adult (the person appears to be under 16)",
    # s.37 surrender (item 4)
    "Constable's belief (s.37) Specimen: the bottle was waved at women passing",
    "Surrender direction in writing Yes",
    "Surrender direction in writing No: Specimen: told verbally",
    "You refused to surrender: Laser pointer.",
    "Refusing to surrender is an offence (s.39(3)).",
    # who gave it (item 5)
    "by Constable: PC 0001 B. Specimen; in uniform: yes",
    "PCSO (designated, ref SPECIMEN-DES-0005): PCSO 0005 F. Specimen; in uniform: yes",
    "Any constable may vary or withdraw this direction (section 35(8))",
    # the s.38 record (item 6)
    "OS grid SU 41",
    "Offence warning given (s.35(6)) Not given: Specimen: she walked off",
    "Written notice given (s.35(5)(a)) Not given, not reasonably practicable: Specimen: no forms left",
    "Why necessary (s.35(3)) Specimen: two requests to move on were ignored",
    "Grounds for suspicion (s.35(2)) Specimen: likely to contribute",
    "Access kept (s.36(2)-(3)) Confirmed",
    "Picket or procession (s.36(4)) Confirmed",
    "Variation 28/11/2026 02:05 GMT Sergeant 0003 D. Specimen",
    "Withdrawal 28/11/2026 04:00 GMT PC 0001 B. Specimen",
    "recorded by specimen",
    "Given at 28/11/2026 02:10 GMT",
    "Not given: Specimen: she had left the area and could not be found",
    "Who was told His mother, in person, at 02:40 on Saturday 28 November 2026 (GMT)",
    "Safeguarding referral Specimen: safeguarding referral SPEC-REF-0001",
    "Given while direction SPECIMEN-S35-0000 to this person was still running.",
    "Reason: Specimen: the earlier direction named London Road only",
    "Recorded at 01:20 on Saturday 28 November 2026 (GMT)",
    # words and plan (item 13)
    "Where the words and the plan differ, the words prevail; the plan is for identification.",
    "the area is the area shaded on this plan, which defines it.",
    "Area you must leave The area shaded on the plan",
)


def test_the_specimen_pdf_prints_every_element(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    target = tmp_path / "specimen.pdf"
    assert paperwork(url, "specimen", "--pdf", str(target), user=None).returncode == 0
    text = pdf_text(target)
    missing = [element for element in SPECIMEN_ELEMENTS if element not in text]
    assert missing == []
    assert "police officer" not in text.lower() and "sections 35 to 37" not in text


def test_a_reprint_after_variation_and_withdrawal_reads_back_without_contradiction(
    direction: tuple[str, str, int], out: Path
) -> None:
    url, reference, _ = direction

    async def vary(db: Database) -> None:
        await commands_for(db, now=NOW + timedelta(hours=1), role="supervisor").vary_direction(
            reference,
            DirectionVariation(officer="PS 12 Ann Cole", reason="Came back", hours_from_first_given=30),
        )

    async def withdraw(db: Database) -> None:
        await commands_for(db, now=NOW + timedelta(hours=2), role="supervisor").withdraw_direction(
            reference, officer="PC 9 Ann Cole", reason="Wrong man"
        )

    run_with_db(url, vary)
    varied = out / "varied.pdf"
    assert paperwork(url, "s35", reference, "--pdf", str(varied)).returncode == 0
    text = pdf_text(varied)
    assert text.count("05:30 on Sunday 29 November 2026 (GMT)") >= 4  # notice (twice), record, receipt
    assert "23:30 on Saturday 28 November 2026" not in text  # the first end is gone everywhere
    assert "Came back" in text and "exclusion ends now 29/11/2026 05:30 GMT" in text
    run_with_db(url, withdraw)
    withdrawn = out / "withdrawn.pdf"
    assert paperwork(url, "s35", reference, "--pdf", str(withdrawn)).returncode == 0
    text = pdf_text(withdrawn)
    assert "from 01:30 on Saturday 28 November 2026 (GMT) (when the direction was withdrawn)" in text
    assert "Not before 01:30 on Saturday 28 November 2026 (GMT)" in text
    assert "Wrong man" in text and "Constable 9 Ann Cole" in text


def test_setup_mode_may_not_print_a_persons_paperwork(db_url: str, out: Path) -> None:
    async def scenario(db: Database) -> str:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        return (await commands.give_direction(direction_spec())).direction.reference

    reference = run_with_db(db_url, scenario)
    done = paperwork(db_url, "s35", reference, "--pdf", str(out / "n.pdf"), user=None)
    assert done.returncode != 0 and "set-up mode (no users yet) may not process personal data" in done.stderr
    assert list(out.iterdir()) == []


def test_s35_print_without_reason_or_recipient_is_refused_and_each_document_is_logged(
    direction: tuple[str, str, int], out: Path
) -> None:
    url, reference, _ = direction
    target = out / "notice.pdf"
    missing = paperwork(url, "s35", reference, "--reason", "File copy", "--pdf", str(target))
    assert missing.returncode == 2 and "--recipient" in missing.stderr
    assert list(out.iterdir()) == []
    blank = paperwork(url, "s35", reference, "--reason", " ", "--recipient", "x", "--pdf", str(target))
    assert blank.returncode == 2 and "s.62" in blank.stderr and list(out.iterdir()) == []
    done = paperwork(
        url, "s35", reference, "--reason", "Case file", "--recipient", "CPS", "--pdf", str(target)
    )
    assert done.returncode == 0, done.stderr
    alone = paperwork(
        url,
        "s35",
        reference,
        "--part",
        "record",
        "--reason",
        "Review",
        "--recipient",
        "x",
        "--pdf",
        str(target),
    )
    assert alone.returncode == 0, alone.stderr

    async def printed(db: Database) -> tuple[int, list[tuple[Any, ...]]]:
        async with db.read() as conn:
            direction_id = (
                await conn.execute(select(Direction.id).where(Direction.reference == reference))
            ).scalar_one()
        rows = [
            (e.action, e.entity, e.entity_id, e.justification, e.recipient, e.detail, e.actor)
            async for e in entries(db, AuditFilter(kind="disclosure"))
        ]
        return direction_id, rows

    direction_id, logged = run_with_db(url, printed)
    assert logged == [
        (
            "paperwork.print",
            "direction",
            direction_id,
            "Case file",
            recipient,
            {"reference": reference, "document": part},
            USER,
        )
        for part, recipient in (("notice", "CPS"), ("record", INTERNAL_USE), ("receipt", "CPS"))
    ] + [
        (
            "paperwork.print",
            "direction",
            direction_id,
            "Review",
            INTERNAL_USE,
            {"reference": reference, "document": "record"},
            USER,
        )
    ]
