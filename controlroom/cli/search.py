"""``controlroom search TEXT [filters] [--json] [--csv FILE] [--geojson FILE]``: every night's incidents.

A partner's login finds its own venues' incidents only (the core and, on PostgreSQL, the
database say so). Exports are logged (``search.export``); bad input exits 2 with nothing
written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.search.export import ExportFormat


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="words to find (the last may be the start of a word)")
    parser.add_argument("--from", dest="night_from", type=arguments.day, metavar="DATE", help="first night")
    parser.add_argument("--to", dest="night_to", type=arguments.day, metavar="DATE", help="last night")
    parser.add_argument("--night", type=arguments.day, metavar="DATE", help="one operational night")
    parser.add_argument("--category", metavar="C")
    parser.add_argument("--grade", type=arguments.grade, metavar="N")
    parser.add_argument("--venue", metavar="NAME")
    parser.add_argument("--source", metavar="S")
    parser.add_argument("--status", metavar="S")
    parser.add_argument("--limit", type=int, default=200, metavar="N", help="at most N results (default 200)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the results as CSV (logged)")
    parser.add_argument("--geojson", type=Path, metavar="FILE", help="write the results as GeoJSON (logged)")


def _writable(path: Path | None, option: str) -> None:
    if path is None:
        return
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise ValidationError(f"{option} {path}: the folder {folder} does not exist; nothing was written")
    if path.is_dir():
        raise ValidationError(f"{option} {path} is a folder; give a file name, e.g. {path / 'results'}")


async def _search(session: Session, args: argparse.Namespace) -> int:
    from controlroom.search.export import export_results
    from controlroom.search.filters import SearchFilters
    from controlroom.search.query import search

    if args.night is not None and (args.night_from is not None or args.night_to is not None):
        raise ValidationError("give either --night DATE or --from/--to, not both")
    if not 1 <= args.limit <= 10_000:
        raise ValidationError(f"--limit {args.limit}: give a number from 1 to 10000")
    _writable(args.csv, "--csv")
    _writable(args.geojson, "--geojson")
    filters = SearchFilters(
        night_from=args.night or args.night_from,
        night_to=args.night or args.night_to,
        category=args.category,
        grade=args.grade,
        venue=args.venue,
        source=args.source,
        status=args.status,
    )
    hits = await search(session.db, args.text, filters, actor=session.actor, limit=args.limit)
    exports: tuple[tuple[Path | None, ExportFormat], ...] = ((args.csv, "csv"), (args.geojson, "geojson"))
    for path, fmt in exports:
        if path is not None:
            await export_results(
                session.db, hits, path, fmt, actor=session.actor, text=args.text, filters=filters
            )
    if args.json:
        print(json.dumps([hit.to_json() for hit in hits], indent=2, ensure_ascii=False))
        return 0
    for hit in hits:
        grade = f"G{hit.grade}" if hit.grade else "-"
        when = hit.reported_at.astimezone(LOCAL_TZ)
        print(
            f"{hit.reference:19} {when:%Y-%m-%d %H:%M} {grade:2} {hit.status:12} "
            f"{hit.venue or '-':20} {hit.snippet}"
        )
    print(
        f"{len(hits)} incident{'s' if len(hits) != 1 else ''} found"
        + (" (the limit)" if len(hits) == args.limit else "")
    )
    return 0


COMMANDS = (
    Command(
        "search",
        "find incidents of every night by their words, with filters; export CSV/GeoJSON (logged)",
        in_session(_search),
        ("read.incidents",),
        _arguments,
    ),
)
