"""Pieces the dispersal forms share: a time on the UK clock, a yes/no answer, two columns.

``UkTimeField`` is a line of text, not a ``QDateTimeEdit``: an edit follows the
console's own time zone and quietly picks one reading of a wall time the clock
change makes mean two things (01:30 on the last Sunday of October) or none (01:30
on the last Sunday of March). Officers write times as the street clock showed
them, so the text is read on the Europe/London clock whatever the console's zone
(``controlroom.core.local_time``), and an unclear time is refused naming both
readings. ``AnswerBox`` is a question the operator must answer: it starts
unanswered, so nothing the law asks is recorded by default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.local_time import on_uk_clock, parse_uk_time
from controlroom.core.validation import DateOutOfRangeError, bounded_date

# A time typed this far ahead of the console's clock is taken as yesterday's ("23:50" at 00:05).
CLOCK_SKEW = timedelta(minutes=2)
_CLOCK_ONLY = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
TIME_FORMAT = "%Y-%m-%d %H:%M"


def uk_clock_text(moment: datetime) -> str:
    """``moment`` as the UK clock shows it, with the offset only when the hour happens twice."""
    local = moment.astimezone(LOCAL_TZ)
    text = local.strftime(TIME_FORMAT)
    try:
        on_uk_clock(local.replace(tzinfo=None))
    except ValidationError:
        return local.isoformat(sep=" ", timespec="minutes")  # e.g. 2026-10-25 01:30+01:00
    return text


def read_uk_time(text: str, now: datetime) -> datetime:
    """Typed text → an aware UTC time: ``22:15`` (the last such time), or a date and time.

    Without an offset the time is on the UK clock; one that does not exist or happens
    twice is refused naming both readings.
    """
    clock = _CLOCK_ONLY.match(text)
    if clock is None:
        # Year 1 or 9999 is a slip (and 9999-12-31 23:00-01:00 would overflow in UTC).
        return bounded_date(parse_uk_time(text), "date").astimezone(UTC)
    hour, minute = int(clock.group(1)), int(clock.group(2))
    if hour > 23 or minute > 59:
        raise ValidationError(f"{text.strip()!r} is not a time of day; write e.g. 22:15")
    today = now.astimezone(LOCAL_TZ).date()
    # Naive on purpose: a wall-clock reading that on_uk_clock places on the UK clock.
    wall = datetime(today.year, today.month, today.day, hour, minute)  # noqa: DTZ001
    moment = on_uk_clock(wall).astimezone(UTC)
    if moment > now + CLOCK_SKEW:
        wall -= timedelta(days=1)
        moment = on_uk_clock(wall).astimezone(UTC)
    return moment


def describe_uk(moment: datetime) -> str:
    """``Thu 3 Dec 2026 22:15 GMT``: the reading the operator confirms by eye."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{local:%a} {local.day} {local:%b %H:%M} {local.tzname()}"


class UkTimeField(QWidget):
    """A time on the UK clock, typed; beside it the reading (or why it is refused)."""

    def __init__(
        self,
        label: str,
        moment: datetime,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._clock = clock
        self.edit = QLineEdit(uk_clock_text(moment))
        self.edit.setPlaceholderText("22:15 or 2026-11-27 22:15 (UK clock)")
        self.edit.setMaxLength(40)
        self.edit.setToolTip(
            "UK clock (Europe/London), whatever this console's own time zone. A time alone is "
            "the last such time; in the hour the clocks change, write the offset, e.g. 01:30+01:00."
        )
        self.reading = QLabel("")
        self.reading.setObjectName("formHint")
        self.reading.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026-10-25 01:30+01:00 "))
        row.addWidget(self.edit, 3)
        row.addWidget(self.reading, 2)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self._on_text_changed(self.edit.text())

    def moment(self) -> datetime:
        """The time as an aware UTC datetime; a refusal names the field and both readings."""
        try:
            return read_uk_time(self.edit.text(), self._clock())
        except ValidationError as exc:
            self.edit.setFocus()
            raise ValidationError(f"{self.label}: {exc}") from None

    def _on_text_changed(self, text: str) -> None:
        try:
            self.reading.setText(describe_uk(read_uk_time(text, self._clock())))
        except DateOutOfRangeError as refused:
            self.reading.setText(str(refused))  # complete, and wrong however it is finished
        except ValidationError:
            self.reading.setText("not a UK time yet")


class AnswerBox(QComboBox):
    """A yes/no question that starts unanswered; ``answer()`` is None until one is chosen."""

    def __init__(self, yes: str, no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("— answer —", None)
        self.addItem(yes, True)
        self.addItem(no, False)

    def answer(self) -> bool | None:
        value = self.currentData()
        return value if isinstance(value, bool) else None

    def set_answer(self, value: bool | None) -> None:
        self.setCurrentIndex(self.findData(value) if value is not None else 0)


def side_by_side(*widgets: QWidget) -> QWidget:
    """Several fields on one form row (an answer and its reason)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        row.addWidget(widget, 1 if index == 0 else 2)
    if widgets:
        holder.setFocusProxy(widgets[0])
    return holder


def two_columns(
    rows: Sequence[tuple[str, QWidget]], split: int, below: Sequence[QWidget] = ()
) -> QFormLayout:
    """Rows ``[:split]`` on the left, the rest on the right, then ``below`` across both:
    a long form that fits a 768-pixel-high screen."""
    outer = QFormLayout()
    columns = QHBoxLayout()
    for part in (rows[:split], rows[split:]):
        column = QFormLayout()
        for label, widget in part:
            column.addRow(label, widget)
        columns.addLayout(column, 1)
    outer.addRow(columns)
    for widget in below:
        outer.addRow(widget)
    return outer


def streets_outside(words: str, polygon: Sequence[tuple[float, float]]) -> tuple[str, ...]:
    """Streets named in ``words`` that lie wholly outside ``polygon`` (a warning, not a refusal).

    The check belongs to the paperwork's plan, whose street layer the notice draws.
    """
    if not words.strip() or len(polygon) < 3:
        return ()
    from controlroom.paperwork.plan import words_naming_outside_streets

    return words_naming_outside_streets(words, tuple(polygon))


def outside_warning(words: str, polygon: Sequence[tuple[float, float]]) -> str:
    """The warning line for area words that name streets outside the drawn area ("" if none)."""
    names = streets_outside(words, polygon)
    if not names:
        return ""
    listed = ", ".join(names)
    return (
        f"⚠ The words name {listed}, which lie{'s' * (len(names) == 1)} outside the area drawn: "
        "the notice and its plan must agree — check the words or the drawing."
    )
