"""The Reports dock's exports: the shown report as PDF, CSV or GeoJSON, through the CLI's writers.

The night pack goes out as ``report-night`` writes it (``render_night_pack``; the
incidents through ``incidents_csv`` / ``incidents_geojson``), the period report as
``report-period`` does (``render_period_report``, ``csv_text``). Each export is logged as
the CLI logs it (``report.night`` / ``report.period``, with the file's format), in the
reports worker with the report's own connection; the file is then written whole or not
at all (CSV and GeoJSON through a temporary file and a rename, the PDF by the paperwork
printer, which paints with Qt and so runs on the GUI thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.reports.export import write_whole
from controlroom.storage.database import Database

if TYPE_CHECKING:
    from controlroom.paperwork.render import RenderedDocument

PDF, CSV, GEOJSON = "pdf", "csv", "geojson"
SUFFIX = {PDF: ".pdf", CSV: ".csv", GEOJSON: ".geojson"}
FILTERS = {PDF: "PDF (*.pdf)", CSV: "CSV (*.csv)", GEOJSON: "GeoJSON (*.geojson)"}


@dataclass(frozen=True)
class ExportContent:
    """What goes to the file: a document to print, or text to write."""

    document: RenderedDocument | None = None
    text: str | None = None


def offered(night: bool) -> tuple[str, ...]:
    """The formats the CLI writes for a night pack, and for a period report."""
    return (PDF, CSV, GEOJSON) if night else (PDF, CSV)


def checked_target(text: str, fmt: str) -> Path:
    """The file chosen, refused (as the CLI refuses) if it cannot be written."""
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(
            f"{text} is a folder; give a file name such as {target / ('report' + SUFFIX[fmt])}"
        )
    if not target.parent.is_dir():
        raise ValidationError(f"{text}: folder {target.parent} does not exist; create it first")
    return target


async def export_content(db: Database, actor: Actor, report: Any, night: bool, fmt: str) -> ExportContent:
    """The export's content, the export logged first (as the CLI logs it)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from controlroom.audit.anchor import read_head
    from controlroom.audit.trail import log_processing

    if night:
        action, entity = "report.night", "night"
        detail = {
            "night": report.night.isoformat(),
            "incidents": len(report.incidents),
            "document": "night_pack",
        }
    else:
        action, entity = "report.period", "period"
        detail = {"start": report.start.isoformat(), "end": report.end.isoformat(), "incidents": report.total}
    actor.require_role(action)
    await log_processing(
        db, actor, action=action, entity=entity, entity_id=None, detail={**detail, "format": fmt}
    )
    if fmt == PDF:
        async with db.read() as conn, AsyncSession(bind=conn) as reader:
            head = await read_head(reader)
        return ExportContent(document=_document(report, night, head))
    return ExportContent(text=_text(report, night, fmt))


def _document(report: Any, night: bool, head: Any) -> RenderedDocument:
    if night:
        from controlroom.reports.night_paper import render_night_pack

        return render_night_pack(report, head=head)
    from controlroom.reports.period_paper import render_period_report

    return render_period_report(report, head=head)


def _text(report: Any, night: bool, fmt: str) -> str:
    if night:
        from controlroom.reports.export import incidents_csv, incidents_geojson

        return incidents_csv(report) if fmt == CSV else incidents_geojson(report)
    from controlroom.reports.period_paper import csv_text

    return csv_text(report)


def write_text(target: Path, content: ExportContent) -> None:
    """A CSV or GeoJSON written whole (a temporary file beside it, then a rename)."""
    write_whole(target, content.text or "")
