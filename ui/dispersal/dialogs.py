"""``ZoneDialog``: an inspector's s.34 authorisation, its locality drawn on the map.

Each click on the map is a corner (corners drag to edit, Ctrl+Z undoes the last), or
the locality is taken from a saved zone. The inspector's signing time is asked (s.34(4):
the authorisation is given in writing and signed; it is in force only from signing and
may not start before it), as is the start, both on the UK clock whatever the console's
own time zone. The locality in words may be left empty when it is drawn (the notice
then says "the area shaded on the plan"); words naming streets that lie outside the
drawing are warned about. The rules (48 hours, inspector rank) live in the core; a
refusal is shown in the form naming its fields, and nothing typed is lost.
The direction form is ``ui.dispersal.direction_dialog``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import ZoneSnapshot
from controlroom.dispersal.zones import ZoneSpec
from ui.dispersal.form_parts import UkTimeField, outside_warning
from ui.map.bridge import MapBridge
from ui.patrols.flag_dialog import _AsyncDialog


class ZoneDialog(_AsyncDialog):
    """Authorise a dispersal zone (s.34) with its locality drawn on the map."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {
        "log": "Log number",
        "grounds": "Grounds",
        "rights": "Art. 10/11 consideration",
        "officer": "Authorising officer",
        "hours": "For",
        "name": "Name",
        "signed-at": "Signed at",
        "starts": "Starts",
        "area": "Area in words",
    }
    WHAT = "authorisation"

    def __init__(
        self,
        commands: Commands,
        bridge: MapBridge,
        saved: Sequence[ZoneSnapshot],
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.bridge = bridge
        self.polygon: list[tuple[float, float]] = []
        self.setWindowTitle("Authorise a dispersal zone (s.34)")
        self.setMinimumWidth(560)
        start = now or clock()
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Bedford Place and London Road")
        self.officer = QLineEdit()
        self.officer.setPlaceholderText("Rank, number, name — inspector or above, e.g. Insp 1234 Jane Smith")
        self.reuse = QComboBox()
        # Polygons stay on the Python side: the combo only holds the labels.
        self._saved_polygons: list[tuple[tuple[float, float], ...]] = [()]
        self.reuse.addItem("Draw a new locality on the map")
        for zone in saved:
            self.reuse.addItem(f"Same locality as: {zone.name}")
            self._saved_polygons.append(zone.polygon)
        self.corners = QLabel("")
        self.corners.setObjectName("formHint")
        self.signed = UkTimeField("Signed at", start, clock=clock)
        self.starts = UkTimeField("Starts", start, clock=clock)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 72)  # the core refuses more than 48 h with the section
        self.hours.setDecimals(1)
        self.hours.setValue(12)
        self.hours.setSuffix(" h")
        self.grounds = QLineEdit()
        self.grounds.setPlaceholderText(
            "Why the powers may be necessary (harassment, alarm, distress; crime, disorder)"
        )
        self.rights = QLineEdit()
        self.rights.setPlaceholderText("Regard to Articles 10 and 11 (expression, assembly)")
        self.log_number = QLineEdit()
        self.area = QLineEdit()
        # No default sentence: empty words mean "the area shaded on the plan" on the notice.
        self.area.setPlaceholderText("Optional: the locality in words (empty: the area shaded on the plan)")
        self.area_warning = QLabel("")
        self.area_warning.setObjectName("formHint")
        self.area_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.area_warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Authorising &officer", self.officer)
        form.addRow("&Locality", self.reuse)
        form.addRow("", self.corners)
        form.addRow("Si&gned at", self.signed)
        form.addRow("&Starts", self.starts)
        form.addRow("&For", self.hours)
        form.addRow("G&rounds", self.grounds)
        form.addRow("Art. 10/11 &consideration", self.rights)
        form.addRow("Log n&umber", self.log_number)
        form.addRow("Area in &words", self.area)
        form.addRow("", self.area_warning)
        self._setup(form, "&Authorise")
        self.reuse.currentIndexChanged.connect(self._on_reuse_changed)
        self.area.textChanged.connect(self._show_area_warning)
        bridge.sig_zone_drawn.connect(self._on_zone_drawn)
        undo = QShortcut(QKeySequence("Ctrl+Z"), self)
        # A lambda, not the bound method: connecting a shortcut straight to a method of
        # the object shared over QWebChannel stopped messages reaching the page.
        undo.activated.connect(lambda: self.bridge.undo_corner())
        self.finished.connect(lambda _r: self._stop())
        bridge.start_drawing()
        self._show_corners()

    def _extra_state(self) -> object:
        return tuple(self.polygon)

    def _stop(self) -> None:
        self.bridge.stop_drawing()
        self.bridge.sig_zone_drawn.disconnect(self._on_zone_drawn)

    def _on_reuse_changed(self) -> None:
        self.bridge.start_drawing(list(self._saved_polygons[max(0, self.reuse.currentIndex())]))

    def _on_zone_drawn(self, points_json: str) -> None:
        self.polygon = [(float(a), float(b)) for a, b in json.loads(points_json)]
        self._show_corners()
        self._show_area_warning()

    def _show_area_warning(self) -> None:
        self.area_warning.setText(outside_warning(self.area.text(), self.polygon))

    def _show_corners(self) -> None:
        count = len(self.polygon)
        self.corners.setText(
            f"{count} corner{'s' * (count != 1)} — click the map to add, drag to move, Ctrl+Z undoes the last"
        )

    def _action(self) -> Callable[[], Awaitable[Any]]:
        if len(self.polygon) < 3:
            raise ValidationError("draw the locality: click at least three corners on the map (s.34(1))")
        signed = self.signed.moment()
        starts = self.starts.moment()
        spec = ZoneSpec(
            name=self.name.text(),
            polygon=list(self.polygon),
            starts_at=starts,
            ends_at=starts + timedelta(hours=self.hours.value()),
            officer=self.officer.text(),
            grounds=self.grounds.text(),
            rights_consideration=self.rights.text(),
            log_number=self.log_number.text(),
            area_in_words=self.area.text(),
            signed_at=signed,
        )
        return lambda: self.commands.authorise_zone(spec)
