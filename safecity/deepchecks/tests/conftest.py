"""Fixtures of the deep-check tests: a pool of experts in district A's pool, a campaign over
enterprise A with a published panel on which the expert persona sits, and the dictionary registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from conftest import make_org
from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind
from safecity.deepchecks import services
from safecity.deepchecks.choices import PanelStatus
from safecity.deepchecks.models import Campaign, Expert, Panel, Specialty
from safecity.hazards.tests.conftest import dictionary, registry  # noqa: F401  (fixtures)


@dataclass
class World:
    campaign: Campaign
    experts: list[Expert]
    me: Expert  # the expert persona's record
    panel: Panel


def add_expert(city: Any, name: str, level: str, *, org: Any = None, specialties: tuple[str, ...] = ()) -> Expert:
    person = core_services.person_create(actor=city.superuser, name=name, organisation=org or city.expert_institution)
    return services.expert_create(
        actor=city.superuser, person=person, region=city.district_a, level=level,
        specialties=Specialty.objects.filter(code__in=specialties),
    )  # fmt: skip


@pytest.fixture
def pool(city: Any, personas: Any) -> list[Expert]:
    me = services.expert_create(
        actor=city.superuser, person=personas.expert.person, region=city.district_a, level="provincial",
        specialties=Specialty.objects.filter(code="process_safety"),
    )  # fmt: skip
    others = [add_expert(city, f"专家{i}", "provincial" if i < 3 else "city", specialties=("fire",)) for i in range(8)]
    return [me, *others]


@pytest.fixture
def world(city: Any, personas: Any, pool: list[Expert]) -> World:
    campaign = services.campaign_create(
        actor=city.superuser, name="2023 新北区危险化学品企业深度安全体检", region=city.district_a, year=2023,
        period_start=date(2023, 3, 1), period_end=date(2023, 3, 31),
    )  # fmt: skip
    services.campaign_targets_add(actor=city.superuser, campaign=campaign, organisations=[city.enterprise_a])
    run = services.schedule_request(actor=city.superuser, campaign=campaign)
    run.refresh_from_db()
    assert run.status == "succeeded", run.reasons
    panel = Panel.objects.get(campaign=campaign)
    me = pool[0]
    if not panel.members.filter(expert=me).exists():
        members = [me, *[m.expert for m in panel.members.exclude(expert__level="city")][:2]]
        members += [e for e in pool if e.level == "city"][: 5 - len(members)]
        services.panel_member_set(actor=city.superuser, panel=panel, experts=members)
    services.schedule_publish(actor=city.superuser, campaign=campaign)
    panel.refresh_from_db()
    assert panel.status == PanelStatus.PUBLISHED
    return World(campaign=campaign, experts=pool, me=me, panel=panel)


@pytest.fixture
def group_enterprise(city: Any) -> Any:
    return make_org("常州甲集团有限公司", OrganisationKind.ENTERPRISE, city.street_a, actor=city.superuser)
