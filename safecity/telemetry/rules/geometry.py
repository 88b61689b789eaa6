"""Zones: polygons in lon/lat, for geofences and zone-scoped rules (overspeed by zone, §4).

A pure-Python even-odd point-in-polygon test with a bounding-box shortcut. Shapely was meant to do
this (issue 14) but is not a dependency of the project yet; plant zones have a handful of vertices,
where this test costs well under a microsecond for a point outside the box and a few inside it,
i.e. no slower than a per-point shapely call. ``Zone.contains`` is the only entry point, so moving
to ``shapely.prepared`` later changes this file alone.

Planar lon/lat is exact enough at plant scale (hundreds of metres). A point exactly on an edge may
count as either side; the geofence dwell time absorbs that, as it does GPS drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safecity.telemetry.rules.errors import RuleError, number

Ring = tuple[tuple[float, float], ...]
MAX_VERTICES = 2000


def _ring_contains(ring: Ring, x: float, y: float) -> bool:
    inside = False
    x0, y0 = ring[-1]
    for x1, y1 in ring:
        if (y1 > y) != (y0 > y) and x < (x0 - x1) * (y - y1) / (y0 - y1) + x1:
            inside = not inside
        x0, y0 = x1, y1
    return inside


@dataclass(frozen=True, slots=True)
class Zone:
    """A polygon (exterior ring, optional holes) in (lon, lat) degrees."""

    exterior: Ring
    holes: tuple[Ring, ...] = ()
    bbox: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        xs = [p[0] for p in self.exterior]
        ys = [p[1] for p in self.exterior]
        object.__setattr__(self, "bbox", (min(xs), min(ys), max(xs), max(ys)))

    def contains(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        if lon < x0 or lon > x1 or lat < y0 or lat > y1:
            return False
        if not _ring_contains(self.exterior, lon, lat):
            return False
        return not any(_ring_contains(hole, lon, lat) for hole in self.holes)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"polygon": [list(p) for p in self.exterior]}
        if self.holes:
            data["holes"] = [[list(p) for p in hole] for hole in self.holes]
        return data


def _parse_ring(data: object, field: str) -> Ring:
    if not isinstance(data, list):
        raise RuleError(field, "must be a list of [lon, lat] points")
    points: list[tuple[float, float]] = []
    for i, point in enumerate(data):
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise RuleError(f"{field}[{i}]", "must be [lon, lat]")
        lon, lat = number(point[0], f"{field}[{i}][0]"), number(point[1], f"{field}[{i}][1]")
        if not -180 <= lon <= 180:
            raise RuleError(f"{field}[{i}][0]", "longitude must be between -180 and 180")
        if not -90 <= lat <= 90:
            raise RuleError(f"{field}[{i}][1]", "latitude must be between -90 and 90")
        points.append((lon, lat))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # a closed ring (GeoJSON style) and an open one mean the same
    if len(set(points)) < 3:
        raise RuleError(field, "a polygon needs at least 3 distinct points")
    if len(points) > MAX_VERTICES:
        raise RuleError(field, f"at most {MAX_VERTICES} points")
    return tuple(points)


def parse_zone(data: object, field: str) -> Zone:
    """``{"polygon": [[lon, lat], ...], "holes": [[[lon, lat], ...], ...]}``."""
    if not isinstance(data, dict):
        raise RuleError(field, 'must be {"polygon": [[lon, lat], ...]}')
    unknown = set(data) - {"polygon", "holes"}
    if unknown:
        raise RuleError(f"{field}.{sorted(unknown)[0]}", "unknown field")
    if "polygon" not in data:
        raise RuleError(f"{field}.polygon", "is required")
    exterior = _parse_ring(data["polygon"], f"{field}.polygon")
    holes_data = data.get("holes", [])
    if not isinstance(holes_data, list):
        raise RuleError(f"{field}.holes", "must be a list of rings")
    holes = tuple(_parse_ring(hole, f"{field}.holes[{i}]") for i, hole in enumerate(holes_data))
    return Zone(exterior, holes)
