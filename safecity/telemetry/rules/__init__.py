"""Telemetry rule evaluation (issue 14): a pure Python package, no Django models, database or MQTT.

Rules are declared as data (``parse_rule``/``parse_rules`` from JSON, see ``docs/telemetry.md``),
readings are plain dataclasses, and ``Engine`` turns readings in device-time order into fire/clear
events with one open alarm per (device, rule). Its state is JSON so the ingest worker can persist
it and resume after a restart with identical results. Sources: issue 14 and domain-rules §4
(TSG 81-2022, SAMR order No. 74; the forklift platforms' overspeed by zone, seat belt unfastened
for more than 20 s while moving, geofences with dwell, out-of-order positions).
"""

from __future__ import annotations

from safecity.telemetry.rules.definitions import (
    AbsenceRule,
    GeofenceRule,
    RateRule,
    Rule,
    StateRule,
    ThresholdRule,
    parse_rule,
    parse_rules,
    rule_to_data,
)
from safecity.telemetry.rules.engine import DeviceState, Engine, RuleState
from safecity.telemetry.rules.errors import RuleError
from safecity.telemetry.rules.expressions import AllOf, AnyOf, Condition, Expression, Not, parse_expression
from safecity.telemetry.rules.geometry import Zone, parse_zone
from safecity.telemetry.rules.model import Action, Evaluation, Event, Level, Reading, Status

__all__ = [
    "AbsenceRule",
    "Action",
    "AllOf",
    "AnyOf",
    "Condition",
    "DeviceState",
    "Engine",
    "Evaluation",
    "Event",
    "Expression",
    "GeofenceRule",
    "Level",
    "Not",
    "RateRule",
    "Reading",
    "Rule",
    "RuleError",
    "RuleState",
    "StateRule",
    "Status",
    "ThresholdRule",
    "Zone",
    "parse_expression",
    "parse_rule",
    "parse_rules",
    "parse_zone",
    "rule_to_data",
]
