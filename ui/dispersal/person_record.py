"""Opening a person of concern's full record: a justification first, then the identity.

The window lists people by description only. Name, date of birth and address are
read through ``consult_subject``, which logs the consultation with its
justification (DPA 2018 s.62(2)); ``open_person_record`` asks for it, and only
then shows the record, every value as plain text. Cancel reads and logs nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ
from controlroom.dispersal.persons import SubjectRecord
from ui.common.justification_dialog import JustificationDialog
from ui.common.typed_text import typed_label

NOT_RECORDED = "— not recorded —"


def _plain(text: str) -> QLabel:
    return typed_label(text)


class PersonRecordDialog(QDialog):
    """One consulted record: identity, description, history and review date."""

    def __init__(self, record: SubjectRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        subject = record.subject
        self.setWindowTitle(f"Person of concern #{subject.id} — consulted, logged")
        self.setMinimumWidth(520)
        born = record.date_of_birth.strftime("%d %b %Y") if record.date_of_birth else NOT_RECORDED
        self.values = {
            "Name": record.name or NOT_RECORDED,
            "Date of birth": born,
            "Address": record.address or NOT_RECORDED,
            "Description": subject.description,
            "Warnings": str(subject.warnings),
            "Directions in force": ", ".join(subject.active_directions) or "none",
            "Sightings": str(subject.sightings),
            "Next review (MoPI)": subject.review_date.strftime("%d %b %Y"),
            "Recorded": f"{record.created_at.astimezone(LOCAL_TZ):%d %b %Y %H:%M} by {record.created_by}",
        }
        self.labels = {name: _plain(value) for name, value in self.values.items()}
        form = QFormLayout()
        for name, label in self.labels.items():
            form.addRow(name, label)
        note = QLabel("This consultation is in the audit trail with your justification.")
        note.setObjectName("formHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)


async def open_person_record(
    commands: Commands, subject_id: int, parent: QWidget | None = None
) -> PersonRecordDialog | None:
    """Ask why, consult (and so log) the record, show it; None if cancelled."""

    async def consult(why: str, _to: str | None) -> SubjectRecord:
        return await commands.consult_subject(subject_id, why)

    prompt = JustificationDialog(
        f"Open the record of person #{subject_id}",
        "The full record shows name, date of birth and address. Opening it is logged "
        "with your reason (DPA 2018 s.62).",
        consult,
        ok_text="&Open record",
        parent=parent,
    )
    opened, record = await prompt.ask()
    if not opened:
        return None
    dialog = PersonRecordDialog(record, parent)
    dialog.show()
    return dialog
