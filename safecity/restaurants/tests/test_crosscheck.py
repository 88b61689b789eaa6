"""The cross-check against the signed cylinder ledger (issue 15 §3): what each finding takes, what it
must not take (deliveries before the acceptance, households, other restaurants), one hidden hazard
per finding however often the check runs, and the ledger entries that prove it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.cylinders.choices import RecipientKind
from safecity.hazards.models import HazardTransition, HiddenHazard
from safecity.hazards.selectors import hazard_list
from safecity.restaurants.choices import FlagKind, KitchenFuel
from safecity.restaurants.models import CrossCheckFlag
from safecity.restaurants.services.crosscheck import crosscheck_run, ledger_entry_url
from safecity.restaurants.tasks import crosscheck, crosscheck_hazards

from .conftest import Gas, at, days_ago

AFTER = FlagKind.DELIVERED_AFTER_CONVERSION
OTHER = FlagKind.OTHER_SUPPLIER
TOO_MANY = FlagKind.TOO_MANY_CYLINDERS


def flag(restaurant: Any, kind: str) -> CrossCheckFlag:
    return CrossCheckFlag.objects.select_related("hazard").get(restaurant=restaurant, kind=kind)


def kinds(restaurant: Any) -> set[str]:
    return set(CrossCheckFlag.objects.filter(restaurant=restaurant).values_list("kind", flat=True))


def test_deliveries_after_the_acceptance_are_flagged_once_with_one_hazard(gas: Gas) -> None:
    noodles = gas.restaurant("王记面馆", supplier=gas.unit)
    accepted = timezone.localdate() - timedelta(days=30)
    gas.accept(noodles, accepted)
    gas.deliveries([days_ago(40), at(accepted, 9)], to=noodles)  # before and on the acceptance day
    late = gas.deliveries([days_ago(20), days_ago(10)], to=noodles)

    result = crosscheck_run()

    assert result.counts[AFTER] == {"new": 1, "updated": 0, "unchanged": 0}
    found = flag(noodles, AFTER)
    assert found.count == 2
    assert found.ledger_indexes == [late[1].ledger_index, late[0].ledger_index]  # newest first
    assert (found.first_at, found.last_at) == (late[0].occurred_at, late[1].occurred_at)
    hazard = found.hazard
    assert hazard is not None and hazard.organisation_id == noodles.organisation_id
    assert "王记面馆" in hazard.description and "2 cylinder deliveries" in hazard.description
    assert accepted.isoformat() in hazard.description
    assert timezone.localtime(late[0].occurred_at).date().isoformat() in hazard.description
    comment = HazardTransition.objects.get(hazard=hazard).comment
    assert f"{late[1].ledger_index}, {late[0].ledger_index}" in comment
    assert ledger_entry_url(late[1].ledger_index) in comment

    # The next run finds the same: nothing is written, no second hazard.
    again = crosscheck_run()
    assert again.counts[AFTER] == {"new": 0, "updated": 0, "unchanged": 1}
    assert again.hazards_raised == 0 and HiddenHazard.objects.count() == 1

    # A further delivery is added to the same flag, still without a second hazard.
    newest = gas.deliveries([days_ago(2)], to=noodles)[0]
    later = crosscheck_run()
    assert later.counts[AFTER] == {"new": 0, "updated": 1, "unchanged": 0}
    found = flag(noodles, AFTER)
    assert found.count == 3 and found.ledger_indexes[0] == newest.ledger_index
    assert found.last_at == newest.occurred_at and found.first_at == late[0].occurred_at
    assert found.hazard_id == hazard.pk and HiddenHazard.objects.count() == 1


def test_the_day_after_the_acceptance_is_the_local_day(gas: Gas) -> None:
    """00:30 in Changzhou the day after the acceptance is still the acceptance day in UTC: flagged.
    23:30 on the acceptance day is the next day in no calendar that matters here: not flagged."""
    early = gas.restaurant("早点铺")
    late_night = gas.restaurant("夜宵店")
    accepted = timezone.localdate() - timedelta(days=10)
    for restaurant in (early, late_night):
        gas.accept(restaurant, accepted)
    gas.deliveries([at(accepted + timedelta(days=1), 0) + timedelta(minutes=30)], to=early)
    gas.deliveries([at(accepted, 23) + timedelta(minutes=30)], to=late_night)

    crosscheck_run()

    assert kinds(early) == {AFTER}
    assert kinds(late_night) == set()


def test_a_restaurant_never_accepted_is_not_flagged_for_conversion(gas: Gas) -> None:
    cafe = gas.restaurant("咖啡馆", supplier=gas.unit)
    gas.deliveries([days_ago(20), days_ago(5)], to=cafe)

    result = crosscheck_run()

    assert kinds(cafe) == set()
    assert result.counts[AFTER]["new"] == 0 and HiddenHazard.objects.count() == 0


def test_deliveries_from_another_station_within_the_window(gas: Gas) -> None:
    contracted = gas.restaurant("川菜馆", supplier=gas.unit)
    no_contract = gas.restaurant("小吃店")
    gas.deliveries([days_ago(60), days_ago(30)], to=contracted)  # from the contracted supplier
    gas.deliveries([days_ago(400)], to=contracted, unit=gas.other_unit)  # outside the window
    stray = gas.deliveries([days_ago(50), days_ago(3)], to=contracted, unit=gas.other_unit)
    gas.deliveries([days_ago(10)], to=no_contract, unit=gas.other_unit)

    result = crosscheck_run(window_days=365)

    assert result.counts[OTHER] == {"new": 1, "updated": 0, "unchanged": 0}
    found = flag(contracted, OTHER)
    assert found.count == 2 and found.ledger_indexes == [e.ledger_index for e in reversed(stray)]
    assert found.hazard is not None and "常州新北液化气充装站" in found.hazard.description
    assert kinds(no_contract) == set()
    # A longer window takes the old delivery too (into the same flag).
    crosscheck_run(window_days=500)
    assert flag(contracted, OTHER).count == 3 and HiddenHazard.objects.count() == 1


def test_a_converted_kitchen_is_not_checked_for_its_supplier(gas: Gas) -> None:
    """Once off bottled LPG a restaurant has no cylinder supplier to keep to; its deliveries are the
    conversion finding's business."""
    hotpot = gas.restaurant("火锅店", supplier=gas.unit)
    accepted = timezone.localdate() - timedelta(days=30)
    gas.accept(hotpot, accepted, fuel=KitchenFuel.ELECTRIC)
    gas.deliveries([days_ago(10)], to=hotpot, unit=gas.other_unit)

    crosscheck_run()

    assert kinds(hotpot) == {AFTER}


def test_too_many_cylinders_by_the_record(gas: Gas) -> None:
    grill = gas.restaurant("烧烤店", on_site=3, allowed=2)
    within = gas.restaurant("饺子馆", on_site=2, allowed=2)

    result = crosscheck_run()

    assert result.counts[TOO_MANY]["new"] == 1
    found = flag(grill, TOO_MANY)
    assert found.count == 0 and found.ledger_indexes == []
    assert found.hazard is not None
    assert "3 LPG cylinders on site, 2 allowed" in found.hazard.description
    assert kinds(within) == set()


def test_too_many_cylinders_by_the_ledger(gas: Gas) -> None:
    """On site by the ledger: delivered and not returned. The record says none; the ledger says
    three (a fourth came back), one more than allowed, so three is what counts."""
    canteen = gas.restaurant("职工食堂", on_site=0, allowed=2)
    two = gas.restaurant("米线店", on_site=1, allowed=2)
    held = [gas.deliveries([days_ago(40), days_ago(d)], to=canteen, returned=False)[-1] for d in (9, 6, 3)]
    gas.deliveries([days_ago(5)], to=canteen)  # returned the next day
    for d in (8, 4):
        gas.deliveries([days_ago(d)], to=two, returned=False)

    crosscheck_run()

    found = flag(canteen, TOO_MANY)
    assert found.count == 3
    assert found.ledger_indexes == [e.ledger_index for e in reversed(held)]
    assert (found.first_at, found.last_at) == (held[0].occurred_at, held[-1].occurred_at)
    assert found.hazard is not None and "3 LPG cylinders on site, 2 allowed" in found.hazard.description
    assert kinds(two) == set()


def test_household_deliveries_never_match_a_restaurant(gas: Gas) -> None:
    """Households are published as a commitment only; even a body that names an organisation id is a
    household's when its kind says so, and counts for no restaurant."""
    noodles = gas.restaurant("牛肉面馆", supplier=gas.unit, allowed=1)
    accepted = timezone.localdate() - timedelta(days=30)
    gas.accept(noodles, accepted)
    noodles.refresh_from_db()
    for d in (20, 10, 5):
        gas.deliveries([days_ago(d)], unit=gas.other_unit, returned=False)
    stray = {"recipient_kind": RecipientKind.HOUSEHOLD, "recipient_organisation_id": noodles.organisation_id}
    gas.deliveries([days_ago(4)], unit=gas.other_unit, returned=False, body=stray)

    result = crosscheck_run()

    assert CrossCheckFlag.objects.count() == 0 and HiddenHazard.objects.count() == 0
    assert all(counts["new"] == 0 for counts in result.counts.values())


def test_restaurants_elsewhere_are_unaffected_and_the_hazard_is_seen_in_its_district(gas: Gas, personas: Any) -> None:
    flagged = gas.restaurant("新北烧烤店", supplier=gas.unit)
    clean = gas.restaurant("武进家常菜", street=gas.city.street_b, supplier=gas.other_unit, on_site=2)
    gas.deliveries([days_ago(6)], to=flagged, unit=gas.other_unit)
    gas.deliveries([days_ago(20), days_ago(6)], to=clean, unit=gas.other_unit, returned=False)

    crosscheck_run()

    assert kinds(flagged) == {OTHER} and kinds(clean) == set()
    hazard = flag(flagged, OTHER).hazard
    assert hazard is not None
    assert hazard in hazard_list(user=personas.district_a)
    assert not hazard_list(user=personas.district_b).filter(pk=hazard.pk).exists()


def test_hazards_are_raised_up_to_the_limit_and_the_rest_on_later_runs(gas: Gas) -> None:
    for name in ("一号店", "二号店", "三号店"):
        gas.restaurant(name, on_site=4, allowed=2)

    first = crosscheck_run(hazard_limit=2)
    assert (first.hazards_raised, first.hazards_pending) == (2, 1)
    assert CrossCheckFlag.objects.filter(hazard__isnull=True).count() == 1

    second = crosscheck_run(hazard_limit=2)
    assert (second.hazards_raised, second.hazards_pending) == (1, 0)
    assert HiddenHazard.objects.count() == 3
    assert crosscheck_run().hazards_raised == 0 and HiddenHazard.objects.count() == 3


def test_the_hourly_job_drains_the_backlog_of_hazards(gas: Gas) -> None:
    for name in ("四号店", "五号店", "六号店"):
        gas.restaurant(name, on_site=3, allowed=2)
    assert crosscheck_run(hazard_limit=1).hazards_pending == 2

    assert crosscheck_hazards.enqueue().return_value == {"hazards_raised": 2, "hazards_pending": 0}
    assert not CrossCheckFlag.objects.filter(hazard__isnull=True).exists() and HiddenHazard.objects.count() == 3
    assert crosscheck_hazards.enqueue().return_value == {"hazards_raised": 0, "hazards_pending": 0}


def test_the_evidence_link_opens_the_ledger_entry(gas: Gas) -> None:
    bistro = gas.restaurant("小酒馆", supplier=gas.unit)
    event = gas.deliveries([days_ago(3)], to=bistro, unit=gas.other_unit)[0]

    crosscheck_run()

    (index,) = flag(bistro, OTHER).ledger_indexes
    response = Client().get(ledger_entry_url(index))
    assert response.status_code == 200
    assert event.idempotency_key in response.content.decode()


def test_the_queries_do_not_grow_with_the_restaurants(gas: Gas) -> None:
    """One statement per finding kind, whatever the number of restaurants and deliveries."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            crosscheck_run()
        return len(ctx.captured_queries)

    one = gas.restaurant("甲店", supplier=gas.unit)
    gas.deliveries([days_ago(5)], to=one, unit=gas.other_unit)
    crosscheck_run()
    few = queries()
    for name in ("乙店", "丙店", "丁店"):
        restaurant = gas.restaurant(name, supplier=gas.unit)
        gas.deliveries([days_ago(9), days_ago(4)], to=restaurant, unit=gas.other_unit)
    crosscheck_run()
    assert queries() == few


def test_the_daily_job_runs_the_cross_check(gas: Gas) -> None:
    from safecity.core.scheduling import jobs

    gas.restaurant("夜市摊", on_site=5, allowed=2)

    assert "restaurants.crosscheck" in {job.name for job in jobs()}
    result = crosscheck.enqueue()
    assert result.return_value[TOO_MANY]["new"] == 1 and result.return_value["hazards_raised"] == 1
