"""A throwaway PostgreSQL cluster for the tests (initdb + pg_ctl, no service manager)."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
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

    def __init__(self, base: Path | None = None, *, max_connections: int = 200) -> None:
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
        self.max_connections = max_connections

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
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c max_connections={self.max_connections}"
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


PGBOUNCER = Path("/usr/sbin/pgbouncer")  # the Debian package's binary


class PgBouncer:
    """PgBouncer from the Debian package in front of ``cluster``, transaction pooling.

    Few server connections (``server_connections``) for many clients, so consecutive
    transactions of one client really do land on different server connections, and
    ``DISCARD ALL`` after each, as SQLAlchemy's asyncpg notes ask. It runs as the
    ``postgres`` user when we are root (PgBouncer refuses root) and trusts its clients.
    """

    def __init__(self, cluster: PostgresCluster, *, server_connections: int = 2) -> None:
        if not PGBOUNCER.exists():
            raise RuntimeError(f"{PGBOUNCER} not found; run `make setup` (installs the pgbouncer package)")
        self.cluster = cluster
        self.base = Path(tempfile.mkdtemp(prefix="controlroom-pgbouncer-"))
        self.base.chmod(0o755)
        self.port = _free_port()
        self.server_connections = server_connections
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        (self.base / "userlist.txt").write_text('"postgres" ""\n')
        (self.base / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.cluster.port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.base / 'userlist.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.server_connections}\n"
            "max_client_conn = 500\n"
            "server_reset_query = DISCARD ALL\n"
            "server_reset_query_always = 1\n"
            f"logfile = {self.base / 'pgbouncer.log'}\n"
        )
        command = [str(PGBOUNCER), str(self.base / "pgbouncer.ini")]
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
            for name in ("userlist.txt", "pgbouncer.ini"):
                shutil.chown(self.base / name, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_listening()

    def _wait_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                log = (self.base / "pgbouncer.log").read_text(errors="replace")
                raise RuntimeError(f"pgbouncer exited with {self._process.returncode}:\n{log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError as exc:
                if time.monotonic() > deadline:
                    message = f"pgbouncer did not listen on port {self.port} within {timeout} s"
                    raise RuntimeError(message) from exc
                time.sleep(0.05)

    def url(self, direct_url: str) -> str:
        """``direct_url`` (one of the cluster's databases) reached through PgBouncer instead,
        with statement caching off as a URL through a transaction pooler must say."""
        pooled = direct_url.replace(f"127.0.0.1:{self.cluster.port}/", f"127.0.0.1:{self.port}/")
        return f"{pooled}?prepared_statement_cache_size=0"

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()  # runuser passes SIGTERM on to pgbouncer
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
