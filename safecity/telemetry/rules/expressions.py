"""The safe expression form of state rules and rule conditions: no ``eval()``.

An expression is a condition ``[metric, op, value]`` (or ``{"metric", "op", "value"}``), or
``{"all": [...]}``, ``{"any": [...]}``, ``{"not": expr}``, nested at most 4 deep. Example (issue 14,
domain-rules §4, the seat-belt alarm): moving while the belt is unfastened::

    {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", false]]}

Evaluation is three-valued: a metric the device has never reported makes its condition unknown
(``None``); ``all`` is false if any part is false, unknown if any is unknown, else true; ``any`` is
true if any part is true, unknown if any is unknown, else false. The engine leaves a rule's state
unchanged on an unknown result, so a device that has not yet reported its belt never fires or
clears the belt rule.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from safecity.telemetry.rules.errors import RuleError, number

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
ORDERING = frozenset({">", ">=", "<", "<="})
MAX_DEPTH = 4
MAX_ITEMS = 32


@dataclass(frozen=True, slots=True)
class Condition:
    """``metric op value``: a number for the ordering operators, a number or boolean for ==/!=."""

    metric: str
    op: str
    value: float | bool
    fn: Callable[[Any, Any], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fn", OPERATORS[self.op])

    def test(self, values: Mapping[str, Any]) -> bool | None:
        current = values.get(self.metric)
        if current is None:
            return None
        return self.fn(current, self.value)

    def metrics(self) -> frozenset[str]:
        return frozenset((self.metric,))

    def to_data(self) -> list[Any]:
        return [self.metric, self.op, self.value]


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Expression, ...]

    def test(self, values: Mapping[str, Any]) -> bool | None:
        unknown = False
        for item in self.items:
            result = item.test(values)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    def metrics(self) -> frozenset[str]:
        return frozenset().union(*(item.metrics() for item in self.items))

    def to_data(self) -> dict[str, Any]:
        return {"all": [item.to_data() for item in self.items]}


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Expression, ...]

    def test(self, values: Mapping[str, Any]) -> bool | None:
        unknown = False
        for item in self.items:
            result = item.test(values)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    def metrics(self) -> frozenset[str]:
        return frozenset().union(*(item.metrics() for item in self.items))

    def to_data(self) -> dict[str, Any]:
        return {"any": [item.to_data() for item in self.items]}


@dataclass(frozen=True, slots=True)
class Not:
    item: Expression

    def test(self, values: Mapping[str, Any]) -> bool | None:
        result = self.item.test(values)
        return None if result is None else not result

    def metrics(self) -> frozenset[str]:
        return self.item.metrics()

    def to_data(self) -> dict[str, Any]:
        return {"not": self.item.to_data()}


Expression = Condition | AllOf | AnyOf | Not


def metric_name(data: object, field: str) -> str:
    if not isinstance(data, str) or not data or len(data) > 64:
        raise RuleError(field, "must be a metric name (1-64 characters)")
    return data


def parse_condition(data: object, field: str) -> Condition:
    """``[metric, op, value]`` or ``{"metric": ..., "op": ..., "value": ...}``."""
    if isinstance(data, list | tuple):
        if len(data) != 3:
            raise RuleError(field, "a condition is [metric, op, value]")
        metric, op, value = data
        paths = (f"{field}[0]", f"{field}[1]", f"{field}[2]")
    elif isinstance(data, dict):
        unknown = set(data) - {"metric", "op", "value"}
        if unknown:
            raise RuleError(f"{field}.{sorted(unknown)[0]}", "unknown field")
        for key in ("metric", "op", "value"):
            if key not in data:
                raise RuleError(f"{field}.{key}", "is required")
        metric, op, value = data["metric"], data["op"], data["value"]
        paths = (f"{field}.metric", f"{field}.op", f"{field}.value")
    else:
        raise RuleError(field, "a condition is [metric, op, value]")
    return make_condition(metric, op, value, paths)


def make_condition(metric: object, op: object, value: object, paths: tuple[str, str, str]) -> Condition:
    name = metric_name(metric, paths[0])
    if not isinstance(op, str) or op not in OPERATORS:
        raise RuleError(paths[1], f"must be one of {', '.join(OPERATORS)}")
    if isinstance(value, bool):
        if op in ORDERING:
            raise RuleError(paths[2], f"a boolean can only be compared with == or !=, not {op}")
        return Condition(name, op, value)
    return Condition(name, op, number(value, paths[2]))


def parse_expression(data: object, field: str, depth: int = 0) -> Expression:
    if depth > MAX_DEPTH:
        raise RuleError(field, f"nested more than {MAX_DEPTH} deep")
    if isinstance(data, dict) and len(data) == 1 and next(iter(data)) in ("all", "any", "not"):
        key, inner = next(iter(data.items()))
        path = f"{field}.{key}"
        if key == "not":
            return Not(parse_expression(inner, path, depth + 1))
        if not isinstance(inner, list) or not inner:
            raise RuleError(path, "must be a non-empty list of conditions")
        if len(inner) > MAX_ITEMS:
            raise RuleError(path, f"at most {MAX_ITEMS} conditions")
        items = tuple(parse_expression(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(inner))
        return AllOf(items) if key == "all" else AnyOf(items)
    if isinstance(data, dict) and "metric" not in data:
        raise RuleError(field, 'must be a condition or {"all": [...]}, {"any": [...]}, {"not": ...}')
    return parse_condition(data, field)
