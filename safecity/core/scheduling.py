"""Periodic jobs on top of django-tasks: a registry and a scheduler loop that enqueues them.

Each period of a job is claimed by inserting a :class:`ScheduledRun` row whose (job, slot) is
unique, so any number of workers may run the scheduler and each period is enqueued exactly once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger("safecity.scheduler")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django_tasks Task
    every: timedelta


_jobs: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta, name: str | None = None) -> Any:
    """Register a django-tasks task to be enqueued once per ``every``."""

    def decorate(task: Any) -> Any:
        job_name = name or f"{task.module_path}"
        _jobs[job_name] = PeriodicJob(name=job_name, task=task, every=every)
        return task

    return decorate


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def slot_start(now: datetime, every: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=now.tzinfo)
    periods = (now - epoch) // every
    return epoch + periods * every


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been claimed yet; return their names."""
    from safecity.core.models.scheduling import ScheduledRun

    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = slot_start(now, job.every)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker claimed this period
        enqueued.append(job.name)
    return enqueued


def run_scheduler(stop: threading.Event, tick: float = 30.0) -> None:
    while not stop.is_set():
        try:
            names = enqueue_due()
            if names:
                logger.info("enqueued periodic jobs: %s", ", ".join(names))
        except Exception:
            logger.exception("scheduler tick failed")
        stop.wait(tick)
