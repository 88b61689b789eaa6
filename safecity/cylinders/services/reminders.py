"""The daily inspection reminder: cylinders whose periodic inspection falls due within 30 days or is
overdue are flagged once per cylinder, kind and due date (an :class:`InspectionReminder` claims it),
and each owning filling unit's operators get one notification listing the newly flagged ones."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification
from safecity.cylinders import rules
from safecity.cylinders.choices import CylinderState
from safecity.cylinders.models import Cylinder, InspectionReminder

ACTIVE_STATES = [s for s in CylinderState.values if s != CylinderState.SCRAPPED]


def _link(status: str) -> str:
    try:
        return reverse("cylinders:list") + f"?inspection={status}"
    except NoReverseMatch:
        return ""


def cylinders_inspection_reminders(*, today: date | None = None) -> dict[str, int]:
    """Flag cylinders due within ``rules.DUE_SOON_DAYS`` or overdue; notify the owners' operators.

    Idempotent: a second run on the same day (or any later day for the same due date and kind)
    claims nothing new and sends nothing.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=rules.DUE_SOON_DAYS)
    flagged: dict[tuple[int, str], int] = {}
    candidates = Cylinder.objects.filter(
        state__in=ACTIVE_STATES, next_inspection_on__isnull=False, next_inspection_on__lte=horizon
    ).values_list("pk", "owner_id", "next_inspection_on")
    existing = set(InspectionReminder.objects.filter(due_on__lte=horizon).values_list("cylinder_id", "kind", "due_on"))
    new_rows = []
    for pk, owner_id, due in candidates:
        kind = rules.inspection_status(next_inspection_on=due, today=today)
        if kind == "ok" or (pk, kind, due) in existing:
            continue
        new_rows.append(InspectionReminder(cylinder_id=pk, kind=kind, due_on=due))
        flagged[(owner_id, kind)] = flagged.get((owner_id, kind), 0) + 1
    if not new_rows:
        return {"due_soon": 0, "overdue": 0, "notifications": 0}
    try:
        with transaction.atomic():
            InspectionReminder.objects.bulk_create(new_rows, batch_size=1000)
    except IntegrityError:
        # Another worker claimed the same rows at the same time: it sends the notifications.
        return {"due_soon": 0, "overdue": 0, "notifications": 0}
    User = get_user_model()
    sent = 0
    for (owner_id, kind), count in sorted(flagged.items()):
        users = User.objects.filter(
            person__roles__role="filling_station_operator", person__roles__organisation_id=owner_id, is_active=True
        ).distinct()
        message = (
            _("%(n)s of your cylinders are overdue for their periodic inspection: they must not be filled.")
            if kind == "overdue"
            else _("The periodic inspection of %(n)s of your cylinders falls due within 30 days.")
        ) % {"n": count}
        for user in users:
            Notification.objects.create(recipient=user, kind=f"cylinders.inspection_{kind}", message=message, link=_link(kind))
            sent += 1
    counts = {"due_soon": 0, "overdue": 0, "notifications": sent}
    for (_owner, kind), count in flagged.items():
        counts[kind] += count
    return counts
