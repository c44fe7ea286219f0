"""The command line: a thin layer over the same core commands and change feed.

Every subcommand is declared once, with its parser, handler and the role action it
needs (``controlroom.cli.registry``); ``main`` parses, then runs the handler the parser
stored. The GUI subcommands (``run``, ``screenshot``) and the PDF writer are supplied by
the front end (``ui.cli``) through ``Frontend``, so this package — like the rest of the
core — never imports Qt, and every headless command works without it.

Start-up is paid per command: this module and the command modules import only the
standard library, argparse types and the core's vocabulary; each handler imports the
storage, features and libraries it uses (``controlroom report`` never loads networkx,
jinja2, the feed or Qt).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from controlroom.cli import admin, dispersal, flags, incidents, paperwork, patrols, persons, simulate, watch
from controlroom.cli import arguments as types
from controlroom.cli.registry import Access, Command, add_commands
from controlroom.cli.session import Frontend, Invocation
from controlroom.core.errors import ControlroomError, ValidationError

__all__ = ["COMMANDS", "Frontend", "build_parser", "main"]


def _window(call: Invocation) -> int:
    if call.frontend is None:
        raise ValidationError("this installation has no window; use the headless commands")
    return call.frontend.run(call.url, call.settings)


def _screenshot_arguments(shot: argparse.ArgumentParser) -> None:
    shot.add_argument("path", metavar="PATH")
    shot.add_argument("--size", type=types.size, default=(1600, 900), metavar="WxH")


def _screenshot(call: Invocation) -> int:
    if call.frontend is None:
        raise ValidationError("this installation has no window; use the headless commands")
    return call.frontend.screenshot(call.url, call.settings, call.args.path, call.args.size)


RUN = Command("run", "open the control-room window (the default)", _window, Access.WINDOW)

COMMANDS: tuple[Command, ...] = (
    RUN,
    *incidents.COMMANDS,
    *patrols.COMMANDS,
    *flags.COMMANDS,
    *dispersal.COMMANDS,
    *persons.COMMANDS,
    *paperwork.COMMANDS,
    *watch.COMMANDS,
    *simulate.COMMANDS,
    *admin.COMMANDS,
    Command(
        "screenshot",
        "save a PNG of the window once the map has drawn",
        _screenshot,
        Access.WINDOW,
        _screenshot_arguments,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="controlroom",
        description="Night-time-economy safety control room: live incidents, venues and safe spaces.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: CONTROLROOM_DB_URL, "
        "else an embedded SQLite file in the user data directory)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="log in as NAME (default: CONTROLROOM_USER); the password is asked for, "
        "or taken from CONTROLROOM_PASSWORD",
    )
    add_commands(parser, COMMANDS)
    parser.set_defaults(run_command=RUN)
    return parser


def main(argv: Sequence[str] | None = None, frontend: Frontend | None = None) -> int:
    """Entry point; returns the exit code (2 for usage and validation errors)."""
    args = build_parser().parse_args(argv)
    command: Command = args.run_command
    try:
        from controlroom.config import Settings, resolve_db_url

        settings = Settings.load()
        url = resolve_db_url(args.db)
        if args.user:  # the window's commands log in through the same variable
            os.environ["CONTROLROOM_USER"] = args.user
        if command.handler is None or command.needs is None:  # a group's parser requires an action
            raise ValidationError(f"{command.name}: say which action")
        return command.handler(Invocation(command.name, command.needs, args, url, settings, frontend))
    except ControlroomError as exc:
        print(f"controlroom: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
