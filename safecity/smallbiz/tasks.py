"""Scheduled jobs of the small and micro enterprise safety services: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="smallbiz.remind_overdue")
@task()
def remind_overdue() -> dict[str, int]:
    """Tell the engineer, the provider and the village committee about service visits not done
    after their due date, and engineers about the visits planned for tomorrow. Daily: due dates
    and planned days are days; a re-run tells nobody twice."""
    from safecity.smallbiz.services.visits import visits_remind_overdue

    return visits_remind_overdue()
