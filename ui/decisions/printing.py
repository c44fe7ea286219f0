"""``DecisionLogPrinter``: the decision log printed to an A4 PDF, as ``decision list --pdf`` prints it.

The paper is the core's (``controlroom.decisions.paper.print_decision_log``, the one the
command line's ``--pdf`` uses): it reads, renders and writes the audit entry; the pages are
painted here (``ui.paperwork.pdf.write_pdf``, with Qt, so on the GUI thread) and written whole
or not at all. The information a decision rests on often names people, so a print is a
disclosure (DPA 2018 s.62(3)): the justification dialog asks why and for whom first, and the
core logs both with the print. Cancel there prints and logs nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from controlroom.core.errors import ValidationError
from ui.common.justification_dialog import JustificationDialog
from ui.common.typed_text import shown_line
from ui.decisions.gateway import DecisionGateway
from ui.paperwork.pdf import write_pdf

RECIPIENTS = (
    "internal use: the control room's decision log",
    "the duty inspector (internal use)",
    "Professional Standards Department",
)


def checked_target(text: str) -> Path:
    """The PDF file chosen, refused (as the command line refuses) if it cannot be written."""
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"{text} is a folder; give a file name such as {target / 'decision-log.pdf'}")
    if not target.parent.is_dir():
        raise ValidationError(f"{text}: folder {target.parent} does not exist; create it first")
    return target


class DecisionLogPrinter(QObject):
    """Prints a night's or an incident's decision log; ``sig_message`` says what happened."""

    sig_message = Signal(str)
    sig_printed = Signal(str)  # the PDF written

    def __init__(self, gateway: DecisionGateway, window: QWidget) -> None:
        super().__init__(window)
        self.gateway = gateway
        self.window = window
        self.disclosure: JustificationDialog | None = None  # the question asked before a print

    async def print_log(self, path: str, *, night: date | None, incident: str | None) -> bool:
        """The log of ``incident`` (else of ``night``) to ``path``, once the disclosure is logged."""
        what = f"incident {shown_line(incident)}" if incident else f"the night of {night:%a %d/%m/%Y}"
        try:
            target = checked_target(path)
        except ValidationError as refusal:
            self.sig_message.emit(str(refusal))
            return False

        async def paper(why: str, to: str | None) -> Any:
            return await self.gateway.paper(night=night, incident=incident, reason=why, recipient=to)

        dialog = JustificationDialog(
            f"Print the decision log of {what}",
            "A printed decision log leaves the system: say why and who receives it. Both are written "
            "to the audit trail with the print (DPA 2018 s.62(3)).",
            paper,
            recipients=RECIPIENTS,
            ok_text="&Log and print",
            parent=self.window.window(),  # over the whole window, not inside the dock
        )
        self.disclosure = dialog
        printed, document = await dialog.ask()
        if not printed:
            return False
        try:
            pages = write_pdf([document], target)
        except OSError as failure:
            self.sig_message.emit(f"the decision log was not written: {failure}")
            return False
        self.sig_message.emit(
            f"Decision log of {what}: {pages} page{'s' if pages != 1 else ''} written to {target}"
        )
        self.sig_printed.emit(str(target))
        return True
