"""A search's result set written to CSV or GeoJSON, and the audit entry that says so.

An export leaves the system, so it is logged (``search.export``: the words searched, the
filters, how many incidents, which file). It is an ``operation``, not a disclosure under DPA
2018 s.62: a result carries no persons-of-concern field (vulnerable person, person of
concern, reporter contact, THRIVE) — they are neither indexed nor read by the search.

Nothing is half-written: the file is written beside its final name, the audit entry is
committed, and only then is the file moved into place (a failed log leaves no file; a
failed write leaves no log). A spreadsheet shows formula-looking text as text
(``audit.trail.csv_cell``).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from controlroom.audit.chain import append_audit
from controlroom.audit.trail import csv_cell
from controlroom.core.roles import Actor
from controlroom.search.filters import SearchFilters
from controlroom.search.query import SearchHit
from controlroom.storage.database import Database

ExportFormat = Literal["csv", "geojson"]
CSV_COLUMNS = (
    "reference",
    "reported_at",
    "category",
    "grade",
    "status",
    "venue",
    "place",
    "lat",
    "lon",
    "snippet",
)


def csv_text(hits: Sequence[SearchHit]) -> list[list[str]]:
    """The CSV's rows, the header first."""
    rows = [list(CSV_COLUMNS)]
    for hit in hits:
        values = hit.to_json()
        rows.append([csv_cell(values[column]) for column in CSV_COLUMNS])
    return rows


def geojson(hits: Sequence[SearchHit]) -> dict[str, object]:
    """A FeatureCollection of points (GeoJSON is longitude first, RFC 7946)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [hit.lon, hit.lat]},
            "properties": {k: v for k, v in hit.to_json().items() if k not in ("lat", "lon", "id")},
        }
        for hit in hits
    ]
    return {"type": "FeatureCollection", "features": features}


async def export_results(
    db: Database,
    hits: Sequence[SearchHit],
    path: Path,
    fmt: ExportFormat,
    *,
    actor: Actor,
    text: str,
    filters: SearchFilters,
) -> None:
    """Write ``hits`` to ``path`` and log the export (both, or neither)."""
    actor.require("read.incidents")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            if fmt == "csv":
                csv.writer(out).writerows(csv_text(hits))
            else:
                json.dump(geojson(hits), out, ensure_ascii=False, indent=1)
        detail = {
            "text": text,
            "filters": filters.to_json(),
            "count": len(hits),
            "file": path.name,
            "format": fmt,
            "personal_data": "none: results carry no persons-of-concern fields",
        }
        async with db.write() as session:
            await append_audit(
                db,
                session,
                at=datetime.now(UTC),
                actor=actor.name,
                action="search.export",
                entity="incident",
                entity_id=None,
                detail=detail,
            )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
