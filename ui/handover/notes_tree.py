"""``HandoverTree``: a handover's sections and items, each item with its note beside it.

One row per section (its title and how many items) and under it one row per item: the
item's cells on one line, then the note. The tree is a result, not a live board: it is
filled whole from one draft (or one given handover) and replaced whole by the next draft;
the notes typed so far are carried over by item key (``fill(content, notes)``).

Keys: Up/Down move between rows; Enter or F2 on an item edits its note; in the note,
Enter keeps it, Tab keeps it and goes on to the next item's note (Shift+Tab the previous),
Escape drops what was typed since the editor opened. Out of the editor, Tab leaves the tree
for the overall notes, as everywhere in the window.

Every cell and note was typed by someone: cells are shown through ``shown_line``, and a
note's shown text too (its editor holds the note as typed).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from controlroom.handover.content import HandoverContent, HandoverItem, HandoverSection
from ui.common import theme
from ui.common.typed_text import shown_line, shown_lines

ITEM, NOTE = 0, 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_MAX = 2000  # the core refuses a longer note; the editor stops there rather than lose typing
ITEM_COLUMN_SHARE = 0.64  # the item's cells take about two thirds; a long note shows whole when edited
URGENT_MARK = "⚠ "
TREE_STYLE = f"""
QTreeWidget {{ background: {theme.PANEL}; border: 1px solid {theme.BORDER};
    selection-background-color: {theme.SELECTION}; selection-color: {theme.SELECTED_TEXT}; }}
QTreeWidget:focus {{ border: 2px solid {theme.ACCENT}; }}
"""
Index = QModelIndex | QPersistentModelIndex


def item_line(item: HandoverItem) -> str:
    """An item's cells on one line, as the tree shows them."""
    return " · ".join(shown_line(cell) for cell in item.cells if cell)


def item_tooltip(section: HandoverSection, item: HandoverItem) -> str:
    """Each cell under its column's name (rich text, so escaped: the cells were typed)."""
    lines = [f"{column}: {cell}" for column, cell in zip(section.columns, item.cells, strict=False) if cell]
    return "<qt>" + "<br>".join(html.escape(shown_lines(line)) for line in lines) + "</qt>"


class NoteDelegate(QStyledItemDelegate):
    """Shows a note spelled out (``shown_line``); edits it as typed, up to the core's limit."""

    def displayText(self, value: object, locale: object) -> str:  # noqa: N802
        return shown_line(str(value or ""))

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setMaxLength(NOTE_MAX)
        editor.setPlaceholderText("note for the incoming operator — Enter keeps it, Tab goes on")
        return editor


class HandoverTree(QTreeWidget):
    """Sections and their items; item notes editable when ``editable``."""

    def __init__(self, *, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = editable
        self.setObjectName("handoverTree")
        self.setColumnCount(2)
        self.setHeaderLabels(["Item", "Note" if not editable else "Note (Enter or F2 to write)"])
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Only the note is edited, and only through ``edit_note`` (F2, Enter, a double click): Qt's
        # own triggers would edit the item's cells, since a tree item's flags cover every column.
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.itemDoubleClicked.connect(lambda line, _column: self.edit_note(self._key_of(line)))
        self.setItemDelegateForColumn(NOTE, NoteDelegate(self))
        self.header().setStretchLastSection(True)
        self.header().setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Interactive)
        self.setStyleSheet(TREE_STYLE)
        self._items: dict[str, QTreeWidgetItem] = {}

    # -- filling ---------------------------------------------------------------------

    def fill(self, content: HandoverContent, notes: Mapping[str, str] | None = None) -> None:
        """Show ``content``; each item's note from ``notes`` (by key), else the item's own."""
        notes = notes or {}
        current = self.current_key()
        self.clear()
        self._items = {}
        bold = QFont(self.font())
        bold.setBold(True)
        muted = QBrush(QColor(theme.MUTED))
        header = QBrush(QColor(theme.RAISED))
        for section in content.sections:
            head = QTreeWidgetItem(self, [f"{section.title} ({len(section.items)})", ""])
            head.setFont(ITEM, bold)
            head.setBackground(ITEM, header)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            head.setFirstColumnSpanned(True)
            if section.withheld:
                self._plain_line(head, shown_line(section.withheld), muted)
            if not section.items:
                self._plain_line(head, "nothing", muted)
            for item in section.items:
                self._item_line(head, section, item, notes.get(item.key, item.note))
            head.setExpanded(True)
        self._fit_columns()
        # The keyboard on the item it was on, else on the first item (Enter writes its note).
        first = next(iter(self._items), None)
        if current is not None and current in self._items:
            self.setCurrentItem(self._items[current])
        elif first is not None:
            self.setCurrentItem(self._items[first])

    def _plain_line(self, head: QTreeWidgetItem, text: str, brush: QBrush) -> None:
        line = QTreeWidgetItem(head, [text, ""])
        line.setForeground(ITEM, brush)
        line.setFlags(Qt.ItemFlag.ItemIsEnabled)
        line.setFirstColumnSpanned(True)

    def _item_line(
        self, head: QTreeWidgetItem, section: HandoverSection, item: HandoverItem, note: str
    ) -> None:
        text = item_line(item)
        line = QTreeWidgetItem(head, [URGENT_MARK + text if item.urgent else text, ""])
        line.setData(ITEM, KEY_ROLE, item.key)
        line.setData(NOTE, Qt.ItemDataRole.EditRole, note)
        line.setToolTip(ITEM, item_tooltip(section, item))
        if item.urgent:
            line.setForeground(ITEM, QBrush(QColor(theme.AMBER)))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        line.setFlags(flags)
        self._items[item.key] = line

    def _fit_columns(self) -> None:
        width = self.viewport().width()
        if width > 200:
            self.setColumnWidth(ITEM, int(width * ITEM_COLUMN_SHARE))

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_columns()

    # -- reading ---------------------------------------------------------------------

    def item_keys(self) -> list[str]:
        """Every item's key, in the order shown."""
        return list(self._items)

    def notes(self) -> dict[str, str]:
        """Each item's note as typed (items without a note left out)."""
        notes = {}
        for key, line in self._items.items():
            note = str(line.data(NOTE, Qt.ItemDataRole.EditRole) or "")
            if note.strip():
                notes[key] = note
        return notes

    def note(self, key: str) -> str:
        line = self._items.get(key)
        return "" if line is None else str(line.data(NOTE, Qt.ItemDataRole.EditRole) or "")

    def set_note(self, key: str, note: str) -> None:
        self._items[key].setData(NOTE, Qt.ItemDataRole.EditRole, note)

    def current_key(self) -> str | None:
        return self._key_of(self.currentItem())

    def _key_of(self, line: QTreeWidgetItem | None) -> str | None:
        key = line.data(ITEM, KEY_ROLE) if line is not None else None
        return str(key) if key else None

    def item_text(self, key: str) -> str:
        return self._items[key].text(ITEM)

    def go_to(self, key: str) -> bool:
        """Make the item ``key`` current (a refusal about it is being shown)."""
        line = self._items.get(key)
        if line is None:
            return False
        self.setCurrentItem(line, ITEM)
        self.scrollToItem(line)
        return True

    # -- editing ---------------------------------------------------------------------

    def edit_note(self, key: str | None = None) -> bool:
        """Open the note editor of ``key`` (default: the current item)."""
        key = key or self.current_key()
        if not self.editable or key is None or key not in self._items:
            return False
        line = self._items[key]
        self.setCurrentItem(line, NOTE)
        self.editItem(line, NOTE)
        return True

    def commit_open_editor(self) -> None:
        """Keep what is typed in a note editor still open (before handing over or printing)."""
        editor = self.focusWidget() if self.state() == QAbstractItemView.State.EditingState else None
        if isinstance(editor, QLineEdit):
            delegate = self.itemDelegateForColumn(NOTE)
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.state() != QAbstractItemView.State.EditingState
            and self.edit_note()
        ):
            return
        super().keyPressEvent(event)

    def closeEditor(  # noqa: N802
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        # Tab in a note goes on to the next item's note, not to the next cell of the row.
        step = {
            QAbstractItemDelegate.EndEditHint.EditNextItem: 1,
            QAbstractItemDelegate.EndEditHint.EditPreviousItem: -1,
        }.get(hint)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if step else hint)
        if step is None:
            return
        keys = self.item_keys()
        current = self.current_key()
        if current in keys:
            at = keys.index(current) + step
            if 0 <= at < len(keys):
                self.edit_note(keys[at])
