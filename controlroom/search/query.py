"""Full-text search over every incident: reference, place, summary and timeline notes.

The index lives in the database and is kept by triggers (migration 0013): an FTS5 table on
SQLite, a ``tsvector`` table with GIN indexes on PostgreSQL. So whoever writes an incident
or a note — the window, the command line, an integration — the next search finds it, with no
step in the program that could be forgotten.

Typed text is never handed to either engine as query syntax: it is cut into words (letters
and digits only) and each word is quoted (FTS5) or joined with ``&`` (``to_tsquery``), the
last word as a prefix so a half-typed word already finds. Quotes, ``NEAR(``, ``*``, ``-``
are not operators here; text with no word at all is refused with a sentence.

Words are matched as typed, without stemming ("fighting" does not find "fight"): the
PostgreSQL index uses the ``simple`` configuration because SQLite's ``unicode61`` does not
stem either, so both backends find the same incidents, and names, streets and references —
much of what is searched here — are not English words to reduce.

Who sees what: the same as reading incidents. A partner searches only incidents at its
venues or reported by itself, and only the words it may read already (reference, place,
summary) — never the timeline notes, never the persons-of-concern fields, which are not
indexed at all. On PostgreSQL the database enforces this too (grants and row-level
security on ``incident_search``); the filter here keeps SQLite to the same rule.

Ranking: bm25 (SQLite, reference weighted highest) or ``ts_rank`` (PostgreSQL), then the
newest first — among the newest ``CANDIDATES`` (1,000) matches. Scoring every match of a
word found in a third of the summaries cost about a second at 1,000,000 incidents, and a
search box answers in 100 ms; both engines yield matches newest first cheaply (FTS5 by rowid,
PostgreSQL backwards along the primary key or a bitmap of the GIN index), so the candidates
are the most recently recorded matches, and a query with fewer matches is ranked in full.
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
# Ranked among the newest CANDIDATES matches (by incident id, the order incidents were recorded).
# A word in a third of a million summaries cannot be scored in full within 100 ms on either
# engine; a query with fewer matches than this (nearly every real one) is ranked in full.
CANDIDATES = 1000
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
    build = _sqlite_query if db.is_sqlite else _postgres_query
    query = build(terms, partner, resolved, actor, max(1, min(limit, CANDIDATES)))
    async with db.read() as conn:
        rows = [dict(row) for row in (await conn.execute(query)).mappings().all()]
        if db.is_sqlite and not partner:
            notes = await _sqlite_notes(conn, [row["id"] for row in rows])
            for row in rows:
                row["notes"] = notes.get(row["id"], "")
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


def _sqlite_query(
    terms: list[str], partner: bool, f: ResolvedFilters, actor: Actor, limit: int
) -> Select[Any]:
    # bm25 is an FTS5 auxiliary function: it is computed in the matching query itself, and only
    # for the candidates that query yields (FTS5 streams matches in rowid order, newest first).
    rank = func.bm25(literal_column("incident_fts"), 8.0, 2.0, 1.0, 1.0)
    candidates = _filtered(
        select(_FTS.c.rowid.label("id"), rank.label("score"))
        .select_from(_FTS)
        .join(Incident, Incident.id == _FTS.c.rowid)
        .where(literal_column("incident_fts").op("MATCH")(fts5_query(terms, partner=partner))),
        f,
        actor,
    )
    found = candidates.order_by(_FTS.c.rowid.desc()).limit(CANDIDATES).subquery()
    return (
        select(*_COLUMNS, literal_column("''").label("notes"))
        .select_from(found.join(Incident, Incident.id == found.c.id))
        .outerjoin(Venue, Venue.id == Incident.venue_id)
        .order_by(found.c.score, Incident.reported_at.desc())
        .limit(limit)
    )


def _postgres_query(
    terms: list[str], partner: bool, f: ResolvedFilters, actor: Actor, limit: int
) -> Select[Any]:
    wanted = func.to_tsquery(literal_column("'simple'"), tsquery(terms))
    doc = _PG.c.public_doc if partner else _PG.c.all_doc
    candidates = _filtered(
        select(_PG.c.incident_id.label("id"))
        .select_from(_PG)
        .join(Incident, Incident.id == _PG.c.incident_id)
        .where(doc.op("@@")(wanted)),
        f,
        actor,
    )
    found = candidates.order_by(_PG.c.incident_id.desc()).limit(CANDIDATES).subquery()
    again = _PG.alias("ranked")
    ranked_doc = again.c.public_doc if partner else again.c.all_doc
    # A partner's login is not granted the notes column: never name it in its query.
    notes = literal_column("''") if partner else again.c.notes
    return (
        select(*_COLUMNS, notes.label("notes"))
        .select_from(found.join(Incident, Incident.id == found.c.id))
        .join(again, again.c.incident_id == found.c.id)
        .outerjoin(Venue, Venue.id == Incident.venue_id)
        .order_by(func.ts_rank(ranked_doc, wanted).desc(), Incident.reported_at.desc())
        .limit(limit)
    )


async def _sqlite_notes(conn: Any, ids: list[int]) -> dict[int, str]:
    """The notes of the incidents found (staff only), read by rowid from the FTS5 table."""
    if not ids:
        return {}
    rows = await conn.execute(select(_FTS.c.rowid, _FTS.c.notes).where(_FTS.c.rowid.in_(ids)))
    return {int(rowid): str(notes or "") for rowid, notes in rows}


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
