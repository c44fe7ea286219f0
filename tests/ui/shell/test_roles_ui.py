"""The window offers each role only what it may do (the core refuses the rest anyway)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShortcut

from tests.ui.conftest import js
from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until


def _enabled(parent: Any, key: str) -> bool:
    found = [s for s in parent.findChildren(QShortcut) if s.parent() is parent and s.key().toString() == key]
    assert found, f"no {key} shortcut on {parent}"
    return all(s.isEnabled() for s in found)


def _tabs(window: Any) -> list[str]:
    return [window.boards.tabText(i).replace("&", "") for i in range(window.boards.count())]


def _window_as(url: str, open_window: Any, name: str, role: str, venues: tuple[str, ...] = ()) -> Any:
    add_users(url, (name, role, venues))
    return open_window(url, actor=actor_for(url, name))


def test_an_operator_may_not_authorise_a_zone_but_does_the_rest(demo_url: str, open_window: Any) -> None:
    window = _window_as(demo_url, open_window, "jsmith", "operator")
    assert not _enabled(window, "Ctrl+Shift+Z") and not _enabled(window.dispersal, "Z")
    for key in ("Ctrl+N", "Ctrl+Shift+F", "Ctrl+Shift+G"):
        assert _enabled(window, key)
    for key in ("G", "P", "W", "S"):
        assert _enabled(window.dispersal, key)
    assert _enabled(window.table, "D") and _enabled(window.table, "A")
    assert _tabs(window)[:3] == ["Units", "Flags", "Dispersal"]
    session = window.session
    assert not session.audit_action.isVisible() and not session.audit_action.isEnabled()
    assert session.record_action.isEnabled() and session.lock_action.isEnabled()


def test_a_supervisor_may_authorise_a_zone(demo_url: str, open_window: Any) -> None:
    window = _window_as(demo_url, open_window, "insp_kaur", "supervisor")
    assert _enabled(window, "Ctrl+Shift+Z") and _enabled(window.dispersal, "Z")


def test_a_partner_reports_and_sets_its_own_safe_space_only(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = _window_as(demo_url, open_window, "velvet_fox", "partner", ("Velvet Fox",))
    assert _tabs(window) == ["Pending"]  # no units, flags or dispersal
    assert _enabled(window, "Ctrl+N")  # report an incident
    for key in ("Ctrl+Shift+F", "Ctrl+Shift+Z", "Ctrl+Shift+G"):
        assert not _enabled(window, key)
    for key in ("D", "A", "E", "Return", "C"):
        assert not _enabled(window.table, key)
    assert not window.detail.edit_button.isVisibleTo(window)
    assert not window.detail.duplicate_button.isVisibleTo(window)
    assert not window.session.record_action.isEnabled()
    # Its board holds its own venue's incidents only, without persons-of-concern data.
    own = next(v.id for v in window.venues.values() if v.name == "Velvet Fox")
    other = next(v.id for v in window.venues.values() if v.is_safe_space and v.id != own)
    assert all(i.venue_id == own for i in window.model.incidents())
    assert all(not i.person_of_concern for i in window.model.incidents())
    if window.model.incidents():
        window.table.select_incident(window.model.incidents()[0].id)
        assert window.detail.status_row.count() == 0  # no status buttons
    assert window.map.bridge.last_counts.get("units", 0) == 0
    buttons = "document.querySelectorAll('.leaflet-popup .cr-safe-button').length"
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, f"controlroom.openVenue({own}) && {buttons}") == 3,
        'js(window.map, qtbot, f"controlroom.openVenue({own}) && {button…',
    )
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, f"controlroom.openVenue({other}) && {buttons}") == 0,
        'js(window.map, qtbot, f"controlroom.openVenue({other}) && {butt…',
    )
    title = js(window.map, qtbot, "document.querySelector('.leaflet-popup .cr-popup-title').textContent")
    assert title == window.venues[other].name  # the popup is there, just without buttons


def test_an_auditor_sees_the_audit_trail_not_the_incident_board(
    demo_url: str, board_less_window: Any
) -> None:
    window = board_less_window(demo_url, "dpo_lee", "auditor")
    assert not window.board.isVisible() and not any(d.isVisible() for d in window.docks.values())
    assert window.role_page.isVisible() and "Audit trail" in window.role_page.text()
    assert window.session.audit_action.isEnabled() and window.session.verify_action.isEnabled()
    assert not _enabled(window, "Ctrl+N")
    assert window.session.lock_action.isEnabled()


def test_an_administrator_manages_users_but_neither_reads_nor_verifies_the_trail(
    demo_url: str, board_less_window: Any, qtbot: Any
) -> None:
    # Verifying reads every entry's content: that is the auditor's (the DPO's) job alone.
    window = board_less_window(demo_url, "root_admin", "administrator")
    session = window.session
    assert not session.audit_action.isEnabled() and not session.verify_action.isEnabled()
    assert not window.board.isVisible() and not any(d.isVisible() for d in window.docks.values())
