"""Scheduled and background jobs of the experience hall: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@task()
def texts_send(ids: list[int]) -> dict[str, int]:
    """Send text messages through the SMS gateway, enqueued when they are handed over."""
    from safecity.hall.sms import texts_send as send

    return send(ids)


@periodic(every=timedelta(minutes=1), name="hall.texts_retry")
@task()
def texts_retry() -> dict[str, int]:
    """Retry the text messages the gateway failed (or whose task was lost), up to five times."""
    from safecity.hall.sms import texts_send as send

    return send(None)


@periodic(every=timedelta(days=1), name="hall.housekeeping")
@task()
def housekeeping() -> dict[str, int]:
    """Daily: delete phone verifications and text messages past the days kept; close the waiting
    lists of sessions that have taken place."""
    from safecity.hall.services.retention import personal_data_purge, waiting_close

    return {**personal_data_purge(), "waiting_closed": waiting_close()}
