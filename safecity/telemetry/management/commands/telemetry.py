"""``safecity telemetry <subcommand>``: the telemetry engine's processes (docs/telemetry.md).

Each subcommand lives in its own module under ``safecity.telemetry.cli``; add one by adding its
module to ``SUBCOMMANDS``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# subcommand name -> module with HELP, add_arguments(parser) and handle(command, **options)
SUBCOMMANDS: dict[str, str] = {
    "broker": "safecity.telemetry.cli.broker",
    "ingest": "safecity.telemetry.cli.ingest",
    "simulate": "safecity.telemetry.cli.simulate",
}


class Command(BaseCommand):
    help = "The telemetry engine: " + ", ".join(SUBCOMMANDS) + "."
    # Long-running processes (a broker, workers): loading every URL and view for the system
    # checks only delays their start; `safecity check` runs the checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, path in SUBCOMMANDS.items():
            module = import_module(path)
            module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))

    def handle(self, *args: Any, **options: Any) -> None:
        import_module(SUBCOMMANDS[options["subcommand"]]).handle(self, **options)
