"""The audit trail shows each record only to those who may see the record (issue 12).

Before: ``/api/audit/``, ``/audit/`` and its CSV export filtered entries by region and
organisation only, so a district official read the innovation judges' live scores and the
procuratorate's case files and letters, and the procurator read the innovation scores.

Three layers of tests:
- real records from the services (core, innovation judging, a procuratorate case with its letter):
  for every persona and every audited model, the entries shown are exactly those of the records
  ``scoped()`` shows, in the list, the API and the CSV export;
- the permission matrix over EVERY audited model: one entry per model at three places (enterprise A
  in district A, enterprise B in district B, the city) checked against each record rule for every
  persona;
- values of restricted and secret fields are never shown, deleted records' entries stay with those
  who saw them, and the list costs the same on a deep page (keyset, no count).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_org, make_user
from safecity.core import audit, selectors, services
from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource, OrganisationKind, Role
from safecity.core.models import AuditEntry, Organisation
from safecity.core.roles import ROLE_REACH, Reach
from safecity.core.scoping import ScopeRule, ancestor_paths, principal_for, scoped
from safecity.firecases.tests.conftest import Agencies, make_case
from safecity.innovation.tests.conftest import build_contest, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city: Any, personas: Any) -> dict[str, Any]:
    root = city.superuser
    procuratorate = make_org("常州市人民检察院", OrganisationKind.PROCURATORATE, city.city, actor=root)
    brigade = make_org("常州市消防救援支队", OrganisationKind.FIRE_BRIGADE, city.city, actor=root)
    other = make_org("武进区消防救援大队", OrganisationKind.FIRE_BRIGADE, city.district_b, actor=root)
    ag = Agencies(
        procuratorate=procuratorate,
        brigade=brigade,
        other_brigade=other,
        procurator=make_user(city, "procurator", procuratorate, Role.PROCURATOR, city.city),
        fire_officer=make_user(city, "fire_officer", brigade, Role.FIRE_OFFICER, city.city),
        other_fire_officer=make_user(city, "other_fire_officer", other, Role.FIRE_OFFICER, city.district_b),
    )
    contest = build_contest(city, personas)
    score_all(contest, personas)
    case = make_case(city, ag, until="letter_issued")
    users = {
        **personas.all(),
        "procurator": ag.procurator,
        "fire_officer": ag.fire_officer,
        "judge_housing": contest.judge_housing,
    }
    return {"users": users, "contest": contest, "case": case}


def _labels(model: type) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _shown_by_model(user: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    rows = selectors.audit_list(user=user).values_list("content_type__app_label", "content_type__model", "object_id")
    for app, model, object_id in rows:
        out.setdefault(f"{app}.{model}", set()).add(object_id)
    return out


def test_every_persona_sees_exactly_the_entries_of_the_records_it_may_see(world: dict[str, Any]) -> None:
    compared = set()
    for name, user in world["users"].items():
        shown = _shown_by_model(user)
        for model in audit.registered():
            if not isinstance(getattr(model, "scope_rule", None), ScopeRule):
                assert _labels(model) not in shown, f"{name} sees entries of {_labels(model)}, which has no scope rule"
                continue
            ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
            recorded = set(AuditEntry.objects.filter(content_type=ct).values_list("object_id", flat=True))
            live = {str(pk) for pk in model._base_manager.values_list("pk", flat=True)} & recorded
            if not live:
                continue
            compared.add(_labels(model))
            visible = {str(pk) for pk in scoped(model, user).values_list("pk", flat=True)} & live
            assert shown.get(_labels(model), set()) & live == visible, f"{name} / {_labels(model)}"
    # The records the issue is about were really compared.
    assert {"innovation.score", "firecases.case", "firecases.suggestionletter", "core.organisation"} <= compared


def test_the_issue_cases_in_the_list_the_api_and_the_export(world: dict[str, Any]) -> None:
    users = world["users"]
    letters = "firecases.suggestionletter"

    def seen(name: str) -> set[str]:
        return set(_shown_by_model(users[name]))

    assert not seen("district_a") & {"innovation.score", letters}
    # Whether officials see a case follows the case's own rule, whatever it is at the time.
    assert ("firecases.case" in seen("district_a")) == scoped(type(world["case"]), users["district_a"]).exists()
    assert "innovation.score" not in seen("procurator")
    assert {"firecases.case", letters} <= seen("procurator") and {"firecases.case", letters} <= seen("fire_officer")
    assert "innovation.score" in seen("city_official")
    # A judge sees their own scores and nobody else's.
    judge = users["judge_housing"]
    own = set(selectors.audit_list(user=judge).filter(content_type__model="score").values_list("object_id", flat=True))
    theirs = {str(pk) for pk in world["contest"].assignments["housing"].scores.values_list("pk", flat=True)}
    assert own == theirs and own
    # The same through the API and the CSV export.
    case_id = str(world["case"].pk)
    letter_id = str(world["case"].letters.get().pk)
    client = Client()
    client.force_login(users["district_a"])
    api = client.get("/api/audit/", {"model": letters, "object_id": letter_id}).json()
    assert api["results"] == []
    assert client.get("/api/audit/", {"model": "innovation.score"}).json()["results"] == []
    exported = b"".join(client.get("/audit/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert letters not in exported and "innovation.score" not in exported
    entry = AuditEntry.objects.filter(content_type__model="score").first()
    assert client.get(f"/api/audit/{entry.pk}/").status_code == 404
    assert client.get(f"/audit/{letters}/{letter_id}/").status_code == 404
    client.force_login(users["procurator"])
    assert client.get("/api/audit/", {"model": "firecases.case", "object_id": case_id}).json()["results"]
    assert client.get("/api/audit/", {"model": "innovation.score"}).json()["results"] == []
    assert client.get(f"/audit/firecases.case/{case_id}/").status_code == 200
    assert client.get(f"/audit/{letters}/{letter_id}/").status_code == 200


# --- the matrix over every audited model -------------------------------------------------------


def _expected(rule: ScopeRule | None, principal: Any, entry: AuditEntry) -> bool:
    """The record rule read literally (ADR 0004), evaluated on the entry's copied scope keys."""
    if principal.is_superuser:
        return True
    if rule is None:
        return False
    if rule.public or rule.authenticated:
        return True
    for grant in principal.grants:
        if rule.view_roles is not None and grant.role not in rule.view_roles:
            continue
        reach = ROLE_REACH[grant.role]
        if reach is Reach.JURISDICTION and rule.region_path:
            if entry.region_path.startswith(grant.region_path):
                return True
            if rule.region_ancestors and entry.region_path in ancestor_paths(grant.region_path):
                return True
        if reach is Reach.ORGANISATION and rule.organisation and entry.organisation_id == grant.organisation_id:
            return True
    return bool(rule.person and principal.person_id is not None and entry.person_id == principal.person_id)


def test_permission_matrix_of_every_audited_model(city: Any, personas: Any) -> None:
    users = {**personas.all(), "procurator": make_user(city, "procurator", city.city_department, Role.PROCURATOR, city.city)}
    enterprise_person = personas.enterprise_user.person.pk
    places = {
        "A": (city.street_a.path, city.enterprise_a.pk, enterprise_person),
        "B": (city.street_b.path, city.enterprise_b.pk, personas.district_b.person.pk),
        "city": (city.city.path, city.city_department.pk, None),
    }
    made: list[tuple[AuditEntry, ScopeRule | None]] = []
    for model in audit.registered():
        rule = getattr(model, "scope_rule", None)
        rule = rule if isinstance(rule, ScopeRule) else None
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        for place, (path, org, person) in places.items():
            entry = AuditEntry.objects.create(
                source="system", action="update", content_type=ct, object_id=f"matrix-{place}", object_repr=f"{_labels(model)}@{place}",
                region_path=path if rule and rule.region_path else "", organisation_id=org if rule and rule.organisation else None,
                person_id=person if rule and rule.person else None,
            )  # fmt: skip
            made.append((entry, rule))
    assert len(made) == 3 * len(audit.registered()) and len(audit.registered()) > 40
    for name, user in users.items():
        principal = principal_for(user)
        shown = set(selectors.audit_list(user=user).filter(object_id__startswith="matrix-").values_list("pk", flat=True))
        for entry, rule in made:
            assert (entry.pk in shown) == _expected(rule, principal, entry), f"{name}: {entry.object_repr}"
    # What the issue names, spelled out: the district official never reads the scores or the case files.
    district = set(
        selectors.audit_list(user=users["district_a"])
        .filter(object_id__startswith="matrix-")
        .values_list("object_repr", flat=True)
    )
    assert "innovation.score@A" not in district and "firecases.suggestionletter@A" not in district
    assert "core.organisation@A" in district and "core.organisation@B" not in district
    procurator = set(
        selectors.audit_list(user=users["procurator"])
        .filter(object_id__startswith="matrix-")
        .values_list("object_repr", flat=True)
    )
    assert "firecases.case@B" in procurator and "innovation.score@A" not in procurator


# --- values, deleted records, speed -------------------------------------------------------------


def _csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_restricted_and_secret_values_are_never_shown(client: Any, city: Any, personas: Any) -> None:
    saved = audit.options_for(Organisation)
    audit.register(Organisation, restricted={"contact_phone": ["city_official"]})
    try:
        with audit_context(source=AuditSource.UI, actor=personas.district_a):
            services.organisation_update(
                actor=personas.district_a, organisation=city.enterprise_a, contact_phone="0519-88886666", address="新北区甲路1号"
            )
        client.force_login(personas.district_a)
        page = client.get("/audit/", {"model": "core.organisation", "action": "update"})
        html = page.content.decode()
        assert "0519-88886666" not in html and "新北区甲路1号" in html and "changed (values not shown)" in html
        row = _csv_rows(client.get("/audit/", {"model": "core.organisation", "action": "update", "export": "csv"}))[0]
        assert "0519-88886666" not in row["Before"] + row["After"] and row["Values not shown"] == "contact_phone"
        api = client.get("/api/audit/", {"model": "core.organisation", "action": "update"}).json()["results"][0]
        assert "contact_phone" not in api["after"] and api["hidden_fields"] == ["contact_phone"]
        assert "contact_phone" in api["changed_fields"]
        client.force_login(personas.city_official)
        api = client.get("/api/audit/", {"model": "core.organisation", "action": "update"}).json()["results"][0]
        assert api["after"]["contact_phone"] == "0519-88886666" and api["hidden_fields"] == []
    finally:
        audit._registry[Organisation] = saved or audit.AuditOptions()
    # A secret (the user's password hash, masked at write time) is not even shown as its digest.
    client.force_login(city.superuser)
    api = client.get("/api/audit/", {"model": "auth.user", "action": "create"}).json()["results"][0]
    assert "password" not in api["after"] and "password" in api["hidden_fields"]


def test_a_deleted_records_entries_stay_with_those_who_saw_it(client: Any, city: Any, personas: Any) -> None:
    with audit_context(source=AuditSource.UI, actor=personas.district_a):
        org = services.organisation_create(
            actor=personas.district_a, name="临时仓储公司", kind="enterprise", region=city.street_a
        )
    pk = org.pk
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        Organisation.objects.get(pk=pk).delete()
    client.force_login(personas.district_a)
    assert {"临时仓储公司"} <= {e.object_repr for e in client.get("/audit/", {"model": "core.organisation"}).context["page"]}
    history = client.get(f"/audit/core.organisation/{pk}/")
    assert history.status_code == 200 and "临时仓储公司 (deleted)" in history.content.decode()
    assert [e.action for e in history.context["page"]] == ["delete", "create"]
    for other in (personas.district_b, personas.enterprise_user, personas.outsider):
        client.force_login(other)
        assert client.get(f"/audit/core.organisation/{pk}/").status_code == 404
        assert "临时仓储公司" not in {e.object_repr for e in client.get("/audit/").context["page"]}


def test_the_list_costs_the_same_on_a_deep_page(client: Any, city: Any, personas: Any) -> None:
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        for i in range(30):
            services.organisation_update(actor=city.superuser, organisation=city.enterprise_a, address=f"路{i}号")
    client.force_login(personas.district_a)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/audit/", {"page_size": 10})
    assert page.status_code == 200 and page.context["page"].has_next
    seen = [e.pk for e in page.context["page"]]
    query = page.context["page"].next_query
    for _ in range(2):
        with CaptureQueriesContext(connection) as deep:
            page = client.get(f"/audit/?{query}")
        seen += [e.pk for e in page.context["page"]]
        query = page.context["page"].next_query
    assert len(deep.captured_queries) == len(first.captured_queries)
    assert not any("COUNT(" in q["sql"].upper() for q in deep.captured_queries)
    assert len(seen) == len(set(seen)) == 30
    expected = list(selectors.audit_list(user=personas.district_a).values_list("pk", flat=True)[:30])
    assert seen == expected
    api = client.get("/api/audit/", {"page_size": 10}).json()
    assert api["count"] is None and "cursor=" in api["next"]
    nxt = client.get(api["next"]).json()
    assert [e["id"] for e in nxt["results"]] == expected[10:20]
