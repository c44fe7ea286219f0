"""The operator's screen: the list is the spine, every other panel a dock, all of it by keyboard.

Checked on the real window (real SQLite database, real map page) at the two screen
sizes a control room has: 1366x768 (an old desk PC) and 1920x1080.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until
from ui.incidents.model import COLUMNS, GRADE, REF, STATUS, SUMMARY
from ui.shell.app import ui_state
from ui.shell.main_window import short_database_label

SIZES = {(1366, 768): 20, (1920, 1080): 30}


def _at_size(window: Any, qtbot: Any, width: int, height: int) -> None:
    window.resize(width, height)
    wait_until(qtbot, lambda: window.size().width() == width, f"the window is {width} wide")
    QApplication.processEvents()


def _rows_on_screen(window: Any) -> int:
    """How many whole rows the list shows at once."""
    table = window.table
    return table.viewport().height() // table.verticalHeader().defaultSectionSize()


@pytest.mark.parametrize(("width", "height"), sorted(SIZES))
def test_the_list_shows_enough_rows_and_the_window_fits_the_screen(
    width: int, height: int, demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    _at_size(window, qtbot, width, height)
    # Nothing forces the window wider or taller than the screen.
    assert window.minimumSizeHint().width() <= width
    assert window.minimumSizeHint().height() <= height
    assert window.size().width() == width and window.size().height() == height
    assert _rows_on_screen(window) >= SIZES[(width, height)]
    # The detail takes no space until asked; the map and boards are docks beside the list.
    assert not window.docks["detail"].isVisible()
    assert window.docks["map"].isVisible() and window.docks["boards"].isVisible()
    # The table's font is at least 12 pt (read from 2 m).
    assert window.table.font().pointSizeF() >= 12


def test_no_header_or_reference_is_cut_at_1920(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    _at_size(window, qtbot, 1920, 1080)
    table = window.table
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    for column, title in enumerate(COLUMNS[:-1]):  # the last column (Summary) stretches
        assert header_metrics.horizontalAdvance(title) + 12 <= table.columnWidth(column), title
        right_edge = table.columnViewportPosition(column) + table.columnWidth(column)
        assert right_edge <= table.viewport().width(), title
    metrics = table.fontMetrics()
    references = [i.reference for i in window.model.incidents()]
    assert references
    widest = max(metrics.horizontalAdvance(r) for r in references)
    assert widest + 8 <= table.columnWidth(REF)


def test_detail_opens_on_ctrl_d_with_the_keyboard_in_it_and_closes_again(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    _at_size(window, qtbot, 1366, 768)
    rows_before = _rows_on_screen(window)
    window.table.setFocus()
    window.table.selectRow(0)
    dock = window.docks["detail"]
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, dock.isVisible, "the detail dock is shown")
    # It takes the boards' place as a tab, never rows from the list.
    assert _rows_on_screen(window) == rows_before
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    focused = QApplication.focusWidget()
    assert focused is not None and dock.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, lambda: not dock.isVisible(), "the detail dock is hidden again")
    assert QApplication.focusWidget() is window.table


def test_f6_cycles_the_panes_and_tab_leaves_the_list(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    window.table.setFocus()
    wait_until(qtbot, window.table.hasFocus, "the list has focus")

    def pane_of_focus() -> QWidget | None:
        focused = QApplication.focusWidget()
        for pane in (window.table, window.alert_stack, window.map, window.boards, window.detail):
            if focused is pane or (focused is not None and pane.isAncestorOf(focused)):
                return pane
        return None

    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        wait_until(qtbot, lambda: pane_of_focus() is not None, "a pane has focus")
        seen.append(pane_of_focus())
    assert seen == [window.alert_stack, window.map, window.boards, window.table]
    qtbot.keyClick(window.table, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    wait_until(qtbot, lambda: pane_of_focus() is window.boards, "Shift+F6 goes back to the boards")
    # Tab leaves the list rather than walking it cell by cell.
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    wait_until(qtbot, lambda: not window.table.hasFocus(), "Tab moved focus out of the list")


def test_a_tab_key_moves_focus_into_that_board(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    wait_until(qtbot, lambda: window.boards.currentWidget() is window.flags, "the Flags tab is shown")
    focused = QApplication.focusWidget()
    assert focused is not None and window.flags.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    wait_until(qtbot, lambda: window.units.isAncestorOf(QApplication.focusWidget()), "focus in the unit list")


def test_panels_are_docks_that_close_restore_and_are_saved_per_user(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    add_users(sqlite_url, ("op_ann", "operator", ()), ("op_bob", "operator", ()))
    ann = open_window(sqlite_url, actor=actor_for(sqlite_url, "op_ann"))
    boards = ann.docks["boards"]
    assert isinstance(boards, QDockWidget)
    boards.close()
    assert not boards.isVisible()
    ann.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, ann.docks["map"])
    header = ann.table.horizontalHeader()
    header.moveSection(header.visualIndex(SUMMARY), 0)  # Ann reads summaries first
    ann.close()
    assert ui_state().value("layout/op_ann/docks") is not None
    again = open_window(sqlite_url, actor=actor_for(sqlite_url, "op_ann"))
    assert not again.docks["boards"].isVisible()
    assert again.dockWidgetArea(again.docks["map"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert again.table.horizontalHeader().logicalIndex(0) == SUMMARY
    # The Window menu brings a closed panel back.
    again.docks["boards"].toggleViewAction().trigger()
    assert again.docks["boards"].isVisible()
    bob = open_window(sqlite_url, actor=actor_for(sqlite_url, "op_bob"))
    assert bob.docks["boards"].isVisible()
    assert bob.dockWidgetArea(bob.docks["map"]) == Qt.DockWidgetArea.RightDockWidgetArea
    # Bob's list starts in the default order: reference, grade, status first.
    assert [bob.table.horizontalHeader().logicalIndex(i) for i in range(3)] == [REF, GRADE, STATUS]


def test_the_map_moves_to_a_window_of_its_own_and_back(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    markers_before = window.map.bridge.page_ready
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.table, Qt.Key.Key_M, ctrl_shift)
    placement = window.map_placement
    wait_until(qtbot, lambda: placement.window is not None and placement.window.isVisible(), "the map window")
    map_window = placement.window
    assert map_window is not None and map_window.isWindow() and map_window.centralWidget() is window.map
    assert not window.docks["map"].isVisible()
    # Still the same live page, shown and drawn (not a black window).
    assert window.map.bridge.page_ready == markers_before
    assert window.map.isVisible()

    def drawn_colours() -> int:
        image = map_window.grab().toImage()
        return len(
            {image.pixel(x, y) for x in range(0, image.width(), 12) for y in range(0, image.height(), 12)}
        )

    wait_until(qtbot, lambda: drawn_colours() > 20, "the map window shows the drawn map")
    # The same key in the map window brings the map back.
    qtbot.keyClick(window.map.focusProxy() or window.map, Qt.Key.Key_M, ctrl_shift)
    wait_until(qtbot, lambda: window.docks["map"].widget() is window.map, "the map is back in its dock")
    assert window.docks["map"].isVisible() and placement.window is None and window.map.isVisible()
    # Closing the map window does the same.
    placement.to_window()
    wait_until(qtbot, lambda: placement.window is not None and placement.window.isVisible(), "the map window")
    placement.window.close()
    wait_until(qtbot, lambda: window.docks["map"].widget() is window.map, "back in its dock on close")


def test_text_scale_keys_grow_the_list_and_are_saved_per_user(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    add_users(sqlite_url, ("op_cat", "operator", ()))
    window = open_window(sqlite_url, actor=actor_for(sqlite_url, "op_cat"))
    try:
        before_font = window.table.font().pointSizeF()
        before_row = window.table.verticalHeader().defaultSectionSize()
        qtbot.keyClick(window.table, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        wait_until(qtbot, lambda: window.table.font().pointSizeF() > before_font, "the list's text is larger")
        assert window.table.verticalHeader().defaultSectionSize() > before_row
        assert window.filter_bar.font().pointSizeF() > before_font  # the panels with it
        window.close()
        assert float(ui_state().value("users/op_cat/text_scale")) > 1.0
        again = open_window(sqlite_url, actor=actor_for(sqlite_url, "op_cat"))
        wait_until(qtbot, lambda: again.table.font().pointSizeF() > before_font, "kept for the user")
        qtbot.keyClick(again.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        wait_until(qtbot, lambda: again.table.font().pointSizeF() == before_font, "Ctrl+0 resets it")
    finally:
        window.text_scale.reset()


def test_first_start_proportions_follow_the_window_until_the_operator_arranges_them(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)  # shown at 1400x850, no saved arrangement
    assert not window.has_saved_geometry
    _at_size(window, qtbot, 1920, 1080)  # the window manager maximises it after showing
    share = window.docks["map"].width() / window.width()
    assert 0.33 <= share <= 0.43, share
    # Once the operator moves a dock, a later resize keeps their arrangement.
    window.layout_state.follow_window_size = False
    window.resizeDocks([window.docks["map"]], [500], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    arranged = window.docks["map"].width()
    _at_size(window, qtbot, 1800, 1000)
    assert abs(window.docks["map"].width() - arranged) <= 2


def test_the_new_incident_form_leaves_the_map_free_for_a_click(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    _at_size(window, qtbot, 1920, 1080)
    window.move(0, 0)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, lambda: window.incident_actions.form is not None, "the form is open")
    form = window.incident_actions.form
    wait_until(qtbot, form.isVisible, "the form is shown")
    map_view = window.map
    map_rect = map_view.rect().translated(map_view.mapToGlobal(map_view.rect().topLeft()))
    assert not form.frameGeometry().intersects(map_rect)


def test_the_status_bar_names_the_database_briefly(demo_url: str, open_window: Any) -> None:
    window = open_window(demo_url)
    label = window.database_label
    assert label.text() == "SQLite · ui.sqlite3"
    assert label.toolTip() == demo_url  # the whole URL where it is wanted
    assert short_database_label("postgresql+asyncpg://consoles:***@dbhost:5432/controlroom") == (
        "PostgreSQL · dbhost:5432/controlroom"
    )


def test_every_board_shows_rows_at_1366x768(demo_url: str, open_window: Any, qtbot: Any) -> None:
    # An operator: in set-up mode the dispersal board shows zones only (no personal data).
    add_users(demo_url, ("night_op", "operator", ()))
    window = open_window(demo_url, actor=actor_for(demo_url, "night_op"))
    _at_size(window, qtbot, 1366, 768)
    for board, table in ((window.units, window.units.table), (window.flags, window.flags.table),
                         (window.dispersal, window.dispersal.table)):  # fmt: skip
        window.boards.setCurrentWidget(board)
        wait_until(qtbot, table.isVisible, "the board is shown")
        QApplication.processEvents()
        rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
        assert rows >= 3, f"{type(board).__name__} shows {rows} rows"


def test_larger_text_never_pushes_the_window_past_a_1366_screen(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    add_users(demo_url, ("night_op", "operator", ()))  # every board and key shown
    window = open_window(demo_url, actor=actor_for(demo_url, "night_op"))
    _at_size(window, qtbot, 1366, 768)
    try:
        for _ in range(3):  # 1.1, 1.25, 1.4
            qtbot.keyClick(window.table, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        wait_until(qtbot, lambda: window.text_scale.value == 1.4, "the text is 40 % larger")
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= 1366
        assert window.width() == 1366
    finally:
        window.text_scale.reset()
