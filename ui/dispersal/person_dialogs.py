"""Persons of concern from the window: words of advice and sightings.

``WarningDialog`` records words of advice to a man already on record or newly
described. ``SightingDialog`` links a man to an incident, a flagged location or a
point where he was seen; if he had been warned or directed before, every console
gets a repeat-behaviour alert, and if he is back inside an area he was directed
out of, a Grade 2 "possible breach" incident (both made by the core, through the feed).
Only the description is shown here: identity is read through a logged consultation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from controlroom.commands import Commands
from controlroom.core.domain import Behaviour, Source
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import SubjectSnapshot
from controlroom.dispersal.persons import NewSubject
from ui.common.typed_text import shown_line
from ui.patrols.flag_dialog import _AsyncDialog, parse_point

NEW_PERSON = -1


def _person_combo(subjects: Sequence[SubjectSnapshot]) -> QComboBox:
    combo = QComboBox()
    combo.addItem("New person — describe him below", NEW_PERSON)
    for subject in subjects:
        history = []
        if subject.warnings:
            history.append(f"{subject.warnings} warning{'s' * (subject.warnings != 1)}")
        if subject.active_directions:
            history.append("directed: " + ", ".join(subject.active_directions))
        extra = f" ({'; '.join(history)})" if history else ""
        combo.addItem(f"#{subject.id} {shown_line(subject.description[:80])}{extra}", subject.id)
    return combo


class _PersonDialog(_AsyncDialog):
    """The person part shared by both dialogs."""

    def _person_rows(self, form: QFormLayout, subjects: Sequence[SubjectSnapshot]) -> None:
        self.person = _person_combo(subjects)
        self.description = QLineEdit()
        self.description.setPlaceholderText("New person: clothing, build, distinguishing features")
        form.addRow("&Person", self.person)
        form.addRow("&Description", self.description)

    async def _subject_id(self) -> int:
        chosen = int(self.person.currentData())
        if chosen != NEW_PERSON:
            return chosen
        subject = await self.commands.add_subject(NewSubject(description=self.description.text()))
        # He is on record now: a retry after a refusal below must not describe him twice.
        self.person.addItem(f"#{subject.id} {shown_line(subject.description[:80])}", subject.id)
        self.person.setCurrentIndex(self.person.count() - 1)
        return subject.id

    commands: Commands


class WarningDialog(_PersonDialog):
    """Words of advice given to a man showing predatory behaviour."""

    def __init__(
        self, commands: Commands, subjects: Sequence[SubjectSnapshot], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.setWindowTitle("Words of advice")
        self.setMinimumWidth(520)
        form = QFormLayout()
        self._person_rows(form, subjects)
        self.officer = QLineEdit()
        self.officer.setPlaceholderText("Who gave them: rank, number, name")
        self.place = QLineEdit()
        self.place.setPlaceholderText("Where, e.g. outside Nightjar Social")
        self.note = QLineEdit()
        self.note.setPlaceholderText("What was said and why (optional)")
        form.addRow("&Officer", self.officer)
        form.addRow("&Where", self.place)
        form.addRow("&Note", self.note)
        self._setup(form, "&Record warning")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        if int(self.person.currentData()) == NEW_PERSON and not self.description.text().strip():
            raise ValidationError("describe the man (clothing, build, features) or choose one on record")
        officer, place, note = self.officer.text(), self.place.text(), self.note.text()
        if not officer.strip() or not place.strip():
            raise ValidationError("say who gave the words of advice and where")

        async def warn() -> SubjectSnapshot:
            subject_id = await self._subject_id()
            return await self.commands.warn_subject(subject_id, officer=officer, place=place, note=note)

        return warn


class SightingDialog(_PersonDialog):
    """Link a man to an incident, a flag or a point where he was seen."""

    def __init__(
        self,
        commands: Commands,
        subjects: Sequence[SubjectSnapshot],
        parent: QWidget | None = None,
        *,
        incident_reference: str = "",
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self._point: tuple[float, float] | None = None
        self.setWindowTitle("Person of concern seen")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self._person_rows(form, subjects)
        self.where = QLineEdit(incident_reference)
        self.where.setPlaceholderText("Incident reference, flag N, LAT,LON — or click the map")
        self.where_label = QLabel("")
        self.where_label.setObjectName("formHint")
        self.behaviour = QComboBox()
        self.behaviour.addItem("—", "")
        for code in Behaviour:
            self.behaviour.addItem(code.label, code.value)
        self.source = QComboBox()
        for source in Source:
            self.source.addItem(source.label, source.value)
        self.source.setCurrentIndex(self.source.findData(Source.CCTV.value))
        form.addRow("&Where", self.where)
        form.addRow("", self.where_label)
        form.addRow("&Behaviour", self.behaviour)
        form.addRow("&Seen by", self.source)
        self._setup(form, "&Record sighting")

    def set_point(self, lat: float, lon: float) -> None:
        """A point clicked on the map."""
        self._point = (lat, lon)
        self.where.clear()
        self.where_label.setText(f"Point set on the map: {lat:.5f}, {lon:.5f}")

    def _where(self) -> dict[str, Any]:
        text = self.where.text().strip()
        if self._point is not None and not text:
            return {"at": self._point}
        point = parse_point(text)
        if point is not None:
            return {"at": point}
        if text.lower().startswith("flag"):
            number = text[4:].strip().lstrip("#")
            if number.isdigit():
                return {"flag": int(number)}
        if text:
            return {"incident": text}
        raise ValidationError("say where he was seen: an incident reference, flag N, LAT,LON or a map click")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        if int(self.person.currentData()) == NEW_PERSON and not self.description.text().strip():
            raise ValidationError("describe the man (clothing, build, features) or choose one on record")
        where = self._where()
        code = self.behaviour.currentData()
        behaviours = [code] if code else []
        source = self.source.currentData()

        async def seen() -> Any:
            subject_id = await self._subject_id()
            return await self.commands.record_sighting(
                subject_id, behaviours=behaviours, source=source, **where
            )

        return seen
