"""What the ingest path knows about devices and rule sets, cached in the process and refreshed.

A batch of thousands of readings must not ask the database who each device is: the directory holds
every device's pk, status and rule set, re-read every ``REFRESH_S`` seconds (a revoked device is
refused from then on; the broker already refuses it at CONNECT), and looks up a serial it has not
seen at once (a device registered a moment ago), remembering a miss for a while so a flood from
an unknown serial costs no query per message. Rule sets are parsed once per version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from safecity.telemetry.choices import DeviceStatus
from safecity.telemetry.rules import Rule, RuleError, parse_rules

log = logging.getLogger("safecity.telemetry.ingest")

REFRESH_S = 10.0
MISS_TTL_S = 30.0


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    pk: int
    serial: str
    active: bool
    rule_set_id: int | None


class Directory:
    """Devices by serial and by pk, and each device's parsed rules (``rules_for``)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.by_serial: dict[str, DeviceInfo] = {}
        self.by_pk: dict[int, DeviceInfo] = {}
        self.rule_sets: dict[int, tuple[int, tuple[Rule, ...]]] = {}
        self.misses: dict[str, float] = {}
        self.loaded_at: float | None = None

    def refresh(self, *, force: bool = False) -> set[str]:
        """Re-read devices and rule sets (at most every ``REFRESH_S`` unless forced). Returns the
        serials whose rules changed (another rule set, or a new version of theirs)."""
        now = self.clock()
        if not force and self.loaded_at is not None and now - self.loaded_at < REFRESH_S:
            return set()
        from safecity.telemetry.models import Device, RuleSet

        old_keys = {serial: self.rules_key(serial) for serial in self.by_serial}
        versions = dict(RuleSet.objects.values_list("pk", "version"))
        for pk in list(self.rule_sets):
            if pk not in versions:
                del self.rule_sets[pk]
        stale = [pk for pk, version in versions.items() if self.rule_sets.get(pk, (None,))[0] != version]
        for pk, version, rules in RuleSet.objects.filter(pk__in=stale).values_list("pk", "version", "rules"):
            try:
                parsed = tuple(parse_rules(rules))
            except RuleError as error:  # RuleSet.clean refuses these; a raw write could still store one
                log.error("rule set %s version %s is invalid, its devices are not evaluated: %s", pk, version, error)
                parsed = ()
            self.rule_sets[pk] = (version, parsed)
        by_serial: dict[str, DeviceInfo] = {}
        for pk, serial, status, rule_set_id in Device.objects.values_list("pk", "serial", "status", "rule_set_id"):
            by_serial[serial] = DeviceInfo(pk, serial, status == DeviceStatus.ACTIVE, rule_set_id)
        self.by_serial = by_serial
        self.by_pk = {info.pk: info for info in by_serial.values()}
        self.misses.clear()
        self.loaded_at = now
        return {serial for serial, key in old_keys.items() if serial in by_serial and self.rules_key(serial) != key}

    def device(self, serial: str) -> DeviceInfo | None:
        """The device of ``serial`` (active or not), or None when no such device exists."""
        self.refresh()
        info = self.by_serial.get(serial)
        if info is not None:
            return info
        missed = self.misses.get(serial)
        if missed is not None and self.clock() - missed < MISS_TTL_S:
            return None
        from safecity.telemetry.models import Device

        row = Device.objects.filter(serial=serial).values_list("pk", "status", "rule_set_id").first()
        if row is None:
            if len(self.misses) > 10_000:
                self.misses.clear()
            self.misses[serial] = self.clock()
            return None
        info = DeviceInfo(row[0], serial, row[1] == DeviceStatus.ACTIVE, row[2])
        self.by_serial[serial] = info
        self.by_pk[info.pk] = info
        if info.rule_set_id is not None and info.rule_set_id not in self.rule_sets:
            self.refresh(force=True)
        return info

    def rules_for(self, serial: str) -> tuple[Rule, ...]:
        info = self.by_serial.get(serial)
        if info is None or info.rule_set_id is None:
            return ()
        return self.rule_sets.get(info.rule_set_id, (0, ()))[1]

    def rules_key(self, serial: str) -> str:
        """``<rule set pk>:<version>`` of the rules a device is evaluated with ("" for none); stored
        with its engine state (``EngineState.rules_version``)."""
        info = self.by_serial.get(serial)
        if info is None or info.rule_set_id is None or info.rule_set_id not in self.rule_sets:
            return ""
        return f"{info.rule_set_id}:{self.rule_sets[info.rule_set_id][0]}"
