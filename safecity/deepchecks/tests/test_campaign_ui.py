"""Creating a campaign in the UI: the district official picks the enterprises; others cannot."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safecity.deepchecks.models import Campaign
from safecity.hazards.models import RiskRegistry
from safecity.riskdict.models import DictionaryVersion


def _registry(city: Any) -> None:
    version = DictionaryVersion.objects.create(version="2023.1", title="t", status="published", published_at=timezone.now())
    for org in (city.enterprise_a, city.enterprise_b):
        RiskRegistry.objects.create(organisation=org, dictionary_version=version)


def _data(city: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "2023 新北区危险化学品企业深度安全体检", "region": "320411", "year": 2023,
        "period_start": "2023-03-01", "period_end": "2023-06-30", "min_panel_size": 5, "min_senior": 3,
        "workload_cap": 8, "days_per_check": 1, "targets": [city.enterprise_a.pk], **extra,
    }  # fmt: skip


def test_district_official_creates_a_campaign_with_its_targets(client: Any, city: Any, personas: Any) -> None:
    _registry(city)
    client.force_login(personas.district_a)
    assert "New campaign" in client.get("/deepchecks/").content.decode()
    page = client.get("/deepchecks/campaigns/new/").content.decode()
    assert "常州甲化工有限公司" in page and "常州乙化工有限公司" not in page
    response = client.post("/deepchecks/campaigns/new/", _data(city))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert list(campaign.targets.values_list("organisation_id", flat=True)) == [city.enterprise_a.pk]


def test_bad_campaign_input_writes_nothing(client: Any, city: Any, personas: Any) -> None:
    _registry(city)
    client.force_login(personas.district_a)
    backwards = client.post("/deepchecks/campaigns/new/", _data(city, period_end="2023-01-01"))
    assert backwards.status_code == 200 and "cannot end before it starts" in backwards.content.decode()
    other_district = client.post("/deepchecks/campaigns/new/", _data(city, targets=[city.enterprise_b.pk]))
    assert other_district.status_code == 200
    client.force_login(personas.district_b)
    wrong_region = client.post("/deepchecks/campaigns/new/", _data(city, targets=[city.enterprise_b.pk]))
    assert wrong_region.status_code == 200  # 320411 is not a region district B may choose
    assert not Campaign.objects.exists()
    client.force_login(personas.enterprise_user)
    assert "New campaign" not in client.get("/deepchecks/").content.decode()


def test_expert_pool_keeps_unavailable_dates_and_affiliations(client: Any, city: Any, personas: Any, pool: Any) -> None:
    expert = pool[0]
    client.force_login(personas.district_a)
    page = client.get(f"/deepchecks/experts/{expert.pk}/").content.decode()
    assert "Add an affiliation" in page and "Add unavailable dates" in page
    client.post(f"/deepchecks/experts/{expert.pk}/unavailability/", {"start": "2023-04-03", "end": "2023-04-07", "note": "出差"})
    client.post(f"/deepchecks/experts/{expert.pk}/affiliations/", {"organisation": city.enterprise_a.pk, "kind": "employer"})
    assert expert.unavailability.filter(start="2023-04-03").exists()
    assert expert.affiliations.filter(organisation=city.enterprise_a).exists()
    backwards = client.post(
        f"/deepchecks/experts/{expert.pk}/unavailability/", {"start": "2023-05-09", "end": "2023-05-01"}, follow=True
    )
    assert expert.unavailability.count() == 1 and backwards.status_code == 200
    client.force_login(personas.district_b)
    assert client.get(f"/deepchecks/experts/{expert.pk}/").status_code == 404
    assert (
        client.post(f"/deepchecks/experts/{expert.pk}/unavailability/", {"start": "2023-06-01", "end": "2023-06-02"}).status_code
        == 404
    )
    assert expert.unavailability.count() == 1


def test_panel_members_come_from_the_campaign_pool_only(client: Any, city: Any, personas: Any, world: Any) -> None:
    from safecity.core import services as core_services
    from safecity.deepchecks import services

    outsider_person = core_services.person_create(actor=city.superuser, name="外区专家", organisation=city.bureau_b)
    stranger = services.expert_create(actor=city.superuser, person=outsider_person, region=city.district_b, level="national")
    members = list(world.panel.members.values_list("expert_id", flat=True))
    client.force_login(personas.district_a)
    response = client.patch(
        f"/api/deepchecks/panels/{world.panel.pk}/members/",
        {"experts": [*members[1:], stranger.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "experts" in response.json()["fields"]
    assert "外区专家" not in response.content.decode()
    assert sorted(world.panel.members.values_list("expert_id", flat=True)) == sorted(members)
