"""The engine's inputs and outputs: readings in, fire/clear events out (issue 14).

Times are float seconds since the Unix epoch (UTC). The ingest worker converts a payload's device
timestamp and its own receive time into these once, so the hot loop compares floats, and the state
it persists is plain JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """Warning levels, red the highest (Emergency Response Law; domain-rules §7)."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"


class Action(StrEnum):
    """What an event does to the (device, rule) alarm: open it or close it."""

    FIRE = "fire"
    CLEAR = "clear"


class Status(StrEnum):
    """What the engine did with a reading (for the ingest worker's counters and logs).

    ``evaluated``: in device-time order, rules ran. ``late``: older than the device's last
    evaluated reading, not evaluated (the worker still stores it; it only proves the device is
    alive). ``duplicate``: same (device time, sequence) as the last evaluated reading.
    ``future``: device time too far ahead of the receive time, not evaluated (it would otherwise
    make every later, correct reading look late).
    """

    EVALUATED = "evaluated"
    LATE = "late"
    DUPLICATE = "duplicate"
    FUTURE = "future"


@dataclass(frozen=True, slots=True)
class Reading:
    """One message from a device, as the ingest worker parsed it.

    ``values`` maps metric names to numbers or booleans (``speed_kmh``, ``belt_fastened``...).
    A reading may be partial: the engine keeps each device's last known values and position, and
    rules see the merged current state. ``position`` is ``(lon, lat)`` in degrees (WGS 84).
    """

    device_id: str
    seq: int
    device_ts: float
    received_ts: float
    values: Mapping[str, float] = field(default_factory=dict)
    position: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A rule opening (``fire``) or closing (``clear``) the alarm of one (device, rule).

    ``code`` is ``"<kind>.<action>"`` (``"state.fire"``); ``params`` hold the figures the UI words
    the reason from (the metric, its value, the limit, how long the condition held...). ``at`` is
    the device time of the causing reading, or the clock time of the tick for an absence.
    ``reading`` is the reading that caused the event, ``None`` for an absence fired by a tick.
    """

    device_id: str
    rule_id: str
    kind: str
    action: Action
    level: Level
    at: float
    code: str
    params: Mapping[str, Any]
    reading: Reading | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The engine's answer for one reading: what it did with it and the events it caused."""

    status: Status
    events: tuple[Event, ...] = ()
