"""Pages and API: what each persona may open and do, exports, the phone check form, the plan image,
query counts on the lists."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from safecity.forklifts import services
from safecity.forklifts.choices import CheckKind, ForkliftStatus
from safecity.forklifts.models import SafetyCheck
from safecity.hazards.models import HiddenHazard

pytestmark = pytest.mark.django_db

PAGES = ["/forklifts/", "/forklifts/drivers/", "/forklifts/checks/", "/forklifts/safety/", "/forklifts/plants/"]


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["city_official", "district_a", "district_b", "enterprise_user"])
def test_pages_open_for_those_who_see_the_platform(fleet: Any, personas: Any, persona: str) -> None:
    truck = fleet.truck()
    client = login(getattr(personas, persona))
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    detail = client.get(f"/forklifts/{truck.pk}/")
    assert detail.status_code == (404 if persona == "district_b" else 200)
    listing = client.get("/forklifts/").content.decode()
    assert (truck.number in listing) == (persona != "district_b")


@pytest.mark.parametrize("persona", ["expert", "outsider"])
def test_others_are_refused(fleet: Any, personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    for page in [*PAGES, "/forklifts/compliance/"]:
        assert client.get(page).status_code == 403, page
    assert client.get("/api/forklifts/forklifts/").json()["results"] == []


def test_anonymous_is_sent_to_login() -> None:
    assert Client().get("/forklifts/").status_code == 302


def test_compliance_page_is_for_regulators(fleet: Any, personas: Any) -> None:
    fleet.truck(org=fleet.city.enterprise_b)
    page = login(personas.district_a).get("/forklifts/compliance/")
    assert page.status_code == 200
    assert "常州乙化工有限公司" not in page.content.decode()
    assert "常州乙化工有限公司" in login(personas.city_official).get("/forklifts/compliance/").content.decode()
    assert login(personas.enterprise_user).get("/forklifts/compliance/").status_code == 403


def test_registry_exports_excel_with_the_same_rows(fleet: Any, personas: Any) -> None:
    from openpyxl import load_workbook

    mine = fleet.truck()
    other = fleet.truck(org=fleet.city.enterprise_b)
    response = login(personas.district_a).get("/forklifts/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [mine.number] and other.number not in numbers
    assert rows[0][0] == "In-plant number"


def test_filter_by_inspection_status(fleet: Any, personas: Any) -> None:
    overdue = fleet.truck(last_inspected_on=timezone.localdate() - timedelta(days=800))
    fine = fleet.truck()
    page = login(personas.enterprise_user).get("/forklifts/?inspection=overdue").content.decode()
    assert overdue.number in page and f">{fine.number}<" not in page


def test_stop_a_truck_from_its_page_and_the_buttons_follow_the_table(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    client = login(personas.enterprise_user)
    page = client.get(f"/forklifts/{truck.pk}/").content.decode()
    assert f"/forklifts/{truck.pk}/action/stop/" in page and "/action/resume/" not in page
    client.post(f"/forklifts/{truck.pk}/action/stop/", {"expected": "in_use", "comment": "检修"})
    truck.refresh_from_db()
    assert truck.status == ForkliftStatus.STOPPED
    # Another district's official cannot even see it.
    assert login(personas.district_b).post(f"/forklifts/{truck.pk}/action/resume/").status_code == 404


def test_daily_check_on_the_phone_with_findings_becomes_hazards(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    client = login(personas.enterprise_user)
    form = client.get("/forklifts/checks/new/?kind=daily")
    assert form.status_code == 200 and 'name="findings"' in form.content.decode()
    response = client.post(
        "/forklifts/checks/new/",
        {
            "organisation": fleet.city.enterprise_a.pk,
            "kind": "daily",
            "summary": "班前检查",
            "findings": f"{truck.number}：喇叭不响\n灯光损坏",
        },
    )
    check = SafetyCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forklifts/checks/{check.pk}/"
    assert [f.forklift for f in check.findings.order_by("id")] == [truck, None]
    assert HiddenHazard.objects.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "喇叭不响" in detail
    # The same day again is refused with a message, nothing recorded twice.
    again = client.post("/forklifts/checks/new/", {"organisation": fleet.city.enterprise_a.pk, "kind": "daily"})
    assert again.status_code == 200 and SafetyCheck.objects.count() == 1


def test_zero_risk_report_and_missed_days_flagged(fleet: Any, personas: Any) -> None:
    client = login(personas.enterprise_user)
    page = client.get("/forklifts/checks/").content.decode()
    assert 'data-testid="missed"' in page  # the officer was appointed 60 days ago, nothing recorded since
    client.post("/forklifts/checks/new/", {"organisation": fleet.city.enterprise_a.pk, "kind": "daily"})
    assert SafetyCheck.objects.get().zero_risk


def test_plant_map_and_plan_image_are_scoped_and_sandboxed(fleet: Any, personas: Any) -> None:
    plant = fleet.plant_a
    plant.site_plan.save("plan.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    client = login(personas.enterprise_user)
    page = client.get(f"/forklifts/plants/{plant.pk}/").content.decode()
    assert "data-plant-map" in page and "成品仓库" in page
    image = client.get(f"/forklifts/plants/{plant.pk}/plan/")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert "sandbox" in image["Content-Security-Policy"] and image["X-Content-Type-Options"] == "nosniff"
    assert login(personas.district_b).get(f"/forklifts/plants/{plant.pk}/plan/").status_code == 404


def test_list_query_counts_do_not_grow_with_rows(fleet: Any, personas: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        fleet.truck()
        fleet.driver()
    client = login(personas.city_official)
    client.get("/forklifts/")  # warm the session and the principal
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in [
        "/forklifts/",
        "/forklifts/drivers/",
        "/forklifts/checks/",
        "/forklifts/compliance/",
        "/api/forklifts/forklifts/",
    ]:
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[url] = len(few)
    for _ in range(12):
        fleet.truck()
        fleet.driver()
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200


def test_api_add_a_truck_and_step_it(fleet: Any, personas: Any) -> None:
    client = login(personas.enterprise_user)
    today = timezone.localdate()
    body = {
        "organisation": fleet.city.enterprise_a.pk, "plant": fleet.plant_a.pk, "number": "API-1", "product_number": "P1",
        "manufacturer": "杭叉", "model_name": "CPD30", "vehicle_type": "counterbalance_battery", "rated_load_kg": 3000,
        "manufactured_on": str(today - timedelta(days=100)), "first_used_on": str(today - timedelta(days=40)),
        "last_inspected_on": str(today - timedelta(days=40)),
    }  # fmt: skip
    created = client.post("/api/forklifts/forklifts/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["registration_status"] == "overdue" and data["inspection_status"] == "ok"
    pk = data["id"]
    registered = client.post(
        f"/api/forklifts/forklifts/{pk}/register-use/",
        {"registration_number": "车11苏D77777", "registered_on": str(today)},
        content_type="application/json",
    )
    assert registered.json()["registration_status"] == "late"
    again = client.post(
        f"/api/forklifts/forklifts/{pk}/register-use/",
        {"registration_number": "车11苏D77778", "registered_on": str(today)},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    wrong = client.post(f"/api/forklifts/forklifts/{pk}/transition/", {"action": "resume"}, content_type="application/json")
    assert wrong.status_code == 409 and wrong.json()["code"] == "transition_not_allowed"
    assert (
        client.post(f"/api/forklifts/forklifts/{pk}/transition/", {"action": "stop"}, content_type="application/json").json()[
            "status"
        ]
        == "stopped"
    )
    # Another district cannot reach it; an enterprise cannot add to another's plant.
    assert login(personas.district_b).get(f"/api/forklifts/forklifts/{pk}/").status_code == 404
    refused = client.post(
        "/api/forklifts/forklifts/", {**body, "number": "API-2", "plant": fleet.plant_b.pk}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert client.get("/api/forklifts/forklifts/99999999999999999999/").status_code == 404


def test_api_start_check_and_rules(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    fleet.driver(card="CARD-1")
    client = login(personas.enterprise_user)
    ok = client.post(
        f"/api/forklifts/forklifts/{truck.pk}/start-check/", {"card_or_face_id": "CARD-1"}, content_type="application/json"
    )
    assert ok.json() == {"allowed": True, "problems": []}
    bad = client.post(
        f"/api/forklifts/forklifts/{truck.pk}/start-check/", {"card_or_face_id": "X"}, content_type="application/json"
    ).json()
    assert bad["allowed"] is False and bad["problems"][0]["code"] == "unknown_driver" and bad["problems"][0]["message"]
    rules = client.get(f"/api/forklifts/forklifts/{truck.pk}/rules/").json()["rules"]
    assert any(r["id"] == "overload" and r["value"] == 3000 for r in rules)


def test_api_checks_drivers_plants_and_compliance(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    client = login(personas.enterprise_user)
    check = client.post(
        "/api/forklifts/checks/",
        {
            "organisation": fleet.city.enterprise_a.pk,
            "kind": "weekly",
            "findings": [{"description": "货叉裂纹", "forklift": truck.pk}],
        },
        content_type="application/json",
    )
    assert check.status_code == 201, check.json()
    assert check.json()["zero_risk"] is False and check.json()["findings"][0]["hazard_code"]
    meeting = client.post(
        "/api/forklifts/checks/", {"organisation": fleet.city.enterprise_a.pk, "kind": "monthly"}, content_type="application/json"
    )
    assert meeting.status_code == 400 and "minutes" in meeting.json()["fields"]
    driver = client.post(
        "/api/forklifts/drivers/",
        {
            "organisation": fleet.city.enterprise_a.pk,
            "name": "周师傅",
            "certificate_number": "N1-API",
            "certificate_issued_on": "2024-05-10",
            "card_id": "API-CARD",
        },
        content_type="application/json",
    )
    assert driver.status_code == 201 and driver.json()["certificate_valid_until"] == "2028-05-09"
    zone = client.post(
        f"/api/forklifts/plants/{fleet.plant_a.pk}/zones/",
        {"name": "禁区", "kind": "forbidden", "polygon": [[119.95, 31.78], [119.951, 31.78], [119.951, 31.781]]},
        content_type="application/json",
    )
    assert zone.status_code == 201 and zone.json()["speed_limit_kmh"] is None
    assert client.get("/api/forklifts/compliance/").status_code == 403
    rows = login(personas.district_a).get("/api/forklifts/compliance/").json()
    assert [r["organisation_name"] for r in rows] == ["常州甲化工有限公司"]
    assert login(personas.district_b).get("/api/forklifts/checks/").json()["results"] == []


def test_check_created_today_is_done_flag(fleet: Any, personas: Any) -> None:
    services.safety_check_record(actor=personas.enterprise_user, organisation=fleet.city.enterprise_a, kind=CheckKind.DAILY)
    page = login(personas.enterprise_user).get("/forklifts/checks/").content.decode()
    assert "✓" in page


def test_fitting_a_monitoring_device_to_a_truck_from_its_page(fleet: Any, personas: Any) -> None:
    from safecity.forklifts.choices import EventKind
    from safecity.forklifts.models import Forklift, ForkliftEvent

    truck = fleet.truck()
    client = login(personas.enterprise_user)
    detail = client.get(f"/forklifts/{truck.pk}/").content.decode()
    assert 'data-testid="fit-device"' in detail
    url = f"/telemetry/devices/new/?mount=forklifts.forklift:{truck.pk}"
    page = client.get(url)
    assert page.status_code == 200 and truck.number in page.content.decode()
    assert page.context["form"].initial["organisation"] == truck.organisation_id
    response = client.post(url, {"organisation": truck.organisation_id, "serial": "CZFL-NEW-1", "kind": "forklift_tracker"})
    assert response.status_code == 200 and response.context["credentials"].mqtt_password
    truck = Forklift.objects.get(pk=truck.pk)
    assert truck.device is not None and truck.device.serial == "CZFL-NEW-1" and truck.device.mounted_on == truck
    assert ForkliftEvent.objects.filter(forklift=truck, kind=EventKind.DEVICE, comment="CZFL-NEW-1").exists()
    assert 'data-testid="device-link"' in client.get(f"/forklifts/{truck.pk}/").content.decode()
    # Another enterprise's manager sees no such truck to fit a device to.
    assert login(fleet.staff_b).get(url).status_code == 404


def test_an_enterprise_fits_its_first_device_to_a_truck_through_the_api(fleet: Any, personas: Any) -> None:
    from rest_framework.test import APIClient

    from safecity.forklifts.models import Forklift

    truck = fleet.truck()
    client = APIClient()
    client.force_authenticate(personas.enterprise_user)
    body = {"serial": "CZFL-API-1", "kind": "forklift_tracker", "organisation": truck.organisation_id}
    bad = client.post("/api/telemetry/devices/", {**body, "mounted_on": "forklifts.forklift:999999"}, format="json")
    assert bad.status_code == 400 and "mounted_on" in str(bad.json())
    response = client.post("/api/telemetry/devices/", {**body, "mounted_on": f"forklifts.forklift:{truck.pk}"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["device"]["mounted_on"] == str(truck)
    assert Forklift.objects.get(pk=truck.pk).device.serial == "CZFL-API-1"
    other = APIClient()
    other.force_authenticate(fleet.staff_b)
    refused = other.post(
        "/api/telemetry/devices/", {**body, "serial": "CZFL-API-2", "mounted_on": f"forklifts.forklift:{truck.pk}"}, format="json"
    )
    assert refused.status_code in (400, 403)


def test_a_plant_is_added_and_a_zone_drawn_on_its_page(fleet: Any, personas: Any) -> None:
    from safecity.forklifts.models import Plant, PlantZone

    client = login(personas.enterprise_user)
    assert 'data-testid="plant-add"' in client.get("/forklifts/plants/").content.decode()
    org = fleet.city.enterprise_a.pk
    bounds = {"south": "31.700000", "west": "119.900000", "north": "31.702000", "east": "119.903000"}
    plan = ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', name="plan.svg")
    response = client.post("/forklifts/plants/add/", {"organisation": org, "name": "三号厂区", **bounds, "site_plan": plan})
    plant = Plant.objects.get(name="三号厂区")
    assert response.status_code == 302 and response["Location"] == f"/forklifts/plants/{plant.pk}/"
    assert plant.site_plan and plant.organisation_id == org
    page = client.get(f"/forklifts/plants/{plant.pk}/").content.decode()
    assert 'data-testid="zone-form"' in page
    corners = "119.9005, 31.7005\n119.9015，31.7005\n119.9015 31.7015\n"
    added = client.post(f"/forklifts/plants/{plant.pk}/", {"name": "装卸区", "kind": "pedestrian", "points": corners})
    assert added.status_code == 302
    zone = PlantZone.objects.get(plant=plant)
    assert zone.polygon == [[119.9005, 31.7005], [119.9015, 31.7005], [119.9015, 31.7015]]
    assert zone.speed_limit_kmh is not None  # the kind's usual limit
    # Corners outside the plant, or too few, or not numbers: the form says so, nothing is added.
    for bad in ("119.95, 31.75\n119.96, 31.75\n119.96, 31.76", "119.9005, 31.7005\n119.9015, 31.7005", "a, b\n1, 2\n3, 4"):
        refused = client.post(f"/forklifts/plants/{plant.pk}/", {"name": "x", "kind": "indoor", "points": bad})
        assert refused.status_code == 200 and refused.context["zone_form"].errors.get("points"), bad
    assert PlantZone.objects.filter(plant=plant).count() == 1
    # Someone who may see the plant but not change it gets no form and may not post one.
    district_b = login(personas.district_b)
    assert district_b.get(f"/forklifts/plants/{plant.pk}/").status_code == 404
    assert login(fleet.staff_b).post("/forklifts/plants/add/", {"organisation": org, "name": "x", **bounds}).status_code == 200
    assert not Plant.objects.filter(name="x").exists()


def test_a_fitted_device_gets_the_trucks_rules_and_they_follow_the_plants_zones(fleet: Any, personas: Any) -> None:
    from safecity.forklifts.rules import forklift_rules
    from safecity.telemetry.services.rule_sets import rule_set_update

    truck, other = fleet.truck(), fleet.truck()
    client = login(personas.enterprise_user)
    for t, serial in ((truck, "CZFL-R-1"), (other, "CZFL-R-2")):
        url = f"/telemetry/devices/new/?mount=forklifts.forklift:{t.pk}"
        assert (
            client.post(url, {"organisation": t.organisation_id, "serial": serial, "kind": "forklift_tracker"}).status_code == 200
        )
        t.refresh_from_db()
    rules = truck.device.rule_set
    assert rules is not None and rules.rules == forklift_rules(truck) and rules.organisation_id == truck.organisation_id
    # People edit the other truck's rules: those are theirs from then on.
    edited = [r for r in other.device.rule_set.rules if r["id"] != "overload"]
    rule_set_update(actor=personas.enterprise_user, rule_set=other.device.rule_set, rules=edited)
    version = rules.version
    square = [[119.9501, 31.7801], [119.9504, 31.7801], [119.9504, 31.7804]]
    services.plant_zone_add(actor=personas.enterprise_user, plant=fleet.plant_a, name="禁行区", kind="forbidden", polygon=square)
    rules.refresh_from_db()
    assert rules.version == version + 1 and rules.rules == forklift_rules(truck)
    assert any("禁行区" in str(r) or r.get("zone", {}).get("polygon") for r in rules.rules if r["kind"] == "geofence")
    other.device.rule_set.refresh_from_db()
    assert other.device.rule_set.rules == edited
    page = client.get(f"/forklifts/plants/{fleet.plant_a.pk}/").content.decode()
    assert truck.number in page and other.number in page and "禁行区" in page
