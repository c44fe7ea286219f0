"""FilterBar drives IncidentFilterProxy: typing filters the list once per pause, choices apply
at once, the filter survives a restart, and the proxy stays a well-behaved sorted model."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from controlroom.core.snapshots import Change, IncidentSnapshot
from controlroom.incidents.filters import OPEN_STATUSES, IncidentFilter
from tests.ui.waits import wait_until
from ui.incidents.filter_bar import DEBOUNCE_MS, SETTINGS_KEY, FilterBar
from ui.incidents.filter_proxy import IncidentFilterProxy
from ui.incidents.model import AGE, IncidentTableModel
from ui.incidents.view import IncidentTableView

NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
SUMMARIES = {
    1: "Man pestering women at the bar",
    2: "Woman alone and upset, phone dead",
    3: "Fight outside, two men",
    4: "Drink possibly spiked at the Velvet Fox",
    5: "Lost friends, needs a taxi",
}
PLACES = {1: "Velvet Fox", 2: "Bargate", 3: "Oxford Street", 4: "Bedford Place", 5: "Bargate taxi rank"}


def incident(n: int, **changes: object) -> IncidentSnapshot:
    base = IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:04d}",
        reported_at=NOW - timedelta(minutes=25 * n),
        source="cctv",
        category="harassment",
        grade=(n % 4) + 1,
        status="new" if n % 2 else "resolved",
        venue_id=None,
        place=PLACES.get(n, f"Place {n}"),
        lat=50.905,
        lon=-1.404,
        summary=SUMMARIES.get(n, f"summary {n}"),
        version=1,
    )
    return replace(base, **changes)


def upsert(snapshot: IncidentSnapshot) -> Change:
    return Change(seq=1, entity="incident", op="upsert", entity_id=snapshot.id, incident=snapshot)


class CountingProxy(IncidentFilterProxy):
    """Counts how often Qt asks whether a row passes."""

    asked = 0

    def filterAcceptsRow(self, source_row, source_parent) -> bool:  # noqa: N802
        self.asked += 1
        return super().filterAcceptsRow(source_row, source_parent)


def make_proxy(
    rows: int = 5, clock: list[datetime] | None = None, kind: type[IncidentFilterProxy] = IncidentFilterProxy
) -> IncidentFilterProxy:
    wall = clock or [NOW]
    model = IncidentTableModel(wall_clock=lambda: wall[0])
    model.reset(incident(n) for n in range(1, rows + 1))
    proxy = kind(model, wall_clock=lambda: wall[0])
    proxy.setSourceModel(model)
    proxy.sort(AGE, Qt.SortOrder.AscendingOrder)  # newest first, as the view does
    return proxy


def visible_ids(proxy: IncidentFilterProxy) -> list[int]:
    return [i.id for i in proxy.visible_incidents()]


def make_bar(qtbot, proxy: IncidentFilterProxy | None = None) -> FilterBar:
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.resize(760, 80)
    bar.show()
    if proxy is not None:
        bar.sig_filter_changed.connect(proxy.set_filter)
    return bar


# -- the bar -------------------------------------------------------------------------


def test_typing_filters_the_list_once_the_operator_pauses(qtbot) -> None:
    proxy = make_proxy()
    bar = make_bar(qtbot, proxy)
    emitted: list[IncidentFilter] = []
    bar.sig_filter_changed.connect(emitted.append)

    with qtbot.waitSignal(bar.sig_filter_changed, timeout=2000, raising=True) as blocker:
        qtbot.keyClicks(bar.search, "FOX")
        assert emitted == []  # nothing per keystroke

    assert blocker.args == [IncidentFilter(text="FOX")]
    assert visible_ids(proxy) == [1, 4]  # place "Velvet Fox", summary "… Velvet Fox"
    qtbot.assertNotEmitted(bar.sig_filter_changed, wait=3 * DEBOUNCE_MS)  # once per pause, not per key
    assert len(emitted) == 1

    with qtbot.waitSignal(bar.sig_filter_changed, timeout=2000, raising=True):
        qtbot.keyClicks(bar.search, " drink")
    assert visible_ids(proxy) == [4]


def test_area_box_narrows_by_place(qtbot) -> None:
    proxy = make_proxy()
    bar = make_bar(qtbot, proxy)
    with qtbot.waitSignal(bar.sig_filter_changed, timeout=2000, raising=True):
        qtbot.keyClicks(bar.area, "bargate")
    assert visible_ids(proxy) == [2, 5]


def test_choices_apply_at_once_and_open_only_follows_the_status_menu(qtbot) -> None:
    proxy = make_proxy()
    bar = make_bar(qtbot, proxy)
    emitted: list[IncidentFilter] = []
    bar.sig_filter_changed.connect(emitted.append)

    qtbot.mouseClick(bar.open_only, Qt.MouseButton.LeftButton)
    assert emitted[-1].is_open_only
    assert visible_ids(proxy) == [1, 3, 5]
    assert bar.statuses.values() == OPEN_STATUSES
    assert bar.statuses.button.text() == "Status: open"

    # Unticking one open status in the menu is no longer "open only".
    dispatched = next(a for a, value in bar.statuses.actions if value == "dispatched")
    dispatched.trigger()
    assert not bar.open_only.isChecked()
    assert emitted[-1].statuses == OPEN_STATUSES - {"dispatched"}

    grade_1 = next(a for a, value in bar.grades.actions if value == 1)
    grade_1.trigger()
    assert emitted[-1].grades == {1}
    assert bar.grades.button.text() == "Grade (1)"

    bar.window_combo.setCurrentIndex(bar.window_combo.findData("1h"))
    assert emitted[-1].window == "1h"
    assert len(emitted) == 4

    assert bar.clear_button.isEnabled()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert emitted[-1] == IncidentFilter()
    assert visible_ids(proxy) == [1, 2, 3, 4, 5]
    assert not bar.clear_button.isEnabled()
    assert bar.statuses.button.text() == "Status"


def test_set_filter_shows_it_in_the_controls_and_emits_only_on_change(qtbot) -> None:
    bar = make_bar(qtbot)
    emitted: list[IncidentFilter] = []
    bar.sig_filter_changed.connect(emitted.append)
    chosen = IncidentFilter(
        statuses=OPEN_STATUSES, grades={1, None}, sources={"cctv"}, area="Bargate", window="night", text="fox"
    )
    bar.set_filter(chosen)
    bar.set_filter(chosen)
    assert emitted == [chosen]
    assert bar.current_filter() == chosen
    assert bar.search.text() == "fox" and bar.area.text() == "Bargate"
    assert bar.window_combo.currentText() == "This night"
    assert bar.open_only.isChecked()
    # Setting the text did not start a second, debounced emission.
    qtbot.assertNotEmitted(bar.sig_filter_changed, wait=3 * DEBOUNCE_MS)
    assert emitted == [chosen]


def test_save_and_restore_through_an_ini_file(qtbot, tmp_path: Path) -> None:
    path = str(tmp_path / "ui.ini")
    chosen = IncidentFilter(
        statuses={"new"}, grades={2}, categories={"suspected_spiking"}, area="Oxford", window="2h", text="fox"
    )
    first = make_bar(qtbot)
    first.set_filter(chosen)
    settings = QSettings(path, QSettings.Format.IniFormat)
    first.save(settings)
    settings.sync()

    second = make_bar(qtbot)
    with qtbot.waitSignal(second.sig_filter_changed, timeout=1000, raising=True) as blocker:
        second.restore(QSettings(path, QSettings.Format.IniFormat))
    assert blocker.args == [chosen]
    assert second.current_filter() == chosen


def test_restoring_damaged_or_old_settings_is_never_fatal(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    bar = make_bar(qtbot)
    bar.restore(settings)  # nothing stored yet
    assert bar.current_filter() == IncidentFilter()
    settings.setValue(SETTINGS_KEY, '{"statuses": ["new", "escalated"], "window": "3d"')
    bar.restore(settings)
    assert bar.current_filter() == IncidentFilter()
    settings.setValue(SETTINGS_KEY, '{"statuses": ["new", "escalated"], "window": "3d"}')
    bar.restore(settings)
    assert bar.current_filter() == IncidentFilter(statuses={"new"})


def test_focus_search_selects_what_was_typed(qtbot) -> None:
    bar = make_bar(qtbot)
    bar.search.setText("fox")
    bar.activateWindow()
    bar.focus_search()
    wait_until(qtbot, bar.search.hasFocus, "bar.search.hasFocus()", timeout=1000)
    assert bar.search.selectedText() == "fox"


# -- the proxy -----------------------------------------------------------------------


def test_proxy_passes_the_model_tester_while_filtering_through_diffs(qtmodeltester) -> None:
    proxy = make_proxy(20)
    proxy.set_filter(IncidentFilter.open_only())
    # One check: from then on the tester re-checks the proxy on every signal it emits.
    qtmodeltester.check(proxy, force_py=True)
    model = proxy.sourceModel()
    assert isinstance(model, IncidentTableModel)
    model.apply_changes(
        [
            upsert(incident(21, reported_at=NOW)),
            upsert(incident(22, status="closed")),
            upsert(incident(3, status="resolved", version=2)),
            upsert(incident(4, status="acknowledged", version=2)),
            Change(seq=2, entity="incident", op="delete", entity_id=5),
        ]
    )
    assert visible_ids(proxy) == [21, 1, 4, 7, 9, 11, 13, 15, 17, 19]
    proxy.set_filter(IncidentFilter(area="place 1"))
    assert visible_ids(proxy) == [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]


def test_time_window_moves_with_the_clock(qtbot) -> None:
    clock = [NOW]
    proxy = make_proxy(5, clock)  # reported 25, 50, 75, 100, 125 minutes ago
    proxy.set_filter(IncidentFilter(window="1h"))
    assert visible_ids(proxy) == [1, 2]
    clock[0] = NOW + timedelta(minutes=15)
    proxy.refresh_time_window()
    assert visible_ids(proxy) == [1]


def test_refresh_leaves_the_rows_alone_when_the_window_has_not_moved(qtbot) -> None:
    clock = [NOW]
    proxy = make_proxy(5, clock, CountingProxy)
    assert isinstance(proxy, CountingProxy)
    proxy.set_filter(IncidentFilter(window="night"))
    asked = proxy.asked
    assert asked >= 5
    clock[0] = NOW + timedelta(minutes=30)
    proxy.refresh_time_window()  # "this night" still began at 18:00
    proxy.set_filter(IncidentFilter(window="night"))  # the same filter again
    assert proxy.asked == asked
    proxy.set_filter(IncidentFilter())
    proxy.refresh_time_window()  # no window at all
    assert proxy.asked == asked + 5
    assert visible_ids(proxy) == [1, 2, 3, 4, 5]


def test_view_keeps_newest_first_with_the_filter_proxy(qtbot) -> None:
    proxy = make_proxy(6)
    model = proxy.sourceModel()
    assert isinstance(model, IncidentTableModel)
    view = IncidentTableView(model)
    qtbot.addWidget(view)
    # What the window does to swap the plain proxy for the filtering one.
    view.proxy = proxy
    view.setModel(proxy)
    view.sortByColumn(AGE, Qt.SortOrder.AscendingOrder)
    proxy.set_filter(IncidentFilter(statuses={"new"}))
    model.apply_changes([upsert(incident(7, reported_at=NOW + timedelta(minutes=1)))])
    assert visible_ids(proxy) == [7, 1, 3, 5]
    assert view.select_incident(3)
    assert view.selected_incident_id() == 3
