"""IncidentFilter: what each criterion admits, the time windows' boundaries, stored JSON."""

from __future__ import annotations

import json
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import LOCAL_TZ, Category, Source, Status
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.filters import GRADES, OPEN_STATUSES, IncidentFilter, TimeWindow

NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # GMT: local time is UTC in November


def incident(n: int = 1, **changes: object) -> IncidentSnapshot:
    base = IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:04d}",
        reported_at=NOW - timedelta(minutes=n),
        source="cctv",
        category="harassment",
        grade=2,
        status="new",
        venue_id=None,
        place="Velvet Fox, Bedford Place",
        lat=50.905,
        lon=-1.404,
        summary="Man pestering women at the bar",
        version=1,
    )
    return replace(base, **changes)


words = st.text(alphabet=string.ascii_letters + string.digits + "-'/", min_size=1, max_size=8)
free_text = st.lists(words, max_size=4).map(" ".join)
incidents = st.builds(
    incident,
    n=st.integers(1, 9999),
    reported_at=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    source=st.sampled_from(Source.choices()),
    category=st.sampled_from(Category.choices()),
    grade=st.sampled_from(GRADES),
    status=st.sampled_from(Status.choices()),
    place=free_text,
    summary=free_text,
)
filters = st.builds(
    IncidentFilter,
    statuses=st.frozensets(st.sampled_from(Status.choices())),
    grades=st.frozensets(st.sampled_from(GRADES)),
    categories=st.frozensets(st.sampled_from(Category.choices())),
    sources=st.frozensets(st.sampled_from(Source.choices())),
    area=free_text,
    window=st.sampled_from(TimeWindow.choices()),
    text=free_text,
)
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)


# -- what each criterion admits -------------------------------------------------


@given(incidents, moments)
def test_the_empty_filter_admits_every_incident(item: IncidentSnapshot, now: datetime) -> None:
    empty = IncidentFilter()
    assert empty.is_empty
    assert empty.matches(item, now)
    assert empty.describe() == "all incidents"


@given(filters, incidents, moments, st.integers(-10, 26 * 60))
def test_matching_agrees_with_the_plain_reading_of_each_criterion(
    chosen: IncidentFilter, item: IncidentSnapshot, now: datetime, minutes_ago: int
) -> None:
    item = replace(item, reported_at=now - timedelta(minutes=minutes_ago))
    since = chosen.since(now)
    haystack = f"{item.reference}\n{item.place}\n{item.summary}".lower()
    expected = (
        (not chosen.statuses or item.status in chosen.statuses)
        and (not chosen.grades or item.grade in chosen.grades)
        and (not chosen.categories or item.category in chosen.categories)
        and (not chosen.sources or item.source in chosen.sources)
        and chosen.area.lower() in item.place.lower()
        and (since is None or item.reported_at >= since)
        and all(word.lower() in haystack for word in chosen.text.split())
    )
    assert chosen.matches(item, now) == expected
    assert chosen.matcher(now)(item) == expected


@given(incidents, st.data())
def test_text_search_ignores_case(item: IncidentSnapshot, data: st.DataObject) -> None:
    item_words = (item.reference + " " + item.place + " " + item.summary).split()
    word = data.draw(st.sampled_from(item_words))
    start = data.draw(st.integers(0, len(word) - 1))
    part = word[start : data.draw(st.integers(start + 1, len(word)))]
    for variant in (part, part.upper(), part.lower(), part.swapcase()):
        assert IncidentFilter(text=variant).matches(item, NOW)


def test_case_is_ignored_beyond_ascii_too() -> None:
    item = incident(summary="Woman outside the Straße café, ÉCOLE bag")
    for text in ("STRASSE", "strasse", "CAFÉ", "école"):
        assert IncidentFilter(text=text).matches(item, NOW), text


def test_every_word_must_appear_but_in_any_field_and_order() -> None:
    item = incident(7, place="Bargate", summary="Woman alone, upset")
    assert IncidentFilter(text="upset bargate").matches(item, NOW)
    assert IncidentFilter(text="0007 ALONE").matches(item, NOW)
    assert not IncidentFilter(text="upset oxford").matches(item, NOW)
    # Words never match across two fields.
    assert not IncidentFilter(text="bargatewoman").matches(item, NOW)
    # Only reference, place and summary are searched, not e.g. the category.
    assert not IncidentFilter(text="harassment").matches(item, NOW)


def test_area_is_a_substring_of_the_place_in_any_case() -> None:
    at_venue = incident(1, place="Velvet Fox")
    in_street = incident(2, place="Oxford Street, outside no. 12")
    assert IncidentFilter(area="velvet").matches(at_venue, NOW)
    assert IncidentFilter(area="  OXFORD st ").matches(in_street, NOW)
    assert not IncidentFilter(area="oxford").matches(at_venue, NOW)


def test_grades_can_ask_for_ungraded_incidents() -> None:
    ungraded, urgent = incident(1, grade=None), incident(2, grade=1)
    only_ungraded = IncidentFilter(grades={None})
    assert only_ungraded.matches(ungraded, NOW) and not only_ungraded.matches(urgent, NOW)
    assert IncidentFilter(grades={1, 2}).matching_ids([ungraded, urgent], NOW) == {2}


def test_open_only_is_a_status_preset() -> None:
    assert {s.value for s in (Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED, Status.ON_SCENE)} == (
        OPEN_STATUSES
    )
    open_only = IncidentFilter.open_only()
    assert open_only.is_open_only
    assert open_only.matches(incident(status="on_scene"), NOW)
    assert not open_only.matches(incident(status="resolved"), NOW)
    searched = IncidentFilter(text="fox").with_open_only(True)
    assert searched.is_open_only and searched.text == "fox"
    assert searched.with_open_only(False) == IncidentFilter(text="fox")
    assert not IncidentFilter(statuses={"new"}).is_open_only


def test_unknown_values_are_refused_with_the_allowed_ones_named() -> None:
    with pytest.raises(ValueError, match=r"unknown status 'open'.*acknowledged"):
        IncidentFilter(statuses={"open"})
    with pytest.raises(ValueError, match=r"unknown grade 5.*none"):
        IncidentFilter(grades={5})
    with pytest.raises(ValueError, match=r"unknown time window '3d'.*night"):
        IncidentFilter(window="3d")


# -- time windows ------------------------------------------------------------------


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("now", "night_began"),
    [
        # Winter (GMT) and summer (BST): the night starts at 18:00 local either way.
        (local(2026, 11, 27, 18, 0), local(2026, 11, 27, 18, 0)),
        (local(2026, 11, 27, 23, 30), local(2026, 11, 27, 18, 0)),
        (local(2026, 11, 28, 5, 59), local(2026, 11, 27, 18, 0)),
        # 06:00 changes the operational night, but the next one has not begun:
        # the day shift keeps seeing the night that has just ended, not a blank list.
        (local(2026, 11, 28, 6, 0), local(2026, 11, 27, 18, 0)),
        (local(2026, 11, 28, 17, 59, 59), local(2026, 11, 27, 18, 0)),
        (local(2026, 11, 28, 18, 0), local(2026, 11, 28, 18, 0)),
        (local(2026, 7, 10, 18, 0), local(2026, 7, 10, 18, 0)),
        (local(2026, 7, 11, 2, 15), local(2026, 7, 10, 18, 0)),
    ],
)
def test_this_night_starts_at_18_local(now: datetime, night_began: datetime) -> None:
    this_night = IncidentFilter(window="night")
    assert this_night.since(now.astimezone(UTC)) == night_began
    at_start = incident(reported_at=night_began.astimezone(UTC))
    just_before = incident(reported_at=(night_began - timedelta(seconds=1)).astimezone(UTC))
    assert this_night.matches(at_start, now)
    assert not this_night.matches(just_before, now)


def test_this_night_across_the_clocks_going_back() -> None:
    # BST ends at 02:00 on 25 Oct 2026: the night of the 24th began at 18:00 BST (17:00 UTC)
    # and, after the change, ends at 06:00 GMT; the next one begins at 18:00 GMT.
    this_night = IncidentFilter(window="night")
    assert this_night.since(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)) == datetime(
        2026, 10, 24, 17, tzinfo=UTC
    )
    assert this_night.since(datetime(2026, 10, 25, 18, 0, tzinfo=UTC)) == datetime(
        2026, 10, 25, 18, tzinfo=UTC
    )


@pytest.mark.parametrize(("window", "span"), [("2h", 120), ("1h", 60), ("30m", 30)])
def test_last_minutes_include_their_first_moment(window: str, span: int) -> None:
    recent = IncidentFilter(window=window)
    boundary = NOW - timedelta(minutes=span)
    assert recent.since(NOW) == boundary
    assert recent.matches(incident(reported_at=boundary), NOW)
    assert not recent.matches(incident(reported_at=boundary - timedelta(microseconds=1)), NOW)


@given(incidents, moments)
def test_a_shorter_window_never_admits_more(item: IncidentSnapshot, now: datetime) -> None:
    admitted = [IncidentFilter(window=w).matches(item, now) for w in ("all", "2h", "1h", "30m")]
    assert admitted == sorted(admitted, reverse=True)


def test_the_window_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        IncidentFilter(window="2h").since(datetime(2026, 11, 27, 23, 30))


# -- stored between runs ---------------------------------------------------------


@given(filters)
def test_json_round_trip(chosen: IncidentFilter) -> None:
    stored = chosen.to_json()
    assert IncidentFilter.from_json(stored) == chosen
    assert json.loads(stored)["version"] == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
stored_like = st.fixed_dictionaries(
    {},
    optional={
        key: json_values | st.lists(st.sampled_from([*Status.choices(), 1, 2, None, "bogus", True, 1.0]))
        for key in ("statuses", "grades", "categories", "sources", "area", "window", "text")
    },
)


@given(st.one_of(json_values, stored_like))
def test_reading_anything_stored_never_raises(stored: object) -> None:
    IncidentFilter.from_json(json.dumps(stored))
    if isinstance(stored, dict):
        IncidentFilter.from_json(stored)


@given(st.text())
def test_reading_damaged_text_gives_the_empty_filter_or_a_valid_one(text: str) -> None:
    result = IncidentFilter.from_json(text)
    assert IncidentFilter.from_json(result.to_json()) == result


def test_values_an_older_or_newer_version_stored_are_dropped() -> None:
    stored = json.dumps(
        {
            "version": 7,
            "statuses": ["new", "escalated"],
            "grades": [1, "2", True, None, 7, 2.0],
            "categories": "harassment",
            "sources": ["cctv", ["nested"]],
            "area": 42,
            "window": "3d",
            "text": "fox",
            "colour": "red",
        }
    )
    assert IncidentFilter.from_json(stored) == IncidentFilter(
        statuses={"new"}, grades={1, None}, sources={"cctv"}, text="fox"
    )
    assert IncidentFilter.from_json("[1, 2]") == IncidentFilter()
    assert IncidentFilter.from_json("{") == IncidentFilter()
    assert IncidentFilter.from_json("[" * 100_000) == IncidentFilter()
    assert IncidentFilter.from_json(None) == IncidentFilter()


# -- for people ------------------------------------------------------------------


def test_describe_reads_like_a_status_line() -> None:
    assert (
        IncidentFilter(statuses=OPEN_STATUSES, grades={1, 2}, window="2h", text=" fox ").describe()
        == "open · G1–G2 · last 2 h · “fox”"
    )
    assert (
        IncidentFilter(
            statuses={"new", "dispatched"},
            grades={1, 3, None},
            categories={"suspected_spiking"},
            sources={"cctv", "public", "st_john"},
            area="Bargate",
            window="night",
        ).describe()
        == "new, dispatched · G1, G3, ungraded · suspected spiking · 3 sources · in “Bargate” · this night"
    )
