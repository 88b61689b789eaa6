"""Scheduled jobs of the forklift platform: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="forklifts.reminders")
@task()
def reminders() -> dict[str, int]:
    """Flag trucks due for (or overdue for) their periodic inspection and drivers whose N1
    certificate expires within a month or has expired; notify their enterprises' managers."""
    from safecity.forklifts.services import forklifts_reminders

    return forklifts_reminders()
