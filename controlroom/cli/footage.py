"""``controlroom footage mark|list|view|lock|unlock|request|release|review|log``: footage as evidence.

Descriptions, reasons, requesters and recipients were typed by people: they are printed
as plain text (control characters made visible). Times without an offset are UK local
time. ``footage log REF --pdf FILE`` prints the continuity log through the front end's
PDF writer, as ``paperwork`` does; printing it is logged as a DPA 2018 s.62(3)
disclosure with why and to whom (``internal use`` unless ``--recipient`` says otherwise).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Invocation, Session, in_session
from controlroom.cli.terminal import json_text, shown

if TYPE_CHECKING:
    from controlroom.footage.records import ClipRecord
    from controlroom.paperwork.render import RenderedDocument

INTERNAL_USE = "internal use: the control room's evidence file"


def _mark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("--camera", required=True, metavar="N", help="the camera's number in the register")
    parser.add_argument("--from", dest="starts_at", type=arguments.moment, required=True, metavar="T")
    parser.add_argument("--to", dest="ends_at", type=arguments.moment, required=True, metavar="T")
    parser.add_argument("--description", required=True, metavar="TEXT", help="what the clip shows")


async def _mark(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    clip = await FootageCommands(session.context).mark_clip(
        args.reference, args.camera, args.starts_at, args.ends_at, args.description
    )
    print(
        f"clip {clip.id} marked for {clip.incident_reference}: camera {shown(clip.camera_number)}; "
        f"the camera deletes it on {clip.deletion_date.isoformat()} unless it is locked"
    )
    return 0


def _clip_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=int, metavar="CLIP", help="the clip's number (see footage list REF)")


def _view_arguments(parser: argparse.ArgumentParser) -> None:
    _clip_argument(parser)
    # DPA 2018 s.62(2): a consultation's log carries its justification.
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why it is viewed (logged)")


async def _view(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    clip = await FootageCommands(session.context).view_clip(args.clip, args.reason)
    print(f"clip {clip.id} viewed: recorded in its continuity log")
    print(_line(clip))
    return 0


def _lock_arguments(parser: argparse.ArgumentParser) -> None:
    _clip_argument(parser)
    parser.add_argument("--until", type=arguments.day, required=True, metavar="DATE", help="keep it until")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why it is kept (logged)")


async def _lock(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    clip = await FootageCommands(session.context).lock_clip(args.clip, args.until, args.reason)
    print(f"clip {clip.id} locked as evidence until {args.until.isoformat()}")
    return 0


def _unlock_arguments(parser: argparse.ArgumentParser) -> None:
    _clip_argument(parser)
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why the lock is released")


async def _unlock(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    clip = await FootageCommands(session.context).unlock_clip(args.clip, args.reason)
    print(
        f"clip {clip.id}: evidence lock released; the camera deletes it on {clip.deletion_date.isoformat()}"
    )
    return 0


def _request_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("--requester", required=True, metavar="WHO", help="officer and number, or the body")
    parser.add_argument("--purpose", required=True, metavar="TEXT")
    parser.add_argument("--clip", type=int, metavar="ID", help="the clip asked for, if marked")


async def _request(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    request = await FootageCommands(session.context).record_request(
        args.reference, args.requester, args.purpose, args.clip
    )
    print(f"request {request.id} recorded for {args.reference.strip().upper()}")
    return 0


def _release_arguments(parser: argparse.ArgumentParser) -> None:
    _clip_argument(parser)
    # DPA 2018 s.62(3): a disclosure's log names its recipient and its justification.
    parser.add_argument("--recipient", required=True, metavar="WHO", help="who receives it (logged)")
    parser.add_argument("--justification", required=True, metavar="TEXT", help="why it is released (logged)")
    parser.add_argument("--request", type=int, metavar="ID", help="the request it answers")


async def _release(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.commands import FootageCommands

    clip = await FootageCommands(session.context).release_clip(
        args.clip, args.recipient, args.justification, args.request
    )
    release = clip.releases[-1] if clip.releases else None
    to = shown(release.recipient) if release else shown(args.recipient)
    print(f"clip {clip.id} released to {to}: logged as a disclosure (DPA 2018 s.62)")
    return 0


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("--json", action="store_true")


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.queries import incident_footage

    footage = await incident_footage(session.db, args.reference)
    if args.json:
        document = {
            "incident": footage.reference,
            "clips": [c.to_json() for c in footage.clips],
            "requests": [r.to_json() for r in footage.requests],
        }
        print(json_text(document, indent=2))
        return 0
    if not footage.clips:
        print(f"{footage.reference}: no clips; mark one with `controlroom footage mark {footage.reference}`")
    for clip in footage.clips:
        print(_line(clip))
        for release in clip.releases:
            print(f"    released {release.released_at:%Y-%m-%d %H:%M} to {shown(release.recipient)}")
    for request in footage.requests:
        on = f" clip {request.clip_id}" if request.clip_id else ""
        print(
            f"request {request.id}{on}: {shown(request.requester)} — "
            f"{shown(request.purpose)} ({request.status})"
        )
    return 0


def _line(clip: ClipRecord) -> str:
    if clip.locked and clip.locked_until is not None:
        lock = f"locked until {clip.locked_until.isoformat()}"
    else:
        lock = f"deleted {clip.deletion_date.isoformat()}"
    return (
        f"clip {clip.id:<5} camera {shown(clip.camera_number)[:10]:10} "
        f"{clip.starts_at:%Y-%m-%d %H:%M}–{clip.ends_at:%H:%M} UTC  {lock}  {shown(clip.description)[:60]}"
    )


def _review_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on", type=arguments.day, metavar="DATE", help="review as of this day (default today)"
    )
    parser.add_argument("--json", action="store_true")


async def _review(session: Session, args: argparse.Namespace) -> int:
    from controlroom.footage.queries import retention_review

    on: date = args.on or session.context.clock().date()
    review = await retention_review(session.db, on)
    if args.json:
        document = {
            "on": on.isoformat(),
            "locks_due": [c.to_json() for c in review.locks_due],
            "retention_passed": [c.to_json() for c in review.retention_passed],
        }
        print(json_text(document, indent=2))
        return 0
    print(f"locked clips due for release on or before {on.isoformat()}: {len(review.locks_due)}")
    for clip in review.locks_due:
        print(f"  {clip.incident_reference}  {_line(clip)}  ({shown(clip.lock_reason or '')[:60]})")
    print(f"unlocked clips past their camera's retention: {len(review.retention_passed)}")
    for clip in review.retention_passed:
        print(f"  {clip.incident_reference}  {_line(clip)}")
    return 0


def _log_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write (A4)")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why it is printed (logged)")
    parser.add_argument(
        "--recipient", metavar="WHO", help=f"who receives it (logged; default {INTERNAL_USE!r})"
    )
    parser.add_argument("--force-name", metavar="TEXT", help="force name printed at the top")


async def _log_paper(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.audit.trail import log_processing
    from controlroom.cli.paperwork import _force_name
    from controlroom.footage.continuity import continuity_paper, render_continuity_log

    session.actor.require("footage.print")
    paper = await continuity_paper(session.db, args.reference)
    document = render_continuity_log(paper, force_name=_force_name(args))
    # DPA 2018 s.62(3): the printed log is a disclosure, logged with why and to whom.
    await log_processing(
        session.db,
        session.actor,
        action="footage.print",
        entity="incident",
        entity_id=paper.footage.incident_id,
        detail={"reference": paper.footage.reference, "document": "continuity_log"},
        justification=args.reason,
        recipient=args.recipient or INTERNAL_USE,
    )
    return [document]


def _log(call: Invocation) -> int:
    from controlroom.cli.paperwork import _destination, _write

    target, write_pdf = _destination(call)
    return _write(write_pdf, target, call.in_session(_log_paper))


COMMANDS = (
    Command(
        "footage",
        "footage kept as evidence: clips, locks, requests, releases, the continuity log",
        action_dest="footage_command",
        actions=(
            Command(
                "mark",
                "mark a clip of a camera's footage for an incident",
                in_session(_mark),
                ("footage.mark",),
                _mark_arguments,
            ),
            Command(
                "list",
                "an incident's clips, locks, requests and releases",
                in_session(_list),
                ("read.footage",),
                _list_arguments,
            ),
            Command(
                "view",
                "record that you viewed a clip, and why",
                in_session(_view),
                ("footage.view",),
                _view_arguments,
            ),
            Command(
                "lock",
                "keep a clip as evidence beyond the camera's retention",
                in_session(_lock),
                ("footage.lock",),
                _lock_arguments,
            ),
            Command(
                "unlock",
                "release a clip's evidence lock",
                in_session(_unlock),
                ("footage.lock",),
                _unlock_arguments,
            ),
            Command(
                "request",
                "record a request for an incident's footage",
                in_session(_request),
                ("footage.request",),
                _request_arguments,
            ),
            Command(
                "release",
                "hand a clip outside the control room (a disclosure)",
                in_session(_release),
                ("footage.release",),
                _release_arguments,
            ),
            Command(
                "review",
                "locks due for release and clips past retention",
                in_session(_review),
                ("read.footage",),
                _review_arguments,
            ),
            Command(
                "log",
                "the incident's footage continuity log as PDF",
                _log,
                ("read.footage", "footage.print"),
                _log_arguments,
            ),
        ),
    ),
)
