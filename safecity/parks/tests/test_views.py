"""The parks' pages end to end through the web client: a district official registers a park, the
landlord uploads the plan and draws on it, registers a tenant, records its agreement, inspects it
(a failed item becomes a hidden hazard), records a training; the nameplate's code opens the public
notice; the campaign view counts it all; other districts and other enterprises see nothing."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import make_user
from safecity.core.choices import Role
from safecity.core.validators import credit_code_check_character
from safecity.hazards.models import HiddenHazard
from safecity.parks.models import Park, SiteShape, Tenant, TenantInspection
from safecity.parks.rules import checklist


def code(seed: int, region: str = "320411") -> str:
    rng = random.Random(seed)
    body = "91" + region + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + credit_code_check_character(body)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(width: int = 400, height: int = 300) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (240, 240, 240)).save(out, format="PNG")
    out.seek(0)
    out.name = "plan.png"
    return out


@pytest.fixture
def park(city: Any, personas: Any) -> Park:
    client = login(personas.district_a)
    response = client.post(
        reverse("parks:park_new"),
        {
            "landlord": city.enterprise_a.pk,
            "name": "三井工业园",
            "inspection_interval_days": 30,
            "latitude": "31.85",
            "longitude": "119.97",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Park.objects.get(name="三井工业园")


def test_landlord_runs_its_park_end_to_end(city: Any, personas: Any, park: Park) -> None:
    landlord = login(personas.enterprise_user)
    today = timezone.localdate()
    # the plan, then a shape on it
    response = landlord.post(reverse("parks:site_plan", args=[park.pk]), {"step": "upload", "file": png(), "page": 1})
    assert response.status_code == 302
    park.refresh_from_db()
    assert (park.site_plan_width, park.site_plan_height) == (400, 300)
    response = landlord.post(
        reverse("parks:site_plan", args=[park.pk]),
        {"step": "shape", "kind": "escape_route", "points": "10, 10\n200, 10", "label": "东门"},
    )
    assert response.status_code == 302
    assert SiteShape.objects.filter(park=park, kind="escape_route").count() == 1
    assert landlord.get(reverse("parks:site_plan_image", args=[park.pk])).status_code == 200
    # a tenant
    response = landlord.post(
        reverse("parks:tenant_new", args=[park.pk]),
        {
            "credit_code": code(1),
            "name": "常州小五金加工厂",
            "unified_number": "A-01",
            "entered_on": (today - timedelta(days=10)).isoformat(),
            "workers": 12,
            "uses_production": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tenant = Tenant.objects.get(park=park, unified_number="A-01")
    # the same number again: refused in words, nothing written
    response = landlord.post(
        reverse("parks:tenant_new", args=[park.pk]),
        {"credit_code": code(2), "name": "另一家", "unified_number": "A-01", "entered_on": today.isoformat(), "workers": 1},
    )
    assert response.status_code == 400
    assert "A-01" in response.content.decode()
    assert Tenant.objects.filter(park=park).count() == 1
    # an invalid credit code
    response = landlord.post(
        reverse("parks:tenant_new", args=[park.pk]),
        {
            "credit_code": "91320411XXXXXXXX00",
            "name": "坏代码",
            "unified_number": "A-02",
            "entered_on": today.isoformat(),
            "workers": 1,
        },
    )
    assert response.status_code == 400
    # the agreement
    response = landlord.post(
        reverse("parks:agreement_new", args=[tenant.pk]),
        {
            "signed_on": (today - timedelta(days=10)).isoformat(),
            "valid_from": (today - timedelta(days=10)).isoformat(),
            "valid_until": (today + timedelta(days=355)).isoformat(),
            "landlord_duties": "统一协调、定期检查",
            "tenant_duties": "落实本单位安全生产主体责任",
        },
    )
    assert response.status_code == 302
    # an inspection with one failed item
    data = {"inspected_on": today.isoformat(), "inspector_name": "张安全"}
    for item in checklist():
        data[f"ok_{item.code}"] = "1"
    data["ok_exits"] = "0"
    response = landlord.post(reverse("parks:inspection_new", args=[tenant.pk]), data)
    assert response.status_code == 400  # the failed item says nothing
    assert TenantInspection.objects.count() == 0
    data["note_exits"] = "二楼安全出口堆放纸箱"
    response = landlord.post(reverse("parks:inspection_new", args=[tenant.pk]), data)
    assert response.status_code == 302
    hazard = HiddenHazard.objects.get(organisation=tenant.organisation)
    assert "纸箱" in hazard.description
    page = landlord.get(response["Location"]).content.decode()
    assert hazard.code in page
    # a training
    response = landlord.post(
        reverse("parks:training_new", args=[park.pk]),
        {"kind": "drill", "held_on": today.isoformat(), "topic": "消防疏散演练", "hours": "1.5", f"attendees_{tenant.pk}": 8},
    )
    assert response.status_code == 302
    # the pages read
    detail = landlord.get(reverse("parks:park", args=[park.pk])).content.decode()
    assert "A-01" in detail and "消防疏散演练" in detail
    tenant_page = landlord.get(reverse("parks:tenant", args=[tenant.pk])).content.decode()
    assert "张安全" in tenant_page
    # the nameplate's code leads to the public notice, for anyone
    plate = landlord.get(reverse("parks:nameplate", args=[tenant.pk])).content.decode()
    assert "<svg" in plate and tenant.notice_token in plate
    public = Client().get(reverse("parks:notice", args=[tenant.notice_token]))
    assert public.status_code == 200 and "常州小五金加工厂" in public.content.decode()
    assert Client().get(reverse("parks:notice", args=["not-a-key"])).status_code == 404
    # export
    export = landlord.get(reverse("parks:tenants_export", args=[park.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    # the tenant leaves: its history stays, its notice goes
    response = landlord.post(reverse("parks:tenant_leave", args=[tenant.pk]), {"left_on": today.isoformat(), "reason": "搬迁"})
    assert response.status_code == 302
    assert Client().get(reverse("parks:notice", args=[tenant.notice_token])).status_code == 404
    assert "张安全" in landlord.get(reverse("parks:tenant", args=[tenant.pk])).content.decode()


def test_campaign_counts_and_scoping(city: Any, personas: Any, park: Park) -> None:
    from safecity.parks import services

    today = timezone.localdate()
    services.tenant_register(
        actor=None, park=park, credit_code=code(3), name="无协议的厂", unified_number="B-01", entered_on=today
    )
    services.findings_sweep(today=today)
    official = login(personas.district_a)
    page = official.get(reverse("parks:campaign"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "三井工业园" in body
    assert 'data-testid="total-missing">1<' in body
    export = official.get(reverse("parks:campaign") + "?export=xlsx")
    assert export.status_code == 200
    findings = official.get(reverse("parks:findings")).content.decode()
    assert "无协议的厂" in findings
    from safecity.parks.models import ParkFinding

    raised = ParkFinding.objects.get(tenant__unified_number="B-01", kind="agreement_missing")
    # the hidden hazard is the landlord's: its page is linked for the district and the landlord
    assert reverse("hazards:hazard-detail", args=[raised.hazard_id]) in findings
    landlord_page = login(personas.enterprise_user).get(reverse("parks:park", args=[park.pk])).content.decode()
    assert reverse("hazards:hazard-detail", args=[raised.hazard_id]) in landlord_page
    # another district sees nothing of it
    other = login(personas.district_b)
    assert "三井工业园" not in other.get(reverse("parks:campaign")).content.decode()
    assert other.get(reverse("parks:park", args=[park.pk])).status_code == 404
    # the tenant's own people see their record only, and cannot write
    tenant = Tenant.objects.get(unified_number="B-01")
    tenant_user = make_user(city, "tenant_user", tenant.organisation, Role.ENTERPRISE_MANAGER)
    client = login(tenant_user)
    assert client.get(reverse("parks:tenant", args=[tenant.pk])).status_code == 200
    assert client.get(reverse("parks:park", args=[park.pk])).status_code == 404
    assert client.get(reverse("parks:agreement_new", args=[tenant.pk])).status_code == 403
    # an outsider gets no page at all
    assert login(personas.outsider).get(reverse("parks:campaign")).status_code == 403


def test_import_refuses_a_bad_sheet_with_the_problems(city: Any, personas: Any, park: Park) -> None:
    from openpyxl import Workbook

    from safecity.parks.services.sheet import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([text for _key, text in COLUMNS])
    sheet.append(["C-01", "好厂", code(5), "", "", "", 3, "", "生产", "2024-03-01"])
    sheet.append(["C-02", "坏厂", "123", "", "", "", 3, "", "生产", "2024-03-01"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "tenants.xlsx"
    landlord = login(personas.enterprise_user)
    response = landlord.post(reverse("parks:tenants_import", args=[park.pk]), {"file": data})
    assert response.status_code == 400
    assert 'data-testid="import-problems"' in response.content.decode()
    assert Tenant.objects.filter(park=park).count() == 0
    not_excel = io.BytesIO(b"hello")
    not_excel.name = "x.xlsx"
    response = landlord.post(reverse("parks:tenants_import", args=[park.pk]), {"file": not_excel})
    assert response.status_code == 400
