"""Registering devices and managing their credentials (the broker password and the HTTP token).

Who may: the roles of ``Device.scope_rule``: a city, district or inspector official within their
jurisdiction, an enterprise manager for their own organisation (``safecity.core.scoping``).

Invariants: a secret is shown once, in the :class:`Credentials` a service returns, and stored only
as the broker's PBKDF2 hash and the token's SHA-256; a revoked device holds no credentials at all
(reinstating issues new ones, so a leaked password never comes back); after every change commits,
the broker's password and ACL files are rewritten and the broker reloads them
(:func:`safecity.telemetry.broker.auth_files_refresh`), so the broker refuses a revoked device and
old credentials from then on.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.core.scoping import CHANGE, VIEW, allows_target, can
from safecity.telemetry.broker import auth_files_refresh, mosquitto_password_hash
from safecity.telemetry.choices import DeviceStatus
from safecity.telemetry.hooks import device_mounted
from safecity.telemetry.models import Device, RuleSet

REASON_MAX = 200  # Device.revoked_reason
# (from, to) of a device's status, and the service that makes the change.
TRANSITIONS = {
    (DeviceStatus.ACTIVE, DeviceStatus.REVOKED): "device_revoke",
    (DeviceStatus.REVOKED, DeviceStatus.ACTIVE): "device_reinstate",
}


@dataclass(frozen=True)
class Credentials:
    """What a device is given, once: its MQTT user name (its serial) and password, its HTTP ingest
    token and the topic prefix it may publish under. Never stored; the repr hides the secrets."""

    serial: str
    mqtt_username: str
    mqtt_password: str = field(repr=False)
    http_token: str = field(repr=False)
    topic_prefix: str


def http_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(device: Device) -> Credentials:
    password = secrets.token_urlsafe(24)
    token = secrets.token_urlsafe(32)
    device.mqtt_password_hash = mosquitto_password_hash(password)
    device.http_token_digest = http_token_digest(token)
    device.credentials_rotated_at = timezone.now()
    return Credentials(
        serial=device.serial,
        mqtt_username=device.serial,
        mqtt_password=password,
        http_token=token,
        topic_prefix=device.topic_prefix,
    )


def _refresh_broker_after_commit() -> None:
    transaction.on_commit(auth_files_refresh)


def _check_transition(device: Device, to: str) -> None:
    if (device.status, to) not in TRANSITIONS:
        if to == DeviceStatus.REVOKED:
            raise ValidationError(_("This device is already revoked."), code="invalid_transition")
        raise ValidationError(_("This device is not revoked."), code="invalid_transition")


def _locked(device: Device, actor: Any) -> Device:
    """The device's row, locked for the rest of the transaction, if ``actor`` may change it."""
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if not can(actor, locked, CHANGE):
        raise PermissionDenied(_("You may not manage this device."))
    return locked


def _check_mounted_on(actor: Any, mounted_on: models.Model | None) -> None:
    # A device is fitted to something the actor can see; an object without a scope (none yet) is
    # left to the caller, e.g. the forklift service that registers the truck and its terminal.
    if mounted_on is None:
        return
    if mounted_on.pk is None:
        raise ValidationError({"mounted_on": _("Save the object before fitting a device to it.")}, code="invalid")
    if getattr(type(mounted_on), "scope_rule", None) is not None and not can(actor, mounted_on, VIEW):
        raise PermissionDenied(_("You may not fit a device to this object."))


def device_register(
    *,
    actor: Any,
    serial: str,
    kind: str,
    organisation: Organisation,
    name: str = "",
    mounted_on: models.Model | None = None,
    rule_set: RuleSet | None = None,
) -> tuple[Device, Credentials]:
    """Register a device of ``organisation`` and issue its first credentials (shown once).

    The serial is its MQTT user name and names its topic prefix; it is unique and never changes.
    A rule set must be city-wide or the organisation's own."""
    device = Device(
        serial=(serial or "").strip(),
        kind=kind,
        name=name,
        organisation=organisation,
        rule_set=rule_set,
        status=DeviceStatus.ACTIVE,
    )
    if mounted_on is not None:
        device.mounted_on = mounted_on
    if not allows_target(actor, device):
        raise PermissionDenied(_("You may not register a device for this organisation."))
    _check_mounted_on(actor, mounted_on)
    if rule_set is not None and rule_set.organisation_id not in (None, organisation.pk):
        raise ValidationError({"rule_set": _("This rule set belongs to another organisation.")}, code="invalid")
    with transaction.atomic():
        credentials = _issue(device)
        device.full_clean()
        device.save()
        if mounted_on is not None:
            device_mounted(actor, mounted_on, device)
        _refresh_broker_after_commit()
    return device, credentials


def device_rotate_credentials(*, actor: Any, device: Device) -> Credentials:
    """Issue a new broker password and HTTP token (shown once); the old ones stop working when the
    broker reloads its files, right after the commit (a connected session is dropped then too)."""
    with transaction.atomic():
        locked = _locked(device, actor)
        if not locked.is_active:
            raise ValidationError(_("A revoked device has no credentials: reinstate it instead."), code="revoked")
        credentials = _issue(locked)
        locked.save(update_fields=["mqtt_password_hash", "http_token_digest", "credentials_rotated_at", "updated_at"])
        _refresh_broker_after_commit()
    _copy(locked, device)
    return credentials


def device_revoke(*, actor: Any, device: Device, reason: str) -> Device:
    """Revoke a device (lost, stolen, decommissioned, compromised): its credentials are deleted, the
    broker refuses it and disconnects it once it reloads, and its HTTP token is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the device is revoked.")}, code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason is too long.")}, code="invalid")
    with transaction.atomic():
        locked = _locked(device, actor)
        _check_transition(locked, DeviceStatus.REVOKED)
        locked.status = DeviceStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.mqtt_password_hash = ""
        locked.http_token_digest = ""
        locked.save(
            update_fields=[
                "status",
                "revoked_at",
                "revoked_reason",
                "mqtt_password_hash",
                "http_token_digest",
                "updated_at",
            ]
        )
        _refresh_broker_after_commit()
    _copy(locked, device)
    return device


def device_reinstate(*, actor: Any, device: Device) -> Credentials:
    """Put a revoked device back into service with new credentials (shown once); the ones it had
    when it was revoked stay dead."""
    with transaction.atomic():
        locked = _locked(device, actor)
        _check_transition(locked, DeviceStatus.ACTIVE)
        locked.status = DeviceStatus.ACTIVE
        locked.revoked_at = None
        locked.revoked_reason = ""
        credentials = _issue(locked)
        locked.save(
            update_fields=[
                "status",
                "revoked_at",
                "revoked_reason",
                "mqtt_password_hash",
                "http_token_digest",
                "credentials_rotated_at",
                "updated_at",
            ]
        )
        _refresh_broker_after_commit()
    _copy(locked, device)
    return credentials


def device_for_http_token(token: str) -> Device | None:
    """The active device an HTTP ingest token belongs to, or None. The lookup is by the token's
    SHA-256 (an index), so no stored secret is compared byte by byte with the input."""
    if not token:
        return None
    return (
        Device.objects.filter(http_token_digest=http_token_digest(token), status=DeviceStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )


_STATE_FIELDS = (
    "status",
    "revoked_at",
    "revoked_reason",
    "mqtt_password_hash",
    "http_token_digest",
    "credentials_rotated_at",
    "updated_at",
)


def _copy(source: Device, target: Device) -> None:
    """Let the caller's instance show the change (the service worked on a locked copy)."""
    if target is not source:
        for name in _STATE_FIELDS:
            setattr(target, name, getattr(source, name))
