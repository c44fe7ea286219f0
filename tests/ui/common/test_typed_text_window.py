"""The window shows typed text in the order it was typed, obeying no bidi or control character
(issue #14, item 7): "abc\u202eevil\u202c after" must never read "abclive after" in the incident
list, its tooltip, the detail panel, the timeline, the map popup, the flag board, the
dispersal alert or the audit viewer. Each is read back from the real widget or page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from controlroom.core.snapshots import Change, Diff, SubjectSnapshot
from controlroom.core.validation import BIDI_CONTROLS
from controlroom.incidents.reporting import NewIncident
from tests.ui.conftest import js
from tests.ui.logins import actor_for, add_users, unique_names
from tests.ui.waits import wait_until
from ui.audit.viewer import AuditTableModel
from ui.common.typed_text import shown_line, shown_lines
from ui.incidents.model import PLACE, SUMMARY
from ui.patrols.flag_board import PLACE as FLAG_PLACE
from ui.patrols.flag_board import REASON as FLAG_REASON

TYPED = "abc\u202eevil\u202c after"
IN_TYPED_ORDER = "abc\\u202eevil\\u202c after"  # every character seen, the words in order
HIDDEN = ("\x1b", "\x07", "\x9b", "\r", *BIDI_CONTROLS)
POPUP = "document.querySelector('.leaflet-popup')"


def _obeys_nothing(text: str) -> bool:
    return not any(ch in text for ch in HIDDEN)


def _shows(text: str) -> bool:
    return _obeys_nothing(text) and IN_TYPED_ORDER in text


def _as_rendered(tooltip: str) -> str:
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def test_shown_text_keeps_order_and_only_the_lines_a_label_may_keep() -> None:
    assert shown_line(f"{TYPED}\nnext\tline\r\x1b[2J") == f"{IN_TYPED_ORDER} next line \\x1b[2J"
    assert shown_lines(f"{TYPED}\r\nnext\rline") == f"{IN_TYPED_ORDER}\nnext\\x0dline"
    assert shown_line(None) == "" and shown_line("Siân, Łódź, Юлия") == "Siân, Łódź, Юлия"


def test_the_list_detail_timeline_map_and_flags_show_a_right_to_left_override_as_typed(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url)
    made = arun(
        window.writes.report(
            NewIncident(
                category="disorder", source="cctv", summary=f"{TYPED}\x1b[2J\x07", grade=2,
                lat=50.9100, lon=-1.4060, place=f"Bar {TYPED}", person_of_concern=TYPED,
            )
        )
    )  # fmt: skip
    arun(window.commands.update_incident(made.reference, note=f"note {TYPED}"))
    arun(
        window.commands.flag_location(behaviour="following", reason=TYPED, at=(50.9050, -1.4040), place=TYPED)
    )
    wait_until(
        qtbot, lambda: window.model.row_of(made.id) is not None, "the incident is listed", timeout=5000
    )

    row = window.model.row_of(made.id)
    for column in (SUMMARY, PLACE):
        index = window.model.index(row, column)
        assert _shows(window.model.data(index, Qt.ItemDataRole.DisplayRole))
        assert _shows(_as_rendered(window.model.data(index, Qt.ItemDataRole.ToolTipRole)))
    assert window.model.data(window.model.index(row, SUMMARY)).endswith("after\\x1b[2J\\x07")

    assert window.table.select_incident(made.id)
    for name in ("Summary", "Place", "Person of concern"):
        assert _shows(window.detail.fields[name].text()), name
    timeline = window.detail.timeline
    wait_until(
        qtbot,
        lambda: any(IN_TYPED_ORDER in timeline.item(i).text() for i in range(timeline.count())),
        "the note is in the timeline",
        timeout=5000,
    )
    assert all(_obeys_nothing(timeline.item(i).text()) for i in range(timeline.count()))

    def popup_text() -> str:
        return js(window.map, qtbot, f"{POPUP} ? {POPUP}.textContent : ''") or ""

    wait_until(qtbot, lambda: IN_TYPED_ORDER in popup_text(), "the incident's popup is open", timeout=5000)
    assert _obeys_nothing(popup_text()) and f"Bar {IN_TYPED_ORDER}" in popup_text()

    flags = window.flags.model
    wait_until(qtbot, lambda: flags.rowCount() >= 1, "the flag is listed", timeout=5000)
    flag_row = next(
        r for r in range(flags.rowCount()) if IN_TYPED_ORDER in flags.data(flags.index(r, FLAG_PLACE))
    )
    for column in (FLAG_PLACE, FLAG_REASON):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            assert _shows(flags.data(flags.index(flag_row, column), role))


def test_the_dispersal_alert_shows_a_typed_description_as_typed(demo_url: str, open_window: Any) -> None:
    # An operator: a set-up-mode window shows no persons-of-concern alerts at all.
    name = unique_names("operator")["operator"]
    add_users(demo_url, (name, "operator", ()))
    window = open_window(demo_url, actor=actor_for(demo_url, name))
    subject = SubjectSnapshot(
        id=4243, description=TYPED, clothing="", build="", distinguishing_features="",
        review_date=date(2027, 1, 1), warnings=1, active_directions=(), sightings=1, last_seen_at=None,
        alert="repeat behaviour", alert_at=datetime.now(UTC), version=2,
    )  # fmt: skip
    change = Change(seq=10**9, entity="subject", op="upsert", entity_id=subject.id, subject=subject)
    window.feed.sig_diff_received.emit(Diff(since=10**9 - 1, cursor=10**9, changes=(change,)))
    assert _shows(window.dispersal.alert.text())


def test_the_audit_viewer_shows_a_failed_login_name_as_typed(qtbot: Any) -> None:
    entry = type(
        "Entry",
        (),
        {
            "id": 7, "at": datetime(2026, 11, 27, 23, 0, tzinfo=UTC), "actor": f"\x1b[2J{TYPED}",
            "action": "user.login_failed", "kind": "access", "entity": "user", "entity_id": None,
            "justification": TYPED, "recipient": None, "detail": {"name": TYPED},
        },
    )  # fmt: skip
    model = AuditTableModel()
    model.set_entries([entry])
    cells = [model.data(model.index(0, column)) for column in range(model.columnCount())]
    assert _shows(cells[2]) and cells[2].startswith("\\x1b[2J")
    assert _shows(cells[6]) and _shows(cells[8])
