"""Footage as evidence on the command layer: the whole flow, the s.62 disclosure, every refusal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from controlroom.audit.chain import verify
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.footage.queries import incident_footage
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, IncidentEvent
from tests.core.footage.support import NOW, as_role, footage_counts, incident_with_cameras
from tests.core.support import run_with_db

START, END = NOW - timedelta(minutes=40), NOW - timedelta(minutes=25)


def test_mark_view_lock_request_release_each_leave_log_timeline_audit_and_change(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        reference, commands, supervisor = await incident_with_cameras(db)
        operator = as_role(commands, "operator")
        before = await footage_counts(db)
        clip = await operator.mark_clip(reference, "v3", START, END, "Two men fighting at the door")
        await operator.view_clip(clip.id, "Checking who struck first")
        await supervisor.lock_clip(clip.id, date(2027, 6, 1), "Assault: evidence for court")
        request = await operator.record_request(reference, "PC 1234 Smith", "Assault file", clip.id)
        await supervisor.release_clip(clip.id, "PC 1234 Smith", "Evidence for the assault file", request.id)
        after = await footage_counts(db)
        footage = await incident_footage(db, reference)
        async with db.read() as conn:
            audit = await conn.execute(
                select(
                    AuditEntry.action,
                    AuditEntry.kind,
                    AuditEntry.actor,
                    AuditEntry.justification,
                    AuditEntry.recipient,
                )
                .where(AuditEntry.action.like("footage.%"))
                .order_by(AuditEntry.id)
            )
            timeline = await conn.execute(
                select(IncidentEvent.detail).where(IncidentEvent.kind == "footage").order_by(IncidentEvent.id)
            )
            last_change = (
                await conn.execute(
                    select(ChangeLogEntry.entity, ChangeLogEntry.payload).order_by(ChangeLogEntry.seq.desc())
                )
            ).first()
        return {
            "delta": {k: after[k] - before[k] for k in after},
            "footage": footage,
            "audit": [tuple(row) for row in audit.all()],
            "timeline": [detail["text"] for (detail,) in timeline.all()],
            "last_change": last_change,
            "chain": await verify(db),
        }

    seen = run_with_db(db_url, scenario)
    assert seen["delta"] == {
        "clips": 1,
        "events": 5,  # marked, viewed, locked, requested, released
        "requests": 1,
        "releases": 1,
        "timeline": 5,
        "audit": 5,
        "changes": 5,
    }
    (clip,) = seen["footage"].clips
    assert [(e.event, e.actor) for e in clip.events] == [
        ("marked", "operator-2"),
        ("viewed", "operator-2"),
        ("locked", "supervisor-1"),
        ("requested", "operator-2"),
        ("released", "supervisor-1"),
    ]
    assert clip.camera_number == "V3" and clip.locked and clip.locked_until == date(2027, 6, 1)
    assert clip.deletion_date == date(2026, 12, 28)  # 23:05 UTC on 27 November plus 31 days
    (release,) = clip.releases
    assert (release.recipient, release.justification) == ("PC 1234 Smith", "Evidence for the assault file")
    (request,) = seen["footage"].requests
    assert (request.status, request.closed_by) == ("released", "supervisor-1")
    # DPA 2018 s.62: a release is a disclosure with why and to whom, like printed paperwork.
    assert seen["audit"] == [
        ("footage.mark", "collection", "operator-2", None, None),
        ("footage.view", "consultation", "operator-2", "Checking who struck first", None),
        ("footage.lock", "alteration", "supervisor-1", None, None),
        ("footage.request", "collection", "operator-2", None, None),
        ("footage.release", "disclosure", "supervisor-1", "Evidence for the assault file", "PC 1234 Smith"),
    ]
    assert seen["timeline"][0].startswith(f"clip {clip.id} marked: camera V3")
    assert "released to PC 1234 Smith" in seen["timeline"][-1]
    change = seen["last_change"]
    assert change.entity == "incident" and change.payload["reference"] == clip.incident_reference
    assert seen["chain"].ok


def _refusals() -> list[Any]:
    day = date(2027, 1, 1)
    return [
        pytest.param(
            lambda f, ref, clip: f.mark_clip(ref, "V3", END, START, "x"), "ends (", id="end-before-start"
        ),
        pytest.param(
            lambda f, ref, clip: f.mark_clip(ref, "V9", START, END, "x"),
            "unknown camera 'V9'; the register has: C12, F1, V3",
            id="unknown-camera",
        ),
        pytest.param(
            lambda f, ref, clip: f.mark_clip(ref, "V3", START, END, " \u200b "),
            "clip description shows nothing",
            id="blank-description",
        ),
        pytest.param(
            lambda f, ref, clip: f.mark_clip("SOT-20261127-0099", "V3", START, END, "x"),
            "no incident with reference",
            id="unknown-incident",
        ),
        pytest.param(
            lambda f, ref, clip: f.release_clip(clip, "", "For the file"),
            "a release needs its recipient",
            id="release-without-recipient",
        ),
        pytest.param(
            lambda f, ref, clip: f.release_clip(clip, "PC 1234", "  "),
            "a release needs its justification",
            id="release-without-justification",
        ),
        pytest.param(
            lambda f, ref, clip: f.release_clip(clip, "PC 1234", "File", request_id=77),
            "no request 77 for this incident",
            id="release-unknown-request",
        ),
        pytest.param(
            lambda f, ref, clip: f.lock_clip(clip, date(2026, 12, 28), "court"),
            "would be deleted on 2026-12-28 anyway; give a date after 2026-12-28",
            id="lock-not-beyond-retention",
        ),
        pytest.param(lambda f, ref, clip: f.unlock_clip(clip, "done"), "is not locked", id="unlock-unlocked"),
        pytest.param(lambda f, ref, clip: f.view_clip(999, "look"), "no clip 999", id="unknown-clip"),
        pytest.param(
            lambda f, ref, clip: f.record_request(ref, "PC 1", "file", 999),
            "no clip 999",
            id="request-no-clip",
        ),
        pytest.param(
            lambda f, ref, clip: f.lock_clip(clip, day, ""),
            "reason for the evidence lock is empty",
            id="no-reason",
        ),
    ]


@pytest.mark.parametrize(("attempt", "message"), _refusals())
def test_refused_input_says_what_is_wrong_and_writes_nothing(db_url: str, attempt: Any, message: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        reference, _, supervisor = await incident_with_cameras(db)
        clip = await supervisor.mark_clip(reference, "V3", START, END, "The door")
        before = await footage_counts(db)
        with pytest.raises(ValidationError) as refused:
            await attempt(supervisor, reference, clip.id)
        return str(refused.value), before, await footage_counts(db)

    said, before, after = run_with_db(db_url, scenario)
    assert message in said
    assert after == before


def test_operators_may_not_lock_or_release_and_nothing_is_written(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str], dict[str, int], dict[str, int]]:
        reference, commands, _ = await incident_with_cameras(db)
        operator = as_role(commands, "operator")
        clip = await operator.mark_clip(reference, "V3", START, END, "The door")
        before = await footage_counts(db)
        said = []
        for attempt in (
            operator.lock_clip(clip.id, date(2027, 6, 1), "court"),
            operator.release_clip(clip.id, "PC 1", "file"),
            as_role(commands, "auditor").view_clip(clip.id, "curious"),
        ):
            with pytest.raises(NotPermittedError) as refused:
                await attempt
            said.append(str(refused.value))
        return said, before, await footage_counts(db)

    said, before, after = run_with_db(db_url, scenario)
    assert "may not lock or unlock footage as evidence; this needs: supervisor (inspector)" in said[0]
    assert "may not release footage outside the control room" in said[1]
    assert "may not view marked footage; this needs: operator, supervisor" in said[2]
    assert after == before
