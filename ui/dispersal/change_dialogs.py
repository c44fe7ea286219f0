"""After a direction is given: its take-home outcome, a variation, a withdrawal.

``TakeHomeDialog`` closes the s.35(7) task of a person who appears under 16: where
he was taken, by whom, who was told and when, and any safeguarding referral.
``VaryDialog`` and ``WithdrawDialog`` record a change by any constable (s.35(8)),
its reason and whether the person was told and when (s.35(9), s.38). Times are read
on the UK clock whatever the console's own zone; every question starts unanswered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot
from controlroom.dispersal.directions import DirectionVariation, TakeHomeOutcome
from ui.common.typed_text import shown_line
from ui.dispersal.direction_checks import answered_notice, until_words
from ui.dispersal.form_parts import AnswerBox, UkTimeField, side_by_side
from ui.patrols.flag_dialog import _AsyncDialog

Clock = Callable[[], datetime]


def _line(placeholder: str, limit: int = 500) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(limit)
    return edit


class TakeHomeDialog(_AsyncDialog):
    """s.35(7): what happened to a person under 16 after the direction."""

    WHAT = "take-home outcome"
    FIELD_WORDS: ClassVar[Mapping[str, str]] = {
        "taken-to": "Taken to",
        "taken-by": "Taken by",
        "told": "Told",
        "told-at": "Told at",
        "referral": "Referral",
    }

    def __init__(
        self,
        commands: Commands,
        direction: DirectionSnapshot,
        parent: QWidget | None = None,
        *,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.reference = direction.reference
        self.setWindowTitle(f"Take-home outcome — {direction.reference} (s.35(7))")
        self.setMinimumWidth(560)
        self.taken_to = _line("Home, or the place of safety (e.g. Portswood police station)")
        self.taken_by = _line("Officer(s), e.g. PC 4521 Sam Patel")
        self.told = _line("Parent, carer or agency told (name and relationship)")
        self.told_at = UkTimeField("Told at", clock(), clock=clock)
        self.referral = _line("Safeguarding referral made, if any (to whom, reference)", 1000)
        about = QLabel(
            f"{shown_line(direction.subject_description)} appeared to be {direction.apparent_age}: "
            "record where he was taken and who was told."
        )
        about.setWordWrap(True)
        about.setObjectName("formHint")
        form = QFormLayout()
        form.addRow(about)
        form.addRow("Taken &to", self.taken_to)
        form.addRow("Taken &by", self.taken_by)
        form.addRow("&Who was told", self.told)
        form.addRow("Told &at", self.told_at)
        form.addRow("Safeguarding &referral", self.referral)
        self._setup(form, "&Record outcome")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        for edit, field in (
            (self.taken_to, "Taken to"),
            (self.taken_by, "Taken by"),
            (self.told, "Who was told"),
        ):
            if not edit.text().strip():
                edit.setFocus()
                raise ValidationError(f"{field}: required for the s.35(7) record")
        outcome = TakeHomeOutcome(
            taken_to=self.taken_to.text(),
            taken_by=self.taken_by.text(),
            told=self.told.text(),
            told_at=self.told_at.moment(),
            referral=self.referral.text().strip() or None,
        )
        return lambda: self.commands.record_take_home(self.reference, outcome)


class _NoticeDialog(_AsyncDialog):
    """Officer, reason and notice (s.35(9)) shared by the variation and the withdrawal."""

    def _notice_rows(self, form: QFormLayout, clock: Clock) -> None:
        self.officer = _line("Any constable: rank, number, name, e.g. PS 1180 Dee Cole", 200)
        self.reason = _line("Why", 1000)
        self.notice = AnswerBox("Yes, told", "No")
        self.no_notice_reason = _line("Why he could not be told")
        self.no_notice_reason.setEnabled(False)
        self.notice_at = UkTimeField("Notice given at", clock(), clock=clock)
        self.notice.currentIndexChanged.connect(self._on_notice_answered)
        form.addRow("&Officer", self.officer)
        form.addRow("Rea&son", self.reason)
        form.addRow("Person &told (s.35(9))", side_by_side(self.notice, self.no_notice_reason))
        form.addRow("Notice given &at", self.notice_at)

    def _on_notice_answered(self) -> None:
        told = self.notice.answer()
        self.no_notice_reason.setEnabled(told is False)
        self.notice_at.setEnabled(told is not False)

    def _notice(self) -> tuple[bool, str | None, datetime | None]:
        told, why_not = answered_notice(
            self.notice.answer(), self.no_notice_reason.text(), "Person told", "s.35(9)"
        )
        return told, why_not, self.notice_at.moment() if told else None


class VaryDialog(_NoticeDialog):
    """s.35(8): new terms — never more than 48 hours from when it was first given."""

    WHAT = "variation"
    FIELD_WORDS: ClassVar[Mapping[str, str]] = {"hours": "Hours from first given", "officer": "Officer"}

    def __init__(
        self,
        commands: Commands,
        direction: DirectionSnapshot,
        parent: QWidget | None = None,
        *,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.reference = direction.reference
        self.setWindowTitle(f"Vary {direction.reference} (s.35(8))")
        self.setMinimumWidth(560)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 72)  # the core refuses past 48 h from first given, with the section
        self.hours.setDecimals(1)
        self.hours.setSpecialValueText("unchanged")
        self.hours.setSuffix(" h from first given")
        self.words = _line("New area in words (optional)")
        self.route = _line("New route (optional)")
        form = QFormLayout()
        now_until = QLabel(f"Now excluded until {until_words(direction)}.")
        now_until.setObjectName("formHint")
        form.addRow(now_until)
        form.addRow("&Hours", self.hours)
        form.addRow("Area in &words", self.words)
        form.addRow("Ro&ute", self.route)
        self._notice_rows(form, clock)
        self._setup(form, "Save &variation")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        told, why_not, told_at = self._notice()
        variation = DirectionVariation(
            officer=self.officer.text(),
            reason=self.reason.text(),
            hours_from_first_given=self.hours.value() or None,
            exclusion_in_words=self.words.text().strip() or None,
            route=self.route.text().strip() or None,
            notice_given=told,
            no_notice_reason=why_not,
            notice_given_at=told_at,
        )
        return lambda: self.commands.vary_direction(self.reference, variation)


class WithdrawDialog(_NoticeDialog):
    """Any constable may withdraw a direction (s.35(8)); recorded under s.38."""

    WHAT = "withdrawal"
    FIELD_WORDS: ClassVar[Mapping[str, str]] = {"officer": "Officer", "reason": "Reason"}

    def __init__(
        self,
        commands: Commands,
        direction: DirectionSnapshot,
        parent: QWidget | None = None,
        *,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.reference = direction.reference
        self.setWindowTitle(f"Withdraw {direction.reference} (s.35(8))")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self._notice_rows(form, clock)
        self._setup(form, "&Withdraw direction")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        told, why_not, told_at = self._notice()
        officer, reason = self.officer.text(), self.reason.text()
        return lambda: self.commands.withdraw_direction(
            self.reference,
            officer=officer,
            reason=reason,
            notice_given=told,
            no_notice_reason=why_not,
            notice_given_at=told_at,
        )
