"""The hidden hazards of a service visit under the hazards app's rules (issue 16 §4): the engineer
reports the finding in their own name; the village committee of the enterprise's village (or the
street) accepts the rectification, and a village committee elsewhere may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_accept, hazard_fix_on_the_spot, hazard_reject
from safecity.smallbiz.models import VisitFinding
from safecity.smallbiz.tests.test_visits import PNG, _first_visit, _sign


def _fixed_hazard(biz: Any) -> HiddenHazard:
    visit = _first_visit(biz)
    _sign(biz.engineer, visit, findings=[{"description": "灭火器压力不足"}])
    hazard = VisitFinding.objects.get(visit=visit).hazard
    return hazard_fix_on_the_spot(
        actor=biz.city.superuser,
        hazard=hazard,
        rectification="已更换灭火器",
        evidence=[SimpleUploadedFile("fix.png", PNG, content_type="image/png")],
    )


def test_the_engineer_reports_the_finding_in_their_own_name(biz: Any) -> None:
    visit = _first_visit(biz)
    _sign(biz.engineer, visit, findings=[{"description": "电动车室内充电"}])
    hazard = VisitFinding.objects.get(visit=visit).hazard
    assert hazard.discovered_by == biz.engineer
    assert hazard.timeline.get(action="report").actor == biz.engineer


def test_the_engineer_may_report_a_major_hidden_hazard(biz: Any) -> None:
    from safecity.smallbiz.services.visits import visit_finding_add

    visit = _first_visit(biz)
    _sign(biz.engineer, visit)
    visit.refresh_from_db()
    finding = visit_finding_add(actor=biz.engineer, visit=visit, description="涉爆粉尘除尘系统未接地", level=HazardLevel.MAJOR)
    assert finding.hazard.level == HazardLevel.MAJOR and finding.hazard.discovered_by == biz.engineer


def test_the_village_committee_accepts_and_another_village_may_not(biz: Any) -> None:
    hazard = _fixed_hazard(biz)
    assert hazard.state == HazardState.AWAITING_ACCEPTANCE
    with pytest.raises(PermissionDenied):
        hazard_accept(actor=biz.other_supervisor, hazard=hazard, comment="越界验收")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HazardState.AWAITING_ACCEPTANCE
    hazard_accept(actor=biz.supervisor, hazard=hazard, comment="村委会复查合格")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HazardState.ACCEPTED


def test_the_street_sends_a_fix_back(biz: Any) -> None:
    hazard = _fixed_hazard(biz)
    hazard_reject(actor=biz.street_official, hazard=hazard, comment="灭火器未张贴检查卡")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFYING
