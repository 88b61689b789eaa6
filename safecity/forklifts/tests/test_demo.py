"""The demo step on the demo city: about 40 trucks and 60 drivers in 武进区 and 新北区, the flags
the demo promises (overdue, unregistered, expired, missed), the persona, the figures; and the same
seed gives the same fleet."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Region
from safecity.forklifts import selectors
from safecity.forklifts.choices import ForkliftStatus, InspectionStatus
from safecity.forklifts.models import Forklift, Operator, Plant, SafetyCheck


def _seed() -> Any:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in ("core.city", "forklifts.platform"):
            step.run(random.Random(f"2023:{step.name}"), admin)
    return admin


def test_demo_step(db: Any) -> None:
    admin = _seed()
    assert Forklift.objects.count() == 40 and Operator.objects.count() == 60
    assert {p.organisation.region.path.split("/")[2] for p in Plant.objects.select_related("organisation__region")} == {
        "320411",
        "320412",
    }
    assert all(p.site_plan and p.zones.count() == 5 for p in Plant.objects.all())
    trucks = list(Forklift.objects.exclude(status=ForkliftStatus.SCRAPPED))
    statuses = [t.inspection_status() for t in trucks]
    assert statuses.count(InspectionStatus.OVERDUE) >= 3 and statuses.count(InspectionStatus.DUE_SOON) >= 3
    assert sum(t.registration_status() == "overdue" for t in trucks) == 2
    assert sum(o.certificate_status() == "expired" for o in Operator.objects.all()) >= 4
    rows = selectors.compliance_overview(user=admin)
    assert all(r.missed.daily for r in rows) and any(r.missed.weekly for r in rows) and any(r.missed.monthly for r in rows)
    assert SafetyCheck.objects.filter(zero_risk=False).exists()
    director = get_user_model().objects.get(username="forklift.director")
    assert selectors.forklift_list(user=director).count() == 14
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2026))
    assert figures["forklifts.total"] == 39 and figures["forklifts.registered"] == 37
    assert 0 < figures["forklifts.inspected_on_time"] < 100 and 0 < figures["forklifts.certified_drivers"] < 100
    assert 0 < figures["forklifts.checks_on_time"] < 100
