"""Where the data and settings live: a relative CONTROLROOM_HOME still names one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from controlroom.config import config_dir, data_dir, default_db_url


def test_a_relative_home_is_made_absolute_against_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTROLROOM_HOME", "build/home")
    # The map page is loaded from the data directory by file URL: it must not depend on
    # the directory Chromium or a later chdir resolves it against.
    assert data_dir() == tmp_path / "build" / "home" / "data"
    assert config_dir() == tmp_path / "build" / "home" / "config"
    assert data_dir().is_absolute() and config_dir().is_absolute()
    assert default_db_url().endswith(str(tmp_path / "build" / "home" / "data" / "controlroom.sqlite3"))
