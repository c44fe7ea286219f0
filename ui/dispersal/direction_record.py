"""One direction opened singly: its s.38 record, read through a logged consultation.

``DirectionRecordDialog`` shows a ``DirectionPaper`` that ``consult_direction`` returned
(the consultation already in the audit trail with its justification, DPA 2018 s.62(2)):
every value as plain text, so whatever was typed is shown, never interpreted.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from controlroom.core.domain import LOCAL_TZ
from controlroom.paperwork.data import DirectionPaper
from ui.common.typed_text import typed_label

NOT_RECORDED = "— not recorded —"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return NOT_RECORDED
    local = moment.astimezone(LOCAL_TZ)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return NOT_RECORDED if value is None else (yes if value else no)


def record_values(paper: DirectionPaper) -> dict[str, str]:
    """The record's fields as the dialog shows them (label → text)."""
    officer = f"{paper.officer.rank} {paper.officer.number} {paper.officer.name} — {paper.officer_title}"
    if paper.pcso_designation:
        officer += f" (designation {paper.pcso_designation})"
    warning = _yes_no(
        paper.offence_warning_given, "told", f"not told: {paper.no_offence_warning_reason or ''}"
    )
    notice = _yes_no(
        paper.written_notice_given, "given", f"not given: {paper.no_written_notice_reason or ''}"
    )
    values = {
        "Person": paper.person_description,
        "Time given (street)": _when(paper.given_at),
        "Place given": f"{paper.place_given} {paper.grid_reference}".strip() or NOT_RECORDED,
        "Officer": officer,
        "In uniform": _yes_no(paper.in_uniform, "yes", "no"),
        "Grounds (s.35(2))": paper.grounds,
        "Necessity (s.35(3))": paper.necessity or NOT_RECORDED,
        "Excluded from": paper.exclusion_in_words or "the area shaded on the plan",
        "Excluded until": _when(paper.exclusion_ends_at),
        "Offence warning (s.35(6))": warning,
        "Written notice (s.35(5)(a))": notice,
        "Items surrendered": ", ".join(paper.surrendered_items) or "none",
        "Items refused (s.39(3))": ", ".join(paper.refused_items) or "none",
        "Recorded": f"{_when(paper.recorded_at)} by {paper.recorded_by or NOT_RECORDED}",
    }
    if paper.supervisor:
        values["Supervisor (running direction)"] = f"{paper.supervisor}: {paper.supervisor_reason or ''}"
    home = paper.take_home
    if home is not None:
        values["Take-home (s.35(7))"] = (
            f"taken to {home.taken_to} by {home.taken_by}; {home.told} told at {_when(home.told_at)}"
            + (f"; referral: {home.referral}" if home.referral else "")
            if home.status == "done"
            else "open: the outcome is not recorded yet (H on the board)"
        )
    if paper.withdrawn_at is not None:
        values["Withdrawn"] = _when(paper.withdrawn_at)
    return values


def _plain(text: str) -> QLabel:
    return typed_label(text)


class DirectionRecordDialog(QDialog):
    """A consulted direction, every value as plain text; Escape or Close shuts it."""

    def __init__(self, paper: DirectionPaper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{paper.reference} — consulted, logged")
        self.setMinimumWidth(640)
        self.values = record_values(paper)
        self.labels = {name: _plain(value) for name, value in self.values.items()}
        form = QFormLayout()
        for name, label in self.labels.items():
            form.addRow(name, label)
        note = QLabel("This consultation is in the audit trail with your justification (DPA 2018 s.62).")
        note.setObjectName("formHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
