"""Selecting columns as the driver hands them back, for reads that must survive a bad row.

SQLAlchemy converts each value while it builds the result rows: on SQLite an
integer in a time column raises inside ``.all()``, so one row written around the
program fails the whole read before any of it can be looked at. Selected through
``as_stored`` the values arrive unconverted (SQLite: ISO text, JSON text;
PostgreSQL: what asyncpg decodes) and ``core.decoding`` checks them one record at
a time. Filters and ordering still use the typed columns, so bound values are
converted as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Label, type_coerce
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.types import NullType


def as_stored(columns: Iterable[KeyedColumnElement[Any]]) -> list[Label[Any]]:
    """Each column under its own name, with no result conversion."""
    return [stored(column) for column in columns]


def stored(column: KeyedColumnElement[Any]) -> Label[Any]:
    """One column under its own name, with no result conversion."""
    element: ColumnElement[Any] = type_coerce(column, NullType())
    return element.label(column.key)
