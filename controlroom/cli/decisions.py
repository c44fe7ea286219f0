"""``controlroom decision add|list|show``: the decision log (National Decision Model).

Everything typed is printed back as plain text (control characters made visible). A refused
decision prints the core's sentence with the option it is about, exits 2 and writes nothing.
``list`` and ``show`` with ``--pdf FILE`` print the decision log through the front end's PDF
writer, as ``footage log`` does; printing is logged as a DPA 2018 s.62(3) disclosure with why
(``--reason``) and to whom (``internal use`` unless ``--recipient`` says otherwise).
A long decision can come from a TOML file (``--from-file``) with the same names as the
options; options typed on the command line win over the file's.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controlroom.cli import arguments
from controlroom.cli.registry import Command, Handler
from controlroom.cli.session import Invocation, Session, SessionWork, in_session
from controlroom.cli.terminal import json_text, shown
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.core.snapshots import DecisionSnapshot
    from controlroom.paperwork.render import RenderedDocument

# NewDecision field -> the option that types it.
OPTIONS = {
    "subject": "--subject",
    "information": "--information",
    "assessment": "--assessment",
    "powers_policy": "--powers",
    "options": "--options",
    "decision": "--decision",
    "rationale": "--rationale",
    "incidents": "--incident",
    "zones": "--zone",
    "directions": "--direction",
    "nights": "--night",
    "revises": "--revises",
}
_TEXTS = ("subject", "information", "assessment", "powers_policy", "options", "decision", "rationale")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--subject", metavar="TEXT", help="what was decided, in a line (required)")
    parser.add_argument("--information", metavar="TEXT", help="information and intelligence (required)")
    parser.add_argument("--assessment", metavar="TEXT", help="threat and risk assessment (required)")
    parser.add_argument("--powers", dest="powers_policy", metavar="TEXT", help="powers and policy considered")
    parser.add_argument("--options", metavar="TEXT", help="options considered, and why rejected")
    parser.add_argument("--decision", metavar="TEXT", help="the decision (required)")
    parser.add_argument("--rationale", metavar="TEXT", help="why (required)")
    parser.add_argument("--incident", dest="incidents", action="append", metavar="REF", help="repeatable")
    parser.add_argument("--zone", dest="zones", type=int, action="append", metavar="ID", help="repeatable")
    parser.add_argument(
        "--direction", dest="directions", type=int, action="append", metavar="ID", help="repeatable"
    )
    parser.add_argument(
        "--night", dest="nights", type=arguments.day, action="append", metavar="DATE", help="a whole night"
    )
    parser.add_argument("--revises", metavar="REF", help="the earlier decision this one revises")
    parser.add_argument("--from-file", type=Path, metavar="FILE", help="the parts as TOML (same names)")
    parser.add_argument("--json", action="store_true")


def _from_file(path: Path | None) -> dict[str, Any]:
    """The TOML file's values, keyed like ``NewDecision`` (``powers`` for powers_policy)."""
    if path is None:
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"--from-file {path}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"--from-file {path}: not TOML ({exc})") from None
    names = {option.lstrip("-"): field for field, option in OPTIONS.items()}
    names.update({field: field for field in OPTIONS})
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ValidationError(
            f"--from-file {path}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(OPTIONS))}"
        )
    return {names[key]: value for key, value in data.items()}


def _new_decision(args: argparse.Namespace) -> Any:
    from datetime import date

    from controlroom.decisions.records import NewDecision

    values = _from_file(args.from_file)
    for field in (*_TEXTS, "revises"):
        if getattr(args, field) is not None:
            values[field] = getattr(args, field)
    for field in ("incidents", "zones", "directions", "nights"):
        if getattr(args, field):
            values[field] = getattr(args, field)
    try:
        for field in _TEXTS:
            if not isinstance(values.get(field, ""), str):
                raise ValidationError(f"{field} must be text")
        nights = tuple(
            v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values.get("nights", ())
        )
        return NewDecision(
            **{field: values.get(field, "") for field in _TEXTS},
            incidents=tuple(str(v) for v in values.get("incidents", ())),
            zones=tuple(int(v) for v in values.get("zones", ())),
            directions=tuple(int(v) for v in values.get("directions", ())),
            nights=nights,
            revises=values.get("revises"),
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"--from-file {args.from_file}: {exc}") from None


async def _add(session: Session, args: argparse.Namespace) -> int:
    from controlroom.decisions.commands import DecisionCommands
    from controlroom.decisions.records import DecisionInputError

    new = _new_decision(args)
    try:
        decision = await DecisionCommands(session.context).record_decision(new)
    except DecisionInputError as refused:
        raise ValidationError(f"{OPTIONS.get(refused.field, refused.field)}: {refused}") from None
    if args.json:
        print(json_text(decision.to_json(), indent=2))
        return 0
    revises = f" (revises {decision.revises_reference})" if decision.revises_reference else ""
    print(f"decision {decision.reference} recorded{revises}: {shown(decision.subject)}")
    print(f"  concerns: {_links(decision)}")
    return 0


def _print_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", metavar="FILE", help="print the decision log to this PDF file (A4)")
    parser.add_argument("--reason", metavar="TEXT", help="why it is printed (logged; needed with --pdf)")
    parser.add_argument("--recipient", metavar="WHO", help="who receives it (logged; default internal use)")
    parser.add_argument("--force-name", metavar="TEXT", help="force name printed at the top")


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--night", type=arguments.day, metavar="DATE", help="an operational night (default tonight)"
    )
    which.add_argument("--incident", metavar="REF", help="decisions linked to an incident")
    which.add_argument("--zone", type=int, metavar="ID", help="decisions linked to an s.34 zone")
    which.add_argument("--direction", type=int, metavar="ID", help="decisions linked to an s.35 direction")
    parser.add_argument("--author", metavar="NAME", help="recorded by this user")
    parser.add_argument("--text", metavar="WORDS", help="words in any part of the decision")
    parser.add_argument("--json", action="store_true")
    _print_arguments(parser)


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.core.domain import operational_night
    from controlroom.decisions.queries import list_decisions

    night = args.night
    if night is None and args.incident is None and args.zone is None and args.direction is None:
        night = operational_night(session.context.clock())
    decisions = await list_decisions(
        session.db,
        session.actor,
        night=night,
        incident=args.incident,
        zone=args.zone,
        direction=args.direction,
        author=args.author,
        text=args.text,
    )
    if args.json:
        print(json_text({"decisions": [d.to_json() for d in decisions]}, indent=2))
        return 0
    if not decisions:
        where = f"the night of {night.isoformat()}" if night is not None else "that record"
        print(f"no decisions recorded for {where}; record one with `controlroom decision add`")
    for decision in decisions:
        print(_line(decision))
    return 0


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the decision's reference, e.g. D-2026-0001")
    parser.add_argument("--json", action="store_true")
    _print_arguments(parser)


async def _show(session: Session, args: argparse.Namespace) -> int:
    from controlroom.decisions.paper import HEADINGS
    from controlroom.decisions.queries import decision_chain

    chain = await decision_chain(session.db, session.actor, args.reference)
    if args.json:
        document = {
            "decision": chain.decision.to_json(),
            "earlier": [d.to_json() for d in chain.earlier],
            "later": [d.to_json() for d in chain.later],
        }
        print(json_text(document, indent=2))
        return 0
    d = chain.decision
    print(f"{d.reference}: {shown(d.subject)}")
    print(f"  recorded {d.recorded_at:%Y-%m-%d %H:%M} UTC by {shown(d.recorded_by)} ({d.role or 'no role'})")
    print(f"  concerns: {_links(d)}")
    if chain.earlier:
        print(f"  revises: {' <- '.join(e.reference for e in reversed(chain.earlier))}")
    if chain.later:
        print(f"  revised by: {' -> '.join(e.reference for e in chain.later)} (read the latest)")
    for heading, field in HEADINGS:
        value = getattr(d, field)
        print(f"{heading}:")
        for line in (value or "(not recorded)").split("\n"):
            print(f"    {shown(line)}")
    return 0


def _line(decision: DecisionSnapshot) -> str:
    marks = ""
    if decision.revises_reference:
        marks += f"  revises {decision.revises_reference}"
    if decision.revised_by:
        marks += f"  REVISED by {', '.join(decision.revised_by)}"
    return (
        f"{decision.reference}  {decision.recorded_at:%Y-%m-%d %H:%M} UTC  "
        f"{shown(decision.recorded_by)[:20]:20}  {shown(decision.subject)[:70]}  [{_links(decision)}]{marks}"
    )


def _links(decision: DecisionSnapshot) -> str:
    return ", ".join(f"{link.kind} {shown(link.label)}" for link in decision.links)


async def _paper(session: Session, args: argparse.Namespace) -> list[RenderedDocument]:
    from controlroom.cli.paperwork import _force_name
    from controlroom.decisions.paper import print_decision_log

    if not (args.reason or "").strip():
        raise ValidationError("say why the decision log is printed (--reason): DPA 2018 s.62(3) logs it")
    document = await print_decision_log(
        session.db,
        session.actor,
        night=getattr(args, "night", None),
        incident=getattr(args, "incident", None),
        zone=getattr(args, "zone", None),
        direction=getattr(args, "direction", None),
        reference=getattr(args, "reference", None),
        reason=args.reason,
        recipient=args.recipient,
        force_name=_force_name(args),
    )
    return [document]


def _printing(listing: SessionWork[int]) -> Handler:
    """A handler that prints the PDF with ``--pdf`` (needing ``decision.print``), else ``listing``."""

    def handler(call: Invocation) -> int:
        if not call.args.pdf:
            return call.in_session(listing)
        from controlroom.cli.paperwork import _destination, _write

        target, write_pdf = _destination(call)
        return _write(write_pdf, target, call.in_session(_paper))

    handler.__name__ = handler.__qualname__ = getattr(listing, "__name__", "handler")
    return handler


COMMANDS = (
    Command(
        "decision",
        "the decision log (National Decision Model): add, list, show, print",
        action_dest="decision_command",
        actions=(
            Command(
                "add",
                "record a decision (or a revision of an earlier one with --revises)",
                in_session(_add),
                ("decision.record",),
                _add_arguments,
            ),
            Command(
                "list",
                "tonight's decisions, or a night's, an incident's, a zone's or a direction's (--pdf prints)",
                _printing(_list),
                ("decision.read",),
                _list_arguments,
            ),
            Command(
                "show",
                "one decision in full with its revision chain (--pdf prints)",
                _printing(_show),
                ("decision.read",),
                _show_arguments,
            ),
        ),
    ),
)
