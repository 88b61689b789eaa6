"""Builders for the ingest tests: a forklift rule set, devices registered through the service, and
messages as a device would publish them."""

from __future__ import annotations

import json
import time
from typing import Any

from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.ingest.payload import readings_topic
from safecity.telemetry.ingest.store import Message
from safecity.telemetry.models import RuleSet

RULES: list[dict[str, Any]] = [
    {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 10},
    {"id": "collision", "kind": "threshold", "level": "red", "metric": "accel_g", "op": ">", "value": 1.5},
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 60},
]


def rule_set(organisation: Any = None, rules: list[dict[str, Any]] | None = None) -> RuleSet:
    return RuleSet.objects.create(name="forklifts", organisation=organisation, rules=rules or RULES)


def device(city: Any, serial: str, *, rules: RuleSet | None = None) -> tuple[Any, Any]:
    """A forklift tracker of enterprise A registered by the city administrator: (device, credentials)."""
    from safecity.telemetry.services.devices import device_register

    return device_register(
        actor=city.superuser,
        serial=serial,
        kind=DeviceKind.FORKLIFT_TRACKER,
        organisation=city.enterprise_a,
        rule_set=rules,
    )


def payload(seq: int, ts: float, **values: Any) -> bytes:
    """A device's JSON payload with its time in epoch milliseconds."""
    pos = values.pop("pos", None)
    body: dict[str, Any] = {"seq": seq, "ts": round(ts * 1000), "values": values}
    if pos is not None:
        body["pos"] = list(pos)
    return json.dumps(body).encode()


def message(serial: str, seq: int, ts: float | None = None, *, received: float | None = None, **values: Any) -> Message:
    now = time.time()
    return Message(
        readings_topic(serial), payload(seq, now if ts is None else ts, **values), now if received is None else received
    )
