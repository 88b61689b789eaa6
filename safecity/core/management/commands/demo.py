"""``safecity demo``: migrate, load the demo city, then run the production server and worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from safecity.core.demo import DEMO_PASSWORD
from safecity.core.demo.city import DEMO_LOGINS
from safecity.core.management.commands.serve import ensure_static, gunicorn_argv
from safecity.telemetry.broker import MOSQUITTO


class Command(BaseCommand):
    help = "Migrate, seed the demo city and serve it with the production server and worker (one process group)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo city ...")
        call_command("seed_demo", if_empty=True, stdout=self.stdout)
        ensure_static()
        self.stdout.write(self.style.SUCCESS(f"\nSafeCity demo: http://{options['bind']}/"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, who in DEMO_LOGINS:
            self.stdout.write(f"  {username:<20} {who}")
        self.stdout.write("")
        if options["no_serve"]:
            return
        children = [
            subprocess.Popen(gunicorn_argv(options["bind"], 2)),  # noqa: S603 - our own argv
            subprocess.Popen([sys.executable, "-m", "safecity.cli", "worker"]),
        ]
        if not settings.TELEMETRY_MQTT_HOST:
            # The telemetry broker of the demo: a private Mosquitto on TELEMETRY_BROKER_PORT with
            # the devices' password and ACL files (docs/telemetry.md, "Devices and the broker").
            if os.path.exists(MOSQUITTO):
                children.append(subprocess.Popen([sys.executable, "-m", "safecity.cli", "telemetry", "broker"]))
            else:
                self.stderr.write(f"No telemetry broker: {MOSQUITTO} is missing (Debian package mosquitto).")
        if settings.TELEMETRY_MQTT_HOST or os.path.exists(MOSQUITTO):
            children += self._telemetry_processes()

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _telemetry_processes(self) -> list[subprocess.Popen[bytes]]:
        """An ingest worker and the live simulator of the demo's forklifts, once the broker
        accepts connections (a visitor sees the trucks move and an alarm fire within a minute)."""
        import socket

        from safecity.telemetry.broker import broker_address

        host, port = broker_address()
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stderr.write(f"The telemetry broker at {host}:{port} does not answer: no live forklifts.")
                    return []
                time.sleep(0.3)
        cli = [sys.executable, "-m", "safecity.cli", "telemetry"]
        self.stdout.write("Live forklifts: an ingest worker and the simulator (safecity telemetry simulate) started.")
        return [
            subprocess.Popen([*cli, "ingest", "--group", "demo"]),  # noqa: S603 - our own argv
            subprocess.Popen(  # noqa: S603 - our own argv
                [*cli, "simulate", "--existing", "--prefix", "CZFL", "--rate", "1", "--violation-rate", "0.004"]
            ),
        ]
