"""Road files made by the tests themselves: an OS Open Roads GeoPackage, an .osm and an .osm.pbf.

Every file holds the same small network, given here in ``(lat, lon)``: two named streets
meeting at a junction inside the operating area, one of them running out of the area to
the west (clipped at its edge), an unnamed service road, and a road well outside it.
"""

from __future__ import annotations

from pathlib import Path

LatLon = tuple[float, float]

JUNCTION = (50.9093, -1.4050)
ROADS: list[tuple[str, str, list[LatLon]]] = [
    ("Above Bar Street", "A Road", [(50.8990, -1.4050), JUNCTION, (50.9100, -1.4050)]),
    # Runs west past the area's edge (longitude -1.425): only the part inside is kept.
    ("Commercial Road", "B Road", [JUNCTION, (50.9093, -1.4150), (50.9093, -1.4300)]),
    ("", "Unclassified", [(50.9050, -1.3950), (50.9060, -1.3950)]),
    ("Far Away Lane", "Unclassified", [(50.9500, -1.4000), (50.9600, -1.4000)]),
]
INSIDE_NAMES = ["Above Bar Street", "Commercial Road"]


def to_grid(points: list[LatLon]) -> list[tuple[float, float]]:
    """``(lat, lon)`` points as British National Grid (easting, northing)."""
    from pyproj import Transformer

    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return [to_bng.transform(lon, lat) for lat, lon in points]


def write_geopackage(
    path: Path,
    roads: list[tuple[str, str, list[LatLon]]] = ROADS,
    *,
    crs: str = "EPSG:27700",
    layer: str = "road_link",
) -> Path:
    """An OS Open Roads-like GeoPackage: layer ``road_link``, ``name_1``, ``road_classification``."""
    import numpy as np
    import shapely
    from pyogrio import raw

    if crs == "EPSG:27700":
        lines = [shapely.LineString(to_grid(points)) for _, _, points in roads]
    else:  # coordinates as they are, labelled with another system
        lines = [shapely.LineString([(lon, lat) for lat, lon in points]) for _, _, points in roads]
    names = np.array([name or None for name, _, _ in roads], dtype=object)
    classes = np.array([road_class for _, road_class, _ in roads], dtype=object)
    functions = np.array(["Local Road"] * len(roads), dtype=object)
    raw.write(
        path,
        shapely.to_wkb(np.array(lines, dtype=object)),
        [names, classes, functions],
        ["name_1", "road_classification", "road_function"],
        layer=layer,
        driver="GPKG",
        crs=crs,
        geometry_type="LineString",
    )
    return path


def _osm_elements(
    roads: list[tuple[str, str, list[LatLon]]],
) -> tuple[dict[LatLon, int], list[tuple[int, str, list[int]]]]:
    """Node ids per distinct point (a shared point is one node) and ways as (id, name, node ids)."""
    node_ids: dict[LatLon, int] = {}
    ways = []
    for n, (name, _, points) in enumerate(roads, start=1):
        refs = [node_ids.setdefault(point, len(node_ids) + 1) for point in points]
        ways.append((100 + n, name, refs))
    return node_ids, ways


def write_osm_xml(path: Path, roads: list[tuple[str, str, list[LatLon]]] = ROADS) -> Path:
    """The network as OpenStreetMap XML, highway ways with ``name`` tags, plus a non-road way."""
    from xml.sax.saxutils import quoteattr

    node_ids, ways = _osm_elements(roads)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tests">']
    for (lat, lon), node_id in node_ids.items():
        lines.append(f'  <node id="{node_id}" version="1" lat="{lat}" lon="{lon}"/>')
    lines.append('  <node id="900" version="1" lat="50.905" lon="-1.401"/>')
    lines.append('  <node id="901" version="1" lat="50.906" lon="-1.401"/>')
    for way_id, name, refs in ways:
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines.append('    <tag k="highway" v="residential"/>')
        if name:
            lines.append(f'    <tag k="name" v={quoteattr(name)}/>')
        lines.append("  </way>")
    # A river is not a road: without a highway tag it stays out of the network.
    lines += [
        '  <way id="999" version="1">',
        '    <nd ref="900"/>',
        '    <nd ref="901"/>',
        '    <tag k="waterway" v="river"/>',
        '    <tag k="name" v="River Itchen"/>',
        "  </way>",
    ]
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_osm_pbf(path: Path, roads: list[tuple[str, str, list[LatLon]]] = ROADS) -> Path:
    """The network as an .osm.pbf, written by pyosmium."""
    import osmium
    from osmium.osm.mutable import Node, Way

    node_ids, ways = _osm_elements(roads)
    with osmium.SimpleWriter(str(path)) as writer:
        for (lat, lon), node_id in sorted(node_ids.items(), key=lambda item: item[1]):
            writer.add_node(Node(id=node_id, version=1, location=(lon, lat)))
        for way_id, name, refs in ways:
            tags = {"highway": "primary", **({"name": name} if name else {})}
            writer.add_way(Way(id=way_id, version=1, nodes=refs, tags=tags))
    return path
