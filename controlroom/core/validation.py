"""Checking what people typed: each refusal says what is wrong and what would be right."""

from __future__ import annotations

from typing import Any

from controlroom.core.errors import ValidationError


def parse_choice(enum_type: Any, text: str, what: str) -> Any:
    """Parse an enum value or raise an error listing the valid ones."""
    try:
        return enum_type.parse(text)
    except ValueError:
        valid = ", ".join(enum_type.choices())
        raise ValidationError(f"unknown {what} {text!r}; choose one of: {valid}") from None


def parse_grade(grade: int | None) -> int | None:
    if grade is not None and grade not in (1, 2, 3, 4):
        raise ValidationError(f"grade {grade!r} is not valid; use 1, 2, 3 or 4")
    return grade


def clean_text(value: str | None, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"the {what} is empty; say briefly what happened or where")
    if len(text) > limit:
        raise ValidationError(f"the {what} is {len(text)} characters long; the limit is {limit}")
    return text
