"""Parsing a device's message: the topic names the device, the JSON payload holds one reading.

Topic ``safecity/v1/<serial>/readings``; payload (UTF-8 JSON object, at most ``MAX_PAYLOAD_BYTES``)::

    {"seq": 1042, "ts": "2026-12-06T09:30:12.250+08:00", "values": {"speed_kmh": 6.2, "belt_fastened": true},
     "pos": [119.9512, 31.7805]}

- ``seq``: the device's own counter, a whole number from 0; it never goes back while the device
  keeps its clock (with ``ts`` it is the reading's identity: a redelivered message is skipped);
- ``ts``: the device time, ISO 8601 *with* an offset (``Z`` or ``+08:00``) or whole milliseconds
  since the Unix epoch (a number);
- ``values``: metric name (``[a-z][a-z0-9_]*``, at most 40 characters) to a finite number or a
  boolean; at most ``MAX_METRICS`` metrics; may be empty (a heartbeat);
- ``pos`` (optional): ``[lon, lat]`` in degrees, WGS 84;
- ``driver`` (optional): the authorisation card or face id the terminal read when the vehicle
  started, sent with the first reading after each start (TSG 81-2022: forklifts made from
  2023-12-01 report their driver on start). Apps check it through
  :mod:`safecity.telemetry.hooks` (the forklift platform: unknown driver, expired certificate...).

Anything else (another key, a string value, ``NaN``, a NUL byte, a naive timestamp) is *malformed*:
a device's firmware is fixed, so a strict parser shows its bug at once instead of storing half of
what it meant. Nothing here touches the database: the checks that need it (the device exists and
is active, the time is inside the stored window, the sequence is new) are in
:mod:`safecity.telemetry.ingest.store`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from safecity.telemetry.choices import RejectReason
from safecity.telemetry.models import SERIAL, TOPIC_ROOT

MAX_PAYLOAD_BYTES = 8192
MAX_METRICS = 64
MAX_SEQ = 2**63 - 1
METRIC = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEYS = frozenset({"seq", "ts", "values", "pos", "driver"})
DRIVER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$")
READINGS_SUFFIX = "readings"
# Epoch milliseconds outside these bounds are a device clock that was never set, not a time.
MIN_EPOCH_MS = 946_684_800_000  # 2000-01-01
MAX_EPOCH_MS = 4_102_444_800_000  # 2100-01-01


# Metric names already checked against METRIC: a fleet sends the same few names millions of times.
# Bounded, so a device inventing names cannot grow it without end (past the bound, names are
# checked each time).
_METRICS_SEEN: set[str] = set()
_METRICS_SEEN_MAX = 4096


def readings_topic(serial: str) -> str:
    return f"{TOPIC_ROOT}/{serial}/{READINGS_SUFFIX}"


class Refused(Exception):
    """A message that will not be stored: ``reason`` is a :class:`RejectReason`, ``detail`` says why
    in a line for the log and the counter's last example."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail[:300]


@dataclass(frozen=True, slots=True)
class Payload:
    """One parsed reading, not yet matched to a device. ``ts_us`` is the device time in whole
    microseconds since the epoch (the stored column's precision, so the unique key compares exactly)."""

    serial: str
    seq: int
    ts_us: int
    values: dict[str, float | bool] = field(default_factory=dict)
    pos: tuple[float, float] | None = None
    driver: str | None = None

    @property
    def device_ts(self) -> datetime:
        return datetime.fromtimestamp(self.ts_us // 1_000_000, UTC).replace(microsecond=self.ts_us % 1_000_000)


def serial_from_topic(topic: str) -> str:
    """The serial a readings topic names; :class:`Refused` (wrong topic) for any other topic."""
    if "\x00" in topic:
        raise Refused(RejectReason.MALFORMED, "NUL in the topic")
    parts = topic.split("/")
    if len(parts) != 4 or f"{parts[0]}/{parts[1]}" != TOPIC_ROOT or parts[3] != READINGS_SUFFIX:
        raise Refused(RejectReason.WRONG_TOPIC, f"not {TOPIC_ROOT}/<serial>/{READINGS_SUFFIX}: {topic[:120]!r}")
    if not SERIAL.match(parts[2]):
        raise Refused(RejectReason.WRONG_TOPIC, f"not a serial number: {parts[2][:60]!r}")
    return parts[2]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


# One decoder for every payload: json.loads with an argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _ts_us(value: Any) -> int:
    if _number(value):
        if not MIN_EPOCH_MS <= value <= MAX_EPOCH_MS:
            raise Refused(RejectReason.MALFORMED, f"ts {value!r}: epoch milliseconds out of range (device clock not set?)")
        return round(value * 1000)
    if isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise Refused(RejectReason.MALFORMED, f"ts {value!r}: an ISO time needs its offset (Z or +08:00)")
            if not 2000 <= moment.year < 2100:
                raise Refused(RejectReason.MALFORMED, f"ts {value!r}: year out of range (device clock not set?)")
            delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
            return delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds
    raise Refused(RejectReason.MALFORMED, f"ts {str(value)[:60]!r}: neither ISO 8601 with an offset nor epoch milliseconds")


def parse_payload(serial: str, raw: bytes) -> Payload:
    """Parse and check one payload of ``serial``; raises :class:`Refused` (malformed)."""
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise Refused(RejectReason.MALFORMED, f"{len(raw)} bytes, more than {MAX_PAYLOAD_BYTES}")
    if b"\x00" in raw:
        raise Refused(RejectReason.MALFORMED, "NUL byte in the payload")
    try:
        data = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))  # as json.loads does
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused(RejectReason.MALFORMED, f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise Refused(RejectReason.MALFORMED, "not a JSON object")
    if not KEYS.issuperset(data):
        raise Refused(RejectReason.MALFORMED, f"unknown keys {sorted(set(data) - KEYS)[:5]}")
    seq = data.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_SEQ:
        raise Refused(RejectReason.MALFORMED, f"seq {str(seq)[:40]!r}: not a whole number from 0")
    if "ts" not in data:
        raise Refused(RejectReason.MALFORMED, "ts is missing")
    ts_us = _ts_us(data["ts"])
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise Refused(RejectReason.MALFORMED, "values: not an object")
    if len(values) > MAX_METRICS:
        raise Refused(RejectReason.MALFORMED, f"values: {len(values)} metrics, more than {MAX_METRICS}")
    for name, value in values.items():
        if name not in _METRICS_SEEN:
            if not METRIC.match(name):
                raise Refused(RejectReason.MALFORMED, f"values: {name[:50]!r} is not a metric name")
            if len(_METRICS_SEEN) < _METRICS_SEEN_MAX:
                _METRICS_SEEN.add(name)
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):  # "1e999" parses as inf
                raise Refused(RejectReason.MALFORMED, f"values.{name}: {value!r} is not a finite number")
        elif kind is not int and kind is not bool:
            raise Refused(RejectReason.MALFORMED, f"values.{name}: {str(value)[:40]!r} is not a number or a boolean")
    pos = data.get("pos")
    position = None
    if pos is not None:
        if not (isinstance(pos, list) and len(pos) == 2 and all(_number(v) for v in pos)):
            raise Refused(RejectReason.MALFORMED, "pos: not [lon, lat]")
        lon, lat = float(pos[0]), float(pos[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise Refused(RejectReason.MALFORMED, f"pos: [{lon}, {lat}] is not a longitude and latitude")
        position = (lon, lat)
    driver = data.get("driver")
    if driver is not None and not (isinstance(driver, str) and DRIVER.match(driver)):
        raise Refused(RejectReason.MALFORMED, "driver: not a card or face id (1-64 letters, digits, : . _ -)")
    return Payload(serial, seq, ts_us, values, position, driver)


def parse_message(topic: str, raw: bytes) -> Payload:
    """Parse one MQTT message (topic and payload); raises :class:`Refused`."""
    return parse_payload(serial_from_topic(topic), raw)
