"""``controlroom unit|flag|recommend|dispatch``: thin CLI over the patrol commands."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from controlroom.commands import Commands
from controlroom.domain import LOCAL_TZ, Behaviour, UnitKind, UnitStatus
from controlroom.errors import ValidationError
from controlroom.feed import ChangeFeed
from controlroom.storage.database import Database

LatLon = Callable[[str], tuple[float, float]]


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], lat_lon: LatLon) -> None:
    unit = sub.add_parser("unit", help="patrol units: add, update, list")
    actions = unit.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="put a unit on duty")
    add.add_argument("callsign", metavar="CALLSIGN")
    add.add_argument("--kind", required=True, metavar="K", help="one of: " + ", ".join(UnitKind.choices()))
    add.add_argument("--at", type=lat_lon, metavar="LAT,LON")
    update = actions.add_parser("update", help="status and/or position (radio/AVL stand-in)")
    update.add_argument("callsign", metavar="CALLSIGN")
    update.add_argument("--status", metavar="S", help="one of: " + ", ".join(UnitStatus.choices()))
    update.add_argument("--at", type=lat_lon, metavar="LAT,LON")
    listing = actions.add_parser("list", help="every unit, its status and task")
    listing.add_argument("--json", action="store_true")
    flag = sub.add_parser("flag", help="flag a location where worrying behaviour was seen")
    where = flag.add_mutually_exclusive_group(required=True)
    where.add_argument("--venue", metavar="NAME")
    where.add_argument("--at", type=lat_lon, metavar="LAT,LON")
    flag.add_argument("--place", metavar="TEXT", help="where, in words (with --at)")
    flag.add_argument(
        "--behaviour", required=True, metavar="CODE", help="one of: " + ", ".join(Behaviour.choices())
    )
    flag.add_argument("--reason", required=True, metavar="TEXT")
    flag.add_argument("--expires-in", type=int, default=120, metavar="MINUTES", dest="expires_in")
    recommend = sub.add_parser("recommend", help="suitable available units ranked by ETA")
    recommend.add_argument("reference", metavar="REF")
    recommend.add_argument("--json", action="store_true")
    dispatch = sub.add_parser("dispatch", help="send units to an incident")
    dispatch.add_argument("reference", metavar="REF")
    dispatch.add_argument(
        "--unit", dest="units", action="extend", nargs="+", required=True, metavar="CALLSIGN"
    )


async def run(command: str, db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if command == "unit":
        return await _unit(db, commands, args)
    if command == "flag":
        flag = await commands.flag_location(
            behaviour=args.behaviour,
            reason=args.reason,
            venue=args.venue,
            at=args.at,
            place=args.place,
            expires_in_minutes=args.expires_in,
        )
        print(f"flag {flag.id}: {flag.place} until {flag.expires_at.astimezone(LOCAL_TZ):%H:%M}")
        return 0
    if command == "recommend":
        return await _recommend(db, args.reference, as_json=args.json)
    units = await commands.dispatch(args.reference, args.units)
    print(f"{args.reference.upper()}: dispatched {', '.join(u.callsign for u in units)}")
    return 0


async def _unit(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if args.unit_command == "add":
        unit = await commands.add_unit(args.callsign, args.kind, args.at)
        print(f"{unit.callsign} on duty ({unit.kind}, {unit.status})")
        return 0
    if args.unit_command == "update":
        unit = await commands.update_unit(args.callsign, status=args.status, at=args.at)
        print(f"{unit.callsign}: {unit.status}")
        return 0
    snapshot = await ChangeFeed(db).start()
    refs = {i.id: i.reference for i in snapshot.incidents}
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = [
        {
            "callsign": u.callsign,
            "kind": u.kind,
            "status": u.status,
            "minutes_in_status": round((now - u.status_since).total_seconds() / 60, 1),
            "task": refs.get(u.incident_id)
            if u.incident_id
            else (f"flag {u.flag_id}" if u.flag_id else None),
            "lat": u.lat,
            "lon": u.lon,
            "position_age_minutes": round((now - u.position_at).total_seconds() / 60, 1)
            if u.position_at
            else None,
        }
        for u in snapshot.units
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(
            f"{r['callsign']:10} {r['kind']:15} {r['status']:12} {r['minutes_in_status']:6.1f} min  "
            f"{r['task'] or ''}"
        )
    return 0


async def _recommend(db: Database, reference: str, *, as_json: bool) -> int:
    from controlroom.routing import StreetGraph, recommend

    snapshot = await ChangeFeed(db).start()
    incident = next((i for i in snapshot.incidents if i.reference == reference.strip().upper()), None)
    if incident is None:
        raise ValidationError(f"no open or recent incident with reference {reference!r}")
    ranked = recommend(
        StreetGraph.load(), snapshot.units, (incident.lat, incident.lon), category=incident.category
    )
    rows = [
        {
            "callsign": r.callsign,
            "kind": r.kind,
            "eta_minutes": round(r.eta_minutes, 1),
            "metres": round(r.metres),
            "on_network": r.on_network,
        }
        for r in ranked
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"{incident.reference}: no suitable unit is available")
    for rank, r in enumerate(rows, 1):
        print(f"{rank:2}. {r['callsign']:10} {r['eta_minutes']:5.1f} min  {r['metres']:5d} m  {r['kind']}")
    return 0
