"""The dual-prevention UI and API per persona: lists, details, exports, reporting, lifecycle actions,
error format, query counts, statistics, the provincial risk report, the registry page and the cockpit."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import AuditEntry
from safecity.hazards import services
from safecity.hazards.choices import AssessmentMethod, HazardLevel, HazardState
from safecity.hazards.models import HazardEvidence, HazardTransition, HiddenHazard
from safecity.hazards.tests.conftest import JPEG, deadline_after, photo

S = HazardState
TZ = ZoneInfo("Asia/Shanghai")
VISIBLE = {
    "city_admin": {"a", "b"}, "city_official": {"a", "b"}, "district_a": {"a"}, "district_b": {"b"},
    "enterprise_user": {"a"}, "expert": set(), "outsider": set(),
}  # fmt: skip
CONFIRMATION = "本企业经辨识评估，不存在较大及以上安全风险。"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if field:
        assert body["fields"].get(field), body
    return body


@pytest.fixture
def two(make_hazard: Any, city: Any) -> dict[str, HiddenHazard]:
    return {
        "a": make_hazard(description="甲厂安全阀失效"),
        "b": make_hazard(org=city.enterprise_b, description="乙厂静电接地断开"),
    }


# --- visibility per persona ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_ui_list_detail_and_export_per_persona(two: dict[str, HiddenHazard], personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    page = client.get("/hazards/")
    assert page.status_code == 200
    csv = b"".join(client.get("/hazards/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    for key, hazard in two.items():
        shown = key in VISIBLE[persona]
        assert (hazard.code in page.content.decode()) == shown
        assert (hazard.description in page.content.decode()) == shown
        assert (hazard.code in csv) == shown
        assert client.get(f"/hazards/{hazard.pk}/").status_code == (200 if shown else 404)
    assert len(csv.strip().splitlines()) == 1 + len(VISIBLE[persona])


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_api_list_and_detail_per_persona(two: dict[str, HiddenHazard], personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    response = client.get("/api/hazards/hazards/")
    assert response.status_code == 200
    assert {r["code"] for r in response.json()["results"]} == {two[k].code for k in VISIBLE[persona]}
    for key, hazard in two.items():
        detail = client.get(f"/api/hazards/hazards/{hazard.pk}/")
        if key in VISIBLE[persona]:
            assert detail.json()["organisation_name"] == hazard.organisation.name
        else:
            assert_error(detail, 404)
            assert hazard.description not in detail.content.decode()
            assert_error(client.get(f"/api/hazards/hazards/{hazard.pk}/timeline/"), 404)


def test_api_needs_authentication(two: dict[str, HiddenHazard]) -> None:
    assert_error(Client().get("/api/hazards/hazards/"), 401)
    assert_error(Client().post(f"/api/hazards/hazards/{two['a'].pk}/withdraw/", {"comment": "x"}), 401)
    assert Client().get("/hazards/").status_code == 302  # to the login page


# --- reporting in the field ----------------------------------------------------------------------


def report_data(org: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "organisation": org.pk,
        "description": "储罐区消防栓损坏",
        "level": 0,
        "hazard_type": 5,
        "source": 1,
        "management_type": 1,
    }
    return {**data, "deadline": deadline_after().isoformat(), **extra}


def test_report_form_creates_a_hazard_with_its_photo(city: Any, personas: Any) -> None:
    photo = SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")
    response = login(personas.district_a).post("/hazards/report/", report_data(city.enterprise_a, photo=photo))
    hazard = HiddenHazard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    expected = (city.enterprise_a, S.TO_CONFIRM, personas.district_a, 5)
    assert (hazard.organisation, hazard.state, hazard.discovered_by, hazard.hazard_type) == expected
    assert HazardEvidence.objects.get(hazard=hazard).stage == "discovery"
    page = login(personas.district_a).get(response["Location"]).content.decode()
    assert hazard.code in page and "储罐区消防栓损坏" in page


def test_report_form_offers_only_enterprises_within_reach(city: Any, personas: Any) -> None:
    client = login(personas.district_a)
    assert city.enterprise_b.name not in client.get("/hazards/report/").content.decode()
    response = client.post("/hazards/report/", report_data(city.enterprise_b))
    assert response.status_code == 200 and not HiddenHazard.objects.exists()


def test_report_form_with_a_bad_photo_records_nothing(city: Any, personas: Any) -> None:
    photo = SimpleUploadedFile("现场.jpg", b"not an image at all", content_type="image/jpeg")
    response = login(personas.district_a).post("/hazards/report/", report_data(city.enterprise_a, photo=photo))
    assert response.status_code == 200 and "Only photos" in response.content.decode()
    # The form is shown again to be corrected and resubmitted: nothing may have been recorded yet.
    assert not HiddenHazard.objects.exists()


# --- lifecycle through the UI --------------------------------------------------------------------


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def act(client: Client, hazard: HiddenHazard, **data: Any) -> Any:
    return client.post(f"/hazards/{hazard.pk}/action/", data, follow=True)


def test_ui_actions_move_the_state(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard()
    official, manager = login(personas.district_a), login(personas.enterprise_user)
    page = official.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'value="confirm"' in page and 'value="accept"' not in page
    liable = personas.enterprise_user.person.pk
    act(official, hazard, action="confirm", deadline=deadline_after().isoformat(), liable_person=liable)
    hazard.refresh_from_db()
    assert (hazard.state, hazard.liable_person) == (S.RECTIFYING, personas.enterprise_user.person)
    # No evidence of the fix: refused with the reason, nothing changes.
    refused = act(manager, hazard, action="request_acceptance", rectification="已更换消防栓").content.decode()
    assert "only with evidence of the rectification" in refused
    assert HiddenHazard.objects.get(pk=hazard.pk).state == S.RECTIFYING and not hazard.evidence.exists()
    act(manager, hazard, action="request_acceptance", rectification="已更换消防栓", evidence=photo("更换后.jpg", JPEG))
    hazard.refresh_from_db()
    assert hazard.state == S.AWAITING_ACCEPTANCE
    assert list(hazard.evidence.values_list("stage", flat=True)) == ["rectification"]
    # The rectifier is not offered acceptance of their own fix; the official is.
    assert 'value="accept"' not in manager.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'value="accept"' in official.get(f"/hazards/{hazard.pk}/").content.decode()
    response = act(official, hazard, action="accept", comment="现场复核合格")
    hazard.refresh_from_db()
    assert hazard.state == S.ACCEPTED and hazard.accepted_by == personas.district_a
    assert "现场复核合格" in response.content.decode()
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(HiddenHazard), object_id=str(hazard.pk))
    entry = entries.order_by("time", "id").last()
    assert (entry.actor, entry.source) == (personas.district_a, "ui")


@pytest.mark.parametrize(
    ("state", "data", "reason"),
    [
        (S.AWAITING_ACCEPTANCE, {"action": "accept", "comment": "自己验收"}, "someone other than the person who rectified"),
        (S.TO_CONFIRM, {"action": "withdraw"}, "Say why this is not a hidden hazard"),
        (S.TO_CONFIRM, {"action": "confirm"}, "needs its deadline"),
        (S.RECTIFYING, {"action": "accept", "comment": "x"}, "already Rectifying"),
    ],
)
def test_ui_refused_action_shows_the_reason_and_changes_nothing(
    make_hazard: Any, personas: Any, state: int, data: dict[str, str], reason: str
) -> None:
    hazard = make_hazard(state)
    timeline = HazardTransition.objects.filter(hazard=hazard).count()
    response = act(login(personas.enterprise_user), hazard, **data)
    assert response.status_code == 200 and reason in response.content.decode()
    assert HiddenHazard.objects.get(pk=hazard.pk).state == state
    assert HazardTransition.objects.filter(hazard=hazard).count() == timeline


def test_ui_action_not_allowed_or_out_of_reach(make_hazard: Any, personas: Any) -> None:
    major = make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    manager = login(personas.enterprise_user)
    assert 'value="accept"' not in manager.get(f"/hazards/{major.pk}/").content.decode()
    assert manager.post(f"/hazards/{major.pk}/action/", {"action": "accept", "comment": "x"}).status_code == 403
    for persona in ("district_b", "expert", "outsider"):
        response = login(getattr(personas, persona)).post(f"/hazards/{major.pk}/action/", {"action": "accept", "comment": "x"})
        assert response.status_code == 404
    assert HiddenHazard.objects.get(pk=major.pk).state == S.AWAITING_ACCEPTANCE


# --- API create, every action, errors ------------------------------------------------------------


def test_api_create_and_every_action(city: Any, personas: Any) -> None:
    official, manager, city_official = login(personas.district_a), login(personas.enterprise_user), login(personas.city_official)
    base = "/api/hazards/hazards/"

    def create(**extra: Any) -> dict[str, Any]:
        response = post_json(official, base, {"organisation": city.enterprise_a.pk, "description": "阀门泄漏", **extra})
        assert response.status_code == 201, response.content
        return response.json()

    def post(client: Client, pk: int, action: str, **data: Any) -> dict[str, Any]:
        url = f"{base}{pk}/{action}/"
        response = client.post(url, data) if "evidence" in data else post_json(client, url, data)
        assert response.status_code == 200, response.content
        return response.json()

    first = create(level=0)
    assert first["state"] == S.TO_CONFIRM and first["code"].startswith("YH") and first["region"] == city.enterprise_a.region.code
    assert post(manager, first["id"], "confirm", deadline=deadline_after().isoformat())["state"] == S.RECTIFYING
    bare = post_json(manager, f"{base}{first['id']}/request-acceptance/", {"rectification": "已更换阀门"})
    assert bare.status_code == 400 and "evidence of the rectification" in bare.content.decode()
    assert (
        post(manager, first["id"], "request-acceptance", rectification="已更换阀门", evidence=photo())["state"]
        == S.AWAITING_ACCEPTANCE
    )
    assert post(official, first["id"], "reject", comment="仍有渗漏")["state"] == S.RECTIFYING
    # The photos of a rejected fix do not prove the next one.
    again = post_json(manager, f"{base}{first['id']}/request-acceptance/", {"rectification": "再次更换"})
    assert again.status_code == 400
    post(manager, first["id"], "request-acceptance", rectification="再次更换", evidence=photo())
    accepted = post(official, first["id"], "accept", comment="验收合格")
    assert (accepted["state"], accepted["acceptance_comment"]) == (S.ACCEPTED, "验收合格")
    timeline = official.get(f"{base}{first['id']}/timeline/").json()
    expected = ["report", "confirm", "request_acceptance", "reject", "request_acceptance", "accept"]
    assert [t["action"] for t in timeline] == expected
    assert post(manager, create()["id"], "withdraw", comment="重复上报")["state"] == S.WITHDRAWN
    spot = post(manager, create()["id"], "fix-on-the-spot", rectification="当场紧固", evidence=photo())
    assert spot["state"] == S.AWAITING_ACCEPTANCE
    major = create(level=1)
    plan_url = f"{base}{major['id']}/governance-plan/"
    plan = city_official.put(plan_url, {"responsibility": "厂长", "measures": "停产"}, content_type="application/json")
    assert plan.status_code == 200 and plan.json()["missing"] == ["emergency_plan", "funds", "deadline"]


def test_api_errors(city: Any, personas: Any, make_hazard: Any) -> None:
    official, base = login(personas.district_a), "/api/hazards/hazards/"
    body = assert_error(
        post_json(official, base, {"organisation": city.enterprise_b.pk, "description": "x"}), 400, "organisation"
    )
    assert body["code"] == "invalid"
    assert_error(post_json(official, base, {"organisation": city.enterprise_a.pk}), 400, "description")
    early = {"organisation": city.enterprise_a.pk, "description": "x", "discovered_at": "2023-05-01T10:00:00+08:00"}
    body = assert_error(post_json(official, base, {**early, "deadline": "2023-04-30"}), 400)
    assert "deadline cannot be before" in str(body["fields"])
    assert not HiddenHazard.objects.exists()
    hazard, major = make_hazard(S.AWAITING_ACCEPTANCE), make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    assert_error(post_json(official, f"{base}{hazard.pk}/accept/", {"comment": ""}), 400, "comment")
    assert_error(post_json(official, f"{base}{hazard.pk}/confirm/", {"deadline": "soon"}), 400, "deadline")
    conflict = assert_error(post_json(official, f"{base}{hazard.pk}/withdraw/", {"comment": "x"}), 400, "non_field_errors")
    assert "already Awaiting acceptance" in conflict["fields"]["non_field_errors"][0]
    denied = assert_error(post_json(login(personas.enterprise_user), f"{base}{major.pk}/accept/", {"comment": "ok"}), 403)
    assert denied["fields"] == {}
    assert_error(post_json(login(personas.district_b), f"{base}{hazard.pk}/accept/", {"comment": "ok"}), 404)
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HiddenHazard.objects.get(pk=major.pk).state == S.AWAITING_ACCEPTANCE


# --- query counts --------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_the_page(city: Any, personas: Any) -> None:
    for n in range(60):
        org = city.enterprise_a if n % 3 else city.enterprise_b
        liable = personas.enterprise_user.person if org == city.enterprise_a else None
        fields = {"description": f"隐患{n}", "deadline": deadline_after(n % 5 + 1), "liable_person": liable}
        services.hazard_report(actor=personas.city_official, organisation=org, **fields)
    client = login(personas.city_official)

    def count(url: str, size: int) -> int:
        client.get(url, {"page_size": size})  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert len(client.get("/api/hazards/hazards/", {"page_size": 50}).json()["results"]) == 50
    assert count("/api/hazards/hazards/", 5) == count("/api/hazards/hazards/", 50)
    assert count("/hazards/", 25) == count("/hazards/", 50)


# --- statistics, provincial report, registry, cockpit --------------------------------------------


def when(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, tzinfo=TZ)


def test_statistics_per_quarter(make_hazard: Any, city: Any, personas: Any) -> None:
    make_hazard(S.ACCEPTED, discovered_at=when(2023, 2, 10))
    make_hazard(S.TO_CONFIRM, discovered_at=when(2023, 3, 20), level=HazardLevel.MAJOR)
    make_hazard(S.RECTIFYING, discovered_at=when(2023, 8, 1))
    make_hazard(S.WITHDRAWN, discovered_at=when(2023, 9, 5))
    make_hazard(S.ACCEPTED, discovered_at=when(2023, 2, 11), org=city.enterprise_b)
    for url in ("/hazards/statistics/?format=json&year=2023", "/api/hazards/statistics/?year=2023"):
        data = login(personas.district_a).get(url).json()
        periods = {p["period"]: p for p in data["periods"]}
        assert data["year"] == 2023 and list(periods) == ["Q1", "Q2", "Q3", "Q4", "2023"]
        q1, q3, year = periods["Q1"], periods["Q3"], periods["2023"]
        assert (q1["found"], q1["general"], q1["major"], q1["closed"], q1["open"], q1["rectification_rate"]) == (
            2,
            1,
            1,
            1,
            1,
            50.0,
        )
        assert (q3["found"], q3["closed"], q3["withdrawn"], q3["rectification_rate"]) == (2, 0, 1, 0.0)
        assert (periods["Q2"]["found"], periods["Q2"]["rectification_rate"]) == (0, None)
        assert (year["found"], year["closed"], year["rectification_rate"]) == (4, 1, 33.3)
    city_q1 = login(personas.city_official).get("/hazards/statistics/?format=json&year=2023").json()["periods"][0]
    assert (city_q1["found"], city_q1["closed"], city_q1["rectification_rate"]) == (3, 2, 66.7)
    assert_error(login(personas.district_a).get("/api/hazards/statistics/?year=abc"), 400, "year")


def assess(registry: Any, personas: Any, name: str, factors: dict[str, str]) -> Any:
    return services.risk_event_assess(
        actor=personas.enterprise_user, unit=registry.unit, name=name, method=AssessmentMethod.LEC, initial=factors
    )


def test_provincial_report_lists_significant_and_major_risks_only(registry: Any, city: Any, personas: Any) -> None:
    assess(registry, personas, "储罐爆炸", {"L": "10", "E": "10", "C": "100"})  # red
    assess(registry, personas, "人员中毒", {"L": "3", "E": "6", "C": "7"})  # yellow: not reported
    url = f"/hazards/registry/{city.enterprise_a.pk}/report/"
    for client, path in (
        (login(personas.district_a), url + "?format=json"),
        (login(personas.enterprise_user), f"/api/hazards/registry/{city.enterprise_a.pk}/report/"),
    ):
        report = client.get(path).json()
        assert [(r["risk_name"], r["risk_level_code"]) for r in report["risks"]] == [("储罐区泄漏", 1), ("储罐区泄漏", 2)]
        assert report["has_significant_risks"] is True and report["confirmation"] == ""
        assert report["risks"][1]["control_measures"] == "液位高高联锁投用" and report["risks"][0]["risk_code"] == "1501"
        assert report["enterprise"]["division_code"] == city.enterprise_a.region.code
    workbook = openpyxl.load_workbook(io.BytesIO(login(personas.district_a).get(url + "?format=xlsx").content))
    assert workbook.sheetnames == ["基本信息", "较大及以上风险"]
    rows = list(workbook["较大及以上风险"].iter_rows(values_only=True))
    assert rows[0][0] == "管理类别" and [r[6] for r in rows[1:]] == [1, 2]
    assert ("企业名称", city.enterprise_a.name) in list(workbook["基本信息"].iter_rows(values_only=True))
    assert login(personas.district_b).get(url + "?format=json").status_code == 404
    assert_error(login(personas.district_b).get(f"/api/hazards/registry/{city.enterprise_a.pk}/report/"), 404)


def test_provincial_report_without_significant_risk_confirms_it(registry: Any, city: Any, personas: Any) -> None:
    services.risk_event_assess(
        actor=personas.enterprise_user, unit=registry.unit, event=registry.event, name=registry.event.name, method=AssessmentMethod.LEC,
        initial={"L": "6", "E": "6", "C": "7"}, current={"L": "1", "E": "6", "C": "7"},
    )  # fmt: skip
    report = login(personas.district_a).get(f"/hazards/registry/{city.enterprise_a.pk}/report/?format=json").json()
    assert (report["risks"], report["has_significant_risks"], report["confirmation"]) == ([], False, CONFIRMATION)
    xlsx = login(personas.district_a).get(f"/hazards/registry/{city.enterprise_a.pk}/report/?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert ("确认", CONFIRMATION) in list(workbook["基本信息"].iter_rows(values_only=True))
    assert len(list(workbook["较大及以上风险"].iter_rows())) == 1


REGISTRY_STATUS = [
    ("district_a", 200),
    ("enterprise_user", 200),
    ("city_official", 200),
    ("district_b", 404),
    ("expert", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("persona", "status"), REGISTRY_STATUS)
def test_registry_page(registry: Any, city: Any, personas: Any, persona: str, status: int) -> None:
    client = login(getattr(personas, persona))
    response = client.get(f"/hazards/registry/{city.enterprise_a.pk}/")
    assert response.status_code == status
    index = client.get("/hazards/registry/").content.decode()
    assert (city.enterprise_a.name in index) == (status == 200)
    if status == 200:
        page = response.content.decode()
        for text in ("罐区", "1号储罐", "储罐泄漏火灾", "液位高高联锁投用", "检查液位联锁是否投用"):
            assert text in page


def test_cockpit_figures(make_hazard: Any, registry: Any, city: Any, personas: Any) -> None:
    assess(registry, personas, "储罐爆炸", {"L": "10", "E": "10", "C": "100"})
    make_hazard(S.TO_CONFIRM, discovered_at=when(2023, 2, 1))
    make_hazard(S.RECTIFYING, discovered_at=when(2023, 5, 1), deadline=date(2023, 6, 1))  # overdue
    make_hazard(S.RECTIFYING, discovered_at=when(2023, 8, 1), level=HazardLevel.MAJOR)
    make_hazard(S.ACCEPTED, discovered_at=when(2023, 3, 1))
    make_hazard(S.WITHDRAWN, discovered_at=when(2023, 4, 1))
    make_hazard(S.TO_CONFIRM, discovered_at=when(2023, 9, 1), org=city.enterprise_b)
    make_hazard(S.ACCEPTED, discovered_at=when(2022, 9, 1))  # another year: not in the rate
    figures = compute_indicators(FigureContext(region=city.city, year=2023, user=None))
    assert figures["hazards.open.general"] == 3
    assert figures["hazards.open.major"] == 1
    assert figures["hazards.overdue"] == 1
    assert figures["hazards.rectification_rate"] == 20.0  # 1 accepted of 5 found (withdrawn not counted)
    assert (figures["hazards.risk.red"], figures["hazards.risk.orange"]) == (1, 1)
    district_b = compute_indicators(FigureContext(region=city.district_b, year=2023, user=None))
    assert [district_b[k] for k in ("hazards.open.general", "hazards.risk.red", "hazards.rectification_rate")] == [1, 0, 0.0]
    seen_by_b = compute_indicators(FigureContext(region=city.city, year=2023, user=personas.district_b))
    assert (seen_by_b["hazards.open.general"], seen_by_b["hazards.open.major"], seen_by_b["hazards.risk.red"]) == (1, 0, 0)
