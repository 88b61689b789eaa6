"""Correcting and retiring a provider's qualifications, service areas and engineers (issue 16,
domain-rules §7c): the services (each correction, each retirement, each refusal in words, nothing
half-written, who may), what a retirement changes (no qualification in force, an engineer who left
no longer counts, gets no visits and no longer reaches the enterprises), the audit trail, the pages
and the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource
from safecity.core.models import AuditEntry
from safecity.core.scoping import scoped
from safecity.smallbiz.choices import VisitState
from safecity.smallbiz.models import ProviderEngineer, Qualification, ServiceArea, SmallEnterprise, Visit
from safecity.smallbiz.services import contracts, registry
from safecity.smallbiz.services.common import SmallbizError


def _audit(obj: Any, action: str = "update") -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk), action=action).order_by("pk"))


def _qualification(biz: Any) -> Qualification:
    return Qualification.objects.get(provider=biz.provider)


def _engineers(biz: Any) -> list[ProviderEngineer]:
    return list(ProviderEngineer.objects.filter(provider=biz.provider).select_related("person").order_by("pk"))


def _refused(fn: Any, code: str = "invalid", **kwargs: Any) -> SmallbizError:
    with pytest.raises(SmallbizError) as caught:
        fn(**kwargs)
    assert caught.value.error_code == code, caught.value.messages
    return caught.value


def _served(biz: Any) -> tuple[SmallEnterprise, Any]:
    """An enterprise of village A1 (street A) in a contract in force of the provider."""
    enterprise = biz.enterprise("服务厂", biz.village_a1)
    return enterprise, biz.contract([enterprise])


# --- qualifications ----------------------------------------------------------------------------


def test_a_qualification_is_corrected_and_the_correction_is_audited(biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    with audit_context(source=AuditSource.UI, actor=personas.district_a):
        registry.qualification_correct(
            actor=personas.district_a,
            qualification=q,
            name=" 安全生产技术服务（甲级） ",
            number="苏安服-001",
            valid_from=date(2021, 3, 1),
            valid_until=q.valid_until,
        )
    q.refresh_from_db()
    assert (q.name, q.number, q.valid_from) == ("安全生产技术服务（甲级）", "苏安服-001", date(2021, 3, 1))
    entry = _audit(q)[-1]
    assert entry.actor_id == personas.district_a.pk
    assert {"name", "number", "valid_from"} <= set(entry.changed_fields)
    assert entry.before["number"] == "Q1" and entry.after["number"] == "苏安服-001"
    # The city corrects too; None leaves a field as it is.
    registry.qualification_correct(actor=personas.city_official, qualification=q, number="苏安服-002")
    q.refresh_from_db()
    assert (q.number, q.name) == ("苏安服-002", "安全生产技术服务（甲级）")


def test_a_bad_qualification_correction_is_refused_in_words_and_nothing_is_written(biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    today = timezone.localdate()
    other = registry.qualification_add(
        actor=personas.district_a,
        provider=biz.provider,
        name="职业卫生技术服务",
        number="Q2",
        valid_from=today,
        valid_until=today + timedelta(days=400),
    )
    backwards = _refused(
        registry.qualification_correct,
        actor=personas.district_a,
        qualification=other,
        valid_from=today,
        valid_until=today - timedelta(days=1),
    )
    assert "before it starts" in backwards.message_dict["valid_until"][0]
    twin = _refused(registry.qualification_correct, "duplicate", actor=personas.district_a, qualification=other, number="q1")
    assert "Q1" in twin.message_dict["number"][0] and "already recorded" in twin.message_dict["number"][0]
    other.refresh_from_db()
    assert (other.number, other.valid_until) == ("Q2", today + timedelta(days=400))
    # The same certificate for another period (a renewal) is not a duplicate.
    registry.qualification_correct(
        actor=personas.district_a, qualification=other, number="Q1", valid_from=q.valid_until + timedelta(days=1),
        valid_until=q.valid_until + timedelta(days=30),
    )  # fmt: skip
    # Adding the same certificate twice is refused the same way.
    _refused(
        registry.qualification_add,
        "duplicate",
        actor=personas.district_a,
        provider=biz.provider,
        name="安全生产技术服务",
        number="Q1",
        valid_from=today,
        valid_until=today + timedelta(days=5),
    )


def test_a_retired_qualification_is_kept_but_no_longer_in_force(biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    today = timezone.localdate()
    missing = _refused(registry.qualification_retire, actor=personas.district_a, qualification=q, reason="  ")
    assert missing.message_dict["reason"] == ["Say why the qualification is retired."]
    future = _refused(
        registry.qualification_retire,
        actor=personas.district_a,
        qualification=q,
        reason="吊销",
        retired_on=today + timedelta(days=1),
    )
    assert "after today" in future.message_dict["retired_on"][0]
    q.refresh_from_db()
    assert q.retired_on is None and registry.provider_qualification_valid(biz.provider) == q

    registry.qualification_retire(actor=personas.district_a, qualification=q, reason="资质被发证机关撤销")
    q.refresh_from_db()
    assert (q.retired_on, q.retired_reason) == (today, "资质被发证机关撤销")
    assert "retired_on" in _audit(q)[-1].changed_fields
    # Not in force from the day it was retired; it was the day before.
    assert registry.provider_qualification_valid(biz.provider) is None
    assert registry.provider_qualification_valid(biz.provider, today - timedelta(days=1)) == q
    # So the provider gets no new work.
    enterprise = biz.enterprise("新厂", biz.village_a1)
    with pytest.raises(SmallbizError) as refused:
        biz.contract([enterprise], activate=False)
    assert refused.value.error_code == "guard" and "no qualification in force" in refused.value.messages[0]
    # Retired is history: neither retired again nor corrected.
    _refused(registry.qualification_retire, "transition_not_allowed", actor=personas.district_a, qualification=q, reason="x")
    _refused(registry.qualification_correct, "transition_not_allowed", actor=personas.district_a, qualification=q, number="Q9")


def test_only_the_district_of_registration_and_the_city_correct_or_retire(biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    engineer = _engineers(biz)[1]
    registry.service_area_add(actor=personas.district_a, provider=biz.provider, region=biz.city.street_a)
    area = ServiceArea.objects.get(provider=biz.provider)
    for user in (personas.district_b, personas.enterprise_user, personas.outsider, biz.street_official, biz.engineer):
        with pytest.raises(PermissionDenied):
            registry.qualification_correct(actor=user, qualification=q, number="X")
        with pytest.raises(PermissionDenied):
            registry.qualification_retire(actor=user, qualification=q, reason="x")
        with pytest.raises(PermissionDenied):
            registry.service_area_correct(actor=user, area=area, region=biz.city.district_a)
        with pytest.raises(PermissionDenied):
            registry.service_area_remove(actor=user, area=area, reason="x")
        with pytest.raises(PermissionDenied):
            registry.engineer_correct(actor=user, engineer=engineer, registration_number="X")
        with pytest.raises(PermissionDenied):
            registry.engineer_retire(actor=user, engineer=engineer, reason="x")
    q.refresh_from_db()
    engineer.refresh_from_db()
    area.refresh_from_db()
    assert (q.number, q.retired_on, area.retired_on, engineer.retired_on) == ("Q1", None, None, None)
    # Refused before anything is checked, even for a bad request.
    with pytest.raises(PermissionDenied):
        registry.qualification_retire(actor=personas.district_b, qualification=q, reason="")


# --- service areas -----------------------------------------------------------------------------


def test_a_service_area_is_corrected_and_removed_unless_contracts_in_force_are_left_uncovered(biz: Any, personas: Any) -> None:
    a = personas.district_a
    area = registry.service_area_add(actor=a, provider=biz.provider, region=biz.city.street_a)
    village = _refused(registry.service_area_correct, actor=a, area=area, region=biz.village_a1)
    assert "district or a street" in village.message_dict["region"][0]
    _served(biz)
    contract_number = biz.provider.contracts.get().number
    # Moving it to street B would leave the enterprise of street A outside every area.
    moved = _refused(registry.service_area_correct, "guard", actor=a, area=area, region=biz.city.street_b)
    assert contract_number in moved.message_dict["region"][0] and "1 enterprise" in moved.message_dict["region"][0]
    removal = _refused(registry.service_area_remove, "guard", actor=a, area=area, reason="不再服务")
    assert contract_number in removal.messages[0] and biz.city.street_a.name in removal.messages[0]
    missing = _refused(registry.service_area_remove, actor=a, area=area, reason="")
    assert missing.message_dict["reason"] == ["Say why the service area is removed."]
    area.refresh_from_db()
    assert (area.region, area.retired_on) == (biz.city.street_a, None)

    # Once the whole district is served, street A's area may go (the district covers its enterprises).
    district = registry.service_area_add(actor=a, provider=biz.provider, region=biz.city.district_a)
    _refused(registry.service_area_correct, "duplicate", actor=a, area=area, region=biz.city.district_a)
    registry.service_area_remove(actor=a, area=area, reason="并入新北区整体服务")
    area.refresh_from_db()
    assert (area.retired_on, area.retired_reason) == (timezone.localdate(), "并入新北区整体服务")
    assert "retired_on" in _audit(area)[-1].changed_fields
    _refused(registry.service_area_remove, "transition_not_allowed", actor=a, area=area, reason="x")
    # The district's area now carries them: it cannot go, and the removed street may come back.
    _refused(registry.service_area_remove, "guard", actor=a, area=district, reason="x")
    again = registry.service_area_add(actor=a, provider=biz.provider, region=biz.city.street_a)
    assert again.pk != area.pk
    registry.service_area_correct(actor=a, area=district, region=biz.city.district_b)
    district.refresh_from_db()
    assert district.region == biz.city.district_b


# --- engineers ---------------------------------------------------------------------------------


def test_an_engineer_is_corrected_and_bad_corrections_are_refused(biz: Any, personas: Any) -> None:
    a = personas.district_a
    first, second = _engineers(biz)[:2]
    registry.engineer_correct(actor=a, engineer=second, name="王建国", registration_number=" ZA-2019-001 ", full_time=False)
    second.refresh_from_db()
    second.person.refresh_from_db()
    assert (second.person.name, second.registration_number, second.full_time) == ("王建国", "ZA-2019-001", False)
    assert "full_time" in _audit(second)[-1].changed_fields
    assert registry.provider_registered_engineers(biz.provider) == 4

    twin = _refused(registry.engineer_correct, "duplicate", actor=a, engineer=first, registration_number="za-2019-001")
    assert "王建国" in twin.message_dict["registration_number"][0]
    unnumbered = _refused(registry.engineer_correct, actor=a, engineer=first, registration_number="")
    assert unnumbered.message_dict["registration_number"] == ["A registered safety engineer has a registration number."]
    nameless = _refused(registry.engineer_correct, actor=a, engineer=first, name="  ", registration_number="R0-new")
    assert "name" in nameless.message_dict
    first.refresh_from_db()
    assert (first.registration_number, first.person.name) == ("R0", "安泰安全工程师0")
    # Not registered: no number needed.
    registry.engineer_correct(actor=a, engineer=first, registered=False, registration_number="")
    first.refresh_from_db()
    assert not first.registered and registry.provider_registered_engineers(biz.provider) == 3


def test_an_engineer_who_left_no_longer_counts_nor_reaches_and_the_planned_visits_are_counted(biz: Any, personas: Any) -> None:
    a = personas.district_a
    enterprise, contract = _served(biz)
    mine = ProviderEngineer.objects.get(person__user=biz.engineer)
    open_visits = Visit.objects.filter(engineer=mine, state=VisitState.SCHEDULED).count()
    assert open_visits > 0
    assert scoped(Visit, biz.engineer).filter(contract=contract).exists()

    missing = _refused(registry.engineer_retire, actor=a, engineer=mine, reason="")
    assert missing.message_dict["reason"] == ["Say why the engineer left."]
    _refused(registry.engineer_retire, actor=a, engineer=mine, reason="离职", retired_on=timezone.localdate() + timedelta(days=3))
    mine.refresh_from_db()
    assert mine.retired_on is None

    left_on = timezone.localdate() - timedelta(days=2)
    result = registry.engineer_retire(actor=a, engineer=mine, reason="合同到期离职", retired_on=left_on)
    assert result.open_visits == open_visits and [c.number for c in result.contracts] == [contract.number]
    assert (result.registered_engineers, result.minimum) == (4, 5)
    mine.refresh_from_db()
    assert (mine.retired_on, mine.retired_reason) == (left_on, "合同到期离职")
    assert "retired_reason" in _audit(mine)[-1].changed_fields
    # Four engineers in service: below the minimum, no new work.
    with pytest.raises(SmallbizError) as short:
        contracts.contract_create(
            actor=biz.city.superuser, number="C-X", title="团购", buyer_kind="street", buyer=biz.street_office,
            region=biz.city.street_a, provider=biz.provider, enterprises=[enterprise], price="1", government_share="0.5",
            starts_on=contract.starts_on, ends_on=contract.ends_on,
        )  # fmt: skip
    assert short.value.error_code == "guard" and "4 full-time registered" in short.value.messages[0]
    # The login of the engineer who left reaches nothing of the provider's contracts any more.
    assert not scoped(Visit, biz.engineer).exists()
    assert not scoped(SmallEnterprise, biz.engineer).exists()
    # History stays as it was; the person may be taken on again (a new row).
    _refused(registry.engineer_retire, "transition_not_allowed", actor=a, engineer=mine, reason="x")
    _refused(registry.engineer_correct, "transition_not_allowed", actor=a, engineer=mine, full_time=False)
    back = registry.engineer_add(actor=a, provider=biz.provider, person=mine.person, registration_number="R0")
    assert back.pk != mine.pk and registry.provider_registered_engineers(biz.provider) == 5


# --- pages -------------------------------------------------------------------------------------


def test_the_provider_page_offers_corrections_and_shows_retired_rows_apart(client: Any, biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    engineer = _engineers(biz)[1]
    url = f"/smallbiz/providers/{biz.provider.pk}/"
    base = url.rstrip("/")
    client.force_login(personas.district_a)
    page = client.get(url).content.decode()
    assert f"{base}/qualifications/{q.pk}/correct/" in page and f"{base}/engineers/{engineer.pk}/retire/" in page
    assert 'data-testid="retired-qualifications"' not in page

    form = client.get(f"{base}/qualifications/{q.pk}/correct/")
    assert form.status_code == 200 and 'value="Q1"' in form.content.decode()
    bad = client.post(
        f"{base}/qualifications/{q.pk}/correct/",
        {"name": q.name, "number": "Q1", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
    )
    assert bad.status_code == 400 and 'data-testid="error-valid_until"' in bad.content.decode()
    good = client.post(
        f"{base}/qualifications/{q.pk}/correct/",
        {"name": q.name, "number": "苏安服-7", "valid_from": "2020-01-01", "valid_until": q.valid_until.isoformat()},
    )
    assert good.status_code == 302 and good["Location"] == url
    q.refresh_from_db()
    assert q.number == "苏安服-7" and _audit(q)[-1].actor_id == personas.district_a.pk

    no_reason = client.post(f"{base}/qualifications/{q.pk}/retire/", {"retired_on": timezone.localdate().isoformat()})
    assert no_reason.status_code == 400 and "Say why the qualification is retired." in no_reason.content.decode()
    retired = client.post(
        f"{base}/qualifications/{q.pk}/retire/",
        {"retired_on": timezone.localdate().isoformat(), "reason": "发证机关注销"},
        follow=True,
    )
    shown = retired.content.decode()
    assert retired.status_code == 200 and 'data-testid="retired-qualifications"' in shown and "发证机关注销" in shown
    assert 'data-testid="not-in-force"' in shown and "holds no qualification in force" in shown
    assert f"{base}/qualifications/{q.pk}/correct/" not in shown  # no actions on a retired row

    # Others see the page without the actions, and get 403 on the forms; 404 for another provider's row.
    client.force_login(personas.district_b)
    assert f"{base}/engineers/{engineer.pk}/retire/" not in client.get(url).content.decode()
    assert client.get(f"{base}/engineers/{engineer.pk}/retire/").status_code == 403
    assert client.post(f"{base}/engineers/{engineer.pk}/retire/", {"reason": "x"}).status_code == 403
    client.force_login(personas.enterprise_user)
    assert client.get(f"{base}/engineers/{engineer.pk}/correct/").status_code == 403
    client.force_login(personas.district_a)
    foreign = Qualification.objects.get(provider=biz.other_provider)
    assert client.get(f"{base}/qualifications/{foreign.pk}/retire/").status_code == 404
    engineer.refresh_from_db()
    assert engineer.retired_on is None


def test_recording_that_an_engineer_left_through_the_page_says_how_many_visits_to_replan(
    client: Any, biz: Any, personas: Any
) -> None:
    _enterprise, contract = _served(biz)
    mine = ProviderEngineer.objects.get(person__user=biz.engineer)
    waiting = Visit.objects.filter(engineer=mine, state=VisitState.SCHEDULED).count()
    base = f"/smallbiz/providers/{biz.provider.pk}"
    client.force_login(personas.district_a)
    form = client.get(f"{base}/engineers/{mine.pk}/retire/").content.decode()
    assert f"{waiting} visit(s) not yet done are planned on this engineer" in form
    done = client.post(
        f"{base}/engineers/{mine.pk}/retire/",
        {"retired_on": timezone.localdate().isoformat(), "reason": "调往外地"},
        follow=True,
    )
    page = done.content.decode()
    assert f"{waiting} visit(s) not yet done are still planned on them (contracts {contract.number})" in page
    assert "4 full-time registered safety engineers; at least 5 are required" in page
    assert 'data-testid="retired-engineers"' in page and "调往外地" in page and 'data-testid="short-of-engineers"' in page
    mine.refresh_from_db()
    assert mine.retired_on == timezone.localdate()

    other = _engineers(biz)[2]
    corrected = client.post(
        f"{base}/engineers/{other.pk}/correct/",
        {"name": "李明", "registered": "on", "registration_number": "R1", "full_time": "on"},
    )
    assert corrected.status_code == 400 and 'data-testid="error-registration_number"' in corrected.content.decode()
    corrected = client.post(
        f"{base}/engineers/{other.pk}/correct/",
        {"name": "李明", "registered": "on", "registration_number": "R2-A", "full_time": "on"},
    )
    assert corrected.status_code == 302
    other.refresh_from_db()
    assert (other.person.name, other.registration_number) == ("李明", "R2-A")


def test_a_service_area_through_the_pages(client: Any, biz: Any, personas: Any) -> None:
    area = registry.service_area_add(actor=biz.city.superuser, provider=biz.provider, region=biz.city.street_a)
    _served(biz)
    base = f"/smallbiz/providers/{biz.provider.pk}"
    client.force_login(personas.district_a)
    refused = client.post(f"{base}/areas/{area.pk}/remove/", {"reason": "调整"})
    assert refused.status_code == 400 and "no other of its service areas covers them" in refused.content.decode()
    assert client.post(f"{base}/areas/{area.pk}/correct/", {"region": biz.city.district_a.pk}).status_code == 302
    area.refresh_from_db()
    assert area.region == biz.city.district_a
    assert client.post(f"{base}/areas/{area.pk}/remove/", {"reason": ""}).status_code == 400
    area.refresh_from_db()
    assert area.retired_on is None


# --- API ---------------------------------------------------------------------------------------


def test_the_api_corrects_and_retires_in_the_core_error_format(client: Any, biz: Any, personas: Any) -> None:
    q = _qualification(biz)
    url = f"/api/smallbiz/qualifications/{q.pk}/"
    client.force_login(personas.district_a)
    listed = client.get(f"/api/smallbiz/qualifications/?provider={biz.provider.pk}").json()
    assert [row["id"] for row in listed["results"]] == [q.pk]
    assert client.get("/api/smallbiz/qualifications/?provider=abc").status_code == 400
    backwards = client.patch(url, {"valid_until": "2019-01-01"}, content_type="application/json")
    body = backwards.json()
    assert backwards.status_code == 400 and body["code"] == "invalid" and "valid_until" in body["fields"]
    changed = client.patch(url, {"number": "苏安服-9"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["number"] == "苏安服-9"
    no_reason = client.post(f"{url}retire/", {}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["fields"]["reason"] == ["Say why the qualification is retired."]
    for user in (personas.district_b, personas.enterprise_user):
        client.force_login(user)
        assert client.patch(url, {"number": "X"}, content_type="application/json").status_code == 403
        assert client.post(f"{url}retire/", {"reason": "x"}, content_type="application/json").status_code == 403
    client.force_login(personas.city_official)
    retired = client.post(f"{url}retire/", {"reason": "吊销"}, content_type="application/json")
    assert retired.status_code == 200 and retired.json()["retired_on"] == timezone.localdate().isoformat()
    again = client.post(f"{url}retire/", {"reason": "吊销"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    q.refresh_from_db()
    assert (q.number, q.retired_reason) == ("苏安服-9", "吊销")


def test_the_api_removes_areas_and_records_engineers_who_left(client: Any, biz: Any, personas: Any) -> None:
    area = registry.service_area_add(actor=biz.city.superuser, provider=biz.provider, region=biz.city.street_a)
    _enterprise, contract = _served(biz)
    mine = ProviderEngineer.objects.get(person__user=biz.engineer)
    client.force_login(personas.district_a)
    blocked = client.post(f"/api/smallbiz/areas/{area.pk}/remove/", {"reason": "x"}, content_type="application/json")
    assert blocked.status_code == 409 and blocked.json()["code"] == "guard" and contract.number in blocked.json()["message"]
    unknown = client.patch(f"/api/smallbiz/areas/{area.pk}/", {"region": "999999"}, content_type="application/json")
    assert unknown.status_code == 400 and "region" in unknown.json()["fields"]
    moved = client.patch(f"/api/smallbiz/areas/{area.pk}/", {"region": biz.city.district_a.code}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["region"] == biz.city.district_a.code

    twin = client.patch(
        f"/api/smallbiz/engineers/{_engineers(biz)[1].pk}/", {"registration_number": "R2"}, content_type="application/json"
    )
    assert twin.status_code == 409 and twin.json()["code"] == "duplicate"
    waiting = Visit.objects.filter(engineer=mine, state=VisitState.SCHEDULED).count()
    client.force_login(biz.engineer)
    assert client.get("/api/smallbiz/visits/?status=scheduled").json()["results"]
    client.force_login(personas.district_a)
    left = client.post(f"/api/smallbiz/engineers/{mine.pk}/retire/", {"reason": "离职"}, content_type="application/json")
    data = left.json()
    assert left.status_code == 200 and data["open_visits"] == waiting > 0
    assert data["contracts"] == [{"id": contract.pk, "number": contract.number}]
    assert data["engineer"]["retired_reason"] == "离职" and data["registered_engineers"] == 4
    client.force_login(biz.engineer)  # the engineer who left no longer reaches the contract
    assert client.get("/api/smallbiz/visits/?status=scheduled").json()["results"] == []
