"""Scheduled jobs of the invitation-style inspections: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="invitations.refer_overdue")
@task()
def refer_overdue() -> dict[str, int]:
    """Refer the findings of invited inspections still unrectified after their deadline to normal
    enforcement (domain-rules §7b). Daily: deadlines are days."""
    from safecity.invitations.services.findings import findings_refer_overdue

    return {"referred": findings_refer_overdue()}
