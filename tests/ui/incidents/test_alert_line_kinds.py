"""Step and handover lines on the alert stack: laid out without overlaps at every dock width and
text scale, never with buttons (A and U are for incidents), their words as the stack says them;
the model keeps an incident's own line and its step line apart and passes Qt's model checks as
lines of every kind come, move and go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from controlroom.core.snapshots import HandoverSnapshot
from controlroom.incidents.alerts import AlertEntry, AlertKind
from controlroom.procedures.checklist import OverdueStep
from tests.payloads import NAME
from tests.ui.incidents.test_alert_line import (
    NOW,
    SCALES,
    WIDTHS,
    assert_nothing_collides,
    entry,
    line_rect,
    metrics,
)
from ui.common.typed_text import shown_line
from ui.incidents.alert_line import layout_line, line_text
from ui.incidents.alert_stack import AlertStack, AlertStackModel, count_text


def step_entry(more: int = 0, over: timedelta = timedelta(minutes=7)) -> AlertEntry:
    incident = entry().incident
    step = OverdueStep(14, incident.reference, "2", "Ask the venue to secure the drink and glass", "operator",
                       NOW - over, over)  # fmt: skip
    return AlertEntry(incident, AlertKind.STEP_OVERDUE, timedelta(minutes=123), over, step, more)


def handover_entry(given_by: str = "op1", n: int = 3) -> AlertEntry:
    given_at = NOW - timedelta(minutes=20)
    counts = (("incidents", 4),)
    reference = f"H-2026-{n:04d}"
    handover = HandoverSnapshot(n, reference, given_by, given_at, "operator", None, "", counts, 0, False)
    return AlertEntry(None, AlertKind.HANDOVER, timedelta(minutes=20), None, handover=handover)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("width", WIDTHS)
def test_step_and_handover_lines_never_overlap_and_lead_with_what_they_are(
    qapp: Any, width: int, scale: float
) -> None:
    bold, plain = metrics(scale)
    rect = line_rect(width, plain)
    for made, lead in ((step_entry(2), "Step 2"), (handover_entry(NAME), "Handover")):
        line = layout_line(rect, made, bold, plain)
        assert_nothing_collides(line, rect, bold, plain)
        assert line.head_text.startswith(lead) or width <= 260


def test_what_the_lines_say(qapp: Any) -> None:
    assert line_text(step_entry()) == (
        "Supervisor: step 2 of SOT-20261202-0014 overdue 7 min — Ask the venue to secure the drink and glass"
    )
    young = line_text(step_entry(2, timedelta(seconds=20)))
    assert young.endswith("overdue under a minute — Ask the venue to secure the drink and glass (+2 more)")
    # 02:10 UTC on a December night is 02:10 on the UK clock; a typed user name is made inert.
    assert line_text(handover_entry()) == "Handover H-2026-0003 from op1 at 02:10 — awaiting acknowledgement"
    assert shown_line(NAME) in line_text(handover_entry(NAME)) and "\u202e" not in line_text(
        handover_entry(NAME)
    )
    bold, plain = metrics(1.0)
    wide = layout_line(line_rect(720, plain), step_entry(), bold, plain)
    assert (wide.head_text, wide.clock_text) == ("Step 2  SOT-20261202-0014", "7 min over")
    assert wide.place_text.startswith("Ask the venue to secure the drink")  # the step in the place's room


def test_no_buttons_on_a_step_or_handover_line_even_when_current(qtbot: Any) -> None:
    model = AlertStackModel()
    model.set_entries([step_entry(), handover_entry()])
    stack = AlertStack(model)
    qtbot.addWidget(stack)
    stack.resize(480, 200)
    stack.show()
    for row in (0, 1):
        option = QStyleOptionViewItem()
        option.rect = stack.list.visualRect(model.index(row))
        option.state = QStyle.StateFlag.State_Selected
        line = stack.delegate.layout(option, model.entry_at(row))
        assert line.acknowledge is None and line.update is None
    assert not stack.list.viewport().grab().isNull()  # and it paints


def test_an_incidents_own_line_and_its_step_line_are_two_lines_through_every_change(
    qtmodeltester: Any,
) -> None:
    model = AlertStackModel()
    qtmodeltester.check(model)
    own, steps, handover = entry(kind=AlertKind.BREACH), step_entry(), handover_entry()
    model.set_entries([own, steps, handover])
    assert [e.kind for e in model.entries()] == [AlertKind.BREACH, AlertKind.STEP_OVERDUE, AlertKind.HANDOVER]
    assert model.row_of(14) == 0  # the incident's own line
    model.set_entries([handover, steps])  # the breach ended; the other two moved
    assert [e.kind for e in model.entries()] == [AlertKind.HANDOVER, AlertKind.STEP_OVERDUE]
    assert model.row_of(14) is None
    model.set_entries([steps])
    assert count_text(model.counts()) == "1 alert — 1 step overdue"
    model.set_entries([own, step_entry(3), handover_entry(n=4), handover])
    assert count_text(model.counts()) == "4 alerts — 1 over target · 1 step overdue · 2 handovers"
    qtmodeltester.check(model)
