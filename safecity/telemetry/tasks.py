"""Scheduled jobs of the telemetry engine: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(minutes=1), name="telemetry.alarms_escalate")
@task()
def alarms_escalate() -> dict[str, int]:
    """Escalate firing alarms nobody acknowledged; raise the hidden hazards of long-open alarms."""
    from safecity.telemetry.services.alarms import alarms_escalate as escalate

    return escalate()


@periodic(every=timedelta(days=1), name="telemetry.readings_retain")
@task()
def readings_retain() -> dict[str, int]:
    """Fold raw readings past the retention period into per-minute aggregates, then remove them."""
    from safecity.telemetry.storage import readings_retain as retain

    return retain()


@periodic(every=timedelta(days=1), name="telemetry.partitions_ensure")
@task()
def partitions_ensure() -> list[str]:
    """Create the reading table's monthly partitions ahead of time (PostgreSQL; nothing elsewhere)."""
    from safecity.telemetry.storage import partitions_ensure as ensure

    return ensure()
