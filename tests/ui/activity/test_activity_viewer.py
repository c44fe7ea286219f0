"""The activity log viewer in real windows on SQLite and PostgreSQL: Ctrl+Shift+Y shows an
operator what they did tonight, in time order, narrowed by kind; the operator cannot choose
another user; a supervisor reading the operator's log sees the rows, and the core writes that
reading to the audit trail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.core.roles import Actor
from controlroom.decisions.records import NewDecision
from controlroom.incidents.reporting import NewIncident
from tests.ui.logins import audit_entries
from tests.ui.waits import wait_until

OPERATOR = Actor("op_activity", "operator")
SUPERVISOR = Actor("sup_activity", "supervisor")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _open_viewer(qtbot: Any, window: Any) -> Any:
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")
    QTest.keyClick(window, Qt.Key.Key_Y, CTRL_SHIFT)
    wait_until(
        qtbot, lambda: window.activity.viewer is not None and window.activity.viewer.isVisible(), "the viewer"
    )
    viewer = window.activity.viewer
    wait_until(qtbot, lambda: viewer.shown is not None, f"the log was shown ({viewer.error.text()})")
    return viewer


def _show(qtbot: Any, viewer: Any) -> None:
    with qtbot.waitSignal(viewer.sig_shown, timeout=5000):
        viewer.start_query()


def test_an_operator_reads_their_own_night_and_a_supervisor_reads_it_audited(
    demo_db_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    operator = open_window(demo_db_url, actor=OPERATOR)
    incident = arun(
        operator.commands.report_incident(
            NewIncident(
                category="assault", source="cctv", summary="Glass thrown at the door", venue="Velvet Fox"
            )
        )
    )
    decision = arun(
        operator.commands.record_decision(
            NewDecision(
                subject="Patrol to stay at the Velvet Fox\u202e until close",
                information="Two fights at the door",
                assessment="Risk of a third",
                decision="Keep the patrol there until close",
                rationale="Deters a repeat",
                incidents=(incident.reference,),
            )
        )
    )

    viewer = _open_viewer(qtbot, operator)
    rows = viewer.rows()
    assert rows, "the operator's own actions are listed"
    times = [item.at for item in viewer.model.items()]
    assert times == sorted(times)  # time order
    kinds = {r[1] for r in rows}
    assert {"incident", "decision"} <= kinds
    assert any(decision.reference in r[2] for r in rows)
    # Typed text shown inert: the override spelled out, never obeyed.
    assert not any("\u202e" in r[2] for r in rows)
    assert any("\\u202e" in r[2] for r in rows)
    assert any(r[3] == incident.reference for r in rows)
    # Only their own: the picker holds their name and cannot be changed.
    assert not viewer.user.isEnabled() and not viewer.user.isEditable()
    assert [viewer.user.itemText(i) for i in range(viewer.user.count())] == [OPERATOR.name]
    # Narrowed by kind.
    viewer.kind.setCurrentIndex(viewer.kind.findData("decision"))
    _show(qtbot, viewer)
    assert viewer.rows() and {r[1] for r in viewer.rows()} == {"decision"}

    # A supervisor at another console reads the operator's log: rows, and the reading audited.
    supervisor = open_window(demo_db_url, actor=SUPERVISOR)
    other = _open_viewer(qtbot, supervisor)
    assert other.user.isEnabled() and other.user.isEditable()
    assert not [e for e in audit_entries(demo_db_url, actor=SUPERVISOR.name) if e.action == "activity.read"]
    other.user.setCurrentText(OPERATOR.name)
    _show(qtbot, other)
    assert any(decision.reference in r[2] for r in other.rows())
    assert "this reading is in the audit trail" in other.summary.text()
    [reading] = [e for e in audit_entries(demo_db_url, actor=SUPERVISOR.name) if e.action == "activity.read"]
    assert OPERATOR.name in str(reading.detail)
