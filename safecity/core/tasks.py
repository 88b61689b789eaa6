"""Core background jobs: thin wrappers that call services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safecity.core.scheduling import periodic


@periodic(every=timedelta(days=1), name="core.prune_task_results")
@task()
def prune_task_results() -> int:
    """Delete finished background-task results older than 30 days (the job table stays small)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=30)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


@periodic(every=timedelta(minutes=5), name="core.audit_seal")
@task()
def audit_seal() -> int:
    """Chain the audit entries committed since the last seal into segments, anchored in the ledger."""
    from safecity.core.audit_chain import audit_seal_all

    return len(audit_seal_all())


@task(queue_name="urgent", priority=100)
def deliveries_send(ids: list[int]) -> dict[str, int]:
    """Send urgent notifications over their second channels (e-mail, SMS), enqueued when they are written."""
    from safecity.core.delivery import deliveries_send as send

    return send(ids)


@periodic(every=timedelta(minutes=1), name="core.deliveries_retry")
@task()
def deliveries_retry() -> dict[str, int]:
    """Retry the second-channel deliveries that failed (or whose task was lost), up to five times."""
    from safecity.core.delivery import deliveries_send as send

    return send(None)
