"""Village supervision (issue 16 §5): the monthly round, its counts, once a month, by the village
(or the street / district) only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecity.smallbiz.models import SupervisionRound, Visit
from safecity.smallbiz.selectors import village_overview, villages_for
from safecity.smallbiz.services import visits
from safecity.smallbiz.services.common import SmallbizError
from safecity.smallbiz.services.supervision import supervision_round_record


def test_the_monthly_round_counts_what_is_open(biz: Any) -> None:
    e1 = biz.enterprise("甲村厂", biz.village_a1)
    biz.enterprise("乙村厂", biz.village_a2)
    today = timezone.localdate()
    biz.contract([e1], start=date(today.year - 1, 1, 1), end=date(today.year, 12, 31))
    first = Visit.objects.filter(enterprise=e1).order_by("due_on").first()
    visits.visit_sign(
        actor=biz.engineer, visit=first, latitude="31.9", longitude="119.9", done_at=timezone.now() - timedelta(days=300),
        findings=[{"description": "安全出口堵塞"}],
    )  # fmt: skip
    overdue = Visit.objects.filter(enterprise=e1, state="scheduled", due_on__lt=today).count()
    row = supervision_round_record(actor=biz.supervisor, village=biz.village_a1, month=today, note="巡查")
    assert row.month == today.replace(day=1)
    assert (row.enterprises_seen, row.visits_overdue, row.hazards_open) == (1, overdue, 1)
    with pytest.raises(SmallbizError) as again:
        supervision_round_record(actor=biz.supervisor, village=biz.village_a1, month=today)
    assert again.value.error_code == "duplicate"
    overview = village_overview(user=biz.supervisor, village=biz.village_a1)
    assert overview["overdue"].count() == overdue and overview["hazards"].count() == 1
    assert [r.pk for r in overview["rounds"]] == [row.pk]


def test_only_the_village_or_those_above_record_its_round(biz: Any, personas: Any) -> None:
    month = timezone.localdate()
    for user in (biz.other_supervisor, biz.engineer, personas.enterprise_user, personas.district_b):
        with pytest.raises(PermissionDenied):
            supervision_round_record(actor=user, village=biz.village_a1, month=month)
    assert not SupervisionRound.objects.exists()
    supervision_round_record(actor=biz.street_official, village=biz.village_a1, month=month)
    with pytest.raises(SmallbizError):
        supervision_round_record(actor=biz.street_official, village=biz.village_a1.parent, month=month)


def test_a_town_sees_its_villages(biz: Any, personas: Any) -> None:
    biz.enterprise("甲村厂", biz.village_a1)
    biz.enterprise("乙村厂", biz.village_a2)
    biz.enterprise("乙村二厂", biz.village_a2)
    biz.enterprise("丙村厂", biz.village_b)
    rows = {v.name: v.enterprises for v in villages_for(user=biz.street_official, region=biz.city.street_a)}
    assert rows == {"甲村": 1, "乙村": 2}
    assert {v.name for v in villages_for(user=biz.supervisor, region=biz.city.street_a)} == {"甲村"}
    assert {v.name for v in villages_for(user=personas.city_official, region=biz.city.city)} == {"甲村", "乙村", "丙村"}
