"""Ordnance Survey National Grid references (pyproj, offline) and the s.37 keep-until day."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import LOCAL_TZ
from controlroom.paperwork.data import last_day_kept
from controlroom.paperwork.grid import (
    GRID_EAST_LIMIT,
    GRID_NORTH_LIMIT,
    easting_northing,
    format_grid_reference,
    grid_letters,
    grid_reference,
)


@pytest.mark.parametrize(
    ("lat", "lon", "six_figure"),
    [
        (50.9027, -1.4043, "SU 419 116"),  # the Bargate, Southampton (published as SU 419 116)
        (51.50073, -0.12463, "TQ 302 796"),  # Elizabeth Tower, Westminster (TQ 302 796)
        (55.94861, -3.19972, "NT 251 734"),  # Edinburgh Castle (NT 251 734)
    ],
)
def test_known_places_get_their_published_grid_reference(lat: float, lon: float, six_figure: str) -> None:
    reference = grid_reference(lat, lon)
    assert re.fullmatch(r"[A-HJ-Z]{2} \d{5} \d{5}", reference), reference
    letters, east, north = reference.split()
    assert f"{letters} {east[:3]} {north[:3]}" == six_figure


def test_it_works_offline_and_off_the_grid_prints_nothing() -> None:
    from pyproj.network import is_network_enabled  # type: ignore[attr-defined]

    assert grid_reference(50.9120, -1.4089).startswith("SU ")
    assert not is_network_enabled()  # no grid downloads: the same answer with or without a network
    assert grid_reference(0.0, 0.0) == ""  # Gulf of Guinea
    assert grid_reference(float("nan"), -1.4) == "" and grid_reference(95.0, 0.0) == ""


@pytest.mark.parametrize(
    ("easting", "northing", "letters"),
    [
        (0, 0, "SV"),
        (450_000, 150_000, "SU"),
        (550_000, 150_000, "TQ"),
        (250_000, 650_000, "NS"),
        (450_000, 1_150_000, "HU"),
        (699_999, 1_299_999, "JM"),
        (399_999, 99_999, "SY"),
        (400_000, 100_000, "SU"),
    ],
)
def test_hundred_kilometre_squares(easting: int, northing: int, letters: str) -> None:
    assert grid_letters(easting, northing) == letters


def test_every_square_has_its_own_letters_and_never_an_i() -> None:
    squares = {
        grid_letters(e * 100_000, n * 100_000)
        for e in range(int(GRID_EAST_LIMIT // 100_000))
        for n in range(int(GRID_NORTH_LIMIT // 100_000))
    }
    assert len(squares) == 7 * 13 and not any("I" in s for s in squares)


@given(
    st.floats(min_value=0, max_value=GRID_EAST_LIMIT - 0.001),
    st.floats(min_value=0, max_value=GRID_NORTH_LIMIT - 0.001),
)
def test_the_digits_are_the_metres_inside_the_square(easting: float, northing: float) -> None:
    letters, east, north = format_grid_reference(easting, northing).split()
    assert letters == grid_letters(easting, northing)
    assert int(east) == int(easting) % 100_000 and int(north) == int(northing) % 100_000


@given(
    st.floats(min_value=-1e7, max_value=0, exclude_max=True)
    | st.floats(min_value=GRID_EAST_LIMIT, max_value=1e7)
)
def test_off_the_grid_eastings_print_nothing(easting: float) -> None:
    assert format_grid_reference(easting, 100_000) == ""


@given(st.floats(min_value=50.0, max_value=58.0), st.floats(min_value=-5.5, max_value=1.5))
def test_a_metre_on_the_ground_is_a_metre_on_the_grid(lat: float, lon: float) -> None:
    e1, n1 = easting_northing(lat, lon)
    e2, n2 = easting_northing(lat + 1 / 111_250, lon)  # about one metre north
    # Scale factor 0.9996 on the central meridian, about 1.0007 at the edges; grid north turns
    # away from true north by up to a few degrees, so the step is measured, not its direction.
    assert math.hypot(e2 - e1, n2 - n1) == pytest.approx(1.0, abs=0.005)
    assert n2 > n1


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)))
def test_items_are_kept_28_days_beginning_with_the_uk_day_given(moment: datetime) -> None:
    day = moment.astimezone(LOCAL_TZ).date()
    assert last_day_kept(moment) - day == timedelta(days=27)  # the day given is day 1 of 28


@pytest.mark.parametrize(
    ("given_at", "last_day"),
    [
        (datetime(2026, 11, 30, 1, 10, tzinfo=UTC), date(2026, 12, 27)),  # Sunday 27 December 2026
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 28)),  # 00:30 BST on 1 July: day 1
        (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 7, 27)),  # 23:59 BST on 30 June
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2027, 1, 27)),  # GMT: UTC is UK time
    ],
)
def test_keep_until_boundaries(given_at: datetime, last_day: date) -> None:
    assert last_day_kept(given_at) == last_day
