"""Errors meant for people: each says what is wrong and what would be right."""

from __future__ import annotations


class ControlroomError(Exception):
    """Base of every error the command line and window show to a person."""

    exit_code = 1


class ValidationError(ControlroomError):
    """Input that cannot be accepted; nothing has been written (CLI exit code 2)."""

    exit_code = 2


class DatabaseUnavailableError(ControlroomError):
    """The database cannot be reached; the message names the (masked) URL."""

    exit_code = 2


class SchemaOutOfDateError(ControlroomError):
    """The database schema is older than this program (run ``controlroom db upgrade``)."""

    exit_code = 2


class StaleVersionError(ControlroomError):
    """A save based on an old version: someone else changed the record first (CLI exit 3).

    ``current`` carries the record as it is now, so the operator can see what the
    other console changed and choose.
    """

    exit_code = 3

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message)
        self.current = current


class NotPermittedError(ControlroomError):
    """The logged-in user's role may not do this; nothing has been written (CLI exit 4)."""

    exit_code = 4


class AuthenticationError(ControlroomError):
    """Wrong name or password, a disabled or locked-out account (CLI exit 5)."""

    exit_code = 5
