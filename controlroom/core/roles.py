"""Roles and what each may do — the rules the core enforces on every backend.

Five roles: an **operator** runs the night; a **supervisor** (inspector rank) may
also authorise s.34 zones and review or erase person records; a **partner** (a
venue, Street Pastors, welfare, St John) may report incidents, set the safe-space
status of its own venues, and sees only incidents at its own venues, without
persons-of-concern data; an **auditor** (data protection officer) reads and exports
the audit trail; an **administrator** manages users.

Every write names its action (``incident.report``, ``zone.authorise`` …) and the
shared tail of every write (``writes.CommandBase._finish``) refuses an action the
actor's role does not hold, inside the transaction, so nothing is written. On
PostgreSQL the database enforces the same split with group roles, grants and
row-level security (``storage.pg_security``). The window hides what a role may not do.

A database with no users yet is **open**: the actor has no role and everything is
allowed, so a new installation can be set up; creating the first user (which must
be an administrator) closes it. Set-up mode may not process personal data
(``PERSONAL_DATA_ACTIONS``): with no users, no consultation or disclosure could be
attributed to a person (DPA 2018 s.62(2)-(3)), so persons of concern, directions and
identities wait until the first administrator exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from controlroom.core.errors import NotPermittedError

ROLES = ("operator", "supervisor", "partner", "auditor", "administrator")

ROLE_TITLES = {
    "operator": "operator",
    "supervisor": "supervisor (inspector)",
    "partner": "partner",
    "auditor": "auditor (data protection officer)",
    "administrator": "administrator",
}

_OPERATOR = frozenset(
    {
        "incident.report",
        "incident.update",
        "incident.link",
        "incident.caller_updated",
        "incident.dispatch",
        "venue.safe_space",
        "unit.add",
        "unit.update",
        "flag.add",
        "flag.clear",
        "flag.convert",
        "flag.dispatch",
        "direction.give",
        "direction.vary",
        "direction.withdraw",
        "direction.take_home",
        "direction.consult",
        "dispersal.read",
        "subject.add",
        "subject.warn",
        "subject.seen",
        "subject.consult",
        "paperwork.print",
        "paperwork.export",
        "read.incidents",
        "read.subjects",
        "read.units",
        "read.dispersal",
        "read.cameras",
        "camera.fault",
        # Footage as evidence: operators mark, view and take requests; locking and releasing
        # (keeping footage beyond retention, handing it outside) are a supervisor's decisions.
        "read.footage",
        "footage.mark",
        "footage.view",
        "footage.request",
        "footage.print",
        # The end-of-night pack (counts, no personal data unless a logged disclosure).
        "report.night",
        "camera.callup",
        "camera.task",
        # Trends across nights: counts and places only, no personal data (issue #16).
        "report.period",
        "console.lock",
        "console.unlock",
        # The night's continuity (issue #17): checklists of standard steps, the decision log
        # (an operator records their own decisions), shift handover and one's own activity.
        "procedure.step",
        "decision.record",
        "decision.read",
        "decision.print",
        "handover.draft",
        "handover.give",
        "handover.acknowledge",
        "handover.read",
        "handover.print",
        "activity.read_own",
    }
)

PERMISSIONS: dict[str, frozenset[str]] = {
    "operator": _OPERATOR,
    "supervisor": _OPERATOR
    | {
        "zone.authorise",
        "zone.withdraw",
        "subject.review",
        "subject.erase",
        "retention.review",
        "footage.lock",
        "footage.release",
        "venue.create",
        "venue.update",
        "camera.manage",
        "geo.import",
        # Simulated nights, only into a database marked for training (``sim.training``).
        "training.simulate",
        # Anyone's activity log (each reading of another's is itself audited).
        "activity.read_any",
        # A handover addressed to a named operator who cannot sign for it (gone home ill).
        "handover.acknowledge_for",
    },
    "partner": frozenset(
        {"incident.report", "venue.safe_space", "read.incidents", "console.lock", "console.unlock"}
    ),
    "auditor": frozenset(
        {
            "audit.view",
            "audit.export",
            "audit.verify",
            "console.lock",
            "console.unlock",
            # Decisions must be explainable months later; the auditor reads them and anyone's activity.
            "decision.read",
            "decision.print",
            "activity.read_any",
            # Their own too: the window offers the activity log to whoever may read their own.
            "activity.read_own",
        }
    ),
    "administrator": frozenset(
        {
            "user.add",
            "user.disable",
            "user.enable",
            "user.passwd",
            "database.backup",
            "database.restore",
            "venue.create",
            "venue.update",
            "camera.manage",
            "geo.import",
            "read.cameras",
            "console.lock",
            "console.unlock",
        }
    ),
}

# Personal data about persons of concern (DPA 2018 Part 3): refused in set-up mode.
PERSONAL_DATA_ACTIONS = frozenset(
    {
        "subject.add",
        "subject.warn",
        "subject.seen",
        "subject.consult",
        "direction.give",
        "direction.vary",
        "direction.withdraw",
        "direction.take_home",
        "direction.consult",
        "dispersal.read",
        "paperwork.print",
        "paperwork.export",
        # Footage shows people: viewing it is a consultation, releasing or printing it a disclosure.
        "footage.view",
        "footage.release",
        "footage.print",
        # The decision log's information often names people: printing it is a disclosure.
        "decision.print",
    }
)

SETUP_REFUSAL = (
    "set-up mode (no users yet) may not process personal data (DPA 2018 s.62: every consultation "
    "and disclosure must name who made it). Add the first administrator with `controlroom user add "
    "NAME --role administrator`, then an operator or supervisor, and log in as them"
)

# Actions a partner may only take on its own venues (entity id = venue id).
_OWN_VENUE_ONLY = frozenset({"venue.safe_space"})

_PHRASES = {
    "incident.report": "report an incident",
    "incident.update": "change an incident",
    "incident.link": "link duplicate incidents",
    "incident.caller_updated": "record a caller update",
    "incident.dispatch": "dispatch patrols",
    "venue.safe_space": "set a safe space's status",
    "venue.create": "add venues",
    "venue.update": "change venues",
    "unit.add": "add patrol units",
    "unit.update": "change patrol units",
    "flag.add": "flag a location",
    "flag.clear": "clear a flag",
    "flag.convert": "turn a flag into an incident",
    "flag.dispatch": "dispatch to a flag",
    "zone.authorise": "authorise a dispersal zone (s.34 needs an inspector)",
    "zone.withdraw": "withdraw a dispersal zone",
    "direction.give": "record a dispersal direction",
    "direction.vary": "vary a dispersal direction",
    "direction.withdraw": "withdraw a dispersal direction",
    "direction.take_home": "record a take-home outcome",
    "direction.consult": "open a dispersal direction",
    "dispersal.read": "read dispersal directions and persons of concern",
    "subject.add": "record a person of concern",
    "subject.warn": "record words of advice",
    "subject.seen": "record a sighting",
    "subject.consult": "open a person-of-concern record",
    "subject.review": "review a person record",
    "subject.erase": "erase a person's identity",
    "retention.review": "review person records due for review",
    "paperwork.print": "print paperwork with personal data",
    "paperwork.export": "export personal data",
    "audit.view": "read the audit trail",
    "audit.export": "export the audit trail",
    "audit.verify": "verify the audit trail",
    "user.add": "add users",
    "user.disable": "disable users",
    "user.enable": "enable users",
    "user.passwd": "set other users' passwords",
    "database.backup": "back up the database",
    "database.restore": "restore the database from a backup",
    "training.simulate": "run a simulated night on a training database",
    "read.incidents": "see incidents",
    "read.subjects": "see persons of concern",
    "read.units": "see patrol units",
    "read.dispersal": "see dispersal zones and directions",
    "read.cameras": "see the camera register",
    "camera.manage": "add or change cameras",
    "camera.fault": "report or clear a camera fault",
    "read.footage": "see the footage marked for incidents",
    "footage.mark": "mark footage for an incident",
    "footage.view": "view marked footage",
    "footage.request": "record a request for footage",
    "footage.lock": "lock or unlock footage as evidence",
    "footage.release": "release footage outside the control room",
    "footage.print": "print the footage continuity log",
    "report.night": "print the end-of-night pack",
    "camera.callup": "call up a camera's picture",
    "camera.task": "task a camera to an incident",
    "geo.import": "import a road network",
    "report.period": "print a period report (trends and hotspots)",
    "procedure.step": "mark an incident's procedure step done or skipped",
    "decision.record": "record a decision in the decision log",
    "decision.read": "read the decision log",
    "decision.print": "print the decision log",
    "handover.draft": "draft a shift handover",
    "handover.give": "hand over the shift",
    "handover.acknowledge": "acknowledge a shift handover",
    "handover.acknowledge_for": "acknowledge a handover addressed to another user",
    "handover.read": "read past handovers",
    "handover.print": "print a handover",
    "activity.read_own": "read your own activity log",
    "activity.read_any": "read another user's activity log",
}


def roles_with(action: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if action in PERMISSIONS[role])


def describe(action: str) -> str:
    return _PHRASES.get(action, action)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting. ``role`` None: the database has no users yet (open set-up mode).

    ``simulating``: in a training simulation, the simulated operator this logged-in user's
    writes stand for; every audit entry names the user and carries it in its detail.
    """

    name: str
    role: str | None = None
    venue_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    simulating: str | None = None

    def may(self, action: str, venue_id: int | None = None) -> bool:
        """Whether this actor's role holds ``action`` (and, for a partner, on that venue)."""
        if self.role is None:
            return action not in PERSONAL_DATA_ACTIONS
        if action not in PERMISSIONS.get(self.role, frozenset()):
            return False
        if self.role == "partner" and action in _OWN_VENUE_ONLY:
            return venue_id is not None and venue_id in self.venue_ids
        return True

    def require_role(self, action: str) -> None:
        """Raise unless the role holds ``action`` at all (venue limits are checked later)."""
        if self.role is None and action in PERSONAL_DATA_ACTIONS:
            self.require(action)
        if self.role is not None and action not in PERMISSIONS.get(self.role, frozenset()):
            self.require(action)

    def require(self, action: str, venue_id: int | None = None) -> None:
        """Raise ``NotPermittedError`` saying who may, unless this actor may."""
        if self.may(action, venue_id):
            return
        if self.role is None:
            raise NotPermittedError(f"{self.name}: {SETUP_REFUSAL}")
        role = ROLE_TITLES.get(self.role or "", self.role or "")
        if action in PERMISSIONS.get(self.role or "", frozenset()):
            raise NotPermittedError(f"{self.name} ({role}) may only {describe(action)} for their own venues")
        allowed = ", ".join(ROLE_TITLES[r] for r in roles_with(action)) or "no role"
        raise NotPermittedError(f"{self.name} ({role}) may not {describe(action)}; this needs: {allowed}")

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


# -- what a partner may read -------------------------------------------------------

# Fields of an incident that carry persons-of-concern (or other people's) data.
PERSON_FIELDS = ("person_of_concern", "vulnerable_person", "reporter_contact")


def partner_incident(payload: dict[str, Any]) -> dict[str, Any]:
    """An incident's change payload as a partner may read it: no persons-of-concern data."""
    redacted = dict(payload)
    for name in PERSON_FIELDS:
        if name in redacted:
            redacted[name] = ""
    return redacted


def partner_view(entity: str, payload: dict[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    """What of one change a partner console may read, and the venue it concerns.

    Venues as they are; incidents redacted (the partner's own venues are picked by
    ``venue_id``); nothing of units, flags, persons, zones or directions.
    """
    if entity == "venue":
        venue_id = payload.get("id")
        return payload, venue_id if isinstance(venue_id, int) else None
    if entity == "incident":
        venue_id = payload.get("venue_id")
        return partner_incident(payload), venue_id if isinstance(venue_id, int) else None
    return None, None
