"""What the window offers a role: shortcuts, buttons, tabs and map actions it may use.

The core refuses every write the actor's role lacks (``NotPermittedError``); the
window additionally does not offer it, so an operator is not invited into a
refusal. ``apply_role`` disables shortcuts by (where, key) → action, removes the
tabs of boards the role may not read, hides the incident board from roles that
may not see incidents (auditor, administrator), and tells the map page which
safe spaces' status buttons to show (a partner: only its own venues').
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from controlroom.core.roles import ROLE_TITLES, Actor, describe
from ui.shell.main_window import MainWindow

# Shortcuts on the incident list, the flag and unit boards, the dispersal panel and
# the window itself, by the action each one starts.
TABLE_KEYS = {
    "E": "incident.update",
    "Return": "incident.update",
    "A": "incident.update",
    "O": "incident.update",
    "R": "incident.update",
    "C": "incident.update",
    "U": "incident.update",
    "D": "incident.dispatch",
}
FLAG_KEYS = {"D": "flag.dispatch", "I": "flag.convert", "C": "flag.clear", "F": "flag.add"}
UNIT_KEYS = {key: "unit.update" for key in ("V", "E", "S", "B", "R", "X", "L")}
DISPERSAL_KEYS = {
    "Z": "zone.authorise",
    "G": "direction.give",
    "P": "paperwork.print",
    "Shift+P": "read.dispersal",
    "W": "subject.warn",
    "S": "subject.seen",
}
WINDOW_KEYS = {
    "Ctrl+N": "incident.report",
    "Ctrl+Shift+F": "flag.add",
    "Ctrl+Shift+Z": "zone.authorise",
    "Ctrl+Shift+G": "direction.give",
}


def gate_shortcuts(actor: Actor, parent: QWidget, keys: dict[str, str]) -> list[str]:
    """Disable ``parent``'s own shortcuts whose action ``actor`` may not take; the keys disabled."""
    disabled = []
    for shortcut in parent.findChildren(QShortcut):
        if shortcut.parent() is not parent:
            continue
        key = shortcut.key().toString()
        action = keys.get(key)
        if action is not None and not actor.may(action):
            shortcut.setEnabled(False)
            disabled.append(key)
    return disabled


def apply_role(window: MainWindow, actor: Actor) -> None:
    """Offer ``actor`` only what its role may do (set-up mode: everything)."""
    if actor.role is None:
        return
    gate_shortcuts(actor, window, WINDOW_KEYS)
    gate_shortcuts(actor, window.table, TABLE_KEYS)
    gate_shortcuts(actor, window.flags.table, FLAG_KEYS)
    gate_shortcuts(actor, window.units.table, UNIT_KEYS)
    gate_shortcuts(actor, window.dispersal, DISPERSAL_KEYS)
    _gate_detail(window, actor)
    _gate_boards(window, actor)
    _gate_map(window, actor)
    if not actor.may("read.incidents"):
        _hide_incident_board(window, actor)


def _gate_detail(window: MainWindow, actor: Actor) -> None:
    detail = window.detail
    detail.may = actor.may
    for button, action in (
        (detail.edit_button, "incident.update"),
        (detail.caller_button, "incident.caller_updated"),
        (detail.duplicate_button, "incident.link"),
    ):
        button.setVisible(actor.may(action))


def _gate_boards(window: MainWindow, actor: Actor) -> None:
    for board, action in (
        (window.units, "read.units"),
        (window.flags, "read.units"),
        (window.dispersal, "read.dispersal"),
        (window.outbox_panel, "incident.report"),
    ):
        index = window.boards.indexOf(board)
        if index >= 0 and not actor.may(action):
            window.boards.removeTab(index)
            board.hide()
    if window.boards.count() == 0:
        window.boards.hide()


def _gate_map(window: MainWindow, actor: Actor) -> None:
    if actor.may("venue.safe_space") and not actor.is_partner:
        return
    editable = sorted(v for v in actor.venue_ids if actor.may("venue.safe_space", v))
    script = f"window.controlroom && controlroom.setSafeSpaceEditable({json.dumps(editable)})"

    def push() -> None:
        window.map.page().runJavaScript(script)

    window.map.bridge.sig_page_ready.connect(push)
    if window.map.bridge.page_ready:
        push()


def _hide_incident_board(window: MainWindow, actor: Actor) -> None:
    """Roles that may not see incidents get a plain page saying what they can do instead."""
    window.splitter.hide()
    offers = []
    if actor.may("audit.view"):
        offers.append("Console ▸ Audit trail… (Ctrl+Shift+A) reads and exports the audit trail.")
    if actor.may("audit.verify"):
        offers.append("Console ▸ Verify audit trail checks every entry's hash and link.")
    if actor.may("user.add"):
        offers.append("Users are managed with 'controlroom user add / disable / enable / passwd'.")
    role = ROLE_TITLES.get(actor.role or "", actor.role or "")
    page = QLabel(
        f"{actor.name} ({role}) may not {describe('read.incidents')}: the incident board, map and "
        "patrol boards are not shown.\n\n" + "\n".join(offers)
    )
    page.setObjectName("rolePage")
    page.setTextFormat(Qt.TextFormat.PlainText)
    page.setWordWrap(True)
    page.setMargin(40)
    layout = window.centralWidget().layout()
    if layout is not None:
        layout.addWidget(page, 1)
    window.role_page = page  # type: ignore[attr-defined]
