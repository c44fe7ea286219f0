"""A throwaway PostgreSQL cluster for the tests (initdb + pg_ctl, no service manager)."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with initdb, or initdb on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """initdb as the ``postgres`` user when we are root (initdb refuses root)."""

    def __init__(self, base: Path | None = None) -> None:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL binaries not found")
        self.bin = bin_dir
        # Not under pytest's tmp folder: that is private to root and the postgres
        # user could not reach its data directory.
        self.base = base or Path(tempfile.mkdtemp(prefix="controlroom-pg-"))
        self.base.chmod(0o755)
        self.data = self.base / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.base, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._require_passwords()
        self.restart()

    def _require_passwords(self) -> None:
        """Every login but the ``postgres`` superuser proves its password (SCRAM) over TCP.

        The tests connect as ``postgres`` without one; the application's own logins
        (``storage.pg_security``) must really be checked, so a wrong password or a
        disabled user is refused by the server.
        """
        hba = self.data / "pg_hba.conf"
        lines = [
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
        ]
        # Rewritten in place, so the file keeps the postgres user as its owner.
        with hba.open("w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def restart(self) -> None:
        """Start the server on the same data directory and port (after ``stop``/``crash``)."""
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server, keeping the data directory and port for ``restart``."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def crash(self) -> None:
        """Stop hard, as a power cut would: no checkpoint, clients cut off mid-transaction."""
        self.stop("immediate")

    def postmaster_pid(self) -> int:
        """The server's main process id (first line of ``postmaster.pid``)."""
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"

        async def _create() -> None:
            import asyncpg

            conn = await asyncpg.connect(
                host="127.0.0.1", port=self.port, user="postgres", database="postgres"
            )
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()

        # A worker thread: the UI tests' qasync loop is running on this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, _create()).result()
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"
