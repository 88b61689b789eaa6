"""The one error the rule parser raises: it names the field, so a rule editor can point at it."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule (or part of one) is malformed. ``field`` is a path such as ``when.all[1][2]``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def number(data: object, field: str) -> float:
    """A finite JSON number (not a boolean, which JSON and Python would let pass as 0/1)."""
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise RuleError(field, f"must be a number, not {type(data).__name__}")
    value = float(data)
    if value != value or value in (float("inf"), float("-inf")):
        raise RuleError(field, "must be a finite number")
    return value


def seconds(data: object, field: str) -> float:
    value = number(data, field)
    if value < 0:
        raise RuleError(field, "must be zero or more seconds")
    return value
