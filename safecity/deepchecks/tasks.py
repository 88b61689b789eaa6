"""Background jobs of the deep safety check: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def schedule_campaign(run_id: int) -> str:
    """Solve a campaign's panel schedule (minutes for a large campaign, so never in a request)."""
    from safecity.deepchecks.models import ScheduleRun
    from safecity.deepchecks.services import schedule_execute

    run = ScheduleRun.objects.select_related("campaign__region").get(pk=run_id)
    return schedule_execute(run=run).status
