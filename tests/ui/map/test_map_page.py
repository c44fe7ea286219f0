"""The map page is built once from local files only; a tile server is opt-in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from controlroom.config import Settings
from controlroom.core.errors import ValidationError
from ui.map.page import build_map_page, map_page

FOLIUM_ID = re.compile(r"_[0-9a-f]{32}")  # folium names each element afresh per build
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


def test_the_page_is_built_once_and_reused_until_what_it_is_made_from_changes(tmp_path: Path) -> None:
    first = map_page(Settings(), cache_dir=tmp_path)
    built_at = first.stat().st_mtime_ns
    again = map_page(Settings(), cache_dir=tmp_path)
    assert again == first and again.stat().st_mtime_ns == built_at  # read, not rebuilt
    fresh = build_map_page(tmp_path / "fresh.html", Settings()).read_text()
    assert FOLIUM_ID.sub("_ID", first.read_text()) == FOLIUM_ID.sub("_ID", fresh)  # the same page
    tiles = Settings(tile_url="http://tiles.control.local/{z}/{x}/{y}.png")
    other = map_page(tiles, cache_dir=tmp_path)
    assert other != first and "tiles.control.local" in other.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial page left


def test_the_window_start_does_not_import_folium_once_the_page_is_cached(tmp_path: Path) -> None:
    map_page(Settings(), cache_dir=tmp_path)
    script = (
        "import sys; from pathlib import Path; from controlroom.config import Settings; "
        "from ui.map.page import map_page; "
        f"map_page(Settings(), cache_dir=Path({str(tmp_path)!r})); "
        "print(sorted(m for m in ('folium', 'branca', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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
