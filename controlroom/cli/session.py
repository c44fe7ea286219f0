"""One run of a command: the database, who is logged in, and the check of what they need.

``Invocation.in_session`` is the one way a command reaches the database as a user:
it brings the schema up to date (SQLite) or checks it (PostgreSQL), logs the user in,
refuses what the command declares it needs if the role lacks it — before the command
reads or writes anything — and on PostgreSQL switches to the user's own database login
so the database enforces the role as well. ``in_database`` is for the few commands
declared ``Access.NO_LOGIN``.

The GUI entry points come in through ``Frontend`` from ``ui.cli``, so this package —
like the rest of the core — never imports Qt.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from controlroom.core.errors import AuthenticationError, ValidationError
from controlroom.core.roles import Actor

if TYPE_CHECKING:
    from controlroom.commands import Commands
    from controlroom.config import Settings
    from controlroom.paperwork.render import RenderedDocument
    from controlroom.storage.database import Database
    from controlroom.writes import CommandContext

T = TypeVar("T")
# Rendered paperwork -> an A4 PDF at a path (written atomically); returns the page count.
PdfWriter = Callable[[Sequence["RenderedDocument"], str], int]


class Access(enum.Enum):
    """What a command needs when it is not role actions (see ``controlroom.cli.registry``)."""

    ANY_USER = "any logged-in user"
    NO_LOGIN = "no login"
    WINDOW = "the window's own login"


# Role actions (every one needed), or one of the ``Access`` kinds.
Needs = tuple[str, ...] | Access


@dataclass(frozen=True)
class Frontend:
    """GUI entry points the Qt front end plugs in; absent in a headless install."""

    run: Callable[[str, Settings], int]
    screenshot: Callable[[str, Settings, str, tuple[int, int]], int]
    write_pdf: PdfWriter | None = None


@dataclass
class Session:
    """A logged-in user's connection, for one command."""

    db: Database
    actor: Actor
    settings: Settings

    @cached_property
    def context(self) -> CommandContext:
        """What a feature's command object needs (for commands that use one feature)."""
        from controlroom.writes import CommandContext

        return CommandContext(db=self.db, actor=self.actor, reference_prefix=self.settings.reference_prefix)

    @cached_property
    def commands(self) -> Commands:
        """Every feature's commands (imports them all: for commands that span features)."""
        from controlroom.commands import Commands

        return Commands(self.db, self.actor, reference_prefix=self.settings.reference_prefix)


SessionWork = Callable[[Session, argparse.Namespace], Awaitable[T]]


@dataclass
class Invocation:
    """The parsed command line of one run, and how to reach the database for it."""

    name: str
    needs: Needs
    args: argparse.Namespace
    url: str
    settings: Settings
    frontend: Frontend | None = field(default=None)

    def in_session(self, work: SessionWork[T]) -> T:
        """Run ``work`` as the logged-in user, once the command's needs are checked."""
        return asyncio.run(self._session(work))

    def in_database(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """Run ``work`` without a login; only for commands declared ``Access.NO_LOGIN``."""
        if self.needs is not Access.NO_LOGIN:
            raise TypeError(f"{self.name!r} declares a login; use in_session")
        return asyncio.run(self._database(work))

    async def _database(self, work: Callable[[Database], Awaitable[T]]) -> T:
        from controlroom.storage.database import Database

        db = Database(self.url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    async def _session(self, work: SessionWork[T]) -> T:
        from controlroom.storage.database import Database
        from controlroom.storage.migrate import ensure_schema

        needs = self.needs
        if not isinstance(needs, tuple) and needs is not Access.ANY_USER:
            raise TypeError(f"{self.name!r} declares {needs}; it cannot run in a session")
        db = Database(self.url)
        try:
            await ensure_schema(db)
            actor, password = await login(db, self.args.user)
            for action in needs if isinstance(needs, tuple) else ():
                actor.require_role(action)
            db = await _own_database(db, actor, password)
            return await work(Session(db, actor, self.settings), self.args)
        finally:
            await db.dispose()


async def _own_database(db: Database, actor: Actor, password: str | None) -> Database:
    # On PostgreSQL the database enforces the user's role too: work through their own login.
    from controlroom.users.accounts import own_database

    own = own_database(db, actor, password)
    if own is not db:
        await db.dispose()
    return own


def in_session(work: SessionWork[int]) -> Callable[[Invocation], int]:
    """A handler that runs ``work`` as the logged-in user (the usual kind)."""

    def handler(call: Invocation) -> int:
        return call.in_session(work)

    handler.__name__ = handler.__qualname__ = getattr(work, "__name__", "handler")
    return handler


async def login(db: Database, name: str | None, where: str = "command line") -> tuple[Actor, str | None]:
    """Who runs this command: the open set-up actor, or a user proved by password.

    Returns the actor and the password (needed on PostgreSQL to connect as the user).
    """
    from controlroom.users.accounts import authenticate, has_users
    from controlroom.writes import placeholder_actor

    if not await has_users(db):
        return placeholder_actor(), None
    name = name or os.environ.get("CONTROLROOM_USER")
    if not name:
        raise AuthenticationError(
            "this database has users: log in with --user NAME (or CONTROLROOM_USER) and give the "
            "password at the prompt or in CONTROLROOM_PASSWORD"
        )
    password = os.environ.get("CONTROLROOM_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationError(
                f"a password is needed for {name!r}: run at a terminal, or set CONTROLROOM_PASSWORD"
            )
        password = getpass.getpass(f"password for {name}: ")
    return await authenticate(db, name, password, where=where), password


def new_password(args: argparse.Namespace) -> str:
    """A new password from ``--password-stdin`` or asked twice at the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValidationError("give the new password at a terminal, or pipe it in with --password-stdin")
    first = getpass.getpass(f"new password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise ValidationError("the two passwords differ; nothing was changed")
    return first
