"""The telemetry pages: who opens them and sees which rows, the actions behind their buttons, the
credentials shown once, rules and alarms in words, the Excel export, and their query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from safecity.telemetry.choices import DeviceStatus
from safecity.telemetry.models import IngestCounter, Silence
from safecity.telemetry.tests.world import SEES_A

pytestmark = pytest.mark.django_db


def _get(client: Any, user: Any, url: str, **params: Any) -> Any:
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("persona", list(SEES_A))
def test_the_alarm_list_shows_what_the_persona_may_see(client: Any, tm: Any, persona: str) -> None:
    tm.fire(tm.device_a, "overspeed")
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    user = tm.audience()[persona]
    response = _get(client, user, reverse("telemetry:alarm-list"))
    if persona in ("outsider",):
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Overspeed in the warehouse" in page) is SEES_A[persona]
    assert ("FL-B-001" in page) is (persona in ("city_official", "district_b", "other_enterprise"))
    detail = _get(client, user, reverse("telemetry:alarm-detail", args=[tm.device_a.alarms.get().pk]))
    assert detail.status_code == (200 if SEES_A[persona] else 404)


def test_an_enterprise_without_devices_and_a_procurator_are_not_offered_the_pages(client: Any, tm: Any, city: Any) -> None:
    from conftest import make_user
    from safecity.core.choices import Role

    procurator = make_user(city, "procurator", city.city_department, Role.PROCURATOR, city.city)
    tm.device_b.delete()
    for user in (procurator, tm.staff_b):
        client.force_login(user)
        assert client.get(reverse("telemetry:alarm-list")).status_code == 403
        assert reverse("telemetry:alarm-list") not in client.get(reverse("cockpit")).content.decode()
    client.force_login(tm.personas.enterprise_user)
    assert reverse("telemetry:alarm-list") in client.get(reverse("cockpit")).content.decode()


def test_the_list_puts_firing_alarms_first_with_the_level_in_words(client: Any, tm: Any) -> None:
    old = tm.fire(tm.device_a, "overspeed", at=(timezone.now() - timedelta(hours=2)).timestamp())
    tm.apply(tm.event(tm.device_a, "belt"), tm.event(tm.device_a, "belt", action="clear"))
    client.force_login(tm.personas.city_official)
    with translation.override("zh-hans"):
        page = client.get(reverse("telemetry:alarm-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = page.split('data-alarm="')[1:]
    assert rows[0].startswith(str(old.pk))
    assert "橙色" in page and "红色" in page and "firing" not in page.split("<tbody>")[1]


def test_the_alarm_list_costs_the_same_queries_for_more_rows(client: Any, tm: Any) -> None:
    client.force_login(tm.personas.city_official)
    tm.fire(tm.device_a, "overspeed")
    client.get(reverse("telemetry:alarm-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("telemetry:alarm-list"))
    tm.fire(tm.device_a, "belt")
    tm.fire(tm.device_a, "offline")
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("telemetry:alarm-list")).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_the_device_list_costs_the_same_queries_for_more_rows(client: Any, tm: Any) -> None:
    from safecity.telemetry.services.devices import device_register

    client.force_login(tm.personas.city_official)
    client.get(reverse("telemetry:device-list"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("telemetry:device-list")).content.decode()
    assert "FL-A-001" in page and "FL-B-001" in page
    for n in range(3):
        device_register(actor=tm.city.superuser, serial=f"FL-A-10{n}", kind="gas_detector", organisation=tm.city.enterprise_a)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("telemetry:device-list"))
    assert len(more) == len(few)


def test_acknowledging_on_the_alarm_page(client: Any, tm: Any) -> None:
    alarm = tm.fire(tm.device_a, "overspeed")
    client.force_login(tm.staff_b)
    assert client.post(reverse("telemetry:alarm-acknowledge", args=[alarm.pk]), {"note": "x"}).status_code == 404
    client.force_login(tm.personas.enterprise_user)
    page = client.get(reverse("telemetry:alarm-detail", args=[alarm.pk])).content.decode()
    assert 'data-testid="acknowledge"' in page and "speed (km/h) 7.2 (limit &gt; 5), for 3 s" in page
    response = client.post(reverse("telemetry:alarm-acknowledge", args=[alarm.pk]), {"note": "Driver retrained"}, follow=True)
    page = response.content.decode()
    assert "Alarm acknowledged" in page and "Driver retrained" in page and 'data-testid="acknowledge"' not in page
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == tm.personas.enterprise_user


def test_the_alarm_page_links_the_hidden_hazard_it_raised_and_draws_its_position(client: Any, tm: Any) -> None:
    base = timezone.now() - timedelta(days=3)
    for day in range(3):
        tm.apply(tm.event(tm.device_a, "overspeed", at=(base + timedelta(days=day)).timestamp()))
        tm.apply(tm.event(tm.device_a, "overspeed", action="clear", at=(base + timedelta(days=day, minutes=1)).timestamp()))
    alarm = tm.device_a.alarms.get(hazard__isnull=False)
    alarm.lon, alarm.lat = 119.95, 31.78
    alarm.save()
    client.force_login(tm.personas.district_a)
    page = client.get(reverse("telemetry:alarm-detail", args=[alarm.pk])).content.decode()
    assert reverse("hazards:hazard-detail", args=[alarm.hazard_id]) in page
    assert "data-map=" in page and "leaflet.js" in page
    assert "Hidden hazard raised" in page


def test_silences_are_created_listed_and_ended_on_the_pages(client: Any, tm: Any) -> None:
    client.force_login(tm.personas.enterprise_user)
    form = client.get(reverse("telemetry:silence-create")).content.decode()
    assert "常州甲化工有限公司" in form and "常州乙化工有限公司" not in form
    response = client.post(
        reverse("telemetry:silence-create"),
        {
            "organisation": tm.city.enterprise_a.pk,
            "device": tm.device_a.pk,
            "kind": "absence",
            "hours": 2,
            "reason": "Battery swap",
        },
        follow=True,
    )
    assert "Silence created" in response.content.decode()
    silence = Silence.objects.get()
    assert silence.device == tm.device_a and silence.kind == "absence"
    page = client.get(reverse("telemetry:silence-list")).content.decode()
    assert "Battery swap" in page and "Device offline" in page and 'data-testid="silence-end"' in page
    client.force_login(tm.staff_b)
    assert "Battery swap" not in client.get(reverse("telemetry:silence-list")).content.decode()
    assert client.post(reverse("telemetry:silence-end", args=[silence.pk])).status_code == 404
    client.force_login(tm.personas.enterprise_user)
    client.post(reverse("telemetry:silence-end", args=[silence.pk]))
    silence.refresh_from_db()
    assert silence.expired_early_at is not None
    bad = client.post(
        reverse("telemetry:silence-create"),
        {"organisation": tm.city.enterprise_b.pk, "hours": 2, "reason": "not mine"},
    )
    assert bad.status_code == 200 and Silence.objects.count() == 1


def test_new_credentials_are_shown_once_and_revoking_needs_a_reason(client: Any, tm: Any) -> None:
    url = reverse("telemetry:device-detail", args=[tm.device_a.pk])
    client.force_login(tm.staff_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("telemetry:device-rotate", args=[tm.device_a.pk])).status_code == 404
    client.force_login(tm.personas.enterprise_user)
    page = client.get(url).content.decode()
    assert 'data-testid="device-rotate"' in page and "Plant rules" in page and "Truck 1" in page
    response = client.post(reverse("telemetry:device-rotate", args=[tm.device_a.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["credentials"].mqtt_password
    assert password in response.content.decode()
    assert password not in client.get(url).content.decode()
    client.post(reverse("telemetry:device-revoke", args=[tm.device_a.pk]), {"reason": ""})
    tm.device_a.refresh_from_db()
    assert tm.device_a.status == DeviceStatus.ACTIVE
    client.post(reverse("telemetry:device-revoke", args=[tm.device_a.pk]), {"reason": "Truck scrapped"})
    tm.device_a.refresh_from_db()
    assert tm.device_a.status == DeviceStatus.REVOKED and tm.device_a.revoked_reason == "Truck scrapped"
    assert "Truck scrapped" in client.get(url).content.decode()
    reinstated = client.post(reverse("telemetry:device-reinstate", args=[tm.device_a.pk]))
    assert reinstated.status_code == 200 and reinstated.context["credentials"].http_token in reinstated.content.decode()


def test_a_district_official_of_elsewhere_may_not_manage_the_device(client: Any, tm: Any) -> None:
    client.force_login(tm.personas.district_b)
    assert client.get(reverse("telemetry:device-detail", args=[tm.device_a.pk])).status_code == 404
    page = client.get(reverse("telemetry:device-detail", args=[tm.device_b.pk])).content.decode()
    assert 'data-testid="device-rotate"' in page


def test_rules_read_in_words(client: Any, tm: Any) -> None:
    client.force_login(tm.personas.enterprise_user)
    page = client.get(reverse("telemetry:rule-set-detail", args=[tm.rule_set.pk])).content.decode()
    assert "Overspeed in the warehouse" in page and "Limit exceeded" in page
    assert "speed (km/h) &gt; 5; for 3 s; clears at speed (km/h) ≤ 4.5" in page
    assert "raises a hidden hazard at 3 alarms within 7 days" in page
    assert "speed (km/h) &gt; 0.5 and seat belt fastened = no" in page
    with translation.override("zh-hans"):
        chinese = client.get(reverse("telemetry:rule-set-detail", args=[tm.rule_set.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "threshold" not in chinese.content.decode().split("<tbody>")[1].split("mono")[0]
    client.force_login(tm.staff_b)
    assert client.get(reverse("telemetry:rule-set-detail", args=[tm.rule_set.pk])).status_code == 404


def test_refused_messages_are_for_the_city_only(client: Any, tm: Any) -> None:
    IngestCounter.objects.create(day=timezone.localdate(), reason="malformed", count=7, last_detail="not JSON")
    url = reverse("telemetry:counter-list")
    for user in (tm.personas.district_a, tm.personas.enterprise_user, tm.personas.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(tm.personas.city_official)
    page = client.get(url).content.decode()
    assert "Malformed payload" in page and ">7<" in page


def test_alarms_and_devices_export_to_excel_within_reach(client: Any, tm: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    tm.fire(tm.device_a, "overspeed")
    tm.fire(tm.device_b, "overspeed", kind="threshold")
    client.force_login(tm.personas.district_a)
    response = client.get(reverse("telemetry:alarm-list"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Alarm level" and len(rows) == 2 and rows[1][2] == "Overspeed in the warehouse"
    response = client.get(reverse("telemetry:device-list"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["FL-A-001"]


def test_the_device_picker_lists_only_devices_within_reach(client: Any, tm: Any) -> None:
    client.force_login(tm.personas.district_b)
    results = client.get(reverse("telemetry:lookup-devices"), {"q": "FL"}).json()["results"]
    assert [r["label"] for r in results] == ["FL-B-001"]


def test_the_audit_trail_names_an_alarm_notification_by_its_kind(client: Any, tm: Any) -> None:
    from safecity.core import labels
    from safecity.core.models import Notification

    tm.fire(tm.device_a, "overspeed")
    notification = Notification.objects.filter(recipient=tm.personas.enterprise_user).get()
    assert labels.value_label(Notification, "kind", notification.kind) == "New alarms"
    with translation.override("zh-hans"):
        assert labels.value_label(Notification, "kind", "telemetry.escalation") == "报警长时间未确认"


def test_registering_a_device_on_the_page_shows_its_credentials_once(client: Any, tm: Any) -> None:
    from safecity.core.models import AuditEntry
    from safecity.telemetry.models import Device, RuleSet

    user = tm.personas.enterprise_user
    client.force_login(user)
    assert 'data-testid="device-new"' in client.get(reverse("telemetry:device-list")).content.decode()
    page = client.get(reverse("telemetry:device-register"))
    form = page.context["form"]
    # Only the user's own enterprise is offered; the other enterprise's rule sets are not either.
    assert [o.pk for o in form.fields["organisation"].queryset] == [tm.city.enterprise_a.pk]
    other = RuleSet.objects.create(name="B rules", organisation=tm.city.enterprise_b, rules=[])
    assert other not in form.fields["rule_set"].queryset
    rule_set = Device.objects.get(serial="FL-A-001").rule_set
    response = client.post(
        reverse("telemetry:device-register"),
        {"organisation": tm.city.enterprise_a.pk, "serial": "FL-A-002", "kind": "forklift_tracker", "name": "Truck 2",
         "rule_set": rule_set.pk},
    )  # fmt: skip
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    credentials = response.context["credentials"]
    assert credentials.mqtt_password in response.content.decode()
    device = Device.objects.get(serial="FL-A-002")
    assert device.organisation == tm.city.enterprise_a and device.rule_set == rule_set and device.name == "Truck 2"
    assert credentials.mqtt_password not in device.mqtt_password_hash
    assert AuditEntry.objects.filter(object_id=str(device.pk), action="create", actor=user).exists()
    # The same serial again: refused on the form, nothing created.
    again = client.post(
        reverse("telemetry:device-register"),
        {"organisation": tm.city.enterprise_a.pk, "serial": "FL-A-002", "kind": "forklift_tracker"},
    )
    assert again.status_code == 200 and again.context["form"].errors
    assert Device.objects.filter(serial="FL-A-002").count() == 1


def test_a_user_may_not_register_a_device_for_an_organisation_out_of_reach(client: Any, tm: Any) -> None:
    from safecity.telemetry.models import Device

    # Staff (not a manager) of an enterprise may register nothing: the page is not theirs.
    client.force_login(tm.staff_b)
    assert client.get(reverse("telemetry:device-register")).status_code == 403
    # A district official registers for the enterprises of their district only.
    client.force_login(tm.personas.district_b)
    offered = client.get(reverse("telemetry:device-register")).context["form"].fields["organisation"].queryset
    assert tm.city.enterprise_b in offered and tm.city.enterprise_a not in offered
    response = client.post(
        reverse("telemetry:device-register"),
        {"organisation": tm.city.enterprise_a.pk, "serial": "FL-X-001", "kind": "forklift_tracker"},
    )
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Device.objects.filter(serial="FL-X-001").exists()
    # Fitting to an object the user may not see is a 404, not a form.
    url = reverse("telemetry:device-register") + f"?mount=telemetry.device:{tm.device_a.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("telemetry:device-register") + "?mount=nosuch.model:1").status_code == 404
