"""``safecity telemetry simulate``: simulated forklifts publishing through the broker
(:mod:`safecity.telemetry.ingest.simulator`).

Which devices: ``--devices N`` registers (or reuses) N simulated trackers ``SIM-00001``... of an
organisation with the simulator's forklift rule set; ``--existing [--prefix P]`` drives the active
devices already registered (e.g. the demo's trucks). A device's password is stored only as the
broker's hash, so the simulator issues each device new credentials through the device service
(audited) before it connects: point it only at simulated devices, never at a real truck's tracker.

``--history-days N`` first writes N days of past readings ending now straight through the ingest
store (no broker), so the demo opens on a week of routes and alarms.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

HELP = "Publish simulated forklift streams through the broker (and optionally past days of history)."
RULE_SET_NAME = "模拟叉车规则 (simulator)"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--devices", type=int, default=0, help="register or reuse N simulated devices SIM-00001...")
    parser.add_argument("--existing", action="store_true", help="drive the active devices already registered")
    parser.add_argument("--prefix", default="", help="with --existing: only serials starting with this")
    parser.add_argument("--organisation", type=int, default=None, help="organisation id of generated devices")
    parser.add_argument("--rate", type=float, default=0.2, help="readings per second per device (default 0.2)")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument("--violation-rate", type=float, default=0.002, help="chance per reading of a violation")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--history-days", type=int, default=0, help="first write N days of past readings")
    parser.add_argument("--history-interval", type=float, default=60.0, help="seconds between history readings")


def _actor() -> Any:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        raise CommandError("The simulator registers devices as a superuser: create one first (safecity createsuperuser).")
    return actor


def simulated_devices(count: int, *, organisation_id: int | None, actor: Any) -> list[tuple[str, str]]:
    """(serial, password) of ``count`` simulated devices, registered or given new credentials."""
    from safecity.core.models import Organisation
    from safecity.telemetry.choices import DeviceKind
    from safecity.telemetry.ingest.simulator import FORKLIFT_RULES
    from safecity.telemetry.models import Device, RuleSet
    from safecity.telemetry.services.devices import device_register, device_rotate_credentials

    orgs = Organisation.objects.filter(kind="enterprise")
    organisation = orgs.filter(pk=organisation_id).first() if organisation_id else orgs.order_by("pk").first()
    if organisation is None:
        raise CommandError("No enterprise to register the simulated devices for (--organisation).")
    rule_set, _ = RuleSet.objects.get_or_create(name=RULE_SET_NAME, organisation=None, defaults={"rules": FORKLIFT_RULES})
    made = []
    for n in range(1, count + 1):
        serial = f"SIM-{n:05d}"
        existing = Device.objects.filter(serial=serial).first()
        if existing is None:
            _device, credentials = device_register(
                actor=actor,
                serial=serial,
                kind=DeviceKind.FORKLIFT_TRACKER,
                organisation=organisation,
                name=f"模拟叉车 {n}",
                rule_set=rule_set,
            )
        else:
            credentials = device_rotate_credentials(actor=actor, device=existing)
        made.append((serial, credentials.mqtt_password))
    return made


def existing_devices(prefix: str, *, actor: Any) -> list[tuple[str, str]]:
    from safecity.telemetry.choices import DeviceStatus
    from safecity.telemetry.models import Device
    from safecity.telemetry.services.devices import device_rotate_credentials

    devices = Device.objects.filter(status=DeviceStatus.ACTIVE, serial__startswith=prefix).order_by("serial")
    return [(d.serial, device_rotate_credentials(actor=actor, device=d).mqtt_password) for d in devices]


def handle(command: BaseCommand, **options: Any) -> None:
    from safecity.telemetry.broker import broker_address
    from safecity.telemetry.ingest import simulator

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("safecity.telemetry").setLevel(logging.INFO)
    if bool(options["devices"]) == bool(options["existing"]):
        raise CommandError("Say which devices: --devices N (simulated ones) or --existing [--prefix P].")
    actor = _actor()
    if options["existing"]:
        devices = existing_devices(options["prefix"], actor=actor)
    else:
        devices = simulated_devices(options["devices"], organisation_id=options["organisation"], actor=actor)
    if not devices:
        raise CommandError("No active device matches.")
    out = command.stdout if command is not None else None
    from safecity.telemetry.hooks import simulator_sites

    # Devices an app placed (the forklift platform's demo trucks in their plants) drive there.
    sites = simulator_sites() if options["existing"] else {}
    if options["history_days"]:
        stored = simulator.history(
            [s for s, _ in devices],
            sites=sites,
            days=options["history_days"],
            seed=options["seed"],
            interval_s=options["history_interval"],
            violation_rate=options["violation_rate"],
        )
        if out:
            out.write(f"{stored} readings of {options['history_days']} past days stored for {len(devices)} devices")
    if options["duration"] == 0:
        return
    host, port = broker_address()
    published = simulator.simulate(
        devices,
        host=host,
        port=port,
        rate=options["rate"],
        duration=options["duration"],
        seed=options["seed"],
        violation_rate=options["violation_rate"],
        sites=sites,
    )
    if out:
        out.write(f"{published} readings published by {len(devices)} devices")
