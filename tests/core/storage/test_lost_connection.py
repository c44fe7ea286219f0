"""A refused statement is an answer, not a lost server, whatever names its message holds."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from controlroom.storage.database import lost_connection


class _ServerError(Exception):
    """What SQLAlchemy's asyncpg adapter hands on: the message and the server's SQLSTATE."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _error(message: str, sqlstate: str | None) -> DBAPIError:
    return DBAPIError("CREATE ROLE …", {}, _ServerError(message, sqlstate))


def test_a_refusal_naming_an_admin_role_or_a_connection_is_not_a_lost_server() -> None:
    assert not lost_connection(_error('role "admin_15536_6" already exists', "42710"))
    assert not lost_connection(_error('relation "connection_log" does not exist', "42P01"))


def test_the_server_going_away_is_a_lost_server() -> None:
    assert lost_connection(_error("terminating connection due to administrator command", "57P01"))
    assert lost_connection(_error("the database system is starting up", "57P03"))
    assert lost_connection(_error("connection does not exist", "08003"))
    assert lost_connection(_error("connection was closed in the middle of operation", None))
