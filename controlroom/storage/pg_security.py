"""PostgreSQL enforces the roles itself: group roles, grants and row-level security.

Each controlroom user is a login role of the database (same name, same password),
member of one group role ``controlroom_<role>`` that holds only the grants that role
needs. A console on PostgreSQL connects with the logged-in user's own credentials,
so what the core refuses the database refuses too — and a partner's credentials
opened in ``psql`` cannot read ``subjects`` (persons of concern) at all.

Passwords reach the server already hashed (a SCRAM-SHA-256 verifier computed here),
so the plain password never appears in a statement, a server log or
``pg_stat_activity``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

GROUPS = {
    "operator": "controlroom_operator",
    "supervisor": "controlroom_supervisor",
    "partner": "controlroom_partner",
    "auditor": "controlroom_auditor",
    "administrator": "controlroom_administrator",
}
# Checked again here, because the name is spliced into DDL (identifiers cannot be bound).
_SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SCRAM_ITERATIONS = 4096


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 / 7677)."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _name(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"refusing an unsafe role name {name!r}")
    return name


async def create_login(session: AsyncSession, name: str, role: str, password: str) -> None:
    """The user's login role, in its group role, in the caller's transaction."""
    group = GROUPS[role]
    await _ddl(
        session, f"CREATE ROLE {_name(name)} LOGIN PASSWORD '{scram_verifier(password)}' IN ROLE {group}"
    )


async def set_login_password(session: AsyncSession, name: str, password: str) -> None:
    await _ddl(session, f"ALTER ROLE {_name(name)} PASSWORD '{scram_verifier(password)}'")


async def set_login_enabled(session: AsyncSession, name: str, enabled: bool) -> None:
    """A disabled user's role cannot log in (NOLOGIN) — not even with ``psql``."""
    await _ddl(session, f"ALTER ROLE {_name(name)} {'LOGIN' if enabled else 'NOLOGIN'}")


async def _ddl(session: AsyncSession, statement: str) -> None:
    # Straight to the driver: the verifier's ':' would read as a bind parameter in text().
    connection = await session.connection()
    await connection.exec_driver_sql(statement)
