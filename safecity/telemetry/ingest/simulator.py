"""Simulated forklifts (``safecity telemetry simulate``): trucks driving routes inside a plant in
武进区, Changzhou, with injected violations, for the demo and the benchmark.

Each truck loops over a route between the plant's stations (warehouse, loading dock, yard), drives
at up to 8 km/h (3 km/h in the pedestrian lane), stops at stations to load and unload, and reports
``speed_kmh``, ``belt_fastened``, ``accel_g``, ``load_kg`` and ``pedestrian_m`` with its position.
With probability ``violation_rate`` per reading a violation episode starts: overspeed (18 km/h for
6 s), the seat belt unfastened while moving (30 s), a detour into the forbidden tank farm (20 s) or
a collision (one reading at 2.5 g). Everything follows from the seed: the same seed gives the
same streams, so a demo and a benchmark run can be repeated.

Streams go through the broker (:class:`~safecity.telemetry.ingest.publisher.Fleet`, each device
with its own credentials) or, for past days (``history``), straight into the store function the
ingest worker uses, with the receive time equal to the device time.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from safecity.telemetry.ingest.payload import readings_topic
from safecity.telemetry.ingest.store import Ingestor, Message

# The plant: a 400 m x 250 m site south-west of 武进区's centre (lon, lat; WGS 84).
ORIGIN = (119.9500, 31.7000)
M_LON = 1 / 94_730  # degrees of longitude per metre at 31.7° N
M_LAT = 1 / 111_320


def at(x_m: float, y_m: float) -> tuple[float, float]:
    """The (lon, lat) of a point ``x_m`` east and ``y_m`` north of the plant's south-west corner."""
    return (round(ORIGIN[0] + x_m * M_LON, 7), round(ORIGIN[1] + y_m * M_LAT, 7))


def rectangle(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [list(at(x0, y0)), list(at(x1, y0)), list(at(x1, y1)), list(at(x0, y1))]


PLANT = rectangle(0, 0, 400, 250)
WAREHOUSE = rectangle(20, 20, 180, 120)  # indoors: 5 km/h
PEDESTRIAN_LANE = rectangle(180, 0, 200, 250)  # crossing: 3 km/h
TANK_FARM = rectangle(300, 170, 380, 240)  # forbidden
STATIONS = [(60, 60), (150, 100), (250, 40), (260, 200), (350, 80), (100, 200)]

# The simulated fleet's rules (the forklift platform declares its own per plant; these match them
# in kind so a demo without it still shows every alarm).
FORKLIFT_RULES: list[dict[str, Any]] = [
    {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 10,
     "for_s": 2, "clear": {"op": "<=", "value": 8}},
    {"id": "overspeed-indoor", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5,
     "for_s": 3, "clear": {"op": "<=", "value": 4.5}, "zone": {"polygon": WAREHOUSE}},
    {"id": "belt", "kind": "state", "level": "orange", "for_s": 20,
     "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]},
     "clear": {"any": [["speed_kmh", "<=", 0.2], ["belt_fastened", "==", True]]}},
    {"id": "tank-farm", "kind": "geofence", "level": "red", "zone": {"polygon": TANK_FARM}, "alarm_when": "inside",
     "dwell_s": 5},
    {"id": "collision", "kind": "threshold", "level": "red", "metric": "accel_g", "op": ">", "value": 1.5,
     "momentary": True},
    {"id": "pedestrian", "kind": "threshold", "level": "yellow", "metric": "pedestrian_m", "op": "<", "value": 2,
     "clear": {"op": ">=", "value": 3}},
    {"id": "overload", "kind": "threshold", "level": "yellow", "metric": "load_kg", "op": ">", "value": 3000, "for_s": 5},
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 600},
]  # fmt: skip

VIOLATIONS = ("overspeed", "belt", "tank-farm", "collision")


@dataclass(frozen=True)
class Site:
    """Where trucks drive: the south-west corner (lon, lat), the stations they shuttle between and
    the point of the forbidden zone a detour heads for (metres east and north of the corner), and
    the slow zones ``(x0, y0, x1, y1, km/h)`` they keep to when driving well. The default is the
    plant above; the demo builds one per plant from its zones (``Site`` of a forklift plant)."""

    origin: tuple[float, float] = ORIGIN
    stations: tuple[tuple[float, float], ...] = tuple(STATIONS)
    forbidden_target: tuple[float, float] = (320, 200)
    slow_zones: tuple[tuple[float, float, float, float, float], ...] = ((180, 0, 200, 250, 3.0), (20, 20, 180, 120, 5.0))
    cruise_kmh: float = 8.0
    max_load_kg: float = 2500.0  # a careful driver loads at most 90 % of this (the rated load)

    def at(self, x_m: float, y_m: float) -> tuple[float, float]:
        return (round(self.origin[0] + x_m * M_LON, 7), round(self.origin[1] + y_m * M_LAT, 7))

    def limit(self, x: float, y: float) -> float:
        """The speed a careful driver keeps at (x, y): 90 % of the slowest zone there."""
        limits = [z[4] for z in self.slow_zones if z[0] <= x <= z[2] and z[1] <= y <= z[3]]
        return 0.9 * min(limits) if limits else self.cruise_kmh


DEFAULT_SITE = Site()


@dataclass
class Truck:
    """One forklift's motion and sensors, advanced by ``step(dt)`` (seconds)."""

    serial: str
    rng: random.Random
    x: float = 60.0
    y: float = 60.0
    target: int = 1
    dwell: float = 0.0
    load: float = 0.0
    seq: int = 0
    episode: str = ""
    episode_left: float = 0.0
    injected: list[tuple[int, str]] = field(default_factory=list)
    site: Site = DEFAULT_SITE

    def step(self, dt: float, violation_rate: float) -> dict[str, Any]:
        rng = self.rng
        if not self.episode and rng.random() < violation_rate:
            self.episode = rng.choice(VIOLATIONS)
            self.episode_left = {"overspeed": 6, "belt": 30, "tank-farm": 20, "collision": 0}[self.episode]
            self.injected.append((self.seq + 1, self.episode))
        speed = 0.0
        if self.dwell > 0:
            self.dwell -= dt
        else:
            stations = self.site.stations
            tx, ty = self.site.forbidden_target if self.episode == "tank-farm" else stations[self.target]
            limit = self.site.limit(self.x, self.y)
            speed = 18.0 if self.episode == "overspeed" else limit * (0.8 + 0.2 * rng.random())
            dx, dy = tx - self.x, ty - self.y
            dist = math.hypot(dx, dy)
            move = speed / 3.6 * dt
            if dist <= move:
                self.x, self.y = tx, ty
                if self.episode != "tank-farm":
                    self.target = (self.target + 1 + rng.randrange(2)) % len(stations)
                    self.dwell = rng.uniform(5, 20)
                    self.load = 0.0 if self.load else round(rng.uniform(0.12, 0.9) * self.site.max_load_kg, 0)
            else:
                self.x += dx / dist * move
                self.y += dy / dist * move
        accel = round(abs(rng.gauss(0, 0.08)), 3)
        if self.episode == "collision":
            accel = round(rng.uniform(2.0, 3.0), 3)
        values = {
            "speed_kmh": round(speed, 2),
            "belt_fastened": self.episode != "belt",
            "accel_g": accel,
            "load_kg": self.load,
            "pedestrian_m": round(rng.uniform(2.5, 30.0), 1) if rng.random() < 0.3 else 50.0,
        }
        if self.episode:
            self.episode_left -= dt
            if self.episode_left <= 0:
                self.episode = ""
        self.seq += 1
        return values

    def payload(self, ts: float, values: dict[str, Any]) -> bytes:
        body = {"seq": self.seq, "ts": round(ts * 1000), "values": values, "pos": list(self.site.at(self.x, self.y))}
        return json.dumps(body, separators=(",", ":")).encode()


def trucks(serials: Sequence[str], *, seed: int, sites: Mapping[str, Site] | None = None) -> list[Truck]:
    """One truck per serial, each at a station of its site (``sites``: serial -> Site; default the
    built-in plant)."""
    made = []
    for serial in serials:
        site = (sites or {}).get(serial, DEFAULT_SITE)
        rng = random.Random(f"{seed}:{serial}")
        start = rng.randrange(len(site.stations))
        x, y = site.stations[start]
        made.append(Truck(serial, rng, x=x, y=y, target=(start + 1) % len(site.stations), site=site))
    return made


def history(
    serials: Sequence[str],
    *,
    days: int,
    seed: int,
    interval_s: float = 60.0,
    violation_rate: float = 0.01,
    end: float | None = None,
    shift: tuple[int, int] = (8, 18),
    batch: int = 2000,
    sites: Mapping[str, Site] | None = None,
) -> int:
    """Write ``days`` days of past readings ending at ``end`` (default now) through the ingest
    store (evaluated, alarms included), for the trucks' working hours (local time); returns the
    number stored. Receive time = device time (the readings were "received" then)."""
    from datetime import datetime

    from django.utils import timezone

    end = time.time() if end is None else end
    fleet = trucks(serials, seed=seed, sites=sites)
    ingestor = Ingestor()
    stored = 0
    pending: list[Message] = []
    t = end - days * 86400
    while t < end:
        hour = datetime.fromtimestamp(t, timezone.get_current_timezone()).hour
        if shift[0] <= hour < shift[1]:
            for truck in fleet:
                values = truck.step(interval_s, violation_rate)
                pending.append(Message(readings_topic(truck.serial), truck.payload(t, values), t))
            if len(pending) >= batch:
                stored += sum(o.status == "stored" for o in ingestor.store(pending))
                pending = []
        t += interval_s
    if pending:
        stored += sum(o.status == "stored" for o in ingestor.store(pending))
    return stored


def stream(
    fleet: Sequence[Truck], *, rate: float, violation_rate: float, duration: float | None, start: float | None = None
) -> Iterator[tuple[Truck, float, bytes]]:
    """Yield (truck, wall time due, payload) with each truck reporting ``rate`` times a second,
    device time = due time, until ``duration`` seconds have passed (forever when None)."""
    interval = 1.0 / rate
    start = time.time() if start is None else start
    offsets = [i * interval / max(len(fleet), 1) for i in range(len(fleet))]
    k = 0
    while duration is None or k * interval < duration:
        for truck, offset in zip(fleet, offsets, strict=True):
            due = start + k * interval + offset
            yield truck, due, truck.payload(due, truck.step(interval, violation_rate))
        k += 1


def simulate(
    devices: Sequence[tuple[str, str]],
    *,
    host: str,
    port: int,
    rate: float,
    duration: float | None,
    seed: int,
    violation_rate: float,
    log_every_s: float = 10.0,
    sites: Mapping[str, Site] | None = None,
) -> int:
    """Publish live streams through the broker in real time; returns the number published."""
    import logging

    from safecity.telemetry.ingest.publisher import Fleet

    log = logging.getLogger("safecity.telemetry.simulate")
    fleet = Fleet(host, port, devices)
    fleet.connect_all()
    published = 0
    last_log = time.monotonic()
    try:
        for truck, due, body in stream(
            trucks([s for s, _ in devices], seed=seed, sites=sites), rate=rate, violation_rate=violation_rate, duration=duration
        ):
            while (wait := due - time.time()) > 0:
                fleet.pump(min(wait, 0.05))
            fleet.publish(truck.serial, readings_topic(truck.serial), body)
            published += 1
            if published % 64 == 0:
                fleet.pump()
            if time.monotonic() - last_log >= log_every_s:
                last_log = time.monotonic()
                log.info("published %d readings from %d devices", published, len(devices))
        fleet.drain()
    finally:
        fleet.close()
    return published
