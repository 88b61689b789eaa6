"""End to end in headless Chromium on a phone: the enterprise manager opens the plant map and sees
the truck labelled with its number (red: it has a firing alarm), the truck moves when a new reading
comes in, and the route playback shows the day's line with the alarm on it and plays it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD
from safecity.forklifts.models import Forklift
from safecity.forklifts.tests.conftest import Fleet, fleet  # noqa: F401 (the fixture)
from safecity.telemetry.ingest.store import Ingestor
from safecity.telemetry.tests.ingest_helpers import device, message, rule_set

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-results"


def test_plant_map_shows_the_truck_moving_and_the_playback_its_alarm(
    live_server: Any,
    fleet: Fleet,  # noqa: F811
    personas: Any,
    browser: Any,
) -> None:
    truck = fleet.truck()
    tracker = device(fleet.city, "FL-BROWSER-1", rules=rule_set(fleet.city.enterprise_a))[0]
    Forklift.objects.filter(pk=truck.pk).update(device=tracker)
    now = timezone.localtime()
    t = time.time() - min(60, (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() - 1)
    Ingestor().store(
        [
            message("FL-BROWSER-1", 1, t, speed_kmh=3.0, belt_fastened=True, pos=(119.9500, 31.7800)),
            message("FL-BROWSER-1", 2, t + 10, speed_kmh=14.0, belt_fastened=True, pos=(119.9505, 31.7805)),
            message("FL-BROWSER-1", 3, t + 20, speed_kmh=15.0, belt_fastened=True, pos=(119.9510, 31.7810)),
        ]
    )
    base = live_server.url
    page = browser.new_page(locale="en-US", viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/accounts/login/?next=/forklifts/plants/{fleet.plant_a.pk}/map/")
    page.fill("input[name=username]", personas.enterprise_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/forklifts/plants/{fleet.plant_a.pk}/map/")

    marker = page.wait_for_selector("[data-testid=truck-marker]")
    assert marker.inner_text() == truck.number and "alarm" in (marker.get_attribute("class") or "")
    before = marker.bounding_box()
    # No horizontal scroll on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A new reading moves the truck at the next poll (every 5 s).
    Ingestor().store([message("FL-BROWSER-1", 4, time.time() - 1, speed_kmh=2.0, pos=(119.9520, 31.7820))])
    page.wait_for_function(
        "(x) => { const m = document.querySelector('[data-testid=truck-marker]'); return m && Math.abs(m.getBoundingClientRect().x - x) > 3; }",
        arg=before["x"],
        timeout=15000,
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=truck-marker]').classList.contains('alarm')", timeout=15000
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "forklifts-plant-map.png"), full_page=True)

    page.goto(f"{base}/forklifts/{truck.pk}/track/?day={timezone.localdate(timezone.now()):%Y-%m-%d}")
    page.wait_for_selector("#track-map .leaflet-overlay-pane path")
    assert page.locator("#track-map path.alarm-marker").count() == 1
    assert page.locator("[data-testid=track-alarms] tbody tr a").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("[data-testid=track-play]")
    page.wait_for_function("() => document.getElementById('track-slider').value !== '0'", timeout=10000)
    assert ":" in page.inner_text("[data-testid=track-time]")
    page.screenshot(path=str(SHOTS / "forklifts-track.png"), full_page=True)
    assert errors == []


def test_a_zone_is_drawn_by_clicking_its_corners_on_the_plant_map(
    live_server: Any,
    fleet: Fleet,  # noqa: F811
    personas: Any,
    browser: Any,
) -> None:
    from safecity.forklifts.models import PlantZone

    plant = fleet.plant_a
    base = live_server.url
    page = browser.new_page(locale="en-US", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/accounts/login/?next=/forklifts/plants/{plant.pk}/")
    page.fill("input[name=username]", personas.enterprise_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/forklifts/plants/{plant.pk}/")
    page.wait_for_selector("[data-testid=plant-map].leaflet-container")
    box = page.locator("[data-testid=plant-map]").bounding_box()
    assert box is not None
    # Three clicks inside the plan: three corners in the textarea, drawn as a dashed outline.
    for fx, fy in ((0.4, 0.4), (0.6, 0.4), (0.6, 0.6)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    corners = page.locator("[data-zone-points]").input_value().splitlines()
    assert len(corners) == 3
    assert page.locator("[data-testid=plant-map] path[stroke-dasharray]").count() == 1
    page.fill("#id_name", "Loading bay")
    page.select_option("#id_kind", "pedestrian")
    page.click("[data-testid=zone-form] button[type=submit]")
    page.wait_for_selector("text=Loading bay")
    zone = PlantZone.objects.get(plant=plant, name="Loading bay")
    lon, lat = (float(v) for v in corners[0].split(","))
    assert zone.polygon[0] == [lon, lat] and len(zone.polygon) == 3
    assert float(plant.west) < lon < float(plant.east) and float(plant.south) < lat < float(plant.north)
    assert errors == []
    page.close()
