"""The conversion steps (issue 15 §2): every allowed and every refused transition, who may take
each step, the dates in order, the subsidy within the campaign's share and cap, nothing half-written
when a step is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from conftest import make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.scoping import scoped
from safecity.restaurants.choices import Acceptor, ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Conversion, ConversionEvent, ConversionEvidence, Restaurant
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.conversion import (
    campaign_add_restaurants,
    campaign_create,
    conversion_accept,
    conversion_plan,
    conversion_start,
    conversion_subsidy_apply,
    conversion_subsidy_approve,
    conversion_subsidy_pay,
    conversion_survey,
    subsidy_limit,
)
from safecity.restaurants.transitions import offered

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def photo(name: str = "kitchen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def restaurant(city: Any, name: str, region: Any = None, **fields: Any) -> Restaurant:
    org = make_org(name, OrganisationKind.ENTERPRISE, region or city.street_a, actor=city.superuser, industry_code="H6210")
    return Restaurant.objects.create(organisation=org, cylinders_on_site=2, **fields)


@pytest.fixture
def world(city: Any, personas: Any) -> Any:
    from types import SimpleNamespace

    w: Any = SimpleNamespace()
    w.personas = personas
    w.inspector_a = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    w.noodles = restaurant(city, "金坛区王记面馆")
    w.hotpot = restaurant(city, "金坛区李记火锅店")
    w.elsewhere = restaurant(city, "武进区张记饭店", city.street_b)
    w.manager = make_user(city, "noodles_manager", w.noodles.organisation, Role.ENTERPRISE_MANAGER)
    w.campaign = campaign_create(
        actor=personas.district_a,
        name="三井街道瓶改管示范",
        region=city.street_a,
        deadline=date(2027, 6, 30),
        subsidy_cap="5000",
        subsidy_rate="0.30",
    )
    w.noodles_c, w.hotpot_c = campaign_add_restaurants(
        actor=personas.district_a, campaign=w.campaign, restaurants=[w.noodles, w.hotpot]
    )
    return w


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def walk_to_construction(w: Any, conversion: Conversion, target: str = ConversionTarget.PIPE) -> Conversion:
    conversion_survey(
        actor=w.inspector_a, conversion=conversion, surveyed_on=days_ago(30), appliances="两眼灶", pipe_feasible=True,
        electric_feasible=True, willing=True, evidence=[photo()],
    )  # fmt: skip
    conversion_plan(actor=w.personas.district_a, conversion=conversion, target=target, planned_on=days_ago(25))
    return conversion_start(actor=w.personas.district_a, conversion=conversion, started_on=days_ago(20))


def test_the_whole_way_to_a_paid_subsidy(world: Any) -> None:
    w = world
    conversion = walk_to_construction(w, w.noodles_c)
    conversion = conversion_accept(
        actor=w.inspector_a, conversion=conversion, acceptor=Acceptor.GAS_COMPANY, acceptor_name="常州港华燃气有限公司",
        cost="12000", accepted_on=days_ago(10), evidence=[photo("certificate.png")],
    )  # fmt: skip
    w.noodles.refresh_from_db()
    assert (w.noodles.fuel, w.noodles.cylinders_on_site) == (KitchenFuel.PIPED_GAS, 0)
    assert subsidy_limit(conversion) == Decimal("3600.00")  # 30 % of 12,000, under the 5,000 cap
    conversion_subsidy_apply(actor=w.manager, conversion=conversion, amount="3600", applied_on=days_ago(9))
    conversion_subsidy_approve(actor=w.personas.district_a, conversion=conversion, amount="3000", approved_on=days_ago(5))
    conversion = conversion_subsidy_pay(actor=w.personas.district_a, conversion=conversion, paid_on=days_ago(1))
    assert (conversion.step, conversion.subsidy_amount) == (ConversionStep.SUBSIDY_PAID, Decimal("3000.00"))
    assert list(ConversionEvent.objects.filter(conversion=conversion).values_list("action", "from_step", "to_step")) == [
        ("survey", "listed", "surveyed"),
        ("plan", "surveyed", "planned"),
        ("start", "planned", "construction"),
        ("accept", "construction", "accepted"),
        ("apply", "accepted", "subsidy_applied"),
        ("approve", "subsidy_applied", "subsidy_approved"),
        ("pay", "subsidy_approved", "subsidy_paid"),
    ]
    assert list(ConversionEvidence.objects.filter(conversion=conversion).values_list("stage", flat=True)) == ["survey", "accept"]


def test_a_restaurant_that_cannot_convert_moves_to_the_safety_device_track(world: Any) -> None:
    w = world
    conversion_survey(actor=w.inspector_a, conversion=w.hotpot_c, pipe_feasible=False, electric_feasible=False, willing=True)
    with pytest.raises(RestaurantError, match="Say why"):
        conversion_plan(actor=w.personas.district_a, conversion=w.hotpot_c, target=ConversionTarget.NONE)
    with pytest.raises(RestaurantError, match="not feasible"):
        conversion_plan(actor=w.personas.district_a, conversion=w.hotpot_c, target=ConversionTarget.PIPE)
    conversion = conversion_plan(
        actor=w.personas.district_a, conversion=w.hotpot_c, target=ConversionTarget.NONE, reason="老街无燃气管网，电容量不足"
    )
    assert conversion.step == ConversionStep.SAFETY_DEVICES
    assert conversion.infeasible_reason == "老街无燃气管网，电容量不足"
    w.hotpot.refresh_from_db()
    assert w.hotpot.fuel == KitchenFuel.BOTTLED_LPG  # stays on cylinders
    with pytest.raises(RestaurantError) as refused:
        conversion_start(actor=w.personas.district_a, conversion=conversion)
    assert refused.value.error_code == "transition_not_allowed"


def test_an_acceptance_before_construction_is_refused_and_nothing_changes(world: Any) -> None:
    w = world
    conversion_survey(
        actor=w.inspector_a, conversion=w.noodles_c, surveyed_on=days_ago(7), pipe_feasible=True, electric_feasible=True,
        willing=True,
    )  # fmt: skip
    conversion_plan(actor=w.personas.district_a, conversion=w.noodles_c, target=ConversionTarget.ELECTRIC, planned_on=days_ago(6))
    # not started yet: the step itself is refused
    with pytest.raises(RestaurantError) as refused:
        conversion_accept(
            actor=w.inspector_a, conversion=w.noodles_c, acceptor=Acceptor.DISTRICT, acceptor_name="新北区", cost="8000",
            evidence=[photo()],
        )  # fmt: skip
    assert refused.value.error_code == "transition_not_allowed"
    conversion_start(actor=w.personas.district_a, conversion=w.noodles_c, started_on=days_ago(3))
    # started, but the acceptance is dated before the start
    with pytest.raises(RestaurantError, match="before the start of construction"):
        conversion_accept(
            actor=w.inspector_a, conversion=w.noodles_c, acceptor=Acceptor.DISTRICT, acceptor_name="新北区", cost="8000",
            accepted_on=days_ago(5), evidence=[photo()],
        )  # fmt: skip
    with pytest.raises(RestaurantError, match="Attach the acceptance"):
        conversion_accept(
            actor=w.inspector_a, conversion=w.noodles_c, acceptor=Acceptor.DISTRICT, acceptor_name="新北区", cost="8000"
        )
    with pytest.raises(RestaurantError, match="Only photos"):
        conversion_accept(
            actor=w.inspector_a, conversion=w.noodles_c, acceptor=Acceptor.DISTRICT, acceptor_name="新北区", cost="8000",
            evidence=[SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)],
        )  # fmt: skip
    conversion = Conversion.objects.get(pk=w.noodles_c.pk)
    assert (conversion.step, conversion.accepted_on) == (ConversionStep.CONSTRUCTION, None)
    w.noodles.refresh_from_db()
    assert w.noodles.fuel == KitchenFuel.BOTTLED_LPG
    assert not ConversionEvidence.objects.filter(conversion=conversion, stage="accept").exists()


def test_a_subsidy_above_the_share_or_the_cap_is_refused(world: Any) -> None:
    w = world
    conversion = walk_to_construction(w, w.noodles_c)
    conversion_accept(
        actor=w.inspector_a, conversion=conversion, acceptor=Acceptor.GAS_COMPANY, acceptor_name="常州港华燃气有限公司",
        cost="40000", evidence=[photo()],
    )  # fmt: skip
    assert subsidy_limit(Conversion.objects.get(pk=conversion.pk)) == Decimal("5000.00")  # 30 % is 12,000: the cap
    with pytest.raises(RestaurantError, match=r"at most 5000\.00 yuan"):
        conversion_subsidy_apply(actor=w.manager, conversion=conversion, amount="5000.01")
    with pytest.raises(RestaurantError, match="amount in yuan"):
        conversion_subsidy_apply(actor=w.manager, conversion=conversion, amount="abc")
    conversion = conversion_subsidy_apply(actor=w.manager, conversion=conversion, amount="4000")
    with pytest.raises(RestaurantError, match="more than the amount applied for"):
        conversion_subsidy_approve(actor=w.personas.district_a, conversion=conversion, amount="4500")
    assert Conversion.objects.get(pk=conversion.pk).step == ConversionStep.SUBSIDY_APPLIED


def test_who_may_take_which_step(world: Any) -> None:
    w = world
    p = w.personas
    # outside the district, or not a regulator: refused, whatever the step
    for actor in (p.district_b, p.expert, p.outsider, p.enterprise_user):
        with pytest.raises(PermissionDenied):
            conversion_survey(actor=actor, conversion=w.noodles_c, pipe_feasible=True, electric_feasible=True, willing=True)
    # the restaurant's own manager may not survey, plan or accept...
    with pytest.raises(PermissionDenied):
        conversion_survey(actor=w.manager, conversion=w.noodles_c, pipe_feasible=True, electric_feasible=True, willing=True)
    conversion_survey(actor=w.inspector_a, conversion=w.noodles_c, pipe_feasible=True, electric_feasible=True, willing=True)
    # ...and an inspector surveys and accepts but does not plan
    with pytest.raises(PermissionDenied):
        conversion_plan(actor=w.inspector_a, conversion=w.noodles_c, target=ConversionTarget.PIPE)
    assert [t.action for t in offered(Conversion.objects.get(pk=w.noodles_c.pk), {"inspector"})] == []
    assert [t.action for t in offered(Conversion.objects.get(pk=w.noodles_c.pk), {"district_official"})] == ["plan"]
    assert Conversion.objects.get(pk=w.noodles_c.pk).step == ConversionStep.SURVEYED


def test_a_restaurant_is_in_the_programme_once(world: Any, city: Any) -> None:
    w = world
    second = campaign_create(
        actor=w.personas.district_a, name="三井街道第二批", region=city.street_a, deadline=date(2027, 12, 31), subsidy_cap="3000"
    )
    with pytest.raises(RestaurantError, match="already in the programme") as refused:
        campaign_add_restaurants(actor=w.personas.district_a, campaign=second, restaurants=[w.noodles])
    assert refused.value.error_code == "duplicate"
    with pytest.raises(RestaurantError, match="is not in 三井街道"):
        campaign_add_restaurants(actor=w.personas.district_a, campaign=second, restaurants=[w.elsewhere])
    with pytest.raises(PermissionDenied):
        campaign_add_restaurants(actor=w.personas.district_b, campaign=second, restaurants=[w.elsewhere])
    with pytest.raises(RestaurantError, match="already exists"):
        campaign_create(
            actor=w.personas.district_a, name="三井街道第二批", region=city.street_a, deadline=date(2027, 12, 31), subsidy_cap="1"
        )
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=w.personas.district_b, name="越界", region=city.street_a, deadline=date(2027, 12, 31), subsidy_cap="1"
        )
    assert Conversion.objects.filter(campaign=second).count() == 0


def test_dates_in_the_future_are_refused(world: Any) -> None:
    w = world
    with pytest.raises(RestaurantError, match="future"):
        conversion_survey(
            actor=w.inspector_a, conversion=w.noodles_c, surveyed_on=days_ago(-1), pipe_feasible=True, electric_feasible=True,
            willing=True,
        )  # fmt: skip


def test_each_persona_sees_the_conversions_it_should(world: Any) -> None:
    w = world
    p = w.personas
    mine = Q(pk__in=[w.noodles_c.pk, w.hotpot_c.pk])
    assert set(scoped(Conversion, p.district_a).filter(mine).values_list("pk", flat=True)) == {w.noodles_c.pk, w.hotpot_c.pk}
    assert set(scoped(Conversion, p.city_official).filter(mine).values_list("pk", flat=True)) == {w.noodles_c.pk, w.hotpot_c.pk}
    assert set(scoped(Conversion, w.manager).values_list("pk", flat=True)) == {w.noodles_c.pk}  # its own only
    for persona in (p.district_b, p.expert, p.outsider, p.enterprise_user):
        assert not scoped(Conversion, persona).exists()
