"""Who sees and writes what of the 厂中厂 register: the city, the park's district, another district,
the landlord's manager, a tenant's manager and an enterprise with no link to the park. Each persona
sees what it must and nothing it must not; a tenant's people read their own record and never write
the register."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from safecity.parks import selectors
from safecity.parks.choices import ParkFindingKind, ShapeKind
from safecity.parks.models import Park, ParkFinding, SafetyAgreement, SiteShape, Tenant, TenantInspection, Training
from safecity.parks.portraits import three_in_one_tenants
from safecity.parks.services import (
    agreement_record,
    building_save,
    findings_sweep,
    inspection_record,
    park_update,
    shape_add,
    site_plan_upload,
    tenant_leave,
    tenant_register,
    tenant_update,
    training_record,
)
from safecity.parks.tests.helpers import World, agreement, all_passed, build_world, png, today, unknown_code


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    """The tenant 丙 has an agreement, an inspection with a failed item and people living in its
    plant; 丁 has no agreement and an inspection; the sweep has raised the findings of both."""
    w = build_world(city, personas)
    agreement(w, w.tenant, start=today() - timedelta(days=30), end=today() + timedelta(days=335))
    tenant_update(actor=w.landlord_manager, tenant=w.tenant, uses_living=True)
    failed = {**all_passed(), "no_living": {"ok": False, "note": "车间二楼住人"}}
    inspection_record(actor=w.landlord_manager, tenant=w.tenant, inspected_on=today(), results=failed)
    inspection_record(actor=w.landlord_manager, tenant=w.other_tenant, inspected_on=today(), results=all_passed())
    training_record(
        actor=w.landlord_manager,
        park=w.park,
        kind="training",
        held_on=today(),
        topic="消防培训",
        hours=Decimal("2"),
        attendance={w.tenant.pk: 5, w.other_tenant.pk: 3},
    )
    findings_sweep()
    return w


def _people(world: World) -> dict[str, Any]:
    p = world.personas
    return {
        "city_official": p.city_official,
        "district_a": p.district_a,
        "district_b": p.district_b,
        "landlord": world.landlord_manager,
        "tenant": world.tenant_manager,
        "outsider": world.outsider_manager,
        "no_role": p.outsider,
    }


EVERYTHING = {"city_official", "district_a", "landlord"}


def test_the_world_has_findings_about_both_tenants(world: World) -> None:
    kinds = set(ParkFinding.objects.filter(park=world.park, cleared_on__isnull=True).values_list("tenant_id", "kind"))
    assert (world.tenant.pk, ParkFindingKind.THREE_IN_ONE) in kinds
    assert (world.other_tenant.pk, ParkFindingKind.AGREEMENT_MISSING) in kinds


def test_park_list(world: World) -> None:
    for name, user in _people(world).items():
        seen = list(selectors.park_list(user=user))
        if name in EVERYTHING:
            assert seen == [world.park], name
            assert seen[0].tenants_in == 2
        else:
            # a tenant's people read their own record, not the landlord's park
            assert seen == [], name
            with pytest.raises(Http404):
                selectors.park_get(user=user, pk=world.park.pk)


def test_tenant_list(world: World) -> None:
    expected = {
        "city_official": {world.tenant.pk, world.other_tenant.pk},
        "district_a": {world.tenant.pk, world.other_tenant.pk},
        "landlord": {world.tenant.pk, world.other_tenant.pk},
        "tenant": {world.tenant.pk},  # only its own row, not the other tenants
        "district_b": set(),
        "outsider": set(),
        "no_role": set(),
    }
    for name, user in _people(world).items():
        assert set(selectors.tenant_list(user=user).values_list("pk", flat=True)) == expected[name], name
    with pytest.raises(Http404):
        selectors.tenant_get(user=world.tenant_manager, pk=world.other_tenant.pk)
    assert selectors.tenant_get(user=world.tenant_manager, pk=world.tenant.pk) == world.tenant


def test_inspections(world: World) -> None:
    mine = TenantInspection.objects.get(tenant=world.tenant)
    theirs = TenantInspection.objects.get(tenant=world.other_tenant)
    expected = {
        "city_official": {mine.pk, theirs.pk},
        "district_a": {mine.pk, theirs.pk},
        "landlord": {mine.pk, theirs.pk},
        "tenant": {mine.pk},
        "district_b": set(),
        "outsider": set(),
        "no_role": set(),
    }
    for name, user in _people(world).items():
        assert set(selectors.inspections(user=user).values_list("pk", flat=True)) == expected[name], name
        assert set(selectors.inspections(user=user, park=world.park).values_list("pk", flat=True)) == expected[name], name
    # the tenant reads the findings of its own inspection, the landlord follows them too
    assert selectors.inspection_findings(user=world.tenant_manager, inspection=mine).count() == 1
    assert selectors.inspection_findings(user=world.landlord_manager, inspection=mine).count() == 1
    assert selectors.inspection_findings(user=world.outsider_manager, inspection=mine).count() == 0
    with pytest.raises(Http404):
        selectors.inspection_get(user=world.tenant_manager, pk=theirs.pk)


def test_findings(world: World) -> None:
    standing = set(world.park.findings.filter(cleared_on__isnull=True).values_list("pk", flat=True))
    assert len(standing) >= 2
    for name, user in _people(world).items():
        seen = set(selectors.findings(user=user).values_list("pk", flat=True))
        if name in EVERYTHING:
            assert seen == standing, name
            assert set(selectors.findings(user=user, park=world.park).values_list("pk", flat=True)) == standing
        else:
            # not even the finding about the tenant's own premises: the park's findings are the landlord's
            assert seen == set(), name


def test_agreements(world: World) -> None:
    mine = SafetyAgreement.objects.get(tenant=world.tenant)
    for name, user in _people(world).items():
        seen = set(selectors.agreements(user=user, tenant=world.tenant).values_list("pk", flat=True))
        assert seen == ({mine.pk} if name in EVERYTHING | {"tenant"} else set()), name
    other = agreement(world, world.other_tenant, start=today(), end=today() + timedelta(days=365))
    assert not selectors.agreements(user=world.tenant_manager, tenant=world.other_tenant).exists()
    assert selectors.agreements(user=world.landlord_manager, tenant=world.other_tenant).get() == other
    with pytest.raises(Http404):
        selectors.agreement_get(user=world.tenant_manager, pk=other.pk)
    with pytest.raises(Http404):
        selectors.agreement_get(user=world.personas.district_b, pk=mine.pk)


def test_training_attendance(world: World) -> None:
    assert selectors.training_attendance(user=world.tenant_manager, tenant=world.tenant).get().attendees == 5
    assert not selectors.training_attendance(user=world.tenant_manager, tenant=world.other_tenant).exists()
    assert selectors.training_attendance(user=world.landlord_manager, tenant=world.other_tenant).get().attendees == 3
    # the trainings themselves are the park's
    assert selectors.trainings(user=world.landlord_manager, park=world.park).get().people == 8
    assert not selectors.trainings(user=world.tenant_manager, park=world.park).exists()
    assert not selectors.trainings(user=world.personas.district_b, park=world.park).exists()


def test_who_may_manage_the_park(world: World) -> None:
    allowed = {name: selectors.may_manage(user, world.park) for name, user in _people(world).items()}
    assert allowed == {
        "city_official": True,
        "district_a": True,
        "district_b": False,
        "landlord": True,
        "tenant": False,
        "outsider": False,
        "no_role": False,
    }


def test_the_campaign_view_of_each_district(world: World) -> None:
    a = selectors.campaign(user=world.personas.district_a)
    assert [row.park for row in a.rows] == [world.park]
    assert a.totals is not None and a.totals.tenants == 2 and a.totals.three_in_one == 1
    assert a.totals.major_open >= 1
    b = selectors.campaign(user=world.personas.district_b)
    assert b.rows == [] and b.totals is None
    # the city narrows to one district by its code
    assert [row.park for row in selectors.campaign(user=world.personas.city_official, district="320411").rows] == [world.park]
    assert selectors.campaign(user=world.personas.city_official, district="320412").rows == []


def _writes(world: World) -> dict[str, Any]:
    tenant, park = world.tenant, world.park
    return {
        "park_update": lambda actor: park_update(actor=actor, park=park, inspection_interval_days=7),
        "building_save": lambda actor: building_save(actor=actor, park=park, name="2号厂房"),
        "site_plan_upload": lambda actor: site_plan_upload(actor=actor, park=park, file=io.BytesIO(png(50, 50))),
        "tenant_register": lambda actor: tenant_register(
            actor=actor, park=park, credit_code=unknown_code("w"), unified_number="Z9", entered_on=today(), name="新公司"
        ),
        "tenant_update": lambda actor: tenant_update(actor=actor, tenant=tenant, workers=99, uses_living=False),
        "tenant_leave": lambda actor: tenant_leave(actor=actor, tenant=tenant),
        "agreement_record": lambda actor: agreement_record(
            actor=actor,
            tenant=tenant,
            signed_on=today(),
            valid_from=today(),
            valid_until=today() + timedelta(days=400),
            landlord_duties="x",
            tenant_duties="y",
        ),
        "inspection_record": lambda actor: inspection_record(
            actor=actor, tenant=tenant, inspected_on=today(), results=all_passed()
        ),
        "training_record": lambda actor: training_record(
            actor=actor, park=park, kind="drill", held_on=today(), topic="演练", hours=Decimal("1"), attendance={tenant.pk: 2}
        ),
    }


def _state(world: World) -> tuple[Any, ...]:
    park = Park.objects.get(pk=world.park.pk)
    tenant = Tenant.objects.get(pk=world.tenant.pk)
    return (
        park.inspection_interval_days,
        bool(park.site_plan),
        park.buildings.count(),
        Tenant.objects.count(),
        tenant.workers,
        tenant.uses_living,
        tenant.left_on,
        SafetyAgreement.objects.count(),
        TenantInspection.objects.count(),
        Training.objects.count(),
    )


@pytest.mark.parametrize("who", ["tenant", "district_b", "outsider", "no_role"])
def test_writes_by_people_who_do_not_run_the_park_are_refused(world: World, who: str) -> None:
    actor = _people(world)[who]
    before = _state(world)
    for name, write in _writes(world).items():
        with pytest.raises(PermissionDenied):
            write(actor)
            pytest.fail(f"{who} could {name}")
    assert _state(world) == before


def test_the_tenants_manager_cannot_draw_on_the_plan(world: World) -> None:
    site_plan_upload(actor=world.landlord_manager, park=world.park, file=io.BytesIO(png(100, 100)))
    world.park.refresh_from_db()
    with pytest.raises(PermissionDenied):
        shape_add(actor=world.tenant_manager, park=world.park, kind=ShapeKind.ASSEMBLY_POINT, points=[[5, 5]])
    assert not SiteShape.objects.exists()
    shape_add(actor=world.landlord_manager, park=world.park, kind=ShapeKind.ASSEMBLY_POINT, points=[[5, 5]])
    assert not selectors.shapes(user=world.tenant_manager, park=world.park).exists()
    assert selectors.shapes(user=world.personas.district_a, park=world.park).count() == 1


@pytest.mark.parametrize("who", ["district_a", "city_official"])
def test_the_officials_over_the_park_write_its_register(world: World, who: str) -> None:
    actor = _people(world)[who]
    tenant_update(actor=actor, tenant=world.tenant, workers=42)
    inspection_record(actor=actor, tenant=world.other_tenant, inspected_on=today(), results=all_passed())
    assert Tenant.objects.get(pk=world.tenant.pk).workers == 42
    assert TenantInspection.objects.filter(tenant=world.other_tenant).count() == 2


def test_a_three_in_one_tenant_is_a_present_fact_of_its_enterprise(world: World) -> None:
    facts = list(three_in_one_tenants(None, timezone.now()))
    assert [(f.organisation_id, f.present, f.evidence_kind, f.evidence_id) for f in facts] == [
        (world.tenant_org.pk, True, "park_tenant", world.tenant.pk)
    ]
    assert facts[0].label == "新北创业园 XB-A01"
    # asked for the other tenant's enterprise only: nothing
    assert list(three_in_one_tenants([world.other_org.pk], timezone.now())) == []
    assert len(list(three_in_one_tenants([world.tenant_org.pk], timezone.now()))) == 1
    # before it moved in, nothing either
    assert list(three_in_one_tenants(None, timezone.now() - timedelta(days=60))) == []
    # once it left: no more
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant, left_on=today())
    assert list(three_in_one_tenants(None, timezone.now() + timedelta(days=1))) == []
    assert list(three_in_one_tenants(None, timezone.now())) == []


def test_the_public_reads_one_tenants_notice_by_its_key_until_it_leaves(world: World) -> None:
    assert selectors.public_notice(world.tenant.notice_token) == world.tenant
    for token in ("", "nope", world.tenant.notice_token[:-1]):
        with pytest.raises(Http404):
            selectors.public_notice(token)
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant)
    with pytest.raises(Http404):
        selectors.public_notice(world.tenant.notice_token)
