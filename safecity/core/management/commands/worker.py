"""``safecity worker``: runs background tasks (django-tasks database backend) and the schedule."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from safecity.core.scheduling import run_scheduler

logger = logging.getLogger("safecity.worker")


class Command(BaseCommand):
    help = "Run the background-task worker and the scheduler that enqueues periodic jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-schedule", action="store_true", help="only run tasks, do not enqueue periodic jobs")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls for new tasks")
        parser.add_argument(
            "--queue-name",
            default="urgent,default",
            help="the queues to take tasks from, comma-separated (default: both; urgent tasks go first by priority)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"]:
            # The scheduler only enqueues rows (claimed by a unique constraint), so several workers
            # can run it at once without enqueuing a job twice; it logs and retries on errors.
            threading.Thread(target=run_scheduler, args=(stop,), name="scheduler", daemon=True).start()
        try:
            call_command("db_worker", interval=options["interval"], queue_name=options["queue_name"])
        finally:
            stop.set()
