"""Ordnance Survey National Grid references for the s.38 record, offline, with pyproj.

A constable, a custody sergeant and a court read places as grid references
("SU 41984 11638"), not as latitude and longitude. WGS84 (EPSG:4326) is converted to
British National Grid (EPSG:27700) with PROJ's best transformation *available on this
machine*: we never download grids (network access is switched off here), so without
the OSTN15 grid installed PROJ uses the published Helmert transformation, accurate to
about 2 metres on the ground: finer than a street, coarser than the 1-metre digits, so
the record prints the latitude and longitude beside it.

pyproj is imported on first use: most commands never print a record.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from functools import cache

# The National Grid's extent: 0–700 km east, 0–1300 km north of the false origin.
GRID_EAST_LIMIT = 700_000.0


GRID_NORTH_LIMIT = 1_300_000.0


_SQUARE = 100_000.0  # a two-letter square is 100 km across


@cache
def _to_grid() -> Callable[[float, float], tuple[float, float]]:
    from pyproj.network import set_network_enabled  # type: ignore[attr-defined]
    from pyproj.transformer import TransformerGroup

    set_network_enabled(active=False)  # no grid downloads: works offline, same answer
    with warnings.catch_warnings():
        # "Best transformation is not available due to missing grid" (OSTN15): expected offline.
        warnings.simplefilter("ignore", UserWarning)
        group = TransformerGroup("EPSG:4326", "EPSG:27700", always_xy=True)
    usable = [t for t in group.transformers if t.accuracy >= 0] or list(group.transformers)
    transformer = min(usable, key=lambda t: t.accuracy)  # PROJ's accuracy in metres; -1 is "unknown"

    def convert(lon: float, lat: float) -> tuple[float, float]:
        easting, northing = transformer.transform(lon, lat, errcheck=True)
        return float(easting), float(northing)

    return convert


def easting_northing(lat: float, lon: float) -> tuple[float, float]:
    """British National Grid (EPSG:27700) easting and northing, in metres, of a WGS84 point."""
    return _to_grid()(lon, lat)


def grid_letters(easting: float, northing: float) -> str:
    """The two letters of the 100 km square (e.g. ``SU``); "I" is never used."""
    e100k, n100k = math.floor(easting / _SQUARE), math.floor(northing / _SQUARE)
    first = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    second = (19 - n100k) * 5 % 25 + e100k % 5
    return "".join(chr(ord("A") + n + (1 if n > 7 else 0)) for n in (first, second))


def format_grid_reference(easting: float, northing: float) -> str:
    """``SU 41984 11638`` (to the metre), or "" when the point is off the National Grid."""
    if not (0 <= easting < GRID_EAST_LIMIT and 0 <= northing < GRID_NORTH_LIMIT):
        return ""
    e, n = math.floor(easting), math.floor(northing)
    return f"{grid_letters(e, n)} {e % 100_000:05d} {n % 100_000:05d}"


def grid_reference(lat: float, lon: float) -> str:
    """The Ordnance Survey National Grid reference of a WGS84 point, or "" off the grid."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        return ""
    try:
        easting, northing = easting_northing(lat, lon)
    except Exception:
        return ""
    if not (math.isfinite(easting) and math.isfinite(northing)):
        return ""
    return format_grid_reference(easting, northing)
