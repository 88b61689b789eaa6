"""Scheduled jobs of the key projects: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="keyprojects.reminders")
@task()
def reminders() -> dict[str, int]:
    """Remind lead departments before milestone dates; escalate projects that fall behind."""
    from safecity.keyprojects.services import keyprojects_reminders

    return keyprojects_reminders()
