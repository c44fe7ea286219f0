"""``controlroom camera task NUMBER REF [--preset P]`` and ``camera release NUMBER``."""

from __future__ import annotations

import pytest

from controlroom.incidents.queries import incident_detail
from controlroom.storage.database import Database
from tests.core.cameras.support import register_counts, run_cli
from tests.core.cameras.test_tasking import JUNCTION, _incident
from tests.core.support import commands_for, run_with_db


def test_task_and_release_from_the_command_line(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    async def setting(db: Database) -> str:
        commands = commands_for(db)
        await commands.add_camera(JUNCTION)
        return await _incident(commands, "fight")

    reference = run_with_db(db_url, setting)
    before = register_counts(db_url)

    refused = run_cli(capsys, db_url, "camera", "task", "P7", reference, "--preset", "Roof")
    assert refused.code == 2 and "has no preset 'Roof'; its presets are Bar door, North" in refused.err
    assert register_counts(db_url) == before

    tasked = run_cli(capsys, db_url, "camera", "task", "p7", reference.lower(), "--preset", "bar door")
    released = run_cli(capsys, db_url, "camera", "release", "P7")

    assert tasked.out == f"CCTV: camera P7, preset Bar door on {reference}\n"
    assert released.out == "camera P7 released\n"
    timeline = run_with_db(db_url, lambda db: incident_detail(db, reference)).timeline
    assert [e.describe() for e in timeline[-2:]] == [
        "CCTV: camera P7, preset Bar door on it",
        "CCTV: camera P7 released",
    ]
