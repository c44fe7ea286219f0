"""IncidentTableModel applies diffs (never resets on refresh) and passes Qt's model tester."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from controlroom.core.snapshots import Change, IncidentSnapshot
from ui.common.theme import GRADE_BACKGROUND
from ui.incidents.model import AGE, DUE, GRADE, PLACE, STATUS, SUMMARY, IncidentTableModel, format_age
from ui.incidents.view import IncidentTableView

NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)


def incident(n: int, **changes: object) -> IncidentSnapshot:
    base = IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:04d}",
        reported_at=NOW - timedelta(minutes=n),
        source="cctv",
        category="harassment",
        grade=(n % 4) + 1,
        status="new",
        venue_id=None,
        place=f"Place {n}",
        lat=50.905,
        lon=-1.404,
        summary=f"summary {n}",
        version=1,
    )
    return replace(base, **changes)


def upsert(snapshot: IncidentSnapshot, seq: int = 1) -> Change:
    return Change(seq=seq, entity="incident", op="upsert", entity_id=snapshot.id, incident=snapshot)


def delete(incident_id: int, seq: int = 1) -> Change:
    return Change(seq=seq, entity="incident", op="delete", entity_id=incident_id)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_model(rows: int = 10, clock: FakeMonotonic | None = None) -> IncidentTableModel:
    model = IncidentTableModel(wall_clock=lambda: NOW, monotonic=clock or FakeMonotonic())
    model.reset(incident(n) for n in range(1, rows + 1))
    return model


def test_model_passes_qt_model_tester_through_diffs(qtmodeltester) -> None:
    model = make_model(20)
    qtmodeltester.check(model, force_py=True)
    model.apply_changes(
        [
            delete(3),
            delete(4),
            delete(10),
            upsert(incident(21)),
            upsert(incident(5, status="acknowledged", version=2)),
        ]
    )
    qtmodeltester.check(model, force_py=True)


def test_diff_inserts_updates_and_removes_without_reset(qtbot) -> None:
    model = make_model(10)
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(
        lambda tl, br, roles: changed.append((tl.row(), tl.column(), br.column(), roles))
    )

    model.apply_changes(
        [
            upsert(incident(11)),
            upsert(incident(12)),
            delete(2),
            delete(3),
            delete(7),
            upsert(incident(5, summary="now with more detail", version=2)),
        ]
    )

    assert resets == []
    assert removed == [(6, 6), (1, 2)]  # descending, contiguous ranges merged
    assert inserted == [(7, 8)]
    assert changed == [(2, SUMMARY, SUMMARY, changed[0][3])]
    assert Qt.ItemDataRole.DisplayRole in changed[0][3]
    refs = [model.incident_at(r).reference for r in range(model.rowCount())]
    assert refs == [f"SOT-20261127-{n:04d}" for n in (1, 4, 5, 6, 8, 9, 10, 11, 12)]
    assert model.data(model.index(2, SUMMARY)) == "now with more detail"
    assert all(model.row_of(model.incident_at(r).id) == r for r in range(model.rowCount()))


def test_grade_change_repaints_colour_and_never_goes_backwards() -> None:
    model = make_model(3)
    roles_seen = []
    model.dataChanged.connect(lambda _tl, _br, roles: roles_seen.append(roles))
    model.apply_changes([upsert(incident(1, grade=1, version=3))])
    assert Qt.ItemDataRole.BackgroundRole in roles_seen[-1]
    assert model.data(model.index(0, GRADE)) == "G1 Emergency"
    assert (
        model.data(model.index(0, GRADE), Qt.ItemDataRole.BackgroundRole).color().name()
        == GRADE_BACKGROUND[1]
    )
    model.apply_changes([upsert(incident(1, grade=4, version=2))])  # stale
    assert model.data(model.index(0, GRADE)) == "G1 Emergency"


def test_new_rows_are_highlighted_for_a_few_seconds_and_ages_tick() -> None:
    clock = FakeMonotonic()
    wall = [NOW]
    model = IncidentTableModel(wall_clock=lambda: wall[0], monotonic=clock)
    model.reset([incident(1)])
    model.apply_changes([upsert(incident(2, reported_at=NOW))])
    assert model.is_highlighted(2) and not model.is_highlighted(1)
    assert model.data(model.index(1, STATUS), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(1, AGE)) == "0s"
    clock.now += 10
    wall[0] = NOW + timedelta(seconds=75)
    model.tick()
    assert not model.is_highlighted(2)
    assert model.data(model.index(1, STATUS), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(1, AGE)) == "1m 15s"


def test_age_format() -> None:
    assert [format_age(s) for s in (-5, 42, 65, 599, 900, 3720)] == [
        "0s",
        "42s",
        "1m 05s",
        "9m 59s",
        "15m",
        "1h 02m",
    ]


def test_selection_and_scroll_survive_a_diff(qtbot) -> None:
    model = make_model(200)
    view = IncidentTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    assert view.select_incident(150)
    view.scrollTo(view.currentIndex(), QAbstractItemView.ScrollHint.PositionAtTop)
    scroll = view.verticalScrollBar().value()
    model.apply_changes(
        [
            upsert(incident(201, reported_at=NOW - timedelta(days=1))),
            delete(199),
            upsert(incident(150, summary="updated", version=2)),
        ]
    )
    assert view.selected_incident_id() == 150
    assert view.verticalScrollBar().value() == scroll


def test_table_text_is_plain_and_tooltips_are_escaped() -> None:
    payload = '<img src=x onerror="alert(1)"><b>bold</b>'
    model = IncidentTableModel(wall_clock=lambda: NOW)
    model.reset([incident(1, summary=payload, place="\u202eevil")])
    assert model.data(model.index(0, SUMMARY)) == payload
    tooltip = model.data(model.index(0, SUMMARY), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img" in tooltip


def full_tally(model: IncidentTableModel, open_statuses: set[str], since: datetime) -> tuple[int, int, int]:
    rows = [model.incident_at(r) for r in range(model.rowCount())]
    open_rows = [i for i in rows if i.status in open_statuses]
    return (
        len(open_rows),
        sum(i.grade in (1, 2) for i in open_rows),
        sum(i.reported_at >= since for i in rows),
    )


def test_heading_tally_follows_every_diff_like_a_full_recount() -> None:
    open_statuses = {"new", "acknowledged"}
    since = NOW - timedelta(minutes=15)
    model = make_model(30)
    assert model.tally(open_statuses, since) == full_tally(model, open_statuses, since)
    diffs = [
        [upsert(incident(31)), upsert(incident(32, grade=1, reported_at=NOW))],
        [upsert(incident(5, status="resolved", version=2)), upsert(incident(6, grade=2, version=2))],
        [delete(7), delete(8), delete(20), upsert(incident(9, status="acknowledged", version=3))],
        [upsert(incident(6, grade=4, version=1))],  # stale: ignored by the rows and the counts
        [upsert(incident(33, status="closed")), delete(31), upsert(incident(32, status="closed", version=2))],
    ]
    for diff in diffs:
        model.apply_changes(diff)
        assert model.tally(open_statuses, since) == full_tally(model, open_statuses, since)
    later = NOW - timedelta(minutes=5)  # a new night start: counted afresh
    assert model.tally(open_statuses, later) == full_tally(model, open_statuses, later)
    model.reset(incident(n) for n in range(1, 5))
    assert model.tally(open_statuses, later) == full_tally(model, open_statuses, later)


def test_clock_tick_repaints_only_the_age_and_due_columns(qtbot) -> None:
    model = make_model(50)
    view = IncidentTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    area = view.clock_columns_rect()
    for column in (AGE, DUE):
        x = view.columnViewportPosition(column)
        assert area.left() <= x and x + view.columnWidth(column) - 1 <= area.right()
    assert area.left() > view.columnViewportPosition(STATUS)
    assert area.right() < view.columnViewportPosition(PLACE)
    assert area.height() == view.viewport().height()


def test_alerting_rows_flash_by_repainting_the_rows_on_screen_not_by_data_changes(qtbot) -> None:
    model = make_model(200)
    view = IncidentTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    on_screen = [view.proxy.mapToSource(view.proxy.index(r, 0)).row() for r in range(3)]
    flashing = [model.incident_at(r).id for r in on_screen[1:]] + [model.incident_at(199).id]
    model.set_alerting(flashing)
    changed: list[int] = []
    model.dataChanged.connect(lambda tl, _br, _roles: changed.append(tl.row()))
    column = STATUS
    before = model.data(model.index(on_screen[1], column), Qt.ItemDataRole.BackgroundRole)
    model.tick()
    after = model.data(model.index(on_screen[1], column), Qt.ItemDataRole.BackgroundRole)
    assert changed == []
    assert (before is None) != (after is None)  # the flash phase moved on
    rows = [view.rowAt(rect.center().y()) for rect in view.flashing_row_rects()]
    assert rows == [1, 2]  # the third alerting row is scrolled out of sight
    model.set_alerting([])
    assert view.flashing_row_rects() == []
