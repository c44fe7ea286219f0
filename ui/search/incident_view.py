"""``ReadOnlyIncident``: an incident off the board, shown from the core's read, with no actions.

A search finds incidents of any night; those no longer on the live board open here, read
through ``SearchGateway.detail`` (a partner's without persons-of-concern data or timeline).
Everything people typed goes into plain-text labels.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from controlroom.core.domain import LOCAL_TZ, Category, Source, Status, grade_label
from controlroom.incidents.queries import IncidentDetail, label_of
from ui.common.typed_text import shown_line, typed_label


class ReadOnlyIncident(QDialog):
    """One incident and its timeline, to read (nothing here changes it)."""

    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        incident = detail.incident
        self.setWindowTitle(f"{incident.reference} (read-only)")
        self.header = QLabel(
            f"{incident.reference} — {grade_label(incident.grade)} — "
            f"{label_of(Status, incident.status)} — read-only"
        )
        self.header.setObjectName("detailHeader")
        form = QFormLayout()
        reported = incident.reported_at.astimezone(LOCAL_TZ).strftime("%a %d %b %Y %H:%M")
        for name, value in (
            ("Reported", reported),
            ("Category", label_of(Category, incident.category)),
            ("Source", label_of(Source, incident.source)),
            ("Place", incident.place),
            ("Summary", incident.summary),
        ):
            form.addRow(name, typed_label(value))
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        for entry in detail.timeline:
            self.timeline.addItem(f"{entry.local_time()}  {entry.actor}: {shown_line(entry.describe())}")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(QLabel("Timeline" if detail.timeline else "Timeline: not shown to partners"))
        layout.addWidget(self.timeline, 1)
        self.resize(800, 640)
