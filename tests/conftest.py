"""Shared fixtures: isolated home directory, and a database on each backend.

Every database test runs on SQLite (a file) and on PostgreSQL (a throwaway
cluster this session starts with initdb/pg_ctl). With ``CI=true`` a missing
PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import hypothesis  # noqa: F401
import pytest

from tests.pg_cluster import PostgresCluster, find_pg_bin

# hypothesis is imported up front: its pytest plugin otherwise imports it at the very
# end of a run, and CPython 3.11's AST recursion-depth check (gh-106905) can then fail
# spuriously inside pytest's assertion rewriting after a Qt session.
ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        default="all",
        choices=["all", "sqlite", "postgresql"],
        help="database backend(s) for database tests",
    )


def _backends(config: pytest.Config) -> list[str]:
    choice = config.getoption("--backend")
    if choice != "all":
        return [choice]
    if find_pg_bin() is None and os.environ.get("CI") != "true":
        return ["sqlite"]  # a developer machine without PostgreSQL; CI fails instead
    return ["sqlite", "postgresql"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        metafunc.parametrize("db_url", _backends(metafunc.config), indirect=True)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config and embedded database of each test live in its own folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("CONTROLROOM_HOME", str(home))
    monkeypatch.delenv("CONTROLROOM_DB_URL", raising=False)
    monkeypatch.delenv("CONTROLROOM_TILE_URL", raising=False)
    monkeypatch.delenv("CONTROLROOM_BASEMAP", raising=False)
    monkeypatch.setenv("CONTROLROOM_USER", "test-operator")
    return home


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    if find_pg_bin() is None:
        pytest.fail("PostgreSQL is not installed; run `make setup` (installs the postgresql package)")
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database URL on the backend this test instance runs on."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database()
    run_isolated(_migrate(url))
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ui.sqlite3'}"
    run_isolated(_migrate(url))
    return url


def run_isolated(coro: Coroutine[Any, Any, T]) -> T:
    """Run set-up coroutines on a private loop in a worker thread.

    UI tests keep a qasync loop running on the main thread for the whole session,
    and asyncio.run() refuses to start inside a running loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _migrate(url: str) -> None:
    from controlroom.storage.database import Database
    from controlroom.storage.migrate import upgrade

    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def controlroom_cmd(*args: str) -> list[str]:
    """The headless command line, run exactly as a user would."""
    return [sys.executable, "-m", "controlroom", *args]
