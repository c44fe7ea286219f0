"""Hostile text in the real window renders inert: list, tooltip, detail panel, map popups,
status-bar notices and labels, the outage banner, the dispersal alert button, the
clear-flag question; a 100 KB summary neither stretches the window nor the rows.

The payloads (tests/payloads.py) carry markers: ``window.__pwned`` set by a handler
that would run, ``pwned.invalid`` fetched by an image that would load.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from controlroom.core.snapshots import Change, Diff, FlagSnapshot, SubjectSnapshot
from controlroom.incidents.reporting import NewIncident
from controlroom.venues.commands import VenueSpec
from tests.payloads import HUGE, NAME, PLACE, QT_RICH, TEXT
from tests.ui.conftest import js
from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until
from ui.common.typed_text import shown_line, shown_lines
from ui.incidents.model import PLACE as PLACE_COLUMN
from ui.incidents.model import SUMMARY

POPUP = "document.querySelector('.leaflet-popup')"
# Elements the payloads would create if a popup interpreted them as markup.
MADE_FROM_PAYLOAD = ",".join(f".cr-popup {tag}" for tag in ("img", "script", "a", "b", "i", "h1", "font"))


def _as_rendered(tooltip: str) -> str:
    """What Qt shows for a tooltip: rich text if it looks like HTML."""
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def _popup_state(window: Any, qtbot: Any) -> Any:
    return js(
        window.map,
        qtbot,
        "{popup: !!" + POPUP + ", "
        "text: " + POPUP + " && " + POPUP + ".textContent, "
        "imgs: document.querySelectorAll('img:not(.leaflet-tile):not(.leaflet-marker-icon)').length, "
        "popupElements: " + POPUP + " && " + POPUP + ".querySelectorAll('" + MADE_FROM_PAYLOAD + "').length, "
        "scripts: Array.from(document.scripts).filter(s => s.textContent.indexOf('__pwned') >= 0).length, "
        "pwned: typeof window.__pwned}",
    )


def test_hostile_text_shows_as_text_everywhere(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url)
    venue = arun(
        window.commands.upsert_venue(
            VenueSpec(
                name=NAME,
                kind="bar",
                lat=50.9112,
                lon=-1.4080,
                address=PLACE,
                is_safe_space=True,
                safe_space_status="open",
            )
        )
    )
    made = arun(
        window.writes.report(
            NewIncident(
                category="disorder",
                source="cctv",
                summary=TEXT,
                grade=2,
                lat=50.9100,
                lon=-1.4060,
                place=PLACE,
                person_of_concern=NAME,
            )
        )
    )
    wait_until(
        qtbot,
        lambda: window.model.row_of(made.id) is not None,
        "window.model.row_of(made.id) is not None",
        timeout=5000,
    )
    row = window.model.row_of(made.id)
    for column, typed in ((SUMMARY, TEXT), (PLACE_COLUMN, PLACE)):
        index = window.model.index(row, column)
        shown = window.model.data(index, Qt.ItemDataRole.DisplayRole)
        assert shown == shown_line(typed[:300])  # controls spelled out, as the command line does
        tooltip = window.model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert _as_rendered(tooltip) == shown  # the tooltip shows the characters, not markup

    assert window.table.select_incident(made.id)
    for name, typed in (("Summary", TEXT), ("Place", PLACE), ("Person of concern", NAME)):
        label = window.detail.fields[name]
        assert label.text() == shown_lines(typed) and label.textFormat() == Qt.TextFormat.PlainText

    wait_until(
        qtbot,
        lambda: bool((_popup_state(window, qtbot) or {}).get("popup")),
        'bool((_popup_state(window, qtbot) or {}).get("popup"))',
        timeout=5000,
    )
    state = _popup_state(window, qtbot)
    assert shown_lines(TEXT) in state["text"] and shown_lines(PLACE) in state["text"]
    assert state["popupElements"] == 0 and state["imgs"] == 0 and state["scripts"] == 0
    assert state["pwned"] == "undefined"

    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, f"controlroom.openVenue({venue.id})") is True,
        'js(window.map, qtbot, f"controlroom.openVenue({venue.id})") is…',
        timeout=5000,
    )
    title = "(" + POPUP + ".querySelector('.cr-popup-title') || {}).textContent || null"
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, title) == shown_line(NAME),
        "js(window.map, qtbot, title) == shown_line(NAME)",
        timeout=5000,
    )  # the text, as typed
    state = _popup_state(window, qtbot)
    assert state["popupElements"] == 0 and state["imgs"] == 0 and state["pwned"] == "undefined"

    # A status-bar notice quoting typed text stays text (QStatusBar draws plain text).
    window.show_message(f"{NAME} saved")
    assert window.statusBar().currentMessage() == f"{NAME} saved"


def test_a_100_kb_summary_holds_the_layout(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    width, row_height = window.width(), window.table.rowHeight(0)
    first = window.model.incidents()[0]
    # Nothing a person types gets past the core's limits, so deliver it as a change another
    # system might have written straight into the database: the window's own diff path.
    huge = dataclasses.replace(first, summary=HUGE, place=HUGE[:5000], version=first.version + 1)
    change = Change(seq=10**9, entity="incident", op="upsert", entity_id=first.id, incident=huge)
    window.feed.sig_diff_received.emit(Diff(since=10**9 - 1, cursor=10**9, changes=(change,)))
    assert window.table.select_incident(first.id)
    row = window.model.row_of(first.id)
    wait_until(
        qtbot,
        lambda: window.model.data(window.model.index(row, SUMMARY)) == HUGE[:300],
        "window.model.data(window.model.index(row, SUMMARY)) == HUGE[:30…",
    )
    window.map.bridge.flush()
    wait_until(
        qtbot,
        lambda: bool((_popup_state(window, qtbot) or {}).get("popup")),
        'bool((_popup_state(window, qtbot) or {}).get("popup"))',
        timeout=5000,
    )
    assert window.width() == width
    assert window.table.rowHeight(row) == row_height
    assert window.detail.fields["Summary"].text() == HUGE
    assert window.minimumSizeHint().width() < 2000  # a long label does not set the window's width
    window.grab().save("/tmp/untrusted_huge.png")


def _subject(description: str) -> SubjectSnapshot:
    return SubjectSnapshot(
        id=4242,
        description=description,
        clothing="",
        build="",
        distinguishing_features="",
        review_date=date(2027, 1, 1),
        warnings=1,
        active_directions=(),
        sightings=1,
        last_seen_at=None,
        alert="repeat behaviour",
        alert_at=datetime.now(UTC),
        version=2,
    )


def _flag(place: str) -> FlagSnapshot:
    now = datetime.now(UTC)
    return FlagSnapshot(
        id=99, lat=50.91, lon=-1.40, venue_id=None, place=place, behaviour="following", reason="x",
        flagged_at=now, expires_at=now + timedelta(hours=1), cleared_at=None, incident_id=None,
        created_by="jsmith", version=1,
    )  # fmt: skip


def test_hostile_text_in_status_bar_labels_banners_and_questions_stays_text(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    # An operator: a set-up-mode window shows no persons-of-concern alerts at all.
    add_users(demo_url, ("night_op", "operator", ()))
    window = open_window(demo_url, actor=actor_for(demo_url, "night_op"))
    # The driver's reason for an outage can quote values people typed.
    window.feed.sig_connection_changed.emit(False, PLACE)
    connection = window.statusBar().findChild(QLabel, "connection")
    assert connection.text() == f"● Database unreachable: {PLACE}"
    assert connection.textFormat() == Qt.TextFormat.PlainText
    assert window.banner.isVisible() and window.banner.detail.text().endswith(f"Reason: {PLACE}")
    assert window.banner.detail.textFormat() == Qt.TextFormat.PlainText
    window.feed.sig_connection_changed.emit(True, "connected")
    assert window.database_label.textFormat() == Qt.TextFormat.PlainText

    # A person's typed description on the dispersal alert button: "&amp;" must not become
    # a hidden "&" and an Alt+A shortcut that clicks the alert away.
    typed = f"{QT_RICH} {NAME}"  # "&amp;" within the 120 characters the button shows
    change = Change(seq=10**9, entity="subject", op="upsert", entity_id=4242, subject=_subject(typed))
    window.feed.sig_diff_received.emit(Diff(since=10**9 - 1, cursor=10**9, changes=(change,)))
    alert = window.dispersal.alert
    assert alert.isVisible()
    assert alert.text().replace("&&", "&") == f"⚠ repeat behaviour — person #4242: {typed[:120]}"
    assert "&" not in alert.text().replace("&&", "")  # every "&" shown as itself
    assert alert.shortcut().isEmpty()
    assert window.statusBar().currentMessage() == "⚠ repeat behaviour: person #4242"

    # Clearing a flag asks with the typed place in the question.
    asked: list[tuple[str, Qt.TextFormat]] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_no)
            return
        asked.append((box.text(), box.textFormat()))
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer_no)
    assert window.patrols.clear_flag(_flag(PLACE)) is None  # "No": nothing cleared
    assert asked == [(f"Clear the following flag at {PLACE}?", Qt.TextFormat.PlainText)]
