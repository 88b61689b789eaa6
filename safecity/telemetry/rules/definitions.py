"""Rules declared as data: dataclasses parsed from plain dicts/JSON, validated field by field.

Five kinds (issue 14; domain-rules §4 for the forklift examples):

- ``threshold``: ``metric op value`` held for ``for_s`` fires; a separate ``clear`` condition held
  for ``clear_for_s`` clears (hysteresis: between the two nothing changes). E.g. overspeed by zone:
  ``speed_kmh > 5`` inside the warehouse zone (plants commonly set 5 km/h indoors, 3 km/h at gates,
  corners and crossings; there is no national limit, so the limit lives in the rule). With
  ``"momentary": true`` (no ``for_s``, no ``zone``) the condition is an event one reading holds (a
  collision): a reading that arrives late still fires it (see the engine's ordering policy).
- ``rate``: the change of a metric per ``per_s`` seconds over the last ``window_s`` seconds, with the
  same fire/clear/for-duration semantics (a gas concentration rising fast).
- ``geofence``: position inside (or outside) a polygon for ``dwell_s`` fires, the other side for
  ``clear_dwell_s`` clears, so GPS drift across the edge does not flap (users' main complaint, §4).
- ``absence``: nothing received for ``after_s`` seconds, checked on a clock tick; any reading clears.
- ``state``: a boolean expression over the device's current values held for ``for_s``. E.g. the
  seat-belt alarm, unfastened for more than 20 s while moving (§4).

``threshold``, ``rate`` and ``state`` rules take an optional ``zone``: the rule applies only while
the device's last known position is inside it (outside, its clear condition counts as met).
Unknown fields are refused, so a typo such as ``"for": 20`` is an error, not a silent no-op.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from safecity.telemetry.rules.errors import RuleError, seconds
from safecity.telemetry.rules.expressions import Condition, Expression, Not, make_condition, metric_name, parse_expression
from safecity.telemetry.rules.geometry import Zone, parse_zone
from safecity.telemetry.rules.model import Level

RULE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# ``title`` (what people read), ``hazard`` (when repeated or lasting alarms raise a hidden hazard)
# and ``notify`` (who hears at once) are for the alarm service, not the engine: accepted here, checked by
# ``safecity.telemetry.policies``, ignored by the evaluation.
COMMON = ("id", "kind", "level", "title", "hazard", "notify")


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """``metric op value`` for ``for_s`` seconds fires; ``clear`` for ``clear_for_s`` clears.

    Without an explicit ``clear`` the clear condition is the negation of the fire condition (no
    dead band). With one, the parser checks that no value satisfies both.
    """

    kind: ClassVar[str] = "threshold"
    id: str
    level: Level
    fire: Condition
    clear: Condition
    for_s: float = 0.0
    clear_for_s: float = 0.0
    zone: Zone | None = None
    explicit_clear: bool = False
    momentary: bool = False


@dataclass(frozen=True, slots=True)
class RateRule:
    """The rate of ``metric`` (units per ``per_s`` seconds, measured against the oldest sample within
    ``window_s``) compared like a threshold; needs two samples in the window to say anything."""

    kind: ClassVar[str] = "rate"
    id: str
    level: Level
    fire: Condition
    clear: Condition
    window_s: float
    per_s: float = 1.0
    for_s: float = 0.0
    clear_for_s: float = 0.0
    zone: Zone | None = None
    explicit_clear: bool = False


@dataclass(frozen=True, slots=True)
class GeofenceRule:
    """Being ``alarm_when`` ("inside" or "outside") the zone for ``dwell_s`` fires; the other side
    for ``clear_dwell_s`` clears."""

    kind: ClassVar[str] = "geofence"
    id: str
    level: Level
    zone: Zone
    alarm_when: str = "inside"
    dwell_s: float = 0.0
    clear_dwell_s: float = 0.0


@dataclass(frozen=True, slots=True)
class AbsenceRule:
    """No reading received for ``after_s`` seconds (receive clock) fires on a tick; a reading clears."""

    kind: ClassVar[str] = "absence"
    id: str
    level: Level
    after_s: float


@dataclass(frozen=True, slots=True)
class StateRule:
    """``when`` true for ``for_s`` seconds fires; ``clear`` (default: ``when`` false) for
    ``clear_for_s`` clears."""

    kind: ClassVar[str] = "state"
    id: str
    level: Level
    when: Expression
    clear: Expression
    for_s: float = 0.0
    clear_for_s: float = 0.0
    zone: Zone | None = None
    explicit_clear: bool = False


Rule = ThresholdRule | RateRule | GeofenceRule | AbsenceRule | StateRule


class _Fields:
    """Reads a rule dict's fields, each error naming its path; refuses fields nobody read."""

    def __init__(self, data: Mapping[str, Any], path: str, allowed: Iterable[str]) -> None:
        self.data, self.path = data, path
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise RuleError(self.at(unknown[0]), "unknown field")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def required(self, key: str) -> Any:
        if key not in self.data:
            raise RuleError(self.at(key), "is required")
        return self.data[key]

    def seconds(self, key: str, default: float | None = None) -> float:
        if key not in self.data and default is not None:
            return default
        return seconds(self.required(key), self.at(key))

    def zone(self) -> Zone | None:
        return parse_zone(self.data["zone"], self.at("zone")) if "zone" in self.data else None


def _overlap(fire: Condition, clear: Condition) -> float | None:
    """A value meeting both conditions, if any (they are one-dimensional: checking the two limits,
    the points around them and between them is exhaustive)."""
    limits = [v for v in (fire.value, clear.value) if not isinstance(v, bool)]
    if not limits:
        candidates: list[Any] = [True, False]
    else:
        lo, hi = min(limits), max(limits)
        step = max(abs(lo), abs(hi), 1.0) * 1e-9
        candidates = [lo - 1, lo, lo + step, (lo + hi) / 2, hi - step, hi, hi + 1, lo - step, hi + step]
    for value in candidates:
        if fire.fn(value, fire.value) and clear.fn(value, clear.value):
            return float(value)
    return None


def _fire_and_clear(fields: _Fields, metric: str) -> tuple[Condition, Condition, bool]:
    fire = make_condition(
        metric, fields.required("op"), fields.required("value"), (fields.at("metric"), fields.at("op"), fields.at("value"))
    )
    if "clear" not in fields.data:
        negation = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}[fire.op]
        return fire, Condition(metric, negation, fire.value), False
    clear_data = fields.data["clear"]
    path = fields.at("clear")
    if not isinstance(clear_data, dict):
        raise RuleError(path, 'must be {"op": ..., "value": ...}')
    inner = _Fields(clear_data, path, ("op", "value"))
    clear = make_condition(metric, inner.required("op"), inner.required("value"), (path, inner.at("op"), inner.at("value")))
    both = _overlap(fire, clear)
    if both is not None:
        raise RuleError(path, f"overlaps the fire condition (both hold at {both:g}); the clear condition must exclude it")
    return fire, clear, True


def _level(data: Mapping[str, Any], path: str) -> Level:
    key = f"{path}.level" if path else "level"
    if "level" not in data:
        raise RuleError(key, "is required")
    try:
        return Level(data["level"])
    except ValueError:
        raise RuleError(key, "must be one of red, orange, yellow, blue") from None


def parse_rule(data: object, path: str = "") -> Rule:
    """One rule from its JSON form (see ``docs/telemetry.md``); raises ``RuleError`` naming the field."""
    if not isinstance(data, dict):
        raise RuleError(path or "rule", "must be an object")
    kind = data.get("kind")
    kinds = ("threshold", "rate", "geofence", "absence", "state")
    if kind not in kinds:
        raise RuleError(f"{path}.kind" if path else "kind", f"must be one of {', '.join(kinds)}")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise RuleError(f"{path}.id" if path else "id", "must be 1-64 letters, digits or _ . : -")
    if kind == "threshold":
        f = _Fields(data, path, (*COMMON, "metric", "op", "value", "for_s", "clear", "clear_for_s", "zone", "momentary"))
        metric = metric_name(f.required("metric"), f.at("metric"))
        fire, clear, explicit = _fire_and_clear(f, metric)
        for_s, zone = f.seconds("for_s", 0.0), f.zone()
        momentary = data.get("momentary", False)
        if not isinstance(momentary, bool):
            raise RuleError(f.at("momentary"), "must be true or false")
        if momentary and (for_s or zone is not None):
            raise RuleError(f.at("momentary"), "a momentary rule is decided by one reading: no for_s and no zone")
        return ThresholdRule(
            rule_id, _level(data, path), fire, clear, for_s, f.seconds("clear_for_s", 0.0), zone, explicit, momentary
        )
    if kind == "rate":
        f = _Fields(data, path, (*COMMON, "metric", "op", "value", "window_s", "per_s", "for_s", "clear", "clear_for_s", "zone"))
        metric = metric_name(f.required("metric"), f.at("metric"))
        fire, clear, explicit = _fire_and_clear(f, metric)
        window = f.seconds("window_s")
        if window <= 0:
            raise RuleError(f.at("window_s"), "must be more than 0 seconds")
        per = f.seconds("per_s", 1.0)
        if per <= 0:
            raise RuleError(f.at("per_s"), "must be more than 0 seconds")
        return RateRule(
            rule_id,
            _level(data, path),
            fire,
            clear,
            window,
            per,
            f.seconds("for_s", 0.0),
            f.seconds("clear_for_s", 0.0),
            f.zone(),
            explicit,
        )
    if kind == "geofence":
        f = _Fields(data, path, (*COMMON, "zone", "alarm_when", "dwell_s", "clear_dwell_s"))
        zone = parse_zone(f.required("zone"), f.at("zone"))
        alarm_when = data.get("alarm_when", "inside")
        if alarm_when not in ("inside", "outside"):
            raise RuleError(f.at("alarm_when"), "must be inside or outside")
        dwell = f.seconds("dwell_s", 0.0)
        return GeofenceRule(rule_id, _level(data, path), zone, alarm_when, dwell, f.seconds("clear_dwell_s", dwell))
    if kind == "absence":
        f = _Fields(data, path, (*COMMON, "after_s"))
        after = f.seconds("after_s")
        if after <= 0:
            raise RuleError(f.at("after_s"), "must be more than 0 seconds")
        return AbsenceRule(rule_id, _level(data, path), after)
    f = _Fields(data, path, (*COMMON, "when", "clear", "for_s", "clear_for_s", "zone"))
    when = parse_expression(f.required("when"), f.at("when"))
    explicit = "clear" in data
    clear_when = parse_expression(data["clear"], f.at("clear")) if explicit else Not(when)
    return StateRule(
        rule_id, _level(data, path), when, clear_when, f.seconds("for_s", 0.0), f.seconds("clear_for_s", 0.0), f.zone(), explicit
    )


def parse_rules(data: object, path: str = "rules") -> tuple[Rule, ...]:
    """A list of rules with unique ids."""
    if not isinstance(data, list):
        raise RuleError(path, "must be a list of rules")
    rules = tuple(parse_rule(item, f"{path}[{i}]") for i, item in enumerate(data))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise RuleError(f"{path}[{i}].id", f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """The JSON form of a rule; ``parse_rule(rule_to_data(r)) == r``."""
    data: dict[str, Any] = {"id": rule.id, "kind": rule.kind, "level": rule.level.value}
    if isinstance(rule, ThresholdRule | RateRule):
        data.update(metric=rule.fire.metric, op=rule.fire.op, value=rule.fire.value)
        if isinstance(rule, RateRule):
            data.update(window_s=rule.window_s, per_s=rule.per_s)
        data.update(for_s=rule.for_s, clear_for_s=rule.clear_for_s)
        if rule.explicit_clear:
            data["clear"] = {"op": rule.clear.op, "value": rule.clear.value}
        if isinstance(rule, ThresholdRule) and rule.momentary:
            data["momentary"] = True
    elif isinstance(rule, StateRule):
        data.update(when=rule.when.to_data(), for_s=rule.for_s, clear_for_s=rule.clear_for_s)
        if rule.explicit_clear:
            data["clear"] = rule.clear.to_data()
    elif isinstance(rule, GeofenceRule):
        data.update(zone=rule.zone.to_data(), alarm_when=rule.alarm_when, dwell_s=rule.dwell_s, clear_dwell_s=rule.clear_dwell_s)
    else:
        data["after_s"] = rule.after_s
    if isinstance(rule, ThresholdRule | RateRule | StateRule) and rule.zone is not None:
        data["zone"] = rule.zone.to_data()
    return data


__all__ = [
    "AbsenceRule",
    "GeofenceRule",
    "RateRule",
    "Rule",
    "StateRule",
    "ThresholdRule",
    "parse_rule",
    "parse_rules",
    "rule_to_data",
]
