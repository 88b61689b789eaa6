"""The whole lifecycle of a general and a major hidden hazard, through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.hazards import services
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HazardTransition
from safecity.hazards.tests.conftest import photo


def test_general_hazard_from_report_to_acceptance(city: Any, personas: Any) -> None:
    hazard = services.hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="安全阀校验过期")
    assert hazard.state == HazardState.TO_CONFIRM and hazard.code == f"YH-{timezone.localdate():%Y}-000001"
    deadline = timezone.localdate() + timedelta(days=10)
    services.hazard_confirm(actor=personas.enterprise_user, hazard=hazard, deadline=deadline)
    with pytest.raises(ValidationError, match="evidence of the rectification"):
        services.hazard_request_acceptance(actor=personas.enterprise_user, hazard=hazard, rectification="已更换并校验")
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="已更换并校验", evidence=[photo()]
    )
    with pytest.raises(ValidationError, match="someone other"):
        services.hazard_accept(actor=personas.enterprise_user, hazard=hazard, comment="ok")
    with pytest.raises(PermissionDenied):
        services.hazard_accept(actor=personas.district_b, hazard=hazard, comment="ok")
    done = services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="现场复核整改到位")
    assert done.state == HazardState.ACCEPTED and done.accepted_by == personas.district_a
    actions = list(HazardTransition.objects.filter(hazard=hazard).values_list("action", flat=True))
    assert actions == ["report", "confirm", "request_acceptance", "accept"]
    with pytest.raises(ValidationError):
        services.hazard_accept(actor=personas.city_official, hazard=hazard, comment="again")


def test_major_hazard_needs_its_governance_plan(city: Any, personas: Any) -> None:
    hazard = services.hazard_report(
        actor=personas.district_a, organisation=city.enterprise_a, description="重大隐患", level=HazardLevel.MAJOR
    )
    deadline = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError, match="governance plan"):
        services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=deadline)
    services.governance_plan_save(
        actor=personas.enterprise_user,
        hazard=hazard,
        responsibility="厂长",
        measures="停产整改",
        funds=Decimal("50000"),
        deadline=deadline,
        emergency_plan="专项预案",
    )
    confirmed = services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=deadline)
    assert confirmed.state == HazardState.RECTIFYING
    with pytest.raises(ValidationError):
        services.hazard_fix_on_the_spot(actor=personas.enterprise_user, hazard=hazard, rectification="x")
