"""Operational night, references and the operating area: boundary rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import (
    LOCAL_TZ,
    SOUTHAMPTON_CENTRE,
    Category,
    format_reference,
    grade_label,
    operational_night,
)

moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 1, 1),
    timezones=st.just(UTC),
)


@given(moments)
def test_night_changes_at_six_local(moment: datetime) -> None:
    local = moment.astimezone(LOCAL_TZ)
    night = operational_night(moment)
    if local.hour < 6:
        assert night == local.date() - timedelta(days=1)
    else:
        assert night == local.date()


def test_small_hours_belong_to_the_previous_evening() -> None:
    # 01:30 local on Saturday 28 Nov is still Friday 27 Nov's night.
    assert operational_night(datetime(2026, 11, 28, 1, 30, tzinfo=UTC)) == date(2026, 11, 27)
    assert operational_night(datetime(2026, 11, 28, 5, 59, tzinfo=UTC)) == date(2026, 11, 27)
    assert operational_night(datetime(2026, 11, 28, 6, 0, tzinfo=UTC)) == date(2026, 11, 28)


def test_summer_time_uses_local_clock() -> None:
    # 05:30 UTC in July is 06:30 BST: already the next day's night.
    assert operational_night(datetime(2026, 7, 4, 5, 30, tzinfo=UTC)) == date(2026, 7, 4)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        operational_night(datetime(2026, 11, 27, 23, 0))


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=9999),
)
def test_references_sort_by_night_then_number(night: date, number: int) -> None:
    ref = format_reference("SOT", night, number)
    assert ref == f"SOT-{night:%Y%m%d}-{number:04d}"
    later = format_reference("SOT", night, number + 1) if number < 9999 else ref
    assert later >= ref


@given(st.floats(min_value=50.80, max_value=51.0), st.floats(min_value=-1.5, max_value=-1.3))
def test_operating_area_contains_exactly_its_rectangle(lat: float, lon: float) -> None:
    area = SOUTHAMPTON_CENTRE
    inside = area.south <= lat <= area.north and area.west <= lon <= area.east
    assert area.contains(lat, lon) is inside


def test_labels_are_human() -> None:
    assert grade_label(1) == "G1 Emergency"
    assert grade_label(None) == "Ungraded"
    assert Category.parse("Suspected spiking") is Category.SUSPECTED_SPIKING
    assert Category.parse("suspected-spiking") is Category.SUSPECTED_SPIKING
