"""Full-text search over every incident: reference, place, summary and timeline notes.

The index lives in the database and is kept by triggers (migration 0013): an FTS5 table on
SQLite, a ``tsvector`` table with GIN indexes on PostgreSQL. So whoever writes an incident
or a note — the window, the command line, an integration — the next search finds it, with no
step in the program that could be forgotten.

Typed text is never handed to either engine as query syntax: it is cut into words (letters
and digits only) and each word is quoted (FTS5) or joined with ``&`` (``to_tsquery``), the
last word as a prefix so a half-typed word already finds. Quotes, ``NEAR(``, ``*``, ``-``
are not operators here; text with no word at all is refused with a sentence.

Who sees what: the same as reading incidents. A partner searches only incidents at its
venues or reported by itself, and only the words it may read already (reference, place,
summary) — never the timeline notes, never the persons-of-concern fields, which are not
indexed at all. On PostgreSQL the database enforces this too (grants and row-level
security on ``incident_search``); the filter here keeps SQLite to the same rule.

Ranking: bm25 (SQLite, reference weighted highest) or ``ts_rank`` (PostgreSQL), then the
newest first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, column, func, literal_column, or_, select, table

from controlroom.core.domain import LOCAL_TZ, operational_night
from controlroom.core.roles import Actor
from controlroom.core.validation import inert
from controlroom.search.filters import ResolvedFilters, SearchFilters, resolve_filters
from controlroom.storage.database import Database
from controlroom.storage.models import Incident, Venue

__all__ = ["SearchFilters", "SearchHit", "search", "search_terms"]

# Letters and digits of any script; everything else (quotes, brackets, *, -, :) separates words.
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 16
SNIPPET_CHARS = 90

_FTS = table("incident_fts", column("rowid"), column("notes"))
_PG = table(
    "incident_search", column("incident_id"), column("public_doc"), column("all_doc"), column("notes")
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One incident found, with a short inert snippet around the first word that matched.

    Carries no persons-of-concern field (they are not indexed, nor read here), so a
    result set may be shown to a partner or exported without being a disclosure.
    """

    id: int
    reference: str
    reported_at: datetime
    category: str
    grade: int | None
    status: str
    venue: str | None
    place: str
    snippet: str
    lat: float
    lon: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "reported_at": self.reported_at.isoformat(),
            "category": self.category,
            "grade": self.grade,
            "status": self.status,
            "venue": self.venue,
            "place": self.place,
            "snippet": self.snippet,
            "lat": self.lat,
            "lon": self.lon,
        }


def search_terms(text: str) -> list[str]:
    """The words of ``text`` (casefolded), or a refusal saying what would be searched."""
    from controlroom.core.errors import ValidationError

    words = _WORD.findall(_folded(text))
    if not words:
        raise ValidationError(
            "the search text has no words to look for: type a word, a place or a reference "
            "(e.g. spiking, Bargate, SOT-20261127-0042)"
        )
    return words[:MAX_TERMS]


async def search(
    db: Database, text: str, filters: SearchFilters, *, actor: Actor, limit: int = 200
) -> list[SearchHit]:
    """Incidents matching every word of ``text`` and the filters, best match first.

    Raises ``ValidationError`` (CLI exit 2) for text with no words and for filters that
    name nothing (an unknown venue with the close names, a category, a date range).
    """
    actor.require("read.incidents")
    terms = search_terms(text)
    now = datetime.now(UTC)
    resolved = await resolve_filters(db, filters, today=operational_night(now))
    partner = actor.role == "partner"
    query = _sqlite_query(terms, partner) if db.is_sqlite else _postgres_query(terms, partner)
    query = _filtered(query, resolved, actor).limit(max(1, limit))
    async with db.read() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [_hit(row, terms, partner) for row in rows]


def fts5_query(terms: list[str], *, partner: bool) -> str:
    """Every word quoted (no FTS5 operator survives), the last one a prefix."""
    quoted = " ".join(f'"{t}"' for t in terms[:-1])
    expression = f'{quoted} "{terms[-1]}"*'.strip()
    # Partners match the words they may read already, never the notes column.
    return f"{{reference place summary}} : ({expression})" if partner else expression


def tsquery(terms: list[str]) -> str:
    """``to_tsquery`` text: words of letters and digits only, joined by AND, the last a prefix."""
    return " & ".join([*terms[:-1], f"{terms[-1]}:*"])


_COLUMNS: tuple[Any, ...] = (
    Incident.id,
    Incident.reference,
    Incident.reported_at,
    Incident.category,
    Incident.grade,
    Incident.status,
    Venue.name.label("venue"),
    Incident.place,
    Incident.summary,
    Incident.lat,
    Incident.lon,
)


def _sqlite_query(terms: list[str], partner: bool) -> Select[Any]:
    rank = func.bm25(literal_column("incident_fts"), 8.0, 2.0, 1.0, 1.0)
    notes = literal_column("''") if partner else _FTS.c.notes
    return (
        select(*_COLUMNS, notes.label("notes"))
        .select_from(_FTS)
        .join(Incident, Incident.id == _FTS.c.rowid)
        .outerjoin(Venue, Venue.id == Incident.venue_id)
        .where(literal_column("incident_fts").op("MATCH")(fts5_query(terms, partner=partner)))
        .order_by(rank, Incident.reported_at.desc())
    )


def _postgres_query(terms: list[str], partner: bool) -> Select[Any]:
    wanted = func.to_tsquery(literal_column("'simple'"), tsquery(terms))
    doc = _PG.c.public_doc if partner else _PG.c.all_doc
    # A partner's login is not granted the notes column: never name it in its query.
    notes = literal_column("''") if partner else _PG.c.notes
    return (
        select(*_COLUMNS, notes.label("notes"))
        .select_from(_PG)
        .join(Incident, Incident.id == _PG.c.incident_id)
        .outerjoin(Venue, Venue.id == Incident.venue_id)
        .where(doc.op("@@")(wanted))
        .order_by(func.ts_rank(doc, wanted).desc(), Incident.reported_at.desc())
    )


def _filtered(query: Select[Any], f: ResolvedFilters, actor: Actor) -> Select[Any]:
    if f.night_from is not None:
        query = query.where(Incident.night >= f.night_from)
    if f.night_to is not None:
        query = query.where(Incident.night <= f.night_to)
    for name, value in (
        ("category", f.category),
        ("grade", f.grade),
        ("venue_id", f.venue_id),
        ("source", f.source),
        ("status", f.status),
    ):
        if value is not None:
            query = query.where(getattr(Incident, name) == value)
    if actor.role == "partner":
        # The same rows the PostgreSQL policy lets a partner read (``pg_security.POLICIES``).
        query = query.where(
            or_(Incident.venue_id.in_(sorted(actor.venue_ids)), Incident.created_by == actor.name)
        )
    return query


def _hit(row: Any, terms: list[str], partner: bool) -> SearchHit:
    texts = (row["summary"], row["place"]) if partner else (row["summary"], row["notes"] or "", row["place"])
    reported = row["reported_at"]
    if reported.tzinfo is None:
        reported = reported.replace(tzinfo=UTC)
    return SearchHit(
        id=int(row["id"]),
        reference=str(row["reference"]),
        reported_at=reported,
        category=str(row["category"]),
        grade=row["grade"],
        status=str(row["status"]),
        venue=row["venue"],
        place=inert(str(row["place"])),
        snippet=snippet(texts, terms),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
    )


# Letters NFKD does not split into a base and an accent (PostgreSQL's ``controlroom_fold`` folds them).
_UNSPLIT = str.maketrans("đłøı", "dloi")


def _folded(text: str) -> str:
    """Lower case without accents, one character for one (so positions still match ``text``).

    The same folding as the index: FTS5's ``remove_diacritics 2`` on SQLite,
    ``controlroom_fold`` (migration 0013) on PostgreSQL.
    """
    out = []
    for ch in text.lower().translate(_UNSPLIT):
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base[0] if len(base) == 1 else ch)
    return "".join(out)


def snippet(texts: tuple[str, ...], terms: list[str]) -> str:
    """About ``SNIPPET_CHARS`` characters around the first matching word, made inert."""
    wanted = [_folded(t) for t in terms]
    for text in texts:
        if not text:
            continue
        folded = _folded(text)
        for word in wanted:
            found = re.search(r"(?<![^\W_])" + re.escape(word), folded)
            if found is None:
                continue
            start = max(0, found.start() - SNIPPET_CHARS // 3)
            piece = text[start : start + SNIPPET_CHARS]
            lead = "…" if start > 0 else ""
            tail = "…" if start + SNIPPET_CHARS < len(text) else ""
            return inert(f"{lead}{' '.join(piece.split())}{tail}")
    first = texts[0] if texts else ""
    return inert(" ".join(first[:SNIPPET_CHARS].split()) + ("…" if len(first) > SNIPPET_CHARS else ""))


def local_time(moment: datetime) -> str:
    """``Fri 27 Nov 2026 23:30`` on the UK clock, as the results list and CSV show it."""
    return moment.astimezone(LOCAL_TZ).strftime("%a %d %b %Y %H:%M")


def night_label(night: date) -> str:
    return f"{night:%a %d %b %Y}"
