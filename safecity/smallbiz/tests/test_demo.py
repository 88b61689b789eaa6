"""The demo step (issue 16 §7): 罗溪镇's villages, 300 enterprises, two providers, the group purchase
with visits in 2023 and this year, findings that became hidden hazards, the two demo accounts."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Region
from safecity.core.validators import validate_credit_code
from safecity.hazards.choices import HazardState
from safecity.smallbiz.models import Contract, ServiceProvider, SmallEnterprise, Visit, VisitFinding
from safecity.smallbiz.selectors import enterprise_list, provider_performance, visit_list
from safecity.smallbiz.services.registry import provider_qualification_valid, provider_registered_engineers

NEEDED = ("core.city", "riskdict.starter", "smallbiz.luoxi")


def test_the_luoxi_demo(db: Any) -> None:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in NEEDED:
            step.run(random.Random(f"2023:{step.name}"), admin)
    today = timezone.localdate()
    assert Region.objects.filter(parent__code="320411104", level="village").count() == 8
    assert SmallEnterprise.objects.count() == 300
    for enterprise in SmallEnterprise.objects.select_related("organisation")[:300]:
        validate_credit_code(enterprise.organisation.credit_code)
    providers = list(ServiceProvider.objects.all())
    assert len(providers) == 2 and all(provider_registered_engineers(p) >= 5 for p in providers)
    assert any(provider_qualification_valid(p, today + timedelta(days=60)) is None for p in providers)
    contract = Contract.objects.get()
    done = Visit.objects.filter(contract=contract, state="done")
    assert done.filter(done_at__year=2023).exists() and done.filter(done_at__year=today.year).exists()
    late = [v for v in done if v.on_time is False]
    assert late and len(late) < done.count() / 3
    # signed on (or around) the planned visit day, never on a day still to come
    planned = [v for v in done if v.planned_on is not None]
    on_the_day = [v for v in planned if timezone.localtime(v.done_at).date() == v.planned_on]
    assert planned and len(on_the_day) > len(planned) * 2 / 3
    assert not done.filter(done_at__date__gt=today).exists()
    assert Visit.objects.filter(contract=contract, state="scheduled", due_on__lt=today).exists()  # overdue
    assert Visit.objects.filter(contract=contract, state="scheduled", due_on__gte=today).exists()  # due
    states = set(VisitFinding.objects.values_list("hazard__state", flat=True))
    assert HazardState.ACCEPTED in states and states & {HazardState.TO_CONFIRM, HazardState.RECTIFYING}
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023))
    assert figures["smallbiz.served"] == 120 and figures["smallbiz.visits_done"] > 300 and figures["smallbiz.contracts"] == 1
    User = get_user_model()
    supervisor = User.objects.get(username="village.supervisor")
    village = enterprise_list(user=supervisor)
    assert 0 < village.count() < 300 and {e.organisation.region.code for e in village} == {"320411104201"}
    engineer = User.objects.get(username="service.engineer")
    assert visit_list(user=engineer).filter(enterprise__organisation__region__code="320411104201").exists()
    assert provider_performance(user=supervisor)[0].visits_done > 0
