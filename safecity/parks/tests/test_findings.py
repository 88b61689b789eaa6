"""The hidden hazards the register raises by itself (services/findings.py): a tenant without an
agreement in force (Safety Production Law art. 49), a tenant not inspected in the landlord's period
and a landlord inspecting none (order No. 10 art. 3 item (1), major), three-in-one premises (major,
at the tenant). Raised once while the condition stands, cleared when it ends; the hidden hazard
stays and follows its lifecycle."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from safecity.hazards.choices import HazardLevel, HazardSource, HazardState, HazardType
from safecity.hazards.models import HiddenHazard
from safecity.parks.choices import AgreementState, ParkFindingKind
from safecity.parks.models import ParkFinding, Tenant
from safecity.parks.services import ParksError, findings_sweep, inspection_record, tenant_leave, tenant_statuses, tenant_update
from safecity.parks.tests.helpers import World, agreement, all_passed, build_world, today


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    return build_world(city, personas)


def _standing(world: World, kind: str | None = None) -> list[ParkFinding]:
    queryset = ParkFinding.objects.filter(park=world.park, cleared_on__isnull=True).select_related("hazard")
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return list(queryset.order_by("tenant_id"))


def _travel(days: int) -> Any:
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def test_tenants_without_an_agreement_are_a_general_hazard_of_the_landlord(world: World) -> None:
    result = findings_sweep()
    missing = _standing(world, ParkFindingKind.AGREEMENT_MISSING)
    assert [f.tenant_id for f in missing] == sorted([world.tenant.pk, world.other_tenant.pk])
    for finding in missing:
        hazard = finding.hazard
        assert hazard.organisation == world.landlord
        assert hazard.level == HazardLevel.GENERAL
        assert hazard.state == HazardState.TO_CONFIRM
        assert hazard.hazard_type == HazardType.SAFETY and hazard.source == HazardSource.OTHER
        assert "第四十九条" in hazard.cause
        assert finding.tenant.full_number in hazard.description
        assert finding.raised_on == today()
    # entered 30 days ago with a period of 90: not overdue; nobody lives there; a period is set
    assert {f.kind for f in _standing(world)} == {ParkFindingKind.AGREEMENT_MISSING}
    assert result.raised == 2 and result.parks == 1


def test_a_second_sweep_raises_nothing_twice(world: World) -> None:
    findings_sweep()
    hazards, findings = HiddenHazard.objects.count(), ParkFinding.objects.count()
    result = findings_sweep()
    assert result.raised == 0 and result.cleared == 0
    assert (HiddenHazard.objects.count(), ParkFinding.objects.count()) == (hazards, findings)
    # nor the next day
    with _travel(1):
        assert findings_sweep().raised == 0
    assert HiddenHazard.objects.count() == hazards


def test_recording_an_agreement_clears_the_finding_and_keeps_the_hazard(world: World) -> None:
    findings_sweep()
    finding = ParkFinding.objects.get(tenant=world.tenant, kind=ParkFindingKind.AGREEMENT_MISSING)
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=335))
    finding.refresh_from_db()
    assert finding.cleared_on == today()
    hazard = HiddenHazard.objects.get(pk=finding.hazard_id)
    assert hazard.state == HazardState.TO_CONFIRM  # the hazard follows its own lifecycle
    # the other tenant still has none
    assert [f.tenant_id for f in _standing(world, ParkFindingKind.AGREEMENT_MISSING)] == [world.other_tenant.pk]


def test_an_agreement_that_runs_out_is_an_expired_finding(world: World) -> None:
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=10))
    agreement(world, world.other_tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=335))
    assert not _standing(world)
    assert tenant_statuses([world.tenant], today())[world.tenant.pk].agreement == AgreementState.EXPIRING
    with _travel(10):
        assert findings_sweep().raised == 0  # its last day
    with _travel(11):
        result = findings_sweep()
        day = timezone.localdate()
    expired = _standing(world, ParkFindingKind.AGREEMENT_EXPIRED)
    assert result.raised == 1 and [f.tenant_id for f in expired] == [world.tenant.pk]
    hazard = expired[0].hazard
    assert hazard.organisation == world.landlord and hazard.level == HazardLevel.GENERAL
    assert "第四十九条" in hazard.cause
    assert expired[0].raised_on == day
    assert not _standing(world, ParkFindingKind.AGREEMENT_MISSING)


def test_a_renewal_from_the_day_after_keeps_the_tenant_covered(world: World) -> None:
    agreement(world, world.other_tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=335))
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=5))
    agreement(
        world,
        world.tenant,
        signed_on=today(),
        start=today() + timedelta(days=6),
        end=today() + timedelta(days=371),
    )
    with _travel(20):
        findings_sweep()
    assert not _standing(world)


def test_renewing_an_expired_agreement_clears_the_expired_finding(world: World) -> None:
    agreement(world, world.tenant, start=today() - timedelta(days=300), end=today() - timedelta(days=1))
    # a write only clears: the daily job raises
    assert not _standing(world, ParkFindingKind.AGREEMENT_EXPIRED)
    findings_sweep()
    expired = _standing(world, ParkFindingKind.AGREEMENT_EXPIRED)
    assert [f.tenant_id for f in expired] == [world.tenant.pk]
    agreement(world, world.tenant, start=today(), end=today() + timedelta(days=365))
    expired[0].refresh_from_db()
    assert expired[0].cleared_on == today()
    assert HiddenHazard.objects.filter(pk=expired[0].hazard_id).exists()


def test_a_tenant_not_inspected_in_the_period_is_a_major_hazard(city: Any, personas: Any) -> None:
    world = build_world(city, personas, interval=90, entered_days_ago=100)
    findings_sweep()
    overdue = _standing(world, ParkFindingKind.NOT_INSPECTED)
    assert [f.tenant_id for f in overdue] == sorted([world.tenant.pk, world.other_tenant.pk])
    for finding in overdue:
        hazard = finding.hazard
        assert hazard.organisation == world.landlord
        assert hazard.level == HazardLevel.MAJOR
        assert "应急管理部令第10号" in hazard.cause and "第三条第（一）项" in hazard.cause
        assert "90" in hazard.description


def test_inspecting_the_tenant_clears_the_not_inspected_finding(city: Any, personas: Any) -> None:
    world = build_world(city, personas, interval=90, entered_days_ago=100)
    findings_sweep()
    finding = ParkFinding.objects.get(tenant=world.tenant, kind=ParkFindingKind.NOT_INSPECTED)
    inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=all_passed())
    finding.refresh_from_db()
    assert finding.cleared_on == today()
    assert HiddenHazard.objects.filter(pk=finding.hazard_id, level=HazardLevel.MAJOR).exists()
    # the other tenant is still overdue
    assert [f.tenant_id for f in _standing(world, ParkFindingKind.NOT_INSPECTED)] == [world.other_tenant.pk]


def test_an_inspection_long_ago_does_not_clear_the_finding(city: Any, personas: Any) -> None:
    world = build_world(city, personas, interval=30, entered_days_ago=100)
    inspection_record(
        actor=world.landlord_manager, tenant=world.tenant, inspected_on=today() - timedelta(days=40), results=all_passed()
    )
    findings_sweep()
    assert world.tenant.pk in [f.tenant_id for f in _standing(world, ParkFindingKind.NOT_INSPECTED)]


def test_the_period_running_out_raises_the_finding_on_the_day_after(world: World) -> None:
    # entered 30 days ago, period 90: due in 60 days
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=700))
    agreement(world, world.other_tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=700))
    inspection_record(actor=world.landlord_manager, tenant=world.other_tenant, inspected_on=today(), results=all_passed())
    with _travel(60):
        findings_sweep()
    assert not _standing(world, ParkFindingKind.NOT_INSPECTED)
    with _travel(61):
        findings_sweep()
    assert [f.tenant_id for f in _standing(world, ParkFindingKind.NOT_INSPECTED)] == [world.tenant.pk]


def test_a_landlord_with_no_period_coordinates_none_once_per_park(city: Any, personas: Any) -> None:
    world = build_world(city, personas, interval=None, entered_days_ago=400)
    findings_sweep()
    findings_sweep()
    none = ParkFinding.objects.filter(park=world.park, kind=ParkFindingKind.NO_COORDINATION)
    assert none.count() == 1
    finding = none.get()
    assert finding.tenant is None and finding.cleared_on is None
    assert finding.hazard.organisation == world.landlord and finding.hazard.level == HazardLevel.MAJOR
    assert "第三条第（一）项" in finding.hazard.cause
    # no period: no tenant is overdue by date
    assert not ParkFinding.objects.filter(park=world.park, kind=ParkFindingKind.NOT_INSPECTED).exists()


def test_setting_a_period_clears_no_coordination(city: Any, personas: Any) -> None:
    from safecity.parks.services import park_update

    world = build_world(city, personas, interval=None, entered_days_ago=10)
    findings_sweep()
    finding = ParkFinding.objects.get(park=world.park, kind=ParkFindingKind.NO_COORDINATION)
    park_update(actor=world.landlord_manager, park=world.park, inspection_interval_days=30)
    findings_sweep()
    finding.refresh_from_db()
    assert finding.cleared_on == today()


def test_a_park_without_tenants_raises_nothing(city: Any, personas: Any) -> None:
    from safecity.parks.services import park_create

    park = park_create(actor=personas.district_b, landlord=city.enterprise_b, name="空园区")
    result = findings_sweep(parks=[park.pk])
    assert result.raised == 0 and not ParkFinding.objects.filter(park=park).exists()


def test_three_in_one_is_a_major_fire_hazard_of_the_tenant(world: World) -> None:
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=True)
    findings_sweep()
    three = _standing(world, ParkFindingKind.THREE_IN_ONE)
    assert [f.tenant_id for f in three] == [world.tenant.pk]
    hazard = three[0].hazard
    assert hazard.organisation == world.tenant_org  # the tenant's own use of its premises
    assert hazard.level == HazardLevel.MAJOR and hazard.hazard_type == HazardType.FIRE
    assert "GB 35181-2017" in hazard.cause
    # ended: nobody lives there any more
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=False)
    findings_sweep()
    three[0].refresh_from_db()
    assert three[0].cleared_on == today()
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HazardState.TO_CONFIRM


def test_a_tenant_leaving_clears_its_findings_only(world: World) -> None:
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_storage=True, uses_living=True)
    findings_sweep()
    mine = [f for f in _standing(world) if f.tenant_id == world.tenant.pk]
    assert {f.kind for f in mine} == {ParkFindingKind.AGREEMENT_MISSING, ParkFindingKind.THREE_IN_ONE}
    hazards = HiddenHazard.objects.count()
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant)
    for finding in mine:
        finding.refresh_from_db()
        assert finding.cleared_on == today()
    assert HiddenHazard.objects.count() == hazards  # the hazards stay
    assert [(f.tenant_id, f.kind) for f in _standing(world)] == [(world.other_tenant.pk, ParkFindingKind.AGREEMENT_MISSING)]
    # and a later sweep does not raise them again
    assert findings_sweep().raised == 0


def test_a_condition_that_comes_back_is_raised_again(world: World) -> None:
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=True)
    findings_sweep()
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=False)
    findings_sweep()
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=True)
    findings_sweep()
    rows = ParkFinding.objects.filter(tenant=world.tenant, kind=ParkFindingKind.THREE_IN_ONE)
    assert rows.count() == 2 and rows.filter(cleared_on__isnull=True).count() == 1
    assert len({r.hazard_id for r in rows}) == 2


def test_the_daily_job_sweeps_every_park(world: World) -> None:
    from safecity.parks.tasks import findings_sweep as job

    outcome = job.call()
    assert outcome["raised"] == 2 and outcome["parks"] == 1
    assert len(_standing(world)) == 2


def test_tenant_statuses_read_the_register_in_two_queries(world: World, django_assert_num_queries: Any) -> None:
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=10))
    inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=all_passed())
    tenants = list(Tenant.objects.filter(park=world.park).select_related("park"))
    with django_assert_num_queries(2):
        statuses = tenant_statuses(tenants, today())
    mine, theirs = statuses[world.tenant.pk], statuses[world.other_tenant.pk]
    assert (mine.agreement, mine.agreement_until, mine.last_inspected_on) == (
        AgreementState.EXPIRING,
        today() + timedelta(days=10),
        today(),
    )
    assert (theirs.agreement, theirs.agreement_until, theirs.last_inspected_on) == (AgreementState.MISSING, None, None)
    assert not mine.inspection_overdue and not mine.three_in_one


def test_correcting_a_tenants_uses_clears_the_three_in_one_finding_at_once(world: World) -> None:
    """The services sweep after a write that changes a condition (findings.py's docstring), as
    agreement_record, inspection_record and tenant_leave do: the district's count of open major
    findings must not wait for the next day's job once the record says nobody lives there."""
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=True)
    findings_sweep()
    finding = ParkFinding.objects.get(tenant=world.tenant, kind=ParkFindingKind.THREE_IN_ONE)
    tenant_update(actor=world.landlord_manager, tenant=world.tenant, uses_living=False)
    finding.refresh_from_db()
    assert finding.cleared_on == today()


def test_setting_an_inspection_period_clears_no_coordination_at_once(city: Any, personas: Any) -> None:
    from safecity.parks.services import park_update

    world = build_world(city, personas, interval=None, entered_days_ago=10)
    findings_sweep()
    finding = ParkFinding.objects.get(park=world.park, kind=ParkFindingKind.NO_COORDINATION)
    park_update(actor=world.landlord_manager, park=world.park, inspection_interval_days=30)
    finding.refresh_from_db()
    assert finding.cleared_on == today()


def test_a_tenant_recorded_as_leaving_later_raises_nothing_dated_in_the_future(world: World) -> None:
    # both agreements end in 40 days, the next inspections are due in 60: nothing stands today
    agreement(world, world.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=40))
    agreement(world, world.other_tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=40))
    assert not _standing(world)
    with pytest.raises(ParksError):
        tenant_leave(actor=world.landlord_manager, tenant=world.tenant, left_on=today() + timedelta(days=70))
    world.tenant.refresh_from_db()
    assert world.tenant.left_on is None
    # the other tenant's agreement has not expired and it is not overdue today
    assert not ParkFinding.objects.filter(raised_on__gt=today()).exists()
    assert not _standing(world)
    assert not HiddenHazard.objects.filter(discovered_at__gt=timezone.now() + timedelta(hours=1)).exists()
