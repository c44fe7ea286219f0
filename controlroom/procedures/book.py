"""The procedures file: which steps each kind of incident calls for, read and checked once.

A force keeps its procedures in ``procedures.toml`` in the config directory
(``CONTROLROOM_HOME/config`` or the platform's); without one, the shipped
``default_procedures.toml`` beside this module is used. The file is data::

    force = "Example Constabulary"
    version = "2026.1"                 # the version label each checklist records
    guidance = ["where the steps come from", ...]

    [[procedure]]                      # first match in file order wins (see ``procedure_for``)
    key = "suspected_spiking"
    title = "Suspected spiking"
    categories = ["suspected_spiking"] # and/or sources = ["ask_for_angela"]
    guidance = ["..."]                 # optional: this procedure's own sources

    [[procedure.step]]
    text = "Send St John / ambulance to the person"
    who = "operator"                   # or "supervisor"
    within_minutes = 5                 # optional: 1..720, counted from the incident's report
    question = "Is the person under 18?"            # optional yes/no question, answered when done;
    if_yes = [{ text = "...", who = "operator" }]    # its branches become steps 4a, 4b …
    if_no = [{ text = "...", who = "operator" }]

**Which procedure applies.** One checklist per incident: the *first* procedure in the
file whose ``categories`` hold the incident's category or whose ``sources`` hold its
source. Order the file by precedence — the shipped file puts the urgent evidential
ones (spiking, sexual offence) before Ask for Angela, so a spiking reported through an
Angela activation gets the spiking steps (whose samples and medical help cannot wait).

**A bad file is not fatal.** ``load_book`` checks the whole file; the first thing wrong
is reported as ``<file>:<line>: what is wrong; what would be right`` in
``ProcedureBook.warning`` and the shipped defaults are used instead, so a typing
mistake in a force's file never stops the control room. The command line prints the
warning on stderr; the window shows it; ``controlroom config check`` exits 2 on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controlroom.config import config_dir
from controlroom.core.domain import Category, Source
from controlroom.core.validation import has_visible

DEFAULT_FILE = Path(__file__).resolve().parent / "default_procedures.toml"
FILE_NAME = "procedures.toml"
MAX_MINUTES = 720  # a night: a limit beyond 12 hours is no limit a control room can watch
MAX_TEXT = 500
MAX_TITLE = 200
WHO = ("operator", "supervisor")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

_TOP_KEYS = ("force", "version", "guidance", "procedure")
_PROCEDURE_KEYS = ("key", "title", "categories", "sources", "guidance", "step")
_STEP_KEYS = ("text", "who", "within_minutes", "question", "if_yes", "if_no")
_BRANCH_KEYS = ("text", "who", "within_minutes")


class ProcedureFileError(ValueError):
    """A procedures file that cannot be used: ``str()`` is ``path:line: what; what would be right``."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """One step as the file gives it; branch steps (``if_yes``/``if_no``) have no branches."""

    text: str
    who: str
    within_minutes: int | None = None
    question: str | None = None
    if_yes: tuple[StepDefinition, ...] = ()
    if_no: tuple[StepDefinition, ...] = ()


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure: the kinds of incident it is for, and its ordered steps."""

    key: str
    title: str
    categories: frozenset[str]
    sources: frozenset[str]
    steps: tuple[StepDefinition, ...]
    guidance: tuple[str, ...] = ()

    def frozen_steps(self) -> list[dict[str, Any]]:
        """The steps numbered as the checklist shows them ("4", then "4a", "4b" …), as stored JSON.

        The yes-branch's steps are lettered first, then the no-branch's, so every number
        is unique in the checklist whichever way the question is answered.
        """
        frozen: list[dict[str, Any]] = []
        for index, step in enumerate(self.steps, start=1):
            number = str(index)
            frozen.append(_frozen(step, number, question=step.question))
            letters = iter(_LETTERS)
            for branch, steps in (("yes", step.if_yes), ("no", step.if_no)):
                for sub in steps:
                    frozen.append(_frozen(sub, number + next(letters), branch_of=number, branch=branch))
        return frozen

    @property
    def content_hash(self) -> str:
        """SHA-256 of what the checklist copies: the same procedure text gives the same hash."""
        content = {
            "key": self.key,
            "title": self.title,
            "categories": sorted(self.categories),
            "sources": sorted(self.sources),
            "steps": self.frozen_steps(),
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _frozen(
    step: StepDefinition,
    number: str,
    *,
    question: str | None = None,
    branch_of: str | None = None,
    branch: str | None = None,
) -> dict[str, Any]:
    return {
        "number": number,
        "text": step.text,
        "who": step.who,
        "within_minutes": step.within_minutes,
        "question": question,
        "branch_of": branch_of,
        "branch": branch,
    }


@dataclass(frozen=True, slots=True)
class ProcedureBook:
    """The procedures in force: the file read (or the shipped defaults) and why, if it fell back."""

    force: str
    version: str
    guidance: tuple[str, ...]
    procedures: tuple[Procedure, ...]
    path: Path
    # Set when the force's file could not be used: what was wrong, and that defaults are in use.
    warning: str | None = None

    def procedure_for(self, category: str, source: str) -> Procedure | None:
        """The first procedure (file order) for this category or this source, if any."""
        for procedure in self.procedures:
            if category in procedure.categories or source in procedure.sources:
                return procedure
        return None

    def kinds_covered(self) -> set[str]:
        """Every category and source some procedure is for."""
        covered: set[str] = set()
        for procedure in self.procedures:
            covered |= procedure.categories | procedure.sources
        return covered


# -- where the file is, and reading it --------------------------------------------------


def procedures_path() -> Path:
    """The force's file in the config directory (which may not exist)."""
    return config_dir() / FILE_NAME


def load_book(path: Path | None = None) -> ProcedureBook:
    """The procedures in ``path`` (default: the config directory's file, else the shipped one).

    Never raises for a bad file: the shipped defaults are returned with ``warning`` set.
    """
    path = path if path is not None else procedures_path()
    if not path.exists():
        return read_book(DEFAULT_FILE)
    try:
        return read_book(path)
    except ProcedureFileError as bad:
        return _with_warning(read_book(DEFAULT_FILE), f"{bad} — the shipped procedures are in use instead")
    except OSError as exc:
        message = (
            f"{path}: cannot be read ({exc.strerror or exc}) — the shipped procedures are in use instead"
        )
        return _with_warning(read_book(DEFAULT_FILE), message)


@functools.lru_cache(maxsize=8)
def _loaded(path: Path) -> ProcedureBook:
    return load_book(path)


def current_book() -> ProcedureBook:
    """This process's procedures: the config directory's file read once, else the shipped defaults.

    Read once per process (per config directory): a file edited while the program runs
    takes effect at the next start, and incidents already started keep their steps anyway.
    """
    return _loaded(procedures_path())


def _with_warning(book: ProcedureBook, warning: str) -> ProcedureBook:
    return ProcedureBook(book.force, book.version, book.guidance, book.procedures, book.path, warning)


def read_book(path: Path) -> ProcedureBook:
    """The procedures in ``path``, or ``ProcedureFileError`` naming the first thing wrong and its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProcedureFileError(
            path,
            data.count(b"\n", 0, exc.start) + 1,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ProcedureFileError(
            path, line, f"is not valid TOML ({_without_position(str(exc))}); fix the syntax on that line"
        ) from None
    return _Reader(path, text).book(raw)


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _without_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message).strip()


# -- checking the file ------------------------------------------------------------------

# Where a value is: ("procedure", 2, "step", 3, "if_yes", 1, "who") — indexes from 1.
Where = tuple[str | int, ...]


class _Reader:
    """Checks the parsed TOML against the format and finds the line of anything wrong."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, where: Where, message: str) -> ProcedureFileError:
        return ProcedureFileError(self.path, _locate(self.lines, where), message)

    def book(self, raw: dict[str, Any]) -> ProcedureBook:
        self._known_keys(raw, _TOP_KEYS, (), "the file's header")
        force = self._text(raw, "force", (), 'the force\'s name, such as force = "Example Constabulary"')
        version = self._text(raw, "version", (), 'a version label, such as version = "2026.1"')
        guidance = self._strings(raw, "guidance", (), required=True)
        tables = raw.get("procedure")
        if not isinstance(tables, list) or not tables:
            raise self.fail(
                (), "has no procedures; add at least one [[procedure]] table with its [[procedure.step]]s"
            )
        procedures: list[Procedure] = []
        seen: dict[str, int] = {}
        for index, table in enumerate(tables, start=1):
            procedure = self._procedure(table, ("procedure", index))
            if procedure.key in seen:
                raise self.fail(
                    ("procedure", index, "key"),
                    f"procedure key {procedure.key!r} is used twice (procedures {seen[procedure.key]} and "
                    f"{index}); give each procedure its own key",
                )
            seen[procedure.key] = index
            procedures.append(procedure)
        return ProcedureBook(force, version, guidance, tuple(procedures), self.path)

    def _procedure(self, table: Any, where: Where) -> Procedure:
        self._known_keys(table, _PROCEDURE_KEYS, where, "a [[procedure]]")
        key = table.get("key")
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise self.fail(
                (*where, "key"),
                f"procedure key {key!r} is not usable; give lower-case letters, digits and _ "
                'starting with a letter, such as key = "suspected_spiking"',
            )
        title = self._text(table, "title", where, 'a title, such as title = "Suspected spiking"', MAX_TITLE)
        categories = self._choices(table, "categories", where, Category)
        sources = self._choices(table, "sources", where, Source)
        if not categories and not sources:
            raise self.fail(
                where,
                f"procedure {key!r} is for no incident; give categories = [...] and/or sources = [...] "
                f"(categories: {', '.join(Category.choices())}; sources: {', '.join(Source.choices())})",
            )
        guidance = self._strings(table, "guidance", where, required=False)
        steps_raw = table.get("step")
        if not isinstance(steps_raw, list) or not steps_raw:
            raise self.fail(where, f"procedure {key!r} has no steps; add [[procedure.step]] tables after it")
        steps = tuple(self._step(s, (*where, "step", i)) for i, s in enumerate(steps_raw, start=1))
        return Procedure(key, title, frozenset(categories), frozenset(sources), steps, guidance)

    def _step(self, table: Any, where: Where, *, branch: bool = False) -> StepDefinition:
        keys = _BRANCH_KEYS if branch else _STEP_KEYS
        what = "a branch step (branches do not nest: no question here)" if branch else "a [[procedure.step]]"
        self._known_keys(table, keys, where, what)
        text = self._text(table, "text", where, 'what to do, such as text = "Secure the drink"')
        who = table.get("who")
        if who not in WHO:
            raise self.fail(
                (*where, "who"),
                f'who = {who!r} is not a role that does steps; give who = "operator" or "supervisor"',
            )
        minutes = table.get("within_minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES
        ):
            raise self.fail(
                (*where, "within_minutes"),
                f"within_minutes = {minutes!r} is not a time limit; give a whole number of minutes "
                f"from 1 to {MAX_MINUTES} (counted from the incident's report), or leave it out",
            )
        question = None
        if "question" in table:
            question = self._text(
                table, "question", where, 'a yes/no question, such as question = "Under 18?"'
            )
        branches: dict[str, tuple[StepDefinition, ...]] = {}
        for name in ("if_yes", "if_no"):
            if name not in table:
                branches[name] = ()
                continue
            if question is None:
                raise self.fail(
                    (*where, name), f'{name} needs a question on the same step; add question = "...?"'
                )
            items = table[name]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise self.fail(
                    (*where, name),
                    f"{name} must be a list of steps, such as "
                    f'{name} = [{{ text = "...", who = "operator" }}]',
                )
            branches[name] = tuple(
                self._step(item, (*where, name, i), branch=True) for i, item in enumerate(items, start=1)
            )
        if len(branches["if_yes"]) + len(branches["if_no"]) > len(_LETTERS):
            raise self.fail((*where, "if_yes"), f"a question may lead to at most {len(_LETTERS)} steps")
        return StepDefinition(text, who, minutes, question, branches["if_yes"], branches["if_no"])

    # -- values ---------------------------------------------------------------------

    def _known_keys(self, table: Any, allowed: Sequence[str], where: Where, what: str) -> None:
        if not isinstance(table, dict):
            raise self.fail(where, f"{what} must be a table of keys")
        for key in table:
            if key not in allowed:
                raise self.fail(
                    (*where, key), f"unknown key {key!r} in {what}; the keys there are: {', '.join(allowed)}"
                )

    def _text(
        self, table: dict[str, Any], key: str, where: Where, example: str, limit: int = MAX_TEXT
    ) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not has_visible(value):
            raise self.fail(
                (*where, key) if key in table else where, f"{key} is missing or empty; give {example}"
            )
        value = value.strip()
        if len(value) > limit:
            raise self.fail((*where, key), f"{key} is {len(value)} characters long; the limit is {limit}")
        return value

    def _strings(self, table: dict[str, Any], key: str, where: Where, *, required: bool) -> tuple[str, ...]:
        value = table.get(key, [] if not required else None)
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and has_visible(v) for v in value)
            or (required and not value)
        ):
            raise self.fail(
                (*where, key) if key in table else where,
                f"{key} must be a list of the sources followed, such as "
                f'{key} = ["NPCC guidance on spiking (2023)"]',
            )
        return tuple(v.strip() for v in value)

    def _choices(self, table: dict[str, Any], key: str, where: Where, enum: Any) -> list[str]:
        values = table.get(key, [])
        if not isinstance(values, list):
            raise self.fail((*where, key), f'{key} must be a list, such as {key} = ["{enum.choices()[0]}"]')
        for value in values:
            if value not in enum.choices():
                raise self.fail(
                    (*where, key),
                    f"unknown {key[:-1] if key != 'categories' else 'category'} {value!r}; "
                    f"use: {', '.join(enum.choices())}",
                )
        return [str(v) for v in values]


# -- finding the line -------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[\s*procedure(\s*\.\s*step)?\s*\]\]")


def _locate(lines: list[str], where: Where) -> int | None:
    """The 1-based line of ``where`` in the file text, as near as can be found.

    tomllib keeps no positions, so the text is scanned: the Nth ``[[procedure]]`` header,
    then its Mth ``[[procedure.step]]``, then the key's line inside that section; a
    branch step is the Kth ``{`` after its ``if_yes``/``if_no``. Failing a closer match,
    the section's header line is given.
    """
    start, end = _section(lines, where)
    if start is None:
        return None
    if where[:1] == ("procedure",) and where[2:3] == ("step",):
        tail = where[4:]
    elif where[:1] == ("procedure",):
        tail = where[2:]
    else:
        tail = where
    if not tail:
        return start + 1
    key = str(tail[0])
    found = _key_line(lines, start, end, key)
    if found is None:
        return start + 1
    if key in ("if_yes", "if_no") and len(tail) >= 2 and isinstance(tail[1], int):
        return _brace_line(lines, found, end, tail[1]) or found + 1
    return found + 1


def _section(lines: list[str], where: Where) -> tuple[int | None, int]:
    """(first line index, end index) of the header, a procedure, or one of its steps."""
    numbers = [p for p in where if isinstance(p, int)]
    procedure_at: list[int] = []
    steps_of: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            continue
        if match.group(1):
            steps_of.setdefault(len(procedure_at), []).append(index)
        else:
            procedure_at.append(index)
    if not numbers:
        return 0, procedure_at[0] if procedure_at else len(lines)
    p = numbers[0]
    if p > len(procedure_at):
        return None, len(lines)
    start = procedure_at[p - 1]
    end = procedure_at[p] if p < len(procedure_at) else len(lines)
    steps = steps_of.get(p, [])
    if len(numbers) == 1:
        return start, steps[0] if steps else end
    s = numbers[1]
    if s > len(steps):
        return start, end
    return steps[s - 1], steps[s] if s < len(steps) else end


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    table = re.compile(rf"^\s*\[+\s*procedure\s*\.\s*{re.escape(key)}\b")
    for index in range(start, end):
        if pattern.match(lines[index]) or table.match(lines[index]):
            return index
    return None


def _brace_line(lines: list[str], start: int, end: int, nth: int) -> int | None:
    seen = 0
    for index in range(start, end):
        seen += lines[index].count("{")
        if seen >= nth:
            return index + 1
    return None
