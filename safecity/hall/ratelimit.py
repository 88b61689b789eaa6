"""Per-IP limit on the public booking, verification and look-up requests.

The project's only limiter is django-axes (``core/lockout.py``), which locks sign-in attempts per
user name and IP; the hall's public pages have no user name, so they count requests per IP and
hour (``SAFECITY_HALL_RATE_LIMIT``, default 30) and answer like axes: 429 and a sentence saying
when to try again. The counts are rows (:class:`~safecity.hall.models.RequestCount`), not the
per-process cache, so several web workers share one allowance. The IP is ``REMOTE_ADDR`` as for
axes (``AXES_IPWARE_META_PRECEDENCE_ORDER``): the proxy in front sets it.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from safecity.hall import rules
from safecity.hall.models import RequestCount

WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def over_limit(request: HttpRequest, scope: str) -> bool:
    """Count this request against its IP's hourly allowance for ``scope``; True once over it."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"{scope}:{client_ip(request)}"
    with transaction.atomic():
        updated = RequestCount.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RequestCount.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another request of the same IP created it first
                RequestCount.objects.filter(key=key, window=window).update(count=F("count") + 1)
            RequestCount.objects.filter(window__lt=window - 1).delete()
        count = RequestCount.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    return count > rules.rate_limit()
