"""The rules issue #13 added, at their boundaries: signing (s.34(4)), time given, the UK clock,
who may give a direction (s.35(1), s.40), necessity (s.35(3)), s.36(2)-(4), s.37 and a running direction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.errors import ValidationError
from controlroom.core.local_time import on_uk_clock, parse_uk_time
from controlroom.dispersal.rules import (
    CLOCK_SKEW,
    AuthorisationTerms,
    DirectionTerms,
    GiverTerms,
    SurrenderTerms,
    ZoneTerms,
    authorisation_in_force,
    check_authorisation,
    check_direction,
    check_giver,
    check_restrictions,
    check_running_directions,
    check_surrender,
)
from controlroom.paperwork.data import Officer

BOX = ((50.9100, -1.4100), (50.9100, -1.4030), (50.9170, -1.4030), (50.9170, -1.4100))
INSIDE = (50.9120, -1.4089)
SIGNED = datetime(2026, 11, 27, 19, 45, tzinfo=UTC)
START = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
END = START + timedelta(hours=12)
SECOND = timedelta(seconds=1)
PC = Officer("Constable", "4567", "Tom Reed")


def _authorisation(**changes: object) -> AuthorisationTerms:
    terms = AuthorisationTerms(
        name="Bedford Place",
        log_number="LOG-0427",
        officer=Officer("Inspector", "1234", "Jane Smith"),
        polygon=BOX,
        area_in_words="",
        starts_at=START,
        ends_at=END,
        grounds="Repeated harassment of women leaving venues",
        rights_consideration="No protest or assembly expected",
        signed_at=SIGNED,
        recorded_at=SIGNED + timedelta(minutes=20),
    )
    return replace(terms, **changes)  # type: ignore[arg-type]


def _direction(given_at: datetime, now: datetime, **changes: object) -> DirectionTerms:
    terms = DirectionTerms(
        given_at=given_at,
        at=INSIDE,
        apparent_age=30,
        grounds="Followed two lone women",
        exclusion_polygon=BOX,
        exclusion_in_words="",
        exclusion_ends_at=given_at + timedelta(hours=24),
        necessity="Words of advice had no effect",
        recorded_at=now,
    )
    return replace(terms, **changes)  # type: ignore[arg-type]


ZONE = ZoneTerms("Bedford Place", BOX, START, END, None, SIGNED)


# -- s.34: signing -----------------------------------------------------------------


def test_an_authorisation_may_start_at_its_signing_but_not_one_second_before() -> None:
    check_authorisation(_authorisation(starts_at=SIGNED))
    with pytest.raises(ValidationError, match=r"before it was signed .* \(s\.34\(1\) and \(4\)\)"):
        check_authorisation(_authorisation(starts_at=SIGNED - SECOND))


def test_a_zone_starting_years_before_it_was_signed_is_refused() -> None:
    with pytest.raises(ValidationError, match="before it was signed"):
        old = datetime(2020, 1, 1, 20, tzinfo=UTC)
        check_authorisation(_authorisation(starts_at=old, ends_at=old + timedelta(hours=12)))


def test_a_signature_dated_in_the_future_is_refused() -> None:
    now = SIGNED + timedelta(minutes=5)
    check_authorisation(_authorisation(recorded_at=SIGNED - CLOCK_SKEW))
    with pytest.raises(
        ValidationError, match=r"in the future; give the time the inspector signed it \(s\.34\(4\)\)"
    ):
        check_authorisation(
            _authorisation(
                signed_at=now + CLOCK_SKEW + SECOND, recorded_at=now, starts_at=END - timedelta(hours=1)
            )
        )


def test_no_words_are_needed_when_the_plan_specifies_the_locality() -> None:
    check_authorisation(_authorisation(area_in_words=""))


@given(st.integers(min_value=-3600, max_value=3600))
def test_in_force_only_from_signing(offset: int) -> None:
    late_signature = START + timedelta(minutes=30)
    at = late_signature + timedelta(seconds=offset)
    assert authorisation_in_force(START, END, None, at, late_signature) == (offset >= 0)


# -- s.35: the time given ------------------------------------------------------------


def test_a_direction_at_the_start_of_the_authorisation_is_accepted_one_second_before_is_not() -> None:
    check_direction(_direction(START, START + timedelta(hours=1)), ZONE)
    with pytest.raises(ValidationError, match=r"not in force at .* \(s\.35\(1\)\)"):
        check_direction(_direction(START - SECOND, START + timedelta(hours=1)), ZONE)


def test_a_direction_one_second_before_the_end_is_accepted_at_the_end_is_not() -> None:
    check_direction(_direction(END - SECOND, END + timedelta(hours=1)), ZONE)
    with pytest.raises(ValidationError, match="not in force"):
        check_direction(_direction(END, END + timedelta(hours=1)), ZONE)


@given(st.integers(min_value=1, max_value=48 * 3600))
def test_a_direction_dated_in_the_future_is_refused(ahead: int) -> None:
    now = START + timedelta(hours=1)
    given_at = now + CLOCK_SKEW + timedelta(seconds=ahead)
    with pytest.raises(ValidationError, match="in the future"):
        check_direction(_direction(given_at, now), ZONE)


def test_a_direction_before_the_authorisation_was_signed_is_refused() -> None:
    signed_late = replace(ZONE, signed_at=START + timedelta(hours=1))
    with pytest.raises(ValidationError, match="not in force"):
        check_direction(_direction(START + timedelta(minutes=30), START + timedelta(hours=2)), signed_late)


def test_necessity_is_recorded_apart_from_the_grounds() -> None:
    with pytest.raises(ValidationError, match=r"necessary .* \(s\.35\(3\)\), apart from the grounds"):
        check_direction(_direction(START, START, necessity=" "), ZONE)


# -- the UK clock ------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=59))
def test_a_time_in_the_spring_gap_is_refused_naming_both_readings(minute: int) -> None:
    wall = datetime(2027, 3, 28, 1, minute)
    with pytest.raises(ValidationError) as refused:
        on_uk_clock(wall)
    message = str(refused.value)
    assert "does not exist on the UK clock" in message
    assert f"00:{minute:02d} GMT" in message and f"02:{minute:02d} BST" in message


@given(st.integers(min_value=0, max_value=59))
def test_a_time_in_the_autumn_repeat_is_refused_naming_both_readings(minute: int) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_uk_time(f"2026-10-25T01:{minute:02d}")
    message = str(refused.value)
    assert "happened twice" in message
    assert f"01:{minute:02d} BST (write 2026-10-25T01:{minute:02d}+01:00)" in message
    assert f"01:{minute:02d} GMT (write 2026-10-25T01:{minute:02d}+00:00)" in message


def test_the_minutes_either_side_of_the_clock_changes_are_accepted() -> None:
    assert on_uk_clock(datetime(2027, 3, 28, 0, 59)).utcoffset() == timedelta(0)
    assert on_uk_clock(datetime(2027, 3, 28, 2, 0)).utcoffset() == timedelta(hours=1)
    assert on_uk_clock(datetime(2026, 10, 25, 0, 59)).utcoffset() == timedelta(hours=1)
    assert on_uk_clock(datetime(2026, 10, 25, 2, 0)).utcoffset() == timedelta(0)
    # With an offset, the person has already said which reading they mean.
    assert parse_uk_time("2026-10-25T01:30+00:00") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


# -- who may give a direction ---------------------------------------------------------


def test_a_constable_in_uniform_may_give_one_in_plain_clothes_may_not() -> None:
    assert check_giver(GiverTerms(PC, True)) == "constable"
    assert check_giver(GiverTerms(PC, True, special_constable=True)) == "special constable"
    with pytest.raises(ValidationError, match=r"plain-clothes officer may not .* \(s\.35\(1\)\)"):
        check_giver(GiverTerms(Officer("Constable", "88", "Dee Cee"), False))
    with pytest.raises(ValidationError, match=r"say whether .* was in uniform"):
        check_giver(GiverTerms(PC, None))


def test_a_pcso_only_with_a_designation() -> None:
    pcso = Officer("PCSO", "7001", "Sam Hill")
    with pytest.raises(ValidationError, match=r"designation reference \(s\.40\)"):
        check_giver(GiverTerms(pcso, True))
    assert check_giver(GiverTerms(pcso, True, pcso_designation="HC/DES/2025/14")) == "PCSO"


# -- s.36(2)-(4) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("access", "picket", "message"),
    [
        (None, False, r"confirm .* \(s\.36\(2\) and \(3\)\)"),
        (False, False, r"may not stop the person reaching .* \(s\.36\(2\) and \(3\)\)"),
        (True, None, r"say whether .* \(s\.36\(4\)\)"),
        (True, True, r"no direction may be given .* picketing.* \(s\.36\(4\)\)"),
    ],
)
def test_the_s36_restrictions_are_asked_and_refused(
    access: bool | None, picket: bool | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_restrictions(access, picket)
    with pytest.raises(ValidationError, match=message):
        check_direction(_direction(START, START, access_kept=access, picket_or_procession=picket), ZONE)


def test_s36_answered_is_accepted() -> None:
    check_restrictions(True, False)


# -- s.37 -----------------------------------------------------------------------------


def test_a_surrender_needs_the_belief_and_whether_it_was_in_writing() -> None:
    items = ("Bottle of vodka",)
    check_surrender(SurrenderTerms())  # nothing surrendered, nothing asked
    with pytest.raises(ValidationError, match=r"believes .* \(s\.37\(1\)\)"):
        check_surrender(SurrenderTerms(items=items, in_writing=True))
    with pytest.raises(ValidationError, match=r"in writing \(s\.37\(2\)\)"):
        check_surrender(SurrenderTerms(items=items, belief="Pressing drinks on women"))
    with pytest.raises(ValidationError, match=r"record why it was not \(s\.37\(2\)\)"):
        check_surrender(SurrenderTerms(items=items, belief="Pressing drinks on women", in_writing=False))
    check_surrender(
        SurrenderTerms(items=items, belief="Pressing drinks", in_writing=False, no_writing_reason="Rain")
    )
    check_surrender(
        SurrenderTerms(refused_items=("Laser pen",), belief="Shone at door staff", in_writing=True)
    )


# -- a direction still running --------------------------------------------------------


def test_a_second_direction_while_one_runs_needs_a_sergeant_and_a_reason() -> None:
    running = [("S35-20261127-001", END)]
    check_running_directions([], None, None)
    with pytest.raises(ValidationError, match="not a fresh 48 hours"):
        check_running_directions(running, None, None)
    with pytest.raises(ValidationError, match="not a fresh 48 hours"):
        check_running_directions(running, Officer("Sergeant", "12", "Ann Lee"), " ")
    with pytest.raises(ValidationError, match="is not a supervisor"):
        check_running_directions(running, PC, "New authorisation for a different locality")
    check_running_directions(running, Officer("Sergeant", "12", "Ann Lee"), "A new authorisation elsewhere")
