"""An incident's checklist: started with the report, then worked step by step.

``start_checklist`` runs inside the transaction that reports an incident (or changes
its category or source to one a procedure is for, when it has no checklist yet): it
copies the procedure's steps into the incident's checklist row, adds the timeline line
"Procedure: <title> (<version>) started", the audit entry, and appends the new
``ChecklistSnapshot`` to the change log.

``mark_step`` and ``skip_step`` record one step's outcome. Each checks everything
first, then in one transaction: the outcome row (append-only, one per step), the
timeline line ("Step 3 done: Secure the drink… — by op1"), the audit entry, and the
incident's new checklist in the change log (entity ``checklist``, id = the incident's).
The incident itself is not given a new version: a step done is not an edit of the
incident, and bumping it would make every colleague's open edit form stale.

Who may mark a step: anyone holding ``procedure.step`` (operators, supervisors). A step
the procedure gives to a supervisor (``who = "supervisor"``) is refused to an operator,
with the reason: the decision is the supervisor's, and the record must show the
supervisor's own login, not an operator writing "on the supervisor's word".

These commands live with the incidents, not in ``controlroom.procedures``: they need
the shared write tail (``writes.CommandBase``), which itself carries the procedures
book, so the procedures package stays below both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ, Status
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.snapshots import ChecklistSnapshot, StepSnapshot
from controlroom.core.validation import clean_text, has_visible
from controlroom.incidents.records import find_incident
from controlroom.procedures.checklist import StepOutcome
from controlroom.procedures.records import checklist_of, checklist_row, new_checklist_row, snapshot_of
from controlroom.storage.models import ChecklistStepOutcome, Incident, IncidentEvent
from controlroom.writes import CommandBase, requires

MAX_REASON = 1000
SHORT_TEXT = 80  # how much of a step's text the timeline line quotes


async def start_checklist(
    owner: CommandBase, session: AsyncSession, incident: Incident, now: datetime, *, new: bool = False
) -> None:
    """Give the incident the checklist of its procedure, if one applies and it has none yet.

    Runs in the caller's transaction, after the incident row is flushed. The change is
    appended here (taking the feed lock a little earlier than the caller's own change):
    the checklist therefore comes just before its incident's change in the same diff.
    ``new``: the incident was made in this transaction, so it cannot have one yet (and a
    partner reporting it may start a checklist but never read one: PostgreSQL grants).
    """
    book = owner.procedures
    procedure = book.procedure_for(incident.category, incident.source)
    if procedure is None or (not new and await checklist_row(session, incident.id) is not None):
        return
    row = new_checklist_row(incident, procedure, book, owner.actor.name, now)
    session.add(row)
    said = f"Procedure: {procedure.title} ({book.version}) started"
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            at=now,
            actor=owner.actor.name,
            kind="procedure",
            detail={"text": said, "procedure": procedure.key, "version": book.version},
        )
    )
    await session.flush()
    snapshot = snapshot_of(row, incident.reported_at, ())
    detail = {
        "reference": incident.reference,
        "procedure": procedure.key,
        "version": book.version,
        "content_hash": procedure.content_hash,
    }
    await owner._audit(session, "procedure.start", "checklist", incident.id, detail, now)
    await owner._append_change(session, "checklist", incident.id, snapshot.to_json(), now)


class StepCommands(CommandBase):
    """Marking an incident's checklist steps done, or skipping them with a reason."""

    @requires("procedure.step")
    async def mark_step(
        self, reference: str, number: str | int, *, answer: str | None = None
    ) -> ChecklistSnapshot:
        """Record step ``number`` ("3", "4a") done; a step asking a question needs ``answer`` yes/no."""
        wanted = _number(number)
        said_answer = _answer(answer) if answer is not None else None
        now = self.clock()
        with _raced(wanted):
            async with self.db.write() as session:
                incident, checklist = await self._open_checklist(session, reference)
                step = self._step_to_record(incident, checklist, wanted)
                if step.question is not None and said_answer is None:
                    raise ValidationError(
                        f"step {step.number} asks: {step.question} — answer it: --answer yes or --answer no"
                    )
                if step.question is None and said_answer is not None:
                    raise ValidationError(
                        f"step {step.number} asks no question, so it takes no answer; "
                        "mark it done without one"
                    )
                outcome = StepOutcome(step.number, "done", self.actor.name, now, answer=said_answer)
                answered = f" (answer: {said_answer})" if said_answer else ""
                said = f"Step {step.number} done{answered}: {_short(step.text)} — by {self.actor.name}"
                return await self._record(session, incident, outcome, said)

    @requires("procedure.step")
    async def skip_step(self, reference: str, number: str | int, reason: str) -> ChecklistSnapshot:
        """Record step ``number`` skipped, with why; a skipped question's branches are not applicable."""
        wanted = _number(number)
        why = _reason(reason)
        now = self.clock()
        with _raced(wanted):
            async with self.db.write() as session:
                incident, checklist = await self._open_checklist(session, reference)
                step = self._step_to_record(incident, checklist, wanted)
                outcome = StepOutcome(step.number, "skipped", self.actor.name, now, reason=why)
                said = (
                    f"Step {step.number} skipped: {_short(step.text)} — by {self.actor.name}, because: {why}"
                )
                return await self._record(session, incident, outcome, said)

    async def _open_checklist(
        self, session: AsyncSession, reference: str
    ) -> tuple[Incident, ChecklistSnapshot]:
        incident = await find_incident(session, reference)
        checklist = await checklist_of(session, incident)
        if checklist is None:
            raise ValidationError(
                f"{incident.reference} has no checklist: no procedure is for its category or source"
            )
        if incident.status == Status.CLOSED.value:
            raise ValidationError(
                f"{incident.reference} is closed, so its steps can no longer be marked; reopen it first"
            )
        return incident, checklist

    def _step_to_record(self, incident: Incident, checklist: ChecklistSnapshot, number: str) -> StepSnapshot:
        step = checklist.step(number)
        if step is None:
            numbers = ", ".join(s.number for s in checklist.steps if s.applicable or s.state == "conditional")
            raise ValidationError(
                f"{incident.reference} has no step {number!r}; its checklist's steps are: {numbers}"
            )
        if step.state in ("done", "skipped"):
            when = step.at.astimezone(LOCAL_TZ).strftime("%H:%M") if step.at else "earlier"
            raise ValidationError(f"step {step.number} was already {step.state} by {step.by} at {when}")
        if step.state == "conditional":
            parent = checklist.step(step.branch_of or "")
            asked = f" ({parent.question})" if parent is not None and parent.question else ""
            raise ValidationError(
                f"step {step.number} depends on the answer to step {step.branch_of}{asked}; "
                f"mark step {step.branch_of} done with --answer yes or no first"
            )
        if step.state == "not_applicable":
            raise ValidationError(
                f"step {step.number} is not applicable: it belongs to the '{step.branch}' branch of step "
                f"{step.branch_of}, which was not taken"
            )
        if step.who == "supervisor" and self.actor.role not in (None, "supervisor"):
            raise NotPermittedError(
                f"step {step.number} is a supervisor's step ({_short(step.text)}): a supervisor marks it "
                "on their own login, so the record shows whose decision it was"
            )
        return step

    async def _record(
        self, session: AsyncSession, incident: Incident, outcome: StepOutcome, said: str
    ) -> ChecklistSnapshot:
        session.add(
            ChecklistStepOutcome(
                incident_id=incident.id,
                step_number=outcome.number,
                outcome=outcome.outcome,
                answer=outcome.answer,
                reason=outcome.reason,
                actor=outcome.actor,
                at=outcome.at,
            )
        )
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                at=outcome.at,
                actor=self.actor.name,
                kind="step",
                detail={"text": said, "step": outcome.number, "outcome": outcome.outcome},
            )
        )
        checklist = await checklist_of(session, incident)
        assert checklist is not None  # noqa: S101 - checked by _open_checklist in this transaction
        detail = {
            "reference": incident.reference,
            "step": outcome.number,
            "outcome": outcome.outcome,
            "answer": outcome.answer,
            "reason": outcome.reason or None,
        }
        await self._finish(
            session, "procedure.step", "checklist", incident.id, detail, checklist.to_json(), outcome.at
        )
        return checklist


@contextlib.contextmanager
def _raced(number: str) -> Iterator[None]:
    """Two consoles recording the same step at once (PostgreSQL): the unique key keeps the first."""
    try:
        yield
    except IntegrityError as exc:
        if "uq_checklist_step_outcome" not in str(exc.orig) and "step_number" not in str(exc.orig):
            raise
        raise ValidationError(
            f"step {number} was recorded from another console a moment ago; nothing was recorded — "
            "`incident steps` shows who did it"
        ) from None


def _number(number: str | int) -> str:
    text = str(number).strip().lower()
    if not text:
        raise ValidationError("give the step's number, such as 3 or 4a (`incident steps REF` lists them)")
    return text


def _answer(answer: str) -> str:
    said = answer.strip().lower()
    if said in ("y", "yes"):
        return "yes"
    if said in ("n", "no"):
        return "no"
    raise ValidationError(f"answer {answer!r} is not yes or no; give --answer yes or --answer no")


def _reason(reason: str | None) -> str:
    if reason is None or not has_visible(reason):
        raise ValidationError(
            "a skipped step needs a reason: say why it was not done (for example "
            "'venue closed, no CCTV there'); nothing was recorded"
        )
    return clean_text(reason, "reason for skipping", MAX_REASON)


def _short(text: str) -> str:
    """The step's words up to ``SHORT_TEXT`` characters, cut at a word, with an ellipsis if cut."""
    if len(text) <= SHORT_TEXT:
        return text
    cut = text[: SHORT_TEXT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


__all__ = ["StepCommands", "start_checklist"]
