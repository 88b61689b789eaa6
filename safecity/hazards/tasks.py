"""Scheduled jobs of the dual-prevention app: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(hours=1), name="hazards.generate_checks")
@task()
def generate_checks() -> dict[str, int]:
    """Create due checks from check tasks and mark missed ones overdue."""
    from safecity.hazards.services import check_records_generate

    return check_records_generate()


@periodic(every=timedelta(days=1), name="hazards.escalate")
@task()
def escalate() -> dict[str, int]:
    """Remind liable persons of overdue hazards, then escalate to the supervising officials."""
    from safecity.hazards.services import hazards_escalate

    return hazards_escalate()
