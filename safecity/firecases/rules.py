"""The numbers of domain-rules §5, as settings with the national values as defaults.

- reply within 2 months of delivery, 15 days when urgent (行政诉讼法 art. 25 and the SPP rules on
  procuratorial suggestions / public-interest litigation);
- participants of a hearing notified at least 3 days ahead (人民检察院审查案件听证工作规定);
- a decision not to sue notified within 7 days.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def reply_months() -> int:
    return _setting("SAFECITY_FIRECASES_REPLY_MONTHS", 2)


def urgent_reply_days() -> int:
    return _setting("SAFECITY_FIRECASES_URGENT_REPLY_DAYS", 15)


def hearing_notice_days() -> int:
    return _setting("SAFECITY_FIRECASES_HEARING_NOTICE_DAYS", 3)


def not_sue_notify_days() -> int:
    return _setting("SAFECITY_FIRECASES_NOT_SUE_NOTIFY_DAYS", 7)


def due_soon_days() -> int:
    """How early the clocks warn that a reply is due soon."""
    return _setting("SAFECITY_FIRECASES_DUE_SOON_DAYS", 7)


def reply_due(delivered: date, *, urgent: bool) -> date:
    """Last day of the reply window: delivery + 2 months, or + 15 days when urgent."""
    if urgent:
        return delivered + timedelta(days=urgent_reply_days())
    return add_months(delivered, reply_months())


def notice_deadline(scheduled_at: datetime) -> datetime:
    """Latest moment the participants may be notified of a hearing."""
    return scheduled_at - timedelta(days=hearing_notice_days())


def timedelta_days(days: int) -> timedelta:
    return timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Dec + 2 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
