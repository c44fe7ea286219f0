"""``[database] listen_url``: where the feed LISTENs when the database URL is PgBouncer."""

from __future__ import annotations

from pathlib import Path

import pytest

from controlroom.config import Settings
from controlroom.core.errors import ValidationError
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from controlroom.storage.notify import ChangeListener

DIRECT = "postgresql://db-host:5432/controlroom"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_listen_url_is_read_from_the_database_section_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONTROLROOM_LISTEN_URL", raising=False)
    path = _config(tmp_path, f'[database]\nlisten_url = "{DIRECT}"\n')
    assert Settings.load(path).listen_url == DIRECT
    assert Settings.load(tmp_path / "absent.toml").listen_url is None
    monkeypatch.setenv("CONTROLROOM_LISTEN_URL", "postgresql://other-host/controlroom")
    assert Settings.load(path).listen_url == "postgresql://other-host/controlroom"


@pytest.mark.parametrize("value", ['"sqlite:///x.sqlite3"', '"not a url"', "5432", '""'])
def test_a_listen_url_that_is_not_postgresql_is_refused_with_an_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.delenv("CONTROLROOM_LISTEN_URL", raising=False)
    path = _config(tmp_path, f"[database]\nlisten_url = {value}\n")
    with pytest.raises(ValidationError, match=r"database\.listen_url .*postgresql://db-host:5432"):
        Settings.load(path)


def test_the_listener_connects_to_the_listen_url_as_the_consoles_own_user() -> None:
    # Through PgBouncer as the operator "op1"; LISTEN straight to the server, still as op1,
    # so the server applies op1's grants to the listener's catch-up reads.
    db = Database("postgresql://op1:secret@pgbouncer-host:6432/controlroom")
    listener = ChangeListener(db, listen_url="postgresql://someone:else@db-host:5432/controlroom")
    assert (listener.address.host, listener.address.port) == ("db-host", 5432)
    assert (listener.address.username, listener.address.password) == ("op1", "secret")
    assert listener.address.database == "controlroom"
    assert listener.address.drivername == "postgresql+asyncpg"
    assert ChangeListener(db).address == db.url  # no listen_url: the database URL itself


def test_a_console_behind_pgbouncer_without_a_listen_url_polls_instead_of_listening() -> None:
    pooled = Database("postgresql://op1@pgbouncer-host:6432/controlroom?prepared_statement_cache_size=0")
    assert not ChangeFeed(pooled).listen  # LISTEN through transaction pooling would hear nothing
    assert ChangeFeed(pooled, listen_url=DIRECT).listen
    assert ChangeFeed(Database("postgresql://op1@db-host:5432/controlroom")).listen
