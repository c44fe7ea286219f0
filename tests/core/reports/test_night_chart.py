"""The night pack's hour-by-hour chart: SVG at its printed size, both themes, no pyplot."""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime

import pytest

from controlroom.reports.charts import figure_svg, hourly_chart
from controlroom.reports.night import HotspotLayer, NightPack

START = datetime(2026, 11, 27, 6, tzinfo=UTC)


def _pack() -> NightPack:
    hours = tuple((h, (2, 1, 0, 0, 0) if h == 22 else (0, 0, 0, 0, 0)) for h in (*range(18, 24), *range(6)))
    return NightPack(
        night=date(2026, 11, 27), start=START, end=START.replace(day=28), as_at=START.replace(day=28),
        incidents=(), kinds=(), grades=(), breaches=(), angela=(), safe_spaces=(), warnings=0, directions=0,
        surrendered_items=0, dispersal_breaches=0, under_16_removals=0, zones_in_force=(), venues=(),
        hours=hours, hotspots=HotspotLayer("", (), ()), includes_personal=False,
    )  # fmt: skip


@pytest.mark.parametrize(("theme", "background"), [("print", "#ffffff"), ("dark", "#0d1117")])
def test_the_chart_as_svg_in_each_theme(theme: str, background: str) -> None:
    svg = figure_svg(hourly_chart(_pack(), theme))  # type: ignore[arg-type]
    root = re.search(r"<svg[^>]*>", svg)
    assert root is not None and 'width="640"' in root.group() and 'height="230"' in root.group()
    assert f"fill: {background}" in svg
    assert re.search(r"<text[^>]*>Grade 1</text>", svg) and re.search(r"<text[^>]*>Grade 2</text>", svg)
    assert "Grade 3" not in svg  # an empty series is not in the legend
    assert "matplotlib.pyplot" not in sys.modules
