"""The pages that keep the provider register and record group-purchase contracts (issue 16): who
sees each page and who may use it, the contract made through the page end to end, the refusals
shown on the form in words, and the query counts of the list pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from conftest import make_org
from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind
from safecity.smallbiz.models import Contract, ProviderEngineer, Qualification, ServiceArea, ServiceProvider, Visit
from safecity.smallbiz.services import registry


def _expired_provider(biz: Any) -> ServiceProvider:
    """A provider with its engineers but whose only qualification ended yesterday."""
    root = biz.city.superuser
    org = make_org("过期安全", OrganisationKind.SAFETY_SERVICE_PROVIDER, biz.city.district_a, actor=root)
    provider = registry.provider_register(actor=root, organisation=org, registered_with=biz.city.district_a, premises="长江路2号")
    registry.qualification_add(
        actor=root,
        provider=provider,
        name="安全生产技术服务",
        number="QX",
        valid_from=date(2020, 1, 1),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    for i in range(5):
        person = core_services.person_create(actor=root, name=f"过期工程师{i}", organisation=org)
        registry.engineer_add(actor=root, provider=provider, person=person, registration_number=f"X{i}")
    return provider


# --- providers ---------------------------------------------------------------------------------


def test_provider_page_shows_qualifications_areas_engineers_and_who_may_change(client: Any, biz: Any, personas: Any) -> None:
    provider = _expired_provider(biz)
    registry.qualification_add(
        actor=biz.city.superuser,
        provider=provider,
        name="职业卫生技术服务",
        number="QS",
        valid_from=date(2020, 1, 1),
        valid_until=timezone.localdate() + timedelta(days=10),
    )
    registry.service_area_add(actor=biz.city.superuser, provider=provider, region=biz.city.street_a)
    url = f"/smallbiz/providers/{provider.pk}/"
    client.force_login(personas.district_a)
    page = client.get(url).content.decode()
    assert 'data-testid="expired"' in page and 'data-testid="expiring"' in page
    assert biz.city.street_a.name in page and "X3" in page and "过期工程师0" in page
    assert 'data-testid="add-qualification"' in page and 'data-testid="add-engineer"' in page
    assert "provider-detail" not in page and "smallbiz_" not in page  # no codes on the page
    # The register is public to the platform's people; only its district (and the city) keep it.
    for user in (personas.district_b, biz.street_official, biz.supervisor, biz.engineer, personas.enterprise_user):
        client.force_login(user)
        shown = client.get(url)
        assert shown.status_code == 200 and 'data-testid="add-qualification"' not in shown.content.decode()
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 403
    client.force_login(personas.district_a)
    assert client.get("/smallbiz/providers/999999/").status_code == 404


def test_provider_list_links_each_provider_and_offers_registration_to_regulators(client: Any, biz: Any, personas: Any) -> None:
    client.force_login(personas.district_a)
    page = client.get("/smallbiz/providers/").content.decode()
    assert f"/smallbiz/providers/{biz.provider.pk}/" in page and 'data-testid="register-provider"' in page
    client.force_login(biz.street_official)
    page = client.get("/smallbiz/providers/").content.decode()
    assert f"/smallbiz/providers/{biz.provider.pk}/" in page and 'data-testid="register-provider"' not in page


def test_register_a_provider_and_keep_it_through_the_pages(client: Any, biz: Any, personas: Any) -> None:
    org = make_org("新安安全", OrganisationKind.SAFETY_SERVICE_PROVIDER, biz.city.district_a, actor=biz.city.superuser)
    client.force_login(biz.street_official)
    assert client.get("/smallbiz/providers/new/").status_code == 403
    client.force_login(personas.district_b)
    refused = client.post(
        "/smallbiz/providers/new/", {"organisation": org.pk, "registered_with": biz.city.district_a.pk, "premises": "x"}
    )
    assert refused.status_code == 400 and not ServiceProvider.objects.filter(organisation=org).exists()
    client.force_login(personas.district_a)
    empty = client.post(
        "/smallbiz/providers/new/", {"organisation": org.pk, "registered_with": biz.city.district_a.pk, "premises": "  "}
    )
    assert empty.status_code == 400 and 'data-testid="error-premises"' in empty.content.decode()
    made = client.post(
        "/smallbiz/providers/new/", {"organisation": org.pk, "registered_with": biz.city.district_a.pk, "premises": "长江路9号"}
    )
    provider = ServiceProvider.objects.get(organisation=org)
    assert made.status_code == 302 and made["Location"] == f"/smallbiz/providers/{provider.pk}/"

    base = f"/smallbiz/providers/{provider.pk}"
    backwards = client.post(
        f"{base}/qualifications/new/",
        {"name": "安全评价", "number": "Q9", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
    )
    assert (
        backwards.status_code == 400 and backwards.context["form"].errors and not Qualification.objects.filter(provider=provider)
    )
    assert (
        client.post(
            f"{base}/qualifications/new/",
            {"name": "安全评价", "number": "Q9", "valid_from": "2025-01-01", "valid_until": "2030-01-01"},
        ).status_code
        == 302
    )
    assert client.post(f"{base}/areas/new/", {"region": biz.city.street_a.pk}).status_code == 302
    again = client.post(f"{base}/areas/new/", {"region": biz.city.street_a.pk})
    assert again.status_code == 400 and 'data-testid="form-errors"' in again.content.decode()
    assert ServiceArea.objects.filter(provider=provider).count() == 1

    person = core_services.person_create(actor=biz.city.superuser, name="王工", organisation=org)
    no_number = client.post(f"{base}/engineers/new/", {"person": person.pk, "registered": "on", "full_time": "on"})
    assert no_number.status_code == 400 and "registration_number" in no_number.context["form"].errors
    assert (
        client.post(
            f"{base}/engineers/new/", {"person": person.pk, "registered": "on", "registration_number": "R77", "full_time": "on"}
        ).status_code
        == 302
    )
    assert ProviderEngineer.objects.get(provider=provider).registration_number == "R77"
    # Someone of another provider is not offered: the engineer belongs to the provider.
    stranger = core_services.person_create(actor=biz.city.superuser, name="外人", organisation=biz.provider.organisation)
    assert client.post(f"{base}/engineers/new/", {"person": stranger.pk, "registration_number": "R1"}).status_code == 400

    client.force_login(personas.district_b)  # sees the public register, may not keep a provider of district A
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/qualifications/new/").status_code == 403


# --- contracts ---------------------------------------------------------------------------------


def _contract_post(biz: Any, provider: ServiceProvider, **extra: Any) -> dict[str, Any]:
    data = {
        "number": "TG-2026-01",
        "title": "三井街道小微企业团购",
        "buyer_kind": "street",
        "buyer": biz.street_office.pk,
        "region": biz.city.street_a.pk,
        "provider": provider.pk,
        "visits_per_year": "4",
        "training": "on",
        "price": "30000",
        "government_share": "0.70",
        "starts_on": f"{timezone.localdate().year}-01-01",
        "ends_on": f"{timezone.localdate().year}-12-31",
    }
    data.update(extra)
    return data


def test_a_street_records_a_contract_puts_it_in_force_and_closes_it(client: Any, biz: Any) -> None:
    a1 = [biz.enterprise("甲厂"), biz.enterprise("甲店")]
    a2 = biz.enterprise("乙厂", biz.village_a2)
    biz.enterprise("乙库", biz.village_a2)  # not chosen
    client.force_login(biz.street_official)
    form = client.get("/smallbiz/contracts/new/")
    assert form.status_code == 200 and "smallbiz/contract_form.js" in form.content.decode()
    made = client.post(
        "/smallbiz/contracts/new/", _contract_post(biz, biz.provider, villages=[biz.village_a1.pk], enterprises=[a2.pk])
    )
    assert made.status_code == 302
    contract = Contract.objects.get(number="TG-2026-01")
    assert contract.state == "draft" and contract.training and not contract.emergency_plan
    assert {m.enterprise for m in contract.members.all()} == {*a1, a2}

    page = client.get(f"/smallbiz/contracts/{contract.pk}/").content.decode()
    assert "21000.00" in page and "9000.00" in page  # the government's and the enterprises' shares
    assert 'data-testid="action-activate"' in page and 'data-testid="action-close"' not in page
    assert 'data-testid="no-schedule"' in page

    assert client.post(f"/smallbiz/contracts/{contract.pk}/activate/").status_code == 302
    contract.refresh_from_db()
    assert contract.state == "active" and Visit.objects.filter(contract=contract).count() == 12
    page = client.get(f"/smallbiz/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="action-close"' in page and 'data-testid="action-activate"' not in page
    schedule = client.get(f"/smallbiz/contracts/{contract.pk}/").context["schedule"]
    assert {(s["village"], s["total"]) for s in schedule} == {("甲村", 8), ("乙村", 4)}

    again = client.post(f"/smallbiz/contracts/{contract.pk}/activate/", follow=True)
    assert "cannot be changed this way" in again.content.decode() or "不能" in again.content.decode()
    assert client.post(f"/smallbiz/contracts/{contract.pk}/close/").status_code == 302
    contract.refresh_from_db()
    assert contract.state == "closed"


def test_a_provider_without_a_qualification_in_force_is_refused_on_the_form(client: Any, biz: Any) -> None:
    expired = _expired_provider(biz)
    enterprise = biz.enterprise("甲厂")
    client.force_login(biz.street_official)
    refused = client.post("/smallbiz/contracts/new/", _contract_post(biz, expired, enterprises=[enterprise.pk]))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'data-testid="form-errors"' in text and "过期安全" in text
    assert not Contract.objects.exists()
    empty = client.post("/smallbiz/contracts/new/", _contract_post(biz, biz.provider))
    assert empty.status_code == 400 and 'data-testid="error-enterprises"' in empty.content.decode()


def test_who_sees_contracts_and_who_may_move_them(client: Any, biz: Any, personas: Any) -> None:
    contract = biz.contract([biz.enterprise("甲厂")], activate=False)
    detail, move = f"/smallbiz/contracts/{contract.pk}/", f"/smallbiz/contracts/{contract.pk}/activate/"
    for user in (personas.city_official, personas.district_a, biz.street_official):
        client.force_login(user)
        assert contract.number in client.get("/smallbiz/contracts/").content.decode()
        assert 'data-testid="action-activate"' in client.get(detail).content.decode()
    client.force_login(biz.supervisor)  # sees its street's contracts, does not move them
    assert contract.number in client.get("/smallbiz/contracts/").content.decode()
    page = client.get(detail).content.decode()
    assert 'data-testid="action-activate"' not in page and 'data-testid="create-contract"' not in page
    assert client.post(move).status_code == 403
    assert client.get("/smallbiz/contracts/new/").status_code == 403
    client.force_login(personas.district_b)
    assert contract.number not in client.get("/smallbiz/contracts/").content.decode()
    assert client.get(detail).status_code == 404 and client.post(move).status_code == 404
    client.force_login(biz.engineer)  # a draft is not yet the engineer's
    assert client.get(detail).status_code == 404
    for user in (personas.enterprise_user, personas.outsider):
        client.force_login(user)
        assert client.get("/smallbiz/contracts/").status_code == 403
    contract.refresh_from_db()
    assert contract.state == "draft"
    client.force_login(personas.district_a)
    client.post(move)
    client.force_login(biz.engineer)
    assert client.get(detail).status_code == 200
    client.force_login(biz.other_engineer)
    assert client.get(detail).status_code == 404


def test_list_pages_query_counts(client: Any, biz: Any, personas: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(6):
        biz.contract([biz.enterprise(f"厂{i}"), biz.enterprise(f"店{i}", biz.village_a2)])
    client.force_login(personas.district_a)
    with django_assert_max_num_queries(12):
        page = client.get("/smallbiz/contracts/")
    assert len(page.context["page"].object_list) == 6
    with django_assert_max_num_queries(14):
        assert client.get("/smallbiz/providers/").status_code == 200
    contract = Contract.objects.first()
    with django_assert_max_num_queries(16):
        assert client.get(f"/smallbiz/contracts/{contract.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/smallbiz/providers/{biz.provider.pk}/").status_code == 200
