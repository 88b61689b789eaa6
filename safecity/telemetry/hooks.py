"""Checks an app adds to the ingest path, for what rules declared as data cannot say.

A driver check needs the registry: whether the card or face id a forklift's terminal read at
start-up belongs to a driver with a valid certificate, authorised by the truck's enterprise (TSG
81-2022; order No. 74). The ingest store calls each registered hook, inside the batch's
transaction, for every evaluated reading that reports a ``driver``; a hook returns engine events
(fire or clear of its own rule id), which open and close alarms exactly like a rule's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from safecity.telemetry.rules import Event


@dataclass(frozen=True, slots=True)
class DriverReport:
    """A start-up as a device reported it: which device, who, when (device time, epoch seconds)."""

    device_pk: int
    serial: str
    driver: str
    at: float
    seq: int
    position: tuple[float, float] | None


DriverHook = Callable[[DriverReport], list[Event]]
_driver_hooks: list[DriverHook] = []


def register_driver_hook(hook: DriverHook) -> None:
    if hook not in _driver_hooks:
        _driver_hooks.append(hook)


def driver_events(report: DriverReport) -> list[Event]:
    events: list[Event] = []
    for hook in _driver_hooks:
        events.extend(hook(report))
    return events


MountHook = Callable[[Any, Any, Any], None]
_mount_hooks: dict[str, MountHook] = {}


def register_mount_hook(model_label: str, hook: MountHook) -> None:
    """Let an app record on its own object that a device was fitted to it (``hook(actor, obj,
    device)``, called by ``device_register`` inside its transaction; it may refuse with a
    ValidationError): the forklift platform links the truck to its monitoring device."""
    _mount_hooks[model_label.lower()] = hook


def device_mounted(actor: Any, obj: Any, device: Any) -> None:
    hook = _mount_hooks.get(obj._meta.label_lower)
    if hook is not None:
        hook(actor, obj, device)


SiteProvider = Callable[[], Mapping[str, Any]]
_site_providers: list[SiteProvider] = []


def register_site_provider(provider: SiteProvider) -> None:
    """Let an app say where the simulator drives its devices (serial -> ``simulator.Site``): the
    forklift platform's demo trucks drive in their own plants, among their own zones."""
    if provider not in _site_providers:
        _site_providers.append(provider)


def simulator_sites() -> dict[str, Any]:
    sites: dict[str, Any] = {}
    for provider in _site_providers:
        sites.update(provider())
    return sites


AlarmHook = Callable[[list[Any]], None]
_alarm_hooks: list[AlarmHook] = []


def register_alarm_hook(hook: AlarmHook) -> None:
    """Let an app follow the alarms its devices open (``hook(alarms)``, called by the alarm service
    inside the ingest batch's transaction, after their notifications): the restaurant programme
    keeps a disposition record of each gas-leak alarm."""
    if hook not in _alarm_hooks:
        _alarm_hooks.append(hook)


def alarms_opened(alarms: list[Any]) -> None:
    for hook in _alarm_hooks:
        hook(alarms)
