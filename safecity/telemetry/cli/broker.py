"""``safecity telemetry broker``: run the platform's own Mosquitto in the foreground.

For the demo and a single machine with no broker configured (``TELEMETRY_MQTT_HOST`` empty): it
writes the password and ACL files from the database into ``TELEMETRY_BROKER_DIR`` and runs
``/usr/sbin/mosquitto`` on 127.0.0.1:``TELEMETRY_BROKER_PORT``. Device changes made by any other
process reach it through the pid file in that directory (SIGHUP). Stops on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

HELP = "Run the platform's own Mosquitto (when TELEMETRY_MQTT_HOST is empty) in the foreground."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--port", type=int, default=None, help="listen on this port (default: TELEMETRY_BROKER_PORT)")
    parser.add_argument("--directory", default=None, help="configuration, files and data (default: TELEMETRY_BROKER_DIR)")


def handle(command: BaseCommand, *, port: int | None = None, directory: str | None = None, **_: Any) -> None:
    from django.conf import settings

    from safecity.telemetry.broker import BrokerError, ManagedBroker

    if settings.TELEMETRY_MQTT_HOST:
        raise CommandError(
            f"A broker is configured (TELEMETRY_MQTT_HOST={settings.TELEMETRY_MQTT_HOST}): the platform does not run "
            "one of its own. Point that broker at the password and ACL files in TELEMETRY_BROKER_DIR, or unset "
            "TELEMETRY_MQTT_HOST."
        )
    broker = ManagedBroker(
        Path(directory) if directory else settings.TELEMETRY_BROKER_DIR,
        port if port is not None else settings.TELEMETRY_BROKER_PORT,
    )

    def stop(signum: int, frame: Any) -> None:
        # Only ask: the main thread is waiting for the process and cleans up once it exits
        # (Mosquitto saves its persistence file on SIGTERM).
        process = broker.process
        if process is not None and process.poll() is None:
            process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            broker.start()
        except BrokerError as error:
            raise CommandError(str(error)) from error
        command.stdout.write(
            f"Mosquitto on {broker.host}:{broker.port}, files in {broker.directory} (log: {broker.log_path}); "
            f"ingest account {broker.ingest.username}. Ctrl-C stops it."
        )
        status = broker.wait()
    finally:
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if status not in (0, -signal.SIGTERM):
        raise CommandError(f"mosquitto exited with status {status}: see {broker.log_path}")
