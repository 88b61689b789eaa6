"""The demo step ``parks.campaign`` (four parks in 武进区 and 新北区, 60 tenants in them and three
that left, agreements in every state, every kind of register finding) and the cockpit figures
``parks.*``, each checked against a count made independently from the records, and scoped: the
新北区 official's figures count 新北区's parks only."""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators, compute_panels
from safecity.core.models import Region
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.parks.choices import ParkFindingKind, ShapeKind
from safecity.parks.models import (
    InspectionFinding,
    Park,
    ParkFinding,
    SafetyAgreement,
    SiteShape,
    Tenant,
    TenantInspection,
    Training,
    TrainingAttendance,
)
from safecity.parks.selectors import campaign, park_list, tenant_list

NEEDED = ("core.city", "parks.campaign")
KEYS = (
    "parks.parks",
    "parks.tenants",
    "parks.agreements_valid",
    "parks.agreements_expiring",
    "parks.agreements_missing",
    "parks.agreements_expired",
    "parks.inspection_overdue",
    "parks.three_in_one",
    "parks.hazards_raised",
    "parks.major_open",
)


def _build() -> float:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    took = 0.0
    for step in steps():
        if step.name in NEEDED:
            started = time.monotonic()
            step.run(random.Random(f"demo:{step.name}"), admin)
            if step.name == "parks.campaign":
                took = time.monotonic() - started
    return took


def _agreement_state(tenant: Tenant, today: date) -> str:
    """Independently of ``rules.agreement_state``: the agreements in force today, and how far the
    cover reaches (the demo's agreements follow each other day by day)."""
    periods = list(SafetyAgreement.objects.filter(tenant=tenant).values_list("valid_from", "valid_until"))
    if not periods:
        return "missing"
    covering = [until for start, until in periods if start <= today <= until]
    if not covering:
        return "expired"
    return "expiring" if (max(covering) - today).days < 30 else "valid"


def _expected(tenants: list[Tenant], today: date) -> dict[str, int]:
    states = Counter(_agreement_state(t, today) for t in tenants)
    overdue = 0
    for t in tenants:
        interval = t.park.inspection_interval_days
        last = TenantInspection.objects.filter(tenant=t).order_by("-inspected_on").values_list("inspected_on", flat=True).first()
        if interval is not None and today > (last or t.entered_on) + timedelta(days=interval):
            overdue += 1
    findings = ParkFinding.objects.filter(park__in={t.park_id for t in tenants} or [0])
    return {
        "parks.tenants": len(tenants),
        "parks.agreements_valid": states["valid"],
        "parks.agreements_expiring": states["expiring"],
        "parks.agreements_missing": states["missing"],
        "parks.agreements_expired": states["expired"],
        "parks.inspection_overdue": overdue,
        "parks.three_in_one": sum(1 for t in tenants if t.uses_living and (t.uses_production or t.uses_storage)),
        "parks.hazards_raised": findings.filter(raised_on__year=today.year).count(),
        "parks.major_open": findings.filter(hazard__level=HazardLevel.MAJOR)
        .exclude(hazard__state__in=[HazardState.ACCEPTED, HazardState.WITHDRAWN])
        .count(),
    }


@pytest.mark.django_db
def test_the_demo_step_and_its_figures(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    took = _build()
    print(f"parks.campaign took {took:.1f}s")
    today = timezone.localdate()

    # The register: four parks in 武进区 and 新北区, each with buildings, a site plan and its shapes.
    parks = list(Park.objects.select_related("landlord__region"))
    assert len(parks) == 4
    assert {p.landlord.region.path.split("/")[2] for p in parks} == {"320411", "320412"}
    for park in parks:
        assert park.site_plan and park.site_plan_width == 1200 and 3 <= park.buildings.count() <= 6
        assert park.latitude is not None and park.longitude is not None
        kinds = Counter(SiteShape.objects.filter(park=park).values_list("kind", flat=True))
        assert kinds[ShapeKind.TENANT_AREA] == park.tenants.filter(left_on__isnull=True).count()
        assert 1 <= kinds[ShapeKind.ESCAPE_ROUTE] <= 2
        assert kinds[ShapeKind.PEDESTRIAN_WAY] == kinds[ShapeKind.VEHICLE_WAY] == kinds[ShapeKind.ASSEMBLY_POINT] == 1
        assert Training.objects.filter(park=park).exists()
    assert [p.inspection_interval_days for p in parks].count(None) == 1

    current = list(Tenant.objects.filter(left_on__isnull=True).select_related("park"))
    assert len(current) == 60
    left = Tenant.objects.filter(left_on__isnull=False)
    assert left.count() == 3 and all(t.left_reason for t in left)
    assert all(today - timedelta(days=4 * 366) <= t.entered_on <= today - timedelta(days=365) for t in current)
    assert sum(1 for t in current if t.dangerous_processes) >= 5
    # Agreements in every state.
    states = Counter(_agreement_state(t, today) for t in current)
    assert states == Counter({"valid": 50, "missing": 5, "expired": 3, "expiring": 2})
    # Inspections with failed items reported as hidden hazards; attendance at the trainings.
    assert TenantInspection.objects.count() > 100
    assert InspectionFinding.objects.filter(item="no_living").count() == 1
    assert InspectionFinding.objects.count() >= 10
    assert TrainingAttendance.objects.count() > 20
    # The register's findings: each kind, standing, exactly as the conditions.
    standing = Counter(ParkFinding.objects.filter(cleared_on__isnull=True).values_list("kind", flat=True))
    assert standing == {
        ParkFindingKind.AGREEMENT_MISSING: 5,
        ParkFindingKind.AGREEMENT_EXPIRED: 3,
        ParkFindingKind.NOT_INSPECTED: 4,
        ParkFindingKind.NO_COORDINATION: 1,
        ParkFindingKind.THREE_IN_ONE: 2,
    }
    assert ParkFinding.objects.count() == 15  # nothing raised and cleared while the demo entered the records

    # The figures, as `safecity figures` and the cockpit compute them, equal the independent counts.
    city = Region.objects.get(code="320400")
    figures = compute_indicators(FigureContext(region=city, year=today.year))
    assert set(KEYS) <= set(figures)
    expected = _expected(current, today)
    assert {k: figures[k] for k in expected} == expected
    assert figures["parks.parks"] == 4
    assert figures["parks.tenants"] == 60 and figures["parks.agreements_missing"] == 5
    assert figures["parks.inspection_overdue"] == 4 and figures["parks.three_in_one"] == 2
    assert figures["parks.hazards_raised"] == 15 and figures["parks.major_open"] == 7
    # `safecity figures` prints the same keys and values.
    out = io.StringIO()
    call_command("figures", stdout=out)
    printed = json.loads(out.getvalue())
    assert {k: printed[k] for k in KEYS} == {k: figures[k] for k in KEYS}
    # The campaign page counts the same.
    admin = get_user_model().objects.get(username="admin")
    totals = campaign(user=admin).totals
    assert totals is not None and totals.tenants == 60 and totals.overdue == 4 and totals.major_open == 7
    panel = compute_panels(FigureContext(region=city, year=today.year))["parks.agreements_by_district"]
    without = Counter(
        t.park.landlord.region.path.split("/")[2]
        for t in Tenant.objects.filter(left_on__isnull=True).select_related("park__landlord__region")
        if _agreement_state(t, today) in ("missing", "expired")
    )
    assert panel["counts"] == {"新北区": without["320411"], "武进区": without["320412"]}
    assert sum(panel["values"]) == 8

    # Scoping: the 新北区 official's figures count 新北区's parks only.
    xinbei = get_user_model().objects.get(username="xinbei.official")
    district = Region.objects.get(code="320411")
    theirs = compute_indicators(FigureContext(region=district, year=today.year, user=xinbei))
    mine = [t for t in current if t.park.landlord.region.path.startswith(district.path)]
    assert theirs["parks.parks"] == Park.objects.filter(landlord__region__path__startswith=district.path).count() == 2
    assert {k: theirs[k] for k in expected} == _expected(mine, today)
    assert 0 < theirs["parks.tenants"] < 60
    # ... also when asked for the whole city: their scope, not the region asked, bounds the counts.
    wide = compute_indicators(FigureContext(region=city, year=today.year, user=xinbei))
    assert {k: wide[k] for k in KEYS} == {k: theirs[k] for k in KEYS}
    assert compute_panels(FigureContext(region=city, year=today.year, user=xinbei))["parks.agreements_by_district"]["counts"] == {
        "新北区": without["320411"]
    }
    out = io.StringIO()
    call_command("figures", "--user", "xinbei.official", "--region", "320411", stdout=out)
    printed = json.loads(out.getvalue())
    assert {k: printed[k] for k in KEYS} == {k: theirs[k] for k in KEYS}

    # The accounts: the landlord sees its park and every tenant; the tenant its own record only.
    landlord = get_user_model().objects.get(username="park.landlord")
    assert [p.name for p in park_list(user=landlord)] == ["常州市武进区湖塘纺织工业园"]
    assert tenant_list(user=landlord).count() == Tenant.objects.filter(park__name="常州市武进区湖塘纺织工业园").count()
    tenant_user = get_user_model().objects.get(username="park.tenant")
    assert [t.full_number for t in tenant_list(user=tenant_user)] == ["HT-A-01"]
    assert took < 15
