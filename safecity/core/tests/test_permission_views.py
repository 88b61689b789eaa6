"""Every persona on the core UI: what each must see, and what each must never see.

Lists, detail pages, the edit page, the CSV and Excel exports, people, the audit trail, an
object's history and the region tree all go through one scoping rule; these tests pin down, per
persona, the rows shown and the rows kept out.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import ALL_ORGS, ALL_PEOPLE, ORG_REACH, PEOPLE_REACH, make_user
from safecity.core import audit
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import Organisation

PERSONAS = list(ORG_REACH)


def _org(city: Any, name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _csv(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_list_shows_exactly_the_reach(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/organisations/")
    assert response.status_code == 200
    shown = {o.name for o in response.context["page"].object_list}
    assert shown == ORG_REACH[persona]
    html = response.content.decode()
    for name in ORG_REACH[persona]:
        assert name in html
    for name in ALL_ORGS - ORG_REACH[persona]:
        assert name not in html, f"{persona} sees {name}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_detail_is_404_outside_the_reach(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    for name in sorted(ALL_ORGS):
        org = _org(city, name)
        response = client.get(f"/organisations/{org.pk}/")
        if name in ORG_REACH[persona]:
            assert response.status_code == 200, (persona, name)
            assert org.credit_code in response.content.decode()
        else:
            assert response.status_code == 404, (persona, name)
            assert org.credit_code not in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_exports_hold_exactly_the_reach(client: Any, city: Any, personas: Any, persona: str, fmt: str) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/organisations/", {"export": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = _csv(response)
        lines = [line for line in text.splitlines() if line]
        body = "\n".join(lines[1:])
        assert len(lines) == 1 + len(ORG_REACH[persona])
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        body = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows[1:])
        assert len(rows) == 1 + len(ORG_REACH[persona])
    for name in ORG_REACH[persona]:
        assert name in body
        assert _org(city, name).credit_code in body
    for name in ALL_ORGS - ORG_REACH[persona]:
        assert name not in body
        assert _org(city, name).credit_code not in body


def test_export_respects_the_filter_and_the_scope_together(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    # Asking for district B's subtree gives nothing to district A, not district B's rows.
    text = _csv(client.get("/organisations/", {"export": "csv", "region": "320412"}))
    assert "常州乙化工有限公司" not in text and "武进区应急管理局" not in text
    assert len([line for line in text.splitlines() if line]) == 1
    text = _csv(client.get("/organisations/", {"export": "csv", "kind": OrganisationKind.ENTERPRISE}))
    assert "常州甲化工有限公司" in text and "新北区应急管理局" not in text


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("city_admin", "enterprise_b", 200),
        ("city_official", "enterprise_a", 200),
        ("district_a", "enterprise_a", 200),
        ("district_a", "enterprise_b", 404),
        ("district_b", "enterprise_b", 200),
        ("district_b", "enterprise_a", 404),
        ("enterprise_user", "enterprise_a", 200),
        ("enterprise_user", "bureau_a", 404),
        ("expert", "expert_institution", 404),
        ("outsider", "enterprise_a", 404),
    ],
)
def test_edit_page_per_persona(client: Any, city: Any, personas: Any, persona: str, target: str, status: int) -> None:
    client.force_login(getattr(personas, persona))
    org = getattr(city, target)
    assert client.get(f"/organisations/{org.pk}/edit/").status_code == status
    detail = client.get(f"/organisations/{org.pk}/")
    if status == 200:
        assert f"/organisations/{org.pk}/edit/" in detail.content.decode()


def test_visible_but_not_changeable_is_403_and_unchanged(client: Any, city: Any, personas: Any) -> None:
    # An inspector of district A sees district A's enterprises but may not change them.
    inspector = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    client.force_login(inspector)
    org = city.enterprise_a
    detail = client.get(f"/organisations/{org.pk}/")
    assert detail.status_code == 200
    assert f"/organisations/{org.pk}/edit/" not in detail.content.decode()
    assert client.get(f"/organisations/{org.pk}/edit/").status_code == 403
    response = client.post(
        f"/organisations/{org.pk}/edit/",
        {"name": "改名", "kind": org.kind, "credit_code": org.credit_code, "region": org.region.code, "is_active": "on"},
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "常州甲化工有限公司"
    assert client.get(f"/organisations/{city.enterprise_b.pk}/edit/").status_code == 404
    # No "register" button for someone who may change nothing.
    assert "/organisations/new/" not in client.get("/organisations/").content.decode()


def test_edit_form_refuses_a_parent_outside_the_reach(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    org = city.enterprise_a
    data = {"name": org.name, "kind": org.kind, "credit_code": org.credit_code, "region": org.region.code, "is_active": "on"}
    response = client.post(f"/organisations/{org.pk}/edit/", {**data, "parent": city.enterprise_b.pk})
    assert response.status_code == 200
    assert response.context["form"].errors.get("parent")
    org.refresh_from_db()
    assert org.parent_id is None
    ok = client.post(f"/organisations/{org.pk}/edit/", {**data, "parent": city.bureau_a.pk})
    assert ok.status_code == 302
    org.refresh_from_db()
    assert org.parent_id == city.bureau_a.pk


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_list_shows_exactly_the_reach(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/people/")
    assert response.status_code == 200
    shown = {p.name for p in response.context["page"].object_list}
    assert shown == PEOPLE_REACH[persona]
    table = response.content.decode().split('<table class="table">', 1)[1]
    for name in ALL_PEOPLE - PEOPLE_REACH[persona]:
        assert f">{name}</a>" not in table


def _audit_reprs(response: Any) -> set[str]:
    return {e.object_repr for e in response.context["page"].object_list}


def test_audit_list_per_persona(client: Any, city: Any, personas: Any) -> None:
    seen: dict[str, set[str]] = {}
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        response = client.get("/audit/", {"page_size": 200})
        assert response.status_code == 200
        seen[persona] = _audit_reprs(response)
    assert {"常州甲化工有限公司", "常州乙化工有限公司", "新北区 (320411)", "武进区 (320412)"} <= seen["city_official"]
    assert {"常州甲化工有限公司", "新北区应急管理局", "新北区 (320411)", "district_a"} <= seen["district_a"]
    assert not seen["district_a"] & {"常州乙化工有限公司", "武进区应急管理局", "district_b"}
    assert {"常州乙化工有限公司", "武进区 (320412)", "district_b"} <= seen["district_b"]
    assert not seen["district_b"] & {"常州甲化工有限公司", "新北区应急管理局", "district_a"}
    assert "常州甲化工有限公司" in seen["enterprise_user"]
    assert not seen["enterprise_user"] & {"常州乙化工有限公司", "新北区应急管理局"}
    # Regions are reference data every signed-in user sees, so their history too (the record's own
    # rule); nothing else of the city reaches the expert without an assignment, or the outsider.
    regions = {
        "江苏省 (320000)",
        "常州市 (320400)",
        "新北区 (320411)",
        "武进区 (320412)",
        "三井街道 (320411002)",
        "湖塘镇 (320412100)",
    }
    for persona in PERSONAS:
        assert regions <= seen[persona], persona
    assert seen["expert"] - regions == {"expert", "expert · Expert · 安全生产科学研究院"}  # about themselves
    assert seen["outsider"] - regions == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_object_history_follows_the_object(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    for name in sorted(ALL_ORGS):
        org = _org(city, name)
        response = client.get(f"/audit/core.organisation/{org.pk}/")
        if name in ORG_REACH[persona]:
            assert response.status_code == 200
            assert _audit_reprs(response) == {name}
            csv_text = _csv(client.get(f"/audit/core.organisation/{org.pk}/", {"export": "csv"}))
            assert name in csv_text
        else:
            assert response.status_code == 404
            assert client.get(f"/audit/core.organisation/{org.pk}/", {"export": "csv"}).status_code == 404


def test_object_history_of_unknown_or_unscoped_models_is_404(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_official)
    assert client.get("/audit/core.nosuchmodel/1/").status_code == 404
    assert client.get(f"/audit/auth.user/{personas.district_a.pk}/").status_code == 404
    assert client.get("/audit/core.organisation/999999/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_region_tree_counts_only_reachable_organisations(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/regions/")
    assert response.status_code == 200
    counts: dict[str, int] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            counts[node["region"].code] = node["organisations"]
            walk(node["children"])

    walk(response.context["tree"])
    # Region names and codes are reference data every signed-in user sees ...
    assert set(counts) == {"320000", "320400", "320411", "320412", "320411002", "320412100"}
    # ... but the organisation counts are those of the persona's reach.
    reach = [_org(city, n) for n in ORG_REACH[persona]]
    assert counts["320000"] == len(reach)
    assert counts["320411"] == sum(1 for o in reach if o.region.path.startswith(city.district_a.path))
    assert counts["320412"] == sum(1 for o in reach if o.region.path.startswith(city.district_b.path))


def test_region_detail_counts_only_the_reach(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    assert client.get("/regions/320412/").context["organisation_count"] == 0
    assert client.get("/regions/320411/").context["organisation_count"] == 3
    client.force_login(personas.outsider)
    assert client.get("/regions/320400/").context["organisation_count"] == 0
    assert client.get("/regions/999999/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/organisations/", "/organisations/1/", "/organisations/1/edit/", "/organisations/?export=csv", "/people/", "/audit/",
     "/audit/core.organisation/1/", "/regions/", "/"],
)  # fmt: skip
def test_anonymous_is_sent_to_login(client: Any, city: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "常州" not in response.content.decode()


def test_organisation_list_query_count_does_not_grow_with_rows(client: Any, city: Any, personas: Any) -> None:
    base = Organisation.objects.get(name="常州甲化工有限公司")
    audit.bulk_create(
        Organisation,
        [
            Organisation(name=f"企业{i:03d}", kind=OrganisationKind.ENTERPRISE, region=city.street_a, parent=base)
            for i in range(120)
        ],
    )
    client.force_login(personas.district_a)
    counts = []
    for size in (25, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/organisations/", {"page_size": size})
        assert len(response.context["page"].object_list) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1]
