"""One line of the alert stack: what it says, where each piece goes, and how it is painted.

``layout_line`` is the whole geometry, measured with the fonts the line is painted in
(the window's text scale changes them): a pure function of the line's rectangle, its
entry, the two font metrics and which buttons it shows, so a test can check at any dock
width and scale that no two pieces overlap. When room runs short the pieces give way in
this order: the place is elided; the reference shortens to its number tail
(``…-0014``, the number of the night the operator reads out); the buttons shorten
(``Ack`` / ``Upd…``); the clock shortens (``+1h43``); the clock and place give their room
to the buttons (the list beside the stack still shows both); last, the grade and
reference are elided. Nothing is ever drawn under
a button.

A step line ("Step 3  SOT-…  Secure the drink  ·  2 min over") puts the overdue step
where an incident line has its grade, and the step's text where the place goes; a
handover line says "Handover  H-2026-0001  from op1 at 02:10 — awaiting acknowledgement"
and how long ago it was given. Neither has buttons: A and U act on incidents only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionButton, QStyleOptionViewItem, QWidget

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.alerts import INCIDENT_KINDS, AlertEntry, AlertKind
from ui.common import theme
from ui.common.formatting import format_age
from ui.common.typed_text import shown_line

Index = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 3

BAR_WIDTH = 6
LINE_PADDING = 3  # above and below the text together: four lines in ~90 px at 12 pt
TEXT_INSET = 6  # from the bar to the grade, and from the last piece to the line's edge
GAP = 10  # between two pieces of text, and between the text and the buttons
BUTTON_GAP = 4
BUTTON_PADDING = 8  # each side of a button's label
MIN_PLACE_CHARS = 8  # less than this of the place reads as noise: shorten the reference first
MIN_PLACE_SHOWN = 6  # "T…" says nothing: below this the place is left out
ACK_TEXTS = ("Acknowledge", "Ack")
UPDATE_TEXTS = ("Update…", "Upd…")


def format_over(over_seconds: float) -> str:
    """``39 min over``, ``1 h 51 min over`` (whole minutes: read from across the room)."""
    minutes = int(over_seconds // 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min over"
    return f"{minutes} min over"


def clock_text(entry: AlertEntry) -> str:
    """What the line says about time: how far over target if it is, else its age."""
    if entry.over is not None:
        return format_over(entry.over.total_seconds())
    return format_age(entry.age.total_seconds())


def short_clock_text(entry: AlertEntry) -> str:
    """The clock on a crowded line: ``+1h43``, ``+39m`` over target (amber says "over"), else the age."""
    if entry.over is None:
        return format_age(entry.age.total_seconds())
    minutes = int(entry.over.total_seconds() // 60)
    return f"+{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"+{minutes}m"


def grade_text(entry: AlertEntry) -> str:
    """What leads the line: the grade, the overdue step's number, or "Handover"."""
    if entry.handover is not None:
        return "Handover"
    if entry.step is not None:
        return f"Step {entry.step.number}"
    return f"G{entry.grade}" if entry.grade is not None else "G?"


def detail_text(entry: AlertEntry) -> str:
    """What the line says after its reference (one line, typed text made inert)."""
    if entry.handover is not None:
        given = entry.handover.given_at.astimezone(LOCAL_TZ)
        return f"from {shown_line(entry.handover.given_by)} at {given:%H:%M} — awaiting acknowledgement"
    if entry.step is not None:
        more = f" (+{entry.more_steps} more)" if entry.more_steps else ""
        return f"{shown_line(entry.step.text)}{more}"
    return shown_line(entry.place)


def line_text(entry: AlertEntry) -> str:
    """The whole line as plain text (its tooltip, and what tests read)."""
    if entry.handover is not None:
        return f"Handover {entry.reference} {detail_text(entry)}"
    if entry.step is not None and entry.over is not None:
        minutes = int(entry.over.total_seconds() // 60)
        over = f"{minutes} min" if minutes else "under a minute"
        return (
            f"Supervisor: step {entry.step.number} of {entry.reference} overdue {over} — {detail_text(entry)}"
        )
    return f"{grade_text(entry)}  {entry.reference}  {detail_text(entry)}  ·  {clock_text(entry)}"


def reference_tail(reference: str) -> str:
    """``SOT-20261202-0014`` → ``…-0014``: the number of the night, enough in the stack."""
    head, sep, tail = reference.rpartition("-")
    return f"…-{tail}" if sep and head else reference


def is_grade_1(entry: AlertEntry) -> bool:
    """A waiting Grade 1 or a Grade 1 over its target: both carry the Grade 1 marking (a step
    line of a Grade 1 incident does not: it is the supervisor's, not the incident's alarm)."""
    return entry.kind is AlertKind.G1 or (entry.kind is AlertKind.BREACH and entry.grade == 1)


@dataclass(frozen=True, slots=True)
class LineLayout:
    """Where each piece of one line goes and the text it shows there.

    Text pieces that do not fit are empty strings with an empty rectangle; a button
    that is not shown is ``None``.
    """

    bar: QRect
    head: QRect  # grade and reference, bold
    head_text: str
    place: QRect
    place_text: str
    clock: QRect
    clock_text: str
    acknowledge: QRect | None
    acknowledge_text: str
    update: QRect | None
    update_text: str

    def pieces(self) -> list[tuple[str, QRect]]:
        """Every piece drawn on the line, by name (empty text pieces left out)."""
        named = [("head", self.head, self.head_text), ("place", self.place, self.place_text)]
        named.append(("clock", self.clock, self.clock_text))
        pieces = [(name, rect) for name, rect, text in named if text]
        pieces += [
            (name, rect)
            for name, rect in (("acknowledge", self.acknowledge), ("update", self.update))
            if rect is not None
        ]
        return pieces


def _buttons(
    rect: QRect, plain: QFontMetrics, acknowledge: bool, update: bool, room_for_text: int
) -> tuple[QRect | None, str, QRect | None, str]:
    """The buttons at the right of the line, with the longest labels that leave ``room_for_text``."""
    if not (acknowledge or update):
        return None, "", None, ""
    right = rect.right() + 1 - BUTTON_GAP
    top, height = rect.top() + 1, rect.height() - 2
    for ack_text, update_text in zip(ACK_TEXTS, UPDATE_TEXTS, strict=True):
        widths = [
            plain.horizontalAdvance(t) + 2 * BUTTON_PADDING
            for t, on in ((ack_text, acknowledge), (update_text, update))
            if on
        ]
        total = sum(widths) + BUTTON_GAP * (len(widths) - 1)
        if right - total - GAP - (rect.left() + BAR_WIDTH + TEXT_INSET) >= room_for_text:
            break
    update_rect = ack_rect = None
    if update:
        width = plain.horizontalAdvance(update_text) + 2 * BUTTON_PADDING
        update_rect = QRect(right - width, top, width, height)
        right = update_rect.left() - BUTTON_GAP
    if acknowledge:
        width = plain.horizontalAdvance(ack_text) + 2 * BUTTON_PADDING
        ack_rect = QRect(right - width, top, width, height)
    return ack_rect, ack_text if acknowledge else "", update_rect, update_text if update else ""


def layout_line(
    rect: QRect,
    entry: AlertEntry,
    bold: QFontMetrics,
    plain: QFontMetrics,
    *,
    acknowledge: bool = False,
    update: bool = False,
) -> LineLayout:
    """Lay out one line in ``rect``, measured with the fonts it is painted in.

    ``bold`` measures the grade and reference, ``plain`` the place, the clock and the
    buttons' labels; ``acknowledge`` / ``update``: the line shows that button.
    """
    left = rect.left() + BAR_WIDTH + TEXT_INSET
    top, height = rect.top(), rect.height()
    grade = grade_text(entry)
    short_head = f"{grade}  {reference_tail(entry.reference)}"
    full_head = f"{grade}  {entry.reference}"
    clock = clock_text(entry)
    # The buttons keep their long labels while the short head and the clock still fit.
    wanted = bold.horizontalAdvance(short_head) + GAP + plain.horizontalAdvance(clock)
    ack, ack_text, upd, upd_text = _buttons(rect, plain, acknowledge, update, wanted)
    buttons_left = min((b.left() for b in (ack, upd) if b is not None), default=None)
    right = buttons_left - GAP if buttons_left is not None else rect.right() + 1 - TEXT_INSET
    room = max(0, right - left)
    min_place = plain.averageCharWidth() * MIN_PLACE_CHARS
    choices = [(full_head, clock, min_place + GAP), (short_head, clock, 0)]
    choices.append((short_head, short_clock_text(entry), 0))
    for head, clock, place_room in choices:
        if bold.horizontalAdvance(head) + GAP + place_room + plain.horizontalAdvance(clock) <= room:
            break
    else:  # the buttons take the clock's (and the place's) room; the head is elided if too wide
        head, clock = bold.elidedText(short_head, Qt.TextElideMode.ElideRight, room), ""
    head_w, clock_w = bold.horizontalAdvance(head), plain.horizontalAdvance(clock)
    clock_rect = QRect(right - clock_w, top, clock_w, height) if clock else QRect()
    place_left = left + head_w + GAP
    place_room = clock_rect.left() - GAP - place_left if clock else 0
    place = ""
    if place_room >= plain.averageCharWidth() * MIN_PLACE_SHOWN:
        place = plain.elidedText(detail_text(entry), Qt.TextElideMode.ElideRight, place_room)
    place_rect = QRect(place_left, top, plain.horizontalAdvance(place), height) if place else QRect()
    return LineLayout(
        bar=QRect(rect.left(), top, BAR_WIDTH, height),
        head=QRect(left, top, head_w, height) if head else QRect(),
        head_text=head,
        place=place_rect,
        place_text=place,
        clock=clock_rect,
        clock_text=clock,
        acknowledge=ack,
        acknowledge_text=ack_text,
        update=upd,
        update_text=upd_text,
    )


class AlertLineDelegate(QStyledItemDelegate):
    """Paints a line from ``layout_line``: kind bar, grade and reference, place, clock, buttons.

    Every Grade 1 line (waiting or over target) has a red ground and a red bar, which
    pulses while it waits; a Grade 2 line an orange bar, a breach and an overdue step an
    amber one, a handover the accent blue; "… min over" is amber whatever the grade.
    """

    def __init__(
        self,
        stack: QWidget,
        *,
        may_acknowledge: Callable[[], bool],
        may_record_update: Callable[[], bool],
        acknowledge: Callable[[IncidentSnapshot], None],
        record_update: Callable[[IncidentSnapshot], None],
    ) -> None:
        """``stack``: the widget whose font and style the lines use; the callables say what
        the operator's role may do now and act on a line's buttons."""
        super().__init__(stack)
        self.stack = stack
        self.may_acknowledge = may_acknowledge
        self.may_record_update = may_record_update
        self._acknowledge = acknowledge
        self._record_update = record_update
        self.pulse_on = False
        self._colours = {
            "bar_g1": QColor(theme.ALERT_G1),
            "pulse": QColor(theme.ALERT_G1_PULSE),
            "g1_line": QColor(theme.ALERT_G1_LINE),
            "g2": QColor(theme.ALERT_G2),
            "breach": QColor(theme.ALERT_BREACH),
            "handover": QColor(theme.ACCENT),
            "over_selected": QColor(theme.ALERT_OVER_SELECTED),
            "text": QColor(theme.TEXT),
            "muted": QColor(theme.MUTED),
            "selected_text": QColor(theme.SELECTED_TEXT),
            "selection": QColor(theme.SELECTION),
        }

    def line_height(self) -> int:
        return self.stack.fontMetrics().height() + LINE_PADDING

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(200, self.line_height())

    def fonts(self) -> tuple[QFont, QFont]:
        """(bold, plain): the stack's font as the window's text scale set it."""
        plain = QFont(self.stack.font())
        bold = QFont(plain)
        bold.setBold(True)
        return bold, plain

    def layout(
        self, option: QStyleOptionViewItem, entry: AlertEntry, *, pointed_at: bool = False
    ) -> LineLayout:
        """The line's layout as painted; ``pointed_at``: as under the mouse (a click on it).

        Buttons show on the line being read (current or under the mouse) only: on a
        narrow dock they would leave the other lines no room for the place.
        """
        state = option.state
        shown = pointed_at or bool(
            state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver)
        )
        bold, plain = self.fonts()
        return layout_line(
            QRect(option.rect),
            entry,
            QFontMetrics(bold),
            QFontMetrics(plain),
            acknowledge=shown and entry.unacknowledged and self.may_acknowledge(),
            update=shown and entry.kind in INCIDENT_KINDS and self.may_record_update(),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        entry: AlertEntry = index.data(ENTRY_ROLE)
        line = self.layout(option, entry)
        rect = QRect(option.rect)
        colours = self._colours
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        grade_1 = is_grade_1(entry)
        painter.save()
        if selected:
            painter.fillRect(rect, colours["selection"])
        elif grade_1:
            painter.fillRect(rect, colours["g1_line"])
        if grade_1:
            waiting = entry.kind is AlertKind.G1
            bar = colours["pulse"] if waiting and self.pulse_on else colours["bar_g1"]
        elif entry.kind is AlertKind.HANDOVER:
            bar = colours["handover"]
        else:
            lapse = entry.kind in (AlertKind.BREACH, AlertKind.STEP_OVERDUE)
            bar = colours["breach"] if lapse else colours["g2"]
        painter.fillRect(line.bar, bar)
        bold, plain = self.fonts()
        middle = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.setFont(bold)
        painter.setPen(colours["selected_text" if selected else "text"])
        painter.drawText(line.head, middle, line.head_text)
        painter.setFont(plain)
        painter.setPen(colours["selected_text" if selected else "muted"])
        painter.drawText(line.place, middle, line.place_text)
        if entry.over is not None:
            painter.setPen(colours["over_selected" if selected else "breach"])
        else:
            painter.setPen(colours["selected_text" if selected else "text"])
        painter.drawText(line.clock, middle, line.clock_text)
        if line.acknowledge is not None:
            self._paint_button(painter, line.acknowledge, line.acknowledge_text)
        if line.update is not None:
            self._paint_button(painter, line.update, line.update_text)
        painter.restore()

    def _paint_button(self, painter: QPainter, rect: QRect, text: str) -> None:
        option = QStyleOptionButton()
        option.rect = rect
        option.text = text
        option.fontMetrics = painter.fontMetrics()
        option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        style = self.stack.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, option, painter, self.stack)

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: Index) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        entry: AlertEntry = index.data(ENTRY_ROLE)
        # The view passes no hover state here; a released click is under the mouse.
        line = self.layout(option, entry, pointed_at=True)
        point = event.position().toPoint()
        incident = entry.incident
        if incident is not None and line.acknowledge is not None and line.acknowledge.contains(point):
            self._acknowledge(incident)
            return True
        if incident is not None and line.update is not None and line.update.contains(point):
            self._record_update(incident)
            return True
        return False
