"""The plant map and route playback: who opens them (personas), live positions from the engine's
state and the latest readings with firing alarms in words, a day's route in time order with its
alarms, the cap on drawn points, a truck without a device."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safecity.forklifts import selectors_map
from safecity.forklifts.models import Forklift
from safecity.telemetry.ingest.store import Ingestor
from safecity.telemetry.models import Alarm, Device, EngineState, Reading
from safecity.telemetry.tests.ingest_helpers import device, message, rule_set

pytestmark = pytest.mark.django_db

IN_PLANT = (119.951, 31.781)  # inside fleet's plant bounds and its indoor zone


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fit(truck: Forklift, serial: str, city: Any, *, rules: bool = True) -> Device:
    """Register a tracker of enterprise A and mount it on ``truck``."""
    tracker = device(city, serial, rules=rule_set(city.enterprise_a) if rules else None)[0]
    Forklift.objects.filter(pk=truck.pk).update(device=tracker)
    truck.refresh_from_db()
    return tracker


def recent(seconds_ago: float) -> float:
    """An epoch time ``seconds_ago`` before now, kept on today's local date."""
    now = timezone.localtime()
    since_midnight = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
    return time.time() - min(seconds_ago, max(since_midnight - 1, 0))


@pytest.fixture
def tracked(fleet: Any) -> Any:
    """Enterprise A's truck with a device that drove and went over the speed limit (a firing
    overspeed alarm, orange), and a second truck without a device."""
    truck = fleet.truck()
    tracker = fit(truck, "FL-MAP-1", fleet.city)
    t = recent(120)
    Ingestor().store(
        [
            message("FL-MAP-1", 1, t, speed_kmh=3.0, belt_fastened=True, pos=(119.9500, 31.7800)),
            message("FL-MAP-1", 2, t + 10, speed_kmh=6.0, belt_fastened=True, pos=(119.9505, 31.7805)),
            message("FL-MAP-1", 3, t + 20, speed_kmh=14.0, belt_fastened=False, pos=IN_PLANT),
        ]
    )
    fleet.truck()  # no device
    return truck, tracker


# --- who opens the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise_user", 200),  # the plant's own enterprise manager
        ("district_a", 200),  # the district the enterprise is in
        ("city_official", 200),
        ("district_b", 404),  # another district
        ("expert", 403),  # does not see the forklift platform at all
        ("outsider", 403),
    ],
)
def test_who_opens_the_map_the_positions_and_the_playback(
    tracked: Any, fleet: Any, personas: Any, persona: str, status: int
) -> None:
    truck, _ = tracked
    client = login(getattr(personas, persona))
    plant = fleet.plant_a.pk
    for url in (f"/forklifts/plants/{plant}/map/", f"/forklifts/plants/{plant}/positions.json", f"/forklifts/{truck.pk}/track/"):
        assert client.get(url).status_code == status, url
    if status == 200:
        assert truck.number in client.get(f"/forklifts/plants/{plant}/map/").content.decode()


def test_another_enterprise_sees_neither_the_plant_nor_the_truck(tracked: Any, fleet: Any) -> None:
    truck, _ = tracked
    client = login(fleet.staff_b)
    assert client.get(f"/forklifts/plants/{fleet.plant_a.pk}/map/").status_code == 404
    assert client.get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json").status_code == 404
    assert client.get(f"/forklifts/{truck.pk}/track/").status_code == 404
    # Its own plant opens, without enterprise A's truck on it.
    own = client.get(f"/forklifts/plants/{fleet.plant_b.pk}/positions.json").json()
    assert [t["number"] for t in own["trucks"]] == []


def test_anonymous_is_sent_to_login(fleet: Any) -> None:
    assert Client().get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json").status_code == 302


# --- live positions ----------------------------------------------------------------------------------


def test_positions_reflect_the_engine_state_and_the_firing_alarm_in_words(tracked: Any, fleet: Any, personas: Any) -> None:
    truck, tracker = tracked
    data = login(personas.enterprise_user).get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json").json()
    rows = {t["number"]: t for t in data["trucks"]}
    row = rows[truck.number]
    assert (row["lon"], row["lat"]) == IN_PLANT
    assert row["speed"] == 14.0 and row["belt"] is False and row["online"] is True and row["last_seen"]
    alarm = Alarm.objects.get(device=tracker, rule_id="overspeed")
    assert [(a["id"], a["level"], a["url"]) for a in row["alarms"]] == [(alarm.pk, "orange", f"/telemetry/alarms/{alarm.pk}/")]
    # In words: no rule code, the speed and its limit.
    assert row["alarms"][0]["title"] and "overspeed" not in row["alarms"][0]["title"]
    assert "14" in row["alarms"][0]["detail"] and "10" in row["alarms"][0]["detail"]
    # The truck without a device is listed, with no position, and says so on the page.
    other = next(t for n, t in rows.items() if n != truck.number)
    assert other["has_device"] is False and other["lat"] is None


def test_positions_move_with_new_readings_and_the_alarm_clears(tracked: Any, fleet: Any, personas: Any) -> None:
    truck, _ = tracked
    client = login(personas.enterprise_user)
    url = f"/forklifts/plants/{fleet.plant_a.pk}/positions.json"
    Ingestor().store([message("FL-MAP-1", 4, recent(5), speed_kmh=2.0, belt_fastened=True, pos=(119.9515, 31.7815))])
    row = next(t for t in client.get(url).json()["trucks"] if t["number"] == truck.number)
    assert (row["lon"], row["lat"]) == (119.9515, 31.7815)
    assert row["speed"] == 2.0 and row["belt"] is True and row["alarms"] == []


def test_without_engine_state_the_latest_reading_with_a_position_is_used(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    tracker = fit(truck, "FL-MAP-2", fleet.city, rules=False)
    now = timezone.now()
    Reading.objects.bulk_create(
        [
            Reading(device=tracker, seq=1, device_ts=now - timedelta(seconds=30), received_at=now, lon=119.950, lat=31.780),
            Reading(device=tracker, seq=2, device_ts=now - timedelta(seconds=20), received_at=now, lon=119.952, lat=31.782,
                    values={"speed_kmh": 4.5}),
            Reading(device=tracker, seq=3, device_ts=now - timedelta(seconds=10), received_at=now, values={"speed_kmh": 1}),
        ]
    )  # fmt: skip
    EngineState.objects.filter(device=tracker).delete()
    data = selectors_map.plant_positions(user=personas.enterprise_user, plant=fleet.plant_a)
    row = next(t for t in data["trucks"] if t["number"] == truck.number)
    assert (row["lon"], row["lat"], row["speed"]) == (119.952, 31.782, 4.5)


def test_the_map_page_carries_the_plan_zones_and_trucks_for_its_script(tracked: Any, fleet: Any, personas: Any) -> None:
    truck, _ = tracked
    response = login(personas.enterprise_user).get(f"/forklifts/plants/{fleet.plant_a.pk}/map/")
    page = response.content.decode()
    data = json.loads(re.search(r'<script id="plant-live-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert [z["name"] for z in data["zones"]] == ["成品仓库"] and data["bounds"] == fleet.plant_a.bounds
    assert [t["number"] for t in data["positions"]["trucks"] if t["lat"] is not None] == [truck.number]
    assert f"/forklifts/plants/{fleet.plant_a.pk}/positions.json" in page
    assert "forklifts/plant_live.js" in page and "<script>" not in page  # no inline script (CSP)
    assert f"/forklifts/{truck.pk}/track/" in page


def test_plant_and_forklift_pages_link_to_the_map_and_the_playback(tracked: Any, fleet: Any, personas: Any) -> None:
    truck, _ = tracked
    client = login(personas.enterprise_user)
    assert f"/forklifts/plants/{fleet.plant_a.pk}/map/" in client.get(f"/forklifts/plants/{fleet.plant_a.pk}/").content.decode()
    detail = client.get(f"/forklifts/{truck.pk}/").content.decode()
    assert f"/forklifts/{truck.pk}/track/" in detail and f"/forklifts/plants/{fleet.plant_a.pk}/map/" in detail


# --- route playback ----------------------------------------------------------------------------------


def test_playback_gives_the_days_points_in_time_order_and_its_alarms(tracked: Any, fleet: Any, personas: Any) -> None:
    truck, tracker = tracked
    # A reading buffered in a tunnel arrives late: it still takes its place in time on the route.
    first = Reading.objects.get(device=tracker, seq=1).device_ts
    Ingestor().store([message("FL-MAP-1", 9, first.timestamp() + 5, speed_kmh=4.0, pos=(119.9502, 31.7802))])
    day = timezone.localdate(first)
    track = selectors_map.forklift_track(user=personas.enterprise_user, forklift=truck, day=day)
    assert [(p[1], p[0]) for p in track.points] == [(119.95, 31.78), (119.9502, 31.7802), (119.9505, 31.7805), IN_PLANT]
    assert [p[2] for p in track.points] == sorted(p[2] for p in track.points)
    assert track.total == 4 and not track.capped
    alarm = Alarm.objects.get(device=tracker, rule_id="overspeed")
    assert [(a["id"], a["level"], a["firing"]) for a in track.alarms] == [(alarm.pk, "orange", True)]
    assert (track.alarms[0]["lon"], track.alarms[0]["lat"]) == IN_PLANT
    page = login(personas.enterprise_user).get(f"/forklifts/{truck.pk}/track/?day={day:%Y-%m-%d}").content.decode()
    assert 'id="track-data"' in page and f"/telemetry/alarms/{alarm.pk}/" in page
    assert track.alarms[0]["title"] in page and track.alarms[0]["time"] in page
    # Another day: no positions, no alarms, and the page says so.
    other = login(personas.enterprise_user).get(f"/forklifts/{truck.pk}/track/?day={day - timedelta(days=3):%Y-%m-%d}")
    assert 'data-testid="track-empty"' in other.content.decode()
    assert selectors_map.forklift_track(user=personas.enterprise_user, forklift=truck, day=day - timedelta(days=3)).alarms == []


def test_playback_is_capped_and_says_so(fleet: Any, personas: Any, monkeypatch: Any) -> None:
    truck = fleet.truck()
    tracker = fit(truck, "FL-MAP-3", fleet.city, rules=False)
    day = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    Reading.objects.bulk_create(
        [
            Reading(device=tracker, seq=i, device_ts=start + timedelta(seconds=5 * i), received_at=start,
                    lon=119.950 + i * 1e-5, lat=31.780, values={"speed_kmh": 3})
            for i in range(1, 101)
        ]
    )  # fmt: skip
    track = selectors_map.forklift_track(user=personas.enterprise_user, forklift=truck, day=day, limit=10)
    assert track.total == 100 and len(track.points) <= 10 and track.capped
    assert track.points[0][1] == pytest.approx(119.950 + 1e-5) and track.points[-1][1] == pytest.approx(119.950 + 100e-5)
    monkeypatch.setattr(selectors_map, "TRACK_LIMIT", 20)
    page = login(personas.enterprise_user).get(f"/forklifts/{truck.pk}/track/?day={day:%Y-%m-%d}").content.decode()
    assert 'data-testid="track-capped"' in page


def test_a_forklift_without_a_device_says_so_instead_of_an_empty_map(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    page = login(personas.enterprise_user).get(f"/forklifts/{truck.pk}/track/").content.decode()
    assert 'data-testid="no-device"' in page and 'id="track-map"' not in page


@pytest.mark.parametrize("day", ["not-a-day", "0001-01-01", "9999-12-31", ""])
def test_a_bad_day_shows_today(tracked: Any, personas: Any, day: str) -> None:
    truck, _ = tracked
    response = login(personas.enterprise_user).get(f"/forklifts/{truck.pk}/track/", {"day": day})
    assert response.status_code == 200
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in response.content.decode()


def test_positions_cost_a_fixed_number_of_queries(
    tracked: Any, fleet: Any, personas: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        truck = fleet.truck()
        fit(truck, f"FL-MAP-Q{n}", fleet.city)
        Ingestor().store([message(f"FL-MAP-Q{n}", 1, recent(30), speed_kmh=2.0, pos=IN_PLANT)])
    client = login(personas.enterprise_user)
    client.get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json")  # warm the session / principal
    with django_assert_max_num_queries(12):
        assert len(client.get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json").json()["trucks"]) == 5


# --- the same through the API ------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("enterprise_user", 200), ("district_b", 404), ("expert", 404)])
def test_positions_and_the_route_through_the_api(tracked: Any, fleet: Any, personas: Any, persona: str, status: int) -> None:
    from rest_framework.test import APIClient

    truck, tracker = tracked
    client = APIClient()
    client.force_authenticate(getattr(personas, persona))
    positions = client.get(f"/api/forklifts/plants/{fleet.plant_a.pk}/positions/")
    day = timezone.localdate(Reading.objects.filter(device=tracker).earliest("device_ts").device_ts)
    route = client.get(f"/api/forklifts/forklifts/{truck.pk}/track/", {"day": f"{day:%Y-%m-%d}"})
    assert (positions.status_code, route.status_code) == (status, status)
    if status != 200:
        return
    page = login(personas.enterprise_user).get(f"/forklifts/plants/{fleet.plant_a.pk}/positions.json").json()
    api = positions.json()
    # "at" is the moment each answer was made (to the second): two requests may straddle a second.
    assert api.pop("at") and page.pop("at")
    assert api == page and positions["Cache-Control"] == "no-store"
    body = route.json()
    expected = selectors_map.forklift_track(user=personas.enterprise_user, forklift=truck, day=day)
    assert body["points"] == expected.points and body["total"] == expected.total == 3
    assert [a["id"] for a in body["alarms"]] == [a["id"] for a in expected.alarms] and body["alarms"]
    assert client.get(f"/api/forklifts/forklifts/{truck.pk}/track/", {"day": "yesterday"}).status_code == 400
