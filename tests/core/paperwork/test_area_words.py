"""The words and the plan must describe the same area (s.35(5)(b); s.34(1) locality): streets of
the plan named in the words but drawn wholly outside the shaded area are reported."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from controlroom.paperwork.plan import words_naming_outside_streets
from controlroom.paperwork.specimen import LONDON_ROAD_PART, ZONE_POLYGON, specimen_zone

# The specimen zone touches or crosses these streets of the plan; the rest lie wholly outside.
INSIDE = ("Bedford Place", "Carlton Place", "London Road", "Cumberland Place", "Commercial Road")
OUTSIDE = ("High Street", "Oxford Street", "East Street", "Queensway", "Portland Terrace", "The Polygon")


def test_the_specimen_words_agree_with_its_plan() -> None:
    assert words_naming_outside_streets(specimen_zone().area_in_words, ZONE_POLYGON) == ()


def test_outside_streets_are_named_in_the_order_the_words_name_them() -> None:
    words = "Bedford Place, then OXFORD street and high   Street (not East Streets or Queensways)"
    assert words_naming_outside_streets(words, ZONE_POLYGON) == ("Oxford Street", "High Street")


def test_a_boundary_street_counts_as_inside_and_a_part_of_the_zone_is_judged_alone() -> None:
    # Cumberland Place crosses the zone; the London Road part of it does not reach it.
    assert words_naming_outside_streets("south to Cumberland Place", ZONE_POLYGON) == ()
    assert words_naming_outside_streets("London Road and Carlton Place", LONDON_ROAD_PART) == (
        "Carlton Place",
    )


def test_no_words_or_no_area_reports_nothing() -> None:
    assert words_naming_outside_streets("", ZONE_POLYGON) == ()
    assert words_naming_outside_streets("   ", ZONE_POLYGON) == ()
    assert words_naming_outside_streets("High Street", ()) == ()


def _shout(name: str, upper: bool) -> str:
    return name.upper() if upper else name.lower()


@given(st.lists(st.tuples(st.sampled_from(INSIDE + OUTSIDE), st.booleans()), max_size=8))
def test_exactly_the_outside_streets_named_are_reported(named: list[tuple[str, bool]]) -> None:
    words = " and ".join(_shout(name, upper) for name, upper in named)
    reported = words_naming_outside_streets(words, ZONE_POLYGON)
    assert set(reported) == {name for name, _ in named if name in OUTSIDE}
    assert len(reported) == len(set(reported))
