"""The action registry: what each role is offered, and no key or Alt letter claimed twice.

Expectations follow the README's role table (and ``test_roles_ui``): an operator runs
the night but may not authorise a zone; a supervisor may; a partner reports and
searches; an auditor reads and verifies the trail; an administrator manages users
(from the command line) and is offered nothing on the board.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QTabWidget, QWidget

from controlroom.core.roles import PERSONAL_DATA_ACTIONS
from tests.ui.logins import actor_for, add_users
from ui.common.actions import WINDOW
from ui.shell.actions import ALL_ACTIONS

EVERYONE = {
    "console.lock", "console.switch_user", "incident.find",
    "view.zoom_in", "view.zoom_out", "view.zoom_reset", "view.reset_layout",
}  # fmt: skip
# Moving round the board and the map: for those who see incidents.
VIEWING = {
    "view.next_pane", "view.previous_pane", "view.detail", "view.map_window", "view.map_overview",
    "search.open",
}  # fmt: skip
INCIDENT_WORK = {
    "incident.new", "incident.edit", "incident.edit_enter", "incident.edit_button",
    "incident.acknowledged", "incident.on_scene", "incident.resolved", "incident.closed",
    "incident.reopen", "incident.dispatch", "incident.caller_updated", "incident.duplicate",
    "alert.jump", "alert.select", "alert.acknowledge", "alert.caller_updated",
}  # fmt: skip
PATROL_WORK = {
    "flag.new", "flag.new_on_list", "flag.dispatch", "flag.convert", "flag.clear", "unit.locate",
    "unit.available", "unit.en_route", "unit.on_scene", "unit.busy", "unit.refreshment", "unit.off_duty",
}  # fmt: skip
DISPERSAL_WORK = {
    "direction.new", "direction.new_window", "direction.print", "zone.print",
    "direction.open", "direction.vary", "direction.withdraw", "direction.take_home",
    "subject.warn", "subject.seen", "subject.record",
}  # fmt: skip
ZONES = {"zone.new", "zone.new_window"}
# The register's readers may ask which cameras see a place; calling one up is the operators' work.
CAMERA_READING = {
    "camera.which_incident", "camera.which_flag", "camera.which_direction", "camera.which_place",
}  # fmt: skip
CAMERA_WORK = CAMERA_READING | {
    "camera.callup",
    "camera.report_fault",
    "camera.clear_fault",
    "camera.release",
}
CAMERA_KEEPING = {"camera.new", "camera.edit"}
# Marking, skipping and answering checklist steps (K / Shift+K on the list, keys in the checklist).
PROCEDURE_WORK = {
    "procedure.next_done", "procedure.next_skip", "procedure.step_done", "procedure.step_done_enter",
    "procedure.step_skip", "procedure.step_yes", "procedure.step_no",
}  # fmt: skip  # the register's keepers add and change cameras
# The decision log: auditors read and print it; operators and supervisors record and revise too.
DECISION_READING = {"decision.open", "decision.read", "decision.print"}
DECISION_WORK = DECISION_READING | {"decision.new", "decision.revise"}
OPERATOR = (
    EVERYONE
    | VIEWING
    | INCIDENT_WORK
    | PATROL_WORK
    | DISPERSAL_WORK
    | CAMERA_WORK
    | {"footage.open", "report.open"}
    | {"handover.open", "handover.history"}
    | PROCEDURE_WORK
    | DECISION_WORK
    | {"activity.open"}
)
OFFERED = {
    "operator": OPERATOR,
    "supervisor": OPERATOR | ZONES | CAMERA_KEEPING,
    "partner": EVERYONE | VIEWING | {"incident.new"},
    "auditor": EVERYONE | {"audit.open", "audit.verify"} | DECISION_READING | {"activity.open"},
    "administrator": EVERYONE | CAMERA_READING | CAMERA_KEEPING,
}
WINDOW_WIDE = {WINDOW, "menu"}  # scopes whose keys work anywhere in the window
BOARD_LESS = {"auditor", "administrator"}


def _window_for(role: str, url: str, open_window: Any, board_less_window: Any) -> Any:
    name = f"user_{role}"
    if role in BOARD_LESS:
        return board_less_window(url, name, role)
    add_users(url, (name, role, ("Velvet Fox",) if role == "partner" else ()))
    return open_window(url, actor=actor_for(url, name))


@pytest.mark.parametrize("role", sorted(OFFERED))
def test_each_role_is_offered_what_the_role_table_allows(
    role: str, demo_url: str, open_window: Any, board_less_window: Any
) -> None:
    window = _window_for(role, demo_url, open_window, board_less_window)
    registry = window.registry
    assert set(registry.offered()) == OFFERED[role]
    # The Qt objects agree with the registry: offered ones enabled (or shown), the rest not.
    shown = {b.spec.name for b in registry.bound() if b.offered}
    assert shown == OFFERED[role], f"{role}: offered but not declared so: {shown ^ OFFERED[role]}"


def test_every_declared_action_is_made_once_with_its_declared_key(demo_url: str, open_window: Any) -> None:
    window = open_window(demo_url)  # set-up mode: everything offered but personal data
    bound = window.registry.bound()
    names = [b.spec.name for b in bound]
    assert sorted(names) == sorted(ALL_ACTIONS), "an action made twice, or declared and never made"
    for item in bound:
        assert item.spec is ALL_ACTIONS[item.spec.name]
        if item.spec.key:
            made = item.target.key() if hasattr(item.target, "key") else item.target.shortcut()
            assert made.toString() == QKeySequence(item.spec.key).toString(), item.spec.name
    personal = {name for name, spec in ALL_ACTIONS.items() if spec.needs in PERSONAL_DATA_ACTIONS}
    assert personal >= {"direction.new", "direction.print", "subject.warn", "subject.record"}
    assert set(window.registry.offered()) == set(ALL_ACTIONS) - personal


def test_no_two_actions_in_one_window_share_a_key(demo_url: str, open_window: Any) -> None:
    window = open_window(demo_url)
    keys: dict[str, list[str]] = defaultdict(list)  # scope -> keys
    for item in window.registry.bound():
        if item.spec.key:
            scope = WINDOW if item.spec.scope in WINDOW_WIDE else item.spec.scope
            keys[scope].append(QKeySequence(item.spec.key).toString())
    window_wide = keys.pop(WINDOW)
    assert len(window_wide) == len(set(window_wide)), f"window-wide keys claimed twice: {window_wide}"
    for scope, claimed in keys.items():
        assert len(claimed) == len(set(claimed)), f"{scope}: a key claimed twice: {claimed}"
        assert not set(claimed) & set(window_wide), f"{scope} shadows a window-wide key"


def test_no_two_things_in_one_window_share_an_alt_mnemonic(demo_url: str, open_window: Any) -> None:
    window = open_window(demo_url)
    owners: dict[str, list[str]] = defaultdict(list)
    for text in _window_mnemonic_texts(window):
        letter = QKeySequence.mnemonic(text).toString()
        if letter:
            owners[letter].append(text)
    clashes = {letter: texts for letter, texts in owners.items() if len(texts) > 1}
    assert not clashes, f"Alt letters claimed twice in the main window: {clashes}"
    for menu in window.menuBar().findChildren(QMenu):
        letters = [QKeySequence.mnemonic(a.text()).toString() for a in menu.actions() if a.text()]
        letters = [letter for letter in letters if letter]
        assert len(letters) == len(set(letters)), f"menu {menu.title()}: {letters}"


def _window_mnemonic_texts(window: Any) -> list[str]:
    """Texts that bind an Alt key anywhere in the window (not in its dialogs).

    Every board page counts, shown or not (stricter than Qt, which ignores hidden
    buttons); the lock screen does not: while it is up, everything else is hidden.
    """
    cover = window.session.lock.screen

    def mine(widget: QWidget) -> bool:
        return widget.window() is window and not (widget is cover or cover.isAncestorOf(widget))

    texts = [a.text() for a in window.menuBar().actions()]
    for tabs in window.findChildren(QTabWidget):
        if mine(tabs):
            texts += [tabs.tabText(i) for i in range(tabs.count())]
    texts += [b.text() for b in window.findChildren(QAbstractButton) if mine(b)]
    texts += [label.text() for label in window.findChildren(QLabel) if mine(label) and label.buddy()]
    return texts
