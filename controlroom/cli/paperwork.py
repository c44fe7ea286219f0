"""``controlroom paperwork s35 REF|s34 ZONE|specimen --pdf FILE``: dispersal paperwork as PDF.

The core loads the paper and renders HTML + SVG; turning that into a PDF needs Qt, so
the front end hands in ``write_pdf`` (see ``Frontend`` in ``controlroom.cli.session``).
The target folder is checked before anything is loaded, and the front end writes the
PDF atomically, so a failed command leaves no file behind.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.cli.registry import Access, Command
from controlroom.cli.session import Invocation, PdfWriter, Session
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.paperwork.data import DirectionPaper
    from controlroom.paperwork.render import RenderedDocument

PARTS = ("notice", "record", "receipt", "all")
FORCE_NAME_ENV = "CONTROLROOM_FORCE_NAME"


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write (A4)")
    parser.add_argument(
        "--force-name",
        metavar="TEXT",
        help=f"force name printed at the top (default: ${FORCE_NAME_ENV}, else 'Police')",
    )


def _s35_arguments(s35: argparse.ArgumentParser) -> None:
    s35.add_argument("reference", metavar="REF", help="the direction's reference")
    s35.add_argument(
        "--part",
        choices=PARTS,
        default="all",
        help="which document (default all: notice, record copy and, if items were surrendered, receipt)",
    )
    # DPA 2018 s.62(3): printing a person's paperwork is a disclosure, logged with why and to whom.
    s35.add_argument("--reason", required=True, metavar="TEXT", help="why it is printed (logged)")
    s35.add_argument(
        "--recipient",
        required=True,
        metavar="WHO",
        help="who receives it, e.g. 'the person directed' (logged)",
    )
    _common_arguments(s35)


def _s34_arguments(s34: argparse.ArgumentParser) -> None:
    s34.add_argument(
        "zone", metavar="ZONE_ID", help="the zone's number (or name; see `controlroom zone list`)"
    )
    _common_arguments(s34)


def _force_name(args: argparse.Namespace) -> str:
    from controlroom.paperwork.render import DEFAULT_FORCE_NAME

    return str(args.force_name or os.environ.get(FORCE_NAME_ENV) or DEFAULT_FORCE_NAME)


async def _s35(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.dispersal.consult import log_direction_printed
    from controlroom.dispersal.papers import direction_paper
    from controlroom.paperwork import render

    session.actor.require("paperwork.print")  # set-up mode: no personal data (DPA 2018 s.62)
    paper = await direction_paper(session.db, args.reference)
    if args.part == "receipt" and not paper.surrendered_items:
        raise ValidationError(f"direction {paper.reference} has no surrendered items, so there is no receipt")
    if not (args.reason or "").strip():
        raise ValidationError("say why it is printed (--reason): DPA 2018 s.62(3) logs the justification")
    parts = render.DIRECTION_PARTS if args.part == "all" else (args.part,)
    documents = render.render_direction_set(paper, parts, force_name=_force_name(args))
    # DPA 2018 s.62(3): one disclosure per document actually printed, to its recipient
    # (notice and receipt: --recipient; the record copy: internal use), naming the record.
    await log_direction_printed(
        session.db,
        session.actor,
        paper,
        [document.part for document in documents],
        args.reason,
        recipient=args.recipient,
    )
    return documents


async def _s34(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.dispersal.papers import authorisation_paper
    from controlroom.paperwork import render

    zone = await authorisation_paper(session.db, args.zone)
    return [render.render_authorisation(zone, force_name=_force_name(args))]


def _specimen(args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.paperwork import render
    from controlroom.paperwork.specimen import specimen_directions, specimen_zone

    force_name = _force_name(args)
    documents = [
        document
        for direction in specimen_directions()
        for document in render.render_direction_set(direction, force_name=force_name)
    ]
    return [*documents, render.render_authorisation(specimen_zone(), force_name=force_name)]


def _print_s35(call: Invocation) -> int:
    target, write_pdf = _destination(call)
    return _write(write_pdf, target, call.in_session(_s35))


def _print_s34(call: Invocation) -> int:
    target, write_pdf = _destination(call)
    return _write(write_pdf, target, call.in_session(_s34))


def _print_specimen(call: Invocation) -> int:
    target, write_pdf = _destination(call)
    return _write(write_pdf, target, _specimen(call.args))


def _destination(call: Invocation) -> tuple[Path, PdfWriter]:
    """Where the PDF goes, checked before anything is loaded; and that a writer exists."""
    text = call.args.pdf
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"--pdf {text} is a folder; give a file name such as {target / 'notice.pdf'}")
    if not target.parent.is_dir():
        raise ValidationError(f"--pdf {text}: folder {target.parent} does not exist; create it first")
    if call.frontend is None or call.frontend.write_pdf is None:
        raise ValidationError(
            "this installation has no Qt front end to write PDFs; run the `controlroom` program"
        )
    return target, call.frontend.write_pdf


def _write(write_pdf: PdfWriter, target: Path, documents: list[RenderedDocument]) -> int:
    # Outside asyncio: the front end's writer may start a Qt application of its own.
    try:
        pages = write_pdf(documents, str(target))
    except OSError as exc:
        raise ValidationError(f"could not write {target}: {exc}") from exc
    titles = ", ".join(d.title for d in documents)
    print(f"wrote {target}: {pages} page{'s' if pages != 1 else ''} ({titles})")
    return 0


COMMANDS = (
    Command(
        "paperwork",
        "print dispersal paperwork (s.35 direction, s.34 authorisation) to PDF",
        action_dest="paperwork_kind",
        action_metavar="KIND",
        actions=(
            Command(
                "s35",
                "a direction: notice to the person, record copy, surrender receipt",
                _print_s35,
                ("read.dispersal",),
                _s35_arguments,
            ),
            Command(
                "s34",
                "an authorisation form for the authorising officer to sign",
                _print_s34,
                ("read.dispersal",),
                _s34_arguments,
            ),
            # Made-up values only: nothing is read from the database.
            Command(
                "specimen",
                "every document filled with made-up values, to check templates",
                _print_specimen,
                Access.NO_LOGIN,
                _common_arguments,
            ),
        ),
    ),
)


def specimen_direction() -> DirectionPaper:
    """The first specimen direction (see ``controlroom.paperwork.specimen``), for template checks."""
    from controlroom.paperwork.specimen import specimen_direction as first

    return first()
