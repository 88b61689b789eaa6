"""The audit trail records every write, on every path, with who, how, which request and what changed."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD
from safecity import cli
from safecity.core import audit, services
from safecity.core.audit import audit_context
from safecity.core.choices import AuditAction, AuditSource, OrganisationKind
from safecity.core.demo.codes import credit_code
from safecity.core.models import AuditEntry, Organisation


def entries_for(obj: Any, action: str | None = None) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    qs = AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id")
    return list(qs.filter(action=action) if action else qs)


def last_entry(obj: Any, action: str) -> AuditEntry:
    found = entries_for(obj, action)
    assert found, f"no {action} entry for {obj}"
    return found[-1]


def new_code(region_code: str = "320411", seed: str = "a") -> str:
    return credit_code(random.Random(seed), region_code=region_code)


def form_data(org: Organisation, **changes: Any) -> dict[str, Any]:
    data = {"name": org.name, "short_name": org.short_name, "kind": org.kind, "credit_code": org.credit_code or "",
            "region": org.region.code, "parent": org.parent_id or "", "industry_code": org.industry_code,
            "address": org.address, "latitude": "", "longitude": "", "contact_phone": org.contact_phone, "is_active": "on"}  # fmt: skip
    data.update(changes)
    return data


def test_ui_create_and_update(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    data = {"name": "新北新材料有限公司", "kind": OrganisationKind.ENTERPRISE, "credit_code": new_code(),
            "region": "320411002", "industry_code": "C2614", "is_active": "on"}  # fmt: skip
    response = client.post("/organisations/new/", data)
    assert response.status_code == 302
    org = Organisation.objects.get(name="新北新材料有限公司")
    created = last_entry(org, AuditAction.CREATE)
    assert (created.source, created.actor, created.actor_label) == (AuditSource.UI, personas.district_a, "district_a")
    assert created.request_id == response["X-Request-ID"] and created.request_id
    assert created.before is None
    assert created.after["name"] == "新北新材料有限公司" and created.after["credit_code"] == data["credit_code"]
    assert {"name", "credit_code", "region_id"} <= set(created.changed_fields)
    assert created.region_path == city.street_a.path and created.organisation_id == org.pk

    edit = client.post(
        f"/organisations/{org.pk}/edit/", form_data(org, contact_phone="0519-85551234"), HTTP_X_REQUEST_ID="ui-edit-0001"
    )
    assert edit.status_code == 302
    assert edit["X-Request-ID"] == "ui-edit-0001"
    updated = last_entry(org, AuditAction.UPDATE)
    assert (updated.source, updated.actor, updated.request_id) == (AuditSource.UI, personas.district_a, "ui-edit-0001")
    assert updated.changed_fields == ["contact_phone"]
    assert (updated.before["contact_phone"], updated.after["contact_phone"]) == ("", "0519-85551234")


def test_malformed_request_id_is_replaced(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    org = city.enterprise_a
    response = client.post(f"/organisations/{org.pk}/edit/", form_data(org, address="x路1号"), HTTP_X_REQUEST_ID="bad id!")
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    assert request_id != "bad id!" and len(request_id) >= 8
    assert last_entry(org, AuditAction.UPDATE).request_id == request_id


def test_api_post_and_patch_with_token(city: Any, personas: Any) -> None:
    key = Client().post("/api/auth/token/", {"username": "district_a", "password": PASSWORD}).json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    payload = {"name": "新北储运有限公司", "kind": "enterprise", "region": "320411002", "credit_code": new_code(seed="b")}
    response = api.post("/api/organisations/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    org = Organisation.objects.get(pk=response.json()["id"])
    created = last_entry(org, AuditAction.CREATE)
    assert (created.source, created.actor, created.actor_label) == (AuditSource.API, personas.district_a, "district_a")
    assert created.request_id == response["X-Request-ID"]
    assert created.after["name"] == "新北储运有限公司"

    patch = api.patch(f"/api/organisations/{org.pk}/", {"address": "新北区通江中路1号"}, content_type="application/json")
    assert patch.status_code == 200
    updated = last_entry(org, AuditAction.UPDATE)
    assert (updated.source, updated.actor, updated.request_id) == (AuditSource.API, personas.district_a, patch["X-Request-ID"])
    assert updated.changed_fields == ["address"]
    assert (updated.before["address"], updated.after["address"]) == ("", "新北区通江中路1号")
    # The API shows the same entry to the writer.
    history = api.get(f"/api/organisations/{org.pk}/history/").json()["results"]
    assert [e["action"] for e in history] == ["update", "create"]
    assert history[0]["request_id"] == patch["X-Request-ID"] and history[0]["source"] == "api"


def test_token_key_never_appears_in_the_trail(city: Any, personas: Any) -> None:
    key = Client().post("/api/auth/token/", {"username": "district_b", "password": PASSWORD}).json()["token"]
    assert len(key) >= 20
    for entry in AuditEntry.objects.all():
        stored = json.dumps([entry.object_id, entry.object_repr, entry.before, entry.after], ensure_ascii=False)
        assert key not in stored, f"token key stored in audit entry {entry.pk} ({entry.content_type.model})"


def test_admin_change_and_delete(client: Any, city: Any) -> None:
    root = city.superuser
    client.force_login(root)
    org = city.enterprise_a
    data = {**form_data(org, name="常州甲化工股份有限公司"), "region": org.region.pk, "_save": "Save"}
    response = client.post(f"/admin/core/organisation/{org.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    updated = last_entry(org, AuditAction.UPDATE)
    assert (updated.source, updated.actor, updated.actor_label) == (AuditSource.ADMIN, root, "root")
    assert updated.request_id == response["X-Request-ID"]
    assert updated.changed_fields == ["name"]
    assert (updated.before["name"], updated.after["name"]) == ("常州甲化工有限公司", "常州甲化工股份有限公司")

    with audit_context(source=AuditSource.SYSTEM, actor=root):
        doomed = services.organisation_create(actor=root, name="待注销公司", kind="enterprise", region=city.street_b)
    pk = doomed.pk
    response = client.post(f"/admin/core/organisation/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=pk).exists()
    deleted = last_entry(doomed, AuditAction.DELETE)
    assert (deleted.source, deleted.actor, deleted.request_id) == (AuditSource.ADMIN, root, response["X-Request-ID"])
    assert deleted.before["name"] == "待注销公司" and deleted.after is None
    assert deleted.region_path == city.street_b.path


def test_command_writes_are_recorded_as_command(city: Any, tmp_path: Any, monkeypatch: Any) -> None:
    fixture = tmp_path / "orgs.json"
    fields = {"name": "导入企业", "kind": "enterprise", "region": city.street_a.pk, "credit_code": None,
              "created_at": "2023-01-01T00:00:00Z", "updated_at": "2023-01-01T00:00:00Z"}  # fmt: skip
    fixture.write_text(json.dumps([{"model": "core.organisation", "pk": 9001, "fields": fields}], ensure_ascii=False))
    # cli.main runs the command exactly like this; it is not called here because Django closes every
    # database connection after a command-line run, which would end the test's transaction.
    with cli.command_context("loaddata"):
        call_command("loaddata", str(fixture), verbosity=0)
    org = Organisation.objects.get(pk=9001)
    created = last_entry(org, AuditAction.CREATE)
    assert created.source == AuditSource.COMMAND
    assert created.actor is None and created.actor_label.startswith("command:loaddata")
    assert created.request_id and created.after["name"] == "导入企业"

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Another-password-2023")
    with cli.command_context("createsuperuser"):
        call_command("createsuperuser", interactive=False, username="operator2", email="op@example.com")
    user = get_user_model().objects.get(username="operator2")
    entry = last_entry(user, AuditAction.CREATE)
    assert entry.source == AuditSource.COMMAND and entry.actor_label.startswith("command:createsuperuser")
    assert entry.after["password"].startswith("sha256:")
    assert user.password not in json.dumps(entry.after)
    assert "last_login" not in entry.after


def test_queryset_update_records_each_row(city: Any) -> None:
    with audit_context(source=AuditSource.COMMAND, actor=city.superuser) as ctx:
        count = Organisation.objects.filter(region__path__startswith=city.district_a.path).update(address="新北区")
    rows = Organisation.objects.filter(region__path__startswith=city.district_a.path)
    assert count == 3 == rows.count()
    for org in rows:
        entry = last_entry(org, AuditAction.UPDATE)
        assert (entry.source, entry.actor, entry.request_id) == (AuditSource.COMMAND, city.superuser, ctx.request_id)
        assert entry.changed_fields == ["address"]
        assert (entry.before["address"], entry.after["address"]) == ("", "新北区")
        assert entry.before["name"] == entry.after["name"] == org.name
    assert AuditEntry.objects.filter(request_id=ctx.request_id).count() == 3
    # Rows outside the filter are untouched and unrecorded.
    assert not entries_for(city.enterprise_b, AuditAction.UPDATE)


def test_bulk_create_and_bulk_update(city: Any) -> None:
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser) as ctx:
        via_helper = audit.bulk_create(
            Organisation, [Organisation(name=f"甲{i}", kind="enterprise", region=city.street_a) for i in range(3)]
        )
        via_manager = Organisation.objects.bulk_create(
            [Organisation(name=f"乙{i}", kind="enterprise", region=city.street_b) for i in range(2)]
        )
    for org in via_helper + via_manager:
        assert org.pk is not None
        entry = last_entry(org, AuditAction.CREATE)
        assert entry.request_id == ctx.request_id and entry.actor == city.superuser
        assert entry.before is None and entry.after["name"] == org.name
    assert AuditEntry.objects.filter(request_id=ctx.request_id, action=AuditAction.CREATE).count() == 5

    objs = list(Organisation.objects.filter(name__startswith="甲"))
    for obj in objs:
        obj.contact_phone = "0519-80000000"
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser) as ctx2:
        Organisation.objects.bulk_update(objs, ["contact_phone"])
    entries = AuditEntry.objects.filter(request_id=ctx2.request_id)
    assert entries.count() == 3
    for entry in entries:
        assert entry.action == AuditAction.UPDATE and entry.changed_fields == ["contact_phone"]
        assert (entry.before["contact_phone"], entry.after["contact_phone"]) == ("", "0519-80000000")


def test_orm_delete_is_recorded_and_stays_in_scope(client: Any, city: Any, personas: Any) -> None:
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser) as ctx:
        org = services.organisation_create(actor=city.superuser, name="临时企业", kind="enterprise", region=city.street_a)
        pk = org.pk
        org.delete()
    org.pk = pk
    entry = last_entry(org, AuditAction.DELETE)
    assert entry.request_id == ctx.request_id and entry.before["name"] == "临时企业" and entry.after is None
    client.force_login(personas.district_a)
    shown = client.get("/audit/", {"action": "delete"}).context["page"].object_list
    assert [e.object_repr for e in shown] == ["临时企业"]
    client.force_login(personas.district_b)
    assert list(client.get("/audit/", {"action": "delete"}).context["page"].object_list) == []


def test_district_b_cannot_see_district_a_entries(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    response = client.post(f"/organisations/{city.enterprise_a.pk}/edit/", form_data(city.enterprise_a, address="甲地址"))
    request_id = response["X-Request-ID"]
    assert [e.object_repr for e in client.get("/audit/", {"request_id": request_id}).context["page"]] == ["常州甲化工有限公司"]
    client.force_login(personas.district_b)
    assert list(client.get("/audit/", {"request_id": request_id}).context["page"]) == []
    assert client.get("/api/audit/", {"request_id": request_id}).json()["results"] == []
    csv_text = b"".join(client.get("/audit/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert request_id not in csv_text and "甲地址" not in csv_text
    entry = AuditEntry.objects.get(request_id=request_id)
    assert client.get(f"/api/audit/{entry.pk}/").status_code == 404


def test_audit_csv_export_contains_the_entry(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    response = client.post(
        f"/organisations/{city.enterprise_a.pk}/edit/", form_data(city.enterprise_a, contact_phone="0519-86660000")
    )
    request_id = response["X-Request-ID"]
    export = client.get("/audit/", {"export": "csv", "request_id": request_id})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    row = lines[1]
    for expected in (request_id, "district_a", "常州甲化工有限公司", "contact_phone", "0519-86660000", str(city.enterprise_a.pk)):
        assert expected in row


def test_audit_entries_cannot_be_changed_in_the_admin(client: Any, city: Any) -> None:
    client.force_login(city.superuser)
    entry = AuditEntry.objects.filter(object_repr="常州甲化工有限公司").first()
    assert entry is not None
    url = f"/admin/core/auditentry/{entry.pk}/"
    view = client.get(f"{url}change/")
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert client.post(f"{url}change/", {"object_repr": "篡改", "source": "ui", "action": "delete"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr == "常州甲化工有限公司" and entry.action == AuditAction.CREATE


@pytest.mark.parametrize("persona", ["district_a", "city_official"])
def test_audit_admin_is_closed_to_non_staff(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/admin/core/auditentry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
