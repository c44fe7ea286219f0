"""``controlroom handover draft|give|acknowledge|list|show``: the shift handover.

``draft`` prints what would be handed over now (each item with the key a note attaches to),
as text, JSON or PDF; ``give`` hands it over with ``--notes`` and ``--note KEY=TEXT`` beside
items; ``acknowledge ID`` signs for it as the logged-in user, who must be another user than
the giver (refused, exit 2, with the reason); ``list`` searches the history; ``show`` prints
one handover as given, or its PDF.

Everything in a handover was typed or recorded by people: it is printed as plain text
(control characters made visible). A PDF with personal data is a disclosure: give
``--recipient`` and ``--justification`` (logged); without them the paper withholds it.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Invocation, Session, SessionWork, in_session
from controlroom.cli.terminal import json_text, shown
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.core.snapshots import HandoverSnapshot
    from controlroom.handover.commands import HandoverCommands
    from controlroom.handover.content import HandoverContent
    from controlroom.paperwork.render import RenderedDocument


def _commands(session: Session) -> HandoverCommands:
    from controlroom.handover.commands import HandoverCommands

    commands = HandoverCommands(session.context)
    commands.targets = session.settings.grade_targets
    return commands


def _note_pairs(values: list[str] | None) -> dict[str, str]:
    notes: dict[str, str] = {}
    for value in values or ():
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise ValidationError(
                f"--note {shown(value)!r} is not KEY=TEXT; e.g. "
                "--note 'incident:12=Caller rang back at 02:10' "
                "(the keys are in square brackets in `controlroom handover draft`)"
            )
        if key.strip() in notes:
            raise ValidationError(f"--note {shown(key.strip())} is given twice; write one note per item")
        notes[key.strip()] = text
    return notes


def _notes_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", default="", metavar="TEXT", help="overall notes for the incoming operator")
    parser.add_argument(
        "--note",
        action="append",
        metavar="KEY=TEXT",
        help="a note beside one item (its key as `handover draft` shows it); repeat for more",
    )
    parser.add_argument("--to", dest="to_user", metavar="USER", help="the incoming operator's user name")


def _pdf_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", metavar="FILE", help="write it as a PDF (A4) instead")
    parser.add_argument(
        "--recipient", metavar="WHO", help="who receives the paper, to print personal data (logged)"
    )
    parser.add_argument(
        "--justification", metavar="TEXT", help="why the paper carries personal data (logged)"
    )
    parser.add_argument("--force-name", metavar="TEXT", help="force name printed at the top")


def _draft_arguments(parser: argparse.ArgumentParser) -> None:
    _notes_arguments(parser)
    _pdf_arguments(parser)
    parser.add_argument("--json", action="store_true", help="the draft as JSON")


async def _draft(session: Session, args: argparse.Namespace) -> int:
    from controlroom.handover.records import NOTES_LIMIT, checked_item_notes, checked_note

    content = await _commands(session).draft_handover()
    content = content.with_notes(checked_item_notes(_note_pairs(args.note), content))
    notes = checked_note(args.notes, "notes", "overall notes", NOTES_LIMIT)
    if args.json:
        print(json_text(content.to_json(), indent=2))
        return 0
    print(
        f"Handover draft for {shown(content.drafted_by)}, {_when(content.drafted_at)} "
        "(not handed over: `controlroom handover give` does)"
    )
    if notes:
        print(f"Overall notes: {shown(notes)}")
    _print_sections(content, keys=True)
    return 0


async def _draft_paper(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.cli.paperwork import _force_name
    from controlroom.handover.paper import handover_paper

    content = await _commands(session).draft_handover()
    document = await handover_paper(
        session.db,
        session.actor,
        content,
        notes=args.notes,
        item_notes=_note_pairs(args.note),
        to_user=args.to_user,
        justification=args.justification,
        recipient=args.recipient,
        force_name=_force_name(args),
    )
    return [document]


def _draft_handler(call: Invocation) -> int:
    if call.args.pdf is None:
        _no_paper_options(call.args)
        return call.in_session(_draft)
    return _paper(call, _draft_paper)


async def _give(session: Session, args: argparse.Namespace) -> int:
    given = await _commands(session).give_handover(
        notes=args.notes, item_notes=_note_pairs(args.note), to_user=args.to_user
    )
    snap = given.snapshot
    items = sum(count for key, count in snap.counts if key != "tally")
    to = f"to {snap.to_user}" if snap.to_user else "to the next operator"
    print(
        f"handover {snap.reference} (number {snap.id}) given {to}: {items} items, "
        f"{snap.noted_items} with a note; it stays on every console's alert stack until "
        f"another user acknowledges it (`controlroom handover acknowledge {snap.id}`)"
    )
    return 0


def _acknowledge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("handover", metavar="ID", help="the handover's number or reference (H-2026-0001)")


async def _acknowledge(session: Session, args: argparse.Namespace) -> int:
    taken = await _commands(session).acknowledge_handover(args.handover)
    snap = taken.snapshot
    print(
        f"handover {snap.reference} from {shown(snap.given_by)} "
        f"acknowledged by {shown(snap.acknowledged_by or '')}"
    )
    return 0


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", metavar="TEXT", help="words in the notes or the items (any case)")
    parser.add_argument(
        "--user", dest="by_user", metavar="USER", help="given by, addressed to or acknowledged by USER"
    )
    parser.add_argument(
        "--from", dest="date_from", type=arguments.day, metavar="DATE", help="given on or after"
    )
    parser.add_argument("--to", dest="date_to", type=arguments.day, metavar="DATE", help="given on or before")
    parser.add_argument("--json", action="store_true")


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.handover.queries import list_handovers

    found = await list_handovers(
        session.db,
        session.actor,
        text=args.search,
        user=args.by_user,
        date_from=args.date_from,
        date_to=args.date_to,
    )
    if args.json:
        print(json_text([h.to_json() for h in found], indent=2))
        return 0
    print(f"{len(found)} handover{'s' if len(found) != 1 else ''}")
    for snap in found:
        print(f"  {snap.id:>4}  {_line(snap)}")
    return 0


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    _acknowledge_arguments(parser)
    _pdf_arguments(parser)
    parser.add_argument("--json", action="store_true")


async def _show(session: Session, args: argparse.Namespace) -> int:
    from controlroom.handover.queries import handover_record

    record = await handover_record(session.db, session.actor, args.handover)
    if args.json:
        print(json_text(record.to_json(), indent=2))
        return 0
    print(_line(record.snapshot))
    print(f"Overall notes: {shown(record.snapshot.notes) or '(none)'}")
    _print_sections(record.content, keys=False)
    return 0


async def _show_paper(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.cli.paperwork import _force_name
    from controlroom.handover.paper import handover_paper

    document = await handover_paper(
        session.db,
        session.actor,
        args.handover,
        justification=args.justification,
        recipient=args.recipient,
        force_name=_force_name(args),
    )
    return [document]


def _show_handler(call: Invocation) -> int:
    if call.args.pdf is None:
        _no_paper_options(call.args)
        return call.in_session(_show)
    return _paper(call, _show_paper)


# -- shared ------------------------------------------------------------------------------


def _paper(call: Invocation, work: SessionWork[list[RenderedDocument]]) -> int:
    from controlroom.cli.paperwork import _destination, _write

    if call.args.json:
        raise ValidationError("--pdf and --json are two ways to print it: choose one")
    target, write_pdf = _destination(call)
    return _write(write_pdf, target, call.in_session(work))


def _no_paper_options(args: argparse.Namespace) -> None:
    if args.recipient or args.justification or args.force_name:
        raise ValidationError("--recipient, --justification and --force-name go with --pdf FILE")


def _when(moment: datetime | None) -> str:
    from controlroom.paperwork.render import short_date_time

    return short_date_time(moment)


def _line(snap: HandoverSnapshot) -> str:
    to = f" to {shown(snap.to_user)}" if snap.to_user else ""
    if snap.acknowledged_at is not None:
        state = f"acknowledged by {shown(snap.acknowledged_by or '')} {_when(snap.acknowledged_at)}"
    else:
        state = "NOT YET ACKNOWLEDGED"
    return f"{snap.reference}  from {shown(snap.given_by)}{to}  given {_when(snap.given_at)}  {state}"


def _print_sections(content: HandoverContent, *, keys: bool) -> None:
    for section in content.sections:
        print()
        print(f"{section.title} ({len(section.items)})" if section.items else f"{section.title}: none")
        if section.withheld:
            print(f"  ({section.withheld})")
        for item in section.items:
            mark = "! " if item.urgent else ""
            key = f"[{item.key}] " if keys else ""
            print(f"  {key}{mark}{shown(item.text)}")
            if item.note:
                print(f"      note: {shown(item.note)}")


COMMANDS = (
    Command(
        "handover",
        "shift handover: draft, give, acknowledge, list and show",
        action_dest="handover_command",
        actions=(
            Command(
                "draft",
                "what would be handed over now (text, --json or --pdf)",
                _draft_handler,
                ("handover.draft",),
                _draft_arguments,
            ),
            Command(
                "give",
                "hand over the shift, with notes, to the next operator",
                in_session(_give),
                ("handover.give",),
                _notes_arguments,
            ),
            Command(
                "acknowledge",
                "sign for a handover as the incoming operator (another user than the giver)",
                in_session(_acknowledge),
                ("handover.acknowledge",),
                _acknowledge_arguments,
            ),
            Command(
                "list",
                "past handovers, newest first (search, user, dates)",
                in_session(_list),
                ("handover.read",),
                _list_arguments,
            ),
            Command(
                "show",
                "one handover as given, with every note (text, --json or --pdf)",
                _show_handler,
                ("handover.read",),
                _show_arguments,
            ),
        ),
    ),
)
