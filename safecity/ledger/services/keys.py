"""Keys: organisations' signing keys (create, rotate, register an external public key), the
log's checkpoint key, witnesses' keys; and custodial signing of statements."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.ledger.models import LogKey, SigningKey, WitnessKey
from safecity.ledger.notes import check_name, public_bytes
from safecity.ledger.services.crypto import seal, unseal
from safecity.ledger.services.statements import LedgerError, Statement, format_time

DEFAULT_ORIGIN = "changzhou.safecity.example/cylinders"
KEY_MANAGER_ROLES = frozenset(
    {"city_admin", "city_official", "filling_station_operator", "inspection_station_operator", "department_officer"}
)


def log_origin() -> str:
    return str(getattr(settings, "SAFECITY_LEDGER_ORIGIN", DEFAULT_ORIGIN))


def key_id_for(public_key: bytes) -> str:
    """sha256(raw public key)[:16 bytes] as 32 hex characters."""
    return hashlib.sha256(public_key).digest()[:16].hex()


def may_manage_keys(user: Any, organisation: Organisation) -> bool:
    """Operators of the organisation (filling/inspection station, a department's liaison) and the
    city officials and administrators who belong to it manage its keys; nobody else."""
    from safecity.core.scoping import principal_for

    principal = principal_for(user)
    if principal.is_superuser:
        return True
    return any(g.organisation_id == organisation.pk and g.role in KEY_MANAGER_ROLES for g in principal.grants)


def _require(actor: Any, organisation: Organisation) -> None:
    if actor is not None and not may_manage_keys(actor, organisation):
        raise PermissionDenied


def _active_from(actor: Any, active_from: datetime | None, now: datetime) -> datetime:
    """A key active from the past is for signing history: the platform itself only (actor None)."""
    if active_from is None:
        return now
    if actor is not None:
        raise LedgerError("historic_not_allowed", _("Only the platform itself may register a key for past statements."))
    if active_from > now:
        raise ValidationError({"active_from": _("A key cannot become active in the future.")})
    return active_from


def _new_key(organisation: Organisation, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public = public_bytes(private)
    key_id = key_id_for(public)
    return SigningKey.objects.create(
        organisation=organisation, key_id=key_id, public_key=public, private_key=seal(private, key_id), active_from=now
    )


def signing_key_ensure(*, actor: Any, organisation: Organisation, active_from: datetime | None = None) -> SigningKey:
    """The organisation's active key, created (custodial) if it has none.

    ``actor`` None means the platform itself (demo, other apps' services acting for the
    organisation); a user must manage the organisation's keys. ``active_from`` (the platform
    only) makes the key valid for statements signed since then, for appending history
    (``ledger_append(historic=True)``); an existing active key that starts later is moved back."""
    _require(actor, organisation)
    start = _active_from(actor, active_from, timezone.now())
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        key = SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
        if key is None:
            return _new_key(organisation, start)
        if active_from is not None and key.active_from > start:
            key.active_from = start
            key.save(update_fields=["active_from", "updated_at"])
        return key


def signing_key_rotate(*, actor: Any, organisation: Organisation) -> SigningKey:
    """Retire the active key (it stays valid for statements signed before now) and create a new one."""
    _require(actor, organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        now = timezone.now()
        for old in SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True):
            old.retired_at = now
            old.save(update_fields=["retired_at", "updated_at"])
        return _new_key(organisation, now)


def signing_key_register_public(
    *, actor: Any, organisation: Organisation, public_key_b64: str, active_from: datetime | None = None
) -> SigningKey:
    """Register an externally held Ed25519 public key (its private key never touches the platform);
    it becomes the organisation's active key, the previous one is retired now. ``active_from`` in
    the past (the platform only) lets the key sign history appended with ``historic=True``."""
    _require(actor, organisation)
    start = _active_from(actor, active_from, timezone.now())
    try:
        public = base64.b64decode(public_key_b64.strip().encode("ascii"), validate=True)
        Ed25519PublicKey.from_public_bytes(public)
    except Exception as exc:
        raise ValidationError({"public_key": _("Give the raw 32-byte Ed25519 public key in base64.")}) from exc
    key_id = key_id_for(public)
    with transaction.atomic():
        if SigningKey.objects.filter(key_id=key_id).exists():
            raise ValidationError({"public_key": _("This public key is already registered.")})
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        now = timezone.now()
        for old in SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True):
            old.retired_at = now
            old.save(update_fields=["retired_at", "updated_at"])
        return SigningKey.objects.create(organisation=organisation, key_id=key_id, public_key=public, active_from=start)


def statement_signer(*, organisation: Organisation) -> Callable[..., Statement]:
    """A signing function for many statements of one organisation (bulk imports, the demo): the
    active custodial key is read and unsealed once. Same keyword arguments as
    :func:`statement_sign` without ``organisation``."""
    key = SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is None or key.private_key is None:
        raise LedgerError("unknown_key", _("The organisation has no active key held by the platform."))
    private = unseal(bytes(key.private_key), key.key_id)
    org_id, key_id = organisation.pk, key.key_id

    def sign(
        *, kind: str, subject: str, body: dict[str, Any], idempotency_key: str, signed_at: datetime | None = None
    ) -> Statement:
        statement = Statement(
            kind=kind,
            subject=subject,
            body=body,
            organisation_id=org_id,
            key_id=key_id,
            signed_at=format_time(signed_at or timezone.now()),
            idempotency_key=idempotency_key,
        )
        signature = base64.b64encode(private.sign(statement.signed_bytes())).decode()
        return dataclasses.replace(statement, signature=signature)

    return sign


def statement_sign(
    *,
    organisation: Organisation,
    kind: str,
    subject: str,
    body: dict[str, Any],
    idempotency_key: str,
    signed_at: datetime | None = None,
) -> Statement:
    """Sign a statement with the organisation's active custodial key (for UI users).
    Raises LedgerError("unknown_key") if the organisation has no active custodial key."""
    return statement_signer(organisation=organisation)(
        kind=kind, subject=subject, body=body, idempotency_key=idempotency_key, signed_at=signed_at
    )


def log_key() -> tuple[LogKey, Ed25519PrivateKey]:
    """The log's checkpoint key for the configured origin, created on first use."""
    origin = log_origin()
    key = LogKey.objects.filter(origin=origin).first()
    if key is None:
        private = Ed25519PrivateKey.generate()
        try:
            with transaction.atomic():
                key = LogKey.objects.create(origin=origin, public_key=public_bytes(private), private_key=seal(private, origin))
        except IntegrityError:
            key = LogKey.objects.get(origin=origin)
    return key, unseal(bytes(key.private_key), key.origin)


def witness_key_register(*, actor: Any, name: str, public_key: bytes, organisation: Organisation | None = None) -> WitnessKey:
    """Register a witness that may cosign checkpoints (city administrators, or the platform)."""
    from safecity.core.scoping import principal_for

    if actor is not None:
        principal = principal_for(actor)
        if not (principal.is_superuser or "city_admin" in principal.roles):
            raise PermissionDenied
    check_name(name)
    Ed25519PublicKey.from_public_bytes(public_key)
    with transaction.atomic():
        if WitnessKey.objects.filter(name=name).exists():
            raise ValidationError({"name": _("A witness with this name is already registered.")})
        return WitnessKey.objects.create(name=name, public_key=public_key, organisation=organisation)
