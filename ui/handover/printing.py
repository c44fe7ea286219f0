"""``HandoverPrinter``: a draft or a given handover printed to an A4 PDF, as the CLI prints it.

The paper is the core's (``controlroom.handover.paper``, the one the ``handover draft
--pdf`` and ``handover show --pdf`` commands use), rendered in the handover worker process
and logged there by the core; the pages are painted here (``ui.paperwork.pdf.write_pdf``,
which paints with Qt and so runs on the GUI thread) and written whole or not at all.

A handover that names people (the subjects of directions, persons of concern) is Part 3
personal data. Printing it, the window asks first: whole — a disclosure (DPA 2018
s.62(3)), so the justification dialog asks why and for whom and the core logs both with
the print — or without the people in it, as the CLI prints without ``--recipient``
(the core leaves those cells and their notes out, "withheld"). Cancel, at either
question, prints and logs nothing. Without personal data the print is logged plainly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.handover.content import HandoverContent
from ui.common.justification_dialog import JustificationDialog
from ui.handover.gateway import HandoverGateway
from ui.paperwork.pdf import write_pdf

RECIPIENTS = (
    "the incoming operator (internal use)",
    "the shift supervisor (internal use)",
    "the control room's handover file (internal use)",
)
# Render(justification, recipient) -> the paper (the core logs the print as it renders).
Render = Callable[[str | None, str | None], Awaitable[Any]]


def checked_target(text: str) -> Path:
    """The PDF file chosen, refused (as the CLI refuses) if it cannot be written."""
    target = Path(text).expanduser()
    if target.is_dir():
        raise ValidationError(f"{text} is a folder; give a file name such as {target / 'handover.pdf'}")
    if not target.parent.is_dir():
        raise ValidationError(f"{text}: folder {target.parent} does not exist; create it first")
    return target


class HandoverPrinter(QObject):
    """Prints handovers for the window; ``sig_printed`` carries the file written."""

    sig_printed = Signal(str)
    sig_message = Signal(str)

    def __init__(self, gateway: HandoverGateway, window: QWidget) -> None:
        super().__init__(window)
        self.gateway = gateway
        self.window = window
        self.question: QMessageBox | None = None  # whole or without people?
        self.disclosure: JustificationDialog | None = None  # why and for whom, before a whole print

    async def print_draft(
        self, draft: HandoverContent, notes: str, item_notes: dict[str, str], to_user: str | None, path: str
    ) -> bool:
        """The draft shown, with the notes typed, to ``path``."""

        async def render(why: str | None, to: str | None) -> Any:
            return await self.gateway.draft_paper(draft, notes, item_notes, to_user, why, to)

        return await self._print("the handover draft", draft.contains_personal, render, path)

    async def print_handover(self, handover_id: int, path: str) -> bool:
        """The handover ``handover_id`` as it was given (and acknowledged, if it was) to ``path``."""
        try:
            record = await self.gateway.show(handover_id)
        except ControlroomError as refusal:
            self.sig_message.emit(f"could not print the handover: {refusal}")
            return False

        async def render(why: str | None, to: str | None) -> Any:
            return await self.gateway.handover_paper(handover_id, why, to)

        return await self._print(record.reference, record.content.contains_personal, render, path)

    async def _print(self, what: str, personal: bool, render: Render, path: str) -> bool:
        try:
            target = checked_target(path)
        except ValidationError as refusal:
            self.sig_message.emit(str(refusal))
            return False
        whole = await self._ask_whole(what) if personal else False
        if whole is None:
            return False  # cancelled: nothing printed, nothing logged
        if whole:
            document = await self._ask_and_render(what, render)
            if document is None:
                return False
        else:
            try:
                document = await render(None, None)  # the core leaves people out ("withheld")
            except ControlroomError as refusal:
                self.sig_message.emit(f"could not print {what}: {refusal}")
                return False
        try:
            write_pdf([document], target)
        except (OSError, ValueError) as failure:
            self.sig_message.emit(f"could not write {target}: {failure}")
            return False
        if shiboken6.isValid(self):
            self.sig_message.emit(f"{what} printed to {target}")
            self.sig_printed.emit(str(target))
        return True

    async def _ask_whole(self, what: str) -> bool | None:
        """Whole (a disclosure), without the people in it, or not at all (None)."""
        question = QMessageBox(
            QMessageBox.Icon.Question,
            f"Print {what}",
            f"{what[0].upper()}{what[1:]} names people (the subjects of directions, persons of "
            "concern). Print it whole — a disclosure, logged with why and for whom — or without "
            "them (references, times and counts only)?",
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        question.setTextFormat(Qt.TextFormat.PlainText)
        self.whole_button = question.addButton("Print &whole…", QMessageBox.ButtonRole.AcceptRole)
        self.withheld_button = question.addButton("&Without people", QMessageBox.ButtonRole.AcceptRole)
        cancel = question.addButton(QMessageBox.StandardButton.Cancel)
        question.setDefaultButton(self.withheld_button)
        question.setEscapeButton(cancel)
        answer: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()

        def answered(button: object) -> None:
            if not answer.done():
                answer.set_result(
                    True if button is self.whole_button else False if button is self.withheld_button else None
                )

        question.buttonClicked.connect(answered)
        question.finished.connect(lambda _result: answered(None))
        self.question = question
        question.open()  # not exec(): a nested event loop would stop the feed while they choose
        return await answer

    async def _ask_and_render(self, what: str, render: Render) -> Any | None:
        """Why and for whom (logged with the print by the core), then the paper; None if cancelled."""
        dialog = JustificationDialog(
            f"Print {what}",
            f"{what[0].upper()}{what[1:]} names people (the subjects of directions, persons of "
            "concern). Printing it is a disclosure: why, and who receives it, are written to the "
            "audit trail with the print (DPA 2018 s.62(3)).",
            render,
            recipients=RECIPIENTS,
            ok_text="&Log and print",
            parent=self.window,
        )
        if self.disclosure is not None and shiboken6.isValid(self.disclosure):
            self.disclosure.close()
        self.disclosure = dialog
        printed, document = await dialog.ask()
        return document if printed else None
