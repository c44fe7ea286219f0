"""``controlroom flag`` and ``flags [clear|convert]``: locations where worrying behaviour was seen.

Reasons and places were typed by people: they are printed as plain text (control
characters made visible, so a line cannot rewrite the terminal) and never interpreted.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import shown
from controlroom.core.domain import LOCAL_TZ, Behaviour, Category, Source

if TYPE_CHECKING:
    from controlroom.incidents.queries import ActiveFlag


def _flag_arguments(flag: argparse.ArgumentParser) -> None:
    where = flag.add_mutually_exclusive_group(required=True)
    where.add_argument("--venue", metavar="NAME")
    where.add_argument("--at", type=arguments.lat_lon, metavar="LAT,LON")
    flag.add_argument("--place", metavar="TEXT", help="where, in words (with --at)")
    flag.add_argument(
        "--behaviour", required=True, metavar="CODE", help="one of: " + ", ".join(Behaviour.choices())
    )
    flag.add_argument("--reason", required=True, metavar="TEXT")
    flag.add_argument("--expires-in", type=int, default=120, metavar="MINUTES", dest="expires_in")


async def _flag(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.flags import FlagCommands

    flag = await FlagCommands(session.context).flag_location(
        behaviour=args.behaviour,
        reason=args.reason,
        venue=args.venue,
        at=args.at,
        place=args.place,
        expires_in_minutes=args.expires_in,
    )
    print(f"flag {flag.id}: {shown(flag.place)} until {flag.expires_at.astimezone(LOCAL_TZ):%H:%M}")
    return 0


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.incidents.queries import active_flags

    flags = await active_flags(session.db, datetime.now(UTC))
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


async def _clear(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.flags import FlagCommands

    flag = await FlagCommands(session.context).clear_flag(args.flag_id)
    print(f"flag {flag.id} cleared")
    return 0


def _convert_arguments(convert: argparse.ArgumentParser) -> None:
    convert.add_argument("flag_id", type=int, metavar="ID")
    convert.add_argument(
        "--category", required=True, metavar="C", help="one of: " + ", ".join(Category.choices())
    )
    convert.add_argument("--grade", type=int, metavar="1-4")
    convert.add_argument(
        "--source", default="cctv", metavar="S", help="one of: " + ", ".join(Source.choices())
    )
    convert.add_argument("--summary", metavar="TEXT", help="default: the flag's behaviour and reason")


async def _convert(session: Session, args: argparse.Namespace) -> int:
    from controlroom.patrols.flags import FlagCommands

    incident = await FlagCommands(session.context).convert_flag(
        args.flag_id, category=args.category, source=args.source, grade=args.grade, summary=args.summary
    )
    print(incident.reference)
    return 0


def _flag_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flag_id", type=int, metavar="ID")


def _json_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


COMMANDS = (
    Command(
        "flag",
        "flag a location where worrying behaviour was seen",
        in_session(_flag),
        ("flag.add",),
        _flag_arguments,
    ),
    # `flags` alone lists; its actions change one flag.
    Command(
        "flags",
        "active flags and their units; clear or convert one",
        in_session(_list),
        ("read.units",),
        _json_output,
        actions=(
            Command("clear", "take a flag off the map", in_session(_clear), ("flag.clear",), _flag_id),
            Command(
                "convert",
                "turn a flag into an incident; prints its reference",
                in_session(_convert),
                ("flag.convert",),
                _convert_arguments,
            ),
        ),
    ),
)
