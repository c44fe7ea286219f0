"""The dispersal rules at every boundary the Act draws: 48 hours, ages 10 and 16, the locality."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.dispersal.rules import (
    EDGE_TOLERANCE,
    AuthorisationTerms,
    DirectionTerms,
    ZoneTerms,
    check_apparent_age,
    check_authorisation,
    check_direction,
    check_variation,
    elapsed,
    parse_officer,
    point_in_polygon,
    polygon_within,
)
from controlroom.paperwork.data import Officer

# Bedford Place / London Road, roughly (a rectangle and an L-shaped concave zone).
BOX = ((50.9100, -1.4100), (50.9100, -1.4030), (50.9170, -1.4030), (50.9170, -1.4100))
ELL = ((50.0, 0.0), (50.0, 2.0), (51.0, 2.0), (51.0, 1.0), (52.0, 1.0), (52.0, 0.0))
START = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
INSPECTOR = Officer("Inspector", "1234", "Jane Smith")

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=1, max_value=48 * 60)


def _authorisation(starts_at: datetime, ends_at: datetime, **changes: object) -> AuthorisationTerms:
    terms = AuthorisationTerms(
        name="Bedford Place",
        log_number="LOG-0427",
        officer=INSPECTOR,
        polygon=BOX,
        area_in_words="Bedford Place and London Road",
        starts_at=starts_at,
        ends_at=ends_at,
        grounds="Repeated harassment of women leaving venues",
        rights_consideration="No protest or assembly expected; Art. 10/11 considered",
    )
    return replace(terms, **changes)  # type: ignore[arg-type]


def _zone(starts_at: datetime = START, hours: float = 48) -> ZoneTerms:
    return ZoneTerms("Bedford Place", BOX, starts_at, starts_at + timedelta(hours=hours))


def _direction(given_at: datetime, **changes: object) -> DirectionTerms:
    terms = DirectionTerms(
        given_at=given_at,
        at=(50.9120, -1.4089),
        apparent_age=30,
        grounds="Following lone women between venues",
        exclusion_polygon=BOX,
        exclusion_in_words="Bedford Place and London Road",
        exclusion_ends_at=given_at + timedelta(hours=24),
    )
    return replace(terms, **changes)  # type: ignore[arg-type]


# -- 48 hours ------------------------------------------------------------------------


@given(start=instants, length=minutes)
def test_an_authorisation_of_up_to_48_hours_is_accepted(start: datetime, length: int) -> None:
    check_authorisation(_authorisation(start, start + timedelta(minutes=length)))


@given(start=instants, extra=st.integers(min_value=1, max_value=7 * 24 * 60))
def test_an_authorisation_over_48_hours_is_refused_citing_s34(start: datetime, extra: int) -> None:
    with pytest.raises(ValidationError, match=r"s\.34\(1\) allows no more than 48 hours"):
        check_authorisation(_authorisation(start, start + timedelta(hours=48, minutes=extra)))


def test_exactly_48_hours_is_allowed_and_one_minute_more_is_not() -> None:
    check_authorisation(_authorisation(START, START + timedelta(hours=48)))
    with pytest.raises(ValidationError, match="48 h 01 min"):
        check_authorisation(_authorisation(START, START + timedelta(hours=48, minutes=1)))


def test_48_hours_across_the_clock_change_means_elapsed_hours() -> None:
    # 22:00 BST on Saturday 24 October 2026; clocks go back at 02:00 BST on the 25th.
    start = datetime(2026, 10, 24, 22, 0, tzinfo=LOCAL_TZ)
    wall_clock_end = datetime(2026, 10, 26, 22, 0, tzinfo=LOCAL_TZ)  # 49 real hours later
    assert elapsed(start, wall_clock_end) == timedelta(hours=49)
    with pytest.raises(ValidationError, match="49 h"):
        check_authorisation(_authorisation(start, wall_clock_end))
    real_end = datetime(2026, 10, 26, 21, 0, tzinfo=LOCAL_TZ)  # 48 real hours: 21:00 GMT
    check_authorisation(_authorisation(start, real_end))
    zone = ZoneTerms("Bedford Place", BOX, start, real_end)
    check_direction(_direction(start, exclusion_ends_at=real_end), zone)
    with pytest.raises(ValidationError, match=r"s\.35\(4\)"):
        check_direction(_direction(start, exclusion_ends_at=wall_clock_end), zone)


# Local (Europe/London) times in the days around both clock changes of 2026.
around_clock_changes = st.one_of(
    st.datetimes(min_value=datetime(2026, 3, 26), max_value=datetime(2026, 3, 30)),
    st.datetimes(min_value=datetime(2026, 10, 22), max_value=datetime(2026, 10, 26)),
).map(lambda naive: naive.replace(tzinfo=LOCAL_TZ))


@given(start=around_clock_changes)
def test_48_elapsed_hours_from_a_local_time_near_a_clock_change(start: datetime) -> None:
    real_end = (start.astimezone(UTC) + timedelta(hours=48)).astimezone(LOCAL_TZ)
    check_authorisation(_authorisation(start, real_end))
    zone = ZoneTerms("Bedford Place", BOX, start, real_end)
    check_direction(_direction(start, exclusion_ends_at=real_end), zone)
    # Added in UTC: wall-clock arithmetic on a local time in the repeated hour drops ``fold``
    # and lands an hour early.
    one_more = (real_end.astimezone(UTC) + timedelta(minutes=1)).astimezone(LOCAL_TZ)
    with pytest.raises(ValidationError, match=r"s\.34\(1\)"):
        check_authorisation(_authorisation(start, one_more))
    with pytest.raises(ValidationError, match=r"s\.35\(4\)"):
        check_direction(_direction(start, exclusion_ends_at=one_more), zone)


@given(offset=st.integers(min_value=0, max_value=48 * 60 - 1), length=minutes)
def test_an_exclusion_of_up_to_48_hours_is_accepted(offset: int, length: int) -> None:
    given_at = START + timedelta(minutes=offset)
    check_direction(_direction(given_at, exclusion_ends_at=given_at + timedelta(minutes=length)), _zone())


@given(offset=st.integers(min_value=0, max_value=48 * 60 - 1), extra=st.integers(1, 24 * 60))
def test_an_exclusion_over_48_hours_is_refused_citing_s35_4(offset: int, extra: int) -> None:
    given_at = START + timedelta(minutes=offset)
    ends = given_at + timedelta(hours=48, minutes=extra)
    with pytest.raises(ValidationError, match=r"s\.35\(4\) allows no more than 48 hours"):
        check_direction(_direction(given_at, exclusion_ends_at=ends), _zone())


def test_the_exclusion_may_run_past_the_end_of_the_authorisation() -> None:
    given_at = START + timedelta(hours=47)
    check_direction(_direction(given_at, exclusion_ends_at=given_at + timedelta(hours=48)), _zone())


@given(first=instants, length=minutes)
def test_a_variation_never_extends_past_48_hours_from_first_given(first: datetime, length: int) -> None:
    check_variation(first, first + timedelta(minutes=length))
    with pytest.raises(ValidationError, match=r"s\.35\(8\)"):
        check_variation(first, first + timedelta(hours=48, minutes=length))


# -- the authorisation window ----------------------------------------------------------


@given(before=st.integers(min_value=1, max_value=10_000))
def test_no_direction_before_the_authorisation_starts(before: int) -> None:
    with pytest.raises(ValidationError, match=r"not in force .*s\.35\(1\)"):
        check_direction(_direction(START - timedelta(minutes=before)), _zone())


@given(after=st.integers(min_value=0, max_value=10_000))
def test_no_direction_from_the_moment_the_authorisation_ends(after: int) -> None:
    zone = _zone(hours=12)
    with pytest.raises(ValidationError, match=r"not in force"):
        check_direction(_direction(zone.ends_at + timedelta(minutes=after)), zone)


def test_no_direction_after_the_authorisation_is_withdrawn() -> None:
    zone = replace(_zone(), withdrawn_at=START + timedelta(hours=2))
    check_direction(_direction(START + timedelta(hours=1)), zone)
    with pytest.raises(ValidationError, match="has been withdrawn"):
        check_direction(_direction(START + timedelta(hours=3)), zone)


# -- ages 10 and 16 --------------------------------------------------------------------


@given(age=st.integers(min_value=0, max_value=9))
def test_a_person_appearing_under_10_is_refused_citing_s36(age: int) -> None:
    with pytest.raises(ValidationError, match=r"under 10 .*s\.36\(1\)"):
        check_direction(_direction(START, apparent_age=age), _zone())


@given(age=st.integers(min_value=10, max_value=15))
def test_10_to_15_is_allowed_with_a_take_home_task(age: int) -> None:
    assert check_direction(_direction(START, apparent_age=age), _zone()).take_home


@given(age=st.integers(min_value=16, max_value=110))
def test_16_and_over_needs_no_take_home_task(age: int) -> None:
    assert not check_direction(_direction(START, apparent_age=age), _zone()).take_home


def test_the_age_boundaries_exactly() -> None:
    with pytest.raises(ValidationError):
        check_apparent_age(9)
    assert check_apparent_age(10) is True
    assert check_apparent_age(15) is True
    assert check_apparent_age(16) is False


# -- inside and outside the locality ---------------------------------------------------


@given(edge=st.integers(min_value=0, max_value=5), t=st.floats(min_value=0, max_value=1))
def test_a_point_on_the_boundary_counts_as_inside(edge: int, t: float) -> None:
    (y1, x1), (y2, x2) = ELL[edge], ELL[(edge + 1) % len(ELL)]
    assert point_in_polygon((y1 + t * (y2 - y1), x1 + t * (x2 - x1)), ELL)


@given(
    lat=st.floats(min_value=49.5, max_value=52.5),
    lon=st.floats(min_value=-0.5, max_value=2.5),
)
def test_point_in_the_l_shape_matches_its_two_rectangles(lat: float, lon: float) -> None:
    def in_ell(margin: float) -> bool:
        lower = 50.0 - margin <= lat <= 51.0 + margin and -margin <= lon <= 2.0 + margin
        upper = 51.0 - margin <= lat <= 52.0 + margin and -margin <= lon <= 1.0 + margin
        return lower or upper

    inside = point_in_polygon((lat, lon), ELL)
    if in_ell(0.0):
        assert inside
    elif not in_ell(EDGE_TOLERANCE):  # within a centimetre of the line counts as on it
        assert not inside


def test_a_direction_outside_the_locality_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"outside the locality .*s\.35\(1\)"):
        check_direction(_direction(START, at=(50.9060, -1.4044)), _zone())
    check_direction(_direction(START, at=BOX[1]), _zone())  # on the corner: inside


def test_the_exclusion_area_must_be_the_zone_or_part_of_it() -> None:
    part = ((50.9100, -1.4100), (50.9100, -1.4060), (50.9130, -1.4060), (50.9130, -1.4100))
    check_direction(_direction(START, exclusion_polygon=part), _zone())
    spills = ((50.9100, -1.4100), (50.9100, -1.4000), (50.9130, -1.4000))
    with pytest.raises(ValidationError, match=r"outside the authorised locality .*s\.35\(1\)\(a\)"):
        check_direction(_direction(START, exclusion_polygon=spills), _zone())


def test_an_area_crossing_the_notch_of_a_concave_zone_is_not_inside() -> None:
    across = ((50.5, 0.5), (51.5, 1.8), (51.5, 0.5))  # vertices inside, an edge cuts the notch
    assert not polygon_within(across, ELL)
    assert polygon_within(((50.2, 0.2), (51.8, 0.2), (51.8, 0.8)), ELL)
    assert polygon_within(ELL, ELL)


# -- the rest of s.34 and s.35 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"log_number": " "}, "log number"),
        ({"grounds": ""}, r"grounds .*s\.34\(2\) and s\.34\(4\)\(c\)"),
        ({"rights_consideration": ""}, r"Art\. 10/11 .*s\.34\(3\)"),
        ({"officer": Officer("Sergeant", "55", "Al Jones")}, r"at least the rank of inspector"),
        ({"polygon": ((50.91, -1.41), (50.912, -1.41))}, "at least three distinct points"),
    ],
)
def test_an_incomplete_authorisation_names_what_is_missing(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_authorisation(_authorisation(START, START + timedelta(hours=8), **change))


def test_missing_items_are_all_named_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        check_authorisation(_authorisation(START, START + timedelta(hours=8), grounds="", log_number=""))
    assert "log number" in str(caught.value) and "grounds" in str(caught.value)


def test_written_notice_and_offence_warning_need_a_reason_when_not_given() -> None:
    with pytest.raises(ValidationError, match=r"s\.35\(5\)\(a\)"):
        check_direction(_direction(START, written_notice_given=False), _zone())
    check_direction(
        _direction(START, written_notice_given=False, no_written_notice_reason="Raining, no pad"), _zone()
    )
    with pytest.raises(ValidationError, match=r"s\.35\(6\)"):
        check_direction(_direction(START, offence_warning_given=False), _zone())


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        check_direction(_direction(datetime(2026, 11, 27, 23, 0)), _zone())


@pytest.mark.parametrize(
    ("text", "rank", "number", "name"),
    [
        ("Insp 1234 Jane Smith", "Inspector", "1234", "Jane Smith"),
        ("Ch Insp 77 Sam Patel", "Chief Inspector", "77", "Sam Patel"),
        ("supt. 9 R. Okafor", "Superintendent", "9", "R Okafor"),
        ("PC 4567 Tom Reed", "Constable", "4567", "Tom Reed"),
        ("PCSO 8123 Amy Lee", "PCSO", "8123", "Amy Lee"),
    ],
)
def test_officers_are_parsed_from_what_people_write(text: str, rank: str, number: str, name: str) -> None:
    assert parse_officer(text) == Officer(rank, number, name)


@pytest.mark.parametrize("text", ["", "Jane Smith", "Insp Jane Smith", "Insp 1234"])
def test_an_officer_without_rank_number_and_name_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_officer(text)
