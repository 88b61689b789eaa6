"""The figures (issue 17 §3: ``citizenreports.*``, the panel by district) and the demo step
(some 30 reports this year across the districts, in every outcome, a few awaiting triage; the
same seed, the same reports)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.services.triage import report_dismiss, report_to_hazard
from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators, compute_panels
from safecity.core.models import Region

from .conftest import CR, IN_B


@pytest.mark.django_db
def test_the_figures(cr: CR) -> None:
    a = cr.submit()
    b = cr.submit(point=IN_B)
    cr.submit()
    report_dismiss(actor=cr.personas.district_a, report=a, reason="不属实")
    report_to_hazard(actor=cr.personas.district_b, report=b, organisation=cr.city.enterprise_b)
    year = timezone.localdate().year
    figures = compute_indicators(FigureContext(region=cr.city.city, year=year))
    assert figures["citizenreports.received"] == 3
    assert figures["citizenreports.dismissed"] == 1 and figures["citizenreports.hazards"] == 1
    assert figures["citizenreports.merged"] == 0 and figures["citizenreports.awaiting"] == 1
    assert figures["citizenreports.median_triage_hours"] is not None
    district_a = compute_indicators(FigureContext(region=cr.city.district_a, year=year, user=cr.personas.district_a))
    assert district_a["citizenreports.received"] == 2
    panels = compute_panels(FigureContext(region=cr.city.city, year=year))
    assert panels["citizenreports.by_district"]["counts"] == {"新北区": 2, "武进区": 1}


NEEDED = ("core.city", "riskdict.starter", "hazards.registries", "citizenreports.demo")


def _build(db: Any) -> list[tuple[Any, ...]]:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in NEEDED:
            step.run(random.Random(f"demo:{step.name}"), admin)
    return list(
        CitizenReport.objects.order_by("submitted_at", "id").values_list("receipt_code", "district__code", "state", "description")
    )


@pytest.mark.django_db
def test_the_demo_step(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rows = _build(db)
    assert len(rows) == 30
    assert {r[1] for r in rows} == {"320402", "320404", "320411", "320412", "320413", "320481"}
    states = [r[2] for r in rows]
    assert set(states) == set(ReportState.values)
    assert states.count(ReportState.RECEIVED) == 4
    year = timezone.localdate().year
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=year))
    assert figures["citizenreports.received"] == 30
    assert figures["citizenreports.dismissed"] + figures["citizenreports.merged"] + figures["citizenreports.hazards"] == 26
    xinbei = get_user_model().objects.get(username="xinbei.official")
    from safecity.citizenreports.selectors import report_list

    assert {r.district.code for r in report_list(user=xinbei)} == {"320411"}
