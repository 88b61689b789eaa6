"""The demo step: sizes within the limits, figures that add up, the refused overdue cylinder at
常州新北液化气充装站, everything on the ledger, and custodial keys ready for the UI afterwards."""

from __future__ import annotations

import random
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Organisation, Region
from safecity.cylinders import services
from safecity.cylinders.choices import CylinderState
from safecity.cylinders.cockpit import by_status, fills_per_day, refusals_by_station
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.verify import cylinders_verify
from safecity.ledger.models import Checkpoint, LogEntry


def _seed() -> float:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    took = 0.0
    for step in steps():
        if step.name in ("core.city", "cylinders.ledger"):
            started = time.monotonic()
            step.run(random.Random(f"2023:{step.name}"), admin)
            took = time.monotonic() - started
    return took


def test_demo_step(db: Any) -> None:
    took = _seed()
    print(f"cylinders demo step: {took:.2f} s")
    # The history went through the ledger's historic path, and the tables say what was signed.
    started = time.monotonic()
    assert list(cylinders_verify()) == []
    print(f"cylinders cross-check: {time.monotonic() - started:.2f} s")
    total = Cylinder.objects.count()
    assert 2000 <= total <= 3000
    events = CylinderEvent.objects.count()
    assert events <= 30_000
    by_state = dict(Cylinder.objects.values_list("state").annotate(n=Count("id")))
    assert sum(by_state.values()) == total and by_state[CylinderState.SCRAPPED] > 0
    assert set(Cylinder.objects.values_list("owner__name", flat=True)) == {
        "常州新北液化气充装站",
        "常州武进液化气充装站",
        "常州金坛液化气充装站",
        "常州溧阳液化气充装站",
    }
    # Every event and refusal is on the ledger, under a checkpoint covering the whole log.
    assert LogEntry.objects.filter(subject__startswith="CZ").count() == events + FillAttempt.objects.count()
    assert Checkpoint.objects.order_by("-tree_size").first().tree_size == LogEntry.objects.count()
    sample = CylinderEvent.objects.order_by("?")[:20]
    entries = {e.index: e for e in LogEntry.objects.filter(index__in=[s.ledger_index for s in sample])}
    for event in sample:
        assert entries[event.ledger_index].statement().body == event.data
    # Deliveries to the restaurants of 丰田路 and to households; inspections, failures, scrappings.
    kinds = dict(CylinderEvent.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["delivery"] > 500 and kinds["inspection"] > 500 and kinds["repair"] > 0 and kinds["scrapping"] > 0
    assert CylinderEvent.objects.filter(kind="delivery", data__recipient_kind="restaurant").exists()
    assert CylinderEvent.objects.filter(kind="inspection", data__result="fail").exists()
    # 新北 refused an overdue cylinder today.
    xinbei = Organisation.objects.get(name="常州新北液化气充装站")
    refusal = FillAttempt.objects.filter(station=xinbei, reasons__0__code="inspection_overdue").order_by("-attempted_at").first()
    assert refusal is not None and timezone.localtime(refusal.attempted_at).date() == timezone.localdate()
    assert refusal.cylinder.owner == xinbei and refusal.ledger_index is not None
    # Figures from the records.
    city = Region.objects.get(code="320400")
    ctx = FigureContext(region=city, year=timezone.localdate().year)
    figures = compute_indicators(ctx)
    assert figures["cylinders.total"] == total
    overdue = figures["cylinders.inspection_overdue"]
    assert 0 < overdue < total // 10
    assert figures["cylinders.refusals"] >= 5
    assert sum(by_status(ctx)["values"]) == total
    assert "常州新北液化气充装站" in refusals_by_station(ctx)["labels"]
    assert sum(fills_per_day(ctx)["values"]) > 300
    # After the import the UI signs with custodial keys: filling.operator's gate refuses the same cylinder.
    operator = get_user_model().objects.get(username="filling.operator")
    again = services.cylinder_fill_check(actor=operator, code=refusal.code)
    assert not again.allowed and "inspection_overdue" in again.reason_codes
    assert LogEntry.objects.get(index=again.ledger_index).statement().organisation_id == xinbei.pk
