"""Background jobs of the health portraits: thin wrappers around the rescoring service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@task()
def rescore(year: int, organisation_ids: list[int] | None = None) -> int:
    """Rescore the portraits of ``year`` (all enterprises, or the given ones) after relevant changes."""
    from safecity.portraits.services import portraits_rescore

    return portraits_rescore(year=year, organisations=organisation_ids)


@periodic(every=timedelta(days=1), name="portraits.rescore_daily")
@task()
def rescore_daily() -> int:
    """Every day: rescore this year's portraits of every enterprise (deadlines pass without any write)."""
    from django.utils import timezone

    from safecity.portraits.services import portraits_rescore

    return portraits_rescore(year=timezone.localdate().year)


@periodic(every=timedelta(minutes=1), name="portraits.rescore_due")
@task()
def rescore_due() -> int:
    """Every minute: rescore the enterprises whose rescore request (outbox row) is due, i.e. whose
    hazards, registry, deep-check findings or fire inspections changed and then stayed quiet for
    the debounce delay."""
    from safecity.portraits.services import portraits_rescore_due

    return portraits_rescore_due()


@periodic(every=timedelta(hours=1), name="portraits.rescore_changed")
@task()
def rescore_changed() -> int:
    """Every hour: rescore this year's portraits of the enterprises whose hazards or registry rows
    carry a later ``updated_at`` than their portrait (a safety net for rows written outside the ORM;
    ORM writes reach the outbox within the debounce delay)."""
    from django.utils import timezone

    from safecity.portraits.services import portraits_rescore_changed

    return portraits_rescore_changed(year=timezone.localdate().year)
