"""``controlroom report-period``: trends across nights and hotspots, to PDF, CSV or JSON.

The period is ``--from DATE --to DATE``, ``--week DATE`` (the Monday-to-Sunday nights
holding DATE) or ``--month YYYY-MM``. Every check happens before anything is written:
the output paths, then the period itself (``reports.period`` refuses a period back to
front, in the future, before the first record, or a before/after date outside it). The
report is logged as ``report.period`` with the outputs asked for in the same login (no
personal data is in it, so it is an operation in the audit trail, not a disclosure);
then the PDF goes through the front end's atomic writer, outside asyncio, and the CSV is
written atomically beside its name.
"""

from __future__ import annotations

import argparse
import calendar
import json
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Invocation, PdfWriter, Session
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.paperwork.render import RenderedDocument
    from controlroom.reports.period import PeriodReport


def _month(text: str) -> tuple[date, date]:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month; write e.g. 2026-11") from None
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def _arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--from", dest="start", type=arguments.day, metavar="DATE", help="first night")
    which.add_argument(
        "--week", type=arguments.day, metavar="DATE", help="the Monday-Sunday nights holding DATE"
    )
    which.add_argument("--month", type=_month, metavar="YYYY-MM", help="every night of the month")
    parser.add_argument(
        "--to", dest="end", type=arguments.day, metavar="DATE", help="last night (with --from)"
    )
    parser.add_argument(
        "--before-after",
        type=arguments.day,
        metavar="DATE",
        help="compare the nights before DATE with DATE on",
    )
    parser.add_argument("--pdf", metavar="FILE", help="PDF file to write (A4)")
    parser.add_argument("--csv", metavar="FILE", help="CSV file to write (one row per count)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--force-name", metavar="TEXT", help="force name printed at the top")


def _period(args: argparse.Namespace) -> tuple[date, date]:
    if args.month is not None:
        return args.month  # type: ignore[no-any-return]
    if args.week is not None:
        monday = args.week - timedelta(days=args.week.weekday())
        return monday, monday + timedelta(days=6)
    if args.end is None:
        raise ValidationError("--from needs --to: give the last night of the period too")
    return args.start, args.end


def _file(text: str, option: str) -> Path:
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"{option} {text} is a folder; give a file name such as {target / 'period'}")
    if not target.parent.is_dir():
        raise ValidationError(f"{option} {text}: folder {target.parent} does not exist; create it first")
    return target


def _report_period(call: Invocation) -> int:
    args = call.args
    if args.end is not None and args.start is None:
        raise ValidationError("--to goes with --from; --week and --month say the whole period")
    start, end = _period(args)
    if not (args.pdf or args.csv or args.json):
        raise ValidationError("say what to produce: --pdf FILE, --csv FILE or --json")
    pdf = _file(args.pdf, "--pdf") if args.pdf else None
    csv = _file(args.csv, "--csv") if args.csv else None
    writer: PdfWriter | None = None
    if pdf is not None:
        if call.frontend is None or call.frontend.write_pdf is None:
            raise ValidationError("this installation has no Qt front end to write PDFs; use --csv or --json")
        writer = call.frontend.write_pdf

    async def work(session: Session, _: argparse.Namespace) -> tuple[PeriodReport, list[RenderedDocument]]:
        from controlroom.reports.period import log_period_report, period_report

        report = await period_report(
            session.db,
            start,
            end,
            actor=session.actor,
            before_after=args.before_after,
            targets=session.settings.grade_targets,
        )
        documents = []
        if pdf is not None:
            documents.append(await _paper(session, report, args))
        await log_period_report(
            session.db,
            session.actor,
            report,
            [str(p) for p in (pdf, csv) if p is not None] + (["json"] if args.json else []),
        )
        return report, documents

    report, documents = call.in_session(work)
    from controlroom.reports.period_paper import csv_text

    table = csv_text(report) if csv is not None else ""
    written = []
    if writer is not None and pdf is not None:
        try:
            pages = writer(documents, str(pdf))
        except OSError as exc:
            raise ValidationError(f"could not write {pdf}: {exc}") from exc
        written.append(f"{pdf} ({pages} page{'s' if pages != 1 else ''})")
    if csv is not None:
        _write_atomically(csv, table)
        written.append(f"{csv} ({table.count(chr(10)) - 1} rows)")
    if args.json:
        from controlroom.reports.period_paper import period_json

        print(json.dumps(period_json(report), ensure_ascii=False, indent=1))
    for line in written:
        print(f"wrote {line}")
    if not args.json:
        print(f"{report.label}: {report.total} incidents")
        if report.before_after is not None:
            print(f"before/after {report.before_after.pivot.isoformat()}: {report.before_after.sentence}")
    return 0


def _write_atomically(target: Path, text: str) -> None:
    """``text`` to ``target``: a temporary file beside it, synced, then renamed over it."""
    import os
    import tempfile

    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ValidationError(f"could not write {target}: {exc}") from exc


async def _paper(session: Session, report: PeriodReport, args: argparse.Namespace) -> RenderedDocument:
    from controlroom.audit.anchor import read_head
    from controlroom.cli.paperwork import _force_name
    from controlroom.reports.period_paper import render_period_report

    async with session.db.read() as conn:
        head = await read_head(conn)
    return render_period_report(report, head=head, force_name=_force_name(args))


COMMANDS = (
    Command(
        "report-period",
        "trends across nights: heat map, night-by-night series, before/after, hotspots (PDF, CSV, JSON)",
        _report_period,
        ("read.incidents", "report.period"),
        _arguments,
    ),
)
