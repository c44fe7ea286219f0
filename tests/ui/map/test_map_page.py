"""The map page is built once from local files only; a tile server is opt-in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from controlroom.config import Settings
from controlroom.core.errors import ValidationError
from ui.map.page import build_map_page

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']https?://""", re.IGNORECASE)


def test_default_page_links_nothing_remote(tmp_path: Path) -> None:
    page = build_map_page(tmp_path / "map.html", Settings()).read_text()
    assert REMOTE.search(page) is None
    assert "https://" not in page and "http://" not in page
    assert "xstatic/pkg/leaflet/data/leaflet.js" in page
    assert "qrc:///qtwebchannel/qwebchannel.js" in page
    assert "controlroom.boot(" in page


def test_configured_tile_server_is_used(tmp_path: Path, isolated_home: Path) -> None:
    config = isolated_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[map]\ntile_url = "http://tiles.control.local/{z}/{x}/{y}.png"\n')
    settings = Settings.load()
    page = build_map_page(tmp_path / "map.html", settings).read_text()
    assert "http://tiles.control.local/{z}/{x}/{y}.png" in page


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[map]\ntile_url = "http://tiles.local/tile.png"\n', "must be an XYZ template"),
        ("[feed]\npoll_interval = 0\n", "must be between 0.05 and 60 seconds"),
        ("[feed\n", "is not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(isolated_home: Path, toml: str, message: str) -> None:
    config = isolated_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(toml)
    with pytest.raises(ValidationError, match=message):
        Settings.load()
