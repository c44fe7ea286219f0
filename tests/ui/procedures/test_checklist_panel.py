"""The checklist panel on its own (a fixed clock, real snapshots and diffs as the feed hands them
out): each step's mark, who, due time on the UK clock and time left or overdue in amber or red;
by whom and when, a skip's reason as typed but inert; a question; another console's mark changes
the row in place (no reset) and the panel says the shown incident's checklist changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from controlroom.core.snapshots import Change, ChecklistSnapshot, Diff, Snapshot, StepSnapshot
from tests.payloads import TEXT
from ui.common import theme
from ui.common.typed_text import shown_line
from ui.procedures.checklist import ChecklistPanel

# 01:00 GMT on a December night: the UK clock reads the same as UTC.
REPORTED = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def step(number: str, text: str, state: str, minutes: int | None, **more: Any) -> StepSnapshot:
    """A step due ``minutes`` after the report (None: no time limit); ``more``: who, by, at…"""
    due = REPORTED + timedelta(minutes=minutes) if minutes is not None else None
    return StepSnapshot(number, text, more.pop("who", "operator"), state, minutes, due, **more)


def at(minutes: int) -> datetime:
    return REPORTED + timedelta(minutes=minutes)


def sheet(incident_id: int = 7, **replaced: StepSnapshot) -> ChecklistSnapshot:
    question = "Is there any suggestion of a sexual offence?"
    steps = [
        step("1", "Urgent welfare: send St John", "done", 5, by="op1", at=at(3)),
        step("2", "Secure the drink and glass", "pending", 10),
        step("3", "CCTV on the person and the exits", "pending", 15),
        step("4", "Ask about a sexual offence", "pending", 30, question=question),
        step("4a", "Request a SOIT officer", "conditional", None, branch_of="4", branch="yes"),
        step("5", "Supervisor reviews", "skipped", 60, who="supervisor", by="sup1", at=at(20), reason=TEXT),
    ]
    chosen = tuple(replaced.get(f"s{s.number}", s) for s in steps)
    key, title = "suspected_spiking", "Suspected spiking"
    return ChecklistSnapshot(incident_id, key, title, "2026.1", "h", REPORTED, chosen)


class Panel:
    def __init__(self, qtbot: Any, minutes_after_report: float) -> None:
        self.now = REPORTED + timedelta(minutes=minutes_after_report)
        self.host = QWidget()
        qtbot.addWidget(self.host)
        self.panel = ChecklistPanel(wall_clock=lambda: self.now, parent=self.host)
        self.host.resize(520, 700)
        self.host.show()

    def rows(self) -> list[str]:
        model = self.panel.model
        return [model.index(r).data() for r in range(model.rowCount())]

    def colour(self, row: int) -> str:
        brush = self.panel.model.index(row).data(Qt.ItemDataRole.ForegroundRole)
        return QColor(brush.color()).name()


def test_each_step_shows_its_mark_who_due_time_and_what_became_of_it(qtbot: Any, qtmodeltester: Any) -> None:
    console = Panel(qtbot, minutes_after_report=11)
    console.panel.load(Snapshot(cursor=1, checklists=(sheet(),)))
    assert not console.panel.showing  # no incident shown yet
    console.panel.show_incident(7)
    assert console.panel.showing
    assert console.panel.heading == "Steps 2/6"  # dealt with: done, skipped or not applicable
    assert console.panel.procedure.full_text() == "Suspected spiking (procedures 2026.1)"
    rows = console.rows()
    assert rows[0] == "1  ✓  Urgent welfare: send St John\n      Operator · due 01:05 · done by op1 at 01:03"
    assert rows[1] == "2  ○  Secure the drink and glass\n      Operator · due 01:10 · overdue 1 min"
    assert rows[2] == "3  ○  CCTV on the person and the exits\n      Operator · due 01:15 · 4 min left"
    assert rows[3] == (
        "4  ○  Ask about a sexual offence\n      ? Is there any suggestion of a sexual offence?  (Y / N)"
        "\n      Operator · due 01:30 · 19 min left"
    )
    assert rows[4] == "4a  ·  Request a SOIT officer\n      Operator · if step 4 is answered yes"
    skipped = "5  ⤼  Supervisor reviews\n      Supervisor · due 02:00 · skipped by sup1 at 01:20: "
    assert rows[5].startswith(skipped)
    assert rows[5].endswith(shown_line(TEXT))  # the typed reason, its controls spelled out
    assert "\x1b" not in rows[5] and "\u202e" not in rows[5]
    assert console.colour(1) == QColor(theme.BAD).name()  # overdue: red
    assert console.colour(2) == QColor(theme.AMBER).name()  # due within five minutes: amber
    assert console.colour(3) == QColor(theme.TEXT).name()
    assert console.colour(0) == QColor(theme.MUTED).name()  # dealt with
    qtmodeltester.check(console.panel.model)


def test_the_clock_moves_the_time_left_and_another_consoles_mark_changes_the_row_in_place(qtbot: Any) -> None:
    console = Panel(qtbot, minutes_after_report=11)
    console.panel.load(Snapshot(cursor=1, checklists=(sheet(), sheet(8))))
    console.panel.show_incident(7)
    console.now += timedelta(minutes=5)
    console.panel.model.tick()
    assert console.rows()[2].endswith("due 01:15 · overdue 1 min")
    resets: list[int] = []
    changed_rows: list[int] = []
    told: list[int] = []
    console.panel.model.modelReset.connect(lambda: resets.append(1))
    console.panel.model.dataChanged.connect(lambda top, _bottom, _roles: changed_rows.append(top.row()))
    console.panel.sig_checklist_changed.connect(told.append)
    done = step("2", "Secure the drink and glass", "done", 10, by="op2", at=at(15))
    other = Change(seq=2, entity="checklist", op="upsert", entity_id=8, checklist=sheet(8, s2=done))
    console.panel.apply(Diff(since=1, cursor=2, changes=(other,)))
    assert told == [] and changed_rows == []  # another incident's checklist: nothing here moves
    mine = Change(seq=3, entity="checklist", op="upsert", entity_id=7, checklist=sheet(7, s2=done))
    console.panel.apply(Diff(since=2, cursor=3, changes=(mine,)))
    assert told == [7] and resets == []
    assert sorted(set(changed_rows)) == [1, 2]  # the marked step, and step 3 now the next (bold)
    marked = "2  ✓  Secure the drink and glass\n      Operator · due 01:10 · done by op2 at 01:15"
    assert console.rows()[1] == marked
    assert console.panel.heading == "Steps 3/6"
    assert console.panel.current_step().number == "3"  # K / Space would mark step 3 next
    console.panel.show_incident(None)
    assert not console.panel.showing


def test_an_incident_without_a_procedure_shows_no_checklist(qtbot: Any) -> None:
    console = Panel(qtbot, minutes_after_report=1)
    console.panel.load(Snapshot(cursor=1, checklists=(sheet(),)))
    console.panel.show_incident(99)
    assert not console.panel.showing and console.panel.model.rowCount() == 0
