"""The daily clock of the key projects: reminders before milestone dates, escalation when behind.

- A milestone not yet complete whose planned date falls within the plan's ``reminder_days`` from
  today is announced once to each officer of the lead department (a :class:`MilestoneReminder`
  row claims the reminder, so running the job twice sends nothing twice).
- Every row the job writes (reminders, observations, notifications) is recorded in the audit trail,
  one entry per row.
- When a project's computed status changes into "behind" or "seriously behind", the committee
  office (city administrators and city officials) is told once per change; the job keeps the last
  status it saw in :class:`StatusObservation`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core import audit
from safecity.core.models import Notification
from safecity.keyprojects import selectors
from safecity.keyprojects.choices import ProjectStatus, ReminderKind
from safecity.keyprojects.models import KeyProject, Milestone, MilestoneReminder, StatusObservation, YearPlan

ESCALATE = frozenset({ProjectStatus.BEHIND, ProjectStatus.SERIOUSLY_BEHIND})


def _link(project: KeyProject) -> str:
    try:
        return reverse("keyprojects:project-detail", args=[project.pk])
    except NoReverseMatch:
        return ""


def _department_officers(organisation_id: int) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            person__is_active=True,
            person__roles__role="department_officer",
            person__roles__organisation_id=organisation_id,
        )
        .distinct()
        .order_by("pk")
    )


def _committee() -> list[Any]:
    from django.conf import settings

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            person__is_active=True,
            person__roles__role__in=["city_admin", "city_official"],
            person__roles__jurisdiction__code=settings.SAFECITY_CITY_REGION_CODE,
        )
        .distinct()
        .order_by("pk")
    )


def _remind(milestone: Milestone, today: date) -> int:
    sent = 0
    project = milestone.project
    days = (milestone.planned_date - today).days
    message = _("Key project “%(p)s”: milestone “%(m)s” is due on %(d)s (in %(n)s days).") % {
        "p": project.name,
        "m": milestone.name,
        "d": milestone.planned_date,
        "n": days,
    }
    for user in _department_officers(project.lead_department_id):
        try:
            with transaction.atomic():
                MilestoneReminder.objects.create(milestone=milestone, kind=ReminderKind.MILESTONE_DUE, recipient=user)
                Notification.objects.create(
                    recipient=user, kind="keyprojects.milestone_due", message=message, link=_link(project)
                )
        except IntegrityError:
            continue  # already reminded
        sent += 1
    return sent


def _escalate(evaluation: selectors.Evaluation, today: date) -> int:
    project = evaluation.project
    last = project.observations.order_by("-observed_on", "-id").first()
    if last is not None and last.status == evaluation.status:
        return 0
    with transaction.atomic():
        StatusObservation.objects.create(project=project, status=evaluation.status, observed_on=today)
        if evaluation.status not in ESCALATE:
            return 0
        message = _("Key project “%(p)s” (%(lead)s) is %(s)s: %(a)s %% done, %(e)s %% expected.") % {
            "p": project.name,
            "lead": project.lead_department.name,
            "s": evaluation.status_label,
            "a": evaluation.actual,
            "e": evaluation.expected,
        }
        recipients = _committee()
        # Through the audit trail's bulk helper: one audit entry per notification (Notification has a
        # plain manager, whose bulk_create would record nothing).
        audit.bulk_create(
            Notification,
            [
                Notification(recipient=user, kind=f"keyprojects.{evaluation.status}", message=message, link=_link(project))
                for user in recipients
            ],
        )
    return len(recipients)


def keyprojects_reminders(*, today: date | None = None) -> dict[str, int]:
    """Send the due reminders and escalations of the current year's plan; return counts."""
    today = today or timezone.localdate()
    counts = {"reminders": 0, "escalations": 0}
    plan = YearPlan.objects.filter(year=today.year).first()
    if plan is None:
        return counts
    projects = list(
        KeyProject.objects.filter(plan=plan)
        .select_related("plan", "lead_department", "sub_system")
        .prefetch_related("milestones", "reports", "districts")
    )
    horizon = today + timedelta(days=plan.reminder_days)
    for project in projects:
        evaluation = selectors.evaluate(project, today)
        for milestone in project.milestones.all():
            if today <= milestone.planned_date <= horizon and evaluation.completions.get(milestone.pk, 0) < 100:
                milestone.project = project
                counts["reminders"] += _remind(milestone, today)
        counts["escalations"] += _escalate(evaluation, today)
    return counts
