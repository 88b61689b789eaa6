"""The demo step ``hall.bookings``: the hall opened in July 2023 and 20 groups visited that year
(``safecity figures --year 2023``: hall.groups 20); this year sessions ahead with groups booked,
one on a waiting list, one cancelled; ``hall.staff`` keeps the hall; deterministic."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Region
from safecity.hall.choices import BookingState
from safecity.hall.models import Booking
from safecity.hall.selectors import booking_list

NEEDED = ("core.city", "hall.bookings")


def test_the_hall_demo(db: Any) -> None:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in NEEDED:
            step.run(random.Random(f"2023:{step.name}"), admin)
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023))
    assert figures["hall.groups"] == 20
    assert 0 < figures["hall.school_classes"] < 20 and figures["hall.pupils"] > 0
    visits = Booking.objects.filter(session__date__year=2023)
    assert min(visits.values_list("session__date", flat=True)) >= date(2023, 7, 1)
    today = timezone.localdate()
    ahead = Booking.objects.filter(session__date__gt=today)
    states = list(ahead.values_list("state", flat=True))
    assert states.count(BookingState.WAITING) == 1 and states.count(BookingState.CANCELLED) == 1
    assert states.count(BookingState.BOOKED) >= 3
    staff = get_user_model().objects.get(username="hall.staff")
    assert booking_list(user=staff).count() == Booking.objects.count()
