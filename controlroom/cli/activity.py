"""``controlroom activity``: what one user did in a shift (their audit entries and timeline lines).

One's own log needs ``activity.read_own``; another user's (``--user``) ``activity.read_any``
(supervisors, auditors), and reading it is written to the audit trail first. The window is
an operational night (``--night``, default tonight) or ``--from``/``--to`` (UK local time
without an offset). Typed text is printed as plain text (control characters made visible).
"""

from __future__ import annotations

import argparse

from controlroom.cli import arguments
from controlroom.cli.registry import Access, Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import json_text, shown


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", dest="whose", metavar="NAME", help="whose activity (default your own)")
    parser.add_argument(
        "--night", type=arguments.day, metavar="DATE", help="an operational night (default tonight)"
    )
    parser.add_argument("--from", dest="start", type=arguments.moment, metavar="T", help="window start")
    parser.add_argument("--to", dest="end", type=arguments.moment, metavar="T", help="window end")
    parser.add_argument(
        "--kind",
        metavar="KIND",
        help="only this kind: incident, procedure, dispatch, flag, dispersal, camera, footage, decision, "
        "handover, login or other",
    )
    parser.add_argument("--incident", metavar="REF", help="only what concerned this incident")
    parser.add_argument("--text", metavar="WORDS", help="only lines with these words")
    parser.add_argument("--json", action="store_true")


async def _activity(session: Session, args: argparse.Namespace) -> int:
    from controlroom.activity.log import ActivityQuery, activity_log
    from controlroom.core.domain import LOCAL_TZ

    query = ActivityQuery(
        user=args.whose,
        night=args.night,
        start=args.start,
        end=args.end,
        kind=args.kind,
        incident=args.incident,
        text=args.text,
    )
    log = await activity_log(session.db, session.actor, query, now=session.context.clock())
    if args.json:
        print(json_text(log.to_json(), indent=2))
        return 0
    start, end = log.start.astimezone(LOCAL_TZ), log.end.astimezone(LOCAL_TZ)
    window = f"the night of {log.night.isoformat()}" if log.night else "the window"
    print(
        f"{shown(log.user)}: {len(log.items)} action{'s' if len(log.items) != 1 else ''} in {window} "
        f"({start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M} {end.tzname()})"
    )
    for item in log.items:
        at = item.at.astimezone(LOCAL_TZ)
        incident = item.incident_reference or ""
        print(f"{at:%d/%m %H:%M:%S}  {item.kind:9}  {incident:18}  {shown(item.text)[:110]}")
    return 0


COMMANDS = (
    Command(
        "activity",
        "what a user did in a shift: your own, or anyone's as a supervisor or auditor (logged)",
        in_session(_activity),
        Access.ANY_USER,
        _arguments,
    ),
)
