"""``controlroom geo import-roads FILE``: a real road network replaces the shipped streets, or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from controlroom.core.domain import SOUTHAMPTON_CENTRE
from controlroom.geo.network import shipped_street_layer, street_layer
from controlroom.geo.roads import read_road_file
from controlroom.patrols.routing import StreetGraph, haversine_metres, load_street_graph
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry
from tests.core.cameras.support import run_cli
from tests.core.geo.files import INSIDE_NAMES, JUNCTION, ROADS, write_geopackage, write_osm_pbf, write_osm_xml
from tests.core.support import run_with_db

AREA = SOUTHAMPTON_CENTRE
EDINBURGH = ("Princes Street", "A Road", [(55.9520, -3.2000), (55.9530, -3.1900)])


def _layer(url: str) -> dict[str, object]:
    return run_with_db(url, street_layer)


async def _trail(
    db: Database,
) -> tuple[list[tuple[str, dict[str, object]]], list[tuple[str, int, dict[str, object]]]]:
    async with db.read() as conn:
        audit = (
            await conn.execute(
                select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action.like("geo.%"))
            )
        ).all()
        changes = (
            await conn.execute(
                select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.payload).where(
                    ChangeLogEntry.entity == "roads"
                )
            )
        ).all()
    return [(str(a), dict(d)) for a, d in audit], [(str(e), int(i), dict(p)) for e, i, p in changes]


def _lines(layer: dict[str, object]) -> list[tuple[str, list[tuple[float, float]]]]:
    """(name, [(lat, lon), ...]) of every feature."""
    features = layer["features"]
    assert isinstance(features, list)
    return [
        (f["properties"]["name"], [(lat, lon) for lon, lat in f["geometry"]["coordinates"]]) for f in features
    ]


def test_a_geopackage_replaces_the_shipped_streets_for_drawing_and_routing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _layer(db_url) == shipped_street_layer()  # nothing imported yet
    assert run_with_db(db_url, load_street_graph) is StreetGraph.load()
    done = run_cli(capsys, db_url, "geo", "import-roads", str(write_geopackage(tmp_path / "roads.gpkg")))
    assert done.code == 0, done.err
    assert "3 road segment(s), 2.74 km, imported from roads.gpkg; 2 named street(s)" in done.out
    assert "streets: Above Bar Street, Commercial Road" in done.out

    layer = _layer(db_url)
    lines = _lines(layer)
    assert sorted(name for name, _ in lines) == ["", *INSIDE_NAMES]  # Far Away Lane is outside
    assert all(f["properties"]["kind"] == "street" for f in layer["features"])  # type: ignore[index, union-attr]
    assert all(AREA.contains(lat, lon) for _, points in lines for lat, lon in points)
    commercial = dict(lines)["Commercial Road"]
    assert min(lon for _, lon in commercial) == pytest.approx(AREA.west)  # cut at the area's edge

    # Routing follows the imported streets: along Commercial Road, round the junction, down Above Bar.
    graph = run_with_db(db_url, load_street_graph)
    assert run_with_db(db_url, load_street_graph) is graph  # built once per import
    start, end = (50.9093, -1.4120), (50.9010, -1.4050)
    route = graph.travel(start, end)
    assert route.on_network
    assert route.metres == pytest.approx(
        haversine_metres(start, JUNCTION) + haversine_metres(JUNCTION, end), rel=1e-3
    )

    audit, changes = run_with_db(db_url, _trail)
    assert audit == [
        ("geo.import_roads", {"file": "roads.gpkg", "segments": 3, "km": pytest.approx(2.742, abs=1e-3)})
    ]
    assert [(e, i, p["segments"], p["source"]) for e, i, p in changes] == [("roads", 1, 3, "roads.gpkg")]


@pytest.mark.parametrize("write", [write_osm_xml, write_osm_pbf], ids=["osm", "osm.pbf"])
def test_an_openstreetmap_extract_gives_its_highways_clipped_to_the_area(
    write: object, tmp_path: Path
) -> None:
    suffix = ".osm" if write is write_osm_xml else ".osm.pbf"
    network = read_road_file(write(tmp_path / f"city{suffix}"), AREA)  # type: ignore[operator]
    assert network.street_names == tuple(INSIDE_NAMES)  # no River Itchen: not a highway
    assert len(network.roads) == 3
    assert network.total_km == pytest.approx(2.742, abs=1e-3)
    above_bar = next(road for road in network.roads if road.name == "Above Bar Street")
    assert above_bar.points == tuple(ROADS[0][2])


def _broken_pbf(tmp_path: Path) -> Path:
    whole = write_osm_pbf(tmp_path / "whole.osm.pbf").read_bytes()
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(whole[: len(whole) // 2])  # a download that stopped halfway
    return path


def _degrees_labelled_as_grid(tmp_path: Path) -> Path:
    import numpy as np
    import shapely
    from pyogrio import raw

    lines = [shapely.LineString([(lon, lat) for lat, lon in points]) for _, _, points in ROADS]
    path = tmp_path / "degrees.gpkg"
    raw.write(
        path, shapely.to_wkb(np.array(lines, dtype=object)), [np.array(["A"] * len(lines), dtype=object)],
        ["name_1"], layer="road_link", driver="GPKG", crs="EPSG:27700", geometry_type="LineString",
    )  # fmt: skip
    return path


def test_a_refused_file_leaves_the_previous_network_untouched(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_osm_xml(tmp_path / "good.osm")
    assert run_cli(capsys, db_url, "geo", "import-roads", str(good)).code == 0
    before, trail = _layer(db_url), run_with_db(db_url, _trail)
    graph = run_with_db(db_url, load_street_graph)
    garbage = tmp_path / "garbage.gpkg"
    garbage.write_bytes(b"this is not a GeoPackage\n" * 40)
    refusals = [
        (garbage, "cannot be read as a GeoPackage"),
        (_broken_pbf(tmp_path), "cannot be read as an OpenStreetMap extract"),
        (write_geopackage(tmp_path / "mercator.gpkg", crs="EPSG:3857"), "is in EPSG:3857; the accepted"),
        (_degrees_labelled_as_grid(tmp_path), "nowhere near the operating area (latitude 50.8880"),
        (_degrees_labelled_as_grid(tmp_path), "coordinate system is probably wrong"),
        (write_geopackage(tmp_path / "edinburgh.gpkg", [EDINBURGH]), "it covers another place"),
        (write_geopackage(tmp_path / "elsewhere.gpkg", [ROADS[3]]), "has no roads inside the operating area"),
        (write_geopackage(tmp_path / "other.gpkg", layer="roads"), "has no layer 'road_link'"),
        (tmp_path / "roads.shp", "not a road file this can read"),
    ]
    for path, message in refusals:
        done = run_cli(capsys, db_url, "geo", "import-roads", str(path))
        assert (done.code, message in done.err) == (2, True), (path.name, done.err)
    assert _layer(db_url) == before
    assert run_with_db(db_url, _trail) == trail
    assert run_with_db(db_url, load_street_graph) is graph
    assert json.dumps(before).count("Above Bar Street") == 1
