"""``controlroom report``, ``incident show|update``, ``safe-space`` and ``venues``: thin CLI over the core."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import datetime
from typing import Any

from controlroom.cli import arguments, procedures
from controlroom.cli.registry import Access, Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import json_text, shown
from controlroom.core.domain import (
    LOCAL_TZ,
    Category,
    SafeSpaceStatus,
    Source,
    Status,
    VenueLink,
    grade_label,
)
from controlroom.core.errors import NotPermittedError, ValidationError

MAX_IDEMPOTENCY_KEY = 100  # the column's width (incidents.idempotency_key)
_LINK_HELP = "how it relates to the venue, one of: " + ", ".join(VenueLink.choices())


def _report_arguments(report: argparse.ArgumentParser) -> None:
    where = report.add_mutually_exclusive_group(required=True)
    where.add_argument("--venue", metavar="NAME", help="venue name (see `controlroom venues`)")
    where.add_argument(
        "--at", metavar="LAT,LON", type=arguments.lat_lon, help="coordinates, e.g. 50.9060,-1.4044"
    )
    report.add_argument("--place", metavar="TEXT", help="where, in words (required with --at)")
    report.add_argument("--venue-link", metavar="L", help=_LINK_HELP + " (with --venue; default at_venue)")
    report.add_argument(
        "--category", required=True, metavar="C", help="one of: " + ", ".join(Category.choices())
    )
    report.add_argument("--source", required=True, metavar="S", help="one of: " + ", ".join(Source.choices()))
    report.add_argument("--summary", required=True, metavar="TEXT")
    report.add_argument("--grade", type=arguments.grade, metavar="1-4")
    report.add_argument(
        "--idempotency-key",
        metavar="KEY",
        help="the sending system's own id for this report: sent again, it records nothing new "
        "and prints the first report's reference (at most 100 characters)",
    )
    report.add_argument(
        "--json", action="store_true", help="print the reference, id, status and version as JSON"
    )


async def _report(session: Session, args: argparse.Namespace) -> int:
    # The one feature this command writes through: the whole Commands façade would
    # import every other feature too, on the start-up path of the commonest command.
    from controlroom.incidents.reporting import IncidentReporting, NewIncident

    procedures.warn_about_procedures()  # a report may start a checklist from the procedures file
    lat, lon = args.at if args.at else (None, None)
    if args.at and not (args.place or "").strip():
        raise ValidationError("--at needs --place TEXT saying where, e.g. 'East Street bus stop'")
    snapshot = await IncidentReporting(session.context).report_incident(
        NewIncident(
            category=args.category,
            source=args.source,
            summary=args.summary,
            grade=args.grade,
            venue=args.venue,
            lat=lat,
            lon=lon,
            place=args.place,
            idempotency_key=_idempotency_key(args.idempotency_key),
            venue_link=args.venue_link,
        )
    )
    if args.json:
        fields = {"reference": snapshot.reference, "id": snapshot.id, "status": snapshot.status}
        print(json_text({**fields, "version": snapshot.version}))
    else:
        print(snapshot.reference)
    return 0


def _idempotency_key(text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip() or len(text) > MAX_IDEMPOTENCY_KEY or not text.isprintable():
        raise ValidationError(
            f"--idempotency-key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters, e.g. the "
            "sending system's own record id; nothing was recorded"
        )
    return text


def _show_arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("reference", metavar="REF")
    show.add_argument("--json", action="store_true", help="machine-readable output")


async def _show(session: Session, args: argparse.Namespace) -> int:
    """Print the incident; a row with a value the program cannot read is printed as far
    as it can be, with a warning naming that value (exit 0: the record was found)."""
    from controlroom.incidents.queries import UnreadableIncidentError, incident_detail

    viewer = session.actor
    # A partner sees its own venues' incidents, without persons-of-concern data or the
    # timeline (where operators' notes may name people).
    try:
        detail = await incident_detail(session.db, args.reference, redacted=viewer.is_partner)
    except UnreadableIncidentError as unreadable:
        values, warnings = unreadable.values, unreadable.warnings
        timeline, duplicate_of = unreadable.timeline, unreadable.duplicate_of_reference
    else:
        values, warnings = asdict(detail.incident), ()
        timeline, duplicate_of = detail.timeline, detail.duplicate_of_reference
    if viewer.is_partner and values.get("venue_id") not in viewer.venue_ids:
        raise NotPermittedError(f"{viewer.name} (partner) may only see incidents at their own venues")
    if args.json:
        data = {
            "incident": {name: _json_value(value) for name, value in values.items()},
            "duplicate_of": duplicate_of,
            "timeline": [e.to_json() for e in timeline],
            "warnings": [w.to_json() for w in warnings],
        }
        print(json_text(data, indent=2))
        return 0
    lines = _incident_lines(values)
    if duplicate_of:
        lines.append(f"  duplicate of {duplicate_of}")
    lines += [f"  warning    {w.describe()}" for w in warnings]
    lines.append("  timeline")
    lines += [f"    {e.local_time()}  {e.actor:20} {e.describe()}" for e in timeline]
    # Text people typed is printed as it is, never interpreted (see controlroom.cli.terminal).
    print("\n".join(shown(line) for line in lines))
    return 0


def _incident_lines(values: dict[str, Any]) -> list[str]:
    """The incident's heading lines; a value that could not be read is quoted as stored."""
    from controlroom.incidents.queries import label_of

    grade = values.get("grade")
    grade_text = grade_label(grade) if grade in (None, 1, 2, 3, 4) else f"grade {grade!r} (unknown)"
    reported = values.get("reported_at")
    when = (
        reported.astimezone(LOCAL_TZ).strftime("%a %d %b %H:%M")
        if isinstance(reported, datetime)
        else repr(reported)
    )
    return [
        f"{values.get('reference')}  {grade_text}  {label_of(Status, values.get('status'))}"
        f"  (version {values.get('version')})",
        f"  reported   {when} by {label_of(Source, values.get('source'))}",
        f"  category   {label_of(Category, values.get('category'))}",
        f"  place      {values.get('place')}",
        *([f"  link       {label_of(VenueLink, link)}"] if (link := values.get("venue_link")) else []),
        f"  summary    {values.get('summary')}",
    ]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    # An unreadable value is printed as stored if JSON can hold it, else as its repr.
    return value if isinstance(value, str | int | float | bool | dict | list | None) else repr(value)


def _update_arguments(update: argparse.ArgumentParser) -> None:
    update.add_argument("reference", metavar="REF")
    update.add_argument("--status", metavar="S", help="one of: " + ", ".join(Status.choices()))
    update.add_argument("--grade", type=arguments.grade, metavar="1-4")
    update.add_argument("--note", metavar="TEXT")
    update.add_argument("--venue-link", metavar="L", help=_LINK_HELP)
    update.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        dest="if_version",
        help="refuse (exit 3) unless the incident is still at version N",
    )


async def _update(session: Session, args: argparse.Namespace) -> int:
    from controlroom.incidents.editing import IncidentEdit, IncidentEditing

    if args.status is None and args.grade is None and args.note is None and args.venue_link is None:
        raise ValidationError("nothing to change: give --status, --grade, --venue-link and/or --note")
    snapshot = await IncidentEditing(session.context).update_incident(
        args.reference,
        IncidentEdit(venue_link=args.venue_link),
        status=args.status,
        grade=args.grade,
        note=args.note,
        expected_version=args.if_version,
    )
    link = ""
    if args.venue_link is not None and snapshot.venue_link is not None:
        link = f", link to venue: {VenueLink.of(snapshot.venue_link).label}"
    print(
        f"{snapshot.reference} version {snapshot.version}: {snapshot.status}, "
        f"{grade_label(snapshot.grade)}{link}"
    )
    return 0


def _safe_space_arguments(safe: argparse.ArgumentParser) -> None:
    safe.add_argument("venue", metavar="VENUE")
    safe.add_argument(
        "--status", required=True, metavar="S", help="one of: " + ", ".join(SafeSpaceStatus.choices())
    )


async def _safe_space(session: Session, args: argparse.Namespace) -> int:
    from controlroom.venues.commands import VenueCommands

    venue = await VenueCommands(session.context).set_safe_space_status(args.venue, args.status)
    print(f"{shown(venue.name)}: safe space {venue.safe_space_status}")
    return 0


async def _venues(session: Session, args: argparse.Namespace) -> int:
    from controlroom.feed.change_feed import ChangeFeed

    snapshot = await ChangeFeed(session.db).start()
    for venue in snapshot.venues:
        safe = f"safe space ({venue.safe_space_status})" if venue.is_safe_space else ""
        print(f"{venue.name:32} {venue.kind:14} {safe}")
    for warning in snapshot.warnings:
        if warning.table == "venues":  # listed as far as they can be read; the rest named
            print(f"warning: {warning.describe()}", file=sys.stderr)
    return 0


COMMANDS = (
    # Every role sees the venues (a partner's board shows them all, as the window does).
    Command("venues", "list venues and safe spaces", in_session(_venues), Access.ANY_USER),
    Command(
        "report",
        "record an incident; prints its reference",
        in_session(_report),
        ("incident.report",),
        _report_arguments,
    ),
    Command(
        "incident",
        "show or update one incident, or work its checklist",
        actions=(
            Command(
                "show",
                "the incident and its timeline",
                in_session(_show),
                ("read.incidents",),
                _show_arguments,
            ),
            Command(
                "update",
                "change status or grade, or add a note",
                in_session(_update),
                ("incident.update",),
                _update_arguments,
            ),
            *procedures.INCIDENT_ACTIONS,
        ),
    ),
    # A partner holds venue.safe_space for its own venues only: the role is checked
    # here, the venue by the core command once it has found the venue.
    Command(
        "safe-space",
        "set a safe space open, closed or full",
        in_session(_safe_space),
        ("venue.safe_space",),
        _safe_space_arguments,
    ),
)
