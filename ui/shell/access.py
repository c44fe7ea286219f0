"""What the window offers a role: actions from the registry, boards, the map's buttons.

The core refuses every write the actor's role lacks (``NotPermittedError``); the
window additionally does not offer it, so an operator is not invited into a
refusal. ``apply_role`` gates every action the window's ``ActionRegistry`` made
(each declared with the role action it needs), removes the tabs of boards the role
may not read, shows roles that may not see incidents (auditor, administrator) a
page saying what they can do instead, and tells the map which safe spaces' status
buttons to show (a partner: only its own venues').
"""

from __future__ import annotations

from controlroom.core.roles import ROLE_TITLES, Actor, describe
from ui.shell.main_window import MainWindow


def apply_role(window: MainWindow, actor: Actor) -> None:
    """Offer ``actor`` only what its role may do (set-up mode: everything but personal data)."""
    window.registry.apply_role(actor.may)
    if actor.role is None:
        return
    for board, needs in window.board_needs:
        if not actor.may(needs):
            window.remove_board(board)
    _gate_map(window, actor)
    if not actor.may("read.incidents"):
        window.show_role_page(role_page_text(actor))


def _gate_map(window: MainWindow, actor: Actor) -> None:
    if actor.may("venue.safe_space") and not actor.is_partner:
        return
    window.map.set_safe_space_editable(sorted(v for v in actor.venue_ids if actor.may("venue.safe_space", v)))


def role_page_text(actor: Actor) -> str:
    """Roles that may not see incidents get a plain page saying what they can do instead."""
    offers = []
    if actor.may("audit.view"):
        offers.append("Console ▸ Audit trail… (Ctrl+Shift+A) reads and exports the audit trail.")
    if actor.may("audit.verify"):
        offers.append("Console ▸ Verify audit trail checks every entry's hash and link.")
    if actor.may("decision.read"):
        offers.append("Window ▸ Decisions (F10) reads tonight's decision log; P on its list prints it.")
    if actor.may("activity.read_any"):
        offers.append("Window ▸ Activity log… (Ctrl+Shift+Y) reads what any user did in a night (audited).")
    if actor.may("user.add"):
        offers.append("Users are managed with 'controlroom user add / disable / enable / passwd'.")
    role = ROLE_TITLES.get(actor.role or "", actor.role or "")
    return (
        f"{actor.name} ({role}) may not {describe('read.incidents')}: the incident board, map and "
        "patrol boards are not shown.\n\n" + "\n".join(offers)
    )
