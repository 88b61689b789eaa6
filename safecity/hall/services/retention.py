"""The hall's daily housekeeping: personal data kept no longer than needed, and waiting lists of
sessions that have taken place closed.

- :func:`personal_data_purge`: phone verifications (a phone, a code's hash, the group's details) and
  text messages (a phone, a code or booking code) older than ``SAFECITY_HALL_KEEP_DAYS`` (30) are
  deleted; a booking keeps its contact phone as long as the booking is kept.
- :func:`waiting_close`: a group still waiting when its session has taken place did not get a
  place; its booking is cancelled with that reason, so it no longer shows as waiting.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.hall import rules
from safecity.hall.choices import BookingState
from safecity.hall.models import Booking, PhoneVerification, TextMessage
from safecity.hall.services.common import today


@transaction.atomic
def personal_data_purge() -> dict[str, int]:
    """Delete the phone verifications and text messages older than the days kept. Returns the counts."""
    before = timezone.now() - timedelta(days=rules.keep_days())
    verifications, _by_model = PhoneVerification.objects.filter(created_at__lt=before).delete()
    texts, _by_model = TextMessage.objects.filter(sent_at__lt=before).delete()
    return {"verifications": verifications, "texts": texts}


@transaction.atomic
def waiting_close(*, on: date | None = None) -> int:
    """Cancel the waiting bookings of sessions before ``on`` (today): no place became free for them.
    Nobody is told by text message: the day has passed. Returns how many were closed."""
    day = on or today()
    now = timezone.now()
    reason = _("No place became free before the session: the group was not admitted from the waiting list.")
    closed = 0
    for booking in Booking.objects.select_for_update().filter(state=BookingState.WAITING, session__date__lt=day):
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason
        booking.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        closed += 1
    return closed
