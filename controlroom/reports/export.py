"""The night pack's incidents as CSV and GeoJSON, and files written whole or not at all.

One row (or feature) per incident, without personal data: no summary, no names, no
persons-of-concern fields. GeoJSON follows RFC 7946: WGS84 positions in longitude,
latitude order. Times are UK local with their offset, so a row reads as the board did.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from controlroom.core.domain import LOCAL_TZ
from controlroom.reports.night import NightPack, PackIncident

COLUMNS = (
    "night",
    "reference",
    "reported_at_local",
    "category",
    "source",
    "grade",
    "status",
    "venue",
    "venue_link",
    "response_minutes",
    "within_target",
)


def _properties(pack: NightPack, incident: PackIncident) -> dict[str, Any]:
    return {
        "night": pack.night.isoformat(),
        "reference": incident.reference,
        "reported_at_local": incident.reported_at.astimezone(LOCAL_TZ).isoformat(timespec="minutes"),
        "category": incident.category,
        "source": incident.source,
        "grade": incident.grade,
        "status": incident.status,
        "venue": incident.venue or None,
        "venue_link": incident.venue_link or None,
        "response_minutes": None
        if incident.response_minutes is None
        else round(incident.response_minutes, 1),
        "within_target": incident.within_target,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def incidents_csv(pack: NightPack) -> str:
    """One row per incident of the night, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for incident in pack.incidents:
        properties = _properties(pack, incident)
        writer.writerow([_cell(properties[column]) for column in COLUMNS])
    return out.getvalue()


def incidents_geojson(pack: NightPack) -> str:
    """A FeatureCollection of the night's incidents as points (RFC 7946: lon, lat)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(i.lon, 6), round(i.lat, 6)]},
            "properties": _properties(pack, i),
        }
        for i in pack.incidents
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def stage(target: Path, text: str) -> Path:
    """``text`` written whole to a temporary file beside ``target``; rename it to finish."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all (a temporary file, then a rename)."""
    os.replace(stage(target, text), target)


__all__ = ["COLUMNS", "incidents_csv", "incidents_geojson", "stage", "write_whole"]
