"""``controlroom zone|direction|person|tally``: thin CLI over the dispersal and person commands.

Times typed without an offset are read as UK local time (Europe/London), as an
officer on the street would say them; output times are local too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from controlroom.cli.terminal import shown
from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ, Behaviour, Source
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import Change
from controlroom.dispersal.directions import DirectionSpec, DirectionVariation
from controlroom.dispersal.persons import NewSubject
from controlroom.dispersal.queries import list_directions, list_subjects, list_zones, night_tally
from controlroom.dispersal.zones import ZoneSpec
from controlroom.paperwork.data import LatLon
from controlroom.storage.database import Database

LatLonParser = Callable[[str], tuple[float, float]]
COMMANDS = ("zone", "direction", "person", "tally")


def polygon(text: str) -> list[LatLon]:
    """``"LAT,LON;LAT,LON;LAT,LON"`` → points (argparse type)."""
    points = []
    for part in text.replace(" ", "").strip(";").split(";"):
        try:
            lat, lon = part.split(",")
            points.append((float(lat), float(lon)))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part!r} in the polygon is not LAT,LON; write e.g. "
                "'50.9100,-1.4100;50.9100,-1.4030;50.9170,-1.4030'"
            ) from None
    return points


def moment(text: str) -> datetime:
    """An ISO date-time; without an offset it is UK local time (argparse type)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time; write e.g. 2026-11-27T22:00"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=LOCAL_TZ)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write e.g. 1990-05-17") from None


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours, e.g. 24 or 1.5") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of hours must be above 0")
    return value


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], lat_lon: LatLonParser) -> None:
    _zone_parsers(sub)
    _direction_parsers(sub, lat_lon)
    _person_parsers(sub, lat_lon)
    tally = sub.add_parser("tally", help="this night's warnings, directions, surrendered items and breaches")
    tally.add_argument("--json", action="store_true")


def _zone_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    zone = sub.add_parser("zone", help="s.34 dispersal zones: authorise, list")
    actions = zone.add_subparsers(dest="zone_command", metavar="ACTION", required=True)
    auth = actions.add_parser("authorise", help="record an s.34 authorisation (inspector or above)")
    auth.add_argument("--name", required=True, metavar="N")
    auth.add_argument("--polygon", required=True, type=polygon, metavar="LAT,LON;LAT,LON;...")
    auth.add_argument("--start", required=True, type=moment, metavar="ISO")
    auth.add_argument("--hours", required=True, type=_hours, metavar="H", help="at most 48 (s.34(1))")
    auth.add_argument("--officer", required=True, metavar="TEXT", help="e.g. 'Insp 1234 Jane Smith'")
    auth.add_argument("--grounds", required=True, metavar="TEXT")
    auth.add_argument(
        "--rights", required=True, metavar="TEXT", help="the Art. 10/11 consideration (s.34(3))"
    )
    auth.add_argument("--log", default="", metavar="NUMBER", help="the log number (required)")
    auth.add_argument("--area", default="", metavar="TEXT", help="the locality in words")
    withdraw = actions.add_parser("withdraw", help="end an authorisation early")
    withdraw.add_argument("zone", metavar="N", help="zone number or name")
    withdraw.add_argument("--reason", required=True, metavar="TEXT")
    listing = actions.add_parser("list", help="every zone and whether it is in force")
    listing.add_argument("--json", action="store_true")


def _direction_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], lat_lon: LatLonParser
) -> None:
    direction = sub.add_parser("direction", help="s.35 directions: give, list, vary, withdraw")
    actions = direction.add_subparsers(dest="direction_command", metavar="ACTION", required=True)
    give = actions.add_parser("give", help="record an s.35 direction; prints its reference")
    give.add_argument("--zone", required=True, metavar="N", help="zone number or name")
    give.add_argument("--at", required=True, type=lat_lon, metavar="LAT,LON")
    give.add_argument("--description", metavar="TEXT", help="the person, if not already on record")
    give.add_argument("--subject", type=int, metavar="ID", help="a person of concern already on record")
    give.add_argument("--apparent-age", required=True, type=int, metavar="A", dest="apparent_age")
    give.add_argument("--hours", required=True, type=_hours, metavar="H", help="exclusion period, at most 48")
    give.add_argument("--officer", required=True, metavar="TEXT", help="e.g. 'PC 4567 Tom Reed'")
    give.add_argument("--grounds", required=True, metavar="TEXT")
    give.add_argument("--behaviour", default="", metavar="TEXT")
    give.add_argument("--given-at", type=moment, metavar="ISO", dest="given_at", help="default: now")
    give.add_argument("--area-polygon", type=polygon, metavar="LAT,LON;...", dest="area_polygon")
    give.add_argument("--area", metavar="TEXT", help="the exclusion area in words (default: the zone's)")
    give.add_argument("--leave-by", type=moment, metavar="ISO", dest="leave_by")
    give.add_argument("--route", metavar="TEXT")
    give.add_argument("--surrender", action="append", default=[], metavar="ITEM", help="s.37; repeatable")
    give.add_argument("--station", metavar="TEXT", help="where surrendered items are collected")
    give.add_argument("--no-written-notice", metavar="REASON", dest="no_written_notice")
    give.add_argument("--no-offence-warning", metavar="REASON", dest="no_offence_warning")
    listing = actions.add_parser("list", help="every direction and its status")
    listing.add_argument("--json", action="store_true")
    vary = actions.add_parser("vary", help="vary a direction (never past 48 h from first given)")
    vary.add_argument("reference", metavar="REF")
    ends = vary.add_mutually_exclusive_group()
    ends.add_argument("--hours", type=_hours, metavar="H", help="new exclusion period from when first given")
    ends.add_argument("--ends", type=moment, metavar="ISO")
    vary.add_argument("--area-polygon", type=polygon, metavar="LAT,LON;...", dest="area_polygon")
    vary.add_argument("--area", metavar="TEXT")
    vary.add_argument("--leave-by", type=moment, metavar="ISO", dest="leave_by")
    vary.add_argument("--route", metavar="TEXT")
    _change_arguments(vary)
    withdraw = actions.add_parser("withdraw", help="withdraw a direction")
    withdraw.add_argument("reference", metavar="REF")
    _change_arguments(withdraw)


def _change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--officer", required=True, metavar="TEXT", help="the constable varying or withdrawing"
    )
    parser.add_argument("--reason", required=True, metavar="TEXT")
    parser.add_argument("--no-notice", metavar="REASON", dest="no_notice", help="why the person was not told")


def _person_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], lat_lon: LatLonParser) -> None:
    person = sub.add_parser("person", help="persons of concern: add, list, warn, seen, show, review")
    actions = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="record a person of concern; prints his number")
    add.add_argument("--description", required=True, metavar="TEXT")
    add.add_argument("--clothing", default="", metavar="TEXT")
    add.add_argument("--build", default="", metavar="TEXT")
    add.add_argument("--features", default="", metavar="TEXT", help="distinguishing features")
    add.add_argument("--name", metavar="TEXT")
    add.add_argument("--dob", type=_day, metavar="YYYY-MM-DD")
    add.add_argument("--address", metavar="TEXT")
    add.add_argument("--review", type=_day, metavar="YYYY-MM-DD", help="MoPI review date (default: a year)")
    listing = actions.add_parser("list", help="persons of concern (descriptions, no identities)")
    listing.add_argument("--json", action="store_true")
    warn = actions.add_parser("warn", help="record words of advice")
    warn.add_argument("subject", type=int, metavar="ID")
    warn.add_argument("--officer", required=True, metavar="TEXT")
    warn.add_argument("--where", required=True, metavar="TEXT")
    warn.add_argument("--note", default="", metavar="TEXT")
    warn.add_argument("--at", type=moment, metavar="ISO", dest="given_at")
    seen = actions.add_parser("seen", help="link to an incident, a flag, or a point where he was seen")
    seen.add_argument("subject", type=int, metavar="ID")
    where = seen.add_mutually_exclusive_group(required=True)
    where.add_argument("--incident", metavar="REF")
    where.add_argument("--flag", type=int, metavar="N")
    where.add_argument("--at", type=lat_lon, metavar="LAT,LON")
    seen.add_argument("--place", metavar="TEXT")
    seen.add_argument(
        "--behaviour",
        action="append",
        default=[],
        metavar="CODE",
        help="one of: " + ", ".join(Behaviour.choices()),
    )
    seen.add_argument("--seen-at", type=moment, metavar="ISO", dest="seen_at")
    seen.add_argument(
        "--source", default="police_patrol", metavar="S", help="one of: " + ", ".join(Source.choices())
    )
    review = actions.add_parser("review", help="MoPI review: next review date and/or erase the identity")
    review.add_argument("subject", type=int, metavar="ID")
    review.add_argument("--reason", required=True, metavar="TEXT")
    review.add_argument("--next", type=_day, metavar="YYYY-MM-DD", dest="next_review")
    review.add_argument("--erase-identity", action="store_true", dest="erase_identity")
    show = actions.add_parser("show", help="the full record with identity (the look-up is logged)")
    show.add_argument("subject", type=int, metavar="ID")
    show.add_argument("--reason", required=True, metavar="TEXT", help="why you need it (DPA 2018 s.62)")


async def run(command: str, db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if command == "zone":
        return await _zone(db, commands, args)
    if command == "direction":
        return await _direction(db, commands, args)
    if command == "person":
        return await _person(db, commands, args)
    tally = await night_tally(db)
    if args.json:
        print(json.dumps(tally.to_json()))
    else:
        print(
            f"night of {tally.night:%a %d %b}: {tally.warnings} warnings, {tally.directions} directions, "
            f"{tally.surrendered_items} surrendered items, {tally.breaches} breaches"
        )
    return 0


def _local(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m %H:%M") if value else "-"


async def _zone(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if args.zone_command == "authorise":
        start = args.start.astimezone(UTC)
        zone = await commands.authorise_zone(
            ZoneSpec(
                name=args.name,
                polygon=args.polygon,
                starts_at=start,
                ends_at=start + timedelta(hours=args.hours),
                officer=args.officer,
                grounds=args.grounds,
                rights_consideration=args.rights,
                log_number=args.log,
                area_in_words=args.area,
            )
        )
        print(f"zone {zone.id}: {shown(zone.name)}, {_local(zone.starts_at)} to {_local(zone.ends_at)}")
        return 0
    if args.zone_command == "withdraw":
        withdrawn = await commands.withdraw_zone(args.zone, args.reason)
        print(f"zone {withdrawn.id}: {shown(withdrawn.name)} withdrawn at {_local(withdrawn.withdrawn_at)}")
        return 0
    now = datetime.now(UTC)
    rows = [
        {
            "id": z.id,
            "name": z.name,
            "log_number": z.log_number,
            "officer": z.officer,
            "starts_at": z.starts_at.isoformat(),
            "ends_at": z.ends_at.isoformat(),
            "status": _zone_status(z.in_force(now), z.withdrawn_at, z.starts_at, now),
            "polygon": [list(p) for p in z.polygon],
        }
        for z in await list_zones(db)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for z, r in zip(await list_zones(db), rows, strict=True):
        print(f"{z.id:3} {shown(z.name):28} {_local(z.starts_at)} to {_local(z.ends_at)}  {r['status']}")
    return 0


def _zone_status(in_force: bool, withdrawn_at: datetime | None, starts_at: datetime, now: datetime) -> str:
    if in_force:
        return "in force"
    if withdrawn_at is not None and withdrawn_at <= now:
        return "withdrawn"
    return "not yet in force" if starts_at > now else "expired"


async def _direction(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    action = args.direction_command
    if action == "give":
        return await _give(commands, args)
    if action == "list":
        return await _list_directions(db, as_json=args.json)
    if action == "withdraw":
        done = await commands.withdraw_direction(
            args.reference,
            officer=args.officer,
            reason=args.reason,
            notice_given=args.no_notice is None,
            no_notice_reason=args.no_notice,
        )
        print(f"{done.reference}: withdrawn")
        return 0
    varied = await commands.vary_direction(
        args.reference,
        DirectionVariation(
            officer=args.officer,
            reason=args.reason,
            exclusion_ends_at=args.ends,
            hours_from_first_given=args.hours,
            exclusion_polygon=args.area_polygon,
            exclusion_in_words=args.area,
            leave_by=args.leave_by,
            route=args.route,
            notice_given=args.no_notice is None,
            no_notice_reason=args.no_notice,
        ),
    )
    print(f"{varied.reference}: excluded until {_local(varied.exclusion_ends_at)}")
    return 0


async def _give(commands: Commands, args: argparse.Namespace) -> int:
    if args.area_polygon is not None and not args.area:
        raise ValidationError(
            "a part of the zone (--area-polygon) must be described in words too (--area TEXT)"
        )
    result = await commands.give_direction(
        DirectionSpec(
            zone=args.zone,
            at=args.at,
            apparent_age=args.apparent_age,
            officer=args.officer,
            grounds=args.grounds,
            exclusion_hours=args.hours,
            behaviour=args.behaviour,
            description=args.description if args.subject is None else None,
            subject_id=args.subject,
            given_at=args.given_at,
            exclusion_polygon=args.area_polygon,
            exclusion_in_words=args.area,
            leave_by=args.leave_by,
            route=args.route,
            offence_warning_given=args.no_offence_warning is None,
            no_offence_warning_reason=args.no_offence_warning,
            written_notice_given=args.no_written_notice is None,
            no_written_notice_reason=args.no_written_notice,
            surrendered_items=args.surrender,
            collection_station=args.station,
        )
    )
    print(result.direction.reference)
    if result.take_home_task_id is not None:
        print(
            f"task {result.take_home_task_id}: the person appears to be under 16 — consider taking them "
            "home or to a place of safety (s.35(7))",
            file=sys.stderr,
        )
    return 0


async def _list_directions(db: Database, *, as_json: bool) -> int:
    directions = await list_directions(db)
    if as_json:
        print(json.dumps([d.to_json() for d in directions], indent=2))
        return 0
    now = datetime.now(UTC)
    for d in directions:
        state = "active" if d.active(now) else ("withdrawn" if d.status == "withdrawn" else "expired")
        items = f"  items: {shown(', '.join(d.surrendered_items))}" if d.surrendered_items else ""
        print(
            f"{d.reference}  {_local(d.given_at)} until {_local(d.exclusion_ends_at)}  {state:9} "
            f"#{d.subject_id} {shown(d.subject_description[:40])}{items}"
        )
    return 0


async def _person(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    action = args.person_command
    if action == "add":
        person = await commands.add_subject(
            NewSubject(
                description=args.description,
                clothing=args.clothing,
                build=args.build,
                distinguishing_features=args.features,
                name=args.name,
                date_of_birth=args.dob,
                address=args.address,
                review_date=args.review,
            )
        )
        print(person.id)
        return 0
    if action == "list":
        people = await list_subjects(db)
        if args.json:
            print(json.dumps([p.to_json() for p in people], indent=2))
            return 0
        for p in people:
            directions = f"  directed: {', '.join(p.active_directions)}" if p.active_directions else ""
            described = shown(p.description[:50])
            print(f"{p.id:4}  {described:50}  warnings {p.warnings}  seen {p.sightings}{directions}")
        return 0
    if action == "warn":
        person = await commands.warn_subject(
            args.subject, officer=args.officer, place=args.where, note=args.note, given_at=args.given_at
        )
        print(f"person {person.id}: {person.warnings} warning(s) recorded")
        return 0
    if action == "review":
        reviewed = await commands.review_subject(
            args.subject, reason=args.reason, next_review=args.next_review, erase_identity=args.erase_identity
        )
        print(f"person {reviewed.id}: next review {reviewed.review_date}")
        return 0
    if action == "show":
        record = await commands.consult_subject(args.subject, args.reason)
        data = record.subject.to_json() | {
            "name": record.name,
            "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else None,
            "address": record.address,
            "created_at": record.created_at.isoformat(),
            "created_by": record.created_by,
        }
        print(json.dumps(data, indent=2))
        return 0
    seen = await commands.record_sighting(
        args.subject,
        incident=args.incident,
        flag=args.flag,
        at=args.at,
        place=args.place,
        behaviours=args.behaviour,
        seen_at=args.seen_at,
        source=args.source,
    )
    print(f"sighting {seen.sighting_id} of person {seen.subject.id}")
    if seen.repeat_behaviour:
        print(f"REPEAT BEHAVIOUR: person {seen.subject.id} has been warned or directed before")
    if seen.breach_incident is not None:
        print(
            f"POSSIBLE BREACH of {seen.breached_direction}: raised {seen.breach_incident.reference} (Grade 2)"
        )
    return 0


def change_line(change: Change, stamp: str) -> dict[str, Any] | None:
    """The JSON object ``watch`` prints for a subject, zone or direction change."""
    if change.subject is not None:
        s = change.subject
        return {
            "event": "subject",
            "seq": change.seq,
            "id": s.id,
            "alert": s.alert,
            "active_directions": list(s.active_directions),
            "version": s.version,
            "received_at": stamp,
        }
    if change.zone is not None:
        z = change.zone
        return {
            "event": "zone",
            "seq": change.seq,
            "id": z.id,
            "name": z.name,
            "ends_at": z.ends_at.isoformat(),
            "version": z.version,
            "received_at": stamp,
        }
    if change.direction is not None:
        d = change.direction
        return {
            "event": "direction",
            "seq": change.seq,
            "reference": d.reference,
            "status": d.status,
            "exclusion_ends_at": d.exclusion_ends_at.isoformat(),
            "breaches": d.breaches,
            "version": d.version,
            "received_at": stamp,
        }
    return None
