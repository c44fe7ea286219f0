"""Dispersal paperwork as HTML (Qt rich text) with its SVG plans, without Qt.

The wording lives in Jinja2 templates under ``resources/paperwork/`` so a force can
change it without touching code. Everything a person typed is escaped by Jinja's
autoescape, after ``printable`` has neutralised what escaping cannot (see
``paperwork.printable``). The core produces the whole document; the front end only
rasterises it (``ui/paperwork/pdf.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from controlroom.audit.anchor import ChainHead
from controlroom.core.resources import resource
from controlroom.paperwork.data import AuthorisationPaper, DirectionPaper
from controlroom.paperwork.plan import plan_svg
from controlroom.paperwork.printable import (
    PLAN_HEIGHT,
    PLAN_WIDTH,
    SHEET_PLAN_HEIGHT,
    SHORT_FIELD_LIMIT,
    SHORT_FIELDS,
    TEXT_FIELD_LIMIT,
    printable,
)

if TYPE_CHECKING:
    import jinja2

DirectionPart = Literal["notice", "record", "receipt"]
DIRECTION_PARTS: tuple[DirectionPart, ...] = ("notice", "record", "receipt")


DEFAULT_FORCE_NAME = "Police"


LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """One printable document: Qt rich-text HTML, its footer lines and its images as SVG text.

    ``images`` maps a name to SVG text; the HTML refers to it as ``<img src="plan:NAME">``
    and the SVG's width/height are its printed size in CSS pixels (1/96 inch).
    ``audit_head`` is the footer's second line: the audit trail's head when the paper was
    read (see ``audit_head_line``).
    """

    title: str
    reference: str
    html: str
    footer: str
    images: Mapping[str, str] = field(default_factory=dict)
    part: str = ""  # "notice", "record", "receipt" or "authorisation": one s.62 disclosure each
    audit_head: str = ""


def audit_head_line(head: ChainHead | None) -> str:
    """``Audit head: #1234 <the whole hash>``, for the footer of every printed page.

    The head is read with the paper, so it is the newest entry *before* the print's own
    s.62 disclosure entries (those follow it, from the next id on). Paper that leaves the
    room then holds the trail's head outside the database, where ``audit verify --expect``
    can check it against the trail later (``audit.anchor``).
    """
    if head is None:
        return "Audit head: not read (specimen or test paper, not from the records)"
    return f"Audit head: {head.label()}"


def _printable_value(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return printable(value, limit)
    if isinstance(value, tuple):
        return tuple(_printable_value(item, SHORT_FIELD_LIMIT * 2) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _printable_value(
                getattr(value, f.name), SHORT_FIELD_LIMIT if f.name in SHORT_FIELDS else TEXT_FIELD_LIMIT
            )
            for f in dataclasses.fields(value)
            if f.name not in ("polygon", "exclusion_polygon")
        }
        return dataclasses.replace(value, **changes)
    return value


def local_time(moment: datetime) -> datetime:
    """``moment`` on the Europe/London clock (naive values are taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def written_date_time(moment: datetime | None) -> str:
    """e.g. ``02:30 on Saturday 28 November 2026 (GMT)``: the date written out, zone named."""
    if moment is None:
        return ""
    local = local_time(moment)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y} ({local.tzname()})"


def short_date_time(moment: datetime | None) -> str:
    """e.g. ``28/11/2026 02:30 GMT`` for tables where the long form is printed nearby."""
    if moment is None:
        return ""
    local = local_time(moment)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname()}"


def written_date(day: date | None) -> str:
    """e.g. ``Sunday 27 December 2026``: a calendar day in the UK."""
    if day is None:
        return ""
    return f"{day:%A} {day.day} {day:%B %Y}"


def duration_since(end: datetime, start: datetime) -> str:
    """e.g. ``48 hours`` or ``36 hours 30 minutes`` (elapsed time, unaffected by clock changes)."""
    minutes = round((end - start).total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}" + (f" {rest} minutes" if rest else "")
    return f"minus {text}" if minutes < 0 else text


def _line_breaks(value: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in str(value).split("\n"))


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # on first render: the window and most commands never print

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource("paperwork"))),
        autoescape=True,  # every template, whatever its file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = written_date_time
    env.filters["short"] = short_date_time
    env.filters["day"] = written_date
    env.filters["lines"] = _line_breaks
    env.filters["duration_since"] = duration_since
    return env


def _render(
    template: str,
    title: str,
    reference: str,
    images: Mapping[str, str],
    part: str,
    head: ChainHead | None,
    **context: Any,
) -> RenderedDocument:
    module = _environment().get_template(template).make_module(context)
    footer = getattr(module, "footer", "")
    return RenderedDocument(
        title=title,
        reference=reference,
        html=str(module),
        footer=escape(footer).striptags(),  # the set block is already Markup
        images=dict(images),
        part=part,
        audit_head=audit_head_line(head),
    )


# Other features' paperwork (the footage continuity log) renders through the same loader.
render_template = _render


def render_direction(
    paper: DirectionPaper,
    part: DirectionPart,
    *,
    force_name: str = DEFAULT_FORCE_NAME,
    printed_at: datetime | None = None,
) -> RenderedDocument:
    """The s.35 notice to the person, the s.38 record copy or the s.37 surrender receipt."""
    if part not in DIRECTION_PARTS:
        raise ValueError(f"unknown part {part!r}; choose from {', '.join(DIRECTION_PARTS)}")
    titles = {
        "notice": "Direction to leave an area (s.35): notice to the person",
        "record": "Direction to leave an area (s.35): record copy",
        "receipt": "Receipt for surrendered items (s.37)",
    }
    images = {}
    height = SHEET_PLAN_HEIGHT if part == "notice" else PLAN_HEIGHT
    if part != "receipt":
        images["exclusion"] = plan_svg(paper.exclusion_polygon, caption="Area you must leave", height=height)
    return _render(
        f"s35_{part}.html.j2",
        titles[part],
        paper.reference,
        images,
        part,
        paper.audit_head,
        paper=_printable_value(paper, TEXT_FIELD_LIMIT),
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
        plan={"src": "plan:exclusion", "width": PLAN_WIDTH, "height": height},
    )


def render_direction_set(
    paper: DirectionPaper,
    parts: Sequence[DirectionPart] = DIRECTION_PARTS,
    *,
    force_name: str = DEFAULT_FORCE_NAME,
    printed_at: datetime | None = None,
) -> list[RenderedDocument]:
    """Several parts of one direction; the receipt only when items were surrendered."""
    wanted = [p for p in parts if p != "receipt" or paper.surrendered_items]
    return [render_direction(paper, p, force_name=force_name, printed_at=printed_at) for p in wanted]


def render_authorisation(
    paper: AuthorisationPaper,
    *,
    force_name: str = DEFAULT_FORCE_NAME,
    printed_at: datetime | None = None,
) -> RenderedDocument:
    """The s.34 authorisation, with the locality plan, for the authorising officer to sign."""
    images = {"locality": plan_svg(paper.polygon, caption="Locality authorised", height=SHEET_PLAN_HEIGHT)}
    return _render(
        "s34_authorisation.html.j2",
        "Authorisation of dispersal powers (s.34)",
        paper.log_number,
        images,
        "authorisation",
        paper.audit_head,
        paper=_printable_value(paper, TEXT_FIELD_LIMIT),
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
        plan={"src": "plan:locality", "width": PLAN_WIDTH, "height": SHEET_PLAN_HEIGHT},
    )
