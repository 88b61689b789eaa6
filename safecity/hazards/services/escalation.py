"""Deadlines and escalation of hidden hazards (run daily by the scheduler)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HiddenHazard


def _supervisors(hazard: HiddenHazard) -> list[Any]:
    """District/city officials whose jurisdiction covers the hazard's enterprise."""
    from safecity.core.models import RoleAssignment

    path = hazard.organisation.region.path
    from django.db.models import Q

    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(
            role__in=["district_official", "city_official"], person__user__isnull=False, person__is_active=True
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("person__user", "jurisdiction")
    )
    return [r.person.user for r in rows if path.startswith(r.jurisdiction.path)]


def _notify(hazard: HiddenHazard, kind: str, recipients: list[Any], message: str) -> int:
    from safecity.hazards.models import HazardReminder

    sent = 0
    for user in recipients:
        _, created = HazardReminder.objects.get_or_create(hazard=hazard, kind=kind, recipient=user)
        if created:
            Notification.objects.create(recipient=user, kind=f"hazards.{kind}", message=message, link=f"/hazards/{hazard.pk}/")
            sent += 1
    return sent


def hazards_escalate(*, today: date | None = None) -> dict[str, int]:
    """The daily escalation (run by the scheduler): overdue hazards go to the liable person first,
    then, after SAFECITY_ESCALATE_AFTER_DAYS, to the supervising officials; major hazards whose
    acceptance is past its 10-day window go to the officials. Each reminder is sent once."""
    today = today or timezone.localdate()
    counts = {"overdue_liable": 0, "overdue_supervisor": 0, "acceptance_overdue": 0}
    overdue = HiddenHazard.objects.filter(
        state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING], deadline__lt=today
    ).select_related("organisation__region", "liable_person__user")
    escalate_before = today - timedelta(days=settings.SAFECITY_ESCALATE_AFTER_DAYS)
    for hazard in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            liable = hazard.liable_person.user if hazard.liable_person and hazard.liable_person.user else None
            if liable is not None:
                counts["overdue_liable"] += _notify(
                    hazard,
                    "overdue_liable",
                    [liable],
                    _("Hidden hazard %(code)s is past its deadline %(deadline)s.")
                    % {"code": hazard.code, "deadline": hazard.deadline},
                )
            if hazard.deadline is not None and hazard.deadline < escalate_before:
                counts["overdue_supervisor"] += _notify(
                    hazard,
                    "overdue_supervisor",
                    _supervisors(hazard),
                    _("Hidden hazard %(code)s at %(org)s is overdue since %(deadline)s.")
                    % {"code": hazard.code, "org": hazard.organisation.name, "deadline": hazard.deadline},
                )
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    cutoff = midnight - timedelta(days=settings.SAFECITY_MAJOR_ACCEPTANCE_DAYS)
    late = HiddenHazard.objects.filter(
        state=HazardState.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR, acceptance_requested_at__lt=cutoff
    ).select_related("organisation__region")
    for hazard in late.iterator(chunk_size=500):
        with transaction.atomic():
            counts["acceptance_overdue"] += _notify(
                hazard,
                "acceptance_overdue",
                _supervisors(hazard),
                _("Major hidden hazard %(code)s has waited more than %(days)s days for acceptance.")
                % {"code": hazard.code, "days": settings.SAFECITY_MAJOR_ACCEPTANCE_DAYS},
            )
    return counts
