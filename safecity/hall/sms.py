"""Text messages to a group's contact phone, behind one small interface.

Which backend sends (:func:`backend`):

- ``SAFECITY_HALL_SMS_BACKEND`` when set: ``"gateway"``, ``"outbox"`` or a dotted class path;
- otherwise the city's SMS gateway (:class:`GatewayBackend`) when ``core.delivery.sms_configured()``;
- otherwise the development outbox (:class:`OutboxBackend`) unless ``PRODUCTION`` is on (DEBUG,
  the tests and the demo);
- otherwise none: :func:`available` is false and the booking services refuse in words ("book by
  phone") rather than pretend a code was sent.

Messages are handed to the backend after the caller's transaction commits (a booking that rolls
back sends nothing), each on its own: a failing hand-over is logged and never turns a committed
booking into an error, nor stops the other messages of the same transaction. The log never holds a
message's text (a verification code) and shows the phone masked (139****8841).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("safecity.hall.sms")

OUTBOX = "safecity.hall.sms.OutboxBackend"
GATEWAY = "safecity.hall.sms.GatewayBackend"
MAX_ATTEMPTS = 5


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def mask(phone: str) -> str:
    """A phone for the log: the first 3 and last 4 digits (139****8841)."""
    phone = phone.strip()
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


class OutboxBackend:
    """Development backend: keep the message as a :class:`TextMessage` row for tests and the demo
    (the person running the demo reads the code there, not in the log)."""

    def send(self, phone: str, text: str) -> None:
        from safecity.hall.models import TextMessage

        TextMessage.objects.create(phone=phone, text=text, status=TextMessage.Status.SENT)
        logger.info("SMS to %s kept in the outbox", mask(phone))


class GatewayBackend:
    """The city's SMS gateway (``core.delivery``: ``SAFECITY_SMS_GATEWAY_URL``). The message is
    stored as a pending :class:`TextMessage` and sent by a queued task; a failed send is retried
    by the scheduled job, at most ``MAX_ATTEMPTS`` times (as core's deliveries are)."""

    def send(self, phone: str, text: str) -> None:
        from safecity.hall.models import TextMessage

        row = TextMessage.objects.create(phone=phone, text=text, status=TextMessage.Status.PENDING)
        try:
            from safecity.hall.tasks import texts_send

            texts_send.enqueue([row.pk])
        except Exception:  # the row stays pending: the scheduled retry sends it
            logger.exception("SMS to %s not queued; left for the retry", mask(phone))


def backend_path() -> str:
    """The backend class's dotted path, or "" when no text message can be sent."""
    from safecity.core.delivery import sms_configured

    configured = str(getattr(settings, "SAFECITY_HALL_SMS_BACKEND", "") or "")
    if configured:
        return {"outbox": OUTBOX, "gateway": GATEWAY}.get(configured, configured)
    if sms_configured():
        return GATEWAY
    if settings.DEBUG or not getattr(settings, "PRODUCTION", False):
        return OUTBOX
    return ""


def available() -> bool:
    return bool(backend_path())


def backend() -> SmsBackend:
    path = backend_path()
    if not path:
        raise RuntimeError("no SMS backend: set SAFECITY_SMS_GATEWAY_URL or SAFECITY_HALL_SMS_BACKEND")
    return import_string(path)()  # type: ignore[no-any-return]


def _hand_over(phone: str, text: str) -> None:
    try:
        backend().send(phone, text)
    except Exception:
        # After the commit: the booking stands; the failure is logged (without the text).
        logger.exception("SMS to %s failed", mask(phone))


def send_text(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` once the current transaction commits."""
    transaction.on_commit(lambda: _hand_over(phone, text))


def texts_send(ids: list[int] | None = None) -> dict[str, int]:
    """Send the gateway's pending messages ``ids`` (None: the failed and lost ones younger than a
    day), through core's SMS channel; each recorded as sent or failed with its error."""
    from safecity.core import delivery
    from safecity.hall.models import TextMessage

    counts = {"sent": 0, "failed": 0}
    pending = TextMessage.objects.filter(
        status__in=[TextMessage.Status.PENDING, TextMessage.Status.FAILED], attempts__lt=MAX_ATTEMPTS
    )
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    else:
        now = timezone.now()
        pending = pending.filter(sent_at__gte=now - timedelta(days=1))
    for message in pending.order_by("sent_at", "id"):
        # core's deliveries belong to a user's notification; a group's contact has no account, so
        # the message is kept (and retried) here and goes out through core's gateway.
        error = delivery.send_text(message.phone, message.text)
        message.attempts += 1
        message.status = TextMessage.Status.FAILED if error else TextMessage.Status.SENT
        message.error = error[:300]
        message.save(update_fields=["attempts", "status", "error"])
        counts["failed" if error else "sent"] += 1
        if error:
            logger.warning("SMS to %s failed: %s", mask(message.phone), error[:200])
    return counts


def last_text(phone: str) -> str:
    """The last message the development backend stored for ``phone`` (tests, the demo)."""
    from safecity.hall.models import TextMessage

    row = TextMessage.objects.filter(phone=phone).order_by("-id").first()
    return row.text if row else ""
