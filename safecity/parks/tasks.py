"""Scheduled jobs of the factory-within-a-factory register: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="parks.findings_sweep")
@task()
def findings_sweep() -> dict[str, int]:
    """Raise the hidden hazards of the register's conditions (no valid agreement, a tenant not
    inspected in the landlord's period, a landlord inspecting none, three-in-one) and clear those
    that ended. Daily: agreements expire and inspection periods run out by the day."""
    from safecity.parks.services.findings import findings_sweep as sweep

    result = sweep()
    return {"raised": result.raised, "cleared": result.cleared, "parks": result.parks}
