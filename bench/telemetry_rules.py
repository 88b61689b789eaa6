"""Benchmark: the pure telemetry rule engine (``safecity.telemetry.rules``), no database, no broker.

    python -m bench.telemetry_rules [--readings 200000] [--devices 2000] [--rounds 3] [--seed 42]

1. Generates the readings up front: forklifts in a 500 m x 300 m plant near Changzhou, one
   reading per device every 5 s (speed, belt, acceleration, load, position on a random walk), in
   the order a single ingest worker would see them, with 1 % of them delivered late (buffered).
2. Baseline: the same readings passed through a no-op evaluator loop (a call per reading that
   returns an empty result): the floor that any per-reading Python evaluator pays.
3. Engine: a fresh ``Engine`` per round with 6 rules per device (overspeed in the warehouse zone,
   overspeed at the gate, seat belt > 20 s while moving, forbidden zone with a 10 s dwell,
   collision by acceleration, offline after 2 min so that the 1 % of devices that fall silent
   fire within the simulated minutes; ticked once per 5 simulated seconds), the
   median of ``--rounds`` runs; then the time to dump the whole state to JSON and load it back.

Ends with ``RESULT telemetry_rules rps=<readings/s> ratio=<rps / baseline rps>``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from safecity.telemetry.rules import Engine, Evaluation, Event, Reading, Status, parse_rules

T0 = 1_780_000_000.0
LON0, LAT0 = 119.9500, 31.7800  # south-west corner of the plant
M_LON, M_LAT = 1 / 94_800, 1 / 111_000  # degrees per metre at this latitude


def box(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """A rectangle given in plant metres, as a polygon in (lon, lat)."""
    return [[LON0 + x * M_LON, LAT0 + y * M_LAT] for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]


RULES = parse_rules([
    {"id": "overspeed-warehouse", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5,
     "for_s": 5, "clear": {"op": "<=", "value": 4.5}, "zone": {"polygon": box(0, 0, 250, 300)}},
    {"id": "overspeed-gate", "kind": "threshold", "level": "red", "metric": "speed_kmh", "op": ">", "value": 3,
     "clear": {"op": "<=", "value": 2.5}, "zone": {"polygon": box(240, 120, 280, 180)}},
    {"id": "belt", "kind": "state", "level": "orange", "for_s": 20,
     "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]}},
    {"id": "tank-farm", "kind": "geofence", "level": "red", "zone": {"polygon": box(400, 200, 500, 300)}, "dwell_s": 10},
    {"id": "collision", "kind": "threshold", "level": "red", "metric": "accel_g", "op": ">", "value": 1.5,
     "clear": {"op": "<", "value": 0.5}, "clear_for_s": 30},
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 120},
])  # fmt: skip


@dataclass
class Truck:
    x: float
    y: float
    speed: float = 0.0
    belt: bool = True
    seq: int = 0
    silent_from: int | None = None  # the step from which the device stops reporting (offline)


def generate(readings: int, devices: int, seed: int) -> list[Reading]:
    rng = random.Random(seed)
    trucks = [
        Truck(rng.uniform(0, 500), rng.uniform(0, 300), silent_from=rng.randint(10, 40) if rng.random() < 0.01 else None)
        for _ in range(devices)
    ]
    out: list[Reading] = []
    step = 0
    while len(out) < readings:
        now = T0 + step * 5
        for n, truck in enumerate(trucks):
            if len(out) >= readings:
                break
            if truck.silent_from is not None and step >= truck.silent_from:
                continue
            if rng.random() < 0.1:
                truck.speed = rng.choice((0.0, 0.0, 3.0, 4.0, 6.0, 8.0, 12.0))
            if rng.random() < 0.03:
                truck.belt = not truck.belt
            metres = truck.speed / 3.6 * 5
            truck.x = min(500.0, max(0.0, truck.x + rng.uniform(-metres, metres)))
            truck.y = min(300.0, max(0.0, truck.y + rng.uniform(-metres, metres)))
            truck.seq += 1
            late = rng.random() < 0.01
            out.append(
                Reading(
                    device_id=f"FL{n:05d}",
                    seq=truck.seq,
                    device_ts=now - (60 if late else 0) + rng.uniform(0, 0.5),
                    received_ts=now + 0.5,
                    values={
                        "speed_kmh": truck.speed + rng.uniform(-0.3, 0.3),
                        "belt_fastened": truck.belt,
                        "accel_g": 2.0 if rng.random() < 0.0005 else rng.uniform(0, 0.4),
                        "load_kg": 800.0,
                    },
                    position=(LON0 + truck.x * M_LON, LAT0 + truck.y * M_LAT),
                )
            )
        step += 1
    return out


_EMPTY = Evaluation(Status.EVALUATED)


def noop_evaluate(reading: Reading) -> Evaluation:
    return _EMPTY


def time_baseline(readings: list[Reading], devices: int) -> float:
    evaluate = noop_evaluate
    started = time.perf_counter()
    for i, reading in enumerate(readings):
        evaluate(reading)
        if i % devices == devices - 1:
            pass  # where the engine ticks
    return time.perf_counter() - started


def time_engine(readings: list[Reading], devices: int) -> tuple[float, Engine, list[Event], Counter[Status]]:
    engine = Engine(RULES)
    evaluate = engine.evaluate
    events: list[Event] = []
    statuses: Counter[Status] = Counter()
    started = time.perf_counter()
    for i, reading in enumerate(readings):
        result = evaluate(reading)
        statuses[result.status] += 1
        if result.events:
            events.extend(result.events)
        if i % devices == devices - 1:
            events.extend(engine.tick(reading.received_ts))
    return time.perf_counter() - started, engine, events, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--devices", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    started = time.perf_counter()
    readings = generate(args.readings, args.devices, args.seed)
    print(
        f"{len(readings):,} readings over {args.devices:,} devices, {len(RULES)} rules each, generated in {time.perf_counter() - started:.1f}s"
    )
    baseline_times, engine_times = [], []
    engine: Engine | None = None
    events: list[Event] = []
    statuses: Counter[Status] = Counter()
    for _ in range(args.rounds):
        baseline_times.append(time_baseline(readings, args.devices))
        elapsed, engine, events, statuses = time_engine(readings, args.devices)
        engine_times.append(elapsed)
    assert engine is not None
    baseline, evaluated = statistics.median(baseline_times), statistics.median(engine_times)
    by_rule = Counter(f"{e.rule_id}.{e.action.value}" for e in events)
    print(f"statuses: { {s.value: n for s, n in statuses.items()} }")
    print(f"events: {len(events):,} {dict(sorted(by_rule.items()))}; open alarms at the end: {len(engine.open_alarms()):,}")
    started = time.perf_counter()
    saved = json.dumps(engine.dump())
    restored = Engine(RULES)
    restored.load(json.loads(saved))
    save_load = time.perf_counter() - started
    assert restored.open_alarms() == engine.open_alarms()
    print(f"state of {args.devices:,} devices: {len(saved) / 1e6:.1f} MB of JSON, dumped and loaded in {save_load:.2f}s")
    rps, baseline_rps = len(readings) / evaluated, len(readings) / baseline
    print(f"engine: {evaluated:.2f}s ({rps:,.0f} readings/s); no-op baseline: {baseline:.3f}s ({baseline_rps:,.0f} readings/s)")
    print(f"RESULT telemetry_rules rps={rps:.0f} ratio={rps / baseline_rps:.3f}")


if __name__ == "__main__":
    main()
