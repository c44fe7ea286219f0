"""``controlroom incident show|update`` and ``controlroom safe-space``: thin CLI over the core."""

from __future__ import annotations

import argparse

from controlroom.cli.terminal import json_text, shown
from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ, Category, SafeSpaceStatus, Source, Status, grade_label
from controlroom.core.errors import NotPermittedError
from controlroom.core.roles import Actor
from controlroom.incidents.queries import incident_detail
from controlroom.storage.database import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], grade: object) -> None:
    incident = sub.add_parser("incident", help="show or update one incident")
    actions = incident.add_subparsers(dest="incident_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the incident and its timeline")
    show.add_argument("reference", metavar="REF")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    update = actions.add_parser("update", help="change status or grade, or add a note")
    update.add_argument("reference", metavar="REF")
    update.add_argument("--status", metavar="S", help="one of: " + ", ".join(Status.choices()))
    update.add_argument("--grade", type=grade, metavar="1-4")  # type: ignore[arg-type]
    update.add_argument("--note", metavar="TEXT")
    update.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        dest="if_version",
        help="refuse (exit 3) unless the incident is still at version N",
    )
    safe = sub.add_parser("safe-space", help="set a safe space open, closed or full")
    safe.add_argument("venue", metavar="VENUE")
    safe.add_argument(
        "--status", required=True, metavar="S", help="one of: " + ", ".join(SafeSpaceStatus.choices())
    )


async def run_incident(db: Database, commands: Commands, args: argparse.Namespace) -> int:
    if args.incident_command == "show":
        return await _show(db, args.reference, as_json=args.json, viewer=commands.actor)
    if args.status is None and args.grade is None and args.note is None:
        from controlroom.core.errors import ValidationError

        raise ValidationError("nothing to change: give --status, --grade and/or --note")
    snapshot = await commands.update_incident(
        args.reference, status=args.status, grade=args.grade, note=args.note, expected_version=args.if_version
    )
    print(
        f"{snapshot.reference} version {snapshot.version}: {snapshot.status}, {grade_label(snapshot.grade)}"
    )
    return 0


async def run_safe_space(commands: Commands, args: argparse.Namespace) -> int:
    venue = await commands.set_safe_space_status(args.venue, args.status)
    print(f"{shown(venue.name)}: safe space {venue.safe_space_status}")
    return 0


async def _show(db: Database, reference: str, *, as_json: bool, viewer: Actor) -> int:
    # A partner sees its own venues' incidents, without persons-of-concern data or the
    # timeline (where operators' notes may name people).
    detail = await incident_detail(db, reference, redacted=viewer.is_partner)
    i = detail.incident
    if viewer.is_partner and i.venue_id not in viewer.venue_ids:
        raise NotPermittedError(f"{viewer.name} (partner) may only see incidents at their own venues")
    if as_json:
        data = {
            "incident": i.to_json(),
            "duplicate_of": detail.duplicate_of_reference,
            "timeline": [e.to_json() for e in detail.timeline],
        }
        print(json_text(data, indent=2))
        return 0
    reported = i.reported_at.astimezone(LOCAL_TZ).strftime("%a %d %b %H:%M")
    lines = [
        f"{i.reference}  {grade_label(i.grade)}  {Status.of(i.status).label}  (version {i.version})",
        f"  reported   {reported} by {Source.of(i.source).label}",
        f"  category   {Category.of(i.category).label}",
        f"  place      {i.place}",
        f"  summary    {i.summary}",
    ]
    if detail.duplicate_of_reference:
        lines.append(f"  duplicate of {detail.duplicate_of_reference}")
    lines.append("  timeline")
    lines += [f"    {e.local_time()}  {e.actor:20} {e.describe()}" for e in detail.timeline]
    # Text people typed is printed as it is, never interpreted (see controlroom.cli.terminal).
    print("\n".join(shown(line) for line in lines))
    return 0
