"""PostgreSQL enforces the roles itself: group roles, grants and row-level security.

Each controlroom user is a login role of the database (same name, same password),
member of one group role ``controlroom_<role>`` that holds only the grants that role
needs. A console on PostgreSQL connects with the logged-in user's own credentials,
so what the core refuses the database refuses too — and a partner's credentials
opened in ``psql`` cannot read ``subjects`` (persons of concern) at all.

``provision`` (run by migration 0007 and by every ``db upgrade``) creates the group
roles, grants each exactly what the core's commands execute for that role, and adds
the row-level security policies that keep a partner to its own venues and the
incidents it may see. Every application role may only append to ``audit_log``
(DPA 2018 s.62: the trail must not be alterable by those it records); only the
auditor reads it.

Logins are created and changed through ``SECURITY DEFINER`` functions owned by the
role that ran the migration, so an administrator can add users without holding
``CREATEROLE`` itself (on PostgreSQL 15 ``CREATEROLE`` could grant itself any
non-superuser role, ``pg_read_all_data`` included). The functions only touch roles
in the controlroom groups.

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

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.roles import PERSON_FIELDS

GROUPS = {
    "operator": "controlroom_operator",
    "supervisor": "controlroom_supervisor",
    "partner": "controlroom_partner",
    "auditor": "controlroom_auditor",
    "administrator": "controlroom_administrator",
    # Not a user's role: the login consoles are configured with (--db URL). It may only
    # check passwords, count failures and log the attempt; after a login the console
    # works through the user's own login.
    "gate": "controlroom_gate",
}
# Checked again here, because the name is spliced into DDL (identifiers cannot be bound).
_SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SCRAM_ITERATIONS = 4096

# -- what each role may do, table by table ----------------------------------------

# Incident columns a partner may read: everything but persons-of-concern data
# (``security.PERSON_FIELDS``, the same fields the partner's change payload blanks).
# ``provision`` refuses to run while a column of ``incidents`` is in neither list, so
# a new column is never readable by partners by accident.
PARTNER_INCIDENT_COLUMNS = (
    "id", "reference", "night", "reported_at", "source", "category", "grade", "status",
    "venue_id", "place", "lat", "lon", "summary", "idempotency_key", "created_by", "version",
    "thrive", "angela_outcome", "duplicate_of", "updated_by", "updated_at", "attended_at",
    "caller_updated_at", "venue_link",
)  # fmt: skip
HIDDEN_FROM_PARTNERS = PERSON_FIELDS
# The change log without the full payload: a partner reads ``partner_payload`` only.
PARTNER_CHANGE_COLUMNS = "seq, entity, entity_id, op, partner_payload, venue_id, committed_at"
_INCIDENTS_PARTNER = f"SELECT ({', '.join(PARTNER_INCIDENT_COLUMNS)}), INSERT"

# Every app role appends to the trail; audit_head only holds the newest id and hash.
_COMMON = {
    "alembic_version": "SELECT",  # ensure_schema checks the revision on the user's login
    "audit_log": "INSERT",
    "audit_head": "SELECT, INSERT, UPDATE",
    # Row-level security keeps this to the user's own row (changing one's own password,
    # unlocking the console: ``users.authenticate`` on the user's own login).
    "users": "SELECT, UPDATE "
    "(password_hash, password_changed_at, failed_attempts, locked_until, last_failed_at, last_login_at)",
    "user_venues": "SELECT",
    # Every login reads whether the database ever had users (set-up mode only once) and
    # counts its console's failures (unlocking a console checks the password again).
    "database_facts": "SELECT",
    "console_throttles": "SELECT, INSERT, UPDATE",
}
_OPERATOR = _COMMON | {
    "venues": "SELECT, UPDATE (safe_space_status, version)",
    "incidents": "SELECT, INSERT, UPDATE",
    "incident_events": "SELECT, INSERT",
    "reference_counters": "SELECT, INSERT, UPDATE",
    "applied_commands": "SELECT, INSERT",
    "units": "SELECT, INSERT, UPDATE",
    "flags": "SELECT, INSERT, UPDATE",
    "dispatches": "SELECT, INSERT, UPDATE",
    # An operator's warnings, sightings and directions bump the record's version;
    # changing or erasing its identity (MoPI review) is the supervisor's.
    "subjects": "SELECT, INSERT, UPDATE (version)",
    # A sighting inside an exclusion area is linked to the direction and its breach.
    "subject_sightings": "SELECT, INSERT, UPDATE (direction_id, breach_incident_id)",
    "warnings": "SELECT, INSERT",
    "dispersal_zones": "SELECT",
    "directions": "SELECT, INSERT, UPDATE",
    # A variation or withdrawal moves the collection time (s.37): it follows the current end.
    "surrendered_items": "SELECT, INSERT, UPDATE (collect_from)",
    "direction_changes": "SELECT, INSERT",
    # A take-home task (s.35(7)) is closed with its outcome.
    "tasks": "SELECT, INSERT, UPDATE (status, done_at, done_by, outcome)",
    "change_log": "SELECT, INSERT",
    # Operators report and clear camera faults (the camera's status and version follow);
    # adding or changing cameras is a supervisor's or an administrator's.
    "cameras": "SELECT, UPDATE (status, version)",
    "camera_presets": "SELECT",
    "camera_faults": "SELECT, INSERT, UPDATE (cleared_at, cleared_by)",
    # Tasking a camera to an incident ends its previous task; every call-up is recorded.
    "camera_tasks": "SELECT, INSERT, UPDATE (ended_at, ended_by)",
    "camera_callups": "SELECT, INSERT",
    # Footage kept as evidence: operators mark clips and record requests; keeping a clip
    # beyond retention and releasing it outside are a supervisor's (``_FOOTAGE_DECISIONS``).
    # Clips are never deleted.
    "footage_clips": "SELECT, INSERT",
    "footage_requests": "SELECT, INSERT",
    "footage_releases": "SELECT",
    "footage_events": "SELECT, INSERT",
    "road_segments": "SELECT",
    # Search across every night (migration 0013): written only by its SECURITY DEFINER triggers.
    "incident_search": "SELECT",
    # Procedures (migration 0014): checklists start with a report; step outcomes are appended
    # (triggers refuse UPDATE and DELETE on both).
    "incident_checklists": "SELECT, INSERT",
    "checklist_step_outcomes": "SELECT, INSERT",
    # The decision log (migration 0015): append-only, triggers refuse UPDATE and DELETE.
    "decisions": "SELECT, INSERT",
    "decision_links": "SELECT, INSERT",
    # Shift handover (migration 0016): given once, then only the acknowledgement is added
    # (a trigger refuses any other change, and every deletion).
    "handovers": "SELECT, INSERT, UPDATE (acknowledged_by, acknowledged_at)",
}
# The camera register as a supervisor or administrator keeps it: an update replaces the presets.
# An imported road network replaces the previous one whole.
_CAMERA_REGISTER = {
    "cameras": "SELECT, INSERT, UPDATE",
    "camera_presets": "SELECT, INSERT, DELETE",
    "road_segments": "SELECT, INSERT, DELETE",
}
# A supervisor locks and unlocks clips, and releases them (closing the request answered).
_FOOTAGE_DECISIONS = {
    "footage_clips": "SELECT, INSERT, UPDATE "
    "(locked_until, locked_by, locked_at, lock_reason, unlocked_at, unlocked_by, unlock_reason, version)",
    "footage_requests": "SELECT, INSERT, UPDATE (status, closed_at, closed_by, clip_id)",
    "footage_releases": "SELECT, INSERT",
}
# The auditor reads the decision log (decisions must be explainable months later).
_DECISIONS_READ = {"decisions": "SELECT", "decision_links": "SELECT"}
GRANTS: dict[str, dict[str, str]] = {
    "operator": _OPERATOR,
    "supervisor": _OPERATOR
    | {
        "venues": "SELECT, INSERT, UPDATE",
        "subjects": "SELECT, INSERT, UPDATE",
        "dispersal_zones": "SELECT, INSERT, UPDATE",
        # ``demo`` marks a new database as a training one (never changes a fact).
        "database_facts": "SELECT, INSERT",
    }
    | _CAMERA_REGISTER
    | _FOOTAGE_DECISIONS,
    # Nothing at all on subjects, sightings, warnings, zones, directions, items, tasks,
    # units, flags, dispatches or cameras (not even its own venue's: a camera's position,
    # view and stream are the control room's). SELECT (id) on incident_events and SELECT on the
    # change log's ``seq`` serve the RETURNING of the core's own inserts.
    "partner": _COMMON
    | {
        "venues": "SELECT, UPDATE (safe_space_status, version)",
        "incidents": _INCIDENTS_PARTNER,
        "incident_events": "SELECT (id), INSERT",
        "reference_counters": "SELECT, INSERT, UPDATE",
        "change_log": f"SELECT ({PARTNER_CHANGE_COLUMNS}), INSERT",
        # The words partners may read already (reference, place, summary), never the notes.
        "incident_search": "SELECT (incident_id, public_doc)",
        # A partner's report (an Ask for Angela activation) starts its checklist; partners read none.
        "incident_checklists": "INSERT",
    },
    "auditor": _COMMON | _DECISIONS_READ | {"audit_log": "SELECT, INSERT", "handovers": "SELECT"},
    "gate": {
        "alembic_version": "SELECT",
        "users": "SELECT, UPDATE "
        "(password_hash, failed_attempts, locked_until, last_failed_at, last_login_at)",
        "user_venues": "SELECT",
        "audit_log": "INSERT",
        "audit_head": "SELECT, INSERT, UPDATE",
        "database_facts": "SELECT",
        "console_throttles": "SELECT, INSERT, UPDATE",
    },
    "administrator": _COMMON
    | {
        "users": "SELECT, INSERT, UPDATE",
        "user_venues": "SELECT, INSERT",
        # The first user's "had users" fact (only ever added).
        "database_facts": "SELECT, INSERT",
        "venues": "SELECT, INSERT, UPDATE",
        "change_log": f"SELECT ({PARTNER_CHANGE_COLUMNS}), INSERT",
        # The register's listing shows open faults and tasks; reporting and tasking are the operators'.
        "camera_faults": "SELECT",
        "camera_tasks": "SELECT",
    }
    | _CAMERA_REGISTER,
}

# Row-level security: (table, policy, command, roles, USING, WITH CHECK).
_MY_VENUES = "(SELECT controlroom_my_venues())"
_OWN_INCIDENTS = "(SELECT i.id FROM incidents i WHERE i.created_by = current_user)"
_STAFF = ("operator", "supervisor")
POLICIES: tuple[tuple[str, str, str, tuple[str, ...], str | None, str | None], ...] = (
    ("venues", "staff", "ALL", (*_STAFF, "administrator"), "true", "true"),
    ("venues", "partner_read", "SELECT", ("partner",), "true", None),
    ("venues", "partner_own", "UPDATE", ("partner",), f"id IN {_MY_VENUES}", f"id IN {_MY_VENUES}"),
    ("incidents", "staff", "ALL", _STAFF, "true", "true"),
    (
        "incidents",
        "partner_read",
        "SELECT",
        ("partner",),
        f"venue_id IN {_MY_VENUES} OR created_by = current_user",
        None,
    ),
    ("incidents", "partner_report", "INSERT", ("partner",), None, "created_by = current_user"),
    ("incident_events", "staff", "ALL", _STAFF, "true", "true"),
    ("incident_events", "partner_own", "SELECT", ("partner",), "actor = current_user", None),
    (
        "incident_events",
        "partner_append",
        "INSERT",
        ("partner",),
        None,
        f"actor = current_user AND incident_id IN {_OWN_INCIDENTS}",
    ),
    ("incident_search", "staff", "SELECT", _STAFF, "true", None),
    # Read as the partner: the incidents policy above decides which ids it sees.
    (
        "incident_search",
        "partner_read",
        "SELECT",
        ("partner",),
        "incident_id IN (SELECT id FROM incidents)",
        None,
    ),
    ("change_log", "staff", "ALL", _STAFF, "true", "true"),
    (
        "change_log",
        "partner_read",
        "SELECT",
        ("partner",),
        # A JSON null is not SQL NULL: both mean "nothing for partners".
        "coalesce(partner_payload::text, 'null') <> 'null' AND (entity = 'venue' "
        f"OR (entity = 'incident' AND (venue_id IN {_MY_VENUES} OR entity_id IN {_OWN_INCIDENTS})))",
        None,
    ),
    (
        "change_log",
        "partner_append",
        "INSERT",
        ("partner",),
        None,
        f"(entity = 'venue' AND entity_id IN {_MY_VENUES}) "
        f"OR (entity = 'incident' AND entity_id IN {_OWN_INCIDENTS})",
    ),
    # A partner's own report starting its checklist: the change row is appended (and its seq
    # returned), its payload never readable by partners (``partner_payload`` stays null).
    ("incident_checklists", "staff", "ALL", _STAFF, "true", "true"),
    (
        "incident_checklists",
        "partner_start",
        "INSERT",
        ("partner",),
        None,
        f"incident_id IN {_OWN_INCIDENTS}",
    ),
    (
        "change_log",
        "partner_checklist_append",
        "INSERT",
        ("partner",),
        None,
        f"entity = 'checklist' AND entity_id IN {_OWN_INCIDENTS}",
    ),
    (
        "change_log",
        "partner_checklist_returning",
        "SELECT",
        ("partner",),
        f"entity = 'checklist' AND entity_id IN {_OWN_INCIDENTS}",
        None,
    ),
    # Administrators keep venues and the camera register (and what follows from them).
    (
        "change_log",
        "administrator_venues",
        "ALL",
        ("administrator",),
        "entity IN ('venue', 'camera', 'roads')",
        "entity IN ('venue', 'camera', 'roads')",
    ),
    ("users", "administrator", "ALL", ("administrator",), "true", "true"),
    ("users", "gate", "ALL", ("gate",), "true", "true"),
    (
        "users",
        "own_row",
        "ALL",
        ("operator", "supervisor", "partner", "auditor"),
        "name = current_user",
        "name = current_user",
    ),
)


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


# -- logins -------------------------------------------------------------------------


async def create_login(session: AsyncSession, name: str, role: str, password: str) -> None:
    """The user's login role, in its group role, in the caller's transaction."""
    await session.execute(
        text("SELECT controlroom_create_login(:name, :group, :verifier)"),
        {"name": _name(name), "group": GROUPS[role], "verifier": scram_verifier(password)},
    )


async def set_login_password(session: AsyncSession, name: str, password: str) -> None:
    """A new password for the login (one's own, or anyone's as administrator)."""
    await session.execute(
        text("SELECT controlroom_set_login_password(:name, :verifier)"),
        {"name": _name(name), "verifier": scram_verifier(password)},
    )


async def set_login_enabled(session: AsyncSession, name: str, enabled: bool) -> None:
    """A disabled user's role cannot log in (NOLOGIN) — not even with ``psql``."""
    await session.execute(
        text("SELECT controlroom_set_login_enabled(:name, :enabled)"),
        {"name": _name(name), "enabled": enabled},
    )


# -- provisioning (migration 0007 and every ``db upgrade``) -------------------------


def provision(connection: Connection) -> None:
    """Create the group roles, grants, functions and policies (idempotent; PostgreSQL only).

    Runs in the caller's transaction as the role that owns the tables, which needs
    ``CREATEROLE`` (or superuser) the first time, to create the group roles. Every
    run revokes what the groups held and grants the current set, so a tightened
    grant takes effect on the next ``db upgrade``.
    """
    if connection.dialect.name != "postgresql":
        return
    schema = connection.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    _check_incident_columns(connection)
    for group in GROUPS.values():
        _sql(
            connection,
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN "
            f"CREATE ROLE {group} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$",  # another database's migration won
        )
    _create_functions(connection)
    groups = ", ".join(GROUPS.values())
    _sql(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {groups}")
    _sql(connection, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {groups}")
    _sql(connection, f"GRANT USAGE ON SCHEMA {schema} TO {groups}")
    sequences = _serial_sequences(connection)
    existing = _existing_columns(connection)
    for role, tables in GRANTS.items():
        for table, wanted in tables.items():
            if table not in existing:
                continue  # an earlier migration's provisioning: a later one creates it and provisions again
            privileges = _present_columns_only(wanted, existing[table])
            _sql(connection, f"GRANT {privileges} ON {table} TO {GROUPS[role]}")
            if "INSERT" in privileges and table in sequences:
                _sql(connection, f"GRANT USAGE ON SEQUENCE {sequences[table]} TO {GROUPS[role]}")
    # A table a later migration creates gets its policies when that migration provisions again.
    for table in sorted({policy[0] for policy in POLICIES} & existing.keys()):
        # Not FORCEd: the owner (the role that migrates and authenticates) keeps
        # bypassing; the application's logins never own a table.
        _sql(connection, f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, roles, using, check in POLICIES:
        if table not in existing:
            continue
        _sql(connection, f"DROP POLICY IF EXISTS {name} ON {table}")
        statement = f"CREATE POLICY {name} ON {table} FOR {command} TO {', '.join(GROUPS[r] for r in roles)}"
        if using is not None:
            statement += f" USING ({using})"
        if check is not None:
            statement += f" WITH CHECK ({check})"
        _sql(connection, statement)


def unprovision(connection: Connection) -> None:
    """Undo ``provision`` in this database (the group roles stay: they are cluster-wide)."""
    if connection.dialect.name != "postgresql":
        return
    schema = connection.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    tables = _existing_columns(connection).keys()  # a later migration's tables are gone by now
    for table, name, *_ in POLICIES:
        if table in tables:
            _sql(connection, f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in sorted({policy[0] for policy in POLICIES} & tables):
        _sql(connection, f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    existing = connection.exec_driver_sql(
        "SELECT string_agg(quote_ident(rolname), ', ') FROM pg_roles WHERE rolname LIKE 'controlroom\\_%'"
    ).scalar_one()
    if existing:
        _sql(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {existing}")
        _sql(connection, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {existing}")
    for signature in _FUNCTIONS:
        _sql(connection, f"DROP FUNCTION IF EXISTS {signature}")


def _check_incident_columns(connection: Connection) -> None:
    columns = set(
        connection.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'incidents'"
        ).scalars()
    )
    unclassified = columns - set(PARTNER_INCIDENT_COLUMNS) - set(HIDDEN_FROM_PARTNERS)
    if unclassified:
        raise RuntimeError(
            f"incidents column(s) {', '.join(sorted(unclassified))} are neither partner-readable nor "
            "hidden from partners: add each to PARTNER_INCIDENT_COLUMNS or HIDDEN_FROM_PARTNERS "
            "in controlroom/storage/pg_security.py"
        )


def _existing_columns(connection: Connection) -> dict[str, set[str]]:
    rows = connection.exec_driver_sql(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
    ).all()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(str(table), set()).add(str(column))
    return columns


def _present_columns_only(privileges: str, columns: set[str]) -> str:
    """A grant's column lists cut to the columns the table has at this revision.

    An earlier migration provisions with today's grants, before a later one adds the
    columns they name; that later migration provisions again with them present.
    ``"SELECT, UPDATE (status, outcome)"`` → ``"SELECT, UPDATE (status)"`` without ``outcome``.
    """
    kept = []
    for name, column_list in re.findall(r"(\w+)(?: \(([^)]*)\))?", privileges):
        if not column_list:
            kept.append(name)
            continue
        present = [c.strip() for c in column_list.split(",") if c.strip() in columns]
        if present:
            kept.append(f"{name} ({', '.join(present)})")
    return ", ".join(kept)


def _serial_sequences(connection: Connection) -> dict[str, str]:
    """Each table's id sequence (``BIGSERIAL``), which its INSERT draws from."""
    rows = connection.exec_driver_sql(
        "SELECT c.table_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
        "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
        "AND c.column_default LIKE 'nextval(%'"
    ).all()
    return {table: sequence for table, sequence in rows if sequence}


_GROUP_LIST = ", ".join(f"'{group}'" for group in GROUPS.values())
# True when the role is one of ours: a non-superuser login in a controlroom group.
_IS_OUR_LOGIN = (
    "EXISTS (SELECT FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
    "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = p_name AND NOT r.rolsuper "
    f"AND g.rolname IN ({_GROUP_LIST}))"
)
_FUNCTIONS = (
    "controlroom_my_venues()",
    "controlroom_create_login(text, text, text)",
    "controlroom_set_login_password(text, text)",
    "controlroom_set_login_enabled(text, boolean)",
    "controlroom_activity(text, timestamp with time zone, timestamp with time zone)",
    "controlroom_activity_users(timestamp with time zone, timestamp with time zone)",
)


# SECURITY DEFINER with a fixed search_path (pg_catalog first, pg_temp last), so a
# caller's objects cannot stand in for ours (PostgreSQL docs, "Writing SECURITY
# DEFINER Functions Safely").
_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, pg_temp"
_REFUSE = "RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE ="


def _create_functions(connection: Connection) -> None:
    _sql(
        connection,
        # session_user: inside a SECURITY DEFINER function current_user is the owner.
        "CREATE OR REPLACE FUNCTION controlroom_my_venues() RETURNS SETOF bigint "
        "LANGUAGE sql STABLE SECURITY DEFINER AS $fn$ "
        "SELECT uv.venue_id FROM user_venues uv JOIN users u ON u.id = uv.user_id "
        "WHERE u.name = session_user AND NOT u.disabled $fn$",
    )
    # The tables' schema goes into its search_path server-side, quoted by format(%I).
    _sql(
        connection,
        "DO $$ BEGIN EXECUTE format('ALTER FUNCTION controlroom_my_venues() "
        "SET search_path = pg_catalog, %I, pg_temp', current_schema()); END $$",
    )
    _sql(
        connection,
        "CREATE OR REPLACE FUNCTION controlroom_create_login(p_name text, p_group text, p_verifier text) "
        f"RETURNS void LANGUAGE plpgsql {_DEFINER} AS $fn$ BEGIN "
        "IF p_name !~ '^[a-z][a-z0-9_]{1,39}$' OR p_name LIKE 'pg\\_%' OR p_name LIKE 'controlroom\\_%' "
        f"THEN {_REFUSE} format('refusing the login name %L', p_name); END IF; "
        f"IF p_group NOT IN ({_GROUP_LIST}) THEN {_REFUSE} format('%L is not a controlroom group', p_group); "
        "END IF; "
        f"IF p_verifier !~ '^SCRAM-SHA-256\\$' THEN {_REFUSE} 'only a SCRAM verifier is accepted'; END IF; "
        "EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', p_name, p_verifier, p_group); "
        "END $fn$",
    )
    _sql(
        connection,
        "CREATE OR REPLACE FUNCTION controlroom_set_login_password(p_name text, p_verifier text) "
        f"RETURNS void LANGUAGE plpgsql {_DEFINER} AS $fn$ BEGIN "
        f"IF NOT {_IS_OUR_LOGIN} THEN {_REFUSE} format('%L is not a controlroom login', p_name); END IF; "
        # Any user their own; an administrator (or the owner's console connection) anyone's.
        "IF p_name <> session_user AND NOT pg_has_role(session_user, 'controlroom_administrator', 'MEMBER') "
        "AND EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles r ON r.oid = m.member "
        f"WHERE r.rolname = session_user AND g.rolname IN ({_GROUP_LIST})) "
        f"THEN {_REFUSE} 'only an administrator may set another user''s password'; END IF; "
        f"IF p_verifier !~ '^SCRAM-SHA-256\\$' THEN {_REFUSE} 'only a SCRAM verifier is accepted'; END IF; "
        "EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier); "
        "END $fn$",
    )
    _sql(
        connection,
        "CREATE OR REPLACE FUNCTION controlroom_set_login_enabled(p_name text, p_enabled boolean) "
        f"RETURNS void LANGUAGE plpgsql {_DEFINER} AS $fn$ BEGIN "
        f"IF NOT {_IS_OUR_LOGIN} THEN {_REFUSE} format('%L is not a controlroom login', p_name); END IF; "
        "EXECUTE format('ALTER ROLE %I ' || CASE WHEN p_enabled THEN 'LOGIN' ELSE 'NOLOGIN' END, p_name); "
        "END $fn$",
    )
    _create_activity_function(connection)
    groups = GROUPS
    for signature, allowed in (
        ("controlroom_my_venues()", [groups["partner"]]),
        ("controlroom_create_login(text, text, text)", [groups["administrator"]]),
        ("controlroom_set_login_password(text, text)", list(groups.values())),
        ("controlroom_set_login_enabled(text, boolean)", [groups["administrator"]]),
        (_FUNCTIONS[-2], [groups["operator"], groups["supervisor"], groups["auditor"]]),
        (_FUNCTIONS[-1], [groups["supervisor"], groups["auditor"]]),
    ):
        _sql(connection, f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        _sql(connection, f"GRANT EXECUTE ON FUNCTION {signature} TO {', '.join(allowed)}")


def _create_activity_function(connection: Connection) -> None:
    """``controlroom_activity(user, since, until)``: one user's audit entries in a window.

    The activity log (issue #17) without opening the audit trail: operators and
    supervisors still may not read ``audit_log`` (only append to it), but through this
    function an operator reads their own entries and a supervisor anyone's; whoever may
    read the table (the auditor, the owner) may read through it too. The core writes the
    ``activity.read`` audit entry when someone reads another's (``activity.log``).
    """
    _sql(
        connection,
        "CREATE OR REPLACE FUNCTION controlroom_activity(p_actor text, p_since timestamptz, "  # noqa: S608
        "p_until timestamptz) RETURNS TABLE (entry_id bigint, entry_at timestamptz, entry_action text, "
        "entry_entity text, entry_entity_id bigint, entry_detail text) "
        f"LANGUAGE plpgsql STABLE {_DEFINER} AS $fn$ BEGIN "
        "IF p_actor <> session_user AND NOT pg_has_role(session_user, 'controlroom_supervisor', 'MEMBER') "
        "AND NOT has_table_privilege(session_user, 'audit_log', 'SELECT') "
        f"THEN {_REFUSE} 'only a supervisor or auditor may read another user''s activity'; END IF; "
        "RETURN QUERY SELECT a.id::bigint, a.at, a.action::text, a.entity::text, a.entity_id::bigint, "
        "a.detail::text FROM audit_log a WHERE a.actor = p_actor AND a.at >= p_since AND a.at < p_until "
        "ORDER BY a.id; END $fn$",
    )
    # Who did anything in a window: the names a supervisor or auditor picks a log from.
    _sql(
        connection,
        "CREATE OR REPLACE FUNCTION controlroom_activity_users(p_since timestamptz, p_until timestamptz) "  # noqa: S608
        f"RETURNS SETOF text LANGUAGE plpgsql STABLE {_DEFINER} AS $fn$ BEGIN "
        "IF NOT pg_has_role(session_user, 'controlroom_supervisor', 'MEMBER') "
        "AND NOT has_table_privilege(session_user, 'audit_log', 'SELECT') "
        f"THEN {_REFUSE} 'only a supervisor or auditor may list whose activity to read'; END IF; "
        "RETURN QUERY SELECT DISTINCT a.actor::text FROM audit_log a "
        "WHERE a.at >= p_since AND a.at < p_until ORDER BY 1; END $fn$",
    )
    # As controlroom_my_venues: the tables' schema in its search_path, quoted server-side.
    for signature in (
        "controlroom_activity(text, timestamptz, timestamptz)",
        "controlroom_activity_users(timestamptz, timestamptz)",
    ):
        _sql(
            connection,
            f"DO $$ BEGIN EXECUTE format('ALTER FUNCTION {signature} "
            "SET search_path = pg_catalog, %I, pg_temp', current_schema()); END $$",
        )


def _sql(connection: Connection, statement: str) -> None:
    # Straight to the driver: no bind parameters, so '$' and ':' in the DDL stay as written.
    connection.exec_driver_sql(statement)
