"""The retention review: locks that run out by a day, and unlocked clips their camera no longer keeps."""

from __future__ import annotations

from datetime import date, timedelta

from controlroom.footage.queries import retention_review
from controlroom.storage.database import Database
from tests.core.footage.support import NOW, incident_with_cameras
from tests.core.support import run_with_db


def test_review_lists_locks_due_and_clips_past_their_cameras_retention(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, list[tuple[str, str]]]:
        reference, _, supervisor = await incident_with_cameras(db)
        end = NOW - timedelta(minutes=20)  # 23:10 UTC on 27 November: V3 keeps 31 days, C12 14

        async def mark(camera: str, text: str) -> int:
            return (await supervisor.mark_clip(reference, camera, end - timedelta(minutes=5), end, text)).id

        due = await mark("V3", "locked, due")
        await supervisor.lock_clip(due, date(2027, 1, 10), "court date")
        later = await mark("V3", "locked, not due")
        await supervisor.lock_clip(later, date(2027, 3, 1), "appeal")
        released = await mark("C12", "lock released")
        await supervisor.lock_clip(released, date(2027, 3, 1), "court date")
        await supervisor.unlock_clip(released, "no further action")
        await mark("C12", "never locked, C12 keeps 14 days")
        await mark("V3", "never locked, V3 keeps 31 days")
        seen = {}
        for on in (date(2026, 12, 10), date(2026, 12, 11), date(2027, 1, 10)):
            review = await retention_review(db, on)
            seen[on.isoformat()] = [("due", c.description) for c in review.locks_due] + [
                ("passed", c.description) for c in review.retention_passed
            ]
        return seen

    seen = run_with_db(db_url, scenario)
    assert seen["2026-12-10"] == []  # C12's 14 days run to 11 December
    assert seen["2026-12-11"] == [("passed", "lock released"), ("passed", "never locked, C12 keeps 14 days")]
    assert seen["2027-01-10"] == [
        ("due", "locked, due"),
        ("passed", "lock released"),
        ("passed", "never locked, C12 keeps 14 days"),
        ("passed", "never locked, V3 keeps 31 days"),
    ]
