"""Full-text search across every night: reference, place, summary and timeline notes.

SQLite: an FTS5 table ``incident_fts`` (rowid = incident id; ``unicode61 remove_diacritics 2``,
so "cafe" finds "café"). PostgreSQL: a table ``incident_search`` (incident id, a ``tsvector``
of reference, place and summary, the notes as text, and a ``tsvector`` of both) with GIN
indexes. Both are kept in step by TRIGGERS on ``incidents`` and ``incident_events``, so every
writer (the command line, the window, an integration writing rows itself) keeps the index
without knowing it exists, and the migration indexes the incidents already there.

What is indexed: the reference, place and summary (columns partners may read) and the text
of timeline notes — ``note``, ``caller_updated`` and ``footage`` entries. Never the
persons-of-concern columns (``vulnerable_person``, ``person_of_concern``, ``reporter_contact``,
``thrive``), and never ``edited`` entries, whose detail carries a changed field's old and new
values (a person-of-concern field among them). Notes are kept apart from the public words
(their own FTS5 column; on PostgreSQL columns a partner is not granted): partners do
not read the timeline (``incidents.queries.incident_detail``), so they do not search it.

On PostgreSQL the trigger functions are ``SECURITY DEFINER`` (owned by the role that
migrates): nobody's login needs write access to the index, and a partner reporting an
incident still indexes it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from controlroom.storage import pg_security

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Timeline entries whose ``detail.text`` is words someone wrote about the incident:
# ('note', 'caller_updated', 'footage'), written out in each statement below.

_SQLITE = (
    "CREATE VIRTUAL TABLE incident_fts USING fts5("
    "reference, place, summary, notes, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER incident_fts_insert AFTER INSERT ON incidents BEGIN "
    "INSERT INTO incident_fts (rowid, reference, place, summary, notes) "
    "VALUES (new.id, new.reference, new.place, new.summary, ''); END",
    "CREATE TRIGGER incident_fts_update AFTER UPDATE OF reference, place, summary ON incidents BEGIN "
    "UPDATE incident_fts SET reference = new.reference, place = new.place, summary = new.summary "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER incident_fts_delete AFTER DELETE ON incidents BEGIN "
    "DELETE FROM incident_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER incident_fts_note AFTER INSERT ON incident_events "
    "WHEN new.kind IN ('note', 'caller_updated', 'footage') "
    "AND json_extract(new.detail, '$.text') IS NOT NULL BEGIN "
    "UPDATE incident_fts SET notes = notes || ' ' || json_extract(new.detail, '$.text') "
    "WHERE rowid = new.incident_id; END",
    "INSERT INTO incident_fts (rowid, reference, place, summary, notes) "
    "SELECT i.id, i.reference, i.place, i.summary, coalesce((SELECT group_concat(t, ' ') FROM "
    "(SELECT json_extract(e.detail, '$.text') AS t FROM incident_events e WHERE e.incident_id = i.id "
    "AND e.kind IN ('note', 'caller_updated', 'footage') ORDER BY e.id)), '') FROM incidents i",
)

# Accents folded without an extension (``unaccent`` is contrib, not everywhere): the accented
# Latin letters of Western and Central European names, one for one, as FTS5's
# ``remove_diacritics 2`` does on SQLite. The query's words are folded the same way
# (``search.query.search_terms``). Hyphens, dots, slashes, @ and the like become spaces first, so
# "SOT-20261127-0042", an e-mail address or "12.5" are words as the query cuts them (PostgreSQL's
# parser would otherwise keep them whole, or read "-0042" as a signed number).
ACCENTED = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥìíîïĩīĭįıĵķĺļľłñńņňòóôõöøōŏőŕŗřśŝşšţťùúûüũūŭůűųŵýÿŷźżž"
PLAIN = "aaaaaaaaacccccddeeeeeeeeegggghiiiiiiiiijkllllnnnnooooooooorrrssssttuuuuuuuuuuwyyyzzz"
_FOLD = (
    "CREATE FUNCTION controlroom_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $fn$ SELECT translate(lower(regexp_replace(t, '[-_./@:+&''#]', ' ', 'g')), "
    "'" + ACCENTED + "', '" + PLAIN + "') $fn$"
)
# ``public_doc``: what partners may search. ``all_doc``: the same and the notes, for staff (one GIN
# index each, so a query whose words fall partly in the summary and partly in a note is one lookup).
_POSTGRES = (
    _FOLD,
    "CREATE TABLE incident_search ("
    "incident_id BIGINT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE, "
    "public_doc TSVECTOR NOT NULL, notes TEXT NOT NULL DEFAULT '', all_doc TSVECTOR NOT NULL)",
    "CREATE FUNCTION controlroom_index_incident() RETURNS trigger LANGUAGE plpgsql "
    "SECURITY DEFINER AS $fn$ DECLARE doc tsvector := to_tsvector('simple', "
    "controlroom_fold(NEW.reference || ' ' || NEW.place || ' ' || NEW.summary)); BEGIN "
    "INSERT INTO incident_search AS s (incident_id, public_doc, all_doc) VALUES (NEW.id, doc, doc) "
    "ON CONFLICT (incident_id) DO UPDATE SET public_doc = doc, "
    "all_doc = doc || to_tsvector('simple', controlroom_fold(s.notes)); RETURN NULL; END $fn$",
    "CREATE FUNCTION controlroom_index_note() RETURNS trigger LANGUAGE plpgsql "
    "SECURITY DEFINER AS $fn$ DECLARE said text := NEW.detail ->> 'text'; BEGIN "
    "IF NEW.kind IN ('note', 'caller_updated', 'footage') AND said IS NOT NULL THEN "
    "UPDATE incident_search SET notes = notes || ' ' || said, "
    "all_doc = all_doc || to_tsvector('simple', controlroom_fold(said)) WHERE incident_id = NEW.incident_id; "
    "END IF; RETURN NULL; END $fn$",
    # SECURITY DEFINER with the tables' schema fixed in its search_path (quoted by format %I),
    # so a caller's own objects cannot stand in for ours.
    "DO $$ BEGIN "
    "EXECUTE format('ALTER FUNCTION controlroom_index_incident() SET search_path = pg_catalog, %I, pg_temp', "
    "current_schema()); "
    "EXECUTE format('ALTER FUNCTION controlroom_index_note() SET search_path = pg_catalog, %I, pg_temp', "
    "current_schema()); END $$",
    "REVOKE ALL ON FUNCTION controlroom_index_incident() FROM PUBLIC",
    "REVOKE ALL ON FUNCTION controlroom_index_note() FROM PUBLIC",
    "CREATE TRIGGER incident_search_index AFTER INSERT OR UPDATE OF reference, place, summary "
    "ON incidents FOR EACH ROW EXECUTE FUNCTION controlroom_index_incident()",
    "CREATE TRIGGER incident_search_note AFTER INSERT ON incident_events "
    "FOR EACH ROW EXECUTE FUNCTION controlroom_index_note()",
    "INSERT INTO incident_search (incident_id, public_doc, notes, all_doc) "
    "SELECT d.id, d.doc, d.notes, d.doc || to_tsvector('simple', controlroom_fold(d.notes)) FROM "
    "(SELECT i.id, "
    "to_tsvector('simple', controlroom_fold(i.reference || ' ' || i.place || ' ' || i.summary)) AS doc, "
    "coalesce(n.notes, '') AS notes FROM incidents i LEFT JOIN "
    "(SELECT incident_id, string_agg(detail ->> 'text', ' ' ORDER BY id) AS notes FROM incident_events "
    "WHERE kind IN ('note', 'caller_updated', 'footage') GROUP BY incident_id) n ON n.incident_id = i.id) d",
    "CREATE INDEX ix_incident_search_public ON incident_search USING gin (public_doc)",
    "CREATE INDEX ix_incident_search_all ON incident_search USING gin (all_doc)",
)


def upgrade() -> None:
    bind = op.get_bind()
    for statement in _SQLITE if bind.dialect.name == "sqlite" else _POSTGRES:
        bind.exec_driver_sql(statement)
    pg_security.provision(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in (
            "incident_fts_insert",
            "incident_fts_update",
            "incident_fts_delete",
            "incident_fts_note",
        ):
            bind.exec_driver_sql("DROP TRIGGER IF EXISTS " + trigger)
        bind.exec_driver_sql("DROP TABLE IF EXISTS incident_fts")
        return
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS incident_search_index ON incidents")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS incident_search_note ON incident_events")
    bind.exec_driver_sql("DROP TABLE IF EXISTS incident_search")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS controlroom_index_incident()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS controlroom_index_note()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS controlroom_fold(text)")
