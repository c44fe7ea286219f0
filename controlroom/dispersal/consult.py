"""Reading and printing dispersal records as DPA 2018 s.62 logs them.

Reading directions and persons of concern is a *consultation* (s.62(1)(c)): a list or
the dispersal board is logged with who and when; a record opened singly (a direction's
detail, its paperwork preview) also with the justification (s.62(2)). Printing is a
*disclosure* (s.62(3)): one entry per document and recipient, naming the record — the
notice and the receipt go to the person directed, the record copy stays for internal use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from controlroom.audit.trail import log_processing
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.dispersal.papers import direction_paper
from controlroom.paperwork.data import DirectionPaper
from controlroom.storage.database import Database

# Who receives each printed document of a direction (DPA 2018 s.62(3)).
INTERNAL_USE = "internal use: the force's s.38 record"
PERSON_DIRECTED = "the person directed"
DOCUMENT_RECIPIENTS = {"notice": PERSON_DIRECTED, "receipt": PERSON_DIRECTED, "record": INTERNAL_USE}


async def log_dispersal_read(
    db: Database, actor: Actor, view: str, ids: Sequence[int | str] = (), at: datetime | None = None
) -> None:
    """A list or board of directions / persons of concern was read (who, when, which view)."""
    await log_processing(
        db,
        actor,
        action="dispersal.read",
        entity="dispersal",
        entity_id=None,
        detail={"view": view, "records": [str(i) for i in ids][:200], "count": len(ids)},
        at=at,
    )


async def consult_direction(
    db: Database, actor: Actor, reference: str, justification: str, at: datetime | None = None
) -> DirectionPaper:
    """One direction in full (detail or paperwork preview), logged with why (s.62(2))."""
    actor.require("direction.consult")
    if not (justification or "").strip():
        raise ValidationError(
            "say why you are opening this direction: DPA 2018 s.62(2) logs the justification"
        )
    paper = await direction_paper(db, reference)
    await log_processing(
        db,
        actor,
        action="direction.consult",
        entity="direction",
        entity_id=paper.direction_id,
        detail={"reference": paper.reference},
        justification=justification,
        at=at,
    )
    return paper


async def log_direction_printed(
    db: Database,
    actor: Actor,
    paper: DirectionPaper,
    documents: Sequence[str],
    justification: str,
    recipient: str | None = None,
    at: datetime | None = None,
) -> None:
    """One disclosure per document printed, to its recipient (``recipient`` overrides the person's)."""
    for document in documents:
        to = INTERNAL_USE if document == "record" else (recipient or DOCUMENT_RECIPIENTS[document])
        await log_processing(
            db,
            actor,
            action="paperwork.print",
            entity="direction",
            entity_id=paper.direction_id,
            detail={"reference": paper.reference, "document": document},
            justification=justification,
            recipient=to,
            at=at,
        )
