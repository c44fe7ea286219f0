"""Reading a road network from a file: an OS Open Roads GeoPackage or an OpenStreetMap extract.

The field's libraries do the reading (pyogrio/GDAL for GeoPackage, pyosmium for
``.osm.pbf`` and ``.osm``), pyproj turns British National Grid into WGS84 and shapely cuts
every road at the edge of the operating area. What comes out is plain data — each road
piece with its name, class, ``(lat, lon)`` points and length in metres — and nothing is
written here: :mod:`controlroom.geo.commands` stores a network only once all of it has
been read and checked, so a refused file leaves the previous network as it was.

A file is refused, with what was found and what would be right, when it cannot be read,
is of an unknown type, is in a coordinate system other than EPSG:27700 or EPSG:4326, has
coordinates nowhere near the operating area (a wrong coordinate system in disguise:
degrees read as metres land in the sea off Cornwall), or has no road inside the area.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controlroom.core.domain import OperatingArea
from controlroom.core.errors import ValidationError

LatLon = tuple[float, float]

OS_ROADS_LAYER = "road_link"
"""The layer of an OS Open Roads GeoPackage that holds the roads."""
BRITISH_NATIONAL_GRID = "EPSG:27700"
WGS84 = "EPSG:4326"
ACCEPTED_CRS = {BRITISH_NATIONAL_GRID: "British National Grid", WGS84: "WGS84 longitude/latitude"}
EDGE_DEGREES = 0.002
"""Roads are read from a box this much (about 150-220 m) wider than the area, then cut exactly."""
GREAT_BRITAIN = (-8.7, 49.8, 1.8, 60.9)
"""West, south, east, north: roads outside this box were read in the wrong coordinate system."""
NEAR_DEGREES = 0.5
"""Roads within this many degrees (about 35-55 km) of the area are a real but distant extract;
farther than that, the coordinates were read in the wrong system."""
NOT_ROADS = frozenset({"proposed", "construction", "abandoned", "razed", "disused", "platform"})
"""OpenStreetMap ``highway`` values that are not (yet, or any longer) a way anyone can travel."""
NAME_LIMIT, CLASS_LIMIT = 200, 60  # the columns of ``road_segments``
COORDINATE_DIGITS = 7
"""1e-7 degrees is about 1 cm: roads meeting at one junction keep one shared point."""

_GEOPACKAGE_SUFFIXES = (".gpkg",)
_OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2")


@dataclass(frozen=True, slots=True)
class Road:
    """One piece of road inside the operating area: ``points`` are ``(lat, lon)``."""

    name: str
    road_class: str
    points: tuple[LatLon, ...]
    length_m: float


@dataclass(frozen=True, slots=True)
class RoadNetwork:
    """Every road piece a file holds inside the operating area, and where it came from."""

    source: str
    roads: tuple[Road, ...]

    @property
    def total_km(self) -> float:
        return sum(road.length_m for road in self.roads) / 1000

    @property
    def street_names(self) -> tuple[str, ...]:
        """The distinct names of named roads, sorted."""
        return tuple(sorted({road.name for road in self.roads if road.name}))


@dataclass(frozen=True, slots=True)
class _Line:
    """A road as read, before clipping: ``geometry`` is a shapely line in lon/lat."""

    name: str
    road_class: str
    geometry: Any


def file_kind(path: Path) -> str:
    """The kind of road file by its name ("geopackage" or "osm"), or a ValidationError naming both."""
    name = path.name.lower()
    if name.endswith(_GEOPACKAGE_SUFFIXES):
        return "geopackage"
    if name.endswith(_OSM_SUFFIXES):
        return "osm"
    raise ValidationError(
        f"{path.name} is not a road file this can read: give an OS Open Roads GeoPackage (.gpkg) "
        "or an OpenStreetMap extract (.osm.pbf or .osm)"
    )


def read_road_file(path: Path, area: OperatingArea) -> RoadNetwork:
    """The roads of ``path`` inside ``area``, or a ValidationError saying what is wrong with the file."""
    kind = file_kind(path)
    if not path.is_file():
        raise ValidationError(f"cannot read {path}: there is no such file; give the path of a road file")
    if kind == "geopackage":
        crs = _geopackage_crs(path)
        lines = _read_geopackage(path, crs, area)
    else:
        lines, crs = _read_osm(path), WGS84
    return RoadNetwork(path.name, tuple(_clip(lines, area, path.name, crs)))


# -- OS Open Roads (GeoPackage) --------------------------------------------------------


def _geopackage_crs(path: Path) -> str:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except (DataSourceError, OSError):
        raise ValidationError(
            f"{path.name} cannot be read as a GeoPackage: it is damaged or not a GeoPackage; "
            "give an OS Open Roads GeoPackage as downloaded, not a damaged or partial copy"
        ) from None
    if OS_ROADS_LAYER not in layers:
        raise ValidationError(
            f"{path.name} has no layer {OS_ROADS_LAYER!r} (it has: {', '.join(layers) or 'no layers'}); "
            "give the OS Open Roads GeoPackage, whose roads are in that layer"
        )
    try:
        crs = pyogrio.read_info(path, layer=OS_ROADS_LAYER)["crs"]
    except (DataLayerError, DataSourceError) as why:
        raise ValidationError(
            f"{path.name}: the layer {OS_ROADS_LAYER!r} cannot be read ({_first_line(why)})"
        ) from None
    accepted = " or ".join(f"{code} ({label})" for code, label in ACCEPTED_CRS.items())
    if crs is None:
        raise ValidationError(
            f"{path.name}: the layer {OS_ROADS_LAYER!r} names no coordinate system; it must be {accepted}"
        )
    if str(crs).upper() not in ACCEPTED_CRS:
        raise ValidationError(
            f"{path.name}: the layer {OS_ROADS_LAYER!r} is in {crs}; the accepted coordinate systems are "
            f"{accepted} — reproject it to one of them first"
        )
    return str(crs).upper()


def _read_geopackage(path: Path, crs: str, area: OperatingArea) -> list[_Line]:
    """The roads whose boxes meet the area (GDAL reads only those, through the file's spatial
    index: OS Open Roads for all of Great Britain is ~4 million links)."""
    import pyogrio
    import shapely
    from pyogrio import raw
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError

    info = pyogrio.read_info(path, layer=OS_ROADS_LAYER, force_total_bounds=True)
    fields = {str(f) for f in info["fields"]}
    columns = [c for c in ("name_1", "road_classification", "road_function") if c in fields]
    margin = EDGE_DEGREES
    box = (area.west - margin, area.south - margin, area.east + margin, area.north + margin)
    try:
        _, _, wkb, values = raw.read(
            path, layer=OS_ROADS_LAYER, columns=columns, force_2d=True, bbox=_to_layer(box, crs)
        )
        geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    except (DataLayerError, DataSourceError, FieldError, shapely.errors.GEOSException) as why:
        raise ValidationError(
            f"{path.name}: the roads of layer {OS_ROADS_LAYER!r} cannot be read ({_first_line(why)}); "
            "give an undamaged OS Open Roads GeoPackage"
        ) from None
    if not len(geometries) and info["features"]:
        _refuse_outside(_layer_corners(info["total_bounds"], crs), area, path.name, crs)
    if crs == BRITISH_NATIONAL_GRID:
        geometries = _grid_to_lon_lat(geometries)
    column = dict(zip(columns, values, strict=True))
    names = column.get("name_1")
    classes = column.get("road_classification", column.get("road_function"))
    return [
        _Line(_text(names, i), _text(classes, i), geometry)
        for i, geometry in enumerate(geometries)
        if geometry is not None
    ]


def _to_layer(box: tuple[float, float, float, float], crs: str) -> tuple[float, float, float, float]:
    """A lon/lat box (west, south, east, north) as a box in the layer's coordinates."""
    if crs != BRITISH_NATIONAL_GRID:
        return box
    from pyproj import Transformer

    bounds = Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True).transform_bounds(*box)
    return (float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3]))


def _layer_corners(bounds: Any, crs: str) -> Any:
    """The corners of a layer's extent (xmin, ymin, xmax, ymax) as lon/lat rows."""
    import numpy as np

    corners = np.array([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], dtype=float)
    if crs != BRITISH_NATIONAL_GRID:
        return corners
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True).transform(
        corners[:, 0], corners[:, 1]
    )
    return np.column_stack((lon, lat))


def _grid_to_lon_lat(geometries: Any) -> Any:
    import shapely
    from pyproj import Transformer

    # always_xy: easting/northing in, longitude/latitude out, whatever the CRS's axis order.
    to_wgs84 = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)

    def transform(xy: Any) -> Any:
        import numpy as np

        lon, lat = to_wgs84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack((lon, lat))

    return shapely.transform(geometries, transform)


def _text(values: Sequence[Any] | None, index: int) -> str:
    if values is None:
        return ""
    value = values[index]
    return "" if value is None else str(value).strip()


# -- OpenStreetMap -------------------------------------------------------------------


def _read_osm(path: Path) -> list[_Line]:
    import osmium
    from shapely import LineString

    lines = []
    try:
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for obj in processor:
            if not isinstance(obj, osmium.osm.Way):
                continue
            highway = obj.tags.get("highway")
            if highway is None or highway in NOT_ROADS:
                continue
            # A way cut by the extract's edge can name nodes the file lacks: keep what is there.
            points = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
            if len(points) >= 2:
                lines.append(_Line(str(obj.tags.get("name", "")).strip(), str(highway), LineString(points)))
    except (RuntimeError, ValueError, OSError) as why:
        raise ValidationError(
            f"{path.name} cannot be read as an OpenStreetMap extract ({_first_line(why)}); "
            "give an undamaged .osm.pbf or .osm file"
        ) from None
    return lines


# -- clipping to the operating area --------------------------------------------------


def _clip(lines: list[_Line], area: OperatingArea, source: str, crs: str) -> Iterator[Road]:
    """Each line cut at the area's edge, or a ValidationError when nothing of the file lies inside."""
    import numpy as np
    import shapely

    if not lines:
        raise ValidationError(
            f"{source} holds no roads at all (no lines in {OS_ROADS_LAYER!r}, no ways tagged highway); "
            "give a road file that covers the operating area"
        )
    bounds = shapely.box(area.west, area.south, area.east, area.north)
    geometries = np.array([line.geometry for line in lines], dtype=object)
    coordinates = shapely.get_coordinates(geometries)
    _refuse_far_away(coordinates, area, source, crs)
    pieces = shapely.intersection(geometries, bounds)
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    roads = [
        road for line, clipped in zip(lines, pieces, strict=True) for road in _roads_of(line, clipped, geod)
    ]
    if not roads:
        _refuse_outside(coordinates, area, source, crs)
    return iter(roads)


def _refuse_outside(coordinates: Any, area: OperatingArea, source: str, crs: str) -> None:
    """Raise: the file's roads (lon/lat ``coordinates``) are all outside the area."""
    _refuse_far_away(coordinates, area, source, crs)
    raise ValidationError(
        f"{source} has no roads inside the operating area ({area.describe()})"
        f"{_where(coordinates)}; give a file that covers the area"
    )


def _refuse_far_away(coordinates: Any, area: OperatingArea, source: str, crs: str) -> None:
    import numpy as np
    import shapely

    finite = coordinates[np.isfinite(coordinates).all(axis=1)]
    near = shapely.box(
        area.west - NEAR_DEGREES,
        area.south - NEAR_DEGREES,
        area.east + NEAR_DEGREES,
        area.north + NEAR_DEGREES,
    )
    if len(finite) and shapely.intersects(near, shapely.multipoints(finite)):
        return
    where = _where(coordinates) or " (no coordinate could be converted)"
    west, south, east, north = GREAT_BRITAIN
    in_britain = len(finite) and ((finite >= (west, south)) & (finite <= (east, north))).all()
    if in_britain:
        advice = "it covers another place: give an extract that covers the operating area"
    else:
        advice = (
            f"the file's coordinate system is probably wrong — OS Open Roads is in {BRITISH_NATIONAL_GRID}, "
            f"OpenStreetMap in {WGS84}"
        )
    raise ValidationError(
        f"{source}: read as {crs} ({ACCEPTED_CRS[crs]}), its roads land nowhere near the operating area "
        f"({area.describe()}){where}; {advice}"
    )


def _where(coordinates: Any) -> str:
    import numpy as np

    finite = coordinates[np.isfinite(coordinates).all(axis=1)]
    if not len(finite):
        return ""
    (west, south), (east, north) = finite.min(axis=0), finite.max(axis=0)
    return f"; its roads lie at latitude {south:.4f} to {north:.4f}, longitude {west:.4f} to {east:.4f}"


def _roads_of(line: _Line, clipped: Any, geod: Any) -> Iterator[Road]:
    import shapely

    for part in shapely.get_parts(clipped):
        if part.geom_type != "LineString" or part.is_empty:
            continue  # a road touching the edge at one point leaves a Point
        points = tuple(
            (round(lat, COORDINATE_DIGITS), round(lon, COORDINATE_DIGITS)) for lon, lat in part.coords
        )
        if len(set(points)) < 2:
            continue
        lons, lats = [lon for _, lon in points], [lat for lat, _ in points]
        yield Road(
            line.name[:NAME_LIMIT], line.road_class[:CLASS_LIMIT], points, float(geod.line_length(lons, lats))
        )


def _first_line(why: BaseException) -> str:
    text = str(why).strip().splitlines()
    return text[0] if text else type(why).__name__
