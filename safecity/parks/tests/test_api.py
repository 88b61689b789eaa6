"""The parks API (issue 17 part 1): who sees and writes what (the district of the park, another
district, the landlord's manager, a tenant's own manager, an outsider), the refusals in the one
error format (an invalid credit code 400, a duplicate unified number 409, a failed checklist item
without a note 400 and nothing written, a sheet that is no Excel 400 with its rows), an
inspection's failed item reported as a hidden hazard of the tenant, and a tenant list whose
query count does not grow with its rows."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import City, Personas, make_user
from safecity.core.choices import Role
from safecity.core.validators import credit_code_check_character
from safecity.hazards.models import HiddenHazard
from safecity.parks.models import Park, SafetyAgreement, Tenant, TenantInspection, Training
from safecity.parks.rules import checklist_codes
from safecity.parks.services import findings_sweep, park_create, tenant_register
from safecity.parks.services.sheet import COLUMNS

pytestmark = pytest.mark.django_db

API = "/api/parks"


def valid_code(n: int, region: str = "320412") -> str:
    first17 = f"91{region}MA{n:07d}"
    return first17 + credit_code_check_character(first17)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def png(width: int = 200, height: int = 100) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, format="PNG")
    return SimpleUploadedFile("plan.png", out.getvalue(), content_type="image/png")


def all_passed() -> dict[str, Any]:
    return {code: {"ok": True, "note": ""} for code in checklist_codes()}


@dataclass
class World:
    city: City
    personas: Personas
    park: Park
    tenant_c: Tenant  # 丙: has its own enterprise manager
    tenant_d: Tenant  # 丁
    landlord: Any  # 常州乙化工 (武进区) enterprise manager
    tenant_manager: Any  # tenant 丙's enterprise manager


@pytest.fixture
def world(city: City, personas: Personas, settings: Any, tmp_path: Path) -> World:
    """A park of 常州乙化工有限公司 (武进区, district B) with two tenants new to the platform."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    root = city.superuser
    park = park_create(
        actor=root, landlord=city.enterprise_b, name="湖塘科技园", number_prefix="WJ-", inspection_interval_days=90
    )
    entered = timezone.localdate() - timedelta(days=30)
    c = tenant_register(
        actor=root, park=park, credit_code=valid_code(1), name="常州丙机械有限公司", unified_number="A01", entered_on=entered
    )
    d = tenant_register(
        actor=root, park=park, credit_code=valid_code(2), name="常州丁包装有限公司", unified_number="A02", entered_on=entered
    )
    return World(
        city=city,
        personas=personas,
        park=park,
        tenant_c=c,
        tenant_d=d,
        landlord=make_user(city, "landlord_b", city.enterprise_b, Role.ENTERPRISE_MANAGER),
        tenant_manager=make_user(city, "tenant_c_manager", c.organisation, Role.ENTERPRISE_MANAGER),
    )


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {row["id"] for row in rows}


# --- who sees what ---------------------------------------------------------------------------


def test_each_persona_sees_its_parks_and_tenants_and_nothing_else(world: World) -> None:
    p = world.personas
    both = {world.tenant_c.pk, world.tenant_d.pk}
    for user in (p.district_b, p.city_official, world.landlord):
        client = login(user)
        assert ids(client.get(f"{API}/parks/")) == {world.park.pk}
        assert ids(client.get(f"{API}/tenants/")) == both
    row = login(p.district_b).get(f"{API}/parks/").json()["results"][0]
    assert row["tenants_in"] == 2 and row["landlord_name"] == "常州乙化工有限公司" and row["region"] == "320412100"
    # The tenant's own manager: its own tenant record only, never the park's other tenants or the park.
    own = login(world.tenant_manager)
    assert ids(own.get(f"{API}/tenants/")) == {world.tenant_c.pk}
    assert own.get(f"{API}/tenants/{world.tenant_d.pk}/").status_code == 404
    assert ids(own.get(f"{API}/parks/")) == set()
    assert own.get(f"{API}/parks/{world.park.pk}/").status_code == 404
    # Another district and an outsider: nothing, and a 404 for the park and the tenant themselves.
    for user in (p.district_a, p.outsider, p.enterprise_user):
        client = login(user)
        assert ids(client.get(f"{API}/parks/")) == set()
        assert ids(client.get(f"{API}/tenants/")) == set()
        assert client.get(f"{API}/parks/{world.park.pk}/").status_code == 404
        assert client.get(f"{API}/tenants/{world.tenant_c.pk}/").status_code == 404
    assert login(None).get(f"{API}/parks/").status_code in (401, 403)


def test_a_tenant_row_says_where_it_stands_and_links_its_public_notice(world: World) -> None:
    row = login(world.tenant_manager).get(f"{API}/tenants/{world.tenant_c.pk}/").json()
    assert row["full_number"] == "WJ-A01" and row["name"] == "常州丙机械有限公司" and row["credit_code"] == valid_code(1)
    assert row["agreement"] == "missing" and row["agreement_display"] == "Missing" and row["agreement_until"] is None
    assert row["last_inspected_on"] is None and row["inspection_overdue"] is False and row["three_in_one"] is False
    assert row["notice_url"] == f"/parks/notice/{world.tenant_c.notice_token}/"
    assert Client().get(row["notice_url"]).status_code == 200


def test_the_district_registers_and_corrects_a_park_another_district_cannot(world: World) -> None:
    p, city = world.personas, world.city
    official = login(p.district_b)
    made = official.post(
        f"{API}/parks/",
        {"landlord": city.enterprise_b.pk, "name": "武进二号园", "inspection_interval_days": 30},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["tenants_in"] == 0 and body["may_manage"] is True and body["inspection_interval_days"] == 30
    park_id = body["id"]
    # A landlord out of reach answers as one that does not exist; nothing is written.
    other = login(p.district_a).post(
        f"{API}/parks/", {"landlord": city.enterprise_b.pk, "name": "越界园"}, content_type="application/json"
    )
    assert other.status_code == 400 and "landlord" in other.json()["fields"]
    assert "within your reach" in other.json()["fields"]["landlord"][0]
    assert not Park.objects.filter(name="越界园").exists()
    changed = official.patch(f"{API}/parks/{park_id}/", {"gate_notice": "进园须登记"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["gate_notice"] == "进园须登记"
    assert changed.json()["name"] == "武进二号园"
    bad = official.patch(f"{API}/parks/{park_id}/", {"inspection_interval_days": 400}, content_type="application/json")
    assert bad.status_code == 400 and "inspection_interval_days" in bad.json()["fields"]
    assert login(p.district_a).patch(f"{API}/parks/{park_id}/", {"name": "x"}, content_type="application/json").status_code == 404
    # The landlord's manager writes its park's register too; the tenant's manager cannot see the park.
    assert (
        login(world.landlord).patch(f"{API}/parks/{world.park.pk}/", {"address": "湖塘镇1号"}, content_type="application/json")
    ).status_code == 200
    tenant_side = login(world.tenant_manager).patch(
        f"{API}/parks/{world.park.pk}/", {"address": "x"}, content_type="application/json"
    )
    assert tenant_side.status_code == 404
    assert Park.objects.get(pk=world.park.pk).address == "湖塘镇1号"


def test_a_tenants_own_manager_reads_but_never_writes(world: World) -> None:
    own = login(world.tenant_manager)
    url = f"{API}/tenants/{world.tenant_c.pk}/"
    assert own.patch(url, {"workers": 99}, content_type="application/json").status_code == 403
    assert own.post(f"{url}leave/", {}, content_type="application/json").status_code == 403
    inspected = own.post(
        f"{API}/inspections/",
        {"tenant": world.tenant_c.pk, "inspected_on": str(timezone.localdate()), "results": all_passed()},
        content_type="application/json",
    )
    assert inspected.status_code == 403
    registered = own.post(
        f"{API}/tenants/",
        {"park": world.park.pk, "credit_code": valid_code(3), "name": "x", "unified_number": "B1", "entered_on": "2024-01-01"},
        content_type="application/json",
    )
    assert registered.status_code == 400 and "park" in registered.json()["fields"]
    tenant = Tenant.objects.get(pk=world.tenant_c.pk)
    assert tenant.workers == 0 and tenant.left_on is None
    assert not TenantInspection.objects.exists() and Tenant.objects.count() == 2


# --- tenants: register, refusals, leave -------------------------------------------------------


def test_register_a_tenant_and_the_refusals(world: World) -> None:
    official = login(world.personas.district_b)
    building = official.post(
        f"{API}/parks/{world.park.pk}/buildings/", {"name": "1号厂房", "floors": 2}, content_type="application/json"
    )
    assert building.status_code == 201, building.content
    made = official.post(
        f"{API}/tenants/",
        {
            "park": world.park.pk, "credit_code": valid_code(7), "name": "常州戊电子有限公司", "unified_number": "A03",
            "entered_on": "2024-03-01", "building": building.json()["id"], "area_m2": "350.5", "workers": 12,
            "uses_production": True, "uses_living": True,
        },
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    row = made.json()
    assert row["building_name"] == "1号厂房" and row["three_in_one"] is True and row["in_park"] is True
    assert row["area_m2"] == "350.5" and row["organisation"] != world.city.enterprise_b.pk
    # An invalid credit code: 400 naming the field and what is wrong.
    wrong = valid_code(8)[:-1] + ("1" if valid_code(8)[-1] != "1" else "2")
    bad = official.post(
        f"{API}/tenants/",
        {"park": world.park.pk, "credit_code": wrong, "name": "x", "unified_number": "A09", "entered_on": "2024-03-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "check character is wrong" in bad.json()["fields"]["credit_code"][0]
    assert "credit_code" in bad.json()["message"]
    # A unified number already in the park: 409, in the register's words.
    dup = official.post(
        f"{API}/tenants/",
        {"park": world.park.pk, "credit_code": valid_code(9), "name": "x", "unified_number": "A01", "entered_on": "2024-03-01"},
        content_type="application/json",
    )
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate" and "A01" in dup.json()["message"]
    assert Tenant.objects.count() == 3
    clash = official.patch(f"{API}/tenants/{world.tenant_d.pk}/", {"unified_number": "A01"}, content_type="application/json")
    assert clash.status_code == 409
    # Leaving is recorded once the tenant has gone; it keeps the record; a second leave and a
    # correction afterwards are 409.
    future = str(timezone.localdate() + timedelta(days=5))
    early = official.post(f"{API}/tenants/{world.tenant_d.pk}/leave/", {"left_on": future}, content_type="application/json")
    assert early.status_code == 400 and "left_on" in early.json()["fields"]
    assert Tenant.objects.get(pk=world.tenant_d.pk).left_on is None
    left = official.post(f"{API}/tenants/{world.tenant_d.pk}/leave/", {"reason": "合同到期"}, content_type="application/json")
    assert left.status_code == 200 and left.json()["in_park"] is False and left.json()["notice_url"] is None
    assert official.post(f"{API}/tenants/{world.tenant_d.pk}/leave/", {}, content_type="application/json").status_code == 409
    late = official.patch(f"{API}/tenants/{world.tenant_d.pk}/", {"workers": 3}, content_type="application/json")
    assert late.status_code == 409 and late.json()["code"] == "left"
    assert ids(official.get(f"{API}/tenants/", {"in_park": "false"})) == {world.tenant_d.pk}
    assert world.tenant_d.pk not in ids(official.get(f"{API}/tenants/", {"in_park": "true"}))
    assert official.get(f"{API}/tenants/", {"park": "1e9"}).status_code == 400
    assert official.get(f"{API}/tenants/", {"in_park": "maybe"}).status_code == 400


def test_the_tenant_list_query_count_does_not_grow_with_its_rows(world: World, django_assert_max_num_queries: Any) -> None:
    client = login(world.landlord)
    client.get(f"{API}/tenants/")  # the session and the principal warmed up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(ids(client.get(f"{API}/tenants/"))) == 2
    entered = timezone.localdate() - timedelta(days=10)
    for n in range(10, 20):
        tenant = tenant_register(
            actor=None, park=world.park, credit_code=valid_code(n), name=f"租户{n}", unified_number=f"C{n}", entered_on=entered
        )
        SafetyAgreement.objects.create(
            tenant=tenant, signed_on=entered, valid_from=entered, valid_until=entered + timedelta(days=365),
            landlord_duties="统一协调", tenant_duties="落实主体责任",
        )  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        assert len(ids(client.get(f"{API}/tenants/"))) == 12


# --- agreements, inspections, findings -------------------------------------------------------


def test_an_agreement_clears_its_finding(world: World) -> None:
    findings_sweep(parks=[world.park.pk])
    official = login(world.personas.district_b)
    standing = official.get(f"{API}/findings/").json()["results"]
    kinds = {(r["tenant"], r["kind"]) for r in standing}
    assert kinds == {(world.tenant_c.pk, "agreement_missing"), (world.tenant_d.pk, "agreement_missing")}
    assert standing[0]["kind_display"].startswith("No safety-management agreement")
    assert standing[0]["hazard_code"] and standing[0]["hazard_state_display"] == "To be confirmed"
    assert standing[0]["hazard_level_display"] == "General hidden hazard"
    assert ids(login(world.tenant_manager).get(f"{API}/findings/")) == set()
    assert ids(login(world.personas.district_a).get(f"{API}/findings/")) == set()
    today = timezone.localdate()
    made = official.post(
        f"{API}/agreements/",
        {
            "tenant": world.tenant_c.pk, "signed_on": str(today - timedelta(days=1)), "valid_from": str(today),
            "valid_until": str(today + timedelta(days=365)), "landlord_duties": "统一协调管理", "tenant_duties": "落实主体责任",
            "document": SimpleUploadedFile("a.pdf", b"%PDF-1.4 agreement", content_type="application/pdf"),
        },
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["document_url"] == f"/parks/agreements/{made.json()['id']}/document/"
    row = official.get(f"{API}/tenants/{world.tenant_c.pk}/").json()
    assert row["agreement"] == "valid" and row["agreement_until"] == str(today + timedelta(days=365))
    assert {r["tenant"] for r in official.get(f"{API}/findings/").json()["results"]} == {world.tenant_d.pk}
    everything = official.get(f"{API}/findings/", {"standing": "false"}).json()["results"]
    assert len(everything) == 2 and any(r["cleared_on"] and not r["standing"] for r in everything)
    # The tenant's own people read their agreements; the other tenant's people would not.
    assert ids(login(world.tenant_manager).get(f"{API}/agreements/")) == {made.json()["id"]}
    assert ids(official.get(f"{API}/agreements/", {"tenant": world.tenant_d.pk})) == set()
    backwards = official.post(
        f"{API}/agreements/",
        {"tenant": world.tenant_d.pk, "signed_on": str(today), "valid_from": str(today), "valid_until": str(today),
         "landlord_duties": "x", "tenant_duties": "y"},
        content_type="application/json",
    )  # fmt: skip
    assert backwards.status_code == 400
    assert SafetyAgreement.objects.count() == 1


def test_an_inspection_with_a_failed_item_reports_a_hidden_hazard_of_the_tenant(world: World) -> None:
    landlord = login(world.landlord)
    today = timezone.localdate()
    results = all_passed()
    results["exits"] = {"ok": False, "note": ""}
    before = HiddenHazard.objects.count()
    refused = landlord.post(
        f"{API}/inspections/",
        {"tenant": world.tenant_c.pk, "inspected_on": str(today), "results": results, "inspector_name": "王工"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "results" in refused.json()["fields"]
    assert "Escape routes" in refused.json()["fields"]["results"][0]
    assert not TenantInspection.objects.exists() and HiddenHazard.objects.count() == before
    results["exits"] = {"ok": False, "note": "二楼安全出口堆放纸箱"}
    made = landlord.post(
        f"{API}/inspections/",
        {"tenant": world.tenant_c.pk, "inspected_on": str(today), "results": results, "inspector_name": "王工"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["failed"] == 1 and body["results"]["exits"] == {"ok": False, "note": "二楼安全出口堆放纸箱"}
    [finding] = body["findings"]
    assert finding["item"] == "exits" and finding["hazard_state_display"] == "To be confirmed" and finding["hazard_code"]
    hazard = HiddenHazard.objects.get(pk=finding["hazard"])
    assert hazard.organisation_id == world.tenant_c.organisation_id and "二楼安全出口堆放纸箱" in hazard.description
    row = landlord.get(f"{API}/tenants/{world.tenant_c.pk}/").json()
    assert row["last_inspected_on"] == str(today)
    # The tenant's people see the inspection of their premises; others do not.
    assert ids(login(world.tenant_manager).get(f"{API}/inspections/")) == {body["id"]}
    assert login(world.personas.district_a).get(f"{API}/inspections/{body['id']}/").status_code == 404
    unknown = landlord.post(
        f"{API}/inspections/",
        {"tenant": world.tenant_d.pk, "inspected_on": str(today), "results": {**all_passed(), "nope": {"ok": True}}},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "nope" in unknown.json()["fields"]["results"][0]


def test_the_checklist_in_the_callers_language(world: World) -> None:
    rows = login(world.landlord).get(f"{API}/checklist/").json()
    assert [r["code"] for r in rows] == checklist_codes()
    exits = next(r for r in rows if r["code"] == "exits")
    assert exits["text"].startswith("Escape routes") and exits["hazard_type_display"] == "Fire"
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(world.landlord)
    # The hazard types' words follow the caller's language (the checklist's own, once translated).
    exits_zh = next(r for r in chinese.get(f"{API}/checklist/").json() if r["code"] == "exits")
    assert exits_zh["hazard_type"] == exits["hazard_type"] and exits_zh["hazard_type_display"] != "Fire"


# --- trainings, site plan, import, campaign --------------------------------------------------


def test_a_training_with_its_attendance(world: World) -> None:
    landlord = login(world.landlord)
    body = {
        "park": world.park.pk, "kind": "drill", "held_on": str(timezone.localdate()), "topic": "消防疏散演练",
        "hours": "1.5", "attendance": [{"tenant": world.tenant_c.pk, "attendees": 8}, {"tenant": world.tenant_d.pk, "attendees": 5}],
    }  # fmt: skip
    made = landlord.post(f"{API}/trainings/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    row = made.json()
    assert row["people"] == 13 and row["tenants_attending"] == 2 and row["kind_display"] == "Emergency drill"
    assert {a["tenant_name"] for a in row["attendance"]} == {"常州丙机械有限公司", "常州丁包装有限公司"}
    twice = {**body, "attendance": [{"tenant": world.tenant_c.pk, "attendees": 1}, {"tenant": world.tenant_c.pk, "attendees": 2}]}
    assert landlord.post(f"{API}/trainings/", twice, content_type="application/json").status_code == 400
    assert login(world.personas.district_a).post(f"{API}/trainings/", body, content_type="application/json").status_code == 400
    assert Training.objects.count() == 1
    assert ids(login(world.personas.district_b).get(f"{API}/trainings/", {"park": world.park.pk})) == {row["id"]}
    assert ids(login(world.personas.district_a).get(f"{API}/trainings/")) == set()


def test_site_plan_and_shapes(world: World) -> None:
    landlord = login(world.landlord)
    url = f"{API}/parks/{world.park.pk}/"
    early = landlord.post(f"{url}shapes/", {"kind": "assembly_point", "points": [[1, 1]]}, content_type="application/json")
    assert early.status_code == 400 and "site_plan" in early.json()["fields"]
    uploaded = landlord.post(f"{url}site-plan/", {"file": png(200, 100)})
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["site_plan_width"] == 200 and uploaded.json()["site_plan_url"]
    junk = landlord.post(f"{url}site-plan/", {"file": SimpleUploadedFile("x.png", b"not an image")})
    assert junk.status_code == 400 and "site_plan" in junk.json()["fields"]
    area = {"kind": "tenant_area", "points": [[0, 0], [50, 0], [50, 40]], "tenant": world.tenant_c.pk, "label": "丙"}
    made = landlord.post(f"{url}shapes/", area, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["tenant_number"] == "WJ-A01" and made.json()["kind_display"] == "Tenant area"
    off_plan = {**area, "points": [[0, 0], [500, 0], [50, 40]]}
    assert landlord.post(f"{url}shapes/", off_plan, content_type="application/json").status_code == 400
    assert [s["id"] for s in landlord.get(f"{url}shapes/").json()] == [made.json()["id"]]
    shape = f"{API}/shapes/{made.json()['id']}/"
    assert login(world.personas.district_a).delete(shape).status_code == 404
    assert login(world.tenant_manager).delete(shape).status_code == 404
    assert landlord.delete(shape).status_code == 204
    assert landlord.get(f"{url}shapes/").json() == []


def _sheet(rows: list[list[Any]]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([text for _key, text in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("tenants.xlsx", out.getvalue())


def test_import_of_the_tenant_list(world: World) -> None:
    official = login(world.personas.district_b)
    url = f"{API}/parks/{world.park.pk}/tenants/import/"
    not_excel = official.post(url, {"file": SimpleUploadedFile("tenants.xlsx", b"name,code\n")})
    assert not_excel.status_code == 400 and not_excel.json()["code"] == "invalid"
    assert "Excel" in not_excel.json()["rows"][0]["problem"]
    assert official.post(url, {}).status_code == 400
    row = ["B01", "常州己塑料有限公司", valid_code(30), "塑料制品", "", "120", "6", "", "生产、仓储", "2024-05-01"]
    duplicate = ["A01", "常州庚五金有限公司", valid_code(31), "", "", "", "", "", "", "2024-05-01"]
    refused = official.post(url, {"file": _sheet([row, duplicate])})
    assert refused.status_code == 400
    assert refused.json()["rows"] == [
        {"row": 3, "column": "统一编号", "problem": "Another tenant in this park has this unified number."}
    ]
    assert Tenant.objects.count() == 2
    made = official.post(url, {"file": _sheet([row])})
    assert made.status_code == 201, made.content
    [tenant] = made.json()
    assert tenant["full_number"] == "WJ-B01" and tenant["uses_storage"] is True and tenant["agreement"] == "missing"
    assert login(world.tenant_manager).post(url, {"file": _sheet([row])}).status_code == 404


def test_the_campaign_figures(world: World) -> None:
    today = timezone.localdate()
    SafetyAgreement.objects.create(
        tenant=world.tenant_c, signed_on=today, valid_from=today, valid_until=today + timedelta(days=10),
        landlord_duties="x", tenant_duties="y",
    )  # fmt: skip
    body = login(world.personas.district_b).get(f"{API}/campaign/").json()
    [row] = body["rows"]
    assert row["park"] == world.park.pk and row["tenants"] == 2 and row["region"] == "320412100"
    assert row["agreements"] == {"valid": 0, "expiring": 1, "missing": 1, "expired": 0}
    assert body["totals"]["tenants"] == 2 and body["totals"]["agreements"]["missing"] == 1
    assert login(world.personas.city_official).get(f"{API}/campaign/", {"district": "320411"}).json()["rows"] == []
    assert login(world.personas.district_a).get(f"{API}/campaign/").json() == {
        "rows": [],
        "totals": {"tenants": 0, "agreements": {"valid": 0, "expiring": 0, "missing": 0, "expired": 0}, "overdue": 0,
                   "three_in_one": 0, "major_open": 0},
    }  # fmt: skip
    assert login(world.personas.district_b).get(f"{API}/campaign/", {"district": "32"}).status_code == 400


def test_dates_are_days(world: World) -> None:
    # A day in the future is refused by the service; nothing is written.
    response = login(world.landlord).post(
        f"{API}/inspections/",
        {"tenant": world.tenant_c.pk, "inspected_on": str(date.today() + timedelta(days=30)), "results": all_passed()},
        content_type="application/json",
    )
    assert response.status_code == 400 and "inspected_on" in response.json()["fields"]
    assert not TenantInspection.objects.exists()


# --- the published schema, on real rows ------------------------------------------------------


def test_the_parks_api_matches_its_schema_on_real_rows(world: World) -> None:
    """Schemathesis over the parks operations only (the project-wide walk has no park): generated
    input as documented and deliberately wrong, and the path ids of real rows; no 5xx, and every
    documented answer matches its schema."""
    from schemathesis.generation import GenerationMode

    from tests.test_api_schema import _keep_the_test_connection, _real_path_ids, _run, _schema, _signed_in

    today = timezone.localdate()
    findings_sweep(parks=[world.park.pk])
    SafetyAgreement.objects.create(
        tenant=world.tenant_c, signed_on=today, valid_from=today, valid_until=today + timedelta(days=365),
        landlord_duties="x", tenant_duties="y",
    )  # fmt: skip
    results = {**all_passed(), "exits": {"ok": False, "note": "堵塞"}}
    assert (
        login(world.landlord)
        .post(
            f"{API}/inspections/",
            {"tenant": world.tenant_c.pk, "inspected_on": str(today), "results": results},
            content_type="application/json",
        )
        .status_code
        == 201
    )
    with _keep_the_test_connection():
        schema = _schema()
    failures = []
    walked = set()
    for user in (world.landlord, world.tenant_manager):
        client, auth = _signed_in(user)
        for result in schema.get_all_operations():
            operation = result.ok()
            if not operation.path.startswith(f"{API}/"):
                continue
            walked.add(operation.label)
            passes: list[tuple[Any, dict[str, Any]]] = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
            if "{" in operation.path and (real := _real_path_ids(client, operation.path, {})):
                passes.append((GenerationMode.POSITIVE, {"path_parameters": real}))
            for mode, fixed in passes:
                if failure := _run(operation, auth, mode, 2, **fixed):
                    failures.append(failure)
    assert len(walked) >= 25, sorted(walked)
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)
