"""The ``smallbiz.*`` figures (issue 16 §6) and the provider ranking."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safecity.core.figures import FigureContext, compute_indicators
from safecity.smallbiz.models import Visit
from safecity.smallbiz.selectors import provider_performance, street_ranking
from safecity.smallbiz.services import visits


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_figures_count_served_enterprises_and_visits_on_time(biz: Any, personas: Any) -> None:
    e1, e2 = biz.enterprise("甲厂", biz.village_a1), biz.enterprise("乙厂", biz.village_a2)
    biz.enterprise("未服务厂", biz.village_a1)
    contract = biz.contract([e1, e2], start=date(2024, 1, 1), end=date(2024, 12, 31))
    first, second = Visit.objects.filter(contract=contract).order_by("due_on", "pk")[:2]
    visits.visit_sign(
        actor=biz.engineer, visit=first, latitude=31.9, longitude=119.9, done_at=_at(first.due_on - timedelta(days=3))
    )
    visits.visit_sign(
        actor=biz.engineer, visit=second, latitude=31.9, longitude=119.9, done_at=_at(second.due_on + timedelta(days=5))
    )
    visits.visit_score(actor=biz.street_official, visit=first, by="street", score=5)
    visits.visit_score(actor=biz.street_official, visit=second, by="street", score=2)
    figures = compute_indicators(FigureContext(region=biz.city.city, year=2024))
    assert figures["smallbiz.enterprises"] == 3
    assert figures["smallbiz.served"] == 2
    assert figures["smallbiz.visits_done"] == 2
    assert figures["smallbiz.visits_on_time"] == 1
    assert figures["smallbiz.contracts"] == 1
    assert compute_indicators(FigureContext(region=biz.city.city, year=2023))["smallbiz.visits_done"] == 0
    assert compute_indicators(FigureContext(region=biz.city.district_b, year=2024))["smallbiz.served"] == 0
    rows = {r.provider.pk: r for r in provider_performance(user=personas.city_official)}
    mine = rows[biz.provider.pk]
    assert (mine.visits_done, mine.on_time, mine.on_time_rate, mine.score, mine.registered_engineers) == (2, 1, 0.5, 3.5, 5)
    assert rows[biz.other_provider.pk].visits_done == 0 and rows[biz.other_provider.pk].score is None
    assert street_ranking(user=personas.city_official)[0]["on_time_rate"] == 0.5
    assert street_ranking(user=personas.district_b) == []
