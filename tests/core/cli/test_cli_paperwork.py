"""``controlroom paperwork s35|s34|specimen --pdf FILE`` as an operator runs it (real PDFs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from controlroom.audit.trail import AuditFilter, entries
from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import NOW, direction_spec, zone_spec
from tests.core.support import commands_for, run_with_db


def paperwork(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``controlroom`` program (core CLI plus the Qt PDF writer).

    An s.35 print says why and to whom (DPA 2018 s.62(3)) unless the test says otherwise.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
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
    return re.sub(r"\s+", " ", done.stdout)


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the PDFs (the SQLite file lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def direction(db_url: str) -> tuple[str, str, int]:
    """A zone and a direction with a surrendered item: (url, reference, zone id)."""

    async def scenario(db: Database) -> tuple[str, int]:
        commands = commands_for(db, now=NOW)
        zone = await commands.authorise_zone(zone_spec())
        given = await commands.give_direction(
            direction_spec(
                surrendered_items=["Bottle of vodka"],
                leave_by=NOW + timedelta(minutes=15),
                route="South along London Road",
            )
        )
        return given.direction.reference, zone.id

    reference, zone_id = run_with_db(db_url, scenario)
    return db_url, reference, zone_id


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
        given = await commands_for(db, now=NOW).give_direction(
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
    done = paperwork(url, "specimen", "--pdf", str(target))
    assert done.returncode == 0, done.stderr
    assert "SPECIMEN-S35-0001" in pdf_text(target) and pages(target) >= 4
    headless = subprocess.run(
        controlroom_cmd("--db", url, "paperwork", "specimen", "--pdf", str(tmp_path / "x.pdf")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert headless.returncode == 2 and "no Qt front end" in headless.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_s35_print_without_reason_or_recipient_is_refused_and_a_print_is_logged(
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

    async def printed(db: Database) -> list[tuple[str, str | None, str | None, object]]:
        return [
            (e.kind, e.justification, e.recipient, e.detail)
            async for e in entries(db, AuditFilter(kind="disclosure"))
        ]

    logged = run_with_db(url, printed)
    assert logged == [("disclosure", "Case file", "CPS", {"reference": reference, "part": "all"})]
