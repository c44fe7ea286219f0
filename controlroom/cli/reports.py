"""``controlroom report-night [--night DATE] --pdf F [--csv F] [--geojson F]``: the night pack.

The pack is read as the logged-in user (operators and supervisors hold ``report.night``;
partners do not, because the pack covers every venue's incidents and the night's
dispersal work; auditors do not, because they read the audit trail, not the night's
operations). Every pack is audited as ``report.night``; ``--include-personal`` adds the
incident summaries, needs ``paperwork.export`` and is logged as a DPA 2018 s.62(3)
disclosure with its justification and recipient.

All output paths are checked before anything is read; the CSV and GeoJSON are written to
temporary files beside their targets and renamed only once the PDF is written, so a
refusal or a failure leaves no file behind (the PDF writer is atomic itself).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Invocation, Session
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.paperwork.render import RenderedDocument


@dataclass(frozen=True, slots=True)
class _Pack:
    documents: list[RenderedDocument]
    files: dict[str, str]  # --csv / --geojson target → its text
    summary: str


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--night",
        type=arguments.day,
        metavar="DATE",
        help="the operational night, by the date its evening falls on (default: the last complete night)",
    )
    parser.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write (A4)")
    parser.add_argument("--csv", metavar="FILE", help="also write one row per incident as CSV")
    parser.add_argument("--geojson", metavar="FILE", help="also write the incidents as GeoJSON points")
    parser.add_argument(
        "--include-personal",
        action="store_true",
        help="add the incident summaries (a disclosure: needs --justification and --recipient)",
    )
    # DPA 2018 s.62(3): a disclosure's log names its justification and its recipient.
    parser.add_argument("--justification", metavar="TEXT", help="why personal data goes in the pack (logged)")
    parser.add_argument(
        "--recipient", metavar="WHO", help="who receives the pack with personal data (logged)"
    )
    parser.add_argument("--force-name", metavar="TEXT", help="force name printed at the top")


def _check_file(option: str, text: str) -> Path:
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"{option} {text} is a folder; give a file name such as {target / 'night.csv'}")
    if not target.parent.is_dir():
        raise ValidationError(f"{option} {text}: folder {target.parent} does not exist; create it first")
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ValidationError(f"{option} {text}: this user may not write there; choose another folder")
    return target


def _check_disclosure(args: argparse.Namespace) -> None:
    if not args.include_personal:
        if args.justification or args.recipient:
            raise ValidationError(
                "--justification and --recipient go with --include-personal; without it the pack has no "
                "personal data"
            )
        return
    missing = [
        o
        for o, v in (("--justification", args.justification), ("--recipient", args.recipient))
        if not (v or "").strip()
    ]
    if missing:
        raise ValidationError(
            f"--include-personal adds incident summaries (personal data): say {' and '.join(missing)} "
            "(DPA 2018 s.62(3) logs why and to whom)"
        )


async def _build(session: Session, args: argparse.Namespace) -> _Pack:
    from sqlalchemy.ext.asyncio import AsyncSession

    from controlroom.audit.anchor import read_head
    from controlroom.audit.trail import log_processing
    from controlroom.cli.paperwork import _force_name
    from controlroom.reports.export import incidents_csv, incidents_geojson
    from controlroom.reports.night import last_complete_night, night_pack
    from controlroom.reports.night_paper import render_night_pack

    if args.include_personal:
        session.actor.require("paperwork.export")
    now = session.context.clock()
    night = args.night or last_complete_night(now)
    pack = await night_pack(
        session.db,
        night,
        actor=session.actor,
        now=now,
        targets=session.settings.grade_targets,
        include_personal=args.include_personal,
    )
    async with session.db.read() as conn, AsyncSession(bind=conn) as reader:
        head = await read_head(reader)
    document = render_night_pack(pack, head=head, force_name=_force_name(args))
    detail = {"night": night.isoformat(), "incidents": len(pack.incidents), "document": "night_pack"}
    if args.include_personal:
        # DPA 2018 s.62(3): summaries leaving the system are a disclosure, logged with why and to whom.
        await log_processing(
            session.db,
            session.actor,
            action="paperwork.export",
            entity="night",
            entity_id=None,
            detail={**detail, "personal": "incident summaries"},
            justification=args.justification,
            recipient=args.recipient,
        )
    else:
        await log_processing(
            session.db, session.actor, action="report.night", entity="night", entity_id=None, detail=detail
        )
    files = {}
    if args.csv:
        files[args.csv] = incidents_csv(pack)
    if args.geojson:
        files[args.geojson] = incidents_geojson(pack)
    told, breached = pack.caller_told
    summary = (
        f"night of {night:%a %d %b %Y}: {len(pack.incidents)} incidents, {breached} target breaches "
        f"({told} callers told), {pack.directions} directions"
    )
    return _Pack([document], files, summary)


def _report_night(call: Invocation) -> int:
    from controlroom.cli.paperwork import _destination, _write
    from controlroom.reports.export import stage

    args = call.args
    _check_disclosure(args)
    extra = [
        _check_file(option, text)
        for option, text in (("--csv", args.csv), ("--geojson", args.geojson))
        if text
    ]
    target, write_pdf = _destination(call)
    if len({target.resolve(), *(p.resolve() for p in extra)}) != 1 + len(extra):
        raise ValidationError("--pdf, --csv and --geojson must name different files")
    pack = call.in_session(_build)
    staged = [
        (stage(Path(path).expanduser(), text), Path(path).expanduser()) for path, text in pack.files.items()
    ]
    try:
        _write(write_pdf, target, pack.documents)
        for temporary, final in staged:
            os.replace(temporary, final)
            print(f"wrote {final}")
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    print(pack.summary)
    return 0


COMMANDS = (
    Command(
        "report-night",
        "the end-of-night pack (PDF; CSV and GeoJSON of the incidents) for one operational night",
        _report_night,
        ("report.night",),
        _arguments,
    ),
)
