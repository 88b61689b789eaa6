"""Geofences with a dwell time, so GPS drift across the edge does not flap (domain-rules §4)."""

from __future__ import annotations

import pytest

from safecity.telemetry.rules import Zone, parse_zone
from safecity.telemetry.tests.helpers import CLEAR, FIRE, actions, engine, feed, reading

# A forbidden zone of 100 m x 100 m near Changzhou (lon, lat), with a hole (a permitted bay).
X0, Y0, D = 119.9500, 31.7800, 0.0010
SQUARE = [[X0, Y0], [X0 + D, Y0], [X0 + D, Y0 + D], [X0, Y0 + D]]
BAY = [[X0 + 0.4 * D, Y0 + 0.4 * D], [X0 + 0.6 * D, Y0 + 0.4 * D], [X0 + 0.6 * D, Y0 + 0.6 * D], [X0 + 0.4 * D, Y0 + 0.6 * D]]
FORBIDDEN = {"id": "tank-farm", "kind": "geofence", "level": "red", "zone": {"polygon": SQUARE}, "dwell_s": 10}
INSIDE, OUTSIDE, EDGE_IN, EDGE_OUT = (X0 + D / 2, Y0 + D / 5), (X0 - D, Y0), (X0 + 1e-6, Y0 + D / 2), (X0 - 1e-6, Y0 + D / 2)


@pytest.mark.parametrize(
    ("point", "inside"),
    [(INSIDE, True), (OUTSIDE, False), (EDGE_IN, True), (EDGE_OUT, False), ((X0 + D / 2, Y0 + D / 2), False),
     ((X0 + D * 0.3, Y0 + D / 2), True), ((X0 + D / 2, Y0 + D * 1.01), False)],
)  # fmt: skip
def test_zone_contains_respects_the_ring_and_its_holes(point: tuple[float, float], inside: bool) -> None:
    zone = parse_zone({"polygon": SQUARE, "holes": [BAY]}, "zone")
    assert zone.contains(*point) is inside


def test_concave_polygon() -> None:
    # an L-shaped yard: the notch at the top right is outside
    zone = Zone(((0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)))
    assert zone.contains(0.5, 1.5) and zone.contains(1.5, 0.5)
    assert not zone.contains(1.5, 1.5)


def test_fires_after_the_dwell_time_inside() -> None:
    eng = engine(FORBIDDEN)
    assert feed(eng, reading(0, pos=OUTSIDE), reading(1, pos=INSIDE), reading(10, pos=INSIDE)) == []
    events = feed(eng, reading(11, pos=INSIDE))
    assert actions(events) == [(FIRE, 11)]
    assert events[0].params["inside"] is True and events[0].params["held_s"] == 10


def test_gps_drift_across_the_edge_does_not_flap() -> None:
    eng = engine(FORBIDDEN)
    drift = [reading(t, pos=EDGE_IN if t % 2 else EDGE_OUT) for t in range(0, 120)]
    assert feed(eng, *drift) == []  # never 10 s on one side
    # once really inside and then drifting at the edge, the alarm stays open: one fire, no clear
    eng = engine(FORBIDDEN)
    events = feed(eng, *(reading(t, pos=INSIDE) for t in range(0, 12)))
    events += feed(eng, *(reading(t, pos=EDGE_IN if t % 2 else EDGE_OUT) for t in range(12, 120)))
    assert actions(events) == [(FIRE, 10)]
    events = feed(eng, *(reading(t, pos=OUTSIDE) for t in range(120, 140)))
    assert actions(events) == [(CLEAR, 130)]  # last inside at 119 (odd: EDGE_IN), out since 120, 10 s at 130


def test_outside_mode_and_separate_clear_dwell() -> None:
    rule = {"id": "leave-plant", "kind": "geofence", "level": "yellow", "zone": {"polygon": SQUARE},
            "alarm_when": "outside", "dwell_s": 5, "clear_dwell_s": 30}  # fmt: skip
    eng = engine(rule)
    assert actions(feed(eng, *(reading(t, pos=OUTSIDE) for t in range(0, 6)))) == [(FIRE, 5)]
    assert feed(eng, *(reading(t, pos=INSIDE) for t in range(10, 39))) == []
    assert actions(feed(eng, reading(40, pos=INSIDE))) == [(CLEAR, 40)]


def test_readings_without_a_position_use_the_last_known_one() -> None:
    eng = engine(FORBIDDEN)
    feed(eng, reading(0, pos=INSIDE))
    assert actions(feed(eng, reading(10, speed_kmh=2))) == [(FIRE, 10)]
    assert feed(engine(FORBIDDEN), reading(0, speed_kmh=2), reading(30, speed_kmh=2)) == []
