"""The demo's trucks drive in their own plants: the simulator's site is built from the plant's
zones (stations in the working zones, the detour into the forbidden zone, each zone's limit)."""

from __future__ import annotations

from typing import Any

import pytest

from safecity.forklifts import services
from safecity.forklifts.choices import ZoneKind
from safecity.forklifts.demo_telemetry import plant_site
from safecity.telemetry.ingest.simulator import trucks

pytestmark = pytest.mark.django_db

YARD = [[119.9491, 31.7791], [119.9519, 31.7791], [119.9519, 31.7799], [119.9491, 31.7799]]
TANKS = [[119.9522, 31.7820], [119.9528, 31.7820], [119.9528, 31.7828], [119.9522, 31.7828]]


def test_a_plants_site_has_its_stations_limits_and_forbidden_zone(fleet: Any) -> None:
    plant = fleet.plant_a  # holds the indoor warehouse (5 km/h) of the fixture
    services.plant_zone_add(actor=None, plant=plant, name="货场", kind=ZoneKind.OUTDOOR, polygon=YARD, speed_limit_kmh=10)
    services.plant_zone_add(actor=None, plant=plant, name="罐区", kind=ZoneKind.FORBIDDEN, polygon=TANKS)
    site = plant_site(plant)

    assert site.origin == (float(plant.west), float(plant.south))
    assert len(site.stations) >= 2
    for station in site.stations:
        lon, lat = site.at(*station)
        assert float(plant.west) <= lon <= float(plant.east) and float(plant.south) <= lat <= float(plant.north)
    lon, lat = site.at(*site.forbidden_target)
    assert TANKS[0][0] < lon < TANKS[1][0] and TANKS[0][1] < lat < TANKS[2][1]
    warehouse = next(z for z in plant.zones.all() if z.kind == ZoneKind.INDOOR)
    lons, lats = [p[0] for p in warehouse.polygon], [p[1] for p in warehouse.polygon]
    centre = ((sum(lons) / len(lons) - site.origin[0]) * 94_730, (sum(lats) / len(lats) - site.origin[1]) * 111_320)
    assert site.limit(*centre) == pytest.approx(4.5)  # 90 % of the warehouse's 5 km/h
    assert site.cruise_kmh == pytest.approx(8.0)  # 80 % of the yard's 10 km/h


def test_simulated_trucks_of_a_plant_report_positions_inside_it(fleet: Any) -> None:
    site = plant_site(fleet.plant_a)
    truck = trucks(["CZFL00001"], seed=1, sites={"CZFL00001": site})[0]
    plant = fleet.plant_a
    for _ in range(200):
        truck.step(5.0, 0.0)
        lon, lat = site.at(truck.x, truck.y)
        assert float(plant.west) - 1e-4 <= lon <= float(plant.east) + 1e-4
        assert float(plant.south) - 1e-4 <= lat <= float(plant.north) + 1e-4
