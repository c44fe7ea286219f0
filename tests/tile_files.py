"""Tile files the tests make themselves: solid-colour PNG tiles in MBTiles and PMTiles v3 files."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as write_pmtiles_file

TILE_PX = 256
# The operating area (Southampton city centre): west, south, east, north.
AREA_BOUNDS = (-1.42, 50.89, -1.39, 50.915)
Tiles = Mapping[tuple[int, int, int], bytes]  # (z, x, y) as a web map counts them -> image bytes


def png_tile(rgb: tuple[int, int, int], size: int = TILE_PX) -> bytes:
    """A solid-colour RGB PNG, written by hand (zlib + CRC-checked chunks)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size  # filter byte "none", then the pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def write_mbtiles(path: Path, tiles: Tiles, *, fmt: str | None = "png", attribution: str = "") -> Path:
    """An MBTiles file: tile rows counted from the south (TMS), as the specification says."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    zooms = [z for z, _, _ in tiles]
    meta = {"name": "test basemap", "bounds": ",".join(map(str, AREA_BOUNDS)), "attribution": attribution}
    if zooms:
        meta |= {"minzoom": str(min(zooms)), "maxzoom": str(max(zooms))}
    if fmt is not None:
        meta["format"] = fmt
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()],
    )
    db.commit()
    db.close()
    return path


def write_pmtiles(
    path: Path, tiles: Tiles, *, tile_type: TileType = TileType.PNG, attribution: str = ""
) -> Path:
    """A PMTiles v3 file made with the pmtiles package's writer."""
    west, south, east, north = AREA_BOUNDS
    with write_pmtiles_file(str(path)) as writer:
        for tile_id, data in sorted((zxy_to_tileid(*zxy), data) for zxy, data in tiles.items()):
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
            },
            {"name": "test basemap", "attribution": attribution},
        )
    return path
