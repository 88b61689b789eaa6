"""What every cylinder service shares: the error type, who acts for which organisation, the
statement bodies, applying an event to the cylinder's current facts, and the one path that signs,
appends to the ledger and writes the event row inside the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation, Person
from safecity.core.scoping import principal_for
from safecity.cylinders import rules
from safecity.cylinders.choices import EventKind
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.transitions import next_state, out_of_order_message
from safecity.ledger.services import LedgerError, Statement, ledger_append, statement_sign

KIND_PREFIX = "cylinders."
REFUSAL_KIND = "cylinders.fill_refused"


def clock_skew() -> timedelta:
    """How far a submitted time may be from the server's clock (the ledger's window)."""
    return timedelta(seconds=int(getattr(settings, "SAFECITY_LEDGER_MAX_SKEW_SECONDS", 300)))


class CylinderError(ValidationError):
    """A refused submission with a stable code for the API and a message for people.

    Codes: ``unknown_code`` (404), ``bad_signature`` (400), ``statement_mismatch`` (400),
    ``out_of_order`` (409), ``duplicate`` (409), ``refused`` (409, the filling gate said no),
    ``stale_time`` (400, a time claimed away from now outside the platform's historic path),
    ``invalid`` (400), ``ledger`` (400, any other ledger refusal).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        existing_event_id: int | None = None,
        existing_index: int | None = None,
        reasons: list[dict[str, Any]] | None = None,
        attempt: FillAttempt | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.attempt = attempt
        self.error_code = code
        self.existing_event_id = existing_event_id
        self.existing_index = existing_index
        self.reasons = reasons or []


# --- who acts for which organisation ------------------------------------------------------------


def person_of(actor: Any) -> Person | None:
    person = getattr(actor, "person", None) if actor is not None else None
    return person if isinstance(person, Person) else None


def organisations_for(actor: Any, role: str) -> list[int]:
    """The organisations in which ``actor`` holds ``role``."""
    return sorted({g.organisation_id for g in principal_for(actor).grants if g.role == role})


def is_superuser(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False))


# --- input helpers ----------------------------------------------------------------------------


def decimal_text(value: Any, *, field: str) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")}, code="invalid")
    return str(number.normalize()) if number == number.to_integral() else str(number)


def is_platform(actor: Any) -> bool:
    """The platform itself (the demo, a bulk import command): the only writer of past times."""
    return actor is None


def occurred(value: datetime | None, cylinder: Cylinder | None, *, actor: Any) -> datetime:
    """The event time. The log's clock decides, not the submitter's:

    - everybody (UI, API): now; a claimed time (a pre-signed statement's signing time) is accepted
      only within the skew window around now (``stale_time`` otherwise); rules are judged at now;
    - the platform's historic path (``actor`` None: the demo, a bulk import): a past time, never
      in the future.
    In both cases never before the cylinder's last event (``out_of_order``).
    """
    historic = is_platform(actor)
    now = timezone.now()
    at = value or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    # The ledger signs whole seconds (RFC 3339 "Z"); the event keeps the very time that was signed.
    at = at.replace(microsecond=0)
    skew = clock_skew()
    if at > now + skew:
        raise CylinderError(_("The event time lies in the future."), code="invalid")
    if not historic and at < now - skew:
        raise CylinderError(
            _(
                "The event time lies more than %(minutes)s minutes in the past: steps are recorded when they are "
                "submitted (sign again now)."
            )
            % {"minutes": int(skew.total_seconds() // 60)},
            code="stale_time",
        )
    if cylinder is not None and cylinder.last_event_at is not None and at < cylinder.last_event_at:
        raise CylinderError(
            _("The event time is before the cylinder's last recorded event (%(at)s).")
            % {"at": timezone.localtime(cylinder.last_event_at).strftime("%Y-%m-%d %H:%M")},
            code="out_of_order",
        )
    return at


def judged_on(at: datetime, actor: Any) -> date:
    """The day the rules (the filling gate) are judged on: today, except on the historic path."""
    return timezone.localtime(at).date() if is_platform(actor) else timezone.localdate()


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def household_ref(*, name: str, address: str, nonce: str) -> str:
    """A commitment to a household recipient: published instead of the name (personal data)."""
    return hashlib.sha256(f"{nonce}|{name}|{address}".encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


# --- duplicates and lookups -------------------------------------------------------------------


def check_not_duplicate(idempotency_key: str) -> None:
    """The same submission twice: a clear error naming what the first one recorded."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise CylinderError(_("An idempotency key of 1 to 100 characters is required."), code="invalid")
    existing = CylinderEvent.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        raise CylinderError(
            _("This submission was already recorded as event %(id)s (ledger entry %(index)s).")
            % {"id": existing.pk, "index": existing.ledger_index},
            code="duplicate",
            existing_event_id=existing.pk,
            existing_index=existing.ledger_index,
        )
    attempt = FillAttempt.objects.filter(idempotency_key=idempotency_key).first()
    if attempt is not None:
        raise CylinderError(
            _("This submission was already recorded as fill attempt %(id)s.") % {"id": attempt.pk},
            code="duplicate",
            existing_index=attempt.ledger_index,
        )


def lock_by_code(code: str) -> Cylinder:
    cylinder = Cylinder.objects.select_for_update().select_related("owner__region").filter(code=code.strip()).first()
    if cylinder is None:
        raise CylinderError(_("No cylinder is registered under the code “%(code)s”.") % {"code": code}, code="unknown_code")
    return cylinder


def require_transition(cylinder: Cylinder, kind: str, result: str | None = None) -> str:
    target = next_state(cylinder.state, kind, result)
    if target is None:
        raise CylinderError(out_of_order_message(cylinder.state, kind), code="out_of_order")
    return target


# --- applying an event to the current facts -----------------------------------------------------


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def apply_event(cylinder: Cylinder, kind: str, data: dict[str, Any], target: str, at: datetime) -> None:
    """Update the denormalised facts of ``cylinder`` for an event (services only)."""
    cylinder.state = target
    cylinder.last_event_at = at
    if kind == EventKind.REGISTRATION:
        cylinder.next_inspection_on = _day(data.get("next_inspection_on"))
        cylinder.scrap_on = _day(data.get("scrap_on"))
    elif kind == EventKind.INSPECTION:
        cylinder.last_inspected_on = timezone.localtime(at).date()
        cylinder.last_inspection_result = data["result"]
        if data.get("next_inspection_on"):
            cylinder.next_inspection_on = _day(data["next_inspection_on"])
        if data.get("scrap_on"):
            cylinder.scrap_on = _day(data["scrap_on"])
    elif kind == EventKind.SCRAPPING:
        cylinder.scrapped_on = timezone.localtime(at).date()
        cylinder.code_voided = True


FACT_FIELDS = [
    "state",
    "last_event_at",
    "next_inspection_on",
    "scrap_on",
    "last_inspected_on",
    "last_inspection_result",
    "scrapped_on",
    "code_voided",
    "updated_at",
]


def inspection_body(cylinder: Cylinder, *, result: str, report_number: str, defects: list[str], on: date) -> dict[str, Any]:
    outcome = rules.inspection_outcome(
        manufactured_on=cylinder.manufactured_on,
        medium_class=cylinder.medium_class,
        current_scrap_on=cylinder.scrap_on or rules.scrap_on(cylinder.manufactured_on, cylinder.medium_class),
        inspected_on=on,
        result=result,
    )
    return {
        "result": result,
        "report_number": report_number,
        "defects": list(defects),
        "next_inspection_on": outcome.next_inspection_on.isoformat() if outcome.next_inspection_on else None,
        "scrap_on": outcome.scrap_on.isoformat(),
    }


# --- signing and appending ----------------------------------------------------------------------


def ledger_error(exc: LedgerError) -> CylinderError:
    code = (
        exc.code
        if exc.code in {"bad_signature", "duplicate"}
        else (
            "bad_signature"
            if exc.code in {"unknown_key", "key_not_active"}
            else "stale_time"
            if exc.code == "stale_signature"
            else "ledger"
        )
    )
    return CylinderError(str(exc.message), code=code, existing_index=exc.existing_index)


def build_statement(
    *,
    kind: str,
    subject: str,
    body: dict[str, Any],
    organisation: Organisation,
    idempotency_key: str,
    at: datetime,
    presigned: Statement | None,
) -> Statement:
    """Sign custodially, or check that the client's pre-signed statement says exactly this."""
    if presigned is None:
        try:
            return statement_sign(
                organisation=organisation, kind=kind, subject=subject, body=body, idempotency_key=idempotency_key, signed_at=at
            )
        except LedgerError as exc:
            raise ledger_error(exc) from None
    expected = {
        "kind": kind,
        "subject": subject,
        "body": body,
        "organisation_id": organisation.pk,
        "idempotency_key": idempotency_key,
        "signed_at": rfc3339(at),
    }
    actual = {
        "kind": presigned.kind,
        "subject": presigned.subject,
        "body": presigned.body,
        "organisation_id": presigned.organisation_id,
        "idempotency_key": presigned.idempotency_key,
        "signed_at": presigned.signed_at,
    }
    wrong = sorted(k for k in expected if expected[k] != actual[k])
    if wrong:
        raise CylinderError(
            _("The signed statement does not match the submission (%(fields)s).") % {"fields": ", ".join(wrong)},
            code="statement_mismatch",
        )
    return presigned


def append(actor: Any, statements: list[Statement]) -> list[int]:
    """Append to the ledger inside the caller's transaction; map its refusals to ours.

    The platform itself (``actor`` None) appends on the historic path (past signing times)."""
    try:
        return ledger_append(actor=actor, statements=statements, historic=is_platform(actor))
    except LedgerError as exc:
        if exc.code == "duplicate" and exc.existing_index is not None:
            existing = CylinderEvent.objects.filter(ledger_index=exc.existing_index).first()
            raise CylinderError(
                _("This submission was already recorded (ledger entry %(index)s).") % {"index": exc.existing_index},
                code="duplicate",
                existing_event_id=existing.pk if existing else None,
                existing_index=exc.existing_index,
            ) from None
        raise ledger_error(exc) from None


def record_event(
    *,
    actor: Any,
    cylinder: Cylinder,
    kind: str,
    target: str,
    organisation: Organisation,
    body: dict[str, Any],
    private: dict[str, Any] | None,
    at: datetime,
    idempotency_key: str,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """Sign (or accept) the statement, append it, write the event and the cylinder's new facts.

    Must run inside ``transaction.atomic`` with ``cylinder`` locked: the append joins that
    transaction, so a failure anywhere leaves neither a ledger entry nor an event.
    """
    statement = build_statement(
        kind=KIND_PREFIX + kind,
        subject=cylinder.code,
        body=body,
        organisation=organisation,
        idempotency_key=idempotency_key,
        at=at,
        presigned=presigned,
    )
    (index,) = append(actor, [statement])
    source = "" if cylinder._state.adding else cylinder.state
    apply_event(cylinder, kind, body, target, at)
    if cylinder._state.adding:
        cylinder.save()
    else:
        cylinder.save(update_fields=FACT_FIELDS)
    return CylinderEvent.objects.create(
        cylinder=cylinder,
        kind=kind,
        organisation=organisation,
        person=person_of(actor),
        occurred_at=at,
        from_state=source,
        to_state=target,
        data=body,
        private=private or {},
        ledger_index=index,
        idempotency_key=idempotency_key,
        key_id=statement.key_id,
    )


def today() -> date:
    return timezone.localdate()
