"""One declaration per command: its parser, its handler and the role action it needs.

Each subcommand is a ``Command`` (Picard's ``set_defaults(run_command=...)`` pattern):
``add_commands`` builds its argparse parser and stores the object itself in the parsed
namespace as ``run_command``, so ``main`` runs ``args.run_command.handler`` and never
looks at a command's name. A command with actions (``zone authorise|withdraw|list``)
declares each action as a ``Command`` of its own, with its own handler and permission.

What a command needs is declared beside it, never found again elsewhere:

* a tuple of role actions from ``core.roles.PERMISSIONS`` — the user logs in and is
  refused (exit 4) unless their role holds every one, before anything is read or
  written; the core commands check every write again inside their transaction;
* ``Access.ANY_USER`` — any logged-in user (what they may do is the core's to check,
  e.g. ``user passwd`` for one's own password);
* ``Access.NO_LOGIN`` — nothing of the database's people or incidents is read: schema
  upgrades, the PostgreSQL gate login (run as the database owner), specimen paperwork;
* ``Access.WINDOW`` — the window asks for the login itself and gates each action by
  role (``run``, ``screenshot``).

Handlers import what they need inside themselves, so a start pays only for the
command it runs (``controlroom report`` never imports networkx, jinja2 or Qt).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from controlroom.cli.session import Access, Invocation, Needs
from controlroom.core.roles import PERMISSIONS

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
Handler = Callable[[Invocation], int]
Arguments = Callable[[argparse.ArgumentParser], None]

KNOWN_ACTIONS = frozenset().union(*PERMISSIONS.values())
__all__ = ["Access", "Command", "Handler", "add_commands", "walk"]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


@dataclass(frozen=True)
class Command:
    """One (sub)command: how it is parsed, what runs it, and what the user needs for it.

    A group (``zone``) has ``actions`` and no handler of its own; ``flags`` has both:
    its own listing, and ``clear``/``convert`` as optional actions.
    """

    name: str
    help: str
    handler: Handler | None = None
    needs: Needs | None = None
    arguments: Arguments = _no_arguments
    actions: tuple[Command, ...] = ()
    action_dest: str = ""
    action_metavar: str = "ACTION"
    description: str | None = None

    def __post_init__(self) -> None:
        if (self.handler is None) != (self.needs is None):
            raise TypeError(f"command {self.name!r}: a handler and what it needs are declared together")
        if self.handler is None and not self.actions:
            raise TypeError(f"command {self.name!r} has neither a handler nor actions")
        if isinstance(self.needs, tuple):
            unknown = [action for action in self.needs if action not in KNOWN_ACTIONS]
            if not self.needs or unknown:
                raise TypeError(f"command {self.name!r}: unknown role actions {unknown or '(none)'}")

    @property
    def actions_required(self) -> bool:
        return self.handler is None

    def register(self, sub: Subparsers) -> argparse.ArgumentParser:
        """Add this command's parser (and its actions') under ``sub``."""
        parser = sub.add_parser(self.name, help=self.help, description=self.description)
        self.arguments(parser)
        parser.set_defaults(run_command=self)
        if self.actions:
            nested = parser.add_subparsers(
                dest=self.action_dest or f"{self.name}_command",
                metavar=self.action_metavar,
                required=self.actions_required,
            )
            for action in self.actions:
                action.register(nested)
        return parser


def add_commands(parser: argparse.ArgumentParser, commands: tuple[Command, ...]) -> None:
    """Register every command under ``parser`` (``COMMAND`` is its first positional)."""
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands:
        command.register(sub)


def walk(
    commands: tuple[Command, ...], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command and action, depth first, with the words that invoke it."""
    for command in commands:
        here = (*path, command.name)
        yield here, command
        yield from walk(command.actions, here)
