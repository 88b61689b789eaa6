"""Bad input to the API is a 400 in the one error format, naming what is wrong; never a 500.

The five inputs of issue 12 first, then the class they belong to: every id (path, query, body,
id list) is range-checked before it reaches a query, and a body that is not an object is refused
by the serializer before any service runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safecity.core.ids import ID_MAX
from safecity.deepchecks.tests.conftest import pool, world  # noqa: F401  (fixtures)
from safecity.hazards.tests.conftest import _media, dictionary, registry  # noqa: F401  (fixtures)
from safecity.keyprojects.models import SubSystem

BEYOND_64_BITS = 2**64 + 1


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error(response: Any, status: int = 400, *fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert {"code", "message", "fields"} <= set(body), body
    assert body["message"], body
    for name in fields:
        assert body["fields"].get(name), body
    return body


def test_a_new_sub_system_with_is_active_is_refused_with_the_reason(personas: Any) -> None:
    client = login(personas.city_admin)
    body = error(
        client.post("/api/keyprojects/subsystems/", {"code": "31", "name": "新增子体系", "is_active": False}),
        400,
        "is_active",
    )
    assert "PATCH" in body["fields"]["is_active"][0] and "is_active" in body["message"]
    assert not SubSystem.objects.filter(code="31").exists()
    made = client.post("/api/keyprojects/subsystems/", {"code": "31", "name": "新增子体系"})
    assert made.status_code == 201 and made.json()["is_active"] is True
    changed = client.patch(
        f"/api/keyprojects/subsystems/{made.json()['id']}/", {"is_active": False}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False


@pytest.mark.parametrize("body", ["[1, 2]", '"key"', "42", "null"])
def test_a_key_registration_whose_body_is_not_an_object_is_refused(personas: Any, body: str) -> None:
    response = login(personas.city_admin).post("/api/ledger/keys/", body, content_type="application/json")
    assert error(response, 400)["code"] == "invalid"


def test_a_risk_event_without_its_methods_factors_is_refused_naming_them(personas: Any, registry: Any) -> None:  # noqa: F811
    client = login(personas.enterprise_user)
    url = f"/api/hazards/risk-units/{registry.unit.pk}/events/"
    lec_without_c = {"name": "泄漏", "method": "LEC", "initial": {"L": "6", "E": "6"}}
    body = error(client.post(url, lec_without_c, content_type="application/json"), 400, "initial")
    assert "L, E, C" in body["fields"]["initial"][0]
    ls_with_lec_factors = {"name": "泄漏", "method": "LS", "initial": {"L": "3", "S": "4"}, "current": {"L": "3", "E": "1"}}
    body = error(client.post(url, ls_with_lec_factors, content_type="application/json"), 400, "current")
    assert "L, S" in body["fields"]["current"][0]
    # The factors named in either case, each once, is an assessment.
    made = client.post(url, {"name": "泄漏", "method": "LS", "initial": {"l": "3", "s": "4"}}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert set(made.json()["initial_factors"]) == {"L", "S"} and made.json()["initial_score"] == "12.00"


@pytest.mark.parametrize("experts", [[BEYOND_64_BITS], [1, -(2**70)], [ID_MAX + 1]])
def test_an_expert_id_beyond_64_bits_in_the_panel_members_is_refused(personas: Any, world: Any, experts: list[int]) -> None:  # noqa: F811
    before = sorted(world.panel.members.values_list("expert_id", flat=True))
    response = login(personas.city_admin).patch(
        f"/api/deepchecks/panels/{world.panel.pk}/members/", {"experts": experts}, content_type="application/json"
    )
    error(response, 400, "experts")
    assert sorted(world.panel.members.values_list("expert_id", flat=True)) == before


@pytest.mark.parametrize("value", ["-1.6e173", str(BEYOND_64_BITS), "1.5", "abc", "0"])
def test_an_organisation_filter_that_is_no_id_is_refused(personas: Any, registry: Any, value: str) -> None:  # noqa: F811
    client = login(personas.city_official)
    for url in ("/api/hazards/risk-events/", "/api/hazards/hazards/", "/api/hazards/statistics/", "/api/people/"):
        error(client.get(url, {"organisation": value}), 400, "organisation")
    # A real id still filters: enterprise A's one event, nothing of enterprise B.
    rows = client.get("/api/hazards/risk-events/", {"organisation": registry.registry.organisation_id}).json()["results"]
    assert [r["name"] for r in rows] == ["储罐泄漏火灾"]


def test_ids_beyond_the_range_in_paths_and_bodies(personas: Any, city: Any, registry: Any) -> None:  # noqa: F811
    client = login(personas.city_admin)
    huge = str(BEYOND_64_BITS)
    # A path id nothing can have: not found, in the error format (not the site's HTML page).
    for url in (f"/api/hazards/registry/{huge}/", f"/api/deepchecks/enterprises/{huge}/causes/", f"/api/organisations/{huge}/"):
        assert error(client.get(url), 404)["code"] == "not_found"
    # Ids in bodies, as numbers or as text, and id lists.
    cases = [
        ("/api/hazards/hazards/", {"organisation": BEYOND_64_BITS, "description": "x", "level": 1}, "organisation"),
        ("/api/organisations/", {"name": "x", "kind": "enterprise", "region": "320411", "parent": huge}, "parent"),
        ("/api/portraits/rescore/", {"organisation": BEYOND_64_BITS}, "organisation"),
        ("/api/innovation/scores/", {"entry": BEYOND_64_BITS, "criterion": 1, "value": "5"}, "entry"),
        ("/api/keyprojects/projects/", None, None),
    ]
    for url, body, field in cases:
        if body is None:
            error(client.get(url, {"sub_system": huge}), 400, "sub_system")
            continue
        error(client.post(url, body, content_type="application/json"), 400, field)


def test_an_unknown_api_address_answers_in_the_error_format(personas: Any) -> None:
    body = error(login(personas.city_official).get("/api/no-such-thing/"), 404)
    assert body == {"code": "not_found", "message": body["message"], "fields": {}}
    # Outside /api/ the site's own page stays.
    assert "text/html" in login(personas.city_official).get("/no-such-page/")["Content-Type"]


def test_the_message_names_the_first_problem(personas: Any) -> None:
    response = login(personas.city_admin).post("/api/ledger/keys/", {"organisation": "x"}, content_type="application/json")
    body = error(response, 400, "organisation", "public_key_b64")
    assert body["message"].startswith("The input is not valid: ") and "organisation" in body["message"]
