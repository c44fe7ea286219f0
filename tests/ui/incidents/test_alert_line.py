"""One alert-stack line laid out at the dock widths and text scales an operator uses: no two
pieces overlap, no text runs past its piece or under a button, and room is given up in
order (place, then the reference's tail, then the clock)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.alerts import AlertEntry, AlertKind
from ui.common import theme
from ui.incidents.alert_line import LineLayout, layout_line, reference_tail
from ui.incidents.alert_stack import AlertStack, AlertStackModel

NOW = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)
WIDTHS = (260, 360, 480, 720)
SCALES = (1.0, 1.4, 2.0)


def entry(
    place: str = "The Crooked Anchor, Oxford Street", *, kind: AlertKind = AlertKind.BREACH
) -> AlertEntry:
    incident = IncidentSnapshot(
        id=14,
        reference="SOT-20261202-0014",
        reported_at=NOW - timedelta(minutes=123),
        source="public",
        category="assault",
        grade=1,
        status="new" if kind is AlertKind.G1 else "acknowledged",
        venue_id=None,
        place=place,
        lat=50.9,
        lon=-1.4,
        summary="",
        version=1,
    )
    return AlertEntry(incident, kind, timedelta(minutes=123), timedelta(minutes=103, seconds=20))


def metrics(scale: float) -> tuple[QFontMetrics, QFontMetrics]:
    plain = QFont()
    plain.setPointSizeF(theme.BASE_POINTS * scale)
    bold = QFont(plain)
    bold.setBold(True)
    return QFontMetrics(bold), QFontMetrics(plain)


def line_rect(width: int, plain: QFontMetrics) -> QRect:
    return QRect(0, 40, width, plain.height() + 4)


def assert_nothing_collides(line: LineLayout, rect: QRect, bold: QFontMetrics, plain: QFontMetrics) -> None:
    pieces = line.pieces()
    for n, (name, piece) in enumerate(pieces):
        assert rect.contains(piece), f"{name} {piece} leaves the line {rect}"
        assert not piece.intersects(line.bar), f"{name} over the bar"
        for other_name, other in pieces[n + 1 :]:
            assert not piece.intersects(other), f"{name} {piece} overlaps {other_name} {other}"
    texts = [(line.head, line.head_text, bold), (line.place, line.place_text, plain)]
    texts += [(line.clock, line.clock_text, plain)]
    for piece, text, font in texts:
        assert font.horizontalAdvance(text) <= piece.width() or not text, f"{text!r} is wider than its piece"
    for button, text in ((line.acknowledge, line.acknowledge_text), (line.update, line.update_text)):
        if button is not None:
            assert plain.horizontalAdvance(text) < button.width() and plain.height() <= button.height()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("buttons", [(False, False), (True, True), (False, True)])
def test_no_two_pieces_of_a_line_overlap(
    qapp: Any, width: int, scale: float, buttons: tuple[bool, bool]
) -> None:
    bold, plain = metrics(scale)
    rect = line_rect(width, plain)
    acknowledge, update = buttons
    line = layout_line(rect, entry(), bold, plain, acknowledge=acknowledge, update=update)
    assert_nothing_collides(line, rect, bold, plain)
    assert line.head_text.startswith("G1") or width <= 260  # the grade is always read first
    assert (line.acknowledge is not None, line.update is not None) == buttons


def test_room_is_given_up_place_first_then_the_reference_then_the_clock(qapp: Any) -> None:
    bold, plain = metrics(1.0)
    wide = layout_line(line_rect(720, plain), entry(), bold, plain)
    assert wide.head_text == "G1  SOT-20261202-0014" and wide.clock_text == "1 h 43 min over"
    assert wide.place_text == "The Crooked Anchor, Oxford Street"
    # Narrower: the place is elided before anything else gives way.
    narrower = layout_line(line_rect(520, plain), entry(), bold, plain)
    assert narrower.head_text == "G1  SOT-20261202-0014" and narrower.place_text.endswith("…")
    # The current line with both buttons on a 520 px dock: the number of the night is enough.
    current = layout_line(line_rect(520, plain), entry(), bold, plain, acknowledge=True, update=True)
    assert current.head_text == "G1  …-0014" and current.clock_text == "1 h 43 min over"
    assert current.acknowledge is not None and current.head.right() < current.acknowledge.left()
    assert (current.acknowledge_text, current.update_text) == ("Acknowledge", "Update…")
    # On 360 px the buttons shorten, then the clock, and the place gives way first.
    tight = layout_line(line_rect(360, plain), entry(), bold, plain, acknowledge=True, update=True)
    assert (tight.acknowledge_text, tight.update_text) == ("Ack", "Upd…")
    assert (tight.head_text, tight.clock_text) == ("G1  …-0014", "+1h43")
    # At 1.4 there the clock gives its room to the buttons; the grade and number stay.
    bold, plain = metrics(1.4)
    tighter = layout_line(line_rect(360, plain), entry(), bold, plain, acknowledge=True, update=True)
    assert (tighter.head_text, tighter.place_text, tighter.clock_text) == ("G1  …-0014", "", "")


def test_a_short_place_keeps_the_full_reference(qapp: Any) -> None:
    bold, plain = metrics(1.0)
    line = layout_line(line_rect(480, plain), entry("Bargate"), bold, plain)
    assert line.head_text == "G1  SOT-20261202-0014" and line.place_text == "Bargate"
    assert reference_tail("SOT-20261202-0014") == "…-0014" and reference_tail("odd") == "odd"


@pytest.fixture
def app_stylesheet(qapp: Any) -> Iterator[Any]:
    """Sets the application's stylesheet for one test and puts the one before back."""
    before = qapp.styleSheet()
    yield qapp.setStyleSheet
    qapp.setStyleSheet(before)


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_the_painted_stack_lays_out_each_line_with_its_own_font(
    app_stylesheet: Any, qtbot: Any, scale: float
) -> None:
    """The delegate measures with the stack's font as the text scale set it, and four lines
    with the count above them fit in 150 px at the default size."""
    model = AlertStackModel()
    model.set_entries([entry(kind=AlertKind.G1)])
    app_stylesheet(theme.stylesheet(scale))  # as Ctrl+= does: the whole application's
    stack = AlertStack(model)
    qtbot.addWidget(stack)
    stack.resize(360, 200)
    stack.show()
    qtbot.waitExposed(stack)
    stack.list.setCurrentIndex(model.index(0))
    assert stack.font().pointSizeF() == pytest.approx(theme.BASE_POINTS * scale)
    option = QStyleOptionViewItem()
    option.rect = stack.list.visualRect(model.index(0))
    option.state = QStyle.StateFlag.State_Selected  # the current line shows its buttons
    line = stack.delegate.layout(option, model.entry_at(0))
    bold = QFont(stack.font())
    bold.setBold(True)
    assert line.acknowledge is not None and line.update is not None
    assert_nothing_collides(line, option.rect, QFontMetrics(bold), QFontMetrics(stack.font()))
    assert not stack.list.viewport().grab().isNull()  # and it paints
    if scale == 1.0:
        assert stack.count.sizeHint().height() + 4 * stack.line_height() <= 150 - 24  # and a dock title


def test_a_click_on_a_line_s_button_acts_on_that_line(app_stylesheet: Any, qtbot: Any) -> None:
    app_stylesheet(theme.stylesheet())
    model = AlertStackModel()
    breach = entry()
    other = dataclasses.replace(breach.incident, id=16, reference="SOT-20261202-0016", grade=2)
    model.set_entries([entry(kind=AlertKind.G1), dataclasses.replace(breach, incident=other)])
    stack = AlertStack(model)
    qtbot.addWidget(stack)
    stack.resize(480, 200)
    stack.show()
    qtbot.waitExposed(stack)
    acknowledged: list[str] = []
    updated: list[str] = []
    stack.sig_acknowledge_requested.connect(lambda incident: acknowledged.append(incident.reference))
    stack.sig_caller_update_requested.connect(lambda incident: updated.append(incident.reference))
    option = QStyleOptionViewItem()
    option.rect = stack.list.visualRect(model.index(0))
    option.state = QStyle.StateFlag.State_MouseOver
    line = stack.delegate.layout(option, model.entry_at(0))
    assert line.acknowledge is not None and line.update is not None
    qtbot.mouseClick(stack.list.viewport(), Qt.MouseButton.LeftButton, pos=line.acknowledge.center())
    assert acknowledged == ["SOT-20261202-0014"] and updated == []
    qtbot.mouseClick(stack.list.viewport(), Qt.MouseButton.LeftButton, pos=line.update.center())
    assert updated == ["SOT-20261202-0014"]
    # A click on the line's text selects its incident and acts on nothing.
    selected: list[int] = []
    stack.sig_incident_selected.connect(selected.append)
    qtbot.mouseClick(stack.list.viewport(), Qt.MouseButton.LeftButton, pos=line.head.center())
    assert selected == [14] and acknowledged == ["SOT-20261202-0014"] and updated == ["SOT-20261202-0014"]
