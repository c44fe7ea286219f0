"""Schema upgrades run one at a time, and a schema from a newer program is refused clearly.

24 ``controlroom report`` processes started together on a new file, or on a file an
older version left, all succeed; on PostgreSQL several ``db upgrade`` at once do too.
A database whose revision this program does not know says so and says to upgrade the
program (exit 2), never to run ``db upgrade``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from controlroom.storage.database import Database
from controlroom.storage.migrate import (
    HEAD_REVISION,
    NewerSchemaError,
    current_revision,
    ensure_schema,
    upgrade,
)
from controlroom.storage.models import Incident
from tests.conftest import controlroom_cmd, run_isolated
from tests.core.support import migrate_to, run_with_db

PROCESSES = 24
NEWER = "0999_from_a_newer_program"


def _report_command(url: str, n: int) -> list[str]:
    return controlroom_cmd(
        "--db", url, "report", "--at", "50.905,-1.404", "--place", "East Street",
        "--category", "harassment", "--source", "cctv", "--summary", f"started together {n}",
    )  # fmt: skip


def _start_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        for c in commands
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    return [
        subprocess.CompletedProcess(p.args, p.returncode, *out) for p, out in zip(procs, outputs, strict=True)
    ]


def _summaries(url: str) -> list[str]:
    async def read(db: Database) -> list[str]:
        async with db.read() as conn:
            return list((await conn.execute(select(Incident.summary))).scalars())

    return run_with_db(url, read)


@pytest.mark.parametrize("older", [None, "0007"], ids=["new-file", "older-file"])
def test_reports_started_together_all_succeed_while_one_of_them_migrates(
    tmp_path: Path, older: str | None
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'together.sqlite3'}"
    if older:
        run_isolated(migrate_to(url, older))
        assert run_with_db(url, current_revision) == older

    done = _start_together([_report_command(url, n) for n in range(PROCESSES)])

    failures = [(p.returncode, p.stderr) for p in done if p.returncode != 0 or p.stderr]
    assert failures == []
    assert len({p.stdout.strip() for p in done}) == PROCESSES  # a reference each, none shared
    assert sorted(_summaries(url)) == sorted(f"started together {n}" for n in range(PROCESSES))
    assert run_with_db(url, current_revision) == HEAD_REVISION


def test_postgresql_upgrades_started_together_all_succeed(pg_cluster: Any) -> None:
    url = pg_cluster.create_database()  # empty: every process finds work to do

    done = _start_together([controlroom_cmd("--db", url, "db", "upgrade") for _ in range(6)])

    assert [(p.returncode, p.stderr) for p in done if p.returncode != 0 or p.stderr] == []
    assert run_with_db(url, current_revision) == HEAD_REVISION


async def _written_by_a_newer_program(db: Database) -> None:
    async with db.write() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})


def _assert_says_upgrade_the_program(message: str) -> None:
    assert NEWER in message
    assert f"up to {HEAD_REVISION}" in message
    assert "newer version" in message and "upgrade this program" in message.lower()
    assert "db upgrade" not in message


def test_a_newer_schema_is_refused_at_start_with_what_to_do(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, str, str | None]:
        await _written_by_a_newer_program(db)
        with pytest.raises(NewerSchemaError) as at_start:
            await ensure_schema(db)
        with pytest.raises(NewerSchemaError) as upgrading:
            await upgrade(db)
        return str(at_start.value), str(upgrading.value), await current_revision(db)

    at_start, upgrading, revision = run_with_db(db_url, scenario)
    _assert_says_upgrade_the_program(at_start)
    _assert_says_upgrade_the_program(upgrading)
    assert revision == NEWER  # nothing was touched
    assert NewerSchemaError.exit_code == 2


@pytest.mark.parametrize("command", [["db", "upgrade"], ["venues"]], ids=["db-upgrade", "venues"])
def test_the_command_line_refuses_a_newer_schema_with_exit_2(db_url: str, command: list[str]) -> None:
    run_with_db(db_url, _written_by_a_newer_program)

    done = subprocess.run(
        controlroom_cmd("--db", db_url, *command),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    _assert_says_upgrade_the_program(done.stderr)
    assert run_with_db(db_url, current_revision) == NEWER
