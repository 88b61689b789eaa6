"""Who sees what (issue 16): the personas against the register, the visits, the contracts and the
village pages, through the API and the pages, each asserting what is visible AND what is not; the
list endpoints and pages keep their query count whatever the number of rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safecity.smallbiz.models import SmallEnterprise, Visit
from safecity.smallbiz.services import visits


@pytest.fixture
def world(biz: Any, personas: Any) -> dict[str, Any]:
    e1 = biz.enterprise("甲村厂", biz.village_a1)
    e2 = biz.enterprise("乙村厂", biz.village_a2)
    e3 = biz.enterprise("丙村厂", biz.village_b)
    org = biz.city.enterprise_a
    org.region = biz.village_a1
    org.save()
    own = SmallEnterprise.objects.create(organisation=org, trade="05", size="small", risk_level=3)
    contract = biz.contract([e1, e2, own])
    visit = Visit.objects.filter(enterprise=e1).order_by("due_on").first()
    visits.visit_sign(
        actor=biz.engineer, visit=visit, latitude="31.9", longitude="119.9", findings=[{"description": "灭火器过期"}]
    )
    return {"e1": e1, "e2": e2, "e3": e3, "own": own, "contract": contract}


def _names(client: Any, user: Any, url: str, key: str = "name") -> set[str]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row[key] for row in rows}


def test_who_sees_which_enterprises(client: Any, biz: Any, personas: Any, world: dict[str, Any]) -> None:
    e1, e2, e3, own = (world[k].organisation.name for k in ("e1", "e2", "e3", "own"))
    url = "/api/smallbiz/enterprises/"
    expected = {
        personas.city_official: {e1, e2, e3, own},
        personas.district_a: {e1, e2, own},
        personas.district_b: {e3},
        biz.supervisor: {e1, own},
        biz.other_supervisor: {e2},
        biz.street_official: {e1, e2, own},
        personas.enterprise_user: {own},
        biz.engineer: {e1, e2, own},
        biz.other_engineer: set(),
        personas.expert: set(),
        personas.outsider: set(),
    }
    everyone = {e1, e2, e3, own}
    for user, visible in expected.items():
        seen = _names(client, user, url)
        assert seen == visible, user.username
        assert not (seen & (everyone - visible)), user.username


def test_who_sees_which_visits_and_contracts(client: Any, biz: Any, personas: Any, world: dict[str, Any]) -> None:
    e1, e2, e3 = (world[k].organisation.name for k in ("e1", "e2", "e3"))
    url = "/api/smallbiz/visits/?page_size=200"
    assert _names(client, biz.supervisor, url, "enterprise_name") >= {e1}
    assert e2 not in _names(client, biz.supervisor, url, "enterprise_name")
    assert _names(client, biz.other_engineer, url, "enterprise_name") == set()
    assert _names(client, personas.district_b, url, "enterprise_name") == set()
    assert {e1, e2} <= _names(client, biz.engineer, url, "enterprise_name")
    assert e3 not in _names(client, personas.city_official, url, "enterprise_name")  # e3 is served by no contract
    contracts = "/api/smallbiz/contracts/"
    number = world["contract"].number
    assert _names(client, biz.supervisor, contracts, "number") == {number}  # the village sees its street's contract
    assert _names(client, biz.engineer, contracts, "number") == {number}
    for user in (biz.other_engineer, personas.district_b, personas.enterprise_user, personas.outsider):
        assert _names(client, user, contracts, "number") == set(), user.username


def test_a_visit_out_of_reach_is_a_404_and_a_visible_one_refuses_a_foreign_write(
    client: Any, biz: Any, personas: Any, world: dict[str, Any]
) -> None:
    visit = Visit.objects.filter(enterprise=world["e2"], state="scheduled").order_by("due_on").first()
    client.force_login(biz.other_engineer)
    assert (
        client.post(
            f"/api/smallbiz/visits/{visit.pk}/sign/", {"latitude": "31.9", "longitude": "119.9"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(personas.district_a)
    response = client.post(
        f"/api/smallbiz/visits/{visit.pk}/sign/", {"latitude": "31.9", "longitude": "119.9"}, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(biz.engineer)
    response = client.post(
        f"/api/smallbiz/visits/{visit.pk}/score/", {"by": "street", "score": "9"}, content_type="application/json"
    )
    assert response.status_code == 400 and "score" in response.json()["fields"]
    response = client.post(
        f"/api/smallbiz/visits/{visit.pk}/score/", {"by": "street", "score": "4"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_the_village_page_shows_its_own_and_not_the_neighbours(
    client: Any, biz: Any, personas: Any, world: dict[str, Any]
) -> None:
    client.force_login(biz.supervisor)
    page = client.get("/smallbiz/supervision/").content.decode()
    assert world["e1"].organisation.name in page and "灭火器过期" in page
    assert world["e2"].organisation.name not in page
    response = client.get(f"/smallbiz/supervision/?region={biz.village_a2.code}")
    assert world["e2"].organisation.name not in response.content.decode()
    client.force_login(biz.street_official)
    page = client.get("/smallbiz/supervision/").content.decode()
    assert "甲村" in page and "乙村" in page and "丙村" not in page
    for user in (personas.enterprise_user, biz.engineer, personas.outsider):
        client.force_login(user)
        assert client.get("/smallbiz/supervision/").status_code == 403


def test_pages_answer_each_persona(client: Any, biz: Any, personas: Any, world: dict[str, Any]) -> None:
    client.force_login(personas.enterprise_user)
    page = client.get("/smallbiz/").content.decode()
    assert world["own"].organisation.name in page and world["e1"].organisation.name not in page
    client.force_login(personas.district_b)
    page = client.get("/smallbiz/").content.decode()
    assert world["e3"].organisation.name in page and world["e1"].organisation.name not in page
    client.force_login(personas.outsider)
    assert client.get("/smallbiz/").status_code == 403
    client.force_login(biz.engineer)
    visit = Visit.objects.filter(enterprise=world["e2"], state="scheduled").order_by("due_on").first()
    assert client.get(f"/smallbiz/visits/{visit.pk}/sign/").status_code == 200
    client.force_login(biz.other_engineer)
    assert client.get(f"/smallbiz/visits/{visit.pk}/sign/").status_code == 404


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/smallbiz/enterprises/",
        "/api/smallbiz/visits/",
        "/api/smallbiz/contracts/",
        "/smallbiz/",
        "/smallbiz/visits/",
        "/smallbiz/providers/",
    ],
)
def test_lists_keep_their_query_count(client: Any, biz: Any, personas: Any, world: dict[str, Any], url: str) -> None:
    client.force_login(personas.district_a)
    before = _count(client, url)
    more = [biz.enterprise("加厂", biz.village_a2) for _ in range(4)]
    biz.contract(more)
    assert _count(client, url) == before


def test_hidden_hazards_of_visits_reach_the_village_and_the_engineer_only(biz: Any, personas: Any, world: dict[str, Any]) -> None:
    from safecity.core.scoping import scoped
    from safecity.hazards.models import HiddenHazard
    from safecity.hazards.services import hazard_report_by_platform

    found = HiddenHazard.objects.get(organisation=world["e1"].organisation)
    elsewhere = hazard_report_by_platform(
        organisation=world["e3"].organisation,
        description="武进的隐患",
        hazard_type=1,
        source=1,
        discovered_at=found.discovered_at,
        comment="",
    )
    neighbour = hazard_report_by_platform(
        organisation=world["e2"].organisation,
        description="乙村的隐患",
        hazard_type=1,
        source=1,
        discovered_at=found.discovered_at,
        comment="",
    )
    seen = lambda user: set(scoped(HiddenHazard, user).values_list("pk", flat=True))  # noqa: E731
    assert (
        found.pk in seen(biz.supervisor) and neighbour.pk not in seen(biz.supervisor) and elsewhere.pk not in seen(biz.supervisor)
    )
    assert {found.pk, neighbour.pk} <= seen(biz.engineer) and elsewhere.pk not in seen(biz.engineer)
    assert seen(biz.other_engineer) == set()
    assert {found.pk, neighbour.pk} <= seen(biz.street_official) and elsewhere.pk not in seen(biz.street_official)


def test_the_visit_export_has_the_rows_of_the_list(client: Any, biz: Any, personas: Any, world: dict[str, Any]) -> None:
    import io

    from openpyxl import load_workbook

    for user, count in ((biz.supervisor, 8), (personas.district_b, 0)):
        client.force_login(user)
        for url in ("/smallbiz/visits/?export=xlsx", "/api/smallbiz/visits/export/"):
            response = client.get(url)
            assert response.status_code == 200
            rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
            assert len(rows) - 1 == count, (user.username, url)
            assert all(row[3] == "甲村" for row in rows[1:])
