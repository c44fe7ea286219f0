"""``FilterBar``: search and filters above the incident list, emitting one ``IncidentFilter``.

Typing is debounced (one filter per pause, not per key, so 100,000 rows are not
re-filtered on every keystroke); choices in combos and menus apply at once.
The same filter is meant for the list and the map, and is kept between runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from controlroom.core.domain import Category, Source, Status, grade_label
from controlroom.incidents.filters import GRADES, IncidentFilter, TimeWindow
from ui.common import theme

SETTINGS_KEY = "filters/incident"
LINE_MIN_WIDTH = 120
DEBOUNCE_MS = 150

_STYLESHEET = f"""
#filterBar {{ background: {theme.PANEL}; border-bottom: 1px solid {theme.BORDER}; }}
#filterBar QLineEdit {{
    background: {theme.BACKGROUND}; border: 1px solid {theme.BORDER}; border-radius: 4px;
    padding: 3px 6px; selection-background-color: {theme.SELECTION};
}}
#filterBar QLineEdit:focus {{ border-color: {theme.ACCENT}; }}
#filterBar QComboBox, #filterBar QToolButton, #filterBar QPushButton {{
    background: {theme.RAISED}; border: 1px solid {theme.BORDER}; border-radius: 4px; padding: 3px 8px;
}}
#filterBar QToolButton[choices="true"] {{ padding-right: 16px; }}
#filterBar QToolButton::menu-indicator {{
    subcontrol-origin: padding; subcontrol-position: center right; right: 5px;
}}
#filterBar QComboBox:hover, #filterBar QToolButton:hover, #filterBar QPushButton:hover {{
    border-color: {theme.MUTED};
}}
#filterBar QToolButton:checked, #filterBar QToolButton[active="true"], #filterBar QComboBox[active="true"] {{
    border-color: {theme.ACCENT}; color: {theme.ACCENT}; background: {theme.FILTER_ACTIVE};
}}
#filterBar QPushButton:disabled {{ color: {theme.BORDER}; }}
QMenu#filterMenu {{ background: {theme.RAISED}; border: 1px solid {theme.BORDER}; padding: 4px 0; }}
QMenu#filterMenu::item {{ padding: 4px 18px 4px 26px; }}
QMenu#filterMenu::item:selected {{ background: {theme.SELECTION}; }}
QMenu#filterMenu::separator {{ height: 1px; background: {theme.BORDER}; margin: 4px 6px; }}
"""


class _ChoiceMenu(QMenu):
    """A menu of checkable choices that stays open while the operator ticks several."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()  # QMenu would close itself after triggering
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        action = self.activeAction()
        if event.key() == Qt.Key.Key_Space and action is not None and action.isCheckable():
            action.trigger()
            return
        super().keyPressEvent(event)


class _Choices:
    """A tool button whose menu picks any number of values of one criterion."""

    def __init__(
        self,
        name: str,
        options: Iterable[tuple[Any, str]],
        on_changed: Callable[[], None],
        parent: QWidget,
    ) -> None:
        self.name = name
        self.button = QToolButton(parent)
        self.button.setObjectName(f"filter{name}")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setProperty("choices", True)
        self.menu = _ChoiceMenu(parent)
        self.menu.setObjectName("filterMenu")
        self._on_changed = on_changed
        self.menu.addAction("Show all").triggered.connect(self._on_show_all_triggered)
        self.menu.addSeparator()
        self.actions: list[tuple[QAction, Any]] = []
        for value, label in options:
            action = self.menu.addAction(label)
            action.setCheckable(True)
            # ``triggered`` fires for the operator's clicks only, not for set_values().
            action.triggered.connect(self._on_choice_triggered)
            self.actions.append((action, value))
        self.button.setMenu(self.menu)
        self.refresh()

    def _on_show_all_triggered(self) -> None:
        self.set_values(frozenset())
        self._on_changed()

    def _on_choice_triggered(self, _checked: bool) -> None:
        self.refresh()
        self._on_changed()

    def values(self) -> frozenset[Any]:
        return frozenset(value for action, value in self.actions if action.isChecked())

    def set_values(self, values: frozenset[Any]) -> None:
        for action, value in self.actions:
            action.setChecked(value in values)
        self.refresh()

    def refresh(self, summary: str = "") -> None:
        """Short button text (``Grade``, ``Grade (2)``); the tooltip names the choices."""
        chosen = [action.text() for action, _value in self.actions if action.isChecked()]
        if summary:
            text = f"{self.name}: {summary}"
        elif chosen:
            text = f"{self.name} ({len(chosen)})"
        else:
            text = self.name
        self.button.setText(text)
        everything = f"Any {self.name.lower()}; tick some to narrow the list"
        self.button.setToolTip(f"{self.name}: " + ", ".join(chosen) if chosen else everything)
        _set_active(self.button, bool(chosen))


def _set_active(widget: QWidget, active: bool) -> None:
    if widget.property("active") == active:
        return
    widget.setProperty("active", active)
    # Dynamic properties only restyle after a re-polish.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FilterBar(QWidget):
    """Search box and filter controls; ``sig_filter_changed`` carries the new ``IncidentFilter``."""

    sig_filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        # A plain QWidget subclass paints no stylesheet background without this.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLESHEET)
        self._emitted = IncidentFilter()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._build()
        self._refresh_chrome(self._emitted)

    def _build(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("filterSearch")
        self.search.setPlaceholderText("Search reference, place, summary")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Every word must appear in the reference, place or summary (Ctrl+F)")
        self.search.textChanged.connect(self._on_text_edited)
        self.area = QLineEdit(self)
        self.area.setObjectName("filterArea")
        self.area.setPlaceholderText("Area or venue")
        self.area.setClearButtonEnabled(True)
        self.area.setToolTip("Part of the place or venue name, e.g. “Bargate” or “Oxford St”")
        self.area.textChanged.connect(self._on_text_edited)
        self.window_combo = QComboBox(self)
        self.window_combo.setObjectName("filterWindow")
        self.window_combo.setToolTip("How far back to list incidents")
        for window in TimeWindow:
            self.window_combo.addItem(window.label, window.value)
        self.window_combo.currentIndexChanged.connect(self._on_window_combo_changed)
        self.open_only = QToolButton(self)
        self.open_only.setObjectName("filterOpenOnly")
        self.open_only.setText("Open only")
        self.open_only.setCheckable(True)
        self.open_only.setToolTip("New, acknowledged, dispatched or on scene")
        self.open_only.clicked.connect(self._on_open_only_clicked)
        self.statuses = _Choices("Status", ((s.value, s.label) for s in Status), self._on_choice_made, self)
        self.grades = _Choices("Grade", ((g, grade_label(g)) for g in GRADES), self._on_choice_made, self)
        self.categories = _Choices(
            "Category", ((c.value, c.label) for c in Category), self._on_choice_made, self
        )
        self.sources = _Choices("Source", ((s.value, s.label) for s in Source), self._on_choice_made, self)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setObjectName("filterClear")
        self.clear_button.setToolTip("Show every incident")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self._lay_out()

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        # Two rows whose widths shrink with the text scale: the typed filters and the time
        # window above, the choice menus below (one long row set the window's minimum width).
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.search, 3)
        top.addWidget(self.area, 2)
        for widget in (self.window_combo, self.open_only, self.clear_button):
            top.addWidget(widget)
        grid.addLayout(top, 0, 0, 1, 3)
        for line in (self.search, self.area):
            line.setMinimumWidth(LINE_MIN_WIDTH)
        choices = QHBoxLayout()
        choices.setSpacing(6)
        for widget in (
            self.statuses.button,
            self.grades.button,
            self.categories.button,
            self.sources.button,
        ):
            choices.addWidget(widget)
        choices.addStretch(1)
        grid.addLayout(choices, 1, 0, 1, 3)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    # -- public ----------------------------------------------------------------

    def current_filter(self) -> IncidentFilter:
        """The filter the controls show now (including text still being typed)."""
        return IncidentFilter(
            statuses=self.statuses.values(),
            grades=self.grades.values(),
            categories=self.categories.values(),
            sources=self.sources.values(),
            area=self.area.text(),
            window=str(self.window_combo.currentData()),
            text=self.search.text(),
        )

    def set_filter(self, incident_filter: IncidentFilter) -> None:
        """Show this filter in the controls; emits ``sig_filter_changed`` if it differs."""
        for widget in (self.search, self.area, self.window_combo):
            widget.blockSignals(True)
        try:
            if self.search.text() != incident_filter.text:
                self.search.setText(incident_filter.text)
            if self.area.text() != incident_filter.area:
                self.area.setText(incident_filter.area)
            self.window_combo.setCurrentIndex(self.window_combo.findData(incident_filter.window))
        finally:
            for widget in (self.search, self.area, self.window_combo):
                widget.blockSignals(False)
        self.statuses.set_values(incident_filter.statuses)
        self.grades.set_values(incident_filter.grades)
        self.categories.set_values(incident_filter.categories)
        self.sources.set_values(incident_filter.sources)
        self._emit_now()

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (for Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def save(self, settings: QSettings) -> None:
        settings.setValue(SETTINGS_KEY, self.current_filter().to_json())

    def restore(self, settings: QSettings) -> None:
        """Show the stored filter; anything unreadable or unknown is dropped, never fatal."""
        stored = settings.value(SETTINGS_KEY)
        self.set_filter(IncidentFilter.from_json(stored if isinstance(stored, str) else None))

    # -- handlers --------------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        self._debounce.start()  # restarts: one emission after the operator pauses

    def _on_debounce_timeout(self) -> None:
        self._emit_now()

    def _on_window_combo_changed(self, _index: int) -> None:
        self._emit_now()

    def _on_open_only_clicked(self, checked: bool) -> None:
        current = self.current_filter().with_open_only(checked)
        self.statuses.set_values(current.statuses)
        self._emit_now()

    def _on_choice_made(self) -> None:
        self._emit_now()

    def _on_clear_clicked(self) -> None:
        self.set_filter(IncidentFilter())

    # -- emitting --------------------------------------------------------------

    def _emit_now(self) -> None:
        self._debounce.stop()  # what was being typed goes out with this filter
        current = self.current_filter()
        self._refresh_chrome(current)
        if current != self._emitted:
            self._emitted = current
            self.sig_filter_changed.emit(current)

    def _refresh_chrome(self, current: IncidentFilter) -> None:
        self.open_only.setChecked(current.is_open_only)
        self.statuses.refresh("open" if current.is_open_only else "")
        _set_active(self.window_combo, current.window != TimeWindow.ALL.value)
        self.clear_button.setEnabled(not current.is_empty)
