"""What the alarm service reads from a rule beyond the engine's fields: its ``title`` and its
``hazard`` policy (issue 14: "alarms ... by rule, raise a hidden hazard through the hazards service
(e.g. a forklift with three overspeed alarms in a week, a device offline for a day)").

A rule's ``hazard`` is one of:

- ``{"count": 3, "within_days": 7}``: the alarm that makes ``count`` alarms of this rule on this
  device within ``within_days`` days raises a hidden hazard (once per run of alarms: not again while
  an alarm of the run already raised one within the window);
- ``{"open_minutes": 1440}``: an alarm still firing after that many minutes raises one (a device
  offline for a day), checked by the escalation job.

Either may add ``"hazard_type"`` (the hidden-hazard type code, default 8: other).

A rule's ``notify`` (optional) lists jurisdiction roles told at once when its alarm opens, besides
the device's organisation: ``["district_official", "inspector"]`` for a restaurant's gas leak, which
the street must hear of at once, not after the escalation delay (issue 15, GB/T 45839-2025).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safecity.telemetry.rules import RuleError, parse_rules

HAZARD_TYPES = range(1, 9)


@dataclass(frozen=True)
class HazardPolicy:
    count: int | None = None
    within_days: int | None = None
    open_minutes: int | None = None
    hazard_type: int = 8


@dataclass(frozen=True)
class RuleMeta:
    title: str
    hazard: HazardPolicy | None
    # Jurisdiction roles told at once when the rule's alarm opens, besides the device's organisation
    # (a restaurant's gas leak: the street's officials and inspectors, issue 15).
    notify: tuple[str, ...] = ()


NOTIFY_ROLES = ("district_official", "inspector", "city_official")


def _notify(data: object, path: str) -> tuple[str, ...]:
    if not isinstance(data, list) or not data or any(role not in NOTIFY_ROLES for role in data):
        raise RuleError(path, f"must be a list of roles among {', '.join(NOTIFY_ROLES)}")
    return tuple(dict.fromkeys(data))


def _int(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(path, f"must be a whole number from {low} to {high}")
    return value


def _policy(data: object, path: str) -> HazardPolicy:
    if not isinstance(data, dict):
        raise RuleError(path, 'must be {"count": n, "within_days": d} or {"open_minutes": m}')
    unknown = set(data) - {"count", "within_days", "open_minutes", "hazard_type"}
    if unknown:
        raise RuleError(f"{path}.{sorted(unknown)[0]}", "is not a field of a hazard policy")
    hazard_type = _int(data.get("hazard_type", 8), f"{path}.hazard_type", 1, 8)
    if "open_minutes" in data:
        if "count" in data or "within_days" in data:
            raise RuleError(path, "give either count and within_days, or open_minutes")
        return HazardPolicy(open_minutes=_int(data["open_minutes"], f"{path}.open_minutes", 1, 525600), hazard_type=hazard_type)
    if "count" not in data or "within_days" not in data:
        raise RuleError(path, "needs count and within_days (or open_minutes)")
    return HazardPolicy(
        count=_int(data["count"], f"{path}.count", 1, 1000),
        within_days=_int(data["within_days"], f"{path}.within_days", 1, 366),
        hazard_type=hazard_type,
    )


def rule_meta(rules: Sequence[Mapping[str, Any]], path: str = "rules") -> dict[str, RuleMeta]:
    """Validate a rule set (the engine's fields and these) and return each rule id's title and
    hazard policy. Raises :class:`RuleError` naming the field."""
    parse_rules(list(rules), path)
    meta = {}
    for i, data in enumerate(rules):
        title = data.get("title", "")
        if not isinstance(title, str) or len(title) > 120:
            raise RuleError(f"{path}[{i}].title", "must be text of at most 120 characters")
        hazard = _policy(data["hazard"], f"{path}[{i}].hazard") if "hazard" in data else None
        notify = _notify(data["notify"], f"{path}[{i}].notify") if "notify" in data else ()
        meta[data["id"]] = RuleMeta(title=title.strip(), hazard=hazard, notify=notify)
    return meta
