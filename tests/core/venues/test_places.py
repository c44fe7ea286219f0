"""Places as typed: a venue, a street of the shipped layer, or a point inside the operating area."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import SOUTHAMPTON_CENTRE
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import VenueSnapshot
from controlroom.venues.places import (
    OUTSIDE_CLICK,
    WHERE_HINT,
    PlaceFinder,
    PlaceKind,
    format_point,
    load_streets,
    metres_between,
    parse_point,
    resolve_place,
)

VELVET_FOX = VenueSnapshot(
    id=1,
    name="Velvet Fox",
    kind="bar",
    address="Bedford Place",
    lat=50.9131,
    lon=-1.4094,
    opening_hours="",
    is_safe_space=False,
    safe_space_status=None,
    wave_trained=False,
    best_bar_none="none",
    version=1,
)


def finder() -> PlaceFinder:
    return PlaceFinder([VELVET_FOX], load_streets(), SOUTHAMPTON_CENTRE)


def test_a_venue_a_street_and_a_point_each_resolve_to_one_place() -> None:
    venue = finder().resolve("  velvet FOX ")
    street = finder().resolve("queensway")
    point = finder().resolve("50.9050, -1.4040")
    assert (venue.kind, venue.label, venue.lat) == (PlaceKind.VENUE, "Velvet Fox", 50.9131)
    assert (street.kind, street.label) == (PlaceKind.STREET, "Queensway")
    assert SOUTHAMPTON_CENTRE.contains(street.lat, street.lon)
    assert (point.kind, point.label) == (PlaceKind.POINT, "50.9050,-1.4040")
    assert (point.lat, point.lon) == (50.905, -1.404)


def test_a_street_point_lies_on_its_own_segment_not_a_shared_junction() -> None:
    streets = {s.name: s for s in load_streets()}
    # Queensway and East Street meet at one end of Queensway: the point stays clear of it.
    queensway, east = streets["Queensway"], streets["East Street"]
    assert metres_between((queensway.lat, queensway.lon), (east.lat, east.lon)) > 100
    assert streets["Hoglands Park"].kind is PlaceKind.PARK


def test_unknown_words_and_points_outside_the_area_are_refused_in_window_words() -> None:
    with pytest.raises(ValidationError) as empty:
        finder().resolve("   ")
    with pytest.raises(ValidationError) as unknown:
        finder().resolve("behind the bins")
    with pytest.raises(ValidationError) as swapped:
        finder().resolve("-1.4040,50.9050")
    assert str(empty.value) == WHERE_HINT
    assert "'behind the bins' is not a venue or a street we know" in str(unknown.value)
    assert "LAT,LON (e.g. 50.9050,-1.4040)" in str(unknown.value)
    assert "outside the operating area" in str(swapped.value)
    for message in (empty, unknown, swapped):
        assert "--" not in str(message.value)


def test_a_click_on_a_venue_means_the_venue_and_elsewhere_the_point() -> None:
    on_venue = finder().at_point(50.91315, -1.40945)  # about 6 m from the Velvet Fox
    elsewhere = finder().at_point(50.9070, -1.3990)
    assert (on_venue.kind, on_venue.label) == (PlaceKind.VENUE, "Velvet Fox")
    assert (elsewhere.kind, elsewhere.label) == (PlaceKind.POINT, "50.9070,-1.3990")


def test_a_click_outside_the_area_is_refused_in_words_for_a_click() -> None:
    with pytest.raises(ValidationError) as outside:
        finder().at_point(50.9184, -1.4261)  # just west of the area
    assert str(outside.value) == OUTSIDE_CLICK == "That point is outside the operating area — click inside it"


@given(
    st.floats(SOUTHAMPTON_CENTRE.south - 0.01, SOUTHAMPTON_CENTRE.north + 0.01),
    st.floats(SOUTHAMPTON_CENTRE.west - 0.01, SOUTHAMPTON_CENTRE.east + 0.01),
)
def test_a_click_is_taken_exactly_when_it_is_inside_the_area(lat: float, lon: float) -> None:
    try:
        place = finder().at_point(lat, lon)
    except ValidationError:
        assert not SOUTHAMPTON_CENTRE.contains(lat, lon)
    else:
        assert SOUTHAMPTON_CENTRE.contains(lat, lon) and SOUTHAMPTON_CENTRE.contains(place.lat, place.lon)


def test_a_point_is_shown_with_four_decimals_whole_in_a_list_column() -> None:
    assert format_point(50.905, -1.404) == "50.9050,-1.4040"
    assert format_point(50.91839, -1.42610) == "50.9184,-1.4261"


def test_completion_names_venues_then_streets_once_each() -> None:
    names = finder().names()
    assert names[0] == "Velvet Fox"
    assert "Queensway" in names and "Bedford Place" in names
    assert len(names) == len(set(names))
    assert finder().recognises("QUEENSWAY") and finder().recognises("50.9,-1.4")
    assert not finder().recognises("near the bins")


def test_resolve_place_is_the_one_off_form() -> None:
    place = resolve_place("Bedford Place", [VELVET_FOX], load_streets(), SOUTHAMPTON_CENTRE)
    assert place.kind is PlaceKind.STREET


@given(
    st.floats(SOUTHAMPTON_CENTRE.south, SOUTHAMPTON_CENTRE.north),
    st.floats(SOUTHAMPTON_CENTRE.west, SOUTHAMPTON_CENTRE.east),
)
def test_a_point_typed_back_as_it_is_shown_resolves_to_itself(lat: float, lon: float) -> None:
    shown = format_point(lat, lon)
    again = parse_point(shown)
    assert again is not None
    # Half the last decimal each way: at most 5.6 m north-south and 3.5 m east-west here.
    assert metres_between(again, (lat, lon)) < 6.6
    if SOUTHAMPTON_CENTRE.contains(*again):
        assert finder().resolve(shown).label == shown


def test_inside_and_outside_the_area_at_its_edge() -> None:
    edge = f"{SOUTHAMPTON_CENTRE.north:.5f},{SOUTHAMPTON_CENTRE.east:.5f}"
    assert finder().resolve(edge).kind is PlaceKind.POINT
    with pytest.raises(ValidationError):
        finder().resolve(f"{SOUTHAMPTON_CENTRE.north + 0.0001:.5f},{SOUTHAMPTON_CENTRE.east:.5f}")
