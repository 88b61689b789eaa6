"""The core API per persona, with session and token authentication, its error format and writes."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import ORG_REACH, PASSWORD, PEOPLE_REACH
from safecity.core import audit
from safecity.core.choices import OrganisationKind
from safecity.core.demo.codes import credit_code
from safecity.core.models import AuditEntry, Organisation

PERSONAS = list(ORG_REACH)
ALL_REGIONS = {"320000", "320400", "320411", "320412", "320411002", "320412100"}


def token_for(username: str) -> str:
    response = Client().post("/api/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture(params=["session", "token"])
def api(request: Any, personas: Any) -> Any:
    """A function persona -> client authenticated by session or by token."""

    def make(persona: str) -> Client:
        user = getattr(personas, persona)
        if request.param == "session":
            client = Client()
            client.force_login(user)
            return client
        return Client(HTTP_AUTHORIZATION=f"Token {token_for(user.username)}")

    return make


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def new_code(region_code: str, seed: str = "x") -> str:
    return credit_code(random.Random(seed), region_code=region_code)


def assert_error(response: Any, status: int, *fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    for name in fields:
        assert body["fields"].get(name), body
        assert all(isinstance(m, str) and m for m in body["fields"][name])
    return body


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_list_and_detail_per_persona(api: Any, city: Any, persona: str) -> None:
    client = api(persona)
    rows = results(client.get("/api/organisations/", {"page_size": 200}))
    assert {r["name"] for r in rows} == ORG_REACH[persona]
    for org in Organisation.objects.all():
        response = client.get(f"/api/organisations/{org.pk}/")
        if org.name in ORG_REACH[persona]:
            assert response.status_code == 200
            assert response.json()["credit_code"] == org.credit_code
            assert response.json()["region"] == org.region.code
        else:
            body = assert_error(response, 404)
            assert org.name not in response.content.decode()
            assert body["fields"] == {}


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_audit_regions_per_persona(api: Any, city: Any, persona: str) -> None:
    client = api(persona)
    people = results(client.get("/api/people/", {"page_size": 200}))
    assert {p["name"] for p in people} == PEOPLE_REACH[persona]
    entries = results(client.get("/api/audit/", {"page_size": 200}))
    orgs_in_trail = {e["object_repr"] for e in entries if e["model"] == "core.organisation"}
    assert orgs_in_trail == ORG_REACH[persona]
    regions = results(client.get("/api/regions/", {"page_size": 200}))
    assert {r["code"] for r in regions} == ALL_REGIONS


def test_audit_filter_by_object_cannot_reach_past_the_scope(api: Any, city: Any) -> None:
    client = api("district_b")
    response = client.get("/api/audit/", {"model": "core.organisation", "object_id": city.enterprise_a.pk})
    assert results(response) == []
    entry = AuditEntry.objects.filter(object_repr="常州甲化工有限公司").first()
    assert entry is not None
    assert_error(client.get(f"/api/audit/{entry.pk}/"), 404)
    assert client.get(f"/api/organisations/{city.enterprise_a.pk}/history/").status_code == 404
    mine = results(client.get(f"/api/organisations/{city.enterprise_b.pk}/history/"))
    assert [e["action"] for e in mine] == ["create"]


@pytest.mark.parametrize(
    ("persona", "region", "districts", "enterprises", "organisations", "people"),
    [
        ("city_official", None, 2, 2, 6, 6),
        ("district_a", None, 1, 1, 3, 3),  # default: the caller's jurisdiction
        ("district_a", "320412", 1, 0, 0, 0),  # another district: its regions, none of its records
        ("district_b", None, 1, 1, 2, 1),
        ("enterprise_user", None, 2, 1, 1, 1),
        ("expert", None, 2, 0, 0, 1),
        # Issue 13: what the outsider reaches none of is "no access" (None), never a zero.
        ("outsider", None, 2, None, None, None),
    ],
)
def test_cockpit_figures_per_persona(
    api: Any, city: Any, persona: str, region: str | None, districts: int, enterprises: int, organisations: int, people: int
) -> None:
    response = api(persona).get("/api/cockpit/figures/", {"region": region} if region else {})
    assert response.status_code == 200, response.content
    figures, hidden = response.json()["indicators"], response.json()["no_access"]
    expected = {
        "core.regions.districts": districts,
        "core.organisations.enterprises": enterprises,
        "core.organisations.total": organisations,
        "core.people.total": people,
    }
    for key, value in expected.items():
        if value is None:
            assert key not in figures and key in hidden, key
        else:
            assert figures[key] == value and key not in hidden, key


def test_cockpit_figures_bad_year_is_400(api: Any, city: Any) -> None:
    assert_error(api("city_official").get("/api/cockpit/figures/", {"year": "abc"}), 400, "year")


@pytest.mark.parametrize("persona", PERSONAS)
def test_me_reports_the_callers_grants(api: Any, city: Any, personas: Any, persona: str) -> None:
    body = api(persona).get("/api/me/").json()
    assert body["username"] == getattr(personas, persona).username
    assert body["is_superuser"] is False
    paths = {g["region_path"] for g in body["grants"]}
    expected = {
        "city_admin": {city.city.path}, "city_official": {city.city.path}, "district_a": {city.district_a.path},
        "district_b": {city.district_b.path}, "enterprise_user": {city.street_a.path}, "expert": {city.city.path},
        "outsider": set(),
    }  # fmt: skip
    assert paths == expected[persona]


@pytest.mark.parametrize(
    "url",
    ["/api/organisations/", "/api/organisations/1/", "/api/people/", "/api/audit/", "/api/regions/", "/api/me/",
     "/api/cockpit/figures/"],
)  # fmt: skip
def test_unauthenticated_is_401_in_the_error_format(city: Any, url: str) -> None:
    response = Client().get(url)
    body = assert_error(response, 401)
    assert body["code"] == "not_authenticated"
    assert body["fields"] == {}
    assert "常州" not in response.content.decode()


def test_bad_token_is_401(city: Any, personas: Any) -> None:
    response = Client(HTTP_AUTHORIZATION="Token nosuchtoken").get("/api/me/")
    assert_error(response, 401)
    assert "district" not in response.content.decode()


def test_bad_password_gives_no_token(city: Any, personas: Any) -> None:
    response = Client().post("/api/auth/token/", {"username": "district_a", "password": "wrong-password"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_authenticates_as_its_user(city: Any, personas: Any) -> None:
    key = token_for("district_b")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").json()["username"] == "district_b"
    names = {r["name"] for r in results(client.get("/api/organisations/"))}
    assert names == ORG_REACH["district_b"]
    # Each login issues its own token (django-rest-knox); the first keeps working.
    second = token_for("district_b")
    assert second != key
    assert client.get("/api/me/").status_code == 200


def org_payload(city: Any, where: Any, **extra: Any) -> dict[str, Any]:
    data = {"name": "新北精细化工有限公司", "kind": OrganisationKind.ENTERPRISE, "region": where.code,
            "credit_code": new_code(where.code[:6]), "industry_code": "C2614"}  # fmt: skip
    data.update(extra)
    return data


def test_district_official_creates_in_own_district_only(api: Any, city: Any) -> None:
    client = api("district_a")
    before = Organisation.objects.count()
    response = client.post("/api/organisations/", org_payload(city, city.street_a), content_type="application/json")
    assert response.status_code == 201, response.content
    created = Organisation.objects.get(pk=response.json()["id"])
    assert created.region == city.street_a and created.name == "新北精细化工有限公司"
    assert response.json()["region"] == "320411002"
    assert Organisation.objects.count() == before + 1

    payload = org_payload(city, city.street_b, name="武进新公司", credit_code=new_code("320412", "y"))
    body = assert_error(client.post("/api/organisations/", payload, content_type="application/json"), 403)
    assert body["code"] == "permission_denied"
    assert Organisation.objects.count() == before + 1
    assert not Organisation.objects.filter(name="武进新公司").exists()


@pytest.mark.parametrize("persona", ["expert", "outsider"])
def test_personas_without_change_rights_cannot_create(api: Any, city: Any, persona: str) -> None:
    before = Organisation.objects.count()
    response = api(persona).post("/api/organisations/", org_payload(city, city.street_a), content_type="application/json")
    assert_error(response, 403)
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_code": "WRONG_CHECK"}, "credit_code"),  # a typo: the check character does not match
        ({"credit_code": "91320411"}, "credit_code"),  # too short
        ({"region": "999999"}, "region"),  # no such region
        ({"region": "32041"}, "region"),  # not a division code at all
        ({"kind": "castle"}, "kind"),
        ({"industry_code": "Z99"}, "industry_code"),
    ],
)
def test_invalid_input_is_400_per_field_and_writes_nothing(api: Any, city: Any, change: dict[str, Any], field: str) -> None:
    client = api("district_a")
    if change.get("credit_code") == "WRONG_CHECK":
        good = new_code("320411")
        change = {"credit_code": good[:17] + ("1" if good[17] != "1" else "2")}
    orgs, entries = Organisation.objects.count(), AuditEntry.objects.count()
    response = client.post("/api/organisations/", org_payload(city, city.street_a, **change), content_type="application/json")
    body = assert_error(response, 400, field)
    assert body["code"] == "invalid"
    assert Organisation.objects.count() == orgs
    assert AuditEntry.objects.count() == entries


def test_duplicate_credit_code_is_400_on_the_field(api: Any, city: Any) -> None:
    client = api("district_a")
    orgs, entries = Organisation.objects.count(), AuditEntry.objects.count()
    payload = org_payload(city, city.street_a, credit_code=city.enterprise_b.credit_code)
    response = client.post("/api/organisations/", payload, content_type="application/json")
    assert_error(response, 400, "credit_code")
    assert Organisation.objects.count() == orgs
    assert AuditEntry.objects.count() == entries


def test_parent_cycle_is_400_and_nothing_changes(api: Any, city: Any) -> None:
    client = api("district_a")
    ok = client.patch(
        f"/api/organisations/{city.enterprise_a.pk}/", {"parent": city.bureau_a.pk}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    entries = AuditEntry.objects.count()
    response = client.patch(
        f"/api/organisations/{city.bureau_a.pk}/", {"parent": city.enterprise_a.pk}, content_type="application/json"
    )
    assert_error(response, 400, "parent")
    city.bureau_a.refresh_from_db()
    assert city.bureau_a.parent_id is None
    assert AuditEntry.objects.count() == entries
    self_parent = client.patch(
        f"/api/organisations/{city.bureau_a.pk}/", {"parent": city.bureau_a.pk}, content_type="application/json"
    )
    assert_error(self_parent, 400, "parent")


def test_patch_out_of_reach_and_moving_away(api: Any, city: Any) -> None:
    client = api("district_a")
    assert_error(client.patch(f"/api/organisations/{city.enterprise_b.pk}/", {"name": "x"}, content_type="application/json"), 404)
    moved = client.patch(f"/api/organisations/{city.enterprise_a.pk}/", {"region": "320412100"}, content_type="application/json")
    assert_error(moved, 403)
    city.enterprise_a.refresh_from_db()
    assert city.enterprise_a.region == city.street_a
    city.enterprise_b.refresh_from_db()
    assert city.enterprise_b.name == "常州乙化工有限公司"


def test_enterprise_manager_edits_own_enterprise_only(api: Any, city: Any) -> None:
    client = api("enterprise_user")
    response = client.patch(
        f"/api/organisations/{city.enterprise_a.pk}/", {"contact_phone": "0519-88886666"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=city.enterprise_a.pk).contact_phone == "0519-88886666"
    assert (
        client.patch(f"/api/organisations/{city.bureau_a.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
    )


def test_schema_and_docs_load_without_external_scripts(client: Any, city: Any) -> None:
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/organisations/" in paths and "/api/audit/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<html" in html.lower()
    sources = re.findall(r"""<script[^>]*\bsrc=["']([^"']+)""", html, flags=re.I)
    assert sources, "the docs page loads Swagger UI from a script"
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert not re.search(r"""(href|src)=["'](https?:)?//""", html)


def test_organisation_list_query_count_is_flat(client: Any, city: Any, personas: Any) -> None:
    audit.bulk_create(
        Organisation,
        [Organisation(name=f"企业{i:03d}", kind=OrganisationKind.ENTERPRISE, region=city.street_a, parent=city.bureau_a)
         for i in range(60)],
    )  # fmt: skip
    client.force_login(personas.district_a)
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            rows = results(client.get("/api/organisations/", {"page_size": size}))
        assert len(rows) == size
        assert all(r["region"] == "320411002" or r["name"] in ORG_REACH["district_a"] for r in rows)
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_parent_outside_the_reach_is_refused_as_in_the_ui(api: Any, city: Any) -> None:
    # district A cannot see enterprise B, so it cannot make it a parent (the UI form refuses it too).
    url = f"/api/organisations/{city.enterprise_a.pk}/"
    response = api("district_a").patch(url, {"parent": city.enterprise_b.pk}, content_type="application/json")
    assert_error(response, 400, "parent")
    city.enterprise_a.refresh_from_db()
    assert city.enterprise_a.parent_id is None
