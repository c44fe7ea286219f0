"""The continuity log of an incident's footage as printable paper (HTML + SVG plan), without Qt.

Which clips were marked, by whom; who viewed, locked, unlocked and released each, to
whom and when; the requests for footage; and a plan of the incident's point with the
cameras that could see it (their position and the view that covers the point) and the
cameras clips were marked from. It renders through the same Jinja2 loader as the
dispersal paperwork (``paperwork.render``), from ``resources/paperwork/continuity_log.html.j2``,
and the front end prints it to PDF the same way.

Everything typed (descriptions, reasons, requesters, recipients) passes through
``paperwork.printable`` and is escaped by the template's autoescape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.anchor import ChainHead, read_head
from controlroom.cameras.geometry import CameraView, Sighting, camera_view, cameras_seeing, view_sectors
from controlroom.cameras.queries import list_cameras
from controlroom.footage.queries import IncidentFootage, incident_footage
from controlroom.paperwork.plan import Point, draw_plan
from controlroom.paperwork.printable import PLAN_HEIGHT, PLAN_WIDTH, SHORT_FIELD_LIMIT, printable
from controlroom.paperwork.render import DEFAULT_FORCE_NAME, RenderedDocument, render_template
from controlroom.storage.database import Database

TEMPLATE = "continuity_log.html.j2"
INCIDENT_MARK_METRES = 8.0  # radius of the circle marking the incident's point on the plan
FRAME_OTHERS_M = 250.0  # other clip cameras within this distance of the point are drawn
_COVERING = "#1f5fbf"  # the view that covers the point, and the camera
_OTHER = "#7a7a7a"  # a camera clips were marked from that does not cover the point
_FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class CoveringCamera:
    """A camera that could see the incident's point, with the preset to use."""

    number: str
    name: str
    status: str
    preset: str | None
    distance_m: float


@dataclass(frozen=True, slots=True)
class ContinuityPaper:
    """Everything the continuity log prints, read in one snapshot with the audit head."""

    footage: IncidentFootage
    covering: tuple[CoveringCamera, ...]
    plan_svg: str
    audit_head: ChainHead | None


async def continuity_paper(db: Database, reference: str) -> ContinuityPaper:
    """The incident's footage, the cameras covering its point and the plan showing them."""
    footage = await incident_footage(db, reference)
    cameras = await list_cameras(db)
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        head = await read_head(session)
    views = [camera_view(c) for c in cameras]
    sightings = cameras_seeing(footage.lat, footage.lon, views)
    by_id = {c.id: c for c in cameras}
    covering = tuple(
        CoveringCamera(
            number=s.camera.number,
            name=by_id[s.camera.camera_id].name,
            status=s.camera.status,
            preset=s.preset,
            distance_m=s.distance_m,
        )
        for s in sightings
    )
    clip_cameras = {clip.camera_id for clip in footage.clips}
    others = [
        v
        for v in views
        if v.camera_id in clip_cameras and v.camera_id not in {s.camera.camera_id for s in sightings}
    ]
    svg = cameras_plan(footage.lat, footage.lon, sightings, others)
    return ContinuityPaper(footage, covering, svg, head)


def cameras_plan(lat: float, lon: float, sightings: Sequence[Sighting], others: Sequence[CameraView]) -> str:
    """The plan: the incident's point, each covering camera's covering view, other clip cameras."""
    covering_views = [
        CameraView(
            s.camera.camera_id, s.camera.number, s.camera.lat, s.camera.lon, s.camera.status, (s.view,)
        )
        for s in sightings
    ]
    sectors = view_sectors(covering_views)
    rings = [[(la, lo) for lo, la in sector.polygon.exterior.coords] for sector in sectors]
    marks = [(v.number, v.lat, v.lon, _COVERING) for v in covering_views]
    # The plan frames the point and the covering views; a clip camera far off (another
    # street's camera that followed someone away) is named in the log, not drawn.
    frame = [point for ring in rings for point in ring]
    marks += [
        (v.number, v.lat, v.lon, _OTHER) for v in others if _metres(lat, lon, v.lat, v.lon) <= FRAME_OTHERS_M
    ]
    frame += [(la, lo) for _, la, lo, _ in marks]

    def overlay(project: Callable[[float, float], Point], scale: float) -> list[str]:
        del scale
        out = []
        for ring in rings:
            points = " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(la, lo) for la, lo in ring))
            out.append(
                f'<path d="M{points} Z" fill="{_COVERING}" fill-opacity="0.16" stroke="{_COVERING}" '
                'stroke-width="1.5"/>'
            )
        for number, la, lo, colour in marks:
            x, y = project(la, lo)
            label = str(escape(printable(number, SHORT_FIELD_LIMIT)))
            width = 0.62 * 12 * len(number) + 6
            out += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#ffffff" '
                'stroke-width="1.5"/>',
                f'<rect x="{x + 6:.1f}" y="{y - 19:.1f}" width="{width:.1f}" height="16" rx="3" '
                'fill="#ffffff" fill-opacity="0.85"/>',
                f'<text x="{x + 9:.1f}" y="{y - 6:.1f}" font-family="{_FONT}" font-size="12" '
                f'font-weight="bold" fill="{colour}">{label}</text>',
            ]
        return out

    return draw_plan(
        _circle(lat, lon, INCIDENT_MARK_METRES),
        caption="Incident point",
        frame=frame,
        overlay=overlay,
        height=PLAN_HEIGHT,
    )


def _metres(lat: float, lon: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat) * 111_320.0
    dx = (lon2 - lon) * 111_320.0 * math.cos(math.radians(lat))
    return math.hypot(dx, dy)


def _circle(lat: float, lon: float, radius_m: float) -> list[tuple[float, float]]:
    dlat = radius_m / 111_320.0
    dlon = dlat / math.cos(math.radians(lat))
    steps = 16
    return [
        (lat + dlat * math.sin(2 * math.pi * i / steps), lon + dlon * math.cos(2 * math.pi * i / steps))
        for i in range(steps)
    ]


def render_continuity_log(
    paper: ContinuityPaper, *, force_name: str = DEFAULT_FORCE_NAME, printed_at: datetime | None = None
) -> RenderedDocument:
    """The continuity log as one printable document (its own s.62 disclosure when printed)."""
    footage = paper.footage
    return render_template(
        TEMPLATE,
        f"Footage continuity log {footage.reference}",
        footage.reference,
        {"cameras": paper.plan_svg},
        "continuity_log",
        paper.audit_head,
        footage=_printable(footage),
        covering=paper.covering,
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
        plan={"src": "plan:cameras", "width": PLAN_WIDTH, "height": PLAN_HEIGHT},
    )


def _printable(footage: IncidentFootage) -> dict[str, Any]:
    """The footage as the template reads it, every typed text made printable."""

    def text(value: str | None) -> str:
        return printable(value or "", SHORT_FIELD_LIMIT * 5)

    clips = []
    for clip in footage.clips:
        clips.append(
            {
                "id": clip.id,
                "camera": text(clip.camera_number),
                "starts_at": clip.starts_at,
                "ends_at": clip.ends_at,
                "description": text(clip.description),
                "marked_by": text(clip.marked_by),
                "marked_at": clip.marked_at,
                "retention_days": clip.retention_days,
                "deletion_date": clip.deletion_date,
                "locked": clip.locked,
                "locked_until": clip.locked_until,
                "locked_by": text(clip.locked_by),
                "lock_reason": text(clip.lock_reason),
                "unlocked_at": clip.unlocked_at,
                "unlocked_by": text(clip.unlocked_by),
                "events": [
                    {"event": e.event, "actor": text(e.actor), "at": e.at, "detail": text(e.detail)}
                    for e in clip.events
                ],
                "releases": [
                    {
                        "id": r.id,
                        "recipient": text(r.recipient),
                        "justification": text(r.justification),
                        "released_by": text(r.released_by),
                        "released_at": r.released_at,
                        "request_id": r.request_id,
                    }
                    for r in clip.releases
                ],
            }
        )
    requests = [
        {
            "id": r.id,
            "clip_id": r.clip_id,
            "requester": text(r.requester),
            "purpose": text(r.purpose),
            "recorded_by": text(r.recorded_by),
            "recorded_at": r.recorded_at,
            "status": r.status,
            "closed_at": r.closed_at,
        }
        for r in footage.requests
    ]
    return {
        "reference": footage.reference,
        "place": text(footage.place),
        "reported_at": footage.reported_at,
        "clips": clips,
        "requests": requests,
    }


__all__ = ["ContinuityPaper", "CoveringCamera", "cameras_plan", "continuity_paper", "render_continuity_log"]
