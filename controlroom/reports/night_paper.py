"""The night pack as printable paper: HTML for Qt's rich text, its chart and map as SVG.

Renders ``resources/paperwork/night_pack.html.j2`` through the paperwork's Jinja2 loader
(autoescaped), so the front end prints it to PDF the way it prints the s.35 paperwork
and the continuity log. Every name a person typed (venues, zones, summaries) passes
through ``paperwork.printable`` first. The audit head read with the pack goes in the footer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from controlroom.audit.anchor import ChainHead
from controlroom.core.domain import Category, Source, Status, grade_label
from controlroom.paperwork.printable import PLAN_WIDTH, SHORT_FIELD_LIMIT, printable
from controlroom.paperwork.render import DEFAULT_FORCE_NAME, RenderedDocument, render_template
from controlroom.reports.charts import figure_svg, hourly_chart
from controlroom.reports.night import NightPack
from controlroom.reports.night_map import MAP_HEIGHT, night_map_svg

TEMPLATE = "night_pack.html.j2"
CHART_HEIGHT = 230
LINK_WORDS = {
    "inside": "inside",
    "door_queue": "door / queue",
    "nearby": "nearby",
    "venue_reported": "venue-reported",
    "at_venue": "at venue",
}


def label_of(kind: type[Category] | type[Source] | type[Status], value: str) -> str:
    """The words for a stored slug (the slug itself if the vocabulary no longer has it)."""
    return next((member.label for member in kind if member.value == value), value)


def render_night_pack(
    pack: NightPack,
    *,
    head: ChainHead | None = None,
    force_name: str = DEFAULT_FORCE_NAME,
    printed_at: datetime | None = None,
) -> RenderedDocument:
    """The whole pack as one printable document (chart and map in the print theme)."""
    images = {"hours": figure_svg(hourly_chart(pack, "print")), "map": night_map_svg(pack)}
    night = f"{pack.night:%A} {pack.night.day} {pack.night:%B %Y}"
    return render_template(
        TEMPLATE,
        f"Night pack: night of {night}",
        pack.night.isoformat(),
        images,
        "night_pack",
        head,
        pack=pack,
        night=night,
        rows=_rows(pack),
        grade=grade_label,
        link_words=LINK_WORDS,
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
        chart={"src": "plan:hours", "width": PLAN_WIDTH, "height": CHART_HEIGHT},
        map={"src": "plan:map", "width": PLAN_WIDTH, "height": MAP_HEIGHT},
    )


def _rows(pack: NightPack) -> dict[str, Any]:
    """What a person typed, made printable; vocabulary slugs in words."""

    def text(value: str) -> str:
        return printable(value, SHORT_FIELD_LIMIT)

    return {
        "kinds": [
            (label_of(Category, k.category), label_of(Source, k.source), grade_label(k.grade), k.count)
            for k in pack.kinds
        ],
        "venues": [(text(v.name), v) for v in pack.venues],
        "safe_spaces": [(text(s.venue), s) for s in pack.safe_spaces],
        "zones": [text(z) for z in pack.zones_in_force],
        "incidents": [
            {
                "reference": i.reference,
                "reported_at": i.reported_at,
                "category": label_of(Category, i.category),
                "grade": i.grade,
                "status": label_of(Status, i.status),
                "venue": text(i.venue),
                "summary": printable(i.summary or "", SHORT_FIELD_LIMIT * 2),
            }
            for i in pack.incidents
        ],
    }


__all__ = ["render_night_pack"]
