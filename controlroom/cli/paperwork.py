"""``controlroom paperwork s35 REF|s34 ZONE|specimen --pdf FILE``: dispersal paperwork as PDF.

The core loads the paper and renders HTML + SVG; turning that into a PDF needs Qt, so
the front end hands in ``write_pdf`` (see ``Frontend`` in ``controlroom.cli.session``).
The target folder is checked before anything is loaded, and the front end writes the
PDF atomically, so a failed command leaves no file behind.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
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
    from controlroom.audit.trail import log_processing
    from controlroom.dispersal.papers import direction_paper
    from controlroom.paperwork import render

    paper = await direction_paper(session.db, args.reference)
    if args.part == "receipt" and not paper.surrendered_items:
        raise ValidationError(f"direction {paper.reference} has no surrendered items, so there is no receipt")
    await log_processing(
        session.db,
        session.actor,
        action="paperwork.print",
        entity="direction",
        entity_id=None,
        detail={"reference": paper.reference, "part": args.part},
        justification=args.reason,
        recipient=args.recipient,
    )
    if args.part == "all":
        return render.render_direction_set(paper, force_name=_force_name(args))
    return [render.render_direction(paper, args.part, force_name=_force_name(args))]


async def _s34(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.dispersal.papers import authorisation_paper
    from controlroom.paperwork import render

    zone = await authorisation_paper(session.db, args.zone)
    return [render.render_authorisation(zone, force_name=_force_name(args))]


def _specimen(args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.paperwork import render

    direction = specimen_direction()
    force_name = _force_name(args)
    return [
        *render.render_direction_set(direction, force_name=force_name),
        render.render_authorisation(direction.zone, force_name=force_name),
    ]


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
    """Made-up values (Bedford Place, Southampton) for checking templates without a database."""
    from controlroom.paperwork.data import AuthorisationPaper, DirectionPaper, Officer

    polygon = ((50.9150, -1.4100), (50.9150, -1.4035), (50.9095, -1.4040), (50.9090, -1.4095))
    zone = AuthorisationPaper(
        zone_id=1,
        name="Bedford Place and London Road",
        log_number="SPECIMEN-LOG-0001",
        officer=Officer("Inspector", "0000", "A. Specimen"),
        polygon=polygon,
        area_in_words="Bedford Place, London Road and Carlton Place between Cumberland Place and The Polygon",
        starts_at=datetime(2026, 11, 27, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 29, 20, 0, tzinfo=UTC),
        grounds="Specimen: repeated reports of men following lone women between venues after midnight.",
        rights_consideration="Specimen: no protest or procession is planned in the locality in the period.",
        authorised_at=datetime(2026, 11, 27, 19, 40, tzinfo=UTC),
    )
    return DirectionPaper(
        reference="SPECIMEN-S35-0001",
        zone=zone,
        given_at=datetime(2026, 11, 28, 1, 10, tzinfo=UTC),
        officer=Officer("PC", "0001", "B. Specimen"),
        person_description="Specimen: man, about 30, black puffer jacket, grey trainers",
        person_name="C. Specimen",
        apparent_age=30,
        behaviour="Specimen: followed two women from Bedford Place towards London Road.",
        grounds="Specimen: likely to contribute to women being harassed, alarmed or distressed.",
        exclusion_polygon=polygon,
        exclusion_in_words=zone.area_in_words,
        exclusion_ends_at=datetime(2026, 11, 29, 1, 10, tzinfo=UTC),
        leave_by=datetime(2026, 11, 28, 1, 25, tzinfo=UTC),
        route="South along London Road to Above Bar Street",
        offence_warning_given=True,
        written_notice_given=True,
        no_written_notice_reason=None,
        surrendered_items=("Bottle of vodka (open)",),
        collection_station="Specimen Central Police Station",
        collect_from=datetime(2026, 11, 29, 1, 10, tzinfo=UTC),
    )
