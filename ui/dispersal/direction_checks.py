"""What the direction form checks before the core sees it: the form's own questions.

These are the form's own checks — a reason missing beside a "No", a capacity that
contradicts the officer's rank — said in the form's words. The law's refusals (48 hours,
under 10, plain clothes, a PCSO without designation, s.36, s.37, unanswered statutory
questions) stay in the core and reach the form exactly as the command line words them.
No Qt here, so each check is tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot

CONSTABLE, SPECIAL, PCSO = "constable", "special constable", "PCSO"
CAPACITIES = ((CONSTABLE, "Constable"), (SPECIAL, "Special constable"), (PCSO, "PCSO (designated)"))


def parse_person_number(text: str) -> int | None:
    """``""`` → None (a new person); ``"12"`` or ``"#12"`` → 12; anything else is refused."""
    digits = text.strip().removeprefix("#").strip()
    if not digits:
        return None
    if not digits.isdigit() or int(digits) == 0:
        raise ValidationError(
            f"Known person no.: {text.strip()!r} is not a person's number; type digits only "
            "(e.g. 12), or leave it empty for a new person described under Person"
        )
    return int(digits)


def plain_clothes_words() -> str:
    return (
        "A plain-clothes officer (a DC, a Project Vigilant pair) may not give a direction: "
        "s.35(1) needs a constable in uniform. The direction cannot be recorded."
    )


def picket_words() -> str:
    return (
        "Picket / procession: a direction may not be given to one of a group peacefully picketing "
        "or taking part in a notified public procession (s.36(4)); it cannot be recorded."
    )


def until_words(direction: DirectionSnapshot) -> str:
    """``Fri 4 Dec 22:15``: when a running direction ends, on the UK clock."""
    local = direction.exclusion_ends_at.astimezone(LOCAL_TZ)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def running_words(running: Sequence[DirectionSnapshot]) -> str:
    """The flag shown when the person chosen already has a direction still running."""
    return "\n".join(
        f"⚠ {d.reference} is still running until {until_words(d)}: this is a variation or a breach, "
        "not a fresh 48 hours. A further direction needs a supervisor and their reason."
        for d in running
    )


def check_capacity(
    officer: str, capacity: object, designation: str, in_uniform: bool | None
) -> tuple[str, str | None]:
    """(capacity, PCSO designation or None); refused if unchosen or contradicting the rank.

    Uniform and designation are the core's to refuse (s.35(1), s.40), in its words.
    """
    if capacity not in (CONSTABLE, SPECIAL, PCSO):
        raise ValidationError("Capacity: choose constable, special constable or PCSO (s.35(1), s.40)")
    rank_is_pcso = (officer.strip().split(" ", 1)[0].rstrip(".").lower()) == "pcso"
    if capacity == PCSO and not rank_is_pcso:
        raise ValidationError("Officer: write a PCSO's rank as PCSO, e.g. 'PCSO 7788 Lee Hart' (s.40)")
    if capacity != PCSO and rank_is_pcso:
        raise ValidationError(
            "Capacity: the officer is a PCSO; choose PCSO (designated) and give the designation"
        )
    if capacity == PCSO:
        return capacity, designation.strip() or None
    return str(capacity), None


def answered_notice(answer: bool | None, reason: str, field: str, section: str) -> tuple[bool, str | None]:
    """A yes/no the operator must answer; a "No" needs the reason it was not practicable."""
    if answer is None:
        raise ValidationError(f"{field}: answer Yes or No ({section})")
    if answer:
        return True, None
    if not reason.strip():
        raise ValidationError(f"{field}: say why it was not practicable ({section})")
    return False, reason.strip()


def split_items(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def check_surrender(
    items: Sequence[str], refused: Sequence[str], belief: str, in_writing: bool | None, reason: str
) -> tuple[bool | None, str | None]:
    """s.37: with items asked for, whether it was in writing and why not (the core refuses gaps)."""
    if not items and not refused:
        return None, None
    if in_writing is False:
        return False, reason.strip() or None
    return in_writing, None
