"""``controlroom zone|direction|tally``: s.34 dispersal zones and s.35 directions.

Times typed without an offset are read as UK local time (Europe/London), as an
officer on the street would say them; output times are local too.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import shown
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.paperwork.data import DirectionPaper


def local(value: datetime | None) -> str:
    """A time as an officer reads it on the command line: local, day/month hour:minute."""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m %H:%M") if value else "-"


def json_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


# -- zones (s.34) --------------------------------------------------------------------------


def _authorise_arguments(auth: argparse.ArgumentParser) -> None:
    auth.add_argument("--name", required=True, metavar="N")
    auth.add_argument("--polygon", required=True, type=arguments.polygon, metavar="LAT,LON;LAT,LON;...")
    auth.add_argument("--start", required=True, type=arguments.moment, metavar="ISO")
    auth.add_argument(
        "--hours", required=True, type=arguments.hours, metavar="H", help="at most 48 (s.34(1))"
    )
    auth.add_argument("--officer", required=True, metavar="TEXT", help="e.g. 'Insp 1234 Jane Smith'")
    auth.add_argument("--grounds", required=True, metavar="TEXT")
    auth.add_argument(
        "--rights", required=True, metavar="TEXT", help="the Art. 10/11 consideration (s.34(3))"
    )
    auth.add_argument("--log", default="", metavar="NUMBER", help="the log number (required)")
    auth.add_argument(
        "--area",
        default="",
        metavar="TEXT",
        help="the locality in words (default: the plan)",
    )
    auth.add_argument(
        "--signed-at",
        type=arguments.moment,
        metavar="ISO",
        dest="signed_at",
        help="when the inspector signed it (default: now); it cannot start before (s.34(4))",
    )


async def _authorise(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.zones import ZoneCommands, ZoneSpec

    start = args.start.astimezone(UTC)
    zone = await ZoneCommands(session.context).authorise_zone(
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
            signed_at=args.signed_at,
        )
    )
    print(f"zone {zone.id}: {shown(zone.name)}, {local(zone.starts_at)} to {local(zone.ends_at)}")
    _warn_about_words(args.area, zone.polygon)
    return 0


def _warn_about_words(words: str | None, polygon: tuple[tuple[float, float], ...]) -> None:
    from controlroom.dispersal.zones import area_words_warnings

    for warning in area_words_warnings(words or "", polygon):
        print(f"warning: {shown(warning)}", file=sys.stderr)


def _withdraw_zone_arguments(withdraw: argparse.ArgumentParser) -> None:
    withdraw.add_argument("zone", metavar="N", help="zone number or name")
    withdraw.add_argument("--reason", required=True, metavar="TEXT")


async def _withdraw_zone(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.zones import ZoneCommands

    withdrawn = await ZoneCommands(session.context).withdraw_zone(args.zone, args.reason)
    print(f"zone {withdrawn.id}: {shown(withdrawn.name)} withdrawn at {local(withdrawn.withdrawn_at)}")
    return 0


async def _list_zones(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.queries import list_zones

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
        for z in await list_zones(session.db)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for z, r in zip(await list_zones(session.db), rows, strict=True):
        print(f"{z.id:3} {shown(z.name):28} {local(z.starts_at)} to {local(z.ends_at)}  {r['status']}")
    return 0


def _zone_status(in_force: bool, withdrawn_at: datetime | None, starts_at: datetime, now: datetime) -> str:
    if in_force:
        return "in force"
    if withdrawn_at is not None and withdrawn_at <= now:
        return "withdrawn"
    return "not yet in force" if starts_at > now else "expired"


# -- directions (s.35) ---------------------------------------------------------------------


def _give_arguments(give: argparse.ArgumentParser) -> None:
    give.add_argument("--zone", required=True, metavar="N", help="zone number or name")
    give.add_argument("--at", required=True, type=arguments.lat_lon, metavar="LAT,LON")
    give.add_argument("--description", metavar="TEXT", help="the person, if not already on record")
    give.add_argument("--subject", type=int, metavar="ID", help="a person of concern already on record")
    give.add_argument("--apparent-age", required=True, type=int, metavar="A", dest="apparent_age")
    give.add_argument(
        "--hours", required=True, type=arguments.hours, metavar="H", help="exclusion period, at most 48"
    )
    give.add_argument("--officer", required=True, metavar="TEXT", help="e.g. 'PC 4567 Tom Reed'")
    give.add_argument(
        "--in-uniform",
        action="store_true",
        dest="in_uniform",
        help="the officer was in uniform (s.35(1): required; a plain-clothes officer may not)",
    )
    give.add_argument("--special", action="store_true", help="the officer is a special constable")
    give.add_argument("--designation", metavar="REF", help="a PCSO's designation by the chief officer (s.40)")
    give.add_argument(
        "--grounds",
        required=True,
        metavar="TEXT",
        help="reasonable suspicion (s.35(2))",
    )
    give.add_argument(
        "--necessity", required=True, metavar="TEXT", help="why the direction is necessary (s.35(3))"
    )
    give.add_argument(
        "--access-kept",
        action="store_true",
        dest="access_kept",
        help="confirm it keeps access to home, work, court, education, treatment (s.36(2)-(3))",
    )
    s36 = give.add_mutually_exclusive_group()
    s36.add_argument(
        "--not-picketing",
        action="store_false",
        dest="picket_or_procession",
        default=None,
        help="confirm the person is not one of a group picketing or in a notified procession (s.36(4))",
    )
    s36.add_argument(
        "--picketing",
        action="store_true",
        dest="picket_or_procession",
        help="the person is one of such a group (the direction is then refused, s.36(4))",
    )
    give.add_argument("--behaviour", default="", metavar="TEXT")
    give.add_argument(
        "--given-at", type=arguments.moment, metavar="ISO", dest="given_at", help="default: now"
    )
    give.add_argument("--area-polygon", type=arguments.polygon, metavar="LAT,LON;...", dest="area_polygon")
    give.add_argument("--area", metavar="TEXT", help="the exclusion area in words (default: the zone's)")
    give.add_argument("--leave-by", type=arguments.moment, metavar="ISO", dest="leave_by")
    give.add_argument("--route", metavar="TEXT")
    give.add_argument("--surrender", action="append", default=[], metavar="ITEM", help="s.37; repeatable")
    give.add_argument(
        "--refused",
        action="append",
        default=[],
        metavar="ITEM",
        help="an item not surrendered",
    )
    give.add_argument(
        "--belief",
        metavar="TEXT",
        help="why the items are to be surrendered (s.37(1))",
    )
    writing = give.add_mutually_exclusive_group()
    writing.add_argument(
        "--surrender-in-writing",
        action="store_true",
        dest="surrender_in_writing",
        default=None,
        help="the direction to surrender was given in writing (s.37(2))",
    )
    writing.add_argument(
        "--surrender-not-in-writing", metavar="REASON", dest="surrender_not_in_writing", help="why not"
    )
    give.add_argument("--station", metavar="TEXT", help="where surrendered items are collected")
    give.add_argument(
        "--supervisor",
        metavar="TEXT",
        help="Sgt or above, for a person already directed",
    )
    give.add_argument("--supervisor-reason", metavar="TEXT", dest="supervisor_reason")
    give.add_argument("--no-written-notice", metavar="REASON", dest="no_written_notice")
    give.add_argument("--no-offence-warning", metavar="REASON", dest="no_offence_warning")


async def _give(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.directions import DirectionCommands, DirectionSpec

    if args.area_polygon is not None and not args.area:
        raise ValidationError(
            "a part of the zone (--area-polygon) must be described in words too (--area TEXT)"
        )
    result = await DirectionCommands(session.context).give_direction(
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
            necessity=args.necessity,
            in_uniform=True if args.in_uniform else None,
            special_constable=args.special,
            pcso_designation=args.designation,
            access_kept=True if args.access_kept else None,
            picket_or_procession=args.picket_or_procession,
            surrender_belief=args.belief,
            surrender_in_writing=(
                False if args.surrender_not_in_writing is not None else args.surrender_in_writing
            ),
            no_written_surrender_reason=args.surrender_not_in_writing,
            refused_items=args.refused,
            supervisor=args.supervisor,
            supervisor_reason=args.supervisor_reason,
        )
    )
    print(result.direction.reference)
    _warn_about_words(args.area, result.direction.exclusion_polygon)
    if args.refused:
        print(
            f"refused to surrender: {shown(', '.join(args.refused))} — an offence under s.39(3)",
            file=sys.stderr,
        )
    if result.take_home_task_id is not None:
        print(
            f"task {result.take_home_task_id}: the person appears to be under 16 — consider taking them "
            "home or to a place of safety (s.35(7))",
            file=sys.stderr,
        )
    return 0


async def _list_directions(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.consult import log_dispersal_read
    from controlroom.dispersal.queries import list_directions

    directions = await list_directions(session.db)
    # DPA 2018 s.62(2): reading the list is a consultation, logged with who and when.
    await log_dispersal_read(session.db, session.actor, "direction list", [d.reference for d in directions])
    if args.json:
        print(json.dumps([d.to_json() for d in directions], indent=2))
        return 0
    now = datetime.now(UTC)
    for d in directions:
        state = "active" if d.active(now) else ("withdrawn" if d.status == "withdrawn" else "expired")
        items = f"  items: {shown(', '.join(d.surrendered_items))}" if d.surrendered_items else ""
        print(
            f"{d.reference}  {local(d.given_at)} until {local(d.exclusion_ends_at)}  {state:9} "
            f"#{d.subject_id} {shown(d.subject_description[:40])}{items}"
        )
    return 0


def _vary_arguments(vary: argparse.ArgumentParser) -> None:
    vary.add_argument("reference", metavar="REF")
    ends = vary.add_mutually_exclusive_group()
    ends.add_argument(
        "--hours", type=arguments.hours, metavar="H", help="new exclusion period from when first given"
    )
    ends.add_argument("--ends", type=arguments.moment, metavar="ISO")
    vary.add_argument("--area-polygon", type=arguments.polygon, metavar="LAT,LON;...", dest="area_polygon")
    vary.add_argument("--area", metavar="TEXT")
    vary.add_argument("--leave-by", type=arguments.moment, metavar="ISO", dest="leave_by")
    vary.add_argument("--route", metavar="TEXT")
    _change_arguments(vary)


def _withdraw_arguments(withdraw: argparse.ArgumentParser) -> None:
    withdraw.add_argument("reference", metavar="REF")
    _change_arguments(withdraw)


def _change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--officer", required=True, metavar="TEXT", help="the constable varying or withdrawing"
    )
    parser.add_argument("--reason", required=True, metavar="TEXT")
    parser.add_argument("--no-notice", metavar="REASON", dest="no_notice", help="why the person was not told")
    parser.add_argument(
        "--notice-at",
        type=arguments.moment,
        metavar="ISO",
        dest="notice_at",
        help="when the person was told (default: now; s.35(9))",
    )


async def _vary(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.directions import DirectionCommands, DirectionVariation

    varied = await DirectionCommands(session.context).vary_direction(
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
            notice_given_at=args.notice_at,
        ),
    )
    print(f"{varied.reference}: excluded until {local(varied.exclusion_ends_at)}")
    return 0


async def _withdraw(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.directions import DirectionCommands

    done = await DirectionCommands(session.context).withdraw_direction(
        args.reference,
        officer=args.officer,
        reason=args.reason,
        notice_given=args.no_notice is None,
        no_notice_reason=args.no_notice,
        notice_given_at=args.notice_at,
    )
    print(f"{done.reference}: withdrawn")
    return 0


def _take_home_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF")
    parser.add_argument(
        "--taken-to", required=True, metavar="TEXT", dest="taken_to", help="home or a place of safety"
    )
    parser.add_argument("--by", required=True, metavar="TEXT", help="the officer(s) who took them")
    parser.add_argument("--told", required=True, metavar="TEXT", help="the parent, carer or agency told")
    parser.add_argument(
        "--told-at", type=arguments.moment, metavar="ISO", dest="told_at", help="default: now"
    )
    parser.add_argument("--referral", metavar="TEXT", help="a safeguarding referral, if one was made")


async def _take_home(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.directions import DirectionCommands, TakeHomeOutcome

    done = await DirectionCommands(session.context).record_take_home(
        args.reference,
        TakeHomeOutcome(
            taken_to=args.taken_to,
            taken_by=args.by,
            told=args.told,
            told_at=args.told_at,
            referral=args.referral,
        ),
    )
    print(f"{done.reference}: take-home outcome recorded (s.35(7))")
    return 0


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why you open it (DPA 2018 s.62)")
    json_output(parser)


async def _show(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.consult import consult_direction

    paper = await consult_direction(session.db, session.actor, args.reference, args.reason)
    if args.json:
        print(json.dumps(_paper_json(paper), indent=2))
        return 0
    for label, value in _paper_lines(paper):
        print(f"{label:22} {shown(value)}")
    return 0


def _paper_json(paper: object) -> dict[str, object]:
    import dataclasses

    def plain(value: object) -> object:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)

    result = plain(paper)
    assert isinstance(result, dict)  # noqa: S101 - a dataclass
    return result


def _paper_lines(paper: DirectionPaper) -> list[tuple[str, str]]:
    def yes_no(value: bool | None) -> str:
        return "not recorded" if value is None else ("yes" if value else "no")

    lines = [
        ("reference", paper.reference),
        ("given at", local(paper.given_at)),
        (
            "given by",
            f"{paper.officer.describe()} ({paper.officer_title}, in uniform: {yes_no(paper.in_uniform)})",
        ),
        ("person", paper.person_description),
        ("apparent age", str(paper.apparent_age)),
        ("grounds (s.35(2))", paper.grounds),
        ("necessity (s.35(3))", paper.necessity or "not recorded"),
        ("area", paper.exclusion_in_words or "the area shaded on the plan"),
        ("excluded until", local(paper.exclusion_ends_at)),
        ("access kept (s.36)", yes_no(paper.access_kept)),
        ("items", "; ".join(paper.surrendered_items) or "none"),
        ("refused items", "; ".join(paper.refused_items) or "none"),
    ]
    lines += [(f"{c.kind}", f"{local(c.at)} by {c.officer}: {c.reason}") for c in paper.changes]
    return lines


async def _tally(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.queries import night_tally

    tally = await night_tally(session.db)
    if args.json:
        print(json.dumps(tally.to_json()))
    else:
        print(
            f"night of {tally.night:%a %d %b}: {tally.warnings} warnings, {tally.directions} directions, "
            f"{tally.surrendered_items} surrendered items, {tally.breaches} breaches"
        )
    return 0


COMMANDS = (
    Command(
        "zone",
        "s.34 dispersal zones: authorise, list",
        actions=(
            Command(
                "authorise",
                "record an s.34 authorisation (inspector or above)",
                in_session(_authorise),
                ("zone.authorise",),
                _authorise_arguments,
            ),
            Command(
                "withdraw",
                "end an authorisation early",
                in_session(_withdraw_zone),
                ("zone.withdraw",),
                _withdraw_zone_arguments,
            ),
            Command(
                "list",
                "every zone and whether it is in force",
                in_session(_list_zones),
                ("read.dispersal",),
                json_output,
            ),
        ),
    ),
    Command(
        "direction",
        "s.35 directions: give, list, vary, withdraw",
        actions=(
            Command(
                "give",
                "record an s.35 direction; prints its reference",
                in_session(_give),
                ("direction.give",),
                _give_arguments,
            ),
            Command(
                "list",
                "every direction and its status",
                in_session(_list_directions),
                ("read.dispersal", "dispersal.read"),
                json_output,
            ),
            Command(
                "vary",
                "vary a direction (never past 48 h from first given)",
                in_session(_vary),
                ("direction.vary",),
                _vary_arguments,
            ),
            Command(
                "withdraw",
                "withdraw a direction",
                in_session(_withdraw),
                ("direction.withdraw",),
                _withdraw_arguments,
            ),
            Command(
                "take-home",
                "record the outcome of an under-16 take-home task (s.35(7))",
                in_session(_take_home),
                ("direction.take_home",),
                _take_home_arguments,
            ),
            Command(
                "show",
                "one direction in full (logged with your reason, DPA 2018 s.62)",
                in_session(_show),
                ("direction.consult",),
                _show_arguments,
            ),
        ),
    ),
    Command(
        "tally",
        "this night's warnings, directions, surrendered items and breaches",
        in_session(_tally),
        ("read.dispersal",),
        json_output,
    ),
)
