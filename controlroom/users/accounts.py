"""Users: who may log in, with which role, and how a login is checked.

Passwords are kept only as argon2id hashes (parameters and salt inside the hash).
Failed logins slow further tries down, per account and per console, rather than
locking anyone out (``users.throttle``); a disabled account cannot log in at all.
Every login, failure and refusal is an ``access`` entry in the audit trail (a typed
name cut to a bounded prefix), and every change to a user an ``alteration`` (DPA 2018 s.62).

A database with no users is **open** (set-up mode): the actor has no role and may
do anything, so a new installation can be set up. The first user must be an
administrator, which closes it — for good: the same transaction records the fact that
the database had users, and a database holding that fact but no users (rows deleted
outside the program) refuses every login instead of reopening set-up mode. Users are
never deleted, only disabled, so an audit entry always names someone who existed.

On PostgreSQL each user is also a login role of the database itself (see
``storage.pg_security``), provisioned here in the same transaction.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.chain import append_audit
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import AuthenticationError, ControlroomError, ValidationError
from controlroom.core.roles import ROLE_TITLES, ROLES, Actor
from controlroom.core.validation import user_name_characters
from controlroom.storage import pg_security
from controlroom.storage.database import Database
from controlroom.storage.facts import HAD_USERS, add_fact, read_fact
from controlroom.storage.models import ConsoleThrottle, User, UserVenue, Venue
from controlroom.users import throttle
from controlroom.venues.records import find_venue
from controlroom.writes import utcnow

MIN_PASSWORD = 12
MAX_PASSWORD = 256
# Lower case, so a name is the same login everywhere (the PostgreSQL role included).
# Matched whole (``fullmatch``): with ``match`` and ``$``, "op1\n" was accepted as a second "op1".
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
# Names that would collide with the database's own roles.
RESERVED = frozenset({"postgres", "public", "admin", "root", "controlroom"})

USERS_REMOVED = (
    "the users table was changed outside the program: this database has had users, but none is "
    "left, so it will not reopen in set-up mode (anyone could then act without a login). Restore "
    "the database from a backup taken before the change, or have the database administrator put "
    "the user rows back; the audit trail names every user who existed"
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name costs as long as a wrong
    password. Made on first use: hashing is deliberately slow, and most commands never need it."""
    return _hasher.hash("not a password of anyone's")


class UsersRemovedError(ControlroomError):
    """A database that had users has none: it refuses rather than reopening set-up mode (exit 2)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class UserSummary:
    """A user as ``user list`` and the administrator's screen show them (never the hash)."""

    name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    venues: tuple[str, ...]
    last_login_at: datetime | None


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (PHC string with parameters and salt)."""
    return _hasher.hash(password)


def check_name(name: str) -> str:
    user_name_characters(name)  # ASCII only, matched whole; names the first character that is not
    if not NAME_PATTERN.fullmatch(name) or name in RESERVED or name.startswith(("pg_", "controlroom_")):
        raise ValidationError(
            f"{name!r} is not a usable user name: use 2-40 lower-case letters, digits or _, "
            "starting with a letter (e.g. 'jsmith' or 'pastors_team2'), and not a reserved name"
        )
    return name


def check_password(password: str, name: str) -> str:
    """Refuse a password too short, too long, or containing the user name."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"the password is {len(password)} characters; use at least {MIN_PASSWORD} "
            "(a few unrelated words make a long password easy to remember)"
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"the password is longer than {MAX_PASSWORD} characters")
    if name.lower() in password.lower():
        raise ValidationError("the password must not contain the user name")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"{role!r} is not a role; use one of: {', '.join(ROLES)}")
    return role


async def has_users(db: Database) -> bool:
    """Whether the database has any user (if not, it is in open set-up mode).

    Raises ``UsersRemovedError`` if it once had users and has none now.
    """
    async with db.read() as conn:
        if (await conn.execute(select(func.count()).select_from(User))).scalar_one():
            return True
        if await read_fact(conn, HAD_USERS) is not None:
            raise UsersRemovedError(USERS_REMOVED)
    return False


class UserCommands:
    """Adding, disabling and re-enabling users and setting passwords, each audited."""

    def __init__(self, db: Database, actor: Actor, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.actor = actor
        self.clock = clock

    async def add_user(self, name: str, role: str, password: str, venues: Sequence[str] = ()) -> UserSummary:
        """A new user; a partner names the venues it speaks for. The first must be an administrator."""
        check_name(name)
        check_role(role)
        check_password(password, name)
        if role == "partner" and not venues:
            raise ValidationError(
                "a partner speaks for at least one venue or base: add --venue NAME "
                "(e.g. --venue 'Street Pastors base')"
            )
        if role != "partner" and venues:
            raise ValidationError("only a partner user has venues; drop --venue")
        now = self.clock()
        password_hash = hash_password(password)
        async with self.db.write() as session:
            first = not (await session.execute(select(func.count()).select_from(User))).scalar_one()
            if first and await read_fact(session, HAD_USERS) is not None:
                raise UsersRemovedError(USERS_REMOVED)
            if first and role != "administrator":
                raise ValidationError(
                    "the first user must be an administrator (who can then add the others): "
                    f"controlroom user add {name} --role administrator"
                )
            if not first:
                self.actor.require("user.add")
            if (await session.execute(select(User.id).where(User.name == name))).first():
                raise ValidationError(f"there is already a user called {name!r}")
            venue_ids = [(await find_venue(session, v)).id for v in venues]
            user = User(
                name=name,
                role=role,
                password_hash=password_hash,
                created_at=now,
                created_by=self.actor.name,
                password_changed_at=now,
            )
            session.add(user)
            await session.flush()
            if first:  # set-up mode ends here, for good
                await add_fact(session, HAD_USERS, "yes", at=now, by=self.actor.name)
            for venue_id in venue_ids:
                session.add(UserVenue(user_id=user.id, venue_id=venue_id))
            if not self.db.is_sqlite:
                await pg_security.create_login(session, name, role, password)
            await self._audit(
                session, "user.add", user.id, {"name": name, "role": role, "venues": len(venues)}
            )
        return UserSummary(name, role, False, None, tuple(venues), None)

    async def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (no more logins) or re-enable a user; a user cannot disable themself."""
        action = "user.disable" if disabled else "user.enable"
        self.actor.require(action)
        if disabled and name == self.actor.name:
            raise ValidationError("you cannot disable your own account; ask another administrator")
        async with self.db.write() as session:
            user = await _find(session, name)
            user.disabled = disabled
            if not disabled:
                user.failed_attempts, user.locked_until = 0, None
            if not self.db.is_sqlite:
                await pg_security.set_login_enabled(session, name, not disabled)
            await self._audit(session, action, user.id, {"name": name})

    async def set_password(self, name: str, password: str, *, current: str | None = None) -> None:
        """A new password: for oneself (with the current one) or, as administrator, for anyone."""
        check_password(password, name)
        own = name == self.actor.name
        if not own:
            self.actor.require("user.passwd")
        password_hash = hash_password(password)
        async with self.db.write() as session:
            user = await _find(session, name)
            if own and self.actor.role is not None and not _matches(user.password_hash, current or ""):
                raise AuthenticationError("the current password is not right; nothing was changed")
            user.password_hash = password_hash
            user.password_changed_at = self.clock()
            user.failed_attempts, user.locked_until = 0, None
            if not self.db.is_sqlite:
                await pg_security.set_login_password(session, name, password)
            await self._audit(session, "user.passwd", user.id, {"name": name})

    async def _audit(
        self, session: AsyncSession, action: str, user_id: int, detail: dict[str, object]
    ) -> None:
        await append_audit(
            self.db,
            session,
            at=self.clock(),
            actor=self.actor.name,
            action=action,
            entity="user",
            entity_id=user_id,
            detail=dict(detail),
        )


async def authenticate(
    db: Database,
    name: str,
    password: str,
    *,
    now: datetime | None = None,
    where: str = "console",
    console: str | None = None,
) -> Actor:
    """The actor for ``name`` if ``password`` is right and the account may log in.

    ``console`` is where the login comes from (``throttle.console_identity()`` if not
    given). Wrong passwords slow the account's and the console's next tries down; the
    message never says whether the name or the password was wrong. Success clears both.
    """
    now = now or utcnow()
    console = (console or throttle.console_identity())[: throttle.CONSOLE_KEPT]
    async with db.write() as session:
        # Locked: attempts on one account at once must each count (PostgreSQL; SQLite writes one at a time).
        named = select(User).where(User.name == name).with_for_update()
        user = (await session.execute(named)).scalar_one_or_none()
        slow = await throttle.console_row(session, console, now)
        attempt = _Attempt(name, where, console, now)
        refusal = _judge(user, slow, password, attempt)
        for action, detail in attempt.entries:
            await _audit_access(db, session, attempt.shown, action, user.id if user else None, now, detail)
        if user is not None and not refusal:
            venue_ids = (
                await session.execute(select(UserVenue.venue_id).where(UserVenue.user_id == user.id))
            ).scalars()
            return Actor(name, user.role, frozenset(venue_ids), user.id)
    raise AuthenticationError(refusal)


class _Attempt:
    """One login attempt: its stored name and the access entries it leaves in the trail."""

    def __init__(self, name: str, where: str, console: str, now: datetime) -> None:
        self.shown, cut = throttle.shown_name(name)
        self.base: dict[str, object] = {"from": where, "console": console, **cut}
        self.now = now
        self.entries: list[tuple[str, dict[str, object]]] = []

    def log(self, action: str, **detail: object) -> None:
        self.entries.append((action, {**self.base, **detail}))

    def burst(self, of: str, tally: throttle.Tally) -> None:
        if tally.burst:  # a supervisor's alert: someone may be guessing
            self.log("user.login_burst", of=of, failures=tally.failures)


def _judge(user: User | None, slow: ConsoleThrottle, password: str, attempt: _Attempt) -> str:
    """Judge one attempt: why it is refused ("" if not), its access entries logged on ``attempt``.

    A try during a wait is refused before the password is checked and counts nothing.
    """
    now = attempt.now
    wait = throttle.waiting_until(user, slow, now)
    if wait is not None:
        seconds = max(1, int((wait - now).total_seconds() + 0.999))
        attempt.log("user.login_failed", throttled=seconds)
        return (
            f"too many failed logins: try again in {_seconds(seconds)} "
            f"(at {wait.astimezone(LOCAL_TZ):%H:%M:%S}); nothing was checked"
        )
    if user is None:
        _matches(_dummy_hash(), password)  # a wrong name costs as long as a wrong password
        return _failed(None, slow, attempt)
    if user.disabled:
        attempt.log("user.login_failed", disabled=True)
        return f"the account {attempt.shown!r} is disabled; ask an administrator"
    if not _matches(user.password_hash, password):
        return _failed(user, slow, attempt)
    throttle.clear(user, slow)
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    attempt.log("user.login")
    return ""


def _failed(user: User | None, slow: ConsoleThrottle, attempt: _Attempt) -> str:
    tally = throttle.count_console_failure(slow, attempt.now)
    attempt.log("user.login_failed")
    attempt.burst("console", tally)
    failures = tally.failures
    if user is not None:
        account = throttle.count_account_failure(user, attempt.now)
        attempt.burst("account", account)
        failures = max(failures, account.failures)
    left = throttle.FREE_FAILURES - failures
    if left > 0:
        return f"the user name or password is not right ({left} more tries before logins slow down)"
    wait = throttle.waiting_until(user, slow, attempt.now)
    seconds = int((wait - attempt.now).total_seconds()) if wait is not None else 0
    return f"the user name or password is not right; wait {_seconds(seconds)} before the next try"


def _seconds(count: int) -> str:
    return "1 second" if count == 1 else f"{count} seconds"


async def list_users(db: Database) -> list[UserSummary]:
    async with db.read() as conn:
        users = (await conn.execute(select(User.__table__).order_by(User.name))).all()
        links = (
            await conn.execute(
                select(UserVenue.user_id, Venue.name).join(Venue, Venue.id == UserVenue.venue_id)
            )
        ).all()
    venues: dict[int, list[str]] = {}
    for user_id, venue_name in links:
        venues.setdefault(user_id, []).append(venue_name)
    return [
        UserSummary(
            u.name, u.role, u.disabled, u.locked_until, tuple(sorted(venues.get(u.id, []))), u.last_login_at
        )
        for u in users
    ]


async def create_gate_login(db: Database, name: str, password: str) -> None:
    """PostgreSQL: the login role consoles are configured with, which may only check passwords.

    Run on the tables' owner connection. The gate reads user names and password hashes,
    counts failures and logs the attempt; it reads nothing operational, so the
    credentials every console holds open no personal data.
    """
    if db.is_sqlite:
        raise ValidationError("only a PostgreSQL database has logins of its own; SQLite needs no gate")
    check_name(name)
    check_password(password, name)
    async with db.write() as session:
        await pg_security.create_login(session, name, "gate", password)


def own_database(db: Database, actor: Actor, password: str | None) -> Database:
    """Where a logged-in user works: on PostgreSQL through their own login role, so the
    database enforces their role's grants and row-level security too; else ``db`` itself."""
    if db.is_sqlite or password is None or actor.role is None:
        return db
    url = db.url.set(username=actor.name, password=password)
    return Database(url.render_as_string(hide_password=False))


def role_title(role: str | None) -> str:
    return ROLE_TITLES.get(role or "", "set-up mode (no users yet)")


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def _find(session: AsyncSession, name: str) -> User:
    user = (await session.execute(select(User).where(User.name == name))).scalar_one_or_none()
    if user is None:
        raise ValidationError(f"no user called {name!r}; 'controlroom user list' shows them")
    return user


async def _audit_access(
    db: Database,
    session: AsyncSession,
    name: str,
    action: str,
    user_id: int | None,
    now: datetime,
    detail: dict[str, object],
) -> None:
    await append_audit(
        db, session, at=now, actor=name, action=action, entity="user", entity_id=user_id, detail=dict(detail)
    )
