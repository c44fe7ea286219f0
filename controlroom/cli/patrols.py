"""``controlroom unit add|update|list``, ``recommend``, ``dispatch`` and ``responses``: patrols.

Routing (networkx and the street network) is loaded by ``recommend`` alone.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.core.domain import LOCAL_TZ, UnitKind, UnitStatus, grade_label
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.patrols.responses import ResponseReport


def _add_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("callsign", metavar="CALLSIGN")
    add.add_argument("--kind", required=True, metavar="K", help="one of: " + ", ".join(UnitKind.choices()))
    add.add_argument("--at", type=arguments.lat_lon, metavar="LAT,LON")


async def _add(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.units import UnitCommands

    unit = await UnitCommands(session.context).add_unit(args.callsign, args.kind, args.at)
    print(f"{unit.callsign} on duty ({unit.kind}, {unit.status})")
    return 0


def _update_arguments(update: argparse.ArgumentParser) -> None:
    update.add_argument("callsign", metavar="CALLSIGN")
    update.add_argument("--status", metavar="S", help="one of: " + ", ".join(UnitStatus.choices()))
    update.add_argument("--at", type=arguments.lat_lon, metavar="LAT,LON")


async def _update(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.units import UnitCommands

    unit = await UnitCommands(session.context).update_unit(args.callsign, status=args.status, at=args.at)
    print(f"{unit.callsign}: {unit.status}")
    return 0


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.feed.change_feed import ChangeFeed

    snapshot = await ChangeFeed(session.db).start()
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


def _recommend_arguments(recommend: argparse.ArgumentParser) -> None:
    recommend.add_argument("reference", metavar="REF")
    recommend.add_argument("--json", action="store_true")


async def _recommend(session: Session, args: argparse.Namespace) -> int:
    from controlroom.feed.change_feed import ChangeFeed
    from controlroom.patrols.routing import load_street_graph, recommend

    snapshot = await ChangeFeed(session.db).start()
    reference = args.reference
    incident = next((i for i in snapshot.incidents if i.reference == reference.strip().upper()), None)
    if incident is None:
        raise ValidationError(f"no open or recent incident with reference {reference!r}")
    graph = await load_street_graph(session.db)  # the imported road network, when there is one
    ranked = recommend(graph, snapshot.units, (incident.lat, incident.lon), category=incident.category)
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
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"{incident.reference}: no suitable unit is available")
    for rank, r in enumerate(rows, 1):
        print(f"{rank:2}. {r['callsign']:10} {r['eta_minutes']:5.1f} min  {r['metres']:5d} m  {r['kind']}")
    return 0


def _dispatch_arguments(dispatch: argparse.ArgumentParser) -> None:
    dispatch.add_argument("reference", metavar="REF", nargs="?")
    dispatch.add_argument("--flag", type=int, metavar="ID", help="a flag number from `controlroom flags`")
    dispatch.add_argument(
        "--unit", dest="units", action="extend", nargs="+", required=True, metavar="CALLSIGN"
    )


async def _dispatch(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.dispatch import DispatchCommands

    if (args.reference is None) == (args.flag is None):
        raise ValidationError("say where to send the units: an incident REF or --flag ID, not both")
    dispatching = DispatchCommands(session.context)
    if args.flag is not None:
        units = await dispatching.dispatch_to_flag(args.flag, args.units)
        print(f"flag {args.flag}: dispatched {', '.join(u.callsign for u in units)}")
        return 0
    units = await dispatching.dispatch(args.reference, args.units)
    print(f"{args.reference.upper()}: dispatched {', '.join(u.callsign for u in units)}")
    return 0


def _responses_arguments(responses: argparse.ArgumentParser) -> None:
    responses.add_argument(
        "--hours", type=float, metavar="H", help="the last H hours (default: this operational night)"
    )
    responses.add_argument("--json", action="store_true")


async def _responses(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.responses import response_report

    targets = session.settings.grade_targets
    report = await response_report(session.db, targets, now=datetime.now(UTC), hours=args.hours)
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


def _json_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


COMMANDS = (
    Command(
        "unit",
        "patrol units: add, update, list",
        actions=(
            Command("add", "put a unit on duty", in_session(_add), ("unit.add",), _add_arguments),
            Command(
                "update",
                "status and/or position (radio/AVL stand-in)",
                in_session(_update),
                ("unit.update",),
                _update_arguments,
            ),
            Command(
                "list", "every unit, its status and task", in_session(_list), ("read.units",), _json_output
            ),
        ),
    ),
    Command(
        "recommend",
        "suitable available units ranked by ETA",
        in_session(_recommend),
        ("read.units",),
        _recommend_arguments,
    ),
    # With --flag the core checks flag.dispatch as well; every role that may dispatch
    # to an incident may dispatch to a flag.
    Command(
        "dispatch",
        "send units to an incident (REF) or a flag (--flag ID)",
        in_session(_dispatch),
        ("incident.dispatch",),
        _dispatch_arguments,
    ),
    Command(
        "responses",
        "response times against the grade targets",
        in_session(_responses),
        ("read.units",),
        _responses_arguments,
    ),
)
