"""``MapBridge``: the map page's only connection to Python, over QWebChannel.

It keeps the latest state of every venue and incident it was given, so when the
page (re)connects it receives one full ``reset`` message, and after that only
JSON diffs. Python never rebuilds the page for a change.

Diffs are coalesced: changes arriving within ``PUSH_INTERVAL_MS`` of each other go
to the page as one message holding the latest state of each thing that changed.
Every message costs the GUI thread a JSON encoding and a web-channel send, and the
page a redraw and a ``layersDrawn`` reply; at peak load (tens of diffs a second)
one message per diff kept Chromium and the GUI thread busy for nothing a person
could see. Operator actions (select, drawing, a new filter) go out at once, after
whatever is pending, so the page never sees them out of order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from controlroom.core.domain import (
    Behaviour,
    BestBarNone,
    Category,
    SafeSpaceStatus,
    Source,
    Status,
    UnitKind,
    UnitStatus,
    VenueKind,
    grade_label,
)
from controlroom.core.snapshots import (
    CameraSnapshot,
    Change,
    FlagSnapshot,
    IncidentSnapshot,
    UnitSnapshot,
    VenueSnapshot,
    ZoneSnapshot,
)
from controlroom.incidents.filters import IncidentFilter
from ui.common.typed_text import shown_line, shown_lines
from ui.map.camera_layer import camera_features

PUSH_INTERVAL_MS = 100


def _label(enum_type: Any, value: str | None) -> str:
    if value is None:
        return ""
    try:
        return str(enum_type(value).label)
    except ValueError:
        return value


# Typed text goes to the page through ``ui.common.typed_text``: Chromium obeys a U+202E as
# Qt does, and the popups would show "abclive" for "abc\u202eevil". The page sends back ids only.


def incident_feature(incident: IncidentSnapshot) -> dict[str, Any]:
    """What the page needs to draw one incident (all values plain data)."""
    return {
        "id": incident.id,
        "reference": incident.reference,
        "lat": incident.lat,
        "lon": incident.lon,
        "grade": incident.grade,
        "grade_label": grade_label(incident.grade),
        "status": incident.status,
        "status_label": _label(Status, incident.status),
        "category_label": _label(Category, incident.category),
        "source_label": _label(Source, incident.source),
        "place": shown_lines(incident.place),
        "summary": shown_lines(incident.summary),
    }


def venue_feature(venue: VenueSnapshot) -> dict[str, Any]:
    """What the page needs to draw one venue or safe space."""
    return {
        "id": venue.id,
        "name": shown_line(venue.name),
        "lat": venue.lat,
        "lon": venue.lon,
        "kind_label": _label(VenueKind, venue.kind),
        "address": shown_lines(venue.address),
        "opening_hours": shown_lines(venue.opening_hours),
        "is_safe_space": venue.is_safe_space,
        "safe_space_status": venue.safe_space_status,
        "safe_space_status_label": _label(SafeSpaceStatus, venue.safe_space_status),
        "wave_trained": venue.wave_trained,
        "best_bar_none_label": _label(BestBarNone, venue.best_bar_none),
    }


def unit_feature(unit: UnitSnapshot, task: str = "") -> dict[str, Any]:
    """A unit for the map; staleness is judged in the page from ``position_at``."""
    return {
        "id": unit.id,
        "callsign": shown_line(unit.callsign),
        "kind": unit.kind,
        "kind_label": _label(UnitKind, unit.kind),
        "status": unit.status,
        "status_label": _label(UnitStatus, unit.status),
        "lat": unit.lat,
        "lon": unit.lon,
        "position_at": unit.position_at.isoformat() if unit.position_at else None,
        "task": shown_line(task),
    }


def flag_feature(flag: FlagSnapshot) -> dict[str, Any]:
    return {
        "id": flag.id,
        "lat": flag.lat,
        "lon": flag.lon,
        "place": shown_lines(flag.place),
        "behaviour_label": _label(Behaviour, flag.behaviour),
        "reason": shown_lines(flag.reason),
        "expires_at": flag.expires_at.isoformat(),
        "active": flag.cleared_at is None and flag.incident_id is None,
    }


def zone_feature(zone: ZoneSnapshot) -> dict[str, Any]:
    return {
        "id": zone.id,
        "name": shown_line(zone.name),
        "officer": shown_line(zone.officer),
        "log_number": shown_line(zone.log_number),
        "area_in_words": shown_lines(zone.area_in_words),
        "polygon": [list(p) for p in zone.polygon],
        "starts_at": zone.starts_at.isoformat(),
        "ends_at": zone.ends_at.isoformat(),
        "withdrawn": zone.withdrawn_at is not None,
    }


class _PendingDiff:
    """What changed since the last push: ids for incidents (their latest snapshot is
    encoded when sent), ready-made features for the rest."""

    def __init__(self) -> None:
        self.shown: set[int] = set()
        self.hidden: set[int] = set()
        self.venues: dict[int, dict[str, Any]] = {}
        self.units: dict[int, dict[str, Any]] = {}
        self.flags: dict[int, dict[str, Any]] = {}
        self.zones: dict[int, dict[str, Any]] = {}
        self.cameras: dict[int, dict[str, Any]] = {}
        self.removed_cameras: set[int] = set()
        self.alerts = False

    def show(self, incident_id: int) -> None:
        self.shown.add(incident_id)
        self.hidden.discard(incident_id)

    def hide(self, incident_id: int) -> None:
        self.shown.discard(incident_id)
        self.hidden.add(incident_id)

    @property
    def empty(self) -> bool:
        return not (
            self.shown
            or self.hidden
            or self.venues
            or self.units
            or self.flags
            or self.zones
            or self.cameras
            or self.removed_cameras
            or self.alerts
        )


class MapBridge(QObject):
    """Registered on the page's web channel as ``bridge``."""

    # Python → page: one JSON message (reset, diff or select).
    sig_message_pushed = Signal(str)
    # Page → Python, re-emitted as Qt signals for the window.
    sig_page_ready = Signal()
    sig_incident_clicked = Signal(int)
    sig_layers_drawn = Signal(dict)
    sig_map_clicked = Signal(float, float)
    sig_safe_space_status_requested = Signal(str, str)  # venue name, status
    sig_unit_moved = Signal(str, float, float)  # callsign, lat, lon
    sig_zone_drawn = Signal(str)  # JSON [[lat, lon], ...] each time the operator changes the shape
    # "Which cameras can see this?" asked for a point of the map (its context menu).
    sig_point_chosen = Signal(float, float)

    def __init__(
        self, parent: QObject | None = None, *, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        super().__init__(parent)
        self._snapshots: dict[int, IncidentSnapshot] = {}
        self._venues: dict[int, dict[str, Any]] = {}
        self._units: dict[int, dict[str, Any]] = {}
        self._flags: dict[int, dict[str, Any]] = {}
        self._zones: dict[int, dict[str, Any]] = {}
        self._cameras: dict[int, dict[str, Any]] = {}
        self._camera_snapshots: dict[int, CameraSnapshot] = {}
        self._camera_coverage: dict[str, Any] | None = None
        self._hotspots: dict[str, Any] | None = None
        self._filter = IncidentFilter()
        self._visible: set[int] = set()  # incident ids the page is drawing
        self._page_ready = False
        self._alerting: list[int] = []
        self._pin: tuple[float, float] | None = None
        self._centre_wanted: set[int] = set()
        self._label_scale = 1.0
        self._clock = wall_clock
        self.last_counts: dict[str, int] = {}
        self._pending = _PendingDiff()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(PUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush)

    # -- from the window -----------------------------------------------------

    def reset(self, incidents: Iterable[IncidentSnapshot], venues: Iterable[VenueSnapshot]) -> None:
        """Full state (first load or resynchronisation)."""
        self._snapshots = {i.id: i for i in incidents}
        self._venues = {v.id: venue_feature(v) for v in venues}
        self._visible = self._filter.matching_ids(self._snapshots.values(), self._clock())
        self._push_reset()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Queue what changed and is shown under the filter; the last state wins."""
        pending = self._pending
        matches = self._filter.matcher(self._clock())
        for change in changes:
            if change.venue is not None:
                feature = self._venues[change.entity_id] = venue_feature(change.venue)
                pending.venues[change.entity_id] = feature
                continue
            if change.entity != "incident":
                continue
            incident = change.incident
            if incident is not None:
                self._snapshots[incident.id] = incident
            else:
                self._snapshots.pop(change.entity_id, None)
            if incident is not None and matches(incident):
                pending.show(incident.id)
                self._visible.add(incident.id)
            elif change.entity_id in self._visible:
                pending.hide(change.entity_id)
                self._visible.discard(change.entity_id)
        self._schedule()

    def reset_patrols(
        self, units: Iterable[UnitSnapshot], flags: Iterable[FlagSnapshot], task_names: dict[int, str]
    ) -> None:
        """Units and flags with the snapshot (first load or resynchronisation)."""
        self._units = {u.id: unit_feature(u, task_names.get(u.incident_id or -1, "")) for u in units}
        self._flags = {f.id: flag_feature(f) for f in flags}
        self._push_reset()

    def apply_patrol_changes(self, changes: Sequence[Change], task_names: dict[int, str]) -> None:
        units = {
            c.entity_id: unit_feature(c.unit, task_names.get(c.unit.incident_id or -1, ""))
            for c in changes
            if c.unit is not None
        }
        flags = {c.entity_id: flag_feature(c.flag) for c in changes if c.flag is not None}
        self._units.update(units)
        self._flags.update(flags)
        self._pending.units.update(units)
        self._pending.flags.update(flags)
        self._schedule()

    def reset_zones(self, zones: Iterable[ZoneSnapshot]) -> None:
        """s.34 zones with the snapshot (first load or resynchronisation)."""
        self._zones = {z.id: zone_feature(z) for z in zones}
        self._push_reset()

    def apply_zone_changes(self, zones: Sequence[ZoneSnapshot]) -> None:
        features = {z.id: zone_feature(z) for z in zones}
        self._zones.update(features)
        self._pending.zones.update(features)
        self._schedule()

    def reset_cameras(self, cameras: Iterable[CameraSnapshot]) -> None:
        """Cameras with the snapshot (first load or resynchronisation).

        Only cameras that changed since they were last drawn are projected again: a
        resynchronisation after a short outage costs the GUI thread next to nothing, where
        projecting 300 cameras' views took it 60-120 ms.
        """
        cameras = list(cameras)
        # A tasked camera is drawn again anyway: its incident's reference may be known only now.
        fresh = camera_features(
            (c for c in cameras if self._camera_snapshots.get(c.id) != c or c.tasked_incident_id is not None),
            self._incident_reference,
        )
        self._cameras = {c.id: fresh.get(c.id) or self._cameras[c.id] for c in cameras}
        self._camera_snapshots = {c.id: c for c in cameras}
        self._push_reset()

    def apply_camera_changes(self, changes: Sequence[Change]) -> None:
        """Camera changes from a diff: each changed camera is drawn again, and only it."""
        features = camera_features(
            (c.camera for c in changes if c.camera is not None), self._incident_reference
        )
        pending = self._pending
        for change in changes:
            if change.entity != "camera":
                continue
            if change.camera is None:
                self._cameras.pop(change.entity_id, None)
                self._camera_snapshots.pop(change.entity_id, None)
                pending.cameras.pop(change.entity_id, None)
                pending.removed_cameras.add(change.entity_id)
            else:
                feature = self._cameras[change.entity_id] = features[change.entity_id]
                pending.cameras[change.entity_id] = feature
                self._camera_snapshots[change.entity_id] = change.camera
                pending.removed_cameras.discard(change.entity_id)
        self._schedule()

    def set_camera_coverage(self, message: dict[str, Any]) -> None:
        """The coverage-gap layer and its share (``camera_layer.coverage_message``).

        Sent at once without flushing the queued diffs: the gaps depend on nothing else the
        page draws, and a flush here made the incidents' next push come early.
        """
        self._camera_coverage = message
        if self._page_ready:
            self._push(message)

    def set_hotspots(self, message: dict[str, Any]) -> None:
        """A report's hotspot grid (``ui.reports.hotspot_layer.hotspot_message``), drawn whole.

        Like the coverage gaps it depends on nothing else the page draws: sent at once, and
        again after a reload of the page.
        """
        self._hotspots = message
        if self._page_ready:
            self._push(message)

    def select_camera(self, camera_id: int) -> None:
        """Bring the camera into view and give its marker the keyboard (Enter opens its popup)."""
        if camera_id in self._cameras:
            self._push_now({"type": "camera_select", "id": camera_id})

    def _incident_reference(self, incident_id: int) -> str:
        incident = self._snapshots.get(incident_id)
        return incident.reference if incident is not None else f"incident {incident_id}"

    def start_drawing(self, points: Sequence[tuple[float, float]] = ()) -> None:
        """Clicks on the map now add corners of a zone (``sig_zone_drawn`` follows each)."""
        self._push_now({"type": "draw", "points": [list(p) for p in points]})

    def undo_corner(self) -> None:
        self._push_now({"type": "draw_undo"})

    def stop_drawing(self) -> None:
        self._push_now({"type": "draw_stop"})

    def set_filter(self, incident_filter: IncidentFilter) -> None:
        """Draw only the incidents the list shows; one diff, never a page reload."""
        self._filter = incident_filter
        self.refresh_filter()

    def refresh_filter(self) -> None:
        """Re-apply the filter (its time window moves with the clock); pushed at once."""
        wanted = self._filter.matching_ids(self._snapshots.values(), self._clock())
        for incident_id in wanted - self._visible:
            self._pending.show(incident_id)
        for incident_id in self._visible - wanted:
            self._pending.hide(incident_id)
        self._visible = wanted
        self.flush()

    def set_alerting(self, incident_ids: list[int]) -> None:
        """Markers that flash until their incident is acknowledged."""
        self._alerting = incident_ids
        # The page re-marks every marker for each such message: queued like a diff.
        self._pending.alerts = True
        self._schedule()

    def select_incident(self, incident_id: int) -> None:
        """Ring the incident's marker with a brief popup, keeping the zoom (the map pans only if
        it is out of view); a click on the marker or Enter on the map opens the full popup."""
        if incident_id in self._visible:
            self._push_now({"type": "select", "id": incident_id})

    def centre_once(self, incident_id: int) -> None:
        """Pan (never zoom) so the incident is in view, if it is not; nothing if it already is.

        For a new Grade 1: the operator sees where it is without losing the overview.
        """
        if incident_id in self._visible and incident_id not in self._pending.shown:
            self._push_now({"type": "centre", "id": incident_id})
        else:
            # Not on the page yet (its diff is queued or not applied): after the next push.
            self._centre_wanted.add(incident_id)

    def show_overview(self) -> None:
        """Back to the whole operating area, fitted to the pane (what ``Home`` does on the map)."""
        self._push_now({"type": "overview"})

    def show_pin(self, lat: float, lon: float) -> None:
        """Draw the "picked point" pin there (one pin: a new point moves it)."""
        self._pin = (lat, lon)
        self._push_now({"type": "pin", "lat": lat, "lon": lon})

    def clear_pin(self) -> None:
        """Remove the picked-point pin, if one is drawn."""
        self._pin = None
        self._push_now({"type": "pin_clear"})

    def set_label_scale(self, factor: float) -> None:
        """Scale the map's text (labels, markers, legend, popups); 1.0 is the default size."""
        self._label_scale = factor
        self._push_now({"type": "scale", "factor": factor})

    @property
    def label_scale(self) -> float:
        return self._label_scale

    def flush(self) -> None:
        """Send what is queued now, as one diff (then the alerting set, if it changed)."""
        self._flush_timer.stop()
        pending, self._pending = self._pending, _PendingDiff()
        if not self._page_ready:
            return  # the reset sent when the page is ready carries all of it
        incidents = [incident_feature(self._snapshots[i]) for i in pending.shown if i in self._visible]
        if (
            incidents
            or pending.venues
            or pending.hidden
            or pending.units
            or pending.flags
            or pending.zones
            or pending.cameras
            or pending.removed_cameras
        ):
            self._push(
                {
                    "type": "diff",
                    "incidents": incidents,
                    "venues": list(pending.venues.values()),
                    "removed_incidents": sorted(pending.hidden),
                    "units": list(pending.units.values()),
                    "flags": list(pending.flags.values()),
                    "zones": list(pending.zones.values()),
                    "cameras": list(pending.cameras.values()),
                    "removed_cameras": sorted(pending.removed_cameras),
                }
            )
        if pending.alerts:
            self._push({"type": "alerts", "ids": self._alerting})
        wanted, self._centre_wanted = self._centre_wanted, set()
        for incident_id in sorted(wanted & self._visible):
            self._push({"type": "centre", "id": incident_id})

    @property
    def pushes_pending(self) -> bool:
        """Whether changes are waiting for the next push to the page."""
        return self._flush_timer.isActive()

    def _schedule(self) -> None:
        if not self._page_ready:
            self._pending = _PendingDiff()  # the reset sent when the page is ready carries it
        elif not self._pending.empty and not self._flush_timer.isActive():
            self._flush_timer.start()

    def _push_now(self, message: dict[str, Any]) -> None:
        if self._page_ready:
            self.flush()  # whatever is queued happened first
            self._push(message)

    @property
    def page_ready(self) -> bool:
        return self._page_ready

    def _push_reset(self) -> None:
        if self._page_ready:
            # The reset carries the current state of everything queued.
            self._flush_timer.stop()
            self._pending = _PendingDiff()
            self._push({"type": "alerts", "ids": self._alerting})
            self._push(
                {
                    "type": "reset",
                    "incidents": [incident_feature(self._snapshots[i]) for i in self._visible],
                    "units": list(self._units.values()),
                    "flags": list(self._flags.values()),
                    "zones": list(self._zones.values()),
                    "venues": list(self._venues.values()),
                    "cameras": list(self._cameras.values()),
                }
            )
            if self._camera_coverage is not None:
                self._push(self._camera_coverage)
            if self._hotspots is not None:
                self._push(self._hotspots)
            # What the operator set on this page survives a reload of it.
            if self._pin is not None:
                self._push({"type": "pin", "lat": self._pin[0], "lon": self._pin[1]})
            if self._label_scale != 1.0:
                self._push({"type": "scale", "factor": self._label_scale})

    def _push(self, message: dict[str, Any]) -> None:
        self.sig_message_pushed.emit(json.dumps(message))

    # -- from the page (names are the JavaScript API) ------------------------

    @Slot()
    def pageReady(self) -> None:  # noqa: N802
        self._page_ready = True
        self.sig_page_ready.emit()
        self._push_reset()

    @Slot(str)
    def incidentClicked(self, incident_id: str) -> None:  # noqa: N802
        try:
            self.sig_incident_clicked.emit(int(incident_id))
        except ValueError:
            return  # the page only ever sends ids it was given

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:  # noqa: N802
        self.sig_map_clicked.emit(lat, lon)

    @Slot(str, str)
    def safeSpaceStatus(self, venue_id: str, status: str) -> None:  # noqa: N802
        try:
            venue = self._venues.get(int(venue_id))
        except ValueError:
            return
        if venue is not None:
            self.sig_safe_space_status_requested.emit(venue["name"], status)

    @Slot(str, float, float)
    def unitMoved(self, unit_id: str, lat: float, lon: float) -> None:  # noqa: N802
        try:
            unit = self._units.get(int(unit_id))
        except ValueError:
            return
        if unit is not None:
            self.sig_unit_moved.emit(unit["callsign"], lat, lon)

    @Slot(float, float)
    def pointChosen(self, lat: float, lon: float) -> None:  # noqa: N802
        self.sig_point_chosen.emit(lat, lon)

    @Slot(str)
    def zoneDrawn(self, points_json: str) -> None:  # noqa: N802
        try:
            points = [[float(p[0]), float(p[1])] for p in json.loads(points_json)]
        except (ValueError, TypeError, IndexError):
            return
        self.sig_zone_drawn.emit(json.dumps(points))

    @Slot(str)
    def layersDrawn(self, counts_json: str) -> None:  # noqa: N802
        try:
            counts = json.loads(counts_json)
        except ValueError:
            return
        self.last_counts = counts
        self.sig_layers_drawn.emit(counts)
