"""``IncidentGateway``: what the incident widgets ask of the core beyond plain commands.

Plain commands (link a duplicate, record a reporter update, move a unit, set a safe
space's status) are called on ``commands`` directly; writes that must survive an
outage go through ``writes`` (the outbox); reads apply what the actor may see.
"""

from __future__ import annotations

from controlroom.commands import Commands
from controlroom.incidents.queries import IncidentDetail, incident_detail
from ui.offline.gateway import OfflineGateway


class IncidentGateway:
    """The detail read with the actor's redaction, beside the commands and offline writes."""

    def __init__(self, commands: Commands, writes: OfflineGateway) -> None:
        self.commands = commands
        self.writes = writes

    async def detail(self, reference: str) -> IncidentDetail:
        """The incident with its timeline; a partner's without persons-of-concern data."""
        return await incident_detail(self.commands.db, reference, redacted=self.commands.actor.is_partner)
