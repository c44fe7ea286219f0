"""SQLite on one host: several processes write at once and nobody sees "database is locked";
a database file on a network share is refused with the reason.

The writer half of this file runs as ``python -m tests.core.storage.test_sqlite_concurrency URL N``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from controlroom.cli import main as cli
from controlroom.core.errors import ValidationError
from controlroom.storage import database
from controlroom.storage.database import Database, network_filesystem
from tests.conftest import ROOT, controlroom_cmd, run_isolated

WRITERS = 4
REPORTS_PER_WRITER = 50

MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
25 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:35 / /srv/share rw,relatime shared:20 - nfs4 fileserver:/export rw,vers=4.2
41 40 8:2 / /srv/share/local rw,relatime shared:21 - ext4 /dev/sdb1 rw
42 22 0:36 / /mnt/control\040room rw,relatime shared:22 - cifs //nas/control rw,vers=3.0
43 22 0:37 / /home/op/remote rw,nosuid,nodev,relatime shared:23 - fuse.sshfs op@host:/data rw
44 22 0:38 / /mnt/c rw,noatime - 9p drvfs rw,dirsync,aname=drvfs
45 22 0:39 / /srv/sharecopy rw,relatime shared:24 - ext4 /dev/sdc1 rw
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/lib/controlroom", None),
        ("/srv/share", "nfs4"),
        ("/srv/share/night/db", "nfs4"),
        ("/srv/share/local/db", None),  # a local disk mounted inside the share
        ("/srv/sharecopy", None),  # a prefix of the name is not a parent folder
        ("/mnt/control room/data", "cifs"),  # \040 in mountinfo is a space
        ("/home/op/remote/x", "fuse.sshfs"),
        ("/mnt/c/Users/op", "9p"),
    ],
)
def test_network_filesystem_from_mountinfo(path: str, expected: str | None) -> None:
    assert network_filesystem(path, MOUNTINFO) == expected


def test_this_machines_temporary_folder_is_local(tmp_path: Path) -> None:
    mountinfo = Path("/proc/self/mountinfo")
    if not mountinfo.exists() and os.environ.get("CI") != "true":
        pytest.skip("no /proc/self/mountinfo on this system")
    assert network_filesystem(str(tmp_path.resolve()), mountinfo.read_text()) is None


def test_sqlite_file_on_a_network_share_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(database, "network_filesystem", lambda path, mountinfo: "nfs4")
    url = f"sqlite:///{tmp_path / 'share' / 'controlroom.sqlite3'}"
    with pytest.raises(ValidationError) as refused:
        Database(url)
    message = str(refused.value)
    assert "network filesystem (nfs4)" in message
    assert "corrupt" in message and "PostgreSQL" in message
    assert cli.main(["--db", url, "venues"]) == 2
    assert "network filesystem (nfs4)" in capsys.readouterr().err
    assert not (tmp_path / "share" / "controlroom.sqlite3").exists()


def test_four_writer_processes_at_once_never_see_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    from tests.conftest import _migrate

    run_isolated(_migrate(url))
    env = {**os.environ, "CONTROLROOM_HOME": str(tmp_path / "home")}
    watcher = subprocess.Popen(
        controlroom_cmd("--db", url, "watch"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert json.loads(watcher.stdout.readline())["event"] == "ready"
        lines: list[dict[str, object]] = []
        reader = threading.Thread(target=lambda: lines.extend(map(json.loads, watcher.stdout)), daemon=True)
        reader.start()
        writers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.core.storage.test_sqlite_concurrency", url, str(n)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for n in range(WRITERS)
        ]
        # A person at the command line at the same moment, exactly as they would type it.
        typed = [
            subprocess.Popen(
                controlroom_cmd(
                    "--db", url, "report", "--at", "50.905,-1.404", "--place", "East Street",
                    "--category", "harassment", "--source", "cctv", "--summary", f"typed {n}",
                ),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for n in range(2)
        ]  # fmt: skip
        results = [(p, *p.communicate(timeout=120)) for p in [*writers, *typed]]
        expected = WRITERS * REPORTS_PER_WRITER * 6 // 5 + len(typed)  # every 5th report updated
        deadline = time.monotonic() + 30
        while len(lines) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    for proc, _out, err in results:
        assert "locked" not in err.lower(), err
        assert proc.returncode == 0, err
    seen = Counter((line["reference"], line["version"]) for line in lines)
    assert len(seen) == expected and set(seen.values()) == {1}
    assert len({ref for ref, _version in seen}) == WRITERS * REPORTS_PER_WRITER + len(typed)


async def _write(url: str, n: int) -> None:
    from controlroom.commands import Commands
    from controlroom.core.roles import Actor
    from controlroom.incidents.reporting import NewIncident

    db = Database(url)
    commands = Commands(db, Actor(f"writer-{n}"))
    try:
        for i in range(REPORTS_PER_WRITER):
            made = await commands.report_incident(
                NewIncident(
                    category="harassment",
                    source="cctv",
                    summary=f"writer {n} report {i}",
                    lat=50.905,
                    lon=-1.404,
                    place="Above Bar Street",
                )
            )
            if i % 5 == 0:
                await commands.update_incident(made.reference, status="acknowledged")
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(_write(sys.argv[1], int(sys.argv[2])))
