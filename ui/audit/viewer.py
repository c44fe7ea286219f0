"""``AuditViewer``: the auditor's window on the DPA 2018 s.62 audit trail.

A table of entries narrowed by time, actor, kind and record; "Verify chain" walks
every entry's hash and link (``controlroom.audit.chain.verify``) and says whether the
trail is intact or which entry is the first broken one; "Export CSV…" asks why
and for whom (by default the Information Commissioner's Office), logs that
disclosure, and only then writes the file (to a temporary name, then renamed, so
a half-written export never exists). Reading the trail is itself a consultation:
``open_audit_viewer`` asks for the justification and logs it before showing it.

The trail's head (newest entry id and hash) is shown under the table; "Copy head"
(Alt+C) puts it on the clipboard as ``ID:HASH``, the form ``controlroom audit verify
--expect`` takes back, so the auditor can note it outside the database
(``controlroom.audit.anchor``).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from controlroom.audit.anchor import ChainHead, current_head
from controlroom.audit.chain import KINDS, verify
from controlroom.audit.trail import AuditFilter, entries, log_processing, write_csv_file
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from ui.common import theme
from ui.common.justification_dialog import ICO, JustificationDialog
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

COLUMNS = ("#", "When", "Who", "Action", "Kind", "Record", "Justification", "Recipient", "Detail")
SHOWN_LIMIT = 5000
Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """Audit entries as plain text (what people typed is never interpreted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._rows[index.row()][index.column()]

    def set_entries(self, rows: list[Any]) -> None:
        """Replace the shown entries (a new query, not a live feed: a reset is right here)."""
        self.beginResetModel()
        self._rows = [_cells(row) for row in rows]
        self.endResetModel()

    def row_text(self, row: int) -> tuple[str, ...]:
        return self._rows[row]


def _cells(row: Any) -> tuple[str, ...]:
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    detail = row.detail if not isinstance(row.detail, str) else json.loads(row.detail)
    record = f"{row.entity} {row.entity_id}" if row.entity_id is not None else row.entity
    # A failed-login name, a reason or a detail value is typed text: shown, never obeyed.
    return (
        str(row.id),
        f"{at.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M:%S}",
        shown_line(row.actor),
        shown_line(row.action),
        row.kind,
        shown_line(record),
        shown_line(row.justification),
        shown_line(row.recipient),
        shown_line(json.dumps(detail, ensure_ascii=False, sort_keys=True)) if detail else "",
    )


class AuditViewer(QDialog):
    """Filters, the entries, Verify chain and Export CSV…"""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.setWindowTitle("Audit trail — DPA 2018 s.62")
        self.setObjectName("auditViewer")
        self.resize(1200, 700)
        self._tasks = TaskSet()
        self.export_dialog: JustificationDialog | None = None
        self._generation = 0
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((50, 165, 110, 150, 100, 110, 220, 170)):
            self.table.setColumnWidth(column, width)
        self.status = QLabel("")
        self.status.setObjectName("formHint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.verify_result = QLabel("")
        self.verify_result.setTextFormat(Qt.TextFormat.PlainText)
        self.verify_result.setWordWrap(True)
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.clicked.connect(self.verify_chain)
        self.verify_button.setVisible(actor.may("audit.verify"))
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_button.setVisible(actor.may("audit.export"))
        self.head: ChainHead | None = None
        self.head_label = QLabel("Audit head: reading…")
        self.head_label.setObjectName("auditHead")
        self.head_label.setTextFormat(Qt.TextFormat.PlainText)
        self.head_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.copy_head_button = QPushButton("&Copy head")
        self.copy_head_button.setToolTip(
            "Copy the head as ID:HASH: note it outside the database and check the trail against it "
            "later with: controlroom audit verify --expect ID:HASH"
        )
        self.copy_head_button.setEnabled(False)
        self.copy_head_button.clicked.connect(self.copy_head)
        head_row = QHBoxLayout()
        head_row.addWidget(self.head_label, 1)
        head_row.addWidget(self.copy_head_button)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self.table, 1)
        layout.addLayout(head_row)
        layout.addWidget(self.verify_result)
        layout.addLayout(actions)

    def _filters(self) -> QGridLayout:
        now = QDateTime.currentDateTime()
        self.since_on = QCheckBox("&From")
        self.since = QDateTimeEdit(now.addDays(-1))
        self.until_on = QCheckBox("&To")
        self.until = QDateTimeEdit(now)
        for picker in (self.since, self.until):
            picker.setCalendarPopup(True)
            picker.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.actor_filter = QLineEdit()
        self.actor_filter.setPlaceholderText("user name")
        self.kind = QComboBox()
        self.kind.addItem("any kind", "")
        for kind in KINDS:
            self.kind.addItem(kind, kind)
        self.entity = QLineEdit()
        self.entity.setPlaceholderText("record type, e.g. subject")
        self.entity_id = QLineEdit()
        self.entity_id.setPlaceholderText("record id")
        self.apply_button = QPushButton("&Show")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.refresh)
        for edit in (self.actor_filter, self.entity, self.entity_id):
            edit.returnPressed.connect(self.refresh)
        grid = QGridLayout()
        grid.addWidget(self.since_on, 0, 0)
        grid.addWidget(self.since, 0, 1)
        grid.addWidget(self.until_on, 0, 2)
        grid.addWidget(self.until, 0, 3)
        who = QLabel("&Who")
        who.setBuddy(self.actor_filter)
        grid.addWidget(who, 0, 4)
        grid.addWidget(self.actor_filter, 0, 5)
        kind_label = QLabel("&Kind")
        kind_label.setBuddy(self.kind)
        grid.addWidget(kind_label, 1, 0)
        grid.addWidget(self.kind, 1, 1)
        record = QLabel("&Record")
        record.setBuddy(self.entity)
        grid.addWidget(record, 1, 2)
        grid.addWidget(self.entity, 1, 3)
        grid.addWidget(self.entity_id, 1, 4)
        grid.addWidget(self.apply_button, 1, 5)
        return grid

    def current_filter(self) -> AuditFilter:
        """The filter the fields describe; a record id that is not a number is refused."""
        record_id = self.entity_id.text().strip()
        if record_id and not record_id.isdigit():
            raise ValidationError(f"the record id must be a number, not {record_id!r}")
        return AuditFilter(
            since=_utc(self.since) if self.since_on.isChecked() else None,
            until=_utc(self.until) if self.until_on.isChecked() else None,
            actor=self.actor_filter.text().strip() or None,
            kind=self.kind.currentData() or None,
            entity=self.entity.text().strip() or None,
            entity_id=int(record_id) if record_id else None,
        )

    # -- loading ---------------------------------------------------------------

    def refresh(self) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._load())

    async def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        try:
            flt = self.current_filter()
            rows = [row async for row in entries(self.db, flt, limit=SHOWN_LIMIT + 1)]
            head = await current_head(self.db)
        except (ControlroomError, OSError) as exc:
            self.status.setText(str(exc))
            return
        if generation != self._generation:
            return  # a newer query (the filter changed meanwhile) decides what is shown
        self.show_head(head)
        shown = rows[:SHOWN_LIMIT]
        self.model.set_entries(shown)
        more = f" (the first {SHOWN_LIMIT}; narrow the filter)" if len(rows) > SHOWN_LIMIT else ""
        self.status.setText(f"{len(shown)} entries{more}")

    def verify_chain(self) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._verify())

    async def _verify(self) -> None:
        self.verify_result.setText("verifying…")
        try:
            result = await verify(self.db)
        except (ControlroomError, OSError) as exc:
            self.verify_result.setText(f"could not verify: {exc}")
            return
        self.verify_result.setProperty("state", "ok" if result.ok else "broken")
        self.verify_result.setStyleSheet(
            f"color: {theme.GOOD};" if result.ok else f"color: {theme.BAD}; font-weight: bold;"
        )
        self.verify_result.setText(("✔ " if result.ok else "✖ ") + result.describe())
        if result.ok:
            self.show_head(result.head)
        if result.broken_id is not None:
            self.select_entry(result.broken_id)

    def show_head(self, head: ChainHead) -> None:
        """Show the trail's newest entry and its hash, ready to copy."""
        self.head = head
        self.head_label.setText(f"Audit head: entry #{head.last_id} of {head.count}, hash {head.hash}")
        self.copy_head_button.setEnabled(head.count > 0)

    def copy_head(self) -> None:
        """Put the head on the clipboard as ``ID:HASH`` (what ``audit verify --expect`` takes)."""
        if self.head is None or self.head.count == 0:
            return
        QGuiApplication.clipboard().setText(self.head.anchor)
        self.status.setText(
            f"audit head #{self.head.last_id} copied: keep it outside the database and check later "
            f"with controlroom audit verify --expect {self.head.last_id}:…"
        )

    def select_entry(self, entry_id: int) -> bool:
        """Select and show the entry with this id, if the current filter lists it."""
        for row in range(self.model.rowCount()):
            if self.model.row_text(row)[0] == str(entry_id):
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    # -- export ----------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export audit trail", "audit.csv", "CSV (*.csv)")
        if path:
            self.start_export(Path(path))

    def start_export(self, path: Path) -> asyncio.Future[Any]:
        """Ask why and for whom, log the disclosure, then write ``path``."""
        return self._tasks.spawn(self._export(path))

    async def _export(self, path: Path) -> int | None:
        try:
            flt = self.current_filter()
        except ValidationError as exc:
            self.status.setText(str(exc))
            return None

        async def log(why: str, to: str | None) -> None:
            await log_processing(
                self.db,
                self.actor,
                action="audit.export",
                entity="audit",
                entity_id=None,
                detail={"filter": _describe(flt), "file": path.name},
                justification=why,
                recipient=to,
            )

        dialog = JustificationDialog(
            "Export the audit trail",
            "The export is a disclosure of the audit trail: say why and who receives it "
            "(DPA 2018 s.62(3)). It is logged before the file is written.",
            log,
            recipients=(ICO, "data protection officer", "Professional Standards Department"),
            ok_text="&Log and export",
            parent=self,
        )
        self.export_dialog = dialog
        exported, _ = await dialog.ask()
        if not exported:
            return None
        try:
            count = await _write_atomically(self.db, flt, path)
        except (ControlroomError, OSError) as exc:
            self.status.setText(f"export failed, nothing written: {exc}")
            return None
        self.status.setText(f"{count} entries exported to {path}")
        await self._load()
        return count


async def _write_atomically(db: Database, flt: AuditFilter, path: Path) -> int:
    rows = [row async for row in entries(db, flt)]
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv_file(rows, path)


def _utc(edit: QDateTimeEdit) -> datetime:
    return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)


def _describe(flt: AuditFilter) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in (
            ("since", flt.since),
            ("until", flt.until),
            ("actor", flt.actor),
            ("kind", flt.kind),
            ("entity", flt.entity),
            ("entity_id", flt.entity_id),
        )
        if value is not None
    }


async def open_audit_viewer(db: Database, actor: Actor, parent: QWidget | None = None) -> AuditViewer | None:
    """Ask why the trail is read, log that consultation, then show the viewer (None if cancelled)."""

    async def log(why: str, _to: str | None) -> None:
        await log_processing(
            db, actor, action="audit.view", entity="audit", entity_id=None, detail={}, justification=why
        )

    dialog = JustificationDialog(
        "Read the audit trail",
        "Reading the audit trail is itself logged (DPA 2018 s.62): say why, e.g. "
        "'monthly self-monitoring' or 'ICO request ref. …'.",
        log,
        ok_text="&Open",
        parent=parent,
    )
    opened, _ = await dialog.ask()
    if not opened:
        return None
    viewer = AuditViewer(db, actor, parent)
    viewer.show()
    await viewer._load()
    return viewer
