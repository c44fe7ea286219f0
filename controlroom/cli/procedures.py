"""``controlroom incident steps REF`` and ``incident step REF N --done|--skip``: an incident's checklist.

Both need ``procedure.step`` (operators and supervisors): a checklist is the control
room's own working, so partners and auditors neither see nor mark it. Times are UK
local. Step texts come from the procedures file and reasons were typed by people:
both are printed as plain text (controls made visible). A procedures file that could
not be used is named once on stderr (``warn_about_procedures``), as ``report`` does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import json_text, shown
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.core.snapshots import ChecklistSnapshot, StepSnapshot

STATE_WORDS = {
    "pending": "to do",
    "done": "done",
    "skipped": "skipped",
    "not_applicable": "n/a",
    "conditional": "if answered",
}


def warn_about_procedures() -> None:
    """Name a procedures file that could not be used (the shipped defaults stand in), on stderr."""
    from controlroom.procedures.book import current_book

    warning = current_book().warning
    if warning is not None:
        print(f"warning: {shown(warning)}", file=sys.stderr)


def _steps_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("--json", action="store_true", help="the checklist as JSON")


async def _steps(session: Session, args: argparse.Namespace) -> int:
    from controlroom.procedures.records import checklist_by_reference

    warn_about_procedures()
    incident, checklist = await checklist_by_reference(session.db, args.reference)
    if checklist is None:
        raise ValidationError(
            f"{incident.reference} has no checklist: no procedure is for its category or source"
        )
    now = datetime.now(UTC)
    is_open = incident.status not in ("resolved", "closed")
    if args.json:
        print(json_text(_json(incident.reference, checklist, now, is_open), indent=2))
        return 0
    started = checklist.started_at.astimezone(LOCAL_TZ)
    lines = [
        f"{incident.reference}  {checklist.title} (procedures version {checklist.version}, "
        f"started {started:%d/%m %H:%M})"
    ]
    lines += [_line(step, now, is_open) for step in checklist.steps]
    print("\n".join(shown(line) for line in lines))
    return 0


def _line(step: StepSnapshot, now: datetime, is_open: bool) -> str:
    from controlroom.procedures.checklist import is_overdue

    state = "OVERDUE" if is_open and is_overdue(step, now) else STATE_WORDS.get(step.state, step.state)
    due = f"by {step.due_at.astimezone(LOCAL_TZ):%H:%M}" if step.due_at is not None else ""
    number = f"  {step.number}" if step.branch_of else step.number
    branch = f"[if {step.branch}] " if step.branch else ""
    text = f"{branch}{step.text}"
    if step.question:
        text += f" — asks: {step.question}" + (f" → {step.answer}" if step.answer else "")
    done = ""
    if step.at is not None:
        done = f" — {step.state} {step.at.astimezone(LOCAL_TZ):%H:%M} by {step.by}"
        if step.reason:
            done += f", because: {step.reason}"
    return f"  {number:<6} {state:<11} {step.who:<10} {due:<9} {text}{done}"


def _json(reference: str, checklist: ChecklistSnapshot, now: datetime, is_open: bool) -> dict[str, Any]:
    from controlroom.procedures.checklist import is_overdue

    data = checklist.to_json()
    for raw, step in zip(data["steps"], checklist.steps, strict=True):
        raw["overdue"] = is_open and is_overdue(step, now)
        raw["due_local"] = step.due_at.astimezone(LOCAL_TZ).strftime("%H:%M") if step.due_at else None
    return {"reference": reference, **data}


def _step_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the incident's reference")
    parser.add_argument("number", metavar="N", help="the step's number, such as 3 or 4a (see incident steps)")
    outcome = parser.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--done", action="store_true", help="the step is done")
    outcome.add_argument("--skip", action="store_true", help="the step is not done (needs --reason)")
    parser.add_argument("--answer", metavar="yes|no", help="with --done: the answer to the step's question")
    parser.add_argument("--reason", metavar="TEXT", help="with --skip: why the step is not done (recorded)")


async def _step(session: Session, args: argparse.Namespace) -> int:
    from controlroom.incidents.steps import StepCommands
    from controlroom.procedures.checklist import next_step

    warn_about_procedures()
    commands = StepCommands(session.context)
    if args.done:
        if args.reason is not None:
            raise ValidationError(
                "--reason goes with --skip; a step done needs no reason (nothing was recorded)"
            )
        checklist = await commands.mark_step(args.reference, args.number, answer=args.answer)
    else:
        if args.answer is not None:
            raise ValidationError(
                "--answer goes with --done: a skipped step's question is not answered (nothing was recorded)"
            )
        checklist = await commands.skip_step(args.reference, args.number, args.reason)
    step = checklist.step(args.number.strip().lower())
    assert step is not None  # noqa: S101 - the command just recorded it
    answered = f" (answer: {step.answer})" if step.answer else ""
    following = next_step(checklist)
    after = (
        f"; next: step {following.number}, {following.text}"
        if following
        else "; every step is done or skipped"
    )
    reference = args.reference.strip().upper()
    print(shown(f"{reference}: step {step.number} {step.state}{answered}{after}"))
    return 0


# ``incident steps`` and ``incident step``: actions of the ``incident`` group (cli/incidents.py).
INCIDENT_ACTIONS = (
    Command(
        "steps",
        "the incident's checklist: each step, who does it, its time limit and outcome",
        in_session(_steps),
        ("procedure.step",),
        _steps_arguments,
    ),
    Command(
        "step",
        "mark a checklist step done (--done [--answer yes|no]) or skipped (--skip --reason TEXT)",
        in_session(_step),
        ("procedure.step",),
        _step_arguments,
    ),
)
