"""The telemetry reads: each persona sees exactly the devices, alarms, silences and rule sets within
reach (and not the others), the figures follow the pages, a day's route is positions in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.figures import NO_ACCESS, FigureContext, indicator_values, panel_values
from safecity.telemetry import selectors
from safecity.telemetry.models import EngineState, IngestCounter, Reading, RuleSet
from safecity.telemetry.services.alarms import silence_create
from safecity.telemetry.tests.world import SEES_A

pytestmark = pytest.mark.django_db
SEES_B = {"city_official": True, "district_a": False, "district_b": True, "enterprise_manager": False, "other_enterprise": True, "outsider": False}  # fmt: skip


@pytest.mark.parametrize("persona", list(SEES_A))
def test_each_persona_sees_its_devices_alarms_and_silences(tm: Any, persona: str) -> None:
    user = tm.audience()[persona]
    tm.fire(tm.device_a, "overspeed")
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    ends = timezone.now() + timedelta(hours=1)
    silence_create(actor=tm.city.superuser, organisation=tm.city.enterprise_a, ends_at=ends, reason="A")
    silence_create(actor=tm.city.superuser, organisation=tm.city.enterprise_b, ends_at=ends, reason="B")
    devices = set(selectors.device_list(user=user).values_list("serial", flat=True))
    alarms = set(selectors.alarm_list(user=user).values_list("device__serial", flat=True))
    silences = set(selectors.silence_list(user=user).values_list("reason", flat=True))
    expected = {s for s, seen in (("FL-A-001", SEES_A[persona]), ("FL-B-001", SEES_B[persona])) if seen}
    assert devices == expected and alarms == expected
    assert silences == {r for r, seen in (("A", SEES_A[persona]), ("B", SEES_B[persona])) if seen}
    assert selectors.sees_telemetry(user) is (persona != "outsider")


@pytest.mark.parametrize("persona", list(SEES_A))
def test_rule_sets_of_the_organisation_and_the_city_wide_ones(tm: Any, persona: str) -> None:
    RuleSet.objects.create(name="City defaults", organisation=None, rules=[])
    RuleSet.objects.create(name="Plant B", organisation=tm.city.enterprise_b, rules=[])
    names = set(selectors.rule_set_list(user=tm.audience()[persona]).values_list("name", flat=True))
    expected = {n for n, seen in (("Plant rules", SEES_A[persona]), ("Plant B", SEES_B[persona])) if seen}
    if persona != "outsider":
        expected.add("City defaults")
    assert names == expected


def test_the_alarm_list_filters_and_puts_firing_first(tm: Any) -> None:
    old = tm.fire(tm.device_a, "overspeed", at=(timezone.now() - timedelta(days=2)).timestamp())
    tm.fire(tm.device_a, "belt")
    tm.apply(tm.event(tm.device_a, "belt", action="clear"))
    user = tm.personas.city_official
    assert selectors.alarm_list(user=user).first() == old
    assert [a.rule_id for a in selectors.alarm_list(user=user, filters={"state": "resolved"})] == ["belt"]
    assert [a.rule_id for a in selectors.alarm_list(user=user, filters={"device": str(tm.device_a.pk), "kind": "threshold"})] == [
        "overspeed"
    ]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [a.rule_id for a in selectors.alarm_list(user=user, filters={"fired_from": since})] == ["belt"]
    assert [a.rule_id for a in selectors.alarm_list(user=user, filters={"acknowledged": "false", "level": "orange"})] == [
        "overspeed"
    ]


def test_silenced_alarms_are_marked(tm: Any) -> None:
    alarm = tm.fire(tm.device_a, "overspeed")
    other = tm.fire(tm.device_a, "belt")
    assert selectors.silenced_alarm_ids([alarm, other]) == set()
    silence_create(
        actor=tm.personas.enterprise_user,
        organisation=tm.city.enterprise_a,
        kind="threshold",
        ends_at=timezone.now() + timedelta(hours=1),
        reason="Speed sensor swap",
    )
    assert selectors.silenced_alarm_ids([alarm, other]) == {alarm.pk}


def test_a_day_route_is_positions_in_device_time_order_capped(tm: Any) -> None:
    day = timezone.localdate()
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    times = [start + timedelta(hours=h) for h in (5, 1, 3)]
    Reading.objects.bulk_create(
        [
            Reading(device=tm.device_a, seq=i, device_ts=t, received_at=t, values={"speed_kmh": i}, lon=119.9 + i, lat=31.7)
            for i, t in enumerate(times)
        ]
        + [Reading(device=tm.device_a, seq=9, device_ts=start - timedelta(hours=1), received_at=start, lon=1, lat=1)]
        + [Reading(device=tm.device_b, seq=1, device_ts=start + timedelta(hours=2), received_at=start, lon=2, lat=2)]
    )
    route = selectors.route_of_day(device=tm.device_a, day=day)
    assert [p["speed"] for p in route] == [1, 2, 0]
    assert set(route[0]) == {"t", "lon", "lat", "speed"}
    assert len(selectors.route_of_day(device=tm.device_a, day=day, limit=2)) == 2


def test_last_seen_and_online_come_from_the_engine_state(tm: Any) -> None:
    assert selectors.last_seen(tm.device_a) is None and not selectors.is_online(tm.device_a)
    heard = timezone.now() - timedelta(minutes=3)
    EngineState.objects.create(device=tm.device_a, data={"last_received": heard.timestamp()})
    device = selectors.device_list(user=tm.personas.city_official).get(pk=tm.device_a.pk)
    assert abs((selectors.last_seen(device) - heard).total_seconds()) < 0.01
    assert selectors.is_online(device)
    assert not selectors.is_online(device, now=timezone.now() + timedelta(minutes=30))
    figures = selectors.device_figures(selectors.device_list(user=tm.personas.city_official))
    assert figures == {"registered": 2, "online": 1}


def test_counters_only_for_the_city(tm: Any) -> None:
    IngestCounter.objects.create(day=timezone.localdate(), reason="malformed", count=2)
    IngestCounter.objects.create(day=timezone.localdate() - timedelta(days=40), reason="malformed", count=9)
    assert [c.count for c in selectors.counter_list(user=tm.personas.city_official)] == [2]
    for persona in ("district_a", "enterprise_manager", "outsider"):
        assert list(selectors.counter_list(user=tm.audience()[persona])) == []


def test_the_cockpit_figures_follow_the_pages(tm: Any) -> None:
    tm.fire(tm.device_a, "overspeed")
    tm.fire(tm.device_a, "belt")
    tm.fire(tm.device_b, "offline", kind="absence")
    year = timezone.localdate().year

    def figures(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        ctx = FigureContext(region=tm.city.city, year=year, user=user)
        return indicator_values(ctx), panel_values(ctx)

    values, panels = figures(tm.personas.city_official)
    assert values["telemetry.devices.registered"] == 2 and values["telemetry.alarms.firing"] == 3
    assert values["telemetry.alarms.firing.red"] == 1 and values["telemetry.alarms.firing.orange"] == 1
    assert panels["telemetry.alarms.by_kind_7d"]["counts"] == {"threshold": 1, "state": 1, "absence": 1}
    assert panels["telemetry.alarms.firing_by_level"]["values"] == [1, 1, 1, 0]
    values, _ = figures(tm.personas.district_a)
    assert values["telemetry.alarms.firing"] == 2
    values, _ = figures(tm.personas.enterprise_user)
    assert values["telemetry.devices.registered"] == 1
    tm.device_b.delete()
    for user in (tm.personas.outsider, tm.staff_b):  # an enterprise without devices: no access, not zeros
        values, panels = figures(user)
        telemetry = [k for k in (*values, *panels) if k.startswith("telemetry.")]
        assert telemetry and all({**values, **panels}[k] is NO_ACCESS for k in telemetry)
