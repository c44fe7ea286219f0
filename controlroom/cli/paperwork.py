"""``controlroom paperwork s35 REF --pdf FILE`` / ``paperwork s34 ZONE --pdf FILE`` / ``paperwork specimen``.

The core loads the paper and renders HTML + SVG; turning that into a PDF needs Qt, so
the front end hands in ``write_pdf`` (see ``Frontend`` in ``controlroom.cli.main``). The
target folder is checked before anything is loaded, and the front end writes the PDF
atomically, so a failed command leaves no file behind.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.audit.trail import log_processing
from controlroom.cli import admin as cli_admin
from controlroom.core.errors import ValidationError
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.paperwork.data import AuthorisationPaper, DirectionPaper, Officer
from controlroom.storage.database import Database
from controlroom.storage.migrate import ensure_schema

if TYPE_CHECKING:
    from controlroom.paperwork.render import RenderedDocument

PdfWriter = Callable[[Sequence["RenderedDocument"], str], int]
PARTS = ("notice", "record", "receipt", "all")
FORCE_NAME_ENV = "CONTROLROOM_FORCE_NAME"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``paperwork`` and its kinds on the main parser's subcommands."""
    paperwork = sub.add_parser(
        "paperwork", help="print dispersal paperwork (s.35 direction, s.34 authorisation) to PDF"
    )
    kinds = paperwork.add_subparsers(dest="paperwork_kind", metavar="KIND", required=True)
    s35 = kinds.add_parser("s35", help="a direction: notice to the person, record copy, surrender receipt")
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
    s34 = kinds.add_parser("s34", help="an authorisation form for the authorising officer to sign")
    s34.add_argument(
        "zone", metavar="ZONE_ID", help="the zone's number (or name; see `controlroom zone list`)"
    )
    specimen = kinds.add_parser(
        "specimen", help="every document filled with made-up values, to check templates"
    )
    for parser in (s35, s34, specimen):
        parser.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write (A4)")
        parser.add_argument(
            "--force-name",
            metavar="TEXT",
            help=f"force name printed at the top (default: ${FORCE_NAME_ENV}, else 'Police')",
        )


def run(args: argparse.Namespace, url: str, write_pdf: PdfWriter | None) -> int:
    """Load, render and write; ``ValidationError`` (exit 2) for anything a person can fix."""
    target = _target(args.pdf)
    if write_pdf is None:
        raise ValidationError(
            "this installation has no Qt front end to write PDFs; run the `controlroom` program"
        )
    documents = asyncio.run(_render(args, url))
    try:
        pages = write_pdf(documents, str(target))
    except OSError as exc:
        raise ValidationError(f"could not write {target}: {exc}") from exc
    titles = ", ".join(d.title for d in documents)
    print(f"wrote {target}: {pages} page{'s' if pages != 1 else ''} ({titles})")
    return 0


def _target(text: str) -> Path:
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"--pdf {text} is a folder; give a file name such as {target / 'notice.pdf'}")
    if not target.parent.is_dir():
        raise ValidationError(f"--pdf {text}: folder {target.parent} does not exist; create it first")
    return target


async def _render(args: argparse.Namespace, url: str) -> list[RenderedDocument]:
    from controlroom.paperwork import render as paperwork

    force_name = args.force_name or os.environ.get(FORCE_NAME_ENV) or paperwork.DEFAULT_FORCE_NAME
    if args.paperwork_kind == "specimen":
        direction = specimen_direction()
        return [
            *paperwork.render_direction_set(direction, force_name=force_name),
            paperwork.render_authorisation(direction.zone, force_name=force_name),
        ]
    async with _database(url) as db:
        actor, _ = await cli_admin.login(db, getattr(args, "user", None))
        actor.require("read.dispersal")
        if args.paperwork_kind == "s34":
            zone = await authorisation_paper(db, args.zone)
            return [paperwork.render_authorisation(zone, force_name=force_name)]
        paper = await direction_paper(db, args.reference)
        if args.part == "receipt" and not paper.surrendered_items:
            raise ValidationError(
                f"direction {paper.reference} has no surrendered items, so there is no receipt"
            )
        await log_processing(
            db,
            actor,
            action="paperwork.print",
            entity="direction",
            entity_id=None,
            detail={"reference": paper.reference, "part": args.part},
            justification=args.reason,
            recipient=args.recipient,
        )
    if args.part == "all":
        return paperwork.render_direction_set(paper, force_name=force_name)
    return [paperwork.render_direction(paper, args.part, force_name=force_name)]


@asynccontextmanager
async def _database(url: str) -> AsyncIterator[Database]:
    db = Database(url)
    try:
        await ensure_schema(db)
        yield db
    finally:
        await db.dispose()


def specimen_direction() -> DirectionPaper:
    """Made-up values (Bedford Place, Southampton) for checking templates without a database."""
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
