"""The cockpit figures of the invitations (issue 16 §4) count what each viewer may see: the city
all, a district its own, the enterprise its own, an outsider "no access" (never a zero); and the
SLA panels per authority."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.figures import NO_ACCESS, FigureContext, indicator_values, panel_values
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.findings import findings_refer_overdue

from .conftest import Inv

pytestmark = pytest.mark.django_db


def _figures(inv: Inv, user: Any) -> dict[str, Any]:
    ctx = FigureContext(region=inv.city.city, year=timezone.localdate().year, user=user)
    return {k: v for k, v in indicator_values(ctx).items() if k.startswith("invitations.")}


def test_figures_follow_the_viewer(inv: Inv) -> None:
    a = inv.schedule(inv.invite())
    today = timezone.localdate()
    svc.invitation_report(
        actor=inv.inspector, invitation=a, inspected_on=today, advice="a",
        findings=[svc.FindingInput(description="x", deadline=today)],
    )  # fmt: skip
    inv.invite(enterprise=inv.city.enterprise_b, on=today)
    findings_refer_overdue(on=today + timedelta(days=1))
    p = inv.personas
    city = _figures(inv, p.city_official)
    assert (city["invitations.received"], city["invitations.done"], city["invitations.within_sla"]) == (2, 1, 1)
    assert (city["invitations.hazards_found"], city["invitations.hazards_rectified"]) == (1, 0)
    district_b = _figures(inv, p.district_b)
    assert (district_b["invitations.received"], district_b["invitations.done"]) == (1, 0)
    own = _figures(inv, p.enterprise_user)
    assert own["invitations.received"] == 1 and own["invitations.hazards_found"] == 1
    assert set(_figures(inv, p.outsider).values()) == {NO_ACCESS}
    ctx = FigureContext(region=inv.city.city, year=today.year, user=p.city_official)
    panels = panel_values(ctx)
    assert panels["invitations.days_to_schedule"]["labels"] == ["常州市交通运输综合行政执法支队"]
    assert panels["invitations.days_to_report"]["values"] == [0]
