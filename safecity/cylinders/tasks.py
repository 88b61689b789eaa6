"""Scheduled jobs of the cylinders app: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="cylinders.inspection_reminders")
@task()
def inspection_reminders() -> dict[str, int]:
    """Flag cylinders due for periodic inspection within 30 days or overdue; notify their units."""
    from safecity.cylinders.services import cylinders_inspection_reminders

    return cylinders_inspection_reminders()
