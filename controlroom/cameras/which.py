""" "Which cameras can see this?" for a point or an incident, as the CLI and the window ask it.

The geometry (``geometry.cameras_seeing``) answers for a point; this module turns the
register's cameras — ``CameraRecord`` rows for the command line, ``CameraSnapshot``
values from the change feed for the window — into the geometry's views, finds where an
incident is, and words each sighting the same way for both: the camera, the preset to
use, the distance in metres, the angle off its axis, its status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from controlroom.cameras.geometry import CameraLike, CameraView, Sighting, camera_view, cameras_seeing
from controlroom.core.domain import OperatingArea
from controlroom.core.errors import ValidationError
from controlroom.storage.database import Database
from controlroom.storage.models import Incident


@dataclass(frozen=True, slots=True)
class Place:
    """The point asked about and how to name it ("SOT-20261127-0042, Above Bar" or the LAT,LON)."""

    lat: float
    lon: float
    label: str
    incident_id: int | None = None
    reference: str | None = None


def usable_views(cameras: Iterable[CameraLike]) -> list[CameraView]:
    """Each camera's views; a camera with no view at all (a PTZ with no presets yet) sees nothing."""
    views = []
    for camera in cameras:
        try:
            views.append(camera_view(camera))
        except ValueError:  # no view, or a view a row written around the program made impossible
            continue
    return views


def which_cameras(place: Place, cameras: Iterable[CameraLike]) -> list[Sighting]:
    """The cameras that can see the place, best first (working before faulty, nearer, straighter on)."""
    return cameras_seeing(place.lat, place.lon, usable_views(cameras))


def point_place(lat: float, lon: float, area: OperatingArea) -> Place:
    """A typed or clicked point; outside the operating area refused (usually LAT,LON swapped)."""
    area.require(lat, lon, "the point")
    return Place(lat, lon, f"{lat:.5f},{lon:.5f}")


async def incident_place(db: Database, reference: str) -> Place:
    """Where the incident is; an unknown reference refused, saying what references look like."""
    wanted = reference.strip().upper()
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(Incident.id, Incident.reference, Incident.lat, Incident.lon, Incident.place).where(
                    Incident.reference == wanted
                )
            )
        ).first()
    if row is None:
        raise ValidationError(
            f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
        )
    return Place(row.lat, row.lon, f"{row.reference}, {row.place}", row.id, row.reference)


def preset_words(sighting: Sighting) -> str:
    """ "preset North" for a PTZ/dome view, "fixed view" for a fixed camera's own."""
    return f"preset {sighting.preset}" if sighting.preset else "fixed view"


def sighting_json(sighting: Sighting) -> dict[str, Any]:
    """One sighting as ``cameras-for --json`` prints it."""
    return {
        "camera": sighting.camera.number,
        "camera_id": sighting.camera.camera_id,
        "status": sighting.camera.status,
        "preset": sighting.preset,
        "distance_m": round(sighting.distance_m, 1),
        "off_axis_deg": round(sighting.off_axis_deg, 1),
    }


__all__ = [
    "Place",
    "incident_place",
    "point_place",
    "preset_words",
    "sighting_json",
    "usable_views",
    "which_cameras",
]
