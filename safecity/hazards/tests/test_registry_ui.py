"""Keeping a risk registry through the UI: open, object, unit, assessed event, measure, upgrade page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safecity.hazards.models import RiskEvent, RiskObject, RiskUnit
from safecity.riskdict.models import DictionaryVersion


def test_district_official_builds_a_registry_in_the_ui(client: Any, city: Any, personas: Any) -> None:
    DictionaryVersion.objects.create(version="2023.1", title="t", status="published", published_at=timezone.now())
    client.force_login(personas.district_a)
    assert client.get("/hazards/registry/").status_code == 200
    assert client.post(f"/hazards/registry/{city.enterprise_a.pk}/open/").status_code == 302
    assert client.get(f"/hazards/registry/{city.enterprise_a.pk}/").status_code == 200
    response = client.post(f"/hazards/registry/{city.enterprise_a.pk}/objects/new/", {"name": "罐区", "kind": "production"})
    assert response.status_code == 302
    obj = RiskObject.objects.get()
    assert client.post(f"/hazards/registry/objects/{obj.pk}/units/new/", {"name": "1号罐"}).status_code == 302
    unit = RiskUnit.objects.get()
    lec = {"name": "泄漏火灾", "method": "LEC", "initial_l": "3", "initial_e": "6", "initial_c": "15"}
    assert client.post(f"/hazards/registry/units/{unit.pk}/events/new/", lec).status_code == 302
    event = RiskEvent.objects.get()
    assert (event.initial_level, event.current_level, event.initial_score) == (2, 2, 270)
    bad = client.post(f"/hazards/registry/units/{unit.pk}/events/new/", {**lec, "name": "x", "initial_e": "7"})
    assert bad.status_code == 200 and RiskEvent.objects.count() == 1
    measure = {"measure_class": "engineering", "subclass": "process_control", "content": "液位联锁"}
    assert client.post(f"/hazards/registry/events/{event.pk}/measures/new/", measure).status_code == 302
    assert client.get(f"/hazards/registry/{city.enterprise_a.pk}/upgrade/").status_code == 200
    assert "液位联锁" in client.get(f"/hazards/registry/{city.enterprise_a.pk}/").content.decode()


def test_other_district_cannot_open_or_see_the_registry(client: Any, city: Any, personas: Any) -> None:
    DictionaryVersion.objects.create(version="2023.1", title="t", status="published", published_at=timezone.now())
    client.force_login(personas.district_b)
    assert client.post(f"/hazards/registry/{city.enterprise_a.pk}/open/").status_code == 404
    client.force_login(personas.district_a)
    client.post(f"/hazards/registry/{city.enterprise_a.pk}/open/")
    client.force_login(personas.district_b)
    assert client.get(f"/hazards/registry/{city.enterprise_a.pk}/").status_code == 404
    client.force_login(personas.expert)
    assert client.get(f"/hazards/registry/{city.enterprise_a.pk}/").status_code == 404


def test_registry_through_the_api(client: Any, city: Any, personas: Any) -> None:
    DictionaryVersion.objects.create(version="2023.1", title="t", status="published", published_at=timezone.now())
    client.force_login(personas.enterprise_user)
    org = city.enterprise_a.pk
    assert client.post(f"/api/hazards/registry/{org}/").status_code == 201
    obj = client.post(
        f"/api/hazards/registry/{org}/objects/", {"name": "反应装置", "kind": "production"}, content_type="application/json"
    )
    assert obj.status_code == 201
    unit = client.post(
        f"/api/hazards/risk-objects/{obj.json()['id']}/units/", {"name": "1#反应釜"}, content_type="application/json"
    )
    assert unit.status_code == 201
    url = f"/api/hazards/risk-units/{unit.json()['id']}/events/"
    bad = client.post(url, {"name": "超温超压", "method": "LS", "initial": {"L": 6, "S": 5}}, content_type="application/json")
    assert bad.status_code == 400 and "initial" in bad.json()["fields"]
    event = client.post(
        url,
        {"name": "超温超压", "method": "LS", "initial": {"L": 4, "S": 5}, "current": {"L": 2, "S": 5}},
        content_type="application/json",
    )
    assert event.status_code == 201, event.json()
    assert (event.json()["initial_level"], event.json()["current_level"]) == (1, 2)
    task_url = f"/api/hazards/risk-events/{event.json()['id']}/measures/"
    measure = client.post(
        task_url,
        {"measure_class": "engineering", "subclass": "safety_instrumented_system", "content": "超温联锁切断进料"},
        content_type="application/json",
    )
    assert measure.status_code == 201
    zero = client.post(
        f"/api/hazards/measures/{measure.json()['id']}/tasks/",
        {"content": "联锁测试", "cycle": 0, "cycle_unit": "month"},
        content_type="application/json",
    )
    assert zero.status_code == 400 and "cycle" in zero.json()["fields"]
    registry = client.get(f"/api/hazards/registry/{org}/").json()
    assert registry["objects"][0]["units"][0]["events"][0]["measures"][0]["content"] == "超温联锁切断进料"
    client.force_login(personas.district_b)
    assert client.get(f"/api/hazards/registry/{org}/").status_code == 404
