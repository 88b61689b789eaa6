"""Text messages to a group's contact phone, behind one small interface.

``SAFECITY_HALL_SMS_BACKEND`` names the class (default :class:`OutboxBackend`, for development and
the demo: it logs the message and keeps it as a :class:`~safecity.hall.models.TextMessage` row, so
tests and the person running the demo can read the code). A production gateway is another class
with the same ``send`` method. Messages are sent after the caller's transaction commits: a booking
that rolls back sends nothing.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger("safecity.hall.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class OutboxBackend:
    """Development backend: log the message and store it for tests and the demo."""

    def send(self, phone: str, text: str) -> None:
        from safecity.hall.models import TextMessage

        logger.info("SMS to %s: %s", phone, text)
        TextMessage.objects.create(phone=phone, text=text)


def backend() -> SmsBackend:
    path = getattr(settings, "SAFECITY_HALL_SMS_BACKEND", "safecity.hall.sms.OutboxBackend")
    return import_string(path)()  # type: ignore[no-any-return]


def send_text(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` once the current transaction commits."""
    transaction.on_commit(lambda: backend().send(phone, text))


def last_text(phone: str) -> str:
    """The last message the development backend stored for ``phone`` (tests, the demo)."""
    from safecity.hall.models import TextMessage

    row = TextMessage.objects.filter(phone=phone).order_by("-id").first()
    return row.text if row else ""
