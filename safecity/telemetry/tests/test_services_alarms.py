"""The alarm services: dedup, clearing, grouped notifications, silences, acknowledgement,
escalation and the hidden hazards raised by a rule's policy (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.core.models import Notification
from safecity.hazards.models import HiddenHazard
from safecity.telemetry.choices import AlarmAction, AlarmState
from safecity.telemetry.models import Alarm, AlarmEvent
from safecity.telemetry.services.alarms import alarm_acknowledge, alarms_escalate, silence_create, silence_expire
from safecity.telemetry.tests.world import SEES_A

pytestmark = pytest.mark.django_db
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _inbox(user: Any, kind: str = "telemetry.alarm") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_a_rule_that_keeps_firing_opens_one_alarm(tm: Any) -> None:
    tm.apply(tm.event(tm.device_a, "overspeed"), tm.event(tm.device_a, "overspeed"))
    tm.apply(tm.event(tm.device_a, "overspeed"))
    alarm = Alarm.objects.get(device=tm.device_a, rule_id="overspeed")
    assert alarm.state == AlarmState.FIRING and alarm.title == "Overspeed in the warehouse"
    assert list(alarm.events.values_list("action", flat=True)).count(AlarmAction.FIRE) == 1
    assert len(_inbox(tm.personas.enterprise_user)) == 1


def test_a_clear_resolves_the_alarm_and_the_next_violation_opens_a_new_one(tm: Any) -> None:
    first = tm.fire(tm.device_a, "overspeed")
    tm.apply(tm.event(tm.device_a, "overspeed", action="clear"))
    first.refresh_from_db()
    assert first.state == AlarmState.RESOLVED and first.cleared_at is not None
    assert first.events.filter(action=AlarmAction.CLEAR).count() == 1
    # A clear for a pair that is not firing changes nothing.
    tm.apply(tm.event(tm.device_a, "overspeed", action="clear"))
    assert AlarmEvent.objects.filter(alarm=first, action=AlarmAction.CLEAR).count() == 1
    second = tm.fire(tm.device_a, "overspeed")
    assert second.pk != first.pk and second.state == AlarmState.FIRING
    assert Alarm.objects.filter(device=tm.device_a, state=AlarmState.FIRING).count() == 1


def test_one_batch_of_alarms_is_one_notification_per_recipient(tm: Any) -> None:
    tm.apply(*(tm.event(tm.device_a, rule) for rule in ("overspeed", "offline", "belt")))
    manager = _inbox(tm.personas.enterprise_user)
    assert len(manager) == 1
    assert manager[0].message.count("\n") == 3  # the intro and three alarm lines
    assert "Overspeed in the warehouse" in manager[0].message and manager[0].link == "/telemetry/alarms/?state=firing"
    # Nobody outside the enterprise hears of it.
    assert _inbox(tm.staff_b) == [] and _inbox(tm.personas.district_a) == []


def test_a_silence_holds_the_notification_never_the_alarm(tm: Any) -> None:
    silence_create(
        actor=tm.personas.enterprise_user,
        organisation=tm.city.enterprise_a,
        ends_at=timezone.now() + timedelta(hours=2),
        reason="Planned maintenance of the trackers",
    )
    alarm = tm.fire(tm.device_a, "overspeed")
    assert alarm.state == AlarmState.FIRING
    assert _inbox(tm.personas.enterprise_user) == []
    assert alarm.events.filter(action=AlarmAction.SILENCED).exists()
    # Another enterprise's alarms are not silenced by it.
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    assert Alarm.objects.get(device=tm.device_b).events.filter(action=AlarmAction.NOTIFY).exists()


def test_an_expired_or_ended_silence_holds_nothing(tm: Any) -> None:
    now = timezone.now()
    silence_create(
        actor=tm.personas.enterprise_user,
        organisation=tm.city.enterprise_a,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
        reason="Yesterday's maintenance",
    )
    ended = silence_create(
        actor=tm.personas.district_a, organisation=tm.city.enterprise_a, ends_at=now + timedelta(hours=1), reason="Calibration"
    )
    silence_expire(actor=tm.personas.enterprise_user, silence=ended)
    with pytest.raises(ValidationError):
        silence_expire(actor=tm.personas.enterprise_user, silence=ended)
    tm.fire(tm.device_a, "overspeed")
    assert len(_inbox(tm.personas.enterprise_user)) == 1


def test_who_may_silence_and_end_a_silence(tm: Any) -> None:
    ends = timezone.now() + timedelta(hours=1)
    for user in (tm.staff_b, tm.personas.district_b, tm.personas.outsider):
        with pytest.raises(PermissionDenied):
            silence_create(actor=user, organisation=tm.city.enterprise_a, ends_at=ends, reason="no")
    with pytest.raises(ValidationError):
        silence_create(actor=tm.personas.city_official, organisation=tm.city.enterprise_a, ends_at=ends, reason=" ")
    with pytest.raises(ValidationError):
        silence_create(
            actor=tm.personas.city_official,
            organisation=tm.city.enterprise_a,
            ends_at=timezone.now() + timedelta(days=31),
            reason="too long",
        )
    silence = silence_create(actor=tm.personas.city_official, organisation=tm.city.enterprise_a, ends_at=ends, reason="ok")
    with pytest.raises(PermissionDenied):
        silence_expire(actor=tm.staff_b, silence=silence)


@pytest.mark.parametrize("persona", list(SEES_A))
def test_who_may_acknowledge(tm: Any, persona: str) -> None:
    alarm = tm.fire(tm.device_a, "overspeed")
    user = tm.audience()[persona]
    if SEES_A[persona]:
        alarm_acknowledge(actor=user, alarm=alarm, note="Driver spoken to")
        alarm.refresh_from_db()
        assert alarm.acknowledged_by == user
        assert alarm.events.get(action=AlarmAction.ACKNOWLEDGE).note == "Driver spoken to"
        with pytest.raises(ValidationError):
            alarm_acknowledge(actor=user, alarm=alarm)
    else:
        with pytest.raises(PermissionDenied):
            alarm_acknowledge(actor=user, alarm=alarm)
        alarm.refresh_from_db()
        assert alarm.acknowledged_at is None


def test_unacknowledged_alarms_go_to_the_district_then_the_city(tm: Any) -> None:
    after = settings.TELEMETRY_ESCALATE_AFTER_MINUTES
    with time_machine.travel(START, tick=False):
        alarm = tm.fire(tm.device_a, "belt", at=START.timestamp())
        acknowledged = tm.fire(tm.device_a, "overspeed", at=START.timestamp())
        alarm_acknowledge(actor=tm.personas.enterprise_user, alarm=acknowledged)
    with time_machine.travel(START + timedelta(minutes=after - 1), tick=False):
        assert alarms_escalate()["escalated"] == 0
    with time_machine.travel(START + timedelta(minutes=after + 1), tick=False):
        counts = alarms_escalate()
        assert counts["escalated"] == 1
        # Once per step: the next minute sends nothing again.
        assert alarms_escalate()["escalated"] == 0
    alarm.refresh_from_db()
    assert alarm.escalation == 1
    assert len(_inbox(tm.personas.district_a, "telemetry.escalation")) == 1
    assert _inbox(tm.personas.district_b, "telemetry.escalation") == []
    assert _inbox(tm.personas.city_official, "telemetry.escalation") == []
    with time_machine.travel(START + timedelta(minutes=2 * after + 1), tick=False):
        assert alarms_escalate()["escalated"] == 1
    alarm.refresh_from_db()
    assert alarm.escalation == 2
    assert len(_inbox(tm.personas.city_official, "telemetry.escalation")) == 1
    assert len(_inbox(tm.personas.district_a, "telemetry.escalation")) == 1
    acknowledged.refresh_from_db()
    assert acknowledged.escalation == 0
    assert list(alarm.events.filter(action=AlarmAction.ESCALATE).values_list("params__step", flat=True)) == [1, 2]


def test_three_overspeed_alarms_in_a_week_raise_exactly_one_hidden_hazard(tm: Any) -> None:
    base = timezone.now() - timedelta(days=5)
    for day in range(4):
        at = (base + timedelta(days=day)).timestamp()
        tm.apply(tm.event(tm.device_a, "overspeed", at=at))
        tm.apply(tm.event(tm.device_a, "overspeed", action="clear", at=at + 60))
    alarms = list(Alarm.objects.filter(device=tm.device_a, rule_id="overspeed").order_by("fired_at"))
    assert len(alarms) == 4
    assert [a.hazard_id is not None for a in alarms] == [False, False, True, False]
    hazard = HiddenHazard.objects.get()
    assert hazard.organisation == tm.city.enterprise_a
    assert "/telemetry/alarms/" in hazard.timeline.get().comment
    assert alarms[2].events.filter(action=AlarmAction.HAZARD).count() == 1


def test_an_alarm_open_too_long_raises_exactly_one_hidden_hazard(tm: Any) -> None:
    with time_machine.travel(START, tick=False):
        alarm = tm.fire(tm.device_a, "offline", at=START.timestamp())
        tm.fire(tm.device_b, "offline", kind="absence", at=START.timestamp())  # no policy: no hazard
    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        assert alarms_escalate()["hazards"] == 0
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        assert alarms_escalate()["hazards"] == 1
    with time_machine.travel(START + timedelta(minutes=62), tick=False):
        assert alarms_escalate()["hazards"] == 0
    alarm.refresh_from_db()
    assert alarm.hazard is not None
    assert HiddenHazard.objects.count() == 1
