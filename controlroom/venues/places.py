"""Places a person types: a venue, a street of the shipped street layer, or a point.

An operator hears "outside the kebab shop on Queensway" or reads a point off a
handset, and must be able to record either without the mouse. ``PlaceFinder``
turns what was typed into one point inside the operating area, or a
``ValidationError`` in words a window can show as they are (no command-line
flags), so the form, the flag dialog and the direction dialog resolve places the
same way.

A street's point lies on the street's own line: the middle of its longest
segment, never a junction shared with a crossing street (a report "on Queensway"
must not be drawn on East Street). Parks of the street layer resolve to a point
inside them. The street layer is read once per process; shapely is imported only
when it is first read, so a command-line start that never resolves a street does
not pay for it.
"""

from __future__ import annotations

import enum
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from controlroom.core.domain import OperatingArea
from controlroom.core.errors import ValidationError
from controlroom.core.resources import resource
from controlroom.core.snapshots import VenueSnapshot

WHERE_HINT = "Where: type a venue, a street, or a point as LAT,LON (e.g. 50.9050,-1.4040)"
# A click cannot have its LAT and LON swapped: the typed-point advice would not fit it.
OUTSIDE_CLICK = "That point is outside the operating area — click inside it"
# A map click this close to a venue means the venue (a marker is about 20 px wide,
# about 15 m at the zoom an operator works at).
VENUE_SNAP_METRES = 15.0
_POINT = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_EARTH_RADIUS_M = 6_371_000.0


class PlaceKind(enum.StrEnum):
    VENUE = "venue"
    STREET = "street"
    PARK = "park"
    POINT = "point"


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """Where an incident, flag or direction is: its point, the words shown for it, what it is."""

    lat: float
    lon: float
    label: str
    kind: PlaceKind

    @property
    def is_venue(self) -> bool:
        return self.kind is PlaceKind.VENUE


@dataclass(frozen=True, slots=True)
class NamedPlace:
    """A street or park of the street layer, with the point that stands for it."""

    name: str
    kind: PlaceKind
    lat: float
    lon: float


def parse_point(text: str) -> tuple[float, float] | None:
    """``"50.9035, -1.4040"`` → (50.9035, -1.404); None when the text is not a point."""
    match = _POINT.match(text)
    return (float(match.group(1)), float(match.group(2))) if match else None


def format_point(lat: float, lon: float) -> str:
    """The point as a person would type it back: ``50.9035,-1.4040``.

    Four decimals are about 11 m north-south and 7 m east-west here, finer than a
    click or a handset fix, and short enough to read whole in the list's Place column.
    """
    return f"{lat:.4f},{lon:.4f}"


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two ``(lat, lon)`` points, in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


def load_streets(path: Path | None = None) -> tuple[NamedPlace, ...]:
    """The streets and parks of the shipped street layer (``resources/geo/streets.geojson``)."""
    return _load_streets(str(path) if path is not None else str(resource("geo", "streets.geojson")))


@lru_cache(maxsize=4)
def _load_streets(path: str) -> tuple[NamedPlace, ...]:
    from shapely.geometry import LineString, shape  # lazily: ~40 ms a CLI start never needs

    with open(path, encoding="utf-8") as handle:
        layer = json.load(handle)
    places: dict[str, NamedPlace] = {}
    for feature in layer.get("features", ()):
        name = str(feature.get("properties", {}).get("name", "")).strip()
        geometry = shape(feature["geometry"])
        if not name or geometry.is_empty or name.lower() in places:
            continue
        if isinstance(geometry, LineString):
            lon, lat = _middle_of_longest_segment(list(geometry.coords))
            kind = PlaceKind.STREET
        else:
            point = geometry.representative_point()  # inside the park, even an L-shaped one
            lon, lat = point.x, point.y
            kind = PlaceKind.PARK
        places[name.lower()] = NamedPlace(name, kind, round(lat, 6), round(lon, 6))
    return tuple(places.values())


def _middle_of_longest_segment(coords: Sequence[tuple[float, ...]]) -> tuple[float, float]:
    from shapely.geometry import LineString

    # Ends of a segment are where other streets join: its middle belongs to this street only.
    pairs = list(itertools.pairwise(coords))
    start, end = max(pairs, key=lambda p: metres_between((p[0][1], p[0][0]), (p[1][1], p[1][0])))
    middle = LineString([start, end]).interpolate(0.5, normalized=True)
    return middle.x, middle.y


class PlaceFinder:
    """Resolves typed places against the venues and the street layer, inside one operating area."""

    def __init__(
        self, venues: Iterable[VenueSnapshot], streets: Iterable[NamedPlace], area: OperatingArea
    ) -> None:
        self.venues = {v.name.lower(): v for v in venues}
        self.streets = {s.name.lower(): s for s in streets}
        self.area = area

    def names(self) -> list[str]:
        """What the Where field completes: venue names, then street and park names."""
        venues = sorted(v.name for v in self.venues.values())
        streets = sorted(s.name for s in self.streets.values() if s.name.lower() not in self.venues)
        return venues + streets

    def recognises(self, text: str) -> bool:
        """Whether ``text`` is a venue, a street or a point (rather than a description)."""
        key = text.strip().lower()
        return key in self.venues or key in self.streets or parse_point(text) is not None

    def resolve(self, text: str) -> ResolvedPlace:
        """The place ``text`` names; a ValidationError saying how to write it otherwise."""
        key = text.strip().lower()
        if not key:
            raise ValidationError(WHERE_HINT)
        venue = self.venues.get(key)
        if venue is not None:
            return ResolvedPlace(venue.lat, venue.lon, venue.name, PlaceKind.VENUE)
        street = self.streets.get(key)
        if street is not None:
            return ResolvedPlace(street.lat, street.lon, street.name, street.kind)
        point = parse_point(text)
        if point is None:
            raise ValidationError(f"{text.strip()!r} is not a venue or a street we know. {WHERE_HINT}")
        lat, lon = self.area.require(*point, "the point typed")
        return ResolvedPlace(lat, lon, format_point(lat, lon), PlaceKind.POINT)

    def at_point(self, lat: float, lon: float, within_m: float = VENUE_SNAP_METRES) -> ResolvedPlace:
        """A clicked point: the venue it lands on (within ``within_m``), else the point itself.

        A click outside the operating area is a ValidationError (``OUTSIDE_CLICK``).
        """
        if not self.area.contains(lat, lon):
            raise ValidationError(OUTSIDE_CLICK)
        nearest = min(
            self.venues.values(), key=lambda v: metres_between((lat, lon), (v.lat, v.lon)), default=None
        )
        if nearest is not None and metres_between((lat, lon), (nearest.lat, nearest.lon)) <= within_m:
            return ResolvedPlace(nearest.lat, nearest.lon, nearest.name, PlaceKind.VENUE)
        return ResolvedPlace(lat, lon, format_point(lat, lon), PlaceKind.POINT)


def resolve_place(
    text: str, venues: Iterable[VenueSnapshot], streets: Iterable[NamedPlace], area: OperatingArea
) -> ResolvedPlace:
    """One-off resolution of ``text`` (a ``PlaceFinder`` keeps its indexes for repeated use)."""
    return PlaceFinder(venues, streets, area).resolve(text)
