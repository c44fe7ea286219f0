"""Raster map tiles from a file a force makes from its own data: MBTiles or PMTiles v3.

A control room is often offline, so the basemap is a local file named by ``[map] basemap``:

* **MBTiles** — an SQLite database with a ``metadata`` table and a ``tiles`` table whose
  rows count from the south (TMS), so the map's ``y`` (counted from the north) becomes
  ``2**z - 1 - y``. Opened read-only (``mode=ro``): the window never changes the file, and
  a file on a read-only share opens as well.
* **PMTiles v3** — one file of a header, directories and tiles, read through the
  ``pmtiles`` package's directory codec, read by offset. Its reader parses the root
  directory again for every tile; here each directory is parsed once and kept.

:func:`open_tiles` checks what it can at once, so a wrong file is refused with one sentence
naming the file and what was expected, before the map asks for a tile: a missing file, a
file of neither kind, vector tiles (the map draws pictures, not ``pbf``), a file without
tiles. A tile the file lacks is ``None`` (the map leaves that square empty), never an error.
"""

from __future__ import annotations

import functools
import gzip
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pmtiles.tile import (
    Compression,
    Entry,
    HeaderDict,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)

from controlroom.core.errors import ValidationError

SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"
RASTER_FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
VECTOR_FORMATS = ("pbf", "mvt", "mlt")
EXPECTED = "a raster MBTiles or PMTiles (v3) file of png, jpg or webp tiles"
# PMTiles directories nest at most four deep (root and up to three leaf levels, by the spec).
PMTILES_MAX_DEPTH = 4
# Leaf directories kept parsed: a city-centre cut has a handful; this bounds a country-sized file.
PMTILES_DIRECTORY_CACHE = 64


class TileFileError(ValidationError):
    """The basemap file cannot be used; the message names the file and what is expected."""


@dataclass(frozen=True, slots=True)
class TileMetadata:
    """What the map needs to know of a tile file: its tiles' kind, zoom range, extent, credit."""

    path: Path
    container: str  # "MBTiles" or "PMTiles"
    format: str  # "png", "jpg" or "webp"
    min_zoom: int
    max_zoom: int
    # west, south, east, north in degrees; None when the file does not say.
    bounds: tuple[float, float, float, float] | None
    attribution: str
    name: str

    @property
    def media_type(self) -> str:
        return RASTER_FORMATS[self.format]


class TileSource(Protocol):
    """An open tile file: its metadata and its tiles by web-map (XYZ) address."""

    metadata: TileMetadata

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's image bytes, or None if the file has no such tile."""
        ...

    def close(self) -> None: ...


def open_tiles(path: Path) -> TileSource:
    """The tile file at ``path``, opened and checked; :class:`TileFileError` if it is not usable."""
    try:
        with path.open("rb") as probe:
            head = probe.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise _refuse(path, "does not exist") from None
    except IsADirectoryError:
        raise _refuse(path, "is a folder") from None
    except OSError as exc:
        raise _refuse(path, f"cannot be read ({exc.strerror or exc})") from None
    if head.startswith(SQLITE_MAGIC):
        return MBTilesSource(path)
    if head.startswith(PMTILES_MAGIC):
        return PMTilesSource(path)
    raise _refuse(path, "is neither an MBTiles (SQLite) nor a PMTiles file")


def _refuse(path: Path, what: str) -> TileFileError:
    return TileFileError(f"basemap file {path} {what}; [map] basemap must name {EXPECTED}")


def _checked_format(path: Path, declared: str, first_tile: bytes | None) -> str:
    """The raster format the file declares, else the one its first tile's bytes show."""
    found = declared.strip().lower() or (_sniff(first_tile) if first_tile else "")
    if found in VECTOR_FORMATS:
        raise _refuse(path, f"holds vector tiles (format {found}), which the map cannot draw")
    if found not in RASTER_FORMATS:
        raise _refuse(path, f"holds tiles of format {found or 'unknown'!r}")
    return "jpg" if found == "jpeg" else found


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b"):
        return "pbf"  # gzip: in a tile file, compressed vector tiles
    return ""


def _bounds(text: str) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        return None
    if -180 <= west < east <= 180 and -90 <= south < north <= 90:
        return (west, south, east, north)
    return None


class MBTilesSource:
    """An MBTiles file, read-only; tiles are looked up by their TMS row."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            meta = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            first = self._db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise _refuse(path, f"is an SQLite file but not MBTiles ({exc})") from None
        if first is None:
            self._db.close()
            raise _refuse(path, "has no tiles")
        try:
            fmt = _checked_format(path, str(meta.get("format", "")), bytes(first[0]))
        except TileFileError:
            self._db.close()
            raise
        self.metadata = TileMetadata(
            path=path,
            container="MBTiles",
            format=fmt,
            min_zoom=_int(meta.get("minzoom"), zooms[0]),
            max_zoom=_int(meta.get("maxzoom"), zooms[1]),
            bounds=_bounds(str(meta.get("bounds", ""))),
            attribution=str(meta.get("attribution", "")),
            name=str(meta.get("name", path.stem)),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
        return bytes(row[0]) if row is not None else None

    def close(self) -> None:
        self._db.close()


def _int(value: object, fallback: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return int(fallback)


class PMTilesSource:
    """A PMTiles v3 file read by offset; parsed directories are kept (an LRU of them).

    Plain reads, not a memory map: a file copied over the open one (a new basemap installed
    while consoles run) shrinks under a map, and touching a page past its new end kills the
    process (SIGBUS). A read past the end returns short bytes, which fail as a damaged tile.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        # Unbuffered: a buffer would serve bytes of a file since copied over, with the new directory.
        self._file = path.open("rb", buffering=0)
        try:
            head = self._file.read(127)  # short: the header codec below calls it damaged
            if head[7:8] != b"\x03":
                raise _refuse(
                    path, f"is PMTiles version {head[7]}, not 3 (convert it with 'pmtiles convert')"
                )
            self._header: HeaderDict = deserialize_header(head)
            fmt = self._check(path)
            metadata = self._read_metadata()
        except TileFileError:
            self.close()
            raise
        except Exception as exc:  # a damaged header, directory or metadata: the codec raises many kinds
            self.close()
            raise _refuse(path, f"is a damaged PMTiles file ({type(exc).__name__}: {exc})") from None
        h = self._header
        bounds = (h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7, h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7)
        self.metadata = TileMetadata(
            path=path,
            container="PMTiles",
            format=fmt,
            min_zoom=int(h["min_zoom"]),
            max_zoom=int(h["max_zoom"]),
            bounds=_bounds(",".join(str(b) for b in bounds)),
            attribution=str(metadata.get("attribution", "")),
            name=str(metadata.get("name", path.stem)),
        )
        self._directory: Callable[[int, int], list[Entry]] = functools.lru_cache(PMTILES_DIRECTORY_CACHE)(
            self._parse_directory
        )

    def _check(self, path: Path) -> str:
        """The tiles' raster format; refused: vector tiles, or compression the codec cannot read."""
        h = self._header
        tile_type = h["tile_type"]
        declared = "pbf" if tile_type in (TileType.MVT, TileType.MLT) else _PM_FORMATS.get(tile_type, "")
        fmt = _checked_format(path, declared, None)
        # The codec reads gzip-compressed directories only (as the pmtiles tool writes them).
        if h["internal_compression"] != Compression.GZIP:
            raise _refuse(path, f"has {h['internal_compression'].name.lower()}-compressed directories")
        if h["tile_compression"] not in (Compression.NONE, Compression.UNKNOWN, Compression.GZIP):
            raise _refuse(path, f"has {h['tile_compression'].name.lower()}-compressed tiles")
        return fmt

    def _read_metadata(self) -> dict[str, Any]:
        h = self._header
        raw = self._bytes(h["metadata_offset"], h["metadata_length"])
        found = json.loads(gzip.decompress(raw)) if raw else {}
        return found if isinstance(found, dict) else {}

    def _bytes(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        data = self._file.read(length)
        if len(data) != length:
            raise _refuse(
                self._path, "ends before the data its directory names (changed while open, or cut short)"
            )
        return data

    def _parse_directory(self, offset: int, length: int) -> list[Entry]:
        return deserialize_directory(self._bytes(offset, length))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        h = self._header
        if not 0 <= x < (1 << z) or not 0 <= y < (1 << z):
            return None
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = h["root_offset"], h["root_length"]
        for _depth in range(PMTILES_MAX_DEPTH):
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                data = self._bytes(h["tile_data_offset"] + entry.offset, entry.length)
                if h["tile_compression"] == Compression.GZIP:
                    data = gzip.decompress(data)
                return data
            offset, length = h["leaf_directory_offset"] + entry.offset, entry.length
        return None

    def close(self) -> None:
        self._file.close()


_PM_FORMATS = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
