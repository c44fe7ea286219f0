"""Paperwork HTML and plan SVG, without Qt: what a custody sergeant would look for, and escaping."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.cli.paperwork import specimen_direction
from controlroom.paperwork.data import DirectionPaper, Officer
from controlroom.paperwork.plan import plan_svg
from controlroom.paperwork.printable import PLAN_HEIGHT, PLAN_WIDTH, TEXT_FIELD_LIMIT, printable
from controlroom.paperwork.render import (
    render_authorisation,
    render_direction,
    render_direction_set,
    written_date_time,
)
from controlroom.paperwork.specimen import specimen_directions, specimen_zone

PRINTED = datetime(2026, 11, 28, 1, 15, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


class _Tags(HTMLParser):
    """The sequence of tags in a document and its text, as a browser-ish parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", " ".join(parsed(html).text).replace("\u200b", ""))


def test_notice_tells_the_person_everything_the_act_requires() -> None:
    paper = specimen_direction()
    notice = render_direction(paper, "notice", printed_at=PRINTED)
    text = text_of(notice.html)
    assert "Direction to leave an area" in text
    assert "SPECIMEN-S35-0001" in text and "SPECIMEN-S35-0001" in notice.footer
    assert "leave the area described below and shown on the plan" in text  # s.35(1), (5)(b)
    assert paper.exclusion_in_words in text
    assert "not to return to it before 01:10 on Sunday 29 November 2026 (GMT)" in text
    assert "01:25 on Saturday 28 November 2026 (GMT)" in text  # leave-by, s.35(5)(c)
    assert "South along London Road to Above Bar Street" in text  # route, s.35(5)(c)
    assert "without reasonable excuse" in text and "section 39" in text  # s.35(6)
    assert "3 months" in text and "level 4" in text and "level 2" in text
    assert "Bottle of vodka (open)" in text and "Specimen Central Police Station" in text  # s.37
    assert "from 01:10 on Sunday 29 November 2026 (GMT)" in text
    assert "where you live" in text and "medical treatment" in text  # s.36(2), (3)
    assert "PC 0001 B. Specimen" in text and "SPECIMEN-LOG-0001" in text
    assert '<img src="plan:exclusion"' in notice.html and set(notice.images) == {"exclusion"}


def test_notice_without_leave_by_route_or_items_says_so() -> None:
    paper = dataclasses.replace(specimen_direction(), leave_by=None, route=None, surrendered_items=())
    text = text_of(render_direction(paper, "notice").html)
    assert "Now: no later time was set" in text
    assert "No route was set" in text
    assert "surrendered" not in text
    assert [d.title for d in render_direction_set(paper)] == [
        "Direction to leave an area (s.35): notice to the person",
        "Direction to leave an area (s.35): record copy",
    ]


def test_notice_reprinted_after_a_variation_or_withdrawal_says_so() -> None:
    varied = specimen_direction()
    text = text_of(render_direction(varied, "notice").html)
    assert "Varied (section 35(8)): the terms below are the current ones." in text
    assert "Varied at 28/11/2026 02:05 GMT by Sergeant 0003 D. Specimen: exclusion ends now" in text
    old_style = dataclasses.replace(
        varied, changes=(), variations=("Exclusion area reduced to Bedford Place",)
    )
    assert "Exclusion area reduced to Bedford Place" in text_of(render_direction(old_style, "notice").html)
    withdrawn = dataclasses.replace(varied, withdrawn_at=datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    text = text_of(render_direction(withdrawn, "notice").html)
    assert "withdrawn at 03:00 on Saturday 28 November 2026 (GMT) and no longer applies" in text


def test_record_copy_holds_the_s38_record() -> None:
    paper = dataclasses.replace(
        specimen_direction(),
        written_notice_given=False,
        no_written_notice_reason="Person ran off before it could be handed over",
        changes=(),
        variations=("Exclusion end brought forward to 20:00 by PC 0002",),
        withdrawn_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
    )
    text = text_of(render_direction(paper, "record").html)
    for expected in (
        paper.person_description,
        "C. Specimen",
        "15 (under 16: may be removed to home or a place of safety, s.35(7))",
        paper.behaviour,
        paper.grounds,
        "01:10 on Saturday 28 November 2026 (GMT)",  # given at
        "01:10 on Sunday 29 November 2026 (GMT)",  # exclusion ends
        "Offence warning given (s.35(6)) Yes",
        "Not given, not reasonably practicable: Person ran off before it could be handed over",
        "Exclusion end brought forward to 20:00 by PC 0002",
        "Withdrawn at 13:00 on Wednesday 1 July 2026 (BST)",
        "Bottle of vodka (open)",
        "Signature of officer making this record",
    ):
        assert expected in text, expected


def test_record_copy_prints_every_stored_answer_of_the_specimens() -> None:
    given, withdrawn = specimen_directions()
    text = text_of(render_direction(given, "record").html)
    for expected in (
        "Given while direction SPECIMEN-S35-0000 to this person was still running.",
        "Supervisor: Sergeant 0003 D. Specimen. Reason: Specimen: the earlier direction named London Road",
        "Capacity (s.35(1), s.40) Constable",
        "In uniform (s.35(1)) Yes",
        f"Place given 50.91200, -1.40890 · OS grid {given.grid_reference}",
        "Grounds for suspicion (s.35(2)) Specimen: likely to contribute",
        "Why necessary (s.35(3)) Specimen: two requests to move on were ignored",
        "Access kept (s.36(2)-(3)) Confirmed: the direction does not stop access to home",
        "Picket or procession (s.36(4)) Confirmed: not one of a group peacefully picketing",
        "Offence warning given (s.35(6)) Yes",
        "Written notice given (s.35(5)(a)) Yes",
        "Constable's belief (s.37) Specimen: the bottle was waved at women",
        "Surrender direction in writing Yes",
        "Refused to surrender Laser pointer. Refusing to surrender is an offence (s.39(3)).",
        "Not before 01:10 on Sunday 29 November 2026 (GMT)",
        "Kept until the end of Friday 25 December 2026 (28 days beginning with the day given, s.37)",
        "Returned to Only a parent or other responsible adult",
        "Variation 28/11/2026 02:05 GMT Sergeant 0003 D. Specimen recorded by specimen-operator",
        "Now: exclusion ends now 29/11/2026 01:10 GMT Given at 28/11/2026 02:10 GMT",
        "Taken to Home (address on the take-home task)",
        "Who was told His mother, in person, at 02:40 on Saturday 28 November 2026 (GMT)",
        "Safeguarding referral Specimen: safeguarding referral SPEC-REF-0001",
        "Outcome recorded by specimen-operator at 03:00 on Saturday 28 November 2026 (GMT)",
        "Recorded by specimen-operator",
        "Recorded at 01:20 on Saturday 28 November 2026 (GMT)",
    ):
        assert expected in text, expected
    text = text_of(render_direction(withdrawn, "record").html)
    for expected in (
        "Withdrawn at 04:00 on Saturday 28 November 2026 (GMT).",
        "Capacity (s.35(1), s.40) PCSO (designated, ref SPECIMEN-DES-0005)",
        "Area excluded from The area shaded on the plan",
        "No words were given for the area: the area is the area shaded on this plan, which defines it.",
        "Offence warning given (s.35(6)) Not given: Specimen: she walked off",
        "Written notice given (s.35(5)(a)) Not given, not reasonably practicable: Specimen: no forms left",
        "Surrender direction in writing No: Specimen: told verbally",
        "Not before 04:00 on Saturday 28 November 2026 (GMT)",
        "Withdrawal 28/11/2026 04:00 GMT PC 0001 B. Specimen",
        "Not given: Specimen: she had left the area and could not be found",
    ):
        assert expected in text, expected
    assert "Taken home" not in text and "Where the words and the plan differ" not in text


def test_who_gave_it_is_printed_as_recorded_never_police_officer_for_everyone() -> None:
    given, by_pcso = specimen_directions()
    assert (
        "Given 01:10 on Saturday 28 November 2026 (GMT) by Constable: PC 0001 B. Specimen; in uniform: yes"
        in (text_of(render_direction(given, "notice").html))
    )
    pcso = text_of(render_direction(by_pcso, "notice").html)
    assert "PCSO (designated, ref SPECIMEN-DES-0005): PCSO 0005 F. Specimen; in uniform: yes" in pcso
    special = dataclasses.replace(given, officer_capacity="special constable")
    assert "Special constable: PC 0001 B. Specimen" in text_of(render_direction(special, "receipt").html)
    for paper in (given, by_pcso):
        for part in ("notice", "record", "receipt"):
            text = text_of(render_direction(paper, part).html)
            assert "police officer" not in text.lower(), part
    assert "Any constable may vary or withdraw this direction (section 35(8))" in pcso
    assert "in writing where practicable (section 35(9))" in pcso


def test_items_follow_s37_on_notice_and_receipt() -> None:
    child, adult = specimen_directions()
    notice = text_of(render_direction(child, "notice").html)
    assert "from 01:10 on Sunday 29 November 2026 (GMT) (when your exclusion ends)" in notice
    assert "will be returned only to your parent or another responsible adult" in notice
    assert "not asked for by the end of Friday 25 December 2026 (28 days beginning with the day" in notice
    assert "You refused to surrender: Laser pointer." in notice and "section 39(3)" in notice
    receipt = text_of(render_direction(child, "receipt").html)
    assert "1 Bottle of vodka (open)" in receipt and "Laser pointer" not in receipt
    assert "Ask for them by the end of Friday 25 December 2026" in receipt
    assert (
        "Returned to Only a parent or other responsible adult (the person appears to be under 16)" in receipt
    )
    adult_notice = text_of(render_direction(adult, "notice").html)
    assert "from 04:00 on Saturday 28 November 2026 (GMT) (when the direction was withdrawn)" in adult_notice
    assert "parent" not in adult_notice and "refused" not in adult_notice
    adult_receipt = text_of(render_direction(adult, "receipt").html)
    assert (
        "withdrawn at 04:00 on Saturday 28 November 2026 (GMT), so the items can be collected"
        in adult_receipt
    )


def test_the_plan_caption_says_which_prevails_and_no_words_means_the_plan() -> None:
    with_words, without = specimen_directions()
    for part in ("notice", "record"):
        text = text_of(render_direction(with_words, part).html)
        assert (
            "Where the words and the plan differ, the words prevail; the plan is for identification" in text
        )
        text = text_of(render_direction(without, part).html)
        assert "The area shaded on the plan" in text and "which defines it" in text
        assert "words prevail" not in text and "Bedford Place," not in text  # no default sentence
    zone = dataclasses.replace(specimen_zone(), area_in_words="  ")
    form = text_of(render_authorisation(zone).html)
    assert "Locality in words The area shaded on the plan" in form and "which defines it" in form


def test_receipt_lists_items_and_where_to_collect_them() -> None:
    paper = dataclasses.replace(specimen_direction(), surrendered_items=("Glass bottle", "Can of lager"))
    receipt = render_direction(paper, "receipt")
    text = text_of(receipt.html)
    assert "Receipt for surrendered items" in text and "Section 37" in text
    assert "1 Glass bottle" in text and "2 Can of lager" in text
    assert "Collect from Specimen Central Police Station" in text
    assert "Not before 01:10 on Sunday 29 November 2026 (GMT)" in text
    assert "Signature of person surrendering the items" in text and receipt.images == {}


def test_authorisation_form_has_what_s34_requires() -> None:
    zone = specimen_zone()
    form = render_authorisation(zone)
    text = text_of(form.html)
    for expected in (
        "Authorisation to use dispersal powers",
        "Rank Inspector",
        "Number 0000",
        "Name A. Specimen",
        zone.area_in_words,
        "From 20:00 on Friday 27 November 2026 (GMT)",
        "Until 20:00 on Sunday 29 November 2026 (GMT)",
        "48 hours (no more than 48 hours, s.34(1))",
        "Signed at (s.34(4)) 19:40 on Friday 27 November 2026 (GMT)",
        "Withdrawn at 03:00 on Sunday 29 November 2026 (GMT) because Specimen: the venues closed early",
        "the use in this locality during this period of the powers given by section 35 may be necessary",
        zone.grounds,
        "Rights of freedom of expression and assembly (s.34(3))",
        "Articles 10 and 11",
        zone.rights_consideration,
        "SPECIMEN-LOG-0001",
        "Signature of authorising officer (Inspector 0000 A. Specimen); in force only from signing",
        "Where the words and the plan differ, the words prevail",
    ):
        assert expected in text, expected
    assert "sections 35 to 37" not in text
    assert "SPECIMEN-LOG-0001" in form.footer and '<img src="plan:locality"' in form.html
    unsigned = text_of(
        render_authorisation(dataclasses.replace(zone, signed_at=None, withdrawn_at=None)).html
    )
    assert "Signed at (s.34(4)) Not recorded" in unsigned and "Withdrawn" not in unsigned


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "01:30 on Sunday 25 October 2026 (BST)"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "01:30 on Sunday 25 October 2026 (GMT)"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "02:00 on Sunday 29 March 2026 (BST)"),
        (datetime(2026, 12, 31, 23, 59), "23:59 on Thursday 31 December 2026 (GMT)"),  # naive = UTC
    ],
)
def test_times_are_written_in_london_time_with_the_zone(moment: datetime, written: str) -> None:
    # Around the October change 01:30 happens twice: the zone name says which one.
    assert written_date_time(moment) == written


PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</table></td></tr><h1>Forged</h1>",
    "\u202egnp.exe Innocent",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    '"><script>alert("x")</script>',
    "A" * 100_000,
]


def _poisoned(payload: str) -> DirectionPaper:
    paper = specimen_direction()
    zone = dataclasses.replace(
        paper.zone,
        name=payload,
        area_in_words=payload,
        grounds=payload,
        log_number=payload,
        withdrawn_reason=payload,
    )
    change = dataclasses.replace(
        paper.changes[0], officer=payload, reason=payload, terms=payload, recorded_by=payload
    )
    assert paper.take_home is not None
    take_home = dataclasses.replace(
        paper.take_home,
        taken_to=payload,
        taken_by=payload,
        told=payload,
        referral=payload,
        recorded_by=payload,
    )
    return dataclasses.replace(
        paper,
        zone=zone,
        officer=Officer(payload, payload, payload),
        person_description=payload,
        person_name=payload,
        behaviour=payload,
        grounds=payload,
        necessity=payload,
        exclusion_in_words=payload,
        route=payload,
        no_written_notice_reason=payload,
        written_notice_given=False,
        surrendered_items=(payload, "Can of lager"),
        refused_items=(payload,),
        collection_station=payload,
        surrender_belief=payload,
        variations=(payload,),
        changes=(change,),
        take_home=take_home,
        place_given=payload,
        grid_reference=payload,
        running_direction=payload,
        supervisor=payload,
        supervisor_reason=payload,
        recorded_by=payload,
    )


@pytest.mark.parametrize("payload", PAYLOADS, ids=["img", "table", "rtl", "jinja", "script", "100k"])
def test_typed_values_never_become_markup(payload: str) -> None:
    clean = specimen_direction()
    poisoned = _poisoned(payload)
    for part in ("notice", "record", "receipt"):
        same_shape = dataclasses.replace(
            clean, variations=("x",), written_notice_given=False, surrendered_items=("x", "y"), route="x"
        )
        base = render_direction(same_shape, part)
        html = render_direction(poisoned, part).html
        assert parsed(html).tags == parsed(base.html).tags, part  # same structure: nothing injected
        assert "<img src=x" not in html and "<script" not in html and "<h1>Forged" not in html
        assert "\u202e" not in html
        assert len(html) < len(base.html) + 40 * TEXT_FIELD_LIMIT  # long values are cut, not printed whole
    form = render_authorisation(poisoned.zone).html
    assert parsed(form).tags == parsed(render_authorisation(clean.zone).html).tags
    assert "<img src=x" not in form and "\u202e" not in form


def test_control_characters_are_shown_and_long_values_cut_and_breakable() -> None:
    assert printable("\u202eabc") == "[U+202E]abc"
    assert printable("a\x00b\x1bc") == "a b c"
    long = printable("A" * 100_000)
    assert "97,000 more characters are in the electronic record" not in long
    assert "98,000 more characters are in the electronic record" in long
    assert max(len(word) for run in long.split("\u200b") for word in run.split()) <= 40


@given(st.text(max_size=5000))
def test_printable_never_keeps_bidi_overrides_or_grows_unbounded(text: str) -> None:
    out = printable(text, 300)
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", out)
    assert len(out.replace("\u200b", "")) <= 300 * 9 + 80  # each kept character shows as at most [U+XXXX]


def _xml(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - parsing our own output, to prove it is well-formed


def _points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def _svg_paths(svg: str) -> list[list[tuple[float, float]]]:
    return [_points(element.get("d", "")) for element in _xml(svg).iter(f"{SVG}path")]


def test_plan_shows_streets_names_area_scale_bar_and_north_arrow() -> None:
    svg = plan_svg(specimen_direction().exclusion_polygon, caption="Area you must leave")
    root = _xml(svg)  # well-formed XML
    assert root.get("width") == str(PLAN_WIDTH) and root.get("height") == str(PLAN_HEIGHT)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"London Road", "Bedford Place", "Cumberland Place"} <= set(texts)
    assert "N" in texts  # north arrow
    assert any(t and t.endswith(" m") for t in texts)  # scale bar
    assert "Area you must leave" in texts  # legend
    assert 'fill="#e0301e"' in svg and 'stroke="#b00000"' in svg  # the shaded, outlined area
    for path in _svg_paths(svg):  # everything is clipped to the plan
        assert all(-0.5 <= x <= PLAN_WIDTH + 0.5 and -0.5 <= y <= PLAN_HEIGHT + 0.5 for x, y in path)


def test_scale_bar_agrees_with_the_drawn_area() -> None:
    # A box 0.01° of longitude wide at 50.91° N is 702 m across (local equirectangular).
    box = ((50.912, -1.410), (50.912, -1.400), (50.908, -1.400), (50.908, -1.410))
    svg = plan_svg(box)
    root = _xml(svg)
    area = next(p for p in root.iter(f"{SVG}path") if p.get("fill") == "#e0301e")
    xs = [x for x, _ in _points(area.get("d", ""))]
    px_per_metre = (max(xs) - min(xs)) / 702.0
    black = next(r for r in root.iter(f"{SVG}rect") if r.get("height") == "6" and r.get("fill") == "#000000")
    label = next(t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith(" m"))
    metres = float(label.removesuffix(" m"))
    assert float(black.get("width", "0")) * 2 == pytest.approx(metres * px_per_metre, rel=0.02)


def test_plan_text_is_escaped_and_an_empty_area_still_draws() -> None:
    svg = plan_svg((), caption="<script>alert(1)</script>\u202e")
    root = _xml(svg)
    assert "<script>" not in svg and "\u202e" not in svg
    assert root.find(f"{SVG}title") is not None
    assert not any(p.get("fill") == "#e0301e" for p in root.iter(f"{SVG}path"))
