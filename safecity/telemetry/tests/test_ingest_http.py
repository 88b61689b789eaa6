"""``POST /api/telemetry/ingest/``: a device without MQTT sends readings with its own token and gets
one result per payload; a wrong or revoked token is refused and stores nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safecity.telemetry.choices import AlarmState
from safecity.telemetry.ingest import http
from safecity.telemetry.models import Alarm, IngestCounter, Reading
from safecity.telemetry.tests.ingest_helpers import device, rule_set

pytestmark = pytest.mark.django_db
URL = "/api/telemetry/ingest/"


@pytest.fixture(autouse=True)
def fresh_ingestor() -> None:
    http._ingestor = None  # each test's database is new: so is the process's ingest cache


@pytest.fixture
def tracker(city: Any) -> tuple[Any, str]:
    made, credentials = device(city, "HTTP-0001", rules=rule_set(city.enterprise_a))
    return made, credentials.http_token


def post(body: Any, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, bytes) else json.dumps(body)
    return Client().post(URL, data=data, content_type="application/json", **headers)


def reading(seq: int, ts: float, **values: Any) -> dict[str, Any]:
    return {"seq": seq, "ts": round(ts * 1000), "values": values, "pos": [119.95, 31.70]}


def test_a_list_of_readings_gets_one_result_each(tracker: tuple[Any, str]) -> None:
    forklift, token = tracker
    t = time.time() - 30
    response = post(
        [reading(1, t, speed_kmh=3.0), reading(2, t + 1, speed_kmh=16.0), {"seq": "x"}, reading(1, t, speed_kmh=3.0)], token
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["refused"]) == (2, 2)
    assert [r["status"] for r in body["results"]] == ["stored", "stored", "refused", "refused"]
    assert body["results"][1] == {"status": "stored", "seq": 2, "evaluation": "evaluated"}
    assert [r.get("reason") for r in body["results"][2:]] == ["malformed", "duplicate"]
    assert sorted(Reading.objects.filter(device=forklift).values_list("seq", flat=True)) == [1, 2]
    # The same evaluation as over MQTT: the overspeed opened an alarm.
    assert Alarm.objects.get(device=forklift).state == AlarmState.FIRING


def test_one_payload_and_a_body_that_is_not_json(tracker: tuple[Any, str]) -> None:
    _forklift, token = tracker
    one = post(reading(5, time.time() - 5, speed_kmh=1.0), token).json()
    assert one["results"] == [{"status": "stored", "seq": 5, "evaluation": "evaluated"}]
    bad = post(b"speed=5", token).json()
    assert bad["results"][0]["reason"] == "malformed"
    assert IngestCounter.objects.get(day=timezone.localdate(), reason="malformed").count == 1


@pytest.mark.parametrize("token", [None, "not-a-token", "revoked"])
def test_no_good_token_no_reading(tracker: tuple[Any, str], city: Any, token: str | None) -> None:
    forklift, good = tracker
    if token == "revoked":
        from safecity.telemetry.services.devices import device_revoke

        device_revoke(actor=city.superuser, device=forklift, reason="decommissioned")
        token = good
    response = post(reading(1, time.time(), speed_kmh=1.0), token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Reading.objects.exists()


def test_another_devices_token_cannot_post_as_this_one(tracker: tuple[Any, str], city: Any) -> None:
    _forklift, _token = tracker
    _other, credentials = device(city, "HTTP-0002")
    post(reading(1, time.time() - 1, speed_kmh=1.0), credentials.http_token)
    # The token names the device: the reading is the other device's, whatever the body says.
    assert list(Reading.objects.values_list("device__serial", flat=True)) == ["HTTP-0002"]


def test_too_many_items_are_refused_whole(tracker: tuple[Any, str]) -> None:
    _forklift, token = tracker
    response = post([reading(n, time.time() - 1) for n in range(http.MAX_ITEMS + 1)], token)
    assert response.status_code == 413
    assert not Reading.objects.exists()
