"""The gas detector's rules speak GB/T 45839-2025 (status 1 normal / 2 alarm / 3 fault / 4 masked;
lost communication a fault within 24 h) and fire as issue 15 §4 says."""

from __future__ import annotations

from typing import Any

from safecity.restaurants.detectors import OFFLINE_S, detector_rules
from safecity.telemetry.policies import rule_meta
from safecity.telemetry.rules import Engine, Reading, parse_rules


def _engine() -> Engine:
    return Engine(parse_rules(detector_rules()))


def _read(engine: Engine, t: float, seq: int, **values: Any) -> list[str]:
    result = engine.evaluate(Reading(device_id="GD1", seq=seq, device_ts=t, received_ts=t, values=values))
    return [f"{e.rule_id}:{e.action.value}" for e in result.events]


def test_the_rules_parse_and_carry_titles_and_hazard_policies() -> None:
    meta = rule_meta(detector_rules())
    assert meta["gas-leak"].hazard is None  # a leak is dispositioned, not a standing hazard
    for rule_id in ("detector-fault", "detector-masked", "detector-offline"):
        assert meta[rule_id].hazard is not None  # no working detector: a hidden hazard


def test_a_leak_alarm_with_the_valve_closing_and_clearing() -> None:
    engine = _engine()
    assert _read(engine, 0, 1, status=1, valve_closed=False, gas_lel=0.0) == []
    assert _read(engine, 1, 2, status=2, valve_closed=False, gas_lel=25.0) == ["gas-leak:fire"]
    assert _read(engine, 3, 3, status=2, valve_closed=True) == []  # closed within 10 s: protection worked
    assert _read(engine, 60, 4, status=1, valve_closed=True) == ["gas-leak:clear"]


def test_a_valve_still_open_during_the_alarm_is_its_own_red_alarm() -> None:
    engine = _engine()
    _read(engine, 0, 1, status=1, valve_closed=False)
    assert _read(engine, 1, 2, status=2, valve_closed=False) == ["gas-leak:fire"]
    assert _read(engine, 6, 3, status=2, valve_closed=False) == []
    assert _read(engine, 12, 4, status=2, valve_closed=False) == ["valve-open-in-alarm:fire"]
    assert sorted(_read(engine, 20, 5, status=1, valve_closed=True)) == ["gas-leak:clear", "valve-open-in-alarm:clear"]


def test_fault_masked_and_silent_for_24_hours() -> None:
    engine = _engine()
    _read(engine, 0, 1, status=1)
    assert _read(engine, 10, 2, status=3) == ["detector-fault:fire"]
    assert sorted(_read(engine, 20, 3, status=4)) == ["detector-fault:clear", "detector-masked:fire"]
    assert _read(engine, 30, 4, status=1) == ["detector-masked:clear"]
    assert [e.rule_id for e in engine.tick(30 + OFFLINE_S - 1)] == []
    assert [e.rule_id for e in engine.tick(30 + OFFLINE_S + 1)] == ["detector-offline"]
