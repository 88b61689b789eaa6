"""Scheduled jobs of fire cases: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="firecases.clocks")
@task()
def clocks() -> dict[str, int]:
    """Warn of replies due soon or overdue, hearings without timely notice, not-sue notices due."""
    from safecity.firecases.services import firecases_clocks

    return firecases_clocks()
