"""The period report on paper (HTML for the PDF writer, with its charts and hotspot map as
SVG), as CSV rows, and as JSON: the same plain values everywhere, no personal data.

Venue names are typed by people: they go through ``printable`` before the template (whose
autoescape does the rest) and the map's own text is escaped there as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from controlroom.audit.anchor import ChainHead
from controlroom.paperwork.plan import _FONT, draw_plan
from controlroom.paperwork.printable import PLAN_WIDTH, SHORT_FIELD_LIMIT, printable
from controlroom.paperwork.render import DEFAULT_FORCE_NAME, RenderedDocument, render_template
from controlroom.reports.charts import figure_svg
from controlroom.reports.hotspots import HARM_WORDS, Hotspots
from controlroom.reports.period import HOURS, WEEKDAYS, PeriodReport
from controlroom.reports.trend_charts import heatmap_chart, series_chart
from controlroom.reports.venues import VENUE_TABLE_HEADINGS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TEMPLATE = "period_report.html.j2"
MAP_HEIGHT = 420
_SHADE = "#e8590c"
_TOP = "#1f4e9c"
Point = tuple[float, float]


def hotspot_map(spots: Hotspots, *, height: float = MAP_HEIGHT) -> str:
    """The streets with the density cells shaded, the top squares by count numbered, the
    top square by harm outlined in red, and the bandwidth written on the map itself."""
    top_harm = spots.top_by_harm[0].ring if spots.top_by_harm else ()
    frame = [p for cell in spots.cells for p in cell.ring] + [p for c in spots.top_by_count for p in c.ring]

    def overlay(project: Callable[[float, float], Point], scale: float) -> list[str]:
        del scale
        out = []
        for cell in spots.cells:
            ring = " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in cell.ring))
            opacity = 0.15 + 0.6 * cell.share_of_peak
            out.append(f'<path d="M{ring} Z" fill="{_SHADE}" fill-opacity="{opacity:.2f}" stroke="none"/>')
        for rank, square in enumerate(spots.top_by_count[:5], start=1):
            ring = " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in square.ring))
            x, y = project(*square.ring[3])
            out += [
                f'<path d="M{ring} Z" fill="none" stroke="{_TOP}" stroke-width="1.5"/>',
                f'<text x="{x + 3:.1f}" y="{y + 13:.1f}" font-family="{_FONT}" font-size="12" '
                f'font-weight="bold" fill="{_TOP}">{rank}</text>',
            ]
        if top_harm:  # drawn again over the shading, which would otherwise hide the plan's outline
            ring = " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in top_harm))
            out.append(f'<path d="M{ring} Z" fill="none" stroke="#b00000" stroke-width="2.5"/>')
        words = escape(f"Bandwidth {spots.bandwidth_m:.0f} m ({spots.bandwidth_rule})")
        out += [
            f'<rect x="6" y="6" width="{len(words) * 6.6 + 12:.0f}" height="22" rx="3" fill="#ffffff" '
            'fill-opacity="0.9" stroke="#000000" stroke-width="0.8"/>',
            f'<text x="12" y="21" font-family="{_FONT}" font-size="11" fill="#000000">{words}</text>',
        ]
        return out

    return draw_plan(top_harm, caption="Top square by harm", frame=frame, overlay=overlay, height=height)


def _svg(fig: Figure) -> str:
    # Text as <text> in the DejaVu face rather than glyph outlines: Qt's SVG renderer (SVG
    # Tiny) cannot follow matplotlib's <use> links to glyphs and would drop every label.
    from matplotlib import rc_context

    with rc_context({"svg.fonttype": "none"}):
        return figure_svg(fig)


def render_period_report(
    report: PeriodReport,
    *,
    head: ChainHead | None,
    force_name: str = DEFAULT_FORCE_NAME,
    printed_at: datetime | None = None,
) -> RenderedDocument:
    """The whole period report as one printable document."""
    images = {
        "heatmap": _svg(heatmap_chart(report, "print")),
        "series": _svg(series_chart(report, "print")),
        "hotspots": hotspot_map(report.hotspots),
    }
    venues = [
        [printable(str(c), SHORT_FIELD_LIMIT) if i == 0 else c for i, c in enumerate(v.cells())]
        for v in report.venues
    ]
    reference = f"{report.start:%d/%m/%Y}–{report.end:%d/%m/%Y}"
    return render_template(
        TEMPLATE,
        f"Period report {reference}",
        reference,
        images,
        "period_report",
        head,
        report=report,
        by_category=_by_grade(report, "category"),
        by_source=_by_grade(report, "source"),
        venues=venues,
        venue_headings=VENUE_TABLE_HEADINGS,
        squares=_squares(report.hotspots),
        venues_by_harm=[(printable(n, SHORT_FIELD_LIMIT), c, h) for n, c, h in report.venues_by_harm[:10]],
        safe_spaces=[(printable(s.venue, SHORT_FIELD_LIMIT), s) for s in report.safe_spaces],
        zones=[printable(z, SHORT_FIELD_LIMIT) for z in report.dispersal.zones_in_force],
        harm_words=HARM_WORDS,
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
        map={"src": "plan:hotspots", "width": PLAN_WIDTH, "height": MAP_HEIGHT},
        chart_width=PLAN_WIDTH,
    )


def _by_grade(report: PeriodReport, key: str) -> list[tuple[str, ...]]:
    """Rows of (name, G1, G2, G3, G4, ungraded, total), most incidents first: the paper's
    compact form of the category × source × grade counts (the CSV has every combination)."""
    table: dict[str, list[int]] = {}
    for row in report.counts:
        cells = table.setdefault(getattr(row, key), [0] * 6)
        cells[(row.grade or 5) - 1] += row.incidents
        cells[5] += row.incidents
    ordered = sorted(table.items(), key=lambda item: (-item[1][5], item[0]))
    return [(name.replace("_", " "), *(str(v) for v in cells)) for name, cells in ordered]


def _squares(spots: Hotspots) -> list[tuple[int, str, str, str, str]]:
    """Rank, then the square by count and its incidents, the square by harm and its harm:
    each square named by its south-west corner's OS grid reference (e.g. ``SU 41850 11200``)."""
    from controlroom.paperwork.grid import format_grid_reference

    rows = []
    for rank in range(max(len(spots.top_by_count), len(spots.top_by_harm))):
        by_count = spots.top_by_count[rank] if rank < len(spots.top_by_count) else None
        by_harm = spots.top_by_harm[rank] if rank < len(spots.top_by_harm) else None
        rows.append(
            (
                rank + 1,
                format_grid_reference(by_count.easting, by_count.northing) if by_count else "",
                f"{by_count.incidents:g}" if by_count else "",
                format_grid_reference(by_harm.easting, by_harm.northing) if by_harm else "",
                f"{by_harm.harm:g}" if by_harm else "",
            )
        )
    return rows


CSV_HEADINGS = ("section", "night", "weekday", "hour", "category", "source", "grade", "venue", "incidents")


def csv_text(report: PeriodReport) -> str:
    """The CSV file's text (cells that a spreadsheet would run as formulas are neutralised)."""
    import csv
    import io

    from controlroom.audit.trail import csv_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(report):
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_rows(report: PeriodReport) -> Iterator[tuple[Any, ...]]:
    """Long-format rows: one per night, weekday × hour, category × source × grade, venue."""
    yield CSV_HEADINGS
    for n in report.series:
        yield ("night", n.night.isoformat(), WEEKDAYS[n.night.weekday()], "", "", "", "", "", n.incidents)
    for day, row in enumerate(report.heatmap):
        for col, value in enumerate(row):
            yield ("weekday_hour", "", WEEKDAYS[day], f"{HOURS[col]:02d}", "", "", "", "", value)
    for c in report.counts:
        yield ("category_source_grade", "", "", "", c.category, c.source, c.grade or "", "", c.incidents)
    for v in report.venues:
        yield ("venue", "", "", "", "", "", "", v.name, v.total)


def period_json(report: PeriodReport) -> dict[str, Any]:
    """The report as JSON-ready plain values."""
    spots = report.hotspots
    change = report.before_after
    return {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "nights": report.nights,
        "total": report.total,
        "series": [{"night": n.night.isoformat(), "incidents": n.incidents} for n in report.series],
        "heatmap": {
            "rows": [f"{d} night" for d in WEEKDAYS],
            "hours": [f"{h:02d}" for h in HOURS],
            "counts": [list(r) for r in report.heatmap],
        },
        "counts": [
            {"category": c.category, "source": c.source, "grade": c.grade, "incidents": c.incidents}
            for c in report.counts
        ],
        "grades": [
            {
                "grade": g.grade,
                "incidents": g.incidents,
                "attended": g.attended,
                "within_target": g.within_target,
                "target_minutes": g.target_minutes,
                "median_minutes": g.median_minutes,
                "p90_minutes": g.p90_minutes,
                "breaches": g.breaches,
                "caller_told": g.caller_told,
            }
            for g in report.grades
        ],
        "as_at": report.as_at.isoformat(),
        "angela": [{"outcome": outcome, "activations": n} for outcome, n in report.angela],
        "safe_spaces": [
            {"venue": s.venue, "minutes_full": s.minutes_full, "minutes_closed": s.minutes_closed}
            for s in report.safe_spaces
        ],
        "dispersal": {
            "warnings": report.dispersal.warnings,
            "directions": report.dispersal.directions,
            "surrendered_items": report.dispersal.surrendered_items,
            "breaches": report.dispersal.breaches,
            "under_16_removals": report.dispersal.under_16_removals,
            "zones_in_force": list(report.dispersal.zones_in_force),
        },
        "before_after": None
        if change is None
        else {
            "pivot": change.pivot.isoformat(),
            "nights_each_side": change.nights_each_side,
            "before": [change.before_first.isoformat(), change.before_last.isoformat(), change.before_total],
            "after": [change.after_first.isoformat(), change.after_last.isoformat(), change.after_total],
            "sentence": change.sentence,
        },
        "venues": [dict(zip(VENUE_TABLE_HEADINGS, v.cells(), strict=True)) for v in report.venues],
        "hotspots": {
            "stated": spots.stated,
            "bandwidth_m": spots.bandwidth_m,
            "harm_weights": HARM_WORDS,
            "top_by_count": [_square(c) for c in spots.top_by_count],
            "top_by_harm": [_square(c) for c in spots.top_by_harm],
        },
    }


def _square(cell: Any) -> dict[str, Any]:
    return {
        "easting": cell.easting,
        "northing": cell.northing,
        "centre": list(cell.centre),
        "incidents": cell.incidents,
        "harm": cell.harm,
    }
