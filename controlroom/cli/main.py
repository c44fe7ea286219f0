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
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from controlroom.cli import (
    activity,
    admin,
    cameras,
    config,
    decisions,
    dispersal,
    flags,
    footage,
    geo,
    handover,
    incidents,
    paperwork,
    patrols,
    persons,
    reports,
    search,
    simulate,
    trends,
    watch,
)
from controlroom.cli import arguments as types
from controlroom.cli.registry import Access, Command, add_commands
from controlroom.cli.session import Frontend, Invocation
from controlroom.core.errors import ControlroomError, DatabaseUnavailableError, ValidationError

__all__ = ["COMMANDS", "Frontend", "build_parser", "check_text_arguments", "main"]

# Exit codes beyond a command's own (README, "Exit codes"): a database that cannot be used
# as it is exits like bad input, with the sentence naming what to do.
EXIT_DATABASE = 2
EXIT_UNEXPECTED = 1
EXIT_READER_GONE = 141  # 128 + SIGPIPE, what a shell reports for `yes | head -1`
ERROR_LOG = "errors.log"


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
    *cameras.COMMANDS,
    *footage.COMMANDS,
    *handover.COMMANDS,
    *decisions.COMMANDS,
    *activity.COMMANDS,
    *geo.COMMANDS,
    *flags.COMMANDS,
    *dispersal.COMMANDS,
    *persons.COMMANDS,
    *search.COMMANDS,
    *paperwork.COMMANDS,
    *reports.COMMANDS,
    *watch.COMMANDS,
    *trends.COMMANDS,
    *simulate.COMMANDS,
    *admin.COMMANDS,
    *config.COMMANDS,
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
    """Entry point; returns the exit code (see README, "Exit codes").

    Nothing reaches a person as a traceback: errors meant for people print their
    sentence; a database or operating-system failure is named by
    ``controlroom.storage.failures`` (exit 2); anything else prints one sentence and
    where its traceback was written (exit 1). A reader that goes away (``| head``)
    ends the command quietly.
    """
    raw = list(sys.argv[1:] if argv is None else argv)
    url: str | None = None
    name = "controlroom"
    try:
        check_text_arguments(raw)
        args = build_parser().parse_args(raw)
        command: Command = args.run_command
        name = command.name
        from controlroom.config import Settings, resolve_db_url

        settings = Settings.load()
        url = resolve_db_url(args.db)
        if args.user:  # the window's commands log in through the same variable
            os.environ["CONTROLROOM_USER"] = args.user
        if command.handler is None or command.needs is None:  # a group's parser requires an action
            raise ValidationError(f"{command.name}: say which action")
        code = command.handler(Invocation(command.name, command.needs, args, url, settings, frontend))
        sys.stdout.flush()  # a closed pipe is found here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except ControlroomError as exc:
        return _report(_sentence(exc, url), exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place every other failure becomes a sentence
        return _unexpected(exc, url, name)


def check_text_arguments(argv: Sequence[str]) -> None:
    """Refuse an argument that is not UTF-8 text, naming it (before argparse echoes it).

    Python hands undecodable bytes on to us as lone surrogates (PEP 383); stored or
    printed, they fail far from where they came in.
    """
    for index, arg in enumerate(argv):
        if not any("\udc80" <= ch <= "\udcff" for ch in arg):
            continue
        raw = arg.encode("utf-8", "surrogateescape")
        if arg.startswith("--") and "=" in arg:
            which = f"the value of {arg.split('=', 1)[0]}"
        elif index > 0 and argv[index - 1].startswith("-") and len(argv[index - 1]) > 1:
            which = f"the value of {argv[index - 1]}"
        else:
            which = f"argument {index + 1}"
        raise ValidationError(
            f"{which} is not UTF-8 text ({raw!r}); nothing was done. Type it again in a UTF-8 "
            "terminal, or convert it first (e.g. iconv -f latin1 -t utf-8)"
        )


def _sentence(exc: ControlroomError, url: str | None) -> str:
    """The error's own words, or the failure beneath an unreachable database if it is known."""
    if isinstance(exc, DatabaseUnavailableError):
        from controlroom.storage.failures import FailureKind, diagnose

        failure = diagnose(exc, url)
        if failure is not None and failure.kind is not FailureKind.UNREACHABLE:
            return failure.for_command_line()
    return str(exc)


def _report(sentence: str, code: int) -> int:
    with contextlib.suppress(OSError):
        print(f"controlroom: error: {sentence}", file=sys.stderr)
    return code


def _reader_gone() -> int:
    """The reader of our output went away (``| head -1``): stop quietly, like ``yes | head``.

    Standard output is pointed at /dev/null so the interpreter's final flush of what is
    still buffered cannot complain about the broken pipe on the way out.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_READER_GONE


def _unexpected(exc: Exception, url: str | None, name: str) -> int:
    from controlroom.storage.failures import diagnose

    failure = diagnose(exc, url)
    if failure is not None:
        return _report(failure.for_command_line(), EXIT_DATABASE)
    where = _save_traceback(exc, name)
    reason = str(exc).splitlines()[0] if str(exc).strip() else "no message"
    password = _password(url)
    if password:  # drivers sometimes echo the URL back
        reason = reason.replace(password, "***")
    return _report(
        f"the command stopped on an unexpected {type(exc).__name__} ({reason}); {where}. "
        "Please pass that file on to whoever looks after this installation",
        EXIT_UNEXPECTED,
    )


def _save_traceback(exc: BaseException, name: str) -> str:
    """Append the traceback to ``errors.log`` in the data directory (else the temp directory).

    The command's name heads the entry, never its arguments: they can hold personal data.
    """
    import tempfile
    import traceback
    from datetime import UTC, datetime

    from controlroom.config import data_dir

    text = "".join(traceback.format_exception(exc))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    entry = f"--- {stamp} pid {os.getpid()} command {name}\n{text}\n"
    problems = []
    for folder in (data_dir(), Path(tempfile.gettempdir())):
        path = folder / ERROR_LOG
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
                log.write(entry)
        except OSError as problem:
            problems.append(f"{path}: {problem.strerror or problem}")
            continue
        return f"the full traceback is in {path}"
    return "its traceback could not be saved (" + "; ".join(problems) + ")"


def _password(url: str | None) -> str | None:
    if not url:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password
    except ArgumentError:
        return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
