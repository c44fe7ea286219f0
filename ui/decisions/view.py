"""``DecisionView``: one decision, read-only, with every NDM heading and its revision chain.

Opened with Enter on the Decisions dock's list, from the core's read of the chain
(``decision_chain``): what the decision revises, the decision, and what revised it, oldest
first, each under its own heading. Nothing here changes a decision — there is nothing to
change: a later decision revises it. Everything people typed goes into plain-text labels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.decisions.queries import DecisionChain
from ui.common.screen_fit import fit_to_screen
from ui.common.typed_text import shown_line, typed_label
from ui.decisions.model import link_words, revision_words

# The NDM's headings, as the printed decision log carries them.
HEADINGS: tuple[tuple[str, str], ...] = (
    ("subject", "Subject"),
    ("information", "Information and intelligence"),
    ("assessment", "Threat and risk assessment"),
    ("powers_policy", "Powers and policy"),
    ("options", "Options considered (and why rejected)"),
    ("decision", "Decision"),
    ("rationale", "Rationale"),
)
VIEW_WIDTH, VIEW_HEIGHT = 900, 720
NOT_GIVEN = "—"


def entry_title(decision: DecisionSnapshot, chosen: bool) -> str:
    """ "D-2026-0003 · Fri 27/11 23:14 · op_one (operator) · revises D-0001" (+ "this decision")."""
    at = decision.recorded_at.astimezone(LOCAL_TZ)
    role = f" ({decision.role})" if decision.role else ""
    parts = [decision.reference, f"{at:%a %d/%m %H:%M}", f"{shown_line(decision.recorded_by)}{role}"]
    revision = revision_words(decision)
    if revision:
        parts.append(revision)
    if chosen:
        parts.append("this decision")
    return " · ".join(parts)


class DecisionView(QDialog):
    """A decision and its chain, to read."""

    def __init__(self, chain: DecisionChain, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        chosen = chain.decision
        self.setWindowTitle(f"{chosen.reference} (read-only)")
        self.header = QLabel(f"{chosen.reference} — {shown_line(chosen.subject)} — read-only")
        self.header.setObjectName("detailHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        entries = (*chain.earlier, chosen, *chain.later)
        self.chain_line = QLabel(
            "Revision chain: " + " → ".join(d.reference for d in entries)
            if len(entries) > 1
            else "Not revised, and revises nothing."
        )
        self.chain_line.setObjectName("formHint")
        self.chain_line.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel("Decisions cannot be changed: revise to record a later decision (R on the list).")
        self.note.setObjectName("formHint")
        body = QWidget()
        column = QVBoxLayout(body)
        self.boxes: dict[str, QGroupBox] = {}
        for decision in entries:
            box = self._entry(decision, decision.id == chosen.id)
            self.boxes[decision.reference] = box
            column.addWidget(box)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.chain_line)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.note)
        fit_to_screen(self, VIEW_WIDTH, VIEW_HEIGHT)
        self.scroll_area.ensureWidgetVisible(self.boxes[chosen.reference])

    @staticmethod
    def _entry(decision: DecisionSnapshot, chosen: bool) -> QGroupBox:
        box = QGroupBox(entry_title(decision, chosen))
        box.setObjectName("decisionChosen" if chosen else "decisionEntry")
        if chosen:
            box.setStyleSheet("QGroupBox#decisionChosen { border: 2px solid palette(highlight); }")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for name, heading in HEADINGS:
            title = QLabel(heading)
            title.setStyleSheet("font-weight: bold;")
            form.addRow(title, typed_label(getattr(decision, name) or NOT_GIVEN))
        links = QLabel(", ".join(link_words(link) for link in decision.links) or NOT_GIVEN)
        links.setTextFormat(Qt.TextFormat.PlainText)
        links.setWordWrap(True)
        title = QLabel("Linked to")
        title.setStyleSheet("font-weight: bold;")
        form.addRow(title, links)
        return box

    def text(self) -> str:
        """Everything shown, as one text (what a reader sees; tests read it)."""
        parts = [self.header.text(), self.chain_line.text()]
        for box in self.boxes.values():
            parts.append(box.title())
            parts += [label.text() for label in box.findChildren(QLabel)]
        return "\n".join(parts)
