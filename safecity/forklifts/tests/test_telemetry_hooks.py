"""The driver reported at start-up, checked on the telemetry ingest (TSG 81-2022; forklifts made
from 2023-12-01 report their driver): a bad start opens one ``driver-start`` alarm in words, a
clean start clears it."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from safecity.forklifts.models import Forklift
from safecity.telemetry.choices import AlarmLevel, AlarmState, DeviceKind
from safecity.telemetry.ingest.payload import readings_topic
from safecity.telemetry.ingest.store import Ingestor, Message
from safecity.telemetry.models import Alarm
from safecity.telemetry.services.devices import device_register
from safecity.telemetry.wording import alarm_title, event_detail

pytestmark = pytest.mark.django_db


def start(serial: str, seq: int, driver: str, at: float) -> Message:
    body = {"seq": seq, "ts": round(at * 1000), "values": {"speed_kmh": 0.0}, "pos": [119.951, 31.781], "driver": driver}
    return Message(readings_topic(serial), json.dumps(body).encode(), at)


@pytest.fixture
def monitored(fleet: Any) -> Forklift:
    truck = fleet.truck()
    device, _ = device_register(
        actor=fleet.city.superuser, serial="FL-HOOK-1", kind=DeviceKind.FORKLIFT_TRACKER, organisation=fleet.city.enterprise_a
    )
    Forklift.objects.filter(pk=truck.pk).update(device=device)
    return truck


def test_an_unknown_driver_opens_one_alarm_and_a_clean_start_clears_it(fleet: Any, monitored: Forklift) -> None:
    fleet.driver(card="CARD-GOOD")
    t = time.time() - 60
    ingest = Ingestor()
    ingest.store([start("FL-HOOK-1", 1, "NOBODY", t)])
    ingest.store([start("FL-HOOK-1", 2, "NOBODY", t + 5)])  # restarting changes nothing: one alarm

    alarm = Alarm.objects.get(device__serial="FL-HOOK-1")
    assert (alarm.rule_id, alarm.state, alarm.level) == ("driver-start", AlarmState.FIRING, AlarmLevel.ORANGE)
    assert (alarm.lon, alarm.lat) == (119.951, 31.781)
    with override("en"):
        assert event_detail(alarm.kind, alarm.params) == "Unknown driver"
        assert alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id) == "Start-up check (driver and truck)"
    with override("zh-hans"):
        assert event_detail(alarm.kind, alarm.params) == "驾驶人未登记"

    ingest.store([start("FL-HOOK-1", 3, "CARD-GOOD", t + 30)])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.RESOLVED


def test_an_overdue_truck_is_a_red_alarm_whoever_drives(fleet: Any, monitored: Forklift) -> None:
    fleet.driver(card="CARD-GOOD")
    Forklift.objects.filter(pk=monitored.pk).update(next_inspection_on=timezone.localdate() - timedelta(days=10))
    Ingestor().store([start("FL-HOOK-1", 1, "CARD-GOOD", time.time() - 10)])
    alarm = Alarm.objects.get(device__serial="FL-HOOK-1")
    assert alarm.level == AlarmLevel.RED
    with override("en"):
        assert "Periodic inspection overdue" in event_detail(alarm.kind, alarm.params)


def test_a_device_on_no_forklift_has_no_start_check(city: Any) -> None:
    device_register(actor=city.superuser, serial="GAS-1", kind=DeviceKind.GAS_DETECTOR, organisation=city.enterprise_a)
    outcomes = Ingestor().store([start("GAS-1", 1, "NOBODY", time.time() - 10)])
    assert outcomes[0].status == "stored"
    assert not Alarm.objects.exists()


def test_a_malformed_driver_id_is_refused(fleet: Any, monitored: Forklift) -> None:
    outcomes = Ingestor().store([start("FL-HOOK-1", 1, "名字 with spaces", time.time() - 10)])
    assert outcomes[0].status == "refused" and outcomes[0].reason == "malformed"
