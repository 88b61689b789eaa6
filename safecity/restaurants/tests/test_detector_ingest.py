"""A restaurant's detector end to end on the ingest path: registered for the restaurant, its leak
alarm opened from a reading, its silence for a day raising a hidden hazard (issue 15 §4)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import Notification
from safecity.restaurants.detectors import OFFLINE_S
from safecity.restaurants.models import Restaurant
from safecity.restaurants.services.detectors import detector_register
from safecity.telemetry.choices import AlarmState, DeviceKind
from safecity.telemetry.ingest.store import Ingestor
from safecity.telemetry.models import Alarm
from safecity.telemetry.tests.ingest_helpers import message

pytestmark = pytest.mark.django_db


@pytest.fixture
def noodles(city: Any) -> Restaurant:
    org = make_org("金坛区王记面馆", OrganisationKind.ENTERPRISE, city.street_a, actor=city.superuser, industry_code="H6210")
    return Restaurant.objects.create(organisation=org, cylinders_on_site=2)


def test_a_leak_alarm_opens_for_the_restaurant(city: Any, personas: Any, noodles: Restaurant) -> None:
    make_user(city, "noodles_manager", noodles.organisation, Role.ENTERPRISE_MANAGER)
    make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    make_user(city, "inspector_b", city.bureau_b, Role.INSPECTOR, city.district_b)
    device, credentials = detector_register(actor=personas.district_a, restaurant=noodles, serial="GD-0001")
    assert (device.kind, device.organisation_id, device.mounted_on) == (DeviceKind.GAS_DETECTOR, noodles.organisation_id, noodles)
    assert credentials.mqtt_username == "GD-0001" and credentials.mqtt_password
    t = time.time() - 30
    Ingestor().store(
        [
            message("GD-0001", 1, t, status=1, valve_closed=False, gas_lel=0.0),
            message("GD-0001", 2, t + 1, status=2, valve_closed=False, gas_lel=30.0),
            message("GD-0001", 3, t + 3, status=2, valve_closed=True, gas_lel=30.0),
        ]
    )
    alarm = Alarm.objects.get(device=device)
    assert (alarm.rule_id, alarm.level, alarm.state) == ("gas-leak", "red", AlarmState.FIRING)
    assert alarm.title  # worded for people, not the rule id
    # the restaurant and, at once, the officials and inspectors over its street; nobody elsewhere
    told = set(Notification.objects.filter(kind="telemetry.alarm").values_list("recipient__username", flat=True))
    assert told == {"noodles_manager", "district_a", "inspector_a"}


def test_a_detector_silent_for_a_day_raises_a_hidden_hazard(city: Any, personas: Any, noodles: Restaurant) -> None:
    from safecity.hazards.models import HiddenHazard

    device, _credentials = detector_register(actor=personas.district_a, restaurant=noodles, serial="GD-0004")
    ingestor = Ingestor()
    ingestor.store([message("GD-0004", 1, time.time() - 5, status=1, valve_closed=False)])
    assert ingestor.tick(time.time() + OFFLINE_S - 60) == 0
    assert ingestor.tick(time.time() + OFFLINE_S + 60) == 1
    alarm = Alarm.objects.get(device=device)
    assert (alarm.rule_id, alarm.state) == ("detector-offline", AlarmState.FIRING)
    hazard = HiddenHazard.objects.get(organisation=noodles.organisation)
    assert alarm.hazard_id == hazard.pk


def test_only_those_over_the_restaurant_register_its_detector(city: Any, personas: Any, noodles: Restaurant) -> None:
    manager = make_user(city, "noodles_manager", noodles.organisation, Role.ENTERPRISE_MANAGER)
    detector_register(actor=manager, restaurant=noodles, serial="GD-0002")
    for actor in (personas.district_b, personas.enterprise_user, personas.outsider):
        with pytest.raises(PermissionDenied):
            detector_register(actor=actor, restaurant=noodles, serial="GD-0003")
