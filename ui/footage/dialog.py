"""``FootageDialog``: the clips of one incident and what was done with them, and the forms to act.

Opened with V on the incident list. Up/Down choose a clip; M marks a new clip, W records
that the clip was viewed (and why), L locks it as evidence, U releases the lock, Q records
a request, R releases it to someone outside; each key opens a small form (``FootageForm``)
whose errors stand beside its fields. The keys and buttons a role may not use are hidden
(operators do not lock or release). Typed text is shown spelled out (``shown_line``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from controlroom.footage.queries import IncidentFootage
from controlroom.footage.records import ClipRecord
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.footage.form import Field, FootageForm
from ui.footage.gateway import FootageGateway

COLUMNS = ("Clip", "Camera", "Footage (UK time)", "Kept", "Released to", "Description")
# Fixed widths (CSS pixels at text scale 1) that fit "27/11 22:40–22:50" and
# "locked until 01/06/2027"; the description takes the rest.
COLUMN_WIDTHS = (60, 100, 190, 220, 200)
MIN_WIDTH, MIN_HEIGHT = 1000, 360
REASON_WORDS = ("reason",)


def clip_cells(clip: ClipRecord) -> tuple[str, ...]:
    """One clip as the table shows it."""
    start, end = clip.starts_at.astimezone(LOCAL_TZ), clip.ends_at.astimezone(LOCAL_TZ)
    if clip.locked and clip.locked_until is not None:
        kept = f"locked until {clip.locked_until:%d/%m/%Y}"
    else:
        kept = f"deleted {clip.deletion_date:%d/%m/%Y}"
    released = ", ".join(shown_line(r.recipient) for r in clip.releases) or "—"
    return (
        str(clip.id),
        shown_line(clip.camera_number),
        f"{start:%d/%m %H:%M}–{end:%H:%M}",
        kept,
        released,
        shown_line(clip.description),
    )


class FootageDialog(QDialog):
    """An incident's footage; ``sig_message`` says what was done, for the status bar."""

    sig_message = Signal(str)

    def __init__(
        self,
        gateway: FootageGateway,
        reference: str,
        label: str,
        cameras: Sequence[str],
        may: Callable[[str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway, self.reference, self.cameras = gateway, reference, tuple(cameras)
        self.setWindowTitle(f"Footage — {reference}")
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.footage: IncidentFootage | None = None
        self.form: FootageForm | None = None
        self._pending = TaskSet()
        self.heading = QLabel(f"Footage kept as evidence: {shown_line(label)}")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, needs, slot in (
            ("M", "&Mark clip…", "footage.mark", self.open_mark),
            ("W", "&Viewed…", "footage.view", self.open_view),
            ("L", "&Lock…", "footage.lock", self.open_lock),
            ("U", "&Unlock…", "footage.lock", self.open_unlock),
            ("Q", "Re&quest…", "footage.request", self.open_request),
            ("R", "&Release…", "footage.release", self.open_release),
        ):
            button = QPushButton(f"{text}  {key}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            button.setVisible(may(needs))
            buttons.addWidget(button)
            self.buttons[key] = button
            if may(needs):
                shortcut = QShortcut(QKeySequence(key), self.table)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(slot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.refresh()

    # -- the clips -------------------------------------------------------------------

    def refresh(self) -> Any:
        """Read the incident's footage again (after a write of this dialog's)."""
        return self._pending.spawn(self._read())

    async def _read(self) -> None:
        try:
            footage = await self.gateway.read(self.reference)
        except ControlroomError as why:
            self.status.setText(str(why))
            return
        chosen = self.selected_clip()
        self.footage = footage
        self.table.setRowCount(len(footage.clips))
        for row, clip in enumerate(footage.clips):
            for column, text in enumerate(clip_cells(clip)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        ids = [c.id for c in footage.clips]
        if ids:
            self.table.selectRow(
                ids.index(chosen.id) if chosen is not None and chosen.id in ids else len(ids) - 1
            )
        self.table.setFocus()

    def selected_clip(self) -> ClipRecord | None:
        if self.footage is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.footage.clips):
            return None
        return self.footage.clips[rows[0].row()]

    # -- the forms -------------------------------------------------------------------

    def open_mark(self) -> FootageForm | None:
        if not self.cameras:
            self.status.setText("The camera register has no cameras: add them before marking footage")
            return None
        fields = (
            Field("camera", "&Camera:", "choice", ("camera",), self.cameras),
            Field("starts_at", "&From:", "time", ("starts at", "in the future"), hint="2026-11-27 22:50"),
            Field("ends_at", "&To:", "time", ("ends (", "hours long"), hint="2026-11-27 23:05"),
            Field("description", "&Description:", words=("description",), hint="what the clip shows"),
        )

        async def submit(v: Mapping[str, Any]) -> str:
            clip = await self.gateway.mark(
                self.reference, v["camera"], v["starts_at"], v["ends_at"], v["description"]
            )
            return f"clip {clip.id} marked: camera {clip.camera_number}"

        return self._open("Mark a clip", fields, "&Mark", submit)

    def open_view(self) -> FootageForm | None:
        clip = self._clip_or_say("record a viewing")
        if clip is None:
            return None
        fields = (Field("reason", "&Why viewed:", words=REASON_WORDS, hint="logged (DPA 2018 s.62)"),)

        async def submit(v: Mapping[str, Any]) -> str:
            await self.gateway.view(clip.id, v["reason"])
            return f"clip {clip.id}: viewing recorded"

        return self._open(f"Viewed clip {clip.id}", fields, "&Record", submit)

    def open_lock(self) -> FootageForm | None:
        clip = self._clip_or_say("lock")
        if clip is None:
            return None
        fields = (
            Field(
                "until",
                "&Keep until:",
                "date",
                ("lock until", "deleted on"),
                hint=f"after {clip.deletion_date}",
            ),
            Field("reason", "&Reason:", words=REASON_WORDS, hint="e.g. assault: evidence for court"),
        )

        async def submit(v: Mapping[str, Any]) -> str:
            await self.gateway.lock(clip.id, v["until"], v["reason"])
            return f"clip {clip.id} locked as evidence until {v['until']:%d/%m/%Y}"

        return self._open(f"Lock clip {clip.id} as evidence", fields, "&Lock", submit)

    def open_unlock(self) -> FootageForm | None:
        clip = self._clip_or_say("release the lock of")
        if clip is None:
            return None
        fields = (Field("reason", "&Reason:", words=(*REASON_WORDS, "not locked")),)

        async def submit(v: Mapping[str, Any]) -> str:
            await self.gateway.unlock(clip.id, v["reason"])
            return f"clip {clip.id}: evidence lock released"

        return self._open(f"Release the lock of clip {clip.id}", fields, "&Unlock", submit)

    def open_request(self) -> FootageForm:
        clip = self.selected_clip()
        choices = ("none yet", *(str(c.id) for c in (self.footage.clips if self.footage else ())))
        fields = (
            Field(
                "requester", "Requested &by:", words=("requester",), hint="officer and number, or the body"
            ),
            Field("purpose", "&Purpose:", words=("purpose",)),
            Field("clip", "&Clip:", "choice", ("clip",), choices),
        )

        async def submit(v: Mapping[str, Any]) -> str:
            clip_id = None if v["clip"] == "none yet" else int(v["clip"])
            request = await self.gateway.request(self.reference, v["requester"], v["purpose"], clip_id)
            return f"request {request.id} recorded"

        form = self._open("Record a request for footage", fields, "&Record", submit)
        if clip is not None:
            form.fill(clip=str(clip.id))
        return form

    def open_release(self) -> FootageForm | None:
        clip = self._clip_or_say("release")
        if clip is None:
            return None
        fields = (
            Field("recipient", "&To:", words=("recipient",), hint="who receives it (logged)"),
            Field("justification", "&Why:", words=("justification",), hint="why it is released (logged)"),
        )

        async def submit(v: Mapping[str, Any]) -> str:
            await self.gateway.release(clip.id, v["recipient"], v["justification"])
            return f"clip {clip.id} released to {shown_line(v['recipient'])}: logged as a disclosure"

        return self._open(f"Release clip {clip.id} outside the control room", fields, "&Release", submit)

    def _clip_or_say(self, doing: str) -> ClipRecord | None:
        clip = self.selected_clip()
        if clip is None:
            self.status.setText(f"Choose a clip to {doing} first (Up/Down), or mark one (M)")
        return clip

    def _open(self, title: str, fields: Sequence[Field], accept: str, submit: Any) -> FootageForm:
        form = FootageForm(title, fields, accept, submit, self)
        form.sig_done.connect(self._on_form_done)
        if self.form is not None:
            self.form.close()
        self.form = form
        form.open()  # window-modal, no nested event loop: the feed keeps running
        return form

    def _on_form_done(self, said: str) -> None:
        self.status.setText(said)
        self.sig_message.emit(said)
        self.refresh()
