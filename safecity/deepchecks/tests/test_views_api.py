"""UI and API per persona: what each must see and must not; Excel export; API error format;
scheduler run with infeasibility reasons; query counts on list pages."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safecity.core.figures import FigureContext, compute_indicators
from safecity.deepchecks import services
from safecity.deepchecks.models import Panel

CAMPAIGN_VISIBLE = {
    "city_admin": True, "city_official": True, "district_a": True, "district_b": False,
    "enterprise_user": False, "expert": True, "outsider": False,
}  # fmt: skip
PANEL_VISIBLE = {**CAMPAIGN_VISIBLE, "enterprise_user": True}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_campaign_and_panel_visibility_per_persona(personas: Any, world: Any) -> None:
    for name, user in personas.all().items():
        client = login(user)
        listing = client.get("/deepchecks/")
        assert (world.campaign.name in listing.content.decode()) is CAMPAIGN_VISIBLE[name], name
        detail = client.get(f"/deepchecks/panels/{world.panel.pk}/")
        assert (detail.status_code == 200) is PANEL_VISIBLE[name], name
        api = client.get("/api/deepchecks/panels/")
        ids = [p["id"] for p in api.json()["results"]] if api.status_code == 200 else []
        assert (world.panel.pk in ids) is PANEL_VISIBLE[name], name


def test_expert_sees_target_enterprise_and_its_hazards_only(personas: Any, world: Any, city: Any) -> None:
    from safecity.core.models import Organisation
    from safecity.core.scoping import scoped
    from safecity.hazards import services as hazard_services
    from safecity.hazards.models import HiddenHazard

    assert set(scoped(Organisation, personas.expert).values_list("name", flat=True)) == {"常州甲化工有限公司"}
    for org in (city.enterprise_a, city.enterprise_b):
        hazard_services.hazard_report(actor=city.superuser, organisation=org, description=f"{org.name}隐患")
    assert [h.organisation_id for h in scoped(HiddenHazard, personas.expert)] == [city.enterprise_a.pk]
    client = login(personas.expert)
    assert "常州甲化工有限公司" in client.get("/deepchecks/panels/mine/").content.decode()
    assert "常州甲化工有限公司" not in login(personas.district_a).get("/deepchecks/panels/mine/").content.decode()


def test_expert_records_finding_on_phone_and_enterprise_sees_it(personas: Any, world: Any, city: Any) -> None:
    expert = login(personas.expert)
    response = expert.post(f"/deepchecks/panels/{world.panel.pk}/start/")
    session = world.panel.__class__.objects.get(pk=world.panel.pk).session
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/")
    response = expert.post(
        f"/deepchecks/sessions/{session.pk}/findings/", {"description": "消防泵无法自动启动", "hazard_type": 5, "level": 0}
    )
    assert response.status_code == 302
    finding = session.findings.get()
    assert finding.hazard.source == 8
    expert.post(
        f"/deepchecks/findings/{finding.pk}/root-cause/", {"category": "object", "management_element": "equipment_integrity"}
    )
    page = login(personas.enterprise_user).get(f"/deepchecks/enterprises/{city.enterprise_a.pk}/?year={finding.found_at.year}")
    assert (
        page.status_code == 200 and "Equipment integrity" in page.content.decode() and 'data-chart="bar"' in page.content.decode()
    )
    assert login(personas.district_b).get(f"/deepchecks/enterprises/{city.enterprise_a.pk}/").status_code == 404
    api = login(personas.enterprise_user).get(
        f"/api/deepchecks/enterprises/{city.enterprise_a.pk}/causes/?year={finding.found_at.year}"
    )
    assert {c["category"]: c["count"] for c in api.json()["causes"]}["object"] == 1


def test_api_patch_members_breaking_rule_uses_core_error_format(personas: Any, world: Any) -> None:
    city_level = [e.pk for e in world.experts if e.level == "city"][:5]
    response = login(personas.district_a).patch(
        f"/api/deepchecks/panels/{world.panel.pk}/members/", {"experts": city_level}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert any("Provincial-level or above experts per panel" in m for m in body["fields"]["non_field_errors"])
    denied = login(personas.district_b).patch(
        f"/api/deepchecks/panels/{world.panel.pk}/members/", {"experts": city_level}, content_type="application/json"
    )
    assert denied.status_code == 404 and set(denied.json()) == {"code", "message", "fields"}


def test_excel_export_parses(personas: Any, world: Any) -> None:
    response = login(personas.district_a).get(f"/deepchecks/campaigns/{world.campaign.pk}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Check date" and len(rows) == 6
    assert {r[1] for r in rows[1:]} == {"常州甲化工有限公司"}


def test_calendar_shows_panel(personas: Any, world: Any) -> None:
    page = login(personas.district_a).get(f"/deepchecks/campaigns/{world.campaign.pk}/calendar/?month=2023-03")
    assert "常州甲化工有限公司"[:6] in page.content.decode()


def test_infeasible_campaign_reported_with_reason(city: Any, personas: Any, pool: Any) -> None:
    campaign = services.campaign_create(
        actor=personas.district_a, name="严格专家组", region=city.district_a, year=2023,
        period_start=date(2023, 3, 1), period_end=date(2023, 3, 31), min_panel_size=5, min_senior=5,
    )  # fmt: skip
    services.campaign_targets_add(actor=personas.district_a, campaign=campaign, organisations=[city.enterprise_a])
    client = login(personas.district_a)
    client.post(f"/deepchecks/campaigns/{campaign.pk}/run/")
    page = client.get(f"/deepchecks/campaigns/{campaign.pk}/").content.decode()
    assert "No schedule satisfies every rule" in page
    assert "Provincial-level or above experts per panel" in page and "only 4 provincial-level or above experts" in page
    assert not Panel.objects.filter(campaign=campaign).exists()


@pytest.mark.parametrize("url", ["/deepchecks/", "/deepchecks/experts/", "/api/deepchecks/experts/"])
def test_list_query_count_does_not_grow_with_page_size(personas: Any, world: Any, city: Any, url: str) -> None:
    from safecity.deepchecks.tests.conftest import add_expert

    for i in range(12):
        add_expert(city, f"补充专家{i}", "city", specialties=("fire", "dust"))
        services.campaign_create(
            actor=city.superuser, name=f"专项检查{i}", region=city.district_a, year=2022,
            period_start=date(2022, 3, 1), period_end=date(2022, 3, 31),
        )  # fmt: skip
    client = login(personas.city_admin)
    counts = []
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{url}?page_size={size}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_cockpit_figures_from_records(personas: Any, world: Any, city: Any) -> None:
    session = services.session_start(actor=personas.expert, panel=world.panel)
    services.finding_record(actor=personas.expert, session=session, description="报警器失效")
    services.session_complete(actor=personas.expert, session=session)
    year = session.findings.get().found_at.year
    values = compute_indicators(FigureContext(region=city.city, year=2023))
    assert values["deepchecks.enterprises_checked"] == 1 and values["deepchecks.panels_compliant"] == 1
    assert compute_indicators(FigureContext(region=city.city, year=year))["deepchecks.findings"] == 1
    assert compute_indicators(FigureContext(region=city.district_b, year=2023))["deepchecks.enterprises_checked"] == 0
