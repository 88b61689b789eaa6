"""``safecity telemetry ingest``: the MQTT ingest worker (:mod:`safecity.telemetry.ingest.worker`).

Run several with the same ``--group`` to split the stream (MQTT v5 shared subscription); give each a
``--client-id`` of its own that stays the same across restarts (its session and its queued share of
the stream are found under it)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

HELP = "Store and evaluate device readings from the broker (MQTT v5 shared subscription, QoS 1)."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--group", default="ingest", help="shared-subscription group (workers of a group split the stream)")
    parser.add_argument("--client-id", default=None, help="MQTT client id, stable across restarts (default: host and group)")
    parser.add_argument("--batch-size", type=int, default=None, help="messages per batch (default TELEMETRY_BATCH_SIZE)")
    parser.add_argument("--batch-ms", type=int, default=None, help="longest wait for a batch (default TELEMETRY_BATCH_MS)")
    parser.add_argument("--tick", type=float, default=None, help="seconds between absence checks (default 5)")


def handle(command: BaseCommand, **options: Any) -> None:
    from safecity.telemetry.ingest.worker import Worker, WorkerConfig

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("safecity.telemetry.ingest").setLevel(logging.INFO)
    config = WorkerConfig.from_settings(
        group=options.get("group"),
        client_id=options.get("client_id"),
        batch_size=options.get("batch_size"),
        batch_ms=options.get("batch_ms"),
        tick_s=options.get("tick"),
    )
    Worker(config).run()
