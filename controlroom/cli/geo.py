"""``controlroom geo import-roads FILE``: a real road network for the map and the routing graph.

Street names come from the file (typed by whoever mapped them): printed as plain text.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import shown

NAMES_SHOWN = 12
"""Street names printed after an import; the rest are counted, not listed."""


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        type=Path,
        metavar="FILE",
        help="an OS Open Roads GeoPackage (.gpkg) or an OpenStreetMap extract (.osm.pbf, .osm)",
    )


async def _import_roads(session: Session, args: argparse.Namespace) -> int:
    from controlroom.geo.commands import RoadCommands

    done = await RoadCommands(session.context).import_file(args.path)
    print(
        f"{done.segments} road segment(s), {done.total_km:.2f} km, imported from {shown(done.source)}; "
        f"{len(done.street_names)} named street(s)"
    )
    if done.street_names:
        listed = ", ".join(shown(name) for name in done.street_names[:NAMES_SHOWN])
        more = len(done.street_names) - NAMES_SHOWN
        print(f"streets: {listed}" + (f" and {more} more" if more > 0 else ""))
    print("the map and the routing graph now use this network (it replaced the previous one)")
    return 0


COMMANDS = (
    Command(
        "geo",
        "geography: import a real road network",
        actions=(
            Command(
                "import-roads",
                "replace the street layer with the roads of a file, clipped to the operating area",
                in_session(_import_roads),
                ("geo.import",),
                _import_arguments,
            ),
        ),
    ),
)
