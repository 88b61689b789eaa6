"""The demonstration street in the demo (issue 15 §6): 147 restaurants converted in 2023 (pipe and
electric, subsidies paid), 36 still on cylinders with detectors reporting, two leak alarms (one dispositioned), and the
cross-check catching the two converted restaurants the ledger shows still receiving cylinders."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Region
from safecity.restaurants.choices import ConversionStep, FlagKind, KitchenFuel, LeakOutcome
from safecity.restaurants.models import Conversion, CrossCheckFlag, LeakAlarm, Restaurant
from safecity.telemetry.choices import AlarmState
from safecity.telemetry.models import Alarm

NEEDED = ("core.city", "restaurants.programme", "cylinders.ledger", "restaurants.detectors")


def test_the_demonstration_street(db: Any) -> None:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in NEEDED:
            step.run(random.Random(f"2023:{step.name}"), admin)
    converted = Conversion.objects.filter(accepted_on__year=2023)
    assert converted.count() == 147
    assert set(converted.values_list("step", flat=True)) == {ConversionStep.SUBSIDY_PAID}
    assert Restaurant.objects.filter(fuel=KitchenFuel.PIPED_GAS).count() > 50
    assert Restaurant.objects.filter(fuel=KitchenFuel.ELECTRIC).count() > 30
    assert Restaurant.objects.filter(fuel=KitchenFuel.BOTTLED_LPG).count() == 36
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023))
    assert figures["restaurants.converted"] == 147
    assert figures["restaurants.converted_to_pipe"] + figures["restaurants.converted_to_electric"] == 147
    assert figures["restaurants.on_cylinders"] == 36
    assert figures["restaurants.detectors_online"] == 36
    caught = CrossCheckFlag.objects.filter(kind=FlagKind.DELIVERED_AFTER_CONVERSION).select_related("restaurant__organisation")
    assert sorted(f.restaurant.organisation.name[-9:] for f in caught) == ["（丰田路17号店）", "（丰田路96号店）"]
    assert all(f.hazard_id is not None and f.ledger_indexes for f in caught)
    # two leak alarms: one nine days ago, dispositioned; one this morning, back to normal, waiting
    leaks = Alarm.objects.filter(rule_id="gas-leak", device__kind="gas_detector")
    assert leaks.count() == 2 and not leaks.filter(state=AlarmState.FIRING).exists()
    assert sorted((leak.outcome, leak.disposed_at is None) for leak in LeakAlarm.objects.all()) == [
        ("", True),
        (LeakOutcome.LEAK_FIXED, False),
    ]
    assert not Alarm.objects.filter(rule_id="valve-open-in-alarm").exists()
