"""Gas-leak alarms of restaurants end to end (issue 15 §4): the detector's alarm on the ingest path
opens a disposition record with its deadline and goes out over two channels (inbox and e-mail,
SMS through a gateway); it is dispositioned by the restaurant or the street's officials, never
while the detector still reports gas; overdue, a valve reported open or a detector gone silent
escalate it, each once; pages and API."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.delivery import deliveries_send
from safecity.core.models import Delivery, Notification, Person
from safecity.restaurants.choices import LeakEscalation, LeakOutcome
from safecity.restaurants.models import LeakAlarm, Restaurant
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.detectors import detector_register
from safecity.restaurants.services.leaks import leak_dispose, leaks_escalate
from safecity.telemetry.choices import AlarmAction, AlarmState
from safecity.telemetry.ingest.store import Ingestor
from safecity.telemetry.models import AlarmEvent
from safecity.telemetry.tests.ingest_helpers import message

pytestmark = pytest.mark.django_db


@pytest.fixture
def noodles(city: Any) -> Restaurant:
    org = make_org("金坛区王记面馆", OrganisationKind.ENTERPRISE, city.street_a, actor=city.superuser, industry_code="H6210")
    return Restaurant.objects.create(organisation=org, cylinders_on_site=2)


@pytest.fixture
def people(city: Any, personas: Any, noodles: Restaurant) -> dict[str, Any]:
    manager = make_user(city, "noodles_manager", noodles.organisation, Role.ENTERPRISE_MANAGER)
    inspector = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    Person.objects.filter(user=manager).update(email="wang@example.cn", phone="13800000001")
    Person.objects.filter(user=personas.district_a).update(email="district-a@example.cn", phone="13800000002")
    return {"manager": manager, "inspector": inspector}


def _leak(serial: str, noodles: Restaurant, actor: Any, *, clear: bool = True, valve_closes: bool = True) -> LeakAlarm:
    detector_register(actor=actor, restaurant=noodles, serial=serial)
    t = time.time() - 40
    readings = [
        message(serial, 1, t, status=1, valve_closed=False, gas_lel=0.0),
        message(serial, 2, t + 1, status=2, valve_closed=False, gas_lel=30.0),
    ]
    if valve_closes:
        readings.append(message(serial, 3, t + 3, status=2, valve_closed=True, gas_lel=30.0))
    else:
        readings.append(message(serial, 3, t + 15, status=2, valve_closed=False, gas_lel=30.0))
    if clear:
        readings.append(message(serial, 4, t + 20, status=1, valve_closed=True, gas_lel=0.0))
    Ingestor().store(readings)
    return LeakAlarm.objects.select_related("alarm").get(alarm__device__serial=serial, alarm__rule_id="gas-leak")


def test_a_leak_alarm_opens_its_disposition_record_and_goes_out_on_two_channels(
    personas: Any, people: dict[str, Any], noodles: Restaurant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        leak = _leak("GD-1001", noodles, personas.district_a, clear=False)
    assert leak.restaurant == noodles and leak.disposed_at is None
    assert leak.due_at - leak.fired_at == timedelta(minutes=120)
    # the inbox (first channel) and e-mail (second) for those with an address; sent once committed
    deliveries = Delivery.objects.filter(notification__kind="telemetry.alarm")
    assert {(d.channel, d.address, d.status) for d in deliveries} == {
        ("email", "wang@example.cn", "sent"),
        ("email", "district-a@example.cn", "sent"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["district-a@example.cn", "wang@example.cn"]
    assert "金坛区王记面馆" in mail.outbox[0].body or "GD-1001" in mail.outbox[0].body
    # within 15 s of the alarm (GB/T 45839-2025): here, within the test's own seconds
    for delivery in deliveries:
        assert delivery.sent_at is not None and delivery.sent_at - leak.fired_at < timedelta(seconds=60)


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append({"auth": self.headers.get("Authorization"), **json.loads(body)})
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_text_messages_go_to_the_configured_gateway_and_failures_are_retried(
    settings: Any, personas: Any, people: dict[str, Any], noodles: Restaurant, django_capture_on_commit_callbacks: Any
) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Gateway.received = []
    try:
        settings.SAFECITY_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SAFECITY_SMS_GATEWAY_TOKEN = "t0ken"
        with django_capture_on_commit_callbacks(execute=True):
            _leak("GD-1002", noodles, personas.district_a, clear=False)
        sms = Delivery.objects.filter(channel="sms")
        assert {(d.address, d.status) for d in sms} == {("13800000001", "sent"), ("13800000002", "sent")}
        assert sorted(r["to"] for r in _Gateway.received) == ["13800000001", "13800000002"]
        assert all(r["auth"] == "Bearer t0ken" and r["text"] for r in _Gateway.received)
    finally:
        server.shutdown()
        server.server_close()
    # the gateway gone: the next try fails with its error, kept for a retry
    delivery = sms.first()
    assert delivery is not None
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    assert deliveries_send(None) == {"sent": 0, "failed": 1}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.error and delivery.attempts == 2


def test_disposition_after_the_detector_is_back_to_normal(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    still = _leak("GD-1003", noodles, personas.district_a, clear=False)
    with pytest.raises(RestaurantError) as refused:
        leak_dispose(actor=people["manager"], leak=still, outcome=LeakOutcome.LEAK_FIXED, note="hose replaced")
    assert refused.value.error_code == "guard"
    Ingestor().store([message("GD-1003", 9, time.time() - 1, status=1, valve_closed=True, gas_lel=0.0)])
    still.alarm.refresh_from_db()
    assert still.alarm.state == AlarmState.RESOLVED
    for bad in ({"outcome": "maybe", "note": "x"}, {"outcome": LeakOutcome.FALSE_ALARM, "note": "  "}):
        with pytest.raises(RestaurantError):
            leak_dispose(actor=people["manager"], leak=still, **bad)
    for outsider in (personas.district_b, personas.enterprise_user):
        with pytest.raises(PermissionDenied):
            leak_dispose(actor=outsider, leak=still, outcome=LeakOutcome.FALSE_ALARM, note="steam from the wok")
    done = leak_dispose(actor=people["manager"], leak=still, outcome=LeakOutcome.LEAK_FIXED, note="hose joint replaced")
    assert (done.outcome, done.disposed_by) == (LeakOutcome.LEAK_FIXED, people["manager"])
    done.alarm.refresh_from_db()
    assert done.alarm.acknowledged_by == people["manager"]  # the telemetry escalation stops too
    with pytest.raises(RestaurantError) as twice:
        leak_dispose(actor=personas.district_a, leak=done, outcome=LeakOutcome.FALSE_ALARM, note="again")
    assert twice.value.error_code == "transition_not_allowed"


def test_overdue_and_silent_detectors_escalate_once_each(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    leak = _leak("GD-1004", noodles, personas.district_a, clear=False)
    assert leaks_escalate(now=leak.fired_at + timedelta(seconds=60)) == {"overdue": 0, "offline": 0}
    # silent for more than 300 s while the leak alarm is on, not yet overdue
    assert leaks_escalate(now=leak.fired_at + timedelta(minutes=119)) == {"overdue": 0, "offline": 1}
    later = leak.fired_at + timedelta(minutes=121)
    assert leaks_escalate(now=later) == {"overdue": 1, "offline": 0}
    assert leaks_escalate(now=later + timedelta(minutes=5)) == {"overdue": 0, "offline": 0}
    leak.refresh_from_db()
    assert set(leak.escalations) == {LeakEscalation.OVERDUE, LeakEscalation.OFFLINE}
    told = Notification.objects.filter(kind="restaurants.leak_escalation")
    # the district official over the street and the city official; not district B
    assert set(told.values_list("recipient__username", flat=True)) == {"district_a", "city_official"}
    assert told.count() == 4
    assert "Not dispositioned in time" in told.first().message or "went silent" in told.first().message  # type: ignore[union-attr]
    assert AlarmEvent.objects.filter(alarm=leak.alarm, action=AlarmAction.ESCALATE).count() == 2


def test_a_detector_reporting_is_not_escalated_as_silent(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    leak = _leak("GD-1005", noodles, personas.district_a, clear=False)
    Ingestor().store([message("GD-1005", 9, time.time() - 1, status=2, valve_closed=True, gas_lel=12.0)])
    assert leaks_escalate(now=timezone.now() + timedelta(seconds=60)) == {"overdue": 0, "offline": 0}
    leak.refresh_from_db()
    assert leak.escalations == []


def test_a_valve_still_open_escalates_at_once(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    leak = _leak("GD-1006", noodles, personas.district_a, clear=False, valve_closes=False)
    leak.refresh_from_db()
    assert leak.escalations == [LeakEscalation.VALVE_OPEN]
    assert Notification.objects.filter(kind="restaurants.leak_escalation", recipient=personas.city_official).exists()


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_pages_list_and_disposition(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    leak = _leak("GD-1007", noodles, personas.district_a)
    LeakAlarm.objects.filter(pk=leak.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    inspector = _client(people["inspector"])
    page = inspector.get("/restaurants/leaks/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "金坛区王记面馆" in text and 'data-testid="overdue"' in text
    assert "金坛区王记面馆" not in _client(personas.district_b).get("/restaurants/leaks/").content.decode()
    assert _client(personas.district_b).get(f"/restaurants/leaks/{leak.pk}/").status_code == 404
    assert _client(personas.expert).get("/restaurants/leaks/").status_code == 403
    detail = inspector.get(f"/restaurants/leaks/{leak.pk}/")
    assert detail.status_code == 200 and 'data-testid="dispose"' in detail.content.decode()
    bad = inspector.post(f"/restaurants/leaks/{leak.pk}/", {"outcome": "false_alarm", "note": ""})
    assert bad.status_code == 400
    done = inspector.post(f"/restaurants/leaks/{leak.pk}/", {"outcome": "false_alarm", "note": "steam from the wok"})
    assert done.status_code == 302
    leak.refresh_from_db()
    assert leak.outcome == LeakOutcome.FALSE_ALARM
    after = inspector.get(f"/restaurants/leaks/{leak.pk}/").content.decode()
    assert "False alarm" in after and 'data-testid="dispose"' not in after
    assert "false_alarm" not in after  # words, not codes


def test_api_lists_and_dispositions(personas: Any, people: dict[str, Any], noodles: Restaurant) -> None:
    leak = _leak("GD-1008", noodles, personas.district_a)
    api = APIClient()
    api.force_authenticate(people["manager"])
    rows = api.get("/api/restaurants/leaks/?state=open").json()["results"]
    assert [r["id"] for r in rows] == [leak.pk] and rows[0]["restaurant_name"] == "金坛区王记面馆"
    other = APIClient()
    other.force_authenticate(personas.district_b)
    assert other.get("/api/restaurants/leaks/").json()["results"] == []
    assert other.post(f"/api/restaurants/leaks/{leak.pk}/dispose/", {"outcome": "false_alarm", "note": "x"}).status_code == 404
    assert api.post(f"/api/restaurants/leaks/{leak.pk}/dispose/", {"outcome": "nope", "note": "x"}).status_code == 400
    done = api.post(f"/api/restaurants/leaks/{leak.pk}/dispose/", {"outcome": "leak_fixed", "note": "valve seal replaced"})
    assert done.status_code == 200 and done.json()["outcome_display"] == "Leak found and fixed"
    again = api.post(f"/api/restaurants/leaks/{leak.pk}/dispose/", {"outcome": "leak_fixed", "note": "again"})
    assert again.status_code == 409
    assert api.get("/api/restaurants/leaks/?state=closed").json()["results"][0]["id"] == leak.pk


def test_a_restaurant_on_cylinders_without_a_detector_is_a_hidden_hazard(city: Any, personas: Any, noodles: Restaurant) -> None:
    from safecity.hazards.choices import HazardType
    from safecity.restaurants.choices import FlagKind, KitchenFuel
    from safecity.restaurants.models import CrossCheckFlag
    from safecity.restaurants.services.crosscheck import detector_check_run

    fitted_org = make_org(
        "金坛区李记小炒", OrganisationKind.ENTERPRISE, city.street_a, actor=city.superuser, industry_code="H6210"
    )
    fitted = Restaurant.objects.create(organisation=fitted_org, cylinders_on_site=1)
    detector_register(actor=personas.district_a, restaurant=fitted, serial="GD-2001")
    piped_org = make_org(
        "金坛区张记饭店", OrganisationKind.ENTERPRISE, city.street_a, actor=city.superuser, industry_code="H6210"
    )
    Restaurant.objects.create(organisation=piped_org, fuel=KitchenFuel.PIPED_GAS)
    result = detector_check_run()
    assert result.counts[FlagKind.NO_DETECTOR]["new"] == 1 and result.hazards_raised == 1
    flag = CrossCheckFlag.objects.select_related("hazard").get(kind=FlagKind.NO_DETECTOR)
    assert flag.restaurant == noodles and flag.hazard is not None
    assert flag.hazard.hazard_type == HazardType.EQUIPMENT and "金坛区王记面馆" in flag.hazard.description
    again = detector_check_run()
    assert again.counts[FlagKind.NO_DETECTOR]["new"] == 0 and again.hazards_raised == 0
