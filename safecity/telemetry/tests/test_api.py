"""The telemetry API: the same reach as the pages, every write through a service, a rule set's
errors naming the rule and its field, credentials shown once, readings in keyset pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from safecity.telemetry.choices import DeviceStatus
from safecity.telemetry.models import IngestCounter, Reading, RuleSet, Silence
from safecity.telemetry.tests.world import RULES, SEES_A

pytestmark = pytest.mark.django_db
API = "/api/telemetry"


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("persona", list(SEES_A))
def test_alarms_within_reach(tm: Any, persona: str) -> None:
    alarm = tm.fire(tm.device_a, "overspeed")
    client = _client(tm.audience()[persona])
    response = client.get(f"{API}/alarms/")
    if persona == "outsider":
        assert response.status_code == 403
        return
    ids = [row["id"] for row in response.json()["results"]]
    assert (alarm.pk in ids) is SEES_A[persona]
    detail = client.get(f"{API}/alarms/{alarm.pk}/")
    assert detail.status_code == (200 if SEES_A[persona] else 404)
    if SEES_A[persona]:
        body = detail.json()
        assert body["title"] == "Overspeed in the warehouse" and body["level"] == "orange"
        assert body["detail"] == "speed (km/h) 7.2 (limit > 5), for 3 s"
        assert [e["action"] for e in body["events"]][:1] == ["fire"]


def test_the_alarm_list_costs_the_same_queries_for_more_rows(tm: Any) -> None:
    client = _client(tm.personas.city_official)
    tm.fire(tm.device_a, "overspeed")
    client.get(f"{API}/alarms/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/alarms/")
    for rule in ("belt", "offline"):
        tm.fire(tm.device_a, rule)
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(f"{API}/alarms/").json()["results"]) == 4
    assert len(more) == len(few)


def test_the_device_list_costs_the_same_queries_for_more_rows(tm: Any) -> None:
    from safecity.telemetry.services.devices import device_register

    client = _client(tm.personas.city_official)
    client.get(f"{API}/devices/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/devices/")
    for n in range(3):
        device_register(actor=tm.city.superuser, serial=f"GAS-{n}", kind="gas_detector", organisation=tm.city.enterprise_a)
    with CaptureQueriesContext(connection) as more:
        assert client.get(f"{API}/devices/").json()["count"] == 5
    assert len(more) == len(few)


def test_filters_of_the_alarm_list(tm: Any) -> None:
    tm.fire(tm.device_a, "overspeed")
    tm.fire(tm.device_a, "belt")
    tm.apply(tm.event(tm.device_a, "belt", action="clear"))
    client = _client(tm.personas.city_official)
    assert [a["rule_id"] for a in client.get(f"{API}/alarms/", {"state": "firing"}).json()["results"]] == ["overspeed"]
    assert [a["rule_id"] for a in client.get(f"{API}/alarms/", {"level": "red"}).json()["results"]] == ["belt"]
    assert [a["rule_id"] for a in client.get(f"{API}/alarms/", {"kind": "state"}).json()["results"]] == ["belt"]
    assert client.get(f"{API}/alarms/", {"organisation": tm.city.enterprise_b.pk}).json()["results"] == []
    since = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get(f"{API}/alarms/", {"fired_from": since}).json()["results"] == []
    assert client.get(f"{API}/alarms/", {"level": "purple"}).status_code == 400


def test_acknowledge_through_the_api(tm: Any) -> None:
    alarm = tm.fire(tm.device_a, "overspeed")
    assert _client(tm.staff_b).post(f"{API}/alarms/{alarm.pk}/acknowledge/", {"note": "x"}).status_code == 404
    response = _client(tm.personas.district_a).post(f"{API}/alarms/{alarm.pk}/acknowledge/", {"note": "On my way"}, format="json")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    again = _client(tm.personas.enterprise_user).post(f"{API}/alarms/{alarm.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid"


def test_silences_through_the_api(tm: Any) -> None:
    client = _client(tm.personas.enterprise_user)
    ends = (timezone.now() + timedelta(hours=3)).isoformat()
    response = client.post(
        f"{API}/silences/",
        {"organisation": tm.city.enterprise_a.pk, "kind": "absence", "ends_at": ends, "reason": "Network works"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["active"] is True
    silence_id = response.json()["id"]
    refused = client.post(
        f"{API}/silences/", {"organisation": tm.city.enterprise_b.pk, "ends_at": ends, "reason": "not mine"}, format="json"
    )
    assert refused.status_code == 403
    no_reason = client.post(
        f"{API}/silences/", {"organisation": tm.city.enterprise_a.pk, "ends_at": ends, "reason": ""}, format="json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert _client(tm.staff_b).get(f"{API}/silences/").json()["results"] == []
    assert client.post(f"{API}/silences/{silence_id}/expire/").json()["active"] is False
    assert Silence.objects.get().expired_early_at is not None


def test_rule_sets_are_validated_naming_the_rule_and_the_field(tm: Any) -> None:
    client = _client(tm.personas.enterprise_user)
    bad = [{"id": "fast", "kind": "threshold", "level": "purple", "metric": "speed_kmh", "op": ">", "value": 5}]
    response = client.post(
        f"{API}/rule-sets/", {"name": "Yard", "organisation": tm.city.enterprise_a.pk, "rules": bad}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["rules"][0].startswith("rules[0].level")
    created = client.post(
        f"{API}/rule-sets/", {"name": "Yard", "organisation": tm.city.enterprise_a.pk, "rules": RULES[:1]}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["version"] == 1 and body["rules_in_words"][0]["summary"].startswith("speed (km/h) > 5")
    policy = [{**RULES[0], "hazard": {"count": 0, "within_days": 7}}]
    patched = client.patch(f"{API}/rule-sets/{body['id']}/", {"rules": policy}, format="json")
    assert patched.status_code == 400 and patched.json()["fields"]["rules"][0].startswith("rules[0].hazard.count")
    renamed = client.patch(f"{API}/rule-sets/{body['id']}/", {"name": "Yard 2", "rules": RULES[:2]}, format="json")
    assert renamed.status_code == 200 and renamed.json()["version"] == 2 and renamed.json()["name"] == "Yard 2"
    other = client.post(
        f"{API}/rule-sets/", {"name": "Theirs", "organisation": tm.city.enterprise_b.pk, "rules": []}, format="json"
    )
    assert other.status_code == 403
    assert _client(tm.staff_b).get(f"{API}/rule-sets/{body['id']}/").status_code == 404
    assert RuleSet.objects.filter(organisation=tm.city.enterprise_b).count() == 0


def test_devices_registered_rotated_and_revoked_through_the_api(tm: Any) -> None:
    client = _client(tm.personas.enterprise_user)
    response = client.post(
        f"{API}/devices/",
        {"serial": "FL-A-777", "kind": "forklift_tracker", "organisation": tm.city.enterprise_a.pk, "rule_set": tm.rule_set.pk},
        format="json",
    )
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["device"]["topic_prefix"] == "safecity/v1/FL-A-777/" and len(body["credentials"]["mqtt_password"]) > 20
    device_id = body["device"]["id"]
    assert "mqtt_password" not in client.get(f"{API}/devices/{device_id}/").json()
    elsewhere = client.post(
        f"{API}/devices/",
        {"serial": "FL-B-777", "kind": "forklift_tracker", "organisation": tm.city.enterprise_b.pk},
        format="json",
    )
    assert elsewhere.status_code == 403
    rotated = client.post(f"{API}/devices/{device_id}/rotate/")
    assert rotated.status_code == 200 and rotated.json()["mqtt_password"] != body["credentials"]["mqtt_password"]
    assert client.post(f"{API}/devices/{device_id}/revoke/", {"reason": ""}, format="json").status_code == 400
    revoked = client.post(f"{API}/devices/{device_id}/revoke/", {"reason": "Lost"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == DeviceStatus.REVOKED
    assert client.post(f"{API}/devices/{device_id}/rotate/").status_code == 400
    assert client.post(f"{API}/devices/{device_id}/reinstate/").status_code == 200
    assert _client(tm.staff_b).post(f"{API}/devices/{device_id}/rotate/").status_code == 404


def test_readings_of_a_device_in_pages_and_its_route_of_a_day(tm: Any) -> None:
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    Reading.objects.bulk_create(
        Reading(
            device=tm.device_a,
            seq=n,
            device_ts=start + timedelta(seconds=5 * n),
            received_at=start + timedelta(seconds=5 * n),
            values={"speed_kmh": n / 2},
            lon=119.95 + n / 10000 if n % 10 else None,
            lat=31.78 if n % 10 else None,
        )
        for n in range(30)
    )
    client = _client(tm.personas.enterprise_user)
    first = client.get(f"{API}/devices/{tm.device_a.pk}/readings/", {"page_size": 20}).json()
    assert first["count"] == 30 and [r["seq"] for r in first["results"]] == list(range(20))
    second = client.get(first["next"]).json()
    assert [r["seq"] for r in second["results"]] == list(range(20, 30))
    window = client.get(
        f"{API}/devices/{tm.device_a.pk}/readings/",
        {"since": (start + timedelta(seconds=50)).isoformat(), "until": (start + timedelta(seconds=100)).isoformat()},
    ).json()
    assert [r["seq"] for r in window["results"]] == list(range(10, 20))
    route = client.get(f"{API}/devices/{tm.device_a.pk}/route/", {"day": timezone.localdate(start).isoformat()}).json()
    assert len(route) == 27 and route[0] == {
        "t": route[0]["t"],
        "lon": pytest.approx(119.9501),
        "lat": 31.78,
        "speed": 0.5,
    }
    assert _client(tm.staff_b).get(f"{API}/devices/{tm.device_a.pk}/readings/").status_code == 404


def test_refused_message_counters_for_the_city_only(tm: Any) -> None:
    IngestCounter.objects.create(day=timezone.localdate(), reason="future", count=3)
    assert _client(tm.personas.district_a).get(f"{API}/refused/").status_code == 403
    rows = _client(tm.personas.city_official).get(f"{API}/refused/").json()
    assert rows == [{"day": timezone.localdate().isoformat(), "reason": "future", "reason_display": "Timestamp too far in the future", "count": 3, "last_detail": ""}]  # fmt: skip
