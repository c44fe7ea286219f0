"""Basemap tile files: MBTiles and PMTiles v3 read by web-map address; wrong files refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from pmtiles.tile import TileType

from controlroom.geo.tiles import TileFileError, open_tiles
from tests.tile_files import AREA_BOUNDS, png_tile, write_mbtiles, write_pmtiles

RED, BLUE = png_tile((200, 0, 0), 8), png_tile((0, 0, 200), 8)
# Two tiles of zoom 14 over Southampton, one of zoom 15: y counted from the north.
TILES = {(14, 8127, 5487): RED, (14, 8127, 5488): BLUE, (15, 16254, 10975): BLUE}


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_tiles_are_read_by_web_map_address_with_the_files_metadata(tmp_path: Path, kind: str) -> None:
    write = write_mbtiles if kind == "mbtiles" else write_pmtiles
    path = write(tmp_path / f"city.{kind}", TILES, attribution="© Hampshire force")
    source = open_tiles(path)
    try:
        # MBTiles keeps row 2**14 - 1 - 5487 for the web map's y 5487: a flipped read would swap them.
        assert source.tile(14, 8127, 5487) == RED
        assert source.tile(14, 8127, 5488) == BLUE
        assert source.tile(15, 16254, 10975) == BLUE
        assert source.tile(14, 8127, 5486) is None  # not in the file: an empty square, not an error
        meta = source.metadata
        assert (meta.format, meta.media_type, meta.min_zoom, meta.max_zoom) == ("png", "image/png", 14, 15)
        assert meta.bounds == pytest.approx(AREA_BOUNDS)
        assert meta.attribution == "© Hampshire force"
        assert meta.container == ("MBTiles" if kind == "mbtiles" else "PMTiles")
    finally:
        source.close()


def test_an_mbtiles_file_without_a_format_is_known_by_its_tiles(tmp_path: Path) -> None:
    source = open_tiles(write_mbtiles(tmp_path / "plain.mbtiles", TILES, fmt=None))
    assert source.metadata.format == "png"
    source.close()


def _not_sqlite(path: Path) -> Path:
    path.write_text("zoom,x,y\n14,1,2\n")
    return path


def _sqlite_without_tiles(path: Path) -> Path:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("CREATE TABLE incidents (id INTEGER)")
    db.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "does not exist"),
        (lambda p: (p.mkdir(), p)[1], "is a folder"),
        (_not_sqlite, "is neither an MBTiles \\(SQLite\\) nor a PMTiles file"),
        (_sqlite_without_tiles, "is an SQLite file but not MBTiles"),
        (lambda p: write_mbtiles(p, TILES, fmt="pbf"), "holds vector tiles \\(format pbf\\)"),
        (lambda p: write_mbtiles(p, {}), "has no tiles"),
        (lambda p: write_pmtiles(p, TILES, tile_type=TileType.MVT), "holds vector tiles \\(format pbf\\)"),
        (lambda p: p.write_bytes(b"PMTiles\x03" + bytes(40)), "is a damaged PMTiles file"),
    ],
    ids=["missing", "folder", "csv", "other-sqlite", "vector-mbtiles", "empty", "vector-pmtiles", "damaged"],
)
def test_a_file_that_is_not_a_raster_tile_file_is_refused_naming_it(
    tmp_path: Path, make: object, message: str
) -> None:
    path = tmp_path / "basemap.mbtiles"
    make(path)  # type: ignore[operator]
    with pytest.raises(TileFileError, match=message) as refused:
        open_tiles(path)
    assert str(path) in str(refused.value)
    assert "must name a raster MBTiles or PMTiles (v3) file" in str(refused.value)


def test_the_basemap_setting_is_read_beside_the_config_file_and_the_variable_wins(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controlroom.config import Settings
    from controlroom.core.errors import ValidationError

    config = isolated_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[map]\nbasemap = "maps/night.pmtiles"\n')
    assert Settings.load().basemap == config.parent / "maps" / "night.pmtiles"
    monkeypatch.setenv("CONTROLROOM_BASEMAP", "/srv/maps/city.mbtiles")
    assert Settings.load().basemap == Path("/srv/maps/city.mbtiles")
    monkeypatch.delenv("CONTROLROOM_BASEMAP")
    config.write_text("[map]\nbasemap = 5\n")
    with pytest.raises(ValidationError, match="must be the path of a raster MBTiles or PMTiles file"):
        Settings.load()


def test_a_pmtiles_file_cut_short_while_open_fails_its_tiles_with_a_sentence_not_a_crash(
    tmp_path: Path,
) -> None:
    path = write_pmtiles(tmp_path / "city.pmtiles", TILES)
    source = open_tiles(path)
    whole = path.read_bytes()
    path.write_bytes(
        whole[: len(whole) - len(RED) - len(BLUE)]
    )  # a copy over the open file, stopped part way
    for z, x, y in TILES:
        with pytest.raises(TileFileError, match="ends before the data its directory names"):
            source.tile(z, x, y)
    source.close()
