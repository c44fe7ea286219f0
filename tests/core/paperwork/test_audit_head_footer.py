"""Every printed document carries the audit trail's head, and that head checks the trail later.

The head is read with the paper, so it is the newest entry before the print's own
disclosure entries. Taken off the paper, it is what ``audit verify --expect`` checks:
it still holds after more work, and no longer holds once the trail up to it is rebuilt.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from controlroom.audit.anchor import ChainHead, current_head, parse_expected
from controlroom.audit.chain import VerifyResult, digest_of, verify
from controlroom.core.roles import Actor
from controlroom.dispersal.consult import log_direction_printed
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.paperwork.render import (
    RenderedDocument,
    audit_head_line,
    render_authorisation,
    render_direction_set,
)
from controlroom.paperwork.specimen import SPECIMEN_HEAD, specimen_direction
from controlroom.storage.database import Database
from tests.core.dispersal.test_dispersal import NOW, direction_spec, zone_spec
from tests.core.support import commands_for, run_with_db


def _head_on(document: RenderedDocument) -> str:
    """The head as a person copies it from the footer, without the words in front."""
    assert document.audit_head.startswith("Audit head: #"), document.audit_head
    return document.audit_head.removeprefix("Audit head: ")


async def _printed(db: Database) -> tuple[ChainHead, list[RenderedDocument], ChainHead, int]:
    """Give a direction, render all its papers and the s.34 form, then log the print."""
    commands = commands_for(db, now=NOW, role="supervisor")
    zone = await commands.authorise_zone(zone_spec())
    given = await commands.give_direction(direction_spec(surrendered_items=["Bottle of vodka"]))
    before = await current_head(db)
    paper = await direction_paper(db, given.direction.reference)
    documents = [*render_direction_set(paper), render_authorisation(await authorisation_paper(db, zone.id))]
    await log_direction_printed(
        db,
        Actor("sup1", "supervisor"),
        paper,
        [d.part for d in documents if d.part != "authorisation"],
        "Notice for the man directed",
    )
    await commands_for(db, now=NOW + timedelta(minutes=5), role="supervisor").authorise_zone(
        zone_spec(name="Later zone")
    )
    return before, documents, await current_head(db), len(documents) - 1


def test_every_document_prints_the_head_read_with_it_and_the_print_follows_it(db_url: str) -> None:
    before, documents, after, printed = run_with_db(db_url, _printed)
    assert [d.part for d in documents] == ["notice", "record", "receipt", "authorisation"]
    for document in documents:
        # The whole hash: a cut one could not be checked against the trail.
        assert document.audit_head == f"Audit head: #{before.last_id} {before.hash}", document.part
    assert len(before.hash) == 64 and before.last_id > 0
    # The print's own disclosures come after the printed head (one entry per document).
    assert after.last_id >= before.last_id + printed


def test_the_head_on_paper_still_checks_later_and_finds_a_rebuilt_trail(db_url: str) -> None:
    before, documents, _, _ = run_with_db(db_url, _printed)
    noted = parse_expected(_head_on(documents[0]))
    later = run_with_db(db_url, lambda db: verify(db, expect=noted))
    assert later.ok and later.anchored == noted
    assert f"still holds the head noted earlier (entry {before.last_id} with hash" in later.describe()

    async def rebuild(db: Database) -> VerifyResult:
        async with db.write() as session:
            if db.is_sqlite:
                await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            else:
                await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            await session.execute(text("UPDATE audit_log SET justification = 'nothing to see' WHERE id = 2"))
            rows = (await session.execute(text("SELECT * FROM audit_log ORDER BY id"))).all()
            prev_hash = "0" * 64
            for row in rows:  # re-hashed with the project's own function, as an attacker can
                digest = digest_of(row, prev_hash)
                await session.execute(
                    text("UPDATE audit_log SET prev_hash = :p, entry_hash = :h WHERE id = :id"),
                    {"p": prev_hash, "h": digest, "id": row.id},
                )
                prev_hash = digest
            await session.execute(
                text("UPDATE audit_head SET last_id = :id, last_hash = :h"),
                {"id": rows[-1].id, "h": prev_hash},
            )
        return await verify(db, expect=noted)

    broken = run_with_db(db_url, rebuild)
    assert run_with_db(db_url, verify).ok  # consistent in itself
    assert not broken.ok and broken.broken_id == before.last_id
    assert "was changed after that head was noted" in broken.describe()


def test_specimen_papers_print_a_full_length_head_and_a_paper_without_one_says_so() -> None:
    direction = specimen_direction()
    documents = [*render_direction_set(direction), render_authorisation(direction.zone)]
    assert {d.audit_head for d in documents} == {f"Audit head: #104857 {SPECIMEN_HEAD.hash}"}
    assert audit_head_line(None).startswith("Audit head: not read")
