"""Search across every night, on SQLite and PostgreSQL: what is found, what is not, and by whom."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.incidents.editing import IncidentEdit
from controlroom.incidents.reporting import NewIncident
from controlroom.search.filters import SearchFilterError, SearchFilters
from controlroom.search.query import search
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from tests.conftest import run_isolated
from tests.core.support import FIXED_NOW, add_venue, commands_for, migrate_to, run_with_db
from tests.ui.logins import PASSWORD, actor_for, add_users, unique_names

NIGHT = date(2026, 11, 27)


async def _report(commands: Commands, summary: str, **fields: object) -> str:
    new = NewIncident(category="disorder", source="cctv", summary=summary, grade=3, **fields)  # type: ignore[arg-type]
    return (await commands.report_incident(new)).reference


def _refs(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.reference for h in hits]


def test_notes_and_edited_summaries_are_found_by_their_current_words(db_url: str) -> None:
    async def scenario(db: Database) -> None:
        ops = commands_for(db, now=FIXED_NOW, role="supervisor")
        await add_venue(ops, "Velvet Fox")
        await add_venue(ops, "Bargate Arms", safe=False)
        fight = await _report(ops, "Fight outside the kebab shop", venue="Velvet Fox")
        other = await _report(ops, "Lost phone, handed in at the bar", venue="Bargate Arms")
        await ops.update_incident(fight, note="Ambulance requested for the café doorman")
        await ops.update_incident(other, edit=IncidentEdit(summary="Stolen wallet near the taxi rank"))
        actor = ops.actor

        async def found(text: str, **filters: object) -> list[str]:
            return _refs(await search(db, text, SearchFilters(**filters), actor=actor))  # type: ignore[arg-type]

        assert await found("ambulance") == [fight]  # a timeline note
        assert await found("cafe doorm") == [fight]  # accents folded, the last word a prefix
        assert await found("taxi wallet") == [other]  # the summary's new words…
        assert await found("phone") == []  # …and not its old ones
        assert await found(fight) == [fight]  # by reference
        # Filters: venue, category, status, grade and nights.
        assert await found("fight", venue="velvet fox", category="disorder", status="new", grade=3) == [fight]
        assert await found("fight", venue="Bargate Arms") == []
        assert await found("fight", night_from=NIGHT, night_to=NIGHT) == [fight]
        assert await found("fight", category="assault") == []
        # Typed text is never FTS syntax.
        for typed in ('"fight', "fight -", "-fight", "fight*", "(fight", "fight) : {", "'fight'", "fight^"):
            assert await found(typed) == [fight], typed
        assert await found("NEAR(") == [other]  # the word "near" (the taxi rank), not an operator
        for words in ("fight OR", "fight AND (", "NOT fight"):
            assert await found(words) == [], words
        for nothing in ("*", "-", '"', "  "):
            with pytest.raises(ValidationError, match="no words"):
                await found(nothing)
        with pytest.raises(SearchFilterError, match="did you mean 'Velvet Fox'") as unknown:
            await found("fight", venue="Velvet Fax")
        assert unknown.value.field == "venue"
        with pytest.raises(SearchFilterError, match="after the end"):
            await found("fight", night_from=NIGHT, night_to=date(2026, 11, 1))
        with pytest.raises(SearchFilterError, match="before the first record"):
            await found("fight", night_from=date(2020, 1, 1), night_to=date(2020, 1, 2))
        with pytest.raises(SearchFilterError, match="in the future"):
            await found("fight", night_to=date(2099, 1, 1))
        with pytest.raises(
            SearchFilterError, match=r"no category .brawl.; choose one of: unwanted_sexual_behaviour"
        ):
            await found("fight", category="brawl")

    run_with_db(db_url, scenario)


def test_partners_search_only_their_venues_and_never_persons_of_concern(db_url: str) -> None:
    names = unique_names("operator", "partner")

    async def setup(db: Database) -> None:
        ops = commands_for(db, now=FIXED_NOW)  # set-up mode: no users yet
        await add_venue(ops, "Velvet Fox")
        await add_venue(ops, "Bargate Arms", safe=False)

    run_with_db(db_url, setup)
    add_users(db_url, (names["operator"], "operator", ()), (names["partner"], "partner", ("Velvet Fox",)))
    operator, partner = actor_for(db_url, names["operator"]), actor_for(db_url, names["partner"])

    async def incidents(db: Database) -> None:
        ops = Commands(db, operator, clock=lambda: FIXED_NOW)
        own = await _report(ops, "Glass thrown at the door", venue="Velvet Fox", person_of_concern="Zebedee")
        await _report(ops, "Glass thrown in the square", venue="Bargate Arms")
        await ops.update_incident(own, note="Glass swept; doorman Quentin statement taken")

    run_with_db(db_url, incidents)
    # On PostgreSQL the partner searches through its own login, as its console does.
    login = make_url(db_url).set(username=names["partner"], password=PASSWORD).render_as_string(False)
    partner_url = db_url if db_url.startswith("sqlite") else login

    async def as_partner(db: Database) -> None:
        hits = await search(db, "glass", SearchFilters(), actor=partner)
        assert [h.venue for h in hits] == ["Velvet Fox"]
        assert await search(db, "zebedee", SearchFilters(), actor=partner) == []
        assert await search(db, "quentin", SearchFilters(), actor=partner) == []  # notes are not theirs

    async def as_operator(db: Database) -> None:
        assert len(await search(db, "glass", SearchFilters(), actor=operator)) == 2
        assert await search(db, "zebedee", SearchFilters(), actor=operator) == []  # never indexed
        assert len(await search(db, "quentin", SearchFilters(), actor=operator)) == 1

    run_with_db(partner_url, as_partner)
    run_with_db(db_url, as_operator)
    if partner_url != db_url:  # PostgreSQL: the partner's own login, bypassing the program (psql)

        async def in_psql(db: Database) -> tuple[int, str]:
            async with db.read() as conn:
                rows = (await conn.execute(text("SELECT count(*) FROM incident_search"))).scalar_one()
            try:
                async with db.read() as conn:
                    await conn.execute(text("SELECT notes FROM incident_search"))
            except DBAPIError as refused:
                return rows, "permission denied" if "permission denied" in str(refused) else str(refused)
            return rows, "allowed"

        assert run_with_db(partner_url, in_psql) == (1, "permission denied")


def test_the_migration_indexes_incidents_already_there(db_url: str, request: pytest.FixtureRequest) -> None:
    # A database of its own left at 0012 (the fixture's is already at the head).
    if db_url.startswith("sqlite"):
        url = db_url.replace("test.sqlite3", "old.sqlite3")
    else:
        url = request.getfixturevalue("pg_cluster").create_database()
    run_isolated(migrate_to(url, "0012"))

    async def scenario(db: Database) -> list[str]:
        ops = commands_for(db, now=FIXED_NOW)
        await add_venue(ops, "Velvet Fox")
        reference = await _report(ops, "Bouncer reported a spiked drink", venue="Velvet Fox")
        await ops.update_incident(reference, note="Taxi marshal saw the suspect leave")
        await upgrade(db)
        hits = await search(db, "spiked marshal", SearchFilters(), actor=ops.actor)
        return [reference, *_refs(hits)]

    reference, *found = run_with_db(url, scenario)
    assert found == [reference]
