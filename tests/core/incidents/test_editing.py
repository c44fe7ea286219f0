"""Editing incidents: refused moves write nothing, stale saves never overwrite."""

from __future__ import annotations

from datetime import timedelta

import pytest

from controlroom.core.errors import StaleVersionError, ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.incidents.alerts import alert_for, may_alert, rank_alerts
from controlroom.incidents.editing import IncidentEdit
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.core.support import add_venue, commands_for, row_counts, run_with_db


async def _reported(db: Database, grade: int | None = 2) -> str:
    commands = commands_for(db, "operator-a")
    await add_venue(commands)
    made = await commands.report_incident(
        NewIncident(category="harassment", source="cctv", summary="x", venue="Velvet Fox", grade=grade)
    )
    return made.reference


def test_two_consoles_one_incident_the_stale_save_is_refused(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        ref = await _reported(db)
        alice, bob = commands_for(db, "alice"), commands_for(db, "bob")
        seen_by_both = 1
        await alice.update_incident(ref, grade=1, expected_version=seen_by_both)
        before = await row_counts(db)
        with pytest.raises(StaleVersionError) as caught:
            await bob.update_incident(ref, grade=3, note="bob's view", expected_version=seen_by_both)
        return caught.value, before, await row_counts(db), await incident_detail(db, ref)

    error, before, after, detail = run_with_db(db_url, scenario)
    assert "changed by alice" in str(error) and "version 2" in str(error)
    assert error.exit_code == 3
    assert error.current.grade == 1  # what the other console changed, for the operator to see
    assert before == after
    assert detail.incident.grade == 1


def test_invalid_transition_names_allowed_states_and_writes_nothing(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        ref = await _reported(db)
        commands = commands_for(db)
        before = await row_counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.update_incident(ref, status="on_scene", note="should not be kept")
        return str(caught.value), before, await row_counts(db)

    message, before, after = run_with_db(db_url, scenario)
    assert "cannot become on_scene; allowed next: acknowledged, dispatched, resolved" in message
    assert before == after


def test_full_edit_records_thrive_details_and_attendance(db_url: str) -> None:
    async def scenario(db: Database) -> object:
        ref = await _reported(db)
        commands = commands_for(db)
        await commands.update_incident(
            ref,
            IncidentEdit(
                thrive={"threat": "ongoing", "vulnerability": "alone, intoxicated"},
                vulnerable_person="Woman, 20s, green dress",
                person_of_concern="Man, grey hoodie",
                reporter_contact="Door supervisor 07700 900123",
                angela_outcome="taxi",
            ),
        )
        for status in ("acknowledged", "dispatched", "on_scene"):
            await commands.update_incident(ref, status=status)
        return await incident_detail(db, ref)

    detail = run_with_db(db_url, scenario)
    incident = detail.incident
    assert incident.thrive["threat"] == "ongoing" and incident.thrive["harm"] == ""
    assert incident.person_of_concern == "Man, grey hoodie" and incident.angela_outcome == "taxi"
    assert incident.attended_at is not None and incident.version == 5
    kinds = [e.kind for e in detail.timeline]
    assert kinds == ["reported", "thrive", "edited", "status", "status", "status"]
    assert "THRIVE assessed" in detail.timeline[1].describe()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (IncidentEdit(thrive={"threat": "x", "mood": "y"}), "unknown THRIVE field(s) mood"),
        (IncidentEdit(angela_outcome="hug"), "valid outcomes are: reunited_with_friends, taxi"),
        (IncidentEdit(summary=""), "the summary is empty"),
        (IncidentEdit(category="nonsense"), "choose one of"),
    ],
)
def test_bad_edits_are_refused(db_url: str, edit: IncidentEdit, message: str) -> None:
    async def scenario(db: Database) -> str:
        ref = await _reported(db)
        with pytest.raises(ValidationError) as caught:
            await commands_for(db).update_incident(ref, edit)
        return str(caught.value)

    assert message in run_with_db(db_url, scenario).replace("categories", "categorys")


def test_duplicate_link_keeps_both_records(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object]:
        first = await _reported(db)
        second = await _reported(db)
        await commands_for(db).link_duplicate(second, first)
        with pytest.raises(ValidationError, match="cannot be a duplicate of itself"):
            await commands_for(db).link_duplicate(first, first)
        return await incident_detail(db, second), await incident_detail(db, first)

    dup, original = run_with_db(db_url, scenario)
    assert dup.duplicate_of_reference == original.incident.reference
    assert dup.timeline[-1].describe() == f"closed: duplicate of {original.incident.reference}"
    assert original.incident.summary == dup.incident.summary == "x"


def test_linking_a_duplicate_stops_its_clock_and_its_alert(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, object]:
        first = await _reported(db, grade=1)
        second = await _reported(db, grade=1)
        before = (await incident_detail(db, second)).incident
        await commands_for(db).link_duplicate(second, first)
        after = (await incident_detail(db, second)).incident
        return before, after, (await incident_detail(db, first)).incident

    before, after, original = run_with_db(db_url, scenario)
    targets = GradeTargets()
    long_after = after.reported_at + timedelta(hours=2)
    # Before the link it alerts (an unacknowledged Grade 1) and would breach its 15 minutes.
    assert alert_for(before, targets, long_after) is not None
    assert (after.status, after.duplicate_of, after.version) == ("closed", original.id, before.version + 1)
    assert not may_alert(after, targets) and alert_for(after, targets, long_after) is None
    assert [e.incident.reference for e in rank_alerts([after, original], targets, long_after)] == [
        original.reference
    ]


def test_caller_update_is_recorded(db_url: str) -> None:
    async def scenario(db: Database) -> object:
        ref = await _reported(db, grade=1)
        await commands_for(db).record_caller_updated(ref, "Told caller: patrol 10 minutes away")
        return await incident_detail(db, ref)

    detail = run_with_db(db_url, scenario)
    assert detail.incident.caller_updated_at is not None
    assert detail.timeline[-1].describe() == "reporter updated: Told caller: patrol 10 minutes away"


def test_safe_space_status_changes_once_and_refuses_non_safe_spaces(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, dict[str, int], dict[str, int]]:
        commands = commands_for(db)
        await add_venue(commands)
        await add_venue(commands, "Pixel Lounge", safe=False)
        full = await commands.set_safe_space_status("velvet fox", "full")
        before = await row_counts(db)
        same = await commands.set_safe_space_status("Velvet Fox", "full")
        with pytest.raises(ValidationError, match="not a safe space"):
            await commands.set_safe_space_status("Pixel Lounge", "closed")
        return full, same, before, await row_counts(db)

    full, same, before, after = run_with_db(db_url, scenario)
    assert full.safe_space_status == "full" and full.version == 2
    assert same == full and before == after
