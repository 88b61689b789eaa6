"""Scheduled jobs of the restaurant gas programme: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="restaurants.crosscheck")
@task()
def crosscheck() -> dict[str, Any]:
    """Cross-check the restaurants against the cylinder ledger (issue 15 §3): record what it finds
    and raise the hidden hazards of new findings. Daily: deliveries are daily, and a finding is a
    matter for the next inspection, not for the minute."""
    from safecity.restaurants.services.crosscheck import crosscheck_run

    return crosscheck_run().as_dict()


@periodic(every=timedelta(hours=1), name="restaurants.crosscheck_hazards")
@task()
def crosscheck_hazards() -> dict[str, int]:
    """Raise the hidden hazards of cross-check findings still without one (the backlog a large first
    run leaves beyond its limit), a bounded number per hour."""
    from safecity.restaurants.services.crosscheck import crosscheck_hazards_raise

    raised, waiting = crosscheck_hazards_raise()
    return {"hazards_raised": raised, "hazards_pending": waiting}


@periodic(every=timedelta(minutes=1), name="restaurants.leaks_escalate")
@task()
def leaks_escalate() -> dict[str, int]:
    """Escalate gas-leak alarms not dispositioned in time, or whose detector went silent during the alarm."""
    from safecity.restaurants.services.leaks import leaks_escalate as escalate

    return escalate()


@periodic(every=timedelta(days=1), name="restaurants.detector_check")
@task()
def detector_check() -> dict[str, Any]:
    """Flag the restaurants on bottled LPG without a gas detector, and raise their hidden hazards."""
    from safecity.restaurants.services.crosscheck import detector_check_run

    return detector_check_run().as_dict()
