"""Rules as data: every kind parses from JSON and back; malformed rules name the faulty field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from safecity.telemetry.rules import Level, RuleError, StateRule, ThresholdRule, parse_rule, parse_rules, rule_to_data

SQUARE = [[119.90, 31.80], [119.91, 31.80], [119.91, 31.81], [119.90, 31.81]]

VALID: list[dict[str, Any]] = [
    {"id": "overspeed-indoor", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5,
     "for_s": 3, "clear": {"op": "<=", "value": 4.5}, "clear_for_s": 5, "zone": {"polygon": SQUARE}},
    {"id": "gas-rising", "kind": "rate", "level": "orange", "metric": "lel_pct", "op": ">", "value": 5, "per_s": 60,
     "window_s": 60, "for_s": 0, "clear_for_s": 0},
    {"id": "tank-farm", "kind": "geofence", "level": "red", "zone": {"polygon": SQUARE, "holes": [[[119.904, 31.804],
     [119.906, 31.804], [119.906, 31.806]]]}, "alarm_when": "inside", "dwell_s": 10, "clear_dwell_s": 20},
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 600},
    {"id": "belt", "kind": "state", "level": "orange", "for_s": 20, "clear_for_s": 0,
     "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]},
     "clear": {"any": [["speed_kmh", "<=", 0.2], {"metric": "belt_fastened", "op": "==", "value": True}]}},
]  # fmt: skip


@pytest.mark.parametrize("data", VALID, ids=lambda d: d["kind"])
def test_each_kind_round_trips_through_json(data: dict[str, Any]) -> None:
    rule = parse_rule(data)
    again = parse_rule(json.loads(json.dumps(rule_to_data(rule))))
    assert again == rule
    assert rule.kind == data["kind"] and rule.level == Level(data["level"])


def test_threshold_without_clear_clears_on_the_negation() -> None:
    rule = parse_rule({"id": "x", "kind": "threshold", "level": "blue", "metric": "m", "op": ">=", "value": 3})
    assert isinstance(rule, ThresholdRule)
    assert (rule.clear.op, rule.clear.value) == ("<", 3.0)
    assert "clear" not in rule_to_data(rule)


def test_state_rule_without_clear_clears_when_false() -> None:
    rule = parse_rule({"id": "x", "kind": "state", "level": "blue", "when": ["m", ">", 1]})
    assert isinstance(rule, StateRule)
    assert rule.clear.test({"m": 0.5}) is True and rule.clear.test({"m": 2}) is False


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({**VALID[0], "for": 20}, "for", "unknown field"),
    ({k: v for k, v in VALID[0].items() if k != "metric"}, "metric", "is required"),
    ({**VALID[0], "level": "purple"}, "level", "red, orange, yellow, blue"),
    ({**VALID[0], "kind": "magic"}, "kind", "must be one of"),
    ({**VALID[0], "id": "has space"}, "id", "letters"),
    ({**VALID[0], "op": "=>"}, "op", "must be one of"),
    ({**VALID[0], "value": "5"}, "value", "must be a number"),
    ({**VALID[0], "value": True}, "value", "only be compared with == or !="),
    ({**VALID[0], "for_s": -1}, "for_s", "zero or more"),
    ({**VALID[0], "clear": {"op": "<", "value": 6}}, "clear", "overlaps the fire condition"),
    ({**VALID[0], "clear": {"op": ">", "value": 1}}, "clear", "overlaps"),
    ({**VALID[0], "clear": {"op": "<=", "value": 4.5, "for_s": 1}}, "clear.for_s", "unknown field"),
    ({**VALID[0], "zone": {"polygon": SQUARE[:2]}}, "zone.polygon", "at least 3 distinct points"),
    ({**VALID[0], "zone": {"polygon": [[200, 31], [1, 2], [3, 4]]}}, "zone.polygon[0][0]", "longitude"),
    ({**VALID[1], "window_s": 0}, "window_s", "more than 0"),
    ({**VALID[2], "alarm_when": "near"}, "alarm_when", "inside or outside"),
    ({**VALID[3], "after_s": 0}, "after_s", "more than 0"),
    ({**VALID[4], "when": {"all": [["speed_kmh", ">"]]}}, "when.all[0]", "[metric, op, value]"),
    ({**VALID[4], "when": {"all": [["speed_kmh", ">", 1], ["belt", "<", False]]}}, "when.all[1][2]", "=="),
    ({**VALID[4], "when": {"all": []}}, "when.all", "non-empty"),
    ({**VALID[4], "when": {"xor": [["a", ">", 1]]}}, "when", "all"),
    ({**VALID[4], "when": {"not": {"not": {"not": {"not": {"not": ["a", ">", 1]}}}}}}, "when.not.not.not.not.not", "nested"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_malformed_rules_name_the_field(data: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(data)
    assert caught.value.field == field
    assert message in caught.value.message


def test_rule_lists_refuse_duplicate_ids_and_name_the_position() -> None:
    with pytest.raises(RuleError) as caught:
        parse_rules([VALID[3], VALID[0], {**VALID[3]}])
    assert caught.value.field == "rules[2].id"
    with pytest.raises(RuleError) as caught:
        parse_rules([VALID[0], {**VALID[1], "per_s": "x"}])
    assert caught.value.field == "rules[1].per_s"
