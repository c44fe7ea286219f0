"""A decision as typed, checked field by field, and a stored decision as a snapshot.

The National Decision Model has five stages: gather information and intelligence; assess
the threat and risk and develop a working strategy; consider powers and policy; identify
options and contingencies; take action and review what happened. A decision log entry
records each. Five parts are **required** (each must hold a character someone can see):
the subject, the information it rests on, the assessment, the decision and its rationale —
without the information and assessment a decision cannot be explained months later, which
is what the log is for (College of Policing, APP "National Decision Model"). Powers and
policy, and the options considered, may be left blank: many operational decisions (where
to send a patrol) engage no particular power and had no real alternative.

Every refusal is a ``DecisionInputError`` naming the field it is about (``field``), so the
window can put the core's sentence beside that field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DecisionLink, DecisionSnapshot
from controlroom.core.validation import describe as describe_character
from controlroom.core.validation import has_visible
from controlroom.storage.models import Decision, DecisionTarget

SUBJECT_LIMIT = 200
TEXT_LIMIT = 4000
LINKS_LIMIT = 20
# A decision log is written at the time (or as soon as practicable): a night further back
# than this is a slip of the date, or a matter for a statement, not for tonight's log.
NIGHTS_BACK = 31

# (field, what it is called in a sentence, required)
FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("subject", "subject (what was decided, in a line)", True),
    ("information", "information and intelligence", True),
    ("assessment", "threat and risk assessment", True),
    ("powers_policy", "powers and policy", False),
    ("options", "options considered", False),
    ("decision", "decision", True),
    ("rationale", "rationale", True),
)
_HINTS = {
    "subject": "say in a line what was decided",
    "information": "say what was known, and from where, when the decision was made",
    "assessment": "say what the threat and risk were judged to be",
    "decision": "say what was decided",
    "rationale": "say why, against the options",
}


class DecisionInputError(ValidationError):
    """A refused decision: ``field`` names the ``NewDecision`` field the sentence is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A decision as typed. Links by incident reference, zone id, direction id or night date."""

    subject: str
    decision: str
    rationale: str
    information: str = ""
    assessment: str = ""
    powers_policy: str = ""
    options: str = ""
    incidents: tuple[str, ...] = ()
    zones: tuple[int, ...] = ()
    directions: tuple[int, ...] = ()
    nights: tuple[date, ...] = ()
    revises: str | None = None


def checked_text(new: NewDecision) -> dict[str, str]:
    """Every NDM field trimmed, or the first refusal (required blank, invisible, too long)."""
    out: dict[str, str] = {}
    for name, what, required in FIELDS:
        text = (getattr(new, name) or "").strip()
        limit = SUBJECT_LIMIT if name == "subject" else TEXT_LIMIT
        if required and not text:
            raise DecisionInputError(name, f"the {what} is empty; {_HINTS[name]} (the decision log needs it)")
        if text and not has_visible(text):
            raise DecisionInputError(
                name,
                f"the {what} shows nothing: it has only invisible characters such as "
                f"{describe_character(text[0])}; type words that can be read",
            )
        if len(text) > limit:
            raise DecisionInputError(name, f"the {what} is {len(text)} characters long; the limit is {limit}")
        if name == "subject" and "\n" in text:
            raise DecisionInputError(name, "the subject is one line; put the detail in the other parts")
        out[name] = text
    count = len(new.incidents) + len(new.zones) + len(new.directions) + len(new.nights)
    if count > LINKS_LIMIT:
        raise DecisionInputError(
            "incidents", f"{count} links; link at most {LINKS_LIMIT} records (or the whole night)"
        )
    return out


def decision_reference(year: int, number: int) -> str:
    """``D-2026-0001``: numbered per year of the operational night, sortable, speakable."""
    return f"D-{year}-{number:04d}"


def normal_reference(text: str) -> str:
    return (text or "").strip().upper()


def snapshot_of(
    row: Decision,
    links: Iterable[DecisionTarget],
    references: dict[int, str],
    revised_by: Sequence[str] = (),
    version: int = 1,
) -> DecisionSnapshot:
    """A stored decision as the consoles see it; ``references`` maps ids to references (for revises)."""
    return DecisionSnapshot(
        id=row.id,
        reference=row.reference,
        night=row.night,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        role=row.role,
        subject=row.subject,
        information=row.information,
        assessment=row.assessment,
        powers_policy=row.powers_policy,
        options=row.options,
        decision=row.decision,
        rationale=row.rationale,
        links=tuple(
            DecisionLink(link.kind, link.target_id, link.label) for link in sorted(links, key=lambda x: x.id)
        ),
        revises_id=row.revises_id,
        revises_reference=references.get(row.revises_id) if row.revises_id is not None else None,
        revised_by=tuple(revised_by),
        version=version,
    )


__all__ = [
    "FIELDS",
    "LINKS_LIMIT",
    "NIGHTS_BACK",
    "SUBJECT_LIMIT",
    "TEXT_LIMIT",
    "DecisionInputError",
    "NewDecision",
    "checked_text",
    "decision_reference",
    "normal_reference",
    "snapshot_of",
]
