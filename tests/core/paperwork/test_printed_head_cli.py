"""From paper back to the trail: the head printed by ``paperwork s35`` is what ``audit verify`` checks.

Logins are PostgreSQL roles shared by the whole test cluster, so this runs on SQLite;
``test_audit_head_footer`` covers both backends without the command line.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.core.cli.test_cli_paperwork import paperwork, pdf_text
from tests.core.dispersal.test_dispersal import NOW, direction_spec, zone_spec
from tests.core.support import commands_for, run_with_db
from tests.ui.logins import PASSWORD, add_users, audit_entries

AUDITOR = "dpo1"


def _audit(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTROLROOM_USER": AUDITOR, "CONTROLROOM_PASSWORD": PASSWORD}
    return subprocess.run(
        controlroom_cmd("--db", url, "audit", *args),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_the_head_on_a_printed_notice_verifies_the_trail_and_precedes_the_print(
    sqlite_url: str, tmp_path: Path
) -> None:
    async def scenario(db: Database) -> str:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        given = await commands.give_direction(direction_spec(leave_by=NOW + timedelta(minutes=15)))
        return given.direction.reference

    reference = run_with_db(sqlite_url, scenario)
    add_users(sqlite_url, ("sup1", "supervisor", ()), (AUDITOR, "auditor", ()))
    target = tmp_path / "notice.pdf"
    printed = paperwork(sqlite_url, "s35", reference, "--part", "notice", "--pdf", str(target))
    assert printed.returncode == 0, printed.stderr
    found = re.search(r"Audit head: #(\d+) ([0-9a-f]{64})", pdf_text(target))
    assert found, pdf_text(target)[-300:]
    entry_id = int(found.group(1))
    # Read with the paper, so the print's own disclosure is the very next entry.
    following = [e for e in audit_entries(sqlite_url) if e.id == entry_id + 1]
    assert [(e.action, e.detail["document"]) for e in following] == [("paperwork.print", "notice")]
    assert audit_entries(sqlite_url, kind="disclosure")[0].id == entry_id + 1
    # Typed back from the paper, as printed: the trail still holds it.
    checked = _audit(sqlite_url, "verify", "--expect", f"#{entry_id} {found.group(2)}")
    assert checked.returncode == 0, checked.stderr
    assert f"still holds the head noted earlier (entry {entry_id} with hash" in checked.stdout
