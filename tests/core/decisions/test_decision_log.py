"""The decision log on the command layer, on both backends: record, list, show, revise, refuse."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from controlroom.audit.chain import verify
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.snapshots import DecisionLink, DecisionSnapshot
from controlroom.decisions.queries import decision_chain, list_decisions
from controlroom.decisions.records import DecisionInputError
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, IncidentEvent
from tests.core.decisions.support import NOW, a_night, as_user, decision_counts, ndm
from tests.core.support import run_with_db


def test_a_decision_is_recorded_with_its_links_a_timeline_line_the_audit_entry_and_its_change(
    db_url: str,
) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        night = await a_night(db)
        before = await decision_counts(db)
        recorded = await night.supervisor.record_decision(
            ndm(
                incidents=(night.reference.lower(),),
                zones=(night.zone_id,),
                directions=(night.direction_id,),
                nights=(date(2026, 11, 27),),
            )
        )
        after = await decision_counts(db)
        async with db.read() as conn:
            timeline = (
                await conn.execute(select(IncidentEvent.detail).where(IncidentEvent.kind == "decision"))
            ).scalar_one()
            audit = (
                await conn.execute(
                    select(AuditEntry.action, AuditEntry.kind, AuditEntry.actor, AuditEntry.entity_id).where(
                        AuditEntry.action == "decision.record"
                    )
                )
            ).one()
            changes = (
                await conn.execute(
                    select(ChangeLogEntry.entity, ChangeLogEntry.payload, ChangeLogEntry.partner_payload)
                    .order_by(ChangeLogEntry.seq.desc())
                    .limit(2)
                )
            ).all()
        return {
            "recorded": recorded,
            "delta": {k: after[k] - before[k] for k in after},
            "timeline": timeline,
            "audit": tuple(audit),
            "changes": changes,
            "chain": await verify(db),
            "night": night,
        }

    seen = run_with_db(db_url, scenario)
    recorded: DecisionSnapshot = seen["recorded"]
    night = seen["night"]
    assert recorded.reference == "D-2026-0001"
    assert (recorded.night, recorded.recorded_by, recorded.role) == (
        date(2026, 11, 27),
        "sup_one",
        "supervisor",
    )
    assert recorded.recorded_at == NOW
    assert recorded.links == (
        DecisionLink("incident", recorded.links[0].target_id, night.reference),
        DecisionLink("zone", night.zone_id, "Bedford Place"),
        DecisionLink("direction", night.direction_id, night.direction_reference),
        DecisionLink("night", None, "2026-11-27"),
    )
    assert seen["delta"] == {"decisions": 1, "links": 4, "timeline": 1, "audit": 1, "changes": 2}
    assert seen["timeline"]["text"] == (
        "Decision D-2026-0001 recorded: Close the Velvet Fox's door to new entry until 01:00"
    )
    assert seen["audit"] == ("decision.record", "collection", "sup_one", recorded.id)
    (decision_entity, payload, partner_payload), (incident_entity, incident, _) = seen["changes"]
    assert (decision_entity, incident_entity) == ("decision", "incident")
    assert DecisionSnapshot.from_json(payload) == recorded
    assert partner_payload is None  # partners never receive decisions
    assert incident["reference"] == night.reference
    assert seen["chain"].ok


def test_without_links_a_decision_concerns_the_night_it_was_recorded_in(db_url: str) -> None:
    async def scenario(db: Database) -> DecisionSnapshot:
        night = await a_night(db)
        return await night.supervisor.record_decision(ndm())

    recorded = run_with_db(db_url, scenario)
    assert recorded.links == (DecisionLink("night", None, "2026-11-27"),)


def test_list_by_night_incident_zone_direction_author_and_words(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, list[str]]:
        night = await a_night(db)
        operator = as_user(night, "op_jones", "operator")
        await night.supervisor.record_decision(ndm(subject="Door closed", incidents=(night.reference,)))
        await operator.record_decision(ndm(subject="Zone patrol", zones=(night.zone_id,)))
        await operator.record_decision(
            ndm(
                subject="Direction breach watch",
                directions=(night.direction_id,),
                rationale="Grey hoodie seen",
            )
        )
        earlier = as_user(night, "op_jones", "operator", NOW - timedelta(days=2))
        await earlier.record_decision(ndm(subject="Two nights ago"))
        await operator.record_decision(ndm(subject="About Wednesday", nights=(date(2026, 11, 25),)))
        actor = night.supervisor.actor

        async def refs(**filters: Any) -> list[str]:
            return [d.subject for d in await list_decisions(db, actor, **filters)]

        return {
            "tonight": await refs(night=date(2026, 11, 27)),
            "wednesday": await refs(night=date(2026, 11, 25)),
            "incident": await refs(incident=night.reference.lower()),
            "zone": await refs(zone=night.zone_id),
            "direction": await refs(direction=night.direction_id),
            "author": await refs(author="sup_one"),
            "words": await refs(text="GREY HOODIE"),
            "words_and_night": await refs(text="nights", night=date(2026, 11, 25)),
            "percent": await refs(text="%"),
        }

    found = run_with_db(db_url, scenario)
    assert found["tonight"] == ["Door closed", "Zone patrol", "Direction breach watch", "About Wednesday"]
    assert found["wednesday"] == ["Two nights ago", "About Wednesday"]  # recorded then, or linked to it
    assert found["incident"] == ["Door closed"]
    assert found["zone"] == ["Zone patrol"]
    assert found["direction"] == ["Direction breach watch"]
    assert found["author"] == ["Door closed"]
    assert found["words"] == ["Direction breach watch"]
    assert found["words_and_night"] == ["Two nights ago"]
    assert found["percent"] == []  # typed wildcards are words, not patterns


def test_a_revision_is_a_new_entry_and_show_gives_the_chain_both_ways(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        night = await a_night(db)
        first = await night.supervisor.record_decision(ndm(incidents=(night.reference,)))
        second = await night.supervisor.record_decision(
            ndm(subject="Door reopened at 00:30", revises=first.reference.lower())
        )
        before = await decision_counts(db)
        third = await night.supervisor.record_decision(
            ndm(subject="Door closed again", revises=second.reference)
        )
        after = await decision_counts(db)
        async with db.read() as conn:
            last_two = (
                await conn.execute(
                    select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.payload)
                    .order_by(ChangeLogEntry.seq.desc())
                    .limit(2)
                )
            ).all()
        with pytest.raises(DecisionInputError) as branching:
            await night.supervisor.record_decision(ndm(subject="Another view", revises=first.reference))
        return {
            "ids": (first.id, second.id, third.id),
            "third": third,
            "delta": {k: after[k] - before[k] for k in after},
            "last_two": last_two,
            "branching": branching.value,
            "middle": await decision_chain(db, night.supervisor.actor, second.reference),
            "listed": await list_decisions(db, night.supervisor.actor),
            "night": night,
        }

    seen = run_with_db(db_url, scenario)
    _, second_id, third_id = seen["ids"]
    third: DecisionSnapshot = seen["third"]
    assert third.reference == "D-2026-0003" and third.revises_reference == "D-2026-0002"
    # A revision without links of its own concerns what the decision it revises concerned.
    assert [link.label for link in third.links] == [seen["night"].reference]
    assert seen["delta"]["decisions"] == 1 and seen["delta"]["changes"] == 3  # incident, new, revised
    (revised_entity, revised_id, revised_payload), (new_entity, new_id, _) = seen["last_two"]
    assert (revised_entity, revised_id, new_entity, new_id) == ("decision", second_id, "decision", third_id)
    revised = DecisionSnapshot.from_json(revised_payload)
    assert revised.revised_by == ("D-2026-0003",) and revised.version == 2
    assert revised.revises_reference == "D-2026-0001"
    assert seen["branching"].field == "revises"
    assert "already revised by D-2026-0002; revise D-2026-0003" in str(seen["branching"])
    chain = seen["middle"]
    assert chain.decision.reference == "D-2026-0002"
    assert [d.reference for d in chain.earlier] == ["D-2026-0001"]
    assert [d.reference for d in chain.later] == ["D-2026-0003"]
    assert [(d.reference, d.revised_by) for d in seen["listed"]] == [
        ("D-2026-0001", ("D-2026-0002",)),
        ("D-2026-0002", ("D-2026-0003",)),
        ("D-2026-0003", ()),
    ]


def test_an_operator_revises_only_their_own_decisions_a_supervisor_anyones(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        night = await a_night(db)
        jones = as_user(night, "op_jones", "operator")
        patel = as_user(night, "op_patel", "operator")
        by_jones = await jones.record_decision(ndm(subject="Jones's call"))
        by_supervisor = await night.supervisor.record_decision(ndm(subject="Inspector's call"))
        before = await decision_counts(db)
        refusals = []
        for commands, reference in ((patel, by_jones.reference), (jones, by_supervisor.reference)):
            with pytest.raises(NotPermittedError) as refused:
                await commands.record_decision(ndm(subject="Changed my mind", revises=reference))
            refusals.append(str(refused.value))
        unchanged = await decision_counts(db)
        own = await jones.record_decision(ndm(subject="Jones revises", revises=by_jones.reference))
        overruled = await night.supervisor.record_decision(
            ndm(subject="Inspector revises", revises=own.reference)
        )
        return {"refusals": refusals, "written": before == unchanged, "revisions": (own, overruled)}

    seen = run_with_db(db_url, scenario)
    assert seen["written"]
    assert seen["refusals"][0].startswith("op_patel (operator) may revise only their own decisions;")
    assert "D-2026-0001 was recorded by op_jones" in seen["refusals"][0]
    assert "D-2026-0002 was recorded by sup_one" in seen["refusals"][1]
    own, overruled = seen["revisions"]
    assert own.revises_reference == "D-2026-0001" and overruled.revises_reference == own.reference


REFUSED = [
    pytest.param(
        {"subject": "  "}, "subject", "the subject (what was decided, in a line) is empty", id="subject"
    ),
    pytest.param(
        {"information": ""}, "information", "information and intelligence is empty", id="information"
    ),
    pytest.param({"assessment": "\u200b "}, "assessment", "shows nothing", id="assessment-invisible"),
    pytest.param({"decision": ""}, "decision", "the decision is empty", id="decision"),
    pytest.param({"rationale": " \n "}, "rationale", "the rationale is empty", id="rationale"),
    pytest.param(
        {"subject": "x" * 201}, "subject", "is 201 characters long; the limit is 200", id="long-subject"
    ),
    pytest.param({"options": "y" * 4001}, "options", "the limit is 4000", id="long-options"),
    pytest.param({"subject": "one\ntwo"}, "subject", "the subject is one line", id="two-line-subject"),
    pytest.param(
        {"incidents": ("SOT-20261127-0099",)}, "incidents", "no incident with reference", id="incident"
    ),
    pytest.param({"zones": (999,)}, "zones", "no dispersal zone 999", id="zone"),
    pytest.param({"directions": (999,)}, "directions", "no direction 999", id="direction"),
    pytest.param({"nights": (date(2026, 11, 28),)}, "nights", "is still to come", id="future-night"),
    pytest.param({"nights": (date(2026, 10, 1),)}, "nights", "more than 31 days ago", id="old-night"),
    pytest.param({"revises": "D-2026-0042"}, "revises", "no decision 'D-2026-0042'", id="revises-unknown"),
    pytest.param({"zones": tuple(range(1, 22))}, "incidents", "link at most 20", id="too-many-links"),
]


@pytest.mark.parametrize(("changes", "field", "words"), REFUSED)
def test_a_refused_decision_names_its_field_and_writes_nothing(
    db_url: str, changes: dict[str, Any], field: str, words: str
) -> None:
    async def scenario(db: Database) -> tuple[DecisionInputError, bool]:
        night = await a_night(db)
        before = await decision_counts(db)
        with pytest.raises(DecisionInputError) as refused:
            await night.supervisor.record_decision(ndm(**changes))
        return refused.value, before == await decision_counts(db)

    error, nothing_written = run_with_db(db_url, scenario)
    assert isinstance(error, ValidationError)
    assert error.field == field
    assert words in str(error)
    assert nothing_written


@pytest.mark.parametrize("role", ["partner", "auditor", "administrator"])
def test_only_operators_and_supervisors_record_decisions(db_url: str, role: str) -> None:
    async def scenario(db: Database) -> tuple[str, bool]:
        night = await a_night(db)
        before = await decision_counts(db)
        with pytest.raises(NotPermittedError) as refused:
            await as_user(night, f"{role}_x", role).record_decision(ndm())
        return str(refused.value), before == await decision_counts(db)

    message, nothing_written = run_with_db(db_url, scenario)
    assert "may not record a decision in the decision log" in message and nothing_written


def test_the_auditor_reads_the_log_the_partner_does_not(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str], str]:
        night = await a_night(db)
        await night.supervisor.record_decision(ndm())
        auditor = as_user(night, "dpo", "auditor").actor
        partner = as_user(night, "fox_door", "partner").actor
        listed = [d.reference for d in await list_decisions(db, auditor)]
        with pytest.raises(NotPermittedError) as refused:
            await list_decisions(db, partner)
        return listed, str(refused.value)

    listed, refusal = run_with_db(db_url, scenario)
    assert listed == ["D-2026-0001"]
    assert "may not read the decision log" in refusal


def test_references_count_per_year_of_the_night(db_url: str) -> None:
    async def scenario(db: Database) -> list[str]:
        night = await a_night(db)
        made = [(await night.supervisor.record_decision(ndm())).reference for _ in range(2)]
        new_year = as_user(night, "sup_one", "supervisor", NOW.replace(year=2027, month=1, day=2))
        made.append((await new_year.record_decision(ndm())).reference)
        return made

    assert run_with_db(db_url, scenario) == ["D-2026-0001", "D-2026-0002", "D-2027-0001"]
