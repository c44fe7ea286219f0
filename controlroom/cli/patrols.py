"""``controlroom unit|flag|flags|recommend|dispatch|responses``: thin CLI over the patrol commands.

Reasons, places and summaries were typed by people: they are printed as plain
text (control characters made visible, so a line cannot rewrite the terminal)
and never interpreted.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from controlroom.cli.terminal import shown
from controlroom.commands import Commands
from controlroom.config import Settings
from controlroom.core.domain import LOCAL_TZ, Behaviour, Category, Source, UnitKind, UnitStatus, grade_label
from controlroom.core.errors import ValidationError
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.queries import ActiveFlag, active_flags
from controlroom.patrols.responses import ResponseReport, response_report
from controlroom.storage.database import Database

LatLon = Callable[[str], tuple[float, float]]
# Every command this module serves (cli.py may route on this).
COMMANDS = ("unit", "flag", "flags", "recommend", "dispatch", "responses")


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
    flag.set_defaults(patrol_command="flag")
    recommend = sub.add_parser("recommend", help="suitable available units ranked by ETA")
    recommend.add_argument("reference", metavar="REF")
    recommend.add_argument("--json", action="store_true")
    dispatch = sub.add_parser("dispatch", help="send units to an incident (REF) or a flag (--flag ID)")
    dispatch.add_argument("reference", metavar="REF", nargs="?")
    dispatch.add_argument("--flag", type=int, metavar="ID", help="a flag number from `controlroom flags`")
    dispatch.add_argument(
        "--unit", dest="units", action="extend", nargs="+", required=True, metavar="CALLSIGN"
    )
    _add_flags_parser(sub)
    responses = sub.add_parser("responses", help="response times against the grade targets")
    responses.add_argument(
        "--hours", type=float, metavar="H", help="the last H hours (default: this operational night)"
    )
    responses.add_argument("--json", action="store_true")
    # The top-level dispatcher (cli.py) sends only "unit", "flag", "recommend" and
    # "dispatch" here; "flags" and "responses" travel under "flag" and say what
    # they are in ``patrol_command``.
    responses.set_defaults(command="flag", patrol_command="responses")


def _add_flags_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    flags = sub.add_parser("flags", help="active flags and their units; clear or convert one")
    flags.add_argument("--json", action="store_true")
    flags.set_defaults(command="flag", patrol_command="flags")
    actions = flags.add_subparsers(dest="flags_command", metavar="ACTION")
    clear = actions.add_parser("clear", help="take a flag off the map")
    clear.add_argument("flag_id", type=int, metavar="ID")
    convert = actions.add_parser("convert", help="turn a flag into an incident; prints its reference")
    convert.add_argument("flag_id", type=int, metavar="ID")
    convert.add_argument(
        "--category", required=True, metavar="C", help="one of: " + ", ".join(Category.choices())
    )
    convert.add_argument("--grade", type=int, metavar="1-4")
    convert.add_argument(
        "--source", default="cctv", metavar="S", help="one of: " + ", ".join(Source.choices())
    )
    convert.add_argument("--summary", metavar="TEXT", help="default: the flag's behaviour and reason")


async def run(command: str, db: Database, commands: Commands, args: argparse.Namespace) -> int:
    command = getattr(args, "patrol_command", None) or command
    if command == "flags":
        return await _flags(db, commands, args)
    if command == "responses":
        return await _responses(db, args)
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
        print(f"flag {flag.id}: {shown(flag.place)} until {flag.expires_at.astimezone(LOCAL_TZ):%H:%M}")
        return 0
    if command == "recommend":
        return await _recommend(db, args.reference, as_json=args.json)
    if (args.reference is None) == (args.flag is None):
        raise ValidationError("say where to send the units: an incident REF or --flag ID, not both")
    if args.flag is not None:
        units = await commands.dispatch_to_flag(args.flag, args.units)
        print(f"flag {args.flag}: dispatched {', '.join(u.callsign for u in units)}")
        return 0
    units = await commands.dispatch(args.reference, args.units)
    print(f"{args.reference.upper()}: dispatched {', '.join(u.callsign for u in units)}")
    return 0


async def _flags(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if args.flags_command == "clear":
        flag = await commands.clear_flag(args.flag_id)
        print(f"flag {flag.id} cleared")
        return 0
    if args.flags_command == "convert":
        incident = await commands.convert_flag(
            args.flag_id, category=args.category, source=args.source, grade=args.grade, summary=args.summary
        )
        print(incident.reference)
        return 0
    flags = await active_flags(db, datetime.now(UTC))
    if args.json:
        print(json.dumps([_flag_json(f) for f in flags], indent=2))
        return 0
    if not flags:
        print("no active flags")
    for f in flags:
        until = f.flag.expires_at.astimezone(LOCAL_TZ)
        units = ", ".join(f"{u.callsign} ({u.status.replace('_', ' ')})" for u in f.units)
        print(
            f"{f.flag.id:4}  {shown(f.flag.place)[:28]:28} {f.flag.behaviour:17} until {until:%H:%M}  "
            f"{units or 'no units'}\n      {shown(f.flag.reason)}"
        )
    return 0


def _flag_json(active: ActiveFlag) -> dict[str, Any]:
    flag = active.flag
    return {
        "id": flag.id,
        "place": flag.place,
        "lat": flag.lat,
        "lon": flag.lon,
        "behaviour": flag.behaviour,
        "reason": flag.reason,
        "flagged_by": flag.created_by,
        "flagged_at": flag.flagged_at.isoformat(),
        "expires_at": flag.expires_at.isoformat(),
        "units": [{"callsign": u.callsign, "status": u.status} for u in active.units],
    }


async def _responses(db: Database, args: argparse.Namespace) -> int:
    report = await response_report(db, Settings.load().grade_targets, now=datetime.now(UTC), hours=args.hours)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    _print_report(report)
    return 0


def _print_report(report: ResponseReport) -> None:
    print(f"Response times, {report.label}: {len(report.incidents)} incidents")
    print(
        f"{'REFERENCE':19} {'GRADE':5} {'REPORTED':8} {'DISPATCH':>8} {'ARRIVAL':>8} {'TARGET':>6}  OUTCOME"
    )
    for r in report.incidents:
        grade = f"G{r.grade}" if r.grade else "-"
        outcome = r.outcome.value.replace("_", " ")
        print(
            f"{r.reference:19} {grade:5} {r.reported_at.astimezone(LOCAL_TZ):%H:%M}    "
            f"{_mins(r.minutes_to_dispatch):>8} {_mins(r.minutes_to_arrival):>8} "
            f"{_mins(r.target_minutes):>6}  {outcome}"
        )
    print()
    print(f"{'GRADE':14} {'INCIDENTS':>9} {'ATTENDED':>8} {'MEDIAN':>7} {'P90':>7} {'IN TARGET':>9}")
    for g in report.grades:
        share = f"{g.within_target:.0%}" if g.within_target is not None else "-"
        print(
            f"{grade_label(g.grade):14} {g.incidents:9} {g.attended:8} {_mins(g.median_minutes):>7} "
            f"{_mins(g.p90_minutes):>7} {share:>9}"
        )
    print("(minutes from report; DISPATCH/ARRIVAL are the first unit sent and the first to arrive)")


def _mins(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


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
    from controlroom.patrols.routing import StreetGraph, recommend

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
