"""Device services: who may register and manage a device, credentials issued once and stored only
hashed, rotation and revocation, and the broker's files after each commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from safecity.core.models import AuditEntry
from safecity.telemetry.broker import mosquitto_password_check
from safecity.telemetry.choices import DeviceKind, DeviceStatus
from safecity.telemetry.models import Device, RuleSet
from safecity.telemetry.services.devices import (
    device_for_http_token,
    device_register,
    device_reinstate,
    device_revoke,
    device_rotate_credentials,
    http_token_digest,
)

KIND = DeviceKind.FORKLIFT_TRACKER


def register(actor: Any, organisation: Any, serial: str = "FL-0001", **kwargs: Any) -> tuple[Device, Any]:
    return device_register(actor=actor, serial=serial, kind=KIND, organisation=organisation, **kwargs)


def broker_files(settings: Any) -> tuple[str, str]:
    directory = settings.TELEMETRY_BROKER_DIR
    return (directory / "passwords").read_text(), (directory / "acl").read_text()


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("city_admin", {"enterprise_a", "enterprise_b"}),
        ("city_official", {"enterprise_a", "enterprise_b"}),
        ("district_a", {"enterprise_a"}),
        ("district_b", {"enterprise_b"}),
        ("enterprise_user", {"enterprise_a"}),  # the enterprise manager of enterprise A
        ("expert", set()),
        ("outsider", set()),
    ],
)
def test_who_registers_a_device_for_which_organisation(
    db: Any, city: Any, personas: Any, persona: str, allowed: set[str]
) -> None:
    actor = getattr(personas, persona)
    for n, org_name in enumerate(["enterprise_a", "enterprise_b"]):
        serial = f"{persona[:10]}-{n}"
        if org_name in allowed:
            device, _ = register(actor, getattr(city, org_name), serial)
            assert device.organisation == getattr(city, org_name)
        else:
            with pytest.raises(PermissionDenied):
                register(actor, getattr(city, org_name), serial)
            assert not Device.objects.filter(serial=serial).exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("city_official", True),
        ("district_a", True),
        ("enterprise_user", True),
        ("district_b", False),
        ("expert", False),
        ("outsider", False),
    ],
)
def test_who_manages_a_device_of_enterprise_a(db: Any, city: Any, personas: Any, persona: str, allowed: bool) -> None:
    device, credentials = register(city.superuser, city.enterprise_a)
    actor = getattr(personas, persona)
    if allowed:
        new = device_rotate_credentials(actor=actor, device=device)
        assert device_for_http_token(new.http_token) == device
        device_revoke(actor=actor, device=device, reason="lost")
        device_reinstate(actor=actor, device=device)
        assert Device.objects.get(pk=device.pk).status == DeviceStatus.ACTIVE
        return
    for attempt in (
        lambda: device_rotate_credentials(actor=actor, device=device),
        lambda: device_revoke(actor=actor, device=device, reason="lost"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    stored = Device.objects.get(pk=device.pk)
    assert stored.status == DeviceStatus.ACTIVE
    assert device_for_http_token(credentials.http_token) == stored  # untouched


# --- registering ----------------------------------------------------------------------------------


def test_registration_issues_credentials_once_and_stores_only_hashes(db: Any, city: Any, personas: Any) -> None:
    device, credentials = register(personas.enterprise_user, city.enterprise_a, "FL-0042", name="3号叉车")
    assert credentials.mqtt_username == "FL-0042" == credentials.serial
    assert credentials.topic_prefix == "safecity/v1/FL-0042/"
    stored = Device.objects.get(pk=device.pk)
    assert stored.status == DeviceStatus.ACTIVE and stored.name == "3号叉车"
    assert stored.credentials_rotated_at is not None
    assert mosquitto_password_check(credentials.mqtt_password, stored.mqtt_password_hash)
    assert stored.http_token_digest == http_token_digest(credentials.http_token)
    assert credentials.mqtt_password not in repr(credentials) and credentials.http_token not in repr(credentials)
    assert device_for_http_token(credentials.http_token) == stored
    assert device_for_http_token(credentials.http_token + "x") is None
    assert device_for_http_token("") is None
    # The audit trail records the registration but never the secrets, not even their hashes.
    entry = AuditEntry.objects.get(object_id=str(device.pk), content_type__model="device", action="create")
    text = str(entry.after)
    assert stored.mqtt_password_hash not in text and stored.http_token_digest not in text


@pytest.mark.parametrize("serial", ["", "ab", "has space", "a/b", "a+b", "#", "x" * 41])
def test_a_serial_that_cannot_be_a_user_name_and_topic_level_is_refused(db: Any, city: Any, serial: str) -> None:
    with pytest.raises(ValidationError) as caught:
        register(city.superuser, city.enterprise_a, serial)
    assert "serial" in caught.value.message_dict
    assert not Device.objects.exists()


def test_a_serial_is_registered_once(db: Any, city: Any) -> None:
    register(city.superuser, city.enterprise_a, "FL-0001")
    with pytest.raises(ValidationError) as caught:
        register(city.superuser, city.enterprise_b, "FL-0001")
    assert "serial" in caught.value.message_dict


def test_a_rule_set_is_city_wide_or_the_organisations_own(db: Any, city: Any, personas: Any) -> None:
    own = RuleSet.objects.create(name="A", organisation=city.enterprise_a, rules=[])
    city_wide = RuleSet.objects.create(name="city", organisation=None, rules=[])
    foreign = RuleSet.objects.create(name="B", organisation=city.enterprise_b, rules=[])
    assert register(personas.enterprise_user, city.enterprise_a, "FL-1", rule_set=own)[0].rule_set == own
    assert register(personas.enterprise_user, city.enterprise_a, "FL-2", rule_set=city_wide)[0].rule_set == city_wide
    with pytest.raises(ValidationError) as caught:
        register(personas.enterprise_user, city.enterprise_a, "FL-3", rule_set=foreign)
    assert "rule_set" in caught.value.message_dict


def test_a_device_is_mounted_on_an_object_the_actor_can_see(db: Any, city: Any, personas: Any) -> None:
    device, _ = register(personas.enterprise_user, city.enterprise_a, "FL-1", mounted_on=city.enterprise_a)
    assert Device.objects.get(pk=device.pk).mounted_on == city.enterprise_a
    with pytest.raises(PermissionDenied):
        register(personas.enterprise_user, city.enterprise_a, "FL-2", mounted_on=city.enterprise_b)


# --- rotating, revoking, reinstating -------------------------------------------------------------


def test_rotation_replaces_both_secrets(db: Any, city: Any, personas: Any) -> None:
    device, old = register(personas.enterprise_user, city.enterprise_a)
    new = device_rotate_credentials(actor=personas.enterprise_user, device=device)
    stored = Device.objects.get(pk=device.pk)
    assert mosquitto_password_check(new.mqtt_password, stored.mqtt_password_hash)
    assert not mosquitto_password_check(old.mqtt_password, stored.mqtt_password_hash)
    assert device_for_http_token(old.http_token) is None
    assert device_for_http_token(new.http_token) == stored
    assert device.mqtt_password_hash == stored.mqtt_password_hash  # the caller's instance follows


def test_revoking_deletes_the_credentials_and_reinstating_issues_new_ones(db: Any, city: Any, personas: Any) -> None:
    device, old = register(personas.enterprise_user, city.enterprise_a)
    with pytest.raises(ValidationError):
        device_revoke(actor=personas.enterprise_user, device=device, reason="  ")
    device_revoke(actor=personas.enterprise_user, device=device, reason="Terminal stolen")
    stored = Device.objects.get(pk=device.pk)
    assert (stored.status, stored.revoked_reason) == (DeviceStatus.REVOKED, "Terminal stolen")
    assert stored.revoked_at is not None
    assert stored.mqtt_password_hash == "" and stored.http_token_digest == ""
    assert device_for_http_token(old.http_token) is None
    # Forbidden transitions: a revoked device is neither revoked again nor given credentials.
    with pytest.raises(ValidationError):
        device_revoke(actor=personas.enterprise_user, device=device, reason="again")
    with pytest.raises(ValidationError):
        device_rotate_credentials(actor=personas.enterprise_user, device=device)
    new = device_reinstate(actor=personas.enterprise_user, device=device)
    stored = Device.objects.get(pk=device.pk)
    assert (stored.status, stored.revoked_at, stored.revoked_reason) == (DeviceStatus.ACTIVE, None, "")
    assert not mosquitto_password_check(old.mqtt_password, stored.mqtt_password_hash)
    assert mosquitto_password_check(new.mqtt_password, stored.mqtt_password_hash)
    assert device_for_http_token(old.http_token) is None
    assert device_for_http_token(new.http_token) == stored
    with pytest.raises(ValidationError):
        device_reinstate(actor=personas.enterprise_user, device=device)


# --- the broker's files ----------------------------------------------------------------------------


def test_each_change_rewrites_the_broker_files_after_commit(
    db: Any, city: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        device, _ = register(city.superuser, city.enterprise_a, "FL-0007")
    assert len(callbacks) == 1
    passwords, acl = broker_files(settings)
    assert f"FL-0007:{device.mqtt_password_hash}" in passwords
    assert "user FL-0007\ntopic write safecity/v1/FL-0007/#" in acl

    with django_capture_on_commit_callbacks(execute=True):
        device_rotate_credentials(actor=city.superuser, device=device)
    assert f"FL-0007:{device.mqtt_password_hash}" in broker_files(settings)[0]

    with django_capture_on_commit_callbacks(execute=True):
        device_revoke(actor=city.superuser, device=device, reason="scrapped")
    passwords, acl = broker_files(settings)
    assert "FL-0007" not in passwords and "FL-0007" not in acl
    assert "safecity-ingest:" in passwords  # the ingest account stays

    with django_capture_on_commit_callbacks(execute=True):
        device_reinstate(actor=city.superuser, device=device)
    assert f"FL-0007:{device.mqtt_password_hash}" in broker_files(settings)[0]


def test_a_refused_change_touches_no_files(db: Any, city: Any, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(PermissionDenied):
        register(personas.outsider, city.enterprise_a)
    assert callbacks == []


def test_a_failing_file_write_does_not_undo_the_committed_change(
    db: Any, city: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    with override_settings(TELEMETRY_BROKER_DIR=blocked), django_capture_on_commit_callbacks(execute=True):
        device, _ = register(city.superuser, city.enterprise_a)
    assert Device.objects.filter(pk=device.pk).exists()
    assert "could not rewrite the broker's password and ACL files" in caplog.text
