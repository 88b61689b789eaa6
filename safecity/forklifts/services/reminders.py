"""The daily reminders: a truck's periodic inspection due within a month or overdue (TSG 81-2022:
requested 1 month before), a driver's N1 certificate expiring within a month or expired (renewal
at least 1 month before, TSG Z6001-2019). Each is claimed once per truck or driver, kind and due
date (a :class:`ForkliftReminder` row), and the enterprise's managers get one notification per
kind listing how many were newly flagged."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification
from safecity.forklifts import compliance
from safecity.forklifts.choices import CertificateStatus, ForkliftStatus, InspectionStatus, ReminderKind
from safecity.forklifts.models import Forklift, ForkliftReminder, Operator

INSPECTION_KINDS: dict[str, str] = {
    InspectionStatus.DUE_SOON: ReminderKind.INSPECTION_DUE_SOON,
    InspectionStatus.OVERDUE: ReminderKind.INSPECTION_OVERDUE,
}
CERTIFICATE_KINDS: dict[str, str] = {
    CertificateStatus.EXPIRING: ReminderKind.CERTIFICATE_EXPIRING,
    CertificateStatus.EXPIRED: ReminderKind.CERTIFICATE_EXPIRED,
}
LINKS = {
    ReminderKind.INSPECTION_DUE_SOON: ("forklifts:list", "inspection=due_soon"),
    ReminderKind.INSPECTION_OVERDUE: ("forklifts:list", "inspection=overdue"),
    ReminderKind.CERTIFICATE_EXPIRING: ("forklifts:operators", "certificate=expiring"),
    ReminderKind.CERTIFICATE_EXPIRED: ("forklifts:operators", "certificate=expired"),
}


def _message(kind: str, n: int) -> str:
    texts = {
        ReminderKind.INSPECTION_DUE_SOON: _(
            "The periodic inspection of %(n)s of your forklifts falls due within a month: request it now."
        ),
        ReminderKind.INSPECTION_OVERDUE: _(
            "%(n)s of your forklifts are overdue for their periodic inspection: they may not be used."
        ),
        ReminderKind.CERTIFICATE_EXPIRING: _(
            "The N1 certificates of %(n)s of your drivers expire within a month: apply for renewal."
        ),
        ReminderKind.CERTIFICATE_EXPIRED: _("The N1 certificates of %(n)s of your drivers have expired: they may not drive."),
    }
    return texts[kind] % {"n": n}  # type: ignore[index]


def _link(kind: str) -> str:
    name, query = LINKS[kind]  # type: ignore[index]
    try:
        return f"{reverse(name)}?{query}"
    except NoReverseMatch:
        return ""


def forklifts_reminders(*, today: date | None = None) -> dict[str, int]:
    """Flag what fell due; notify each enterprise's managers once per kind. Idempotent."""
    today = today or timezone.localdate()
    horizon = compliance.add_months(today, compliance.REMINDER_MONTHS)
    rows: list[ForkliftReminder] = []
    flagged: dict[tuple[int, str], int] = {}
    existing = set(
        ForkliftReminder.objects.filter(due_on__lte=horizon).values_list("forklift_id", "operator_id", "kind", "due_on")
    )
    trucks = Forklift.objects.exclude(status=ForkliftStatus.SCRAPPED).filter(next_inspection_on__lte=horizon)
    for pk, org, due in trucks.values_list("pk", "organisation_id", "next_inspection_on"):
        status = compliance.inspection_status(next_inspection_on=due, today=today)
        kind = INSPECTION_KINDS.get(status)
        if kind is None or (pk, None, kind, due) in existing:
            continue
        rows.append(ForkliftReminder(organisation_id=org, forklift_id=pk, kind=kind, due_on=due))
        flagged[(org, kind)] = flagged.get((org, kind), 0) + 1
    drivers = Operator.objects.filter(is_active=True, certificate_valid_until__lte=horizon)
    for pk, org, until in drivers.values_list("pk", "organisation_id", "certificate_valid_until"):
        status = compliance.certificate_status(valid_until=until, today=today)
        kind = CERTIFICATE_KINDS.get(status)
        if kind is None or (None, pk, kind, until) in existing:
            continue
        rows.append(ForkliftReminder(organisation_id=org, operator_id=pk, kind=kind, due_on=until))
        flagged[(org, kind)] = flagged.get((org, kind), 0) + 1
    counts = dict.fromkeys(ReminderKind.values, 0) | {"notifications": 0}
    if not rows:
        return counts
    try:
        with transaction.atomic():
            ForkliftReminder.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        return counts  # another worker claimed them at the same time: it notifies
    User = get_user_model()
    for (org, kind), n in sorted(flagged.items()):
        counts[kind] += n
        users = User.objects.filter(
            person__roles__role="enterprise_manager", person__roles__organisation_id=org, is_active=True
        ).distinct()
        for user in users:
            Notification.objects.create(recipient=user, kind=f"forklifts.{kind}", message=_message(kind, n), link=_link(kind))
            counts["notifications"] += 1
    return counts
