"""The second channel of urgent notifications: e-mail and text messages (SMS) besides the inbox.

GB/T 45839-2025 (networked gas detectors, domain-rules §7a) wants an alarm to reach people within
15 s over at least two channels. The inbox (:class:`~safecity.core.models.Notification`) is the
first; :func:`deliver_also` adds a :class:`~safecity.core.models.Delivery` row per further channel
the recipient can be reached on (their e-mail address; their phone when an SMS gateway is
configured) and, once the caller's transaction commits, a background task sends them
(:func:`deliveries_send`). Sending never happens inside the caller's transaction: an SMTP server or
gateway that hangs must not hold the ingest batch's locks. The task runs on its own queue,
``urgent``, at the highest priority (a worker picks it before any scheduled job; production runs a
worker for that queue alone, ``safecity worker --queue-name urgent --no-schedule``), and sends a
batch's messages side by side. A failed send is recorded with its error and retried by the scheduled
job, at most ``MAX_ATTEMPTS`` times.

E-mail goes through Django's mail backend (SMTP in production: ``EMAIL_HOST`` ...). Text messages go
to the gateway at ``SAFECITY_SMS_GATEWAY_URL`` as ``POST {"to": phone, "text": message}`` with an
optional bearer token; any 2xx answer counts as accepted. No URL: no SMS channel.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Delivery, Notification

MAX_ATTEMPTS = 5
SEND_THREADS = 8


def sms_configured() -> bool:
    return bool(getattr(settings, "SAFECITY_SMS_GATEWAY_URL", ""))


def deliver_also(notifications: Iterable[Notification]) -> list[Delivery]:
    """Send ``notifications`` over the second channels too: one pending delivery per channel the
    recipient has an address for, sent by a task once the current transaction commits."""
    rows = list(notifications)
    if not rows:
        return []
    from safecity.core.models import Person

    people = {
        p.user_id: p
        for p in Person.objects.filter(user_id__in={n.recipient_id for n in rows}, is_active=True).only(
            "user_id", "email", "phone"
        )
    }
    deliveries: list[Delivery] = []
    for notification in rows:
        person = people.get(notification.recipient_id)
        email = (person.email if person else "") or getattr(notification.recipient, "email", "")
        if email:
            deliveries.append(Delivery(notification=notification, channel=Delivery.Channel.EMAIL, address=email))
        if person is not None and person.phone and sms_configured():
            deliveries.append(Delivery(notification=notification, channel=Delivery.Channel.SMS, address=person.phone))
    if not deliveries:
        return []
    created = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from safecity.core.tasks import deliveries_send as task

    task.enqueue(ids)


def _send_email(delivery: Delivery) -> None:
    subject = delivery.notification.message.splitlines()[0][:120] if delivery.notification.message else _("SafeCity")
    body = delivery.notification.message
    if delivery.notification.link:
        base = getattr(settings, "SAFECITY_PUBLIC_BASE_URL", "")
        body += "\n\n" + (base + delivery.notification.link if base else delivery.notification.link)
    send_mail(subject, body, None, [delivery.address], fail_silently=False)


def _send_sms(delivery: Delivery) -> None:
    _post_text(delivery.address, delivery.notification.message)


def _post_text(phone: str, text: str) -> None:
    url = settings.SAFECITY_SMS_GATEWAY_URL
    if not url:
        raise RuntimeError(_("No SMS gateway is configured (SAFECITY_SMS_GATEWAY_URL)."))
    if not url.startswith(("http://", "https://")):
        raise RuntimeError(_("The SMS gateway's address must start with http:// or https://."))
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps({"to": phone, "text": text[:300]}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    token = getattr(settings, "SAFECITY_SMS_GATEWAY_TOKEN", "")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (scheme checked above)
        if not 200 <= response.status < 300:
            raise RuntimeError(f"HTTP {response.status}")


def send_text(phone: str, text: str) -> str:
    """Send one text message to a phone number that has no account (a visiting group's contact)
    through the configured gateway, now: the error in words, or "" when the gateway took it. The
    caller keeps the message and retries (the deliveries of notifications are retried here)."""
    try:
        _post_text(phone, text)
    except (OSError, RuntimeError, urllib.error.URLError, ValueError) as exc:
        return str(exc) or exc.__class__.__name__
    return ""


def _attempt(delivery: Delivery) -> str:
    """Send one delivery over its channel; the error in words, or "" when the channel took it."""
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            _send_email(delivery)
        else:
            _send_sms(delivery)
    except (OSError, RuntimeError, urllib.error.URLError, ValueError) as exc:
        return str(exc) or exc.__class__.__name__
    return ""


def deliveries_send(ids: Sequence[int] | None = None) -> dict[str, int]:
    """Send the pending deliveries ``ids`` (when None: the failed ones and the ones left pending,
    younger than a day, oldest first), each recorded as sent or failed with its error. Returns the counts."""
    counts = {"sent": 0, "failed": 0}
    pending = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED], attempts__lt=MAX_ATTEMPTS)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    else:
        # The retry: failed ones, and pending ones whose own task should long have run (lost).
        now = timezone.now()
        pending = pending.filter(created_at__gte=now - timedelta(days=1)).filter(
            Q(status=Delivery.Status.FAILED) | Q(created_at__lte=now - timedelta(minutes=1))
        )
    rows = list(pending.select_related("notification").order_by("created_at", "id"))
    if not rows:
        return counts
    # Sent side by side: one slow mail server or gateway (up to its timeout) must not hold back the
    # other recipients' messages, which all have the same 15 s.
    with ThreadPoolExecutor(max_workers=min(SEND_THREADS, len(rows))) as pool:
        outcomes = list(pool.map(_attempt, rows))
    now = timezone.now()
    for delivery, error in zip(rows, outcomes, strict=True):
        if error:
            delivery.status = Delivery.Status.FAILED
            delivery.error = error[:300]
            counts["failed"] += 1
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.error = ""
            counts["sent"] += 1
        delivery.attempts += 1
        delivery.save(update_fields=["status", "sent_at", "error", "attempts"])
    return counts
