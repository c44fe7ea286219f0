"""The hotspot grid of a report as the map page's ``hotspots`` message (resources/map/hotspots.js)."""

from __future__ import annotations

from typing import Any

from controlroom.reports.hotspots import Hotspots

DECIMALS = 6  # about 0.1 m: finer is noise, and every digit is sent to the page


def hotspot_message(density: Hotspots, period_words: str) -> dict[str, Any]:
    """Each shaded cell's ring and its share of the peak; the bandwidth for the legend line."""
    cells = [
        [
            [[round(lat, DECIMALS), round(lon, DECIMALS)] for lat, lon in cell.ring],
            round(cell.share_of_peak, 3),
        ]
        for cell in density.cells
    ]
    note = (
        f"{period_words}: {density.points:.0f} incidents"
        if density.points
        else f"{period_words}: no incidents"
    )
    return {"type": "hotspots", "bandwidth_m": density.bandwidth_m, "cells": cells, "note": note}
