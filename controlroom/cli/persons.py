"""``controlroom person add|list|warn|seen|review|show``: persons of concern.

Listings show descriptions only; ``show`` opens the identity, and says why (DPA 2018
s.62), which the core logs.
"""

from __future__ import annotations

import argparse
import json

from controlroom.cli import arguments
from controlroom.cli.dispersal import json_output
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import shown
from controlroom.core.domain import Behaviour, Source


def _add_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("--description", required=True, metavar="TEXT")
    add.add_argument("--clothing", default="", metavar="TEXT")
    add.add_argument("--build", default="", metavar="TEXT")
    add.add_argument("--features", default="", metavar="TEXT", help="distinguishing features")
    add.add_argument("--name", metavar="TEXT")
    add.add_argument("--dob", type=arguments.day, metavar="YYYY-MM-DD")
    add.add_argument("--address", metavar="TEXT")
    add.add_argument(
        "--review", type=arguments.day, metavar="YYYY-MM-DD", help="MoPI review date (default: a year)"
    )


async def _add(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.persons import NewSubject, PersonCommands

    person = await PersonCommands(session.context).add_subject(
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


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.consult import log_dispersal_read
    from controlroom.dispersal.queries import list_subjects

    people = await list_subjects(session.db)
    # DPA 2018 s.62(2): reading the list of persons of concern is a consultation (who, when).
    await log_dispersal_read(session.db, session.actor, "person list", [p.id for p in people])
    if args.json:
        print(json.dumps([p.to_json() for p in people], indent=2))
        return 0
    for p in people:
        directions = f"  directed: {', '.join(p.active_directions)}" if p.active_directions else ""
        described = shown(p.description[:50])
        print(f"{p.id:4}  {described:50}  warnings {p.warnings}  seen {p.sightings}{directions}")
    return 0


def _warn_arguments(warn: argparse.ArgumentParser) -> None:
    warn.add_argument("subject", type=int, metavar="ID")
    warn.add_argument("--officer", required=True, metavar="TEXT")
    warn.add_argument("--where", required=True, metavar="TEXT")
    warn.add_argument("--note", default="", metavar="TEXT")
    warn.add_argument("--at", type=arguments.moment, metavar="ISO", dest="given_at")


async def _warn(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.persons import PersonCommands

    person = await PersonCommands(session.context).warn_subject(
        args.subject, officer=args.officer, place=args.where, note=args.note, given_at=args.given_at
    )
    print(f"person {person.id}: {person.warnings} warning(s) recorded")
    return 0


def _seen_arguments(seen: argparse.ArgumentParser) -> None:
    seen.add_argument("subject", type=int, metavar="ID")
    where = seen.add_mutually_exclusive_group(required=True)
    where.add_argument("--incident", metavar="REF")
    where.add_argument("--flag", type=int, metavar="N")
    where.add_argument("--at", type=arguments.lat_lon, metavar="LAT,LON")
    seen.add_argument("--place", metavar="TEXT")
    seen.add_argument(
        "--behaviour",
        action="append",
        default=[],
        metavar="CODE",
        help="one of: " + ", ".join(Behaviour.choices()),
    )
    seen.add_argument("--seen-at", type=arguments.moment, metavar="ISO", dest="seen_at")
    seen.add_argument(
        "--source", default="police_patrol", metavar="S", help="one of: " + ", ".join(Source.choices())
    )


async def _seen(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.sightings import SightingCommands

    seen = await SightingCommands(session.context).record_sighting(
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


def _review_arguments(review: argparse.ArgumentParser) -> None:
    review.add_argument("subject", type=int, metavar="ID")
    review.add_argument("--reason", required=True, metavar="TEXT")
    review.add_argument("--next", type=arguments.day, metavar="YYYY-MM-DD", dest="next_review")
    review.add_argument("--erase-identity", action="store_true", dest="erase_identity")


async def _review(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.persons import PersonCommands

    reviewed = await PersonCommands(session.context).review_subject(
        args.subject, reason=args.reason, next_review=args.next_review, erase_identity=args.erase_identity
    )
    print(f"person {reviewed.id}: next review {reviewed.review_date}")
    return 0


def _show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("subject", type=int, metavar="ID")
    show.add_argument("--reason", required=True, metavar="TEXT", help="why you need it (DPA 2018 s.62)")


async def _show(session: Session, args: argparse.Namespace) -> int:
    from controlroom.dispersal.persons import PersonCommands

    record = await PersonCommands(session.context).consult_subject(args.subject, args.reason)
    data = record.subject.to_json() | {
        "name": record.name,
        "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "address": record.address,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
    }
    print(json.dumps(data, indent=2))
    return 0


COMMANDS = (
    Command(
        "person",
        "persons of concern: add, list, warn, seen, show, review",
        actions=(
            Command(
                "add",
                "record a person of concern; prints his number",
                in_session(_add),
                ("subject.add",),
                _add_arguments,
            ),
            Command(
                "list",
                "persons of concern (descriptions, no identities)",
                in_session(_list),
                ("read.subjects", "dispersal.read"),
                json_output,
            ),
            Command("warn", "record words of advice", in_session(_warn), ("subject.warn",), _warn_arguments),
            Command(
                "seen",
                "link to an incident, a flag, or a point where he was seen",
                in_session(_seen),
                ("subject.seen",),
                _seen_arguments,
            ),
            # --erase-identity needs subject.erase as well, which the core checks.
            Command(
                "review",
                "MoPI review: next review date and/or erase the identity",
                in_session(_review),
                ("subject.review",),
                _review_arguments,
            ),
            Command(
                "show",
                "the full record with identity (the look-up is logged)",
                in_session(_show),
                ("subject.consult",),
                _show_arguments,
            ),
        ),
    ),
)
