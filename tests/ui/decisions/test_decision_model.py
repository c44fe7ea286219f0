"""The Decisions dock's model applies the feed's diffs without a reset: a new decision is inserted
newest first, a revision's second change marks the earlier row in place, a late older state is
ignored; the filter narrows by words and by linked incident. Checked by pytest-qt's model tester."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from controlroom.core.snapshots import DecisionLink, DecisionSnapshot
from ui.decisions.model import REVISION, SUBJECT, DecisionFilter, DecisionTableModel

AT = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)


def _decision(
    number: int, minutes: int, subject: str, incident: str = "SOT-20261127-0042"
) -> DecisionSnapshot:
    return DecisionSnapshot(
        id=number,
        reference=f"D-2026-{number:04d}",
        night=date(2026, 11, 27),
        recorded_at=AT + timedelta(minutes=minutes),
        recorded_by="sup_one",
        role="supervisor",
        subject=subject,
        information="Three fights since 22:40",
        assessment="High risk",
        powers_policy="",
        options="",
        decision="Stop entry",
        rationale="Least intrusive",
        links=(DecisionLink("incident", number, incident),),
    )


def _subjects(model: Any) -> list[str]:
    return [model.index(row, SUBJECT).data() for row in range(model.rowCount())]


def test_diffs_insert_newest_first_and_mark_revisions_in_place(qtmodeltester: Any, qtbot: Any) -> None:
    model = DecisionTableModel()
    model.reset([_decision(1, 0, "Close the door"), _decision(2, 10, "Patrol to Bargate")])
    qtmodeltester.check(model, force_py=True)
    assert _subjects(model) == ["Patrol to Bargate", "Close the door"]
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))

    revision = replace(_decision(3, 20, "Reopen the door"), revises_id=1, revises_reference="D-2026-0001")
    revised = replace(_decision(1, 0, "Close the door"), revised_by=("D-2026-0003",), version=2)
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.apply([revision, revised])
    assert _subjects(model) == ["Reopen the door", "Patrol to Bargate", "Close the door"]
    assert model.index(0, REVISION).data() == "revises D-0001"
    assert model.index(2, REVISION).data() == "revised by D-0003"
    model.apply([_decision(1, 0, "Close the door")])  # the first state, arriving late
    assert model.index(2, REVISION).data() == "revised by D-0003"
    assert resets == []  # the tester, still attached, checked each insert and change above

    shown = DecisionFilter()
    shown.setSourceModel(model)
    shown.set_text("the door")
    assert _subjects(shown) == ["Reopen the door", "Close the door"]  # every word, anywhere
    shown.set_text("D-2026-0002")
    assert _subjects(shown) == ["Patrol to Bargate"]
    shown.set_text("")
    model.apply([_decision(4, 30, "Taxi marshals to the rank", incident="SOT-20261127-0050")])
    shown.set_incident("0050")
    assert _subjects(shown) == ["Taxi marshals to the rank"]
