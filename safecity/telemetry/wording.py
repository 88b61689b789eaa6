"""Alarms in words: what a person reads instead of a rule's code and parameters (issue 13's rule:
a user reads words, never codes). The engine's events carry figures only; these functions word
them in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The metrics devices report, in words (the payloads' keys are codes). Later sub-systems add theirs.
METRICS: dict[str, Any] = {
    "speed_kmh": gettext_lazy("speed (km/h)"),
    "belt_fastened": gettext_lazy("seat belt fastened"),
    "accel_g": gettext_lazy("impact acceleration (g)"),
    "load_kg": gettext_lazy("load (kg)"),
    "pedestrian_m": gettext_lazy("distance to the nearest pedestrian (m)"),
    "moving": gettext_lazy("moving"),
    "engine_on": gettext_lazy("engine on"),
    "gas_lel": gettext_lazy("gas concentration (%LEL)"),
    "battery_v": gettext_lazy("battery (V)"),
    # Restaurant gas detectors (GB/T 45839-2025 status codes).
    "status": gettext_lazy("detector status (1 normal, 2 alarm, 3 fault, 4 masked)"),
    "valve_closed": gettext_lazy("shut-off valve closed"),
}
KINDS: dict[str, Any] = {
    "threshold": gettext_lazy("Limit exceeded"),
    "rate": gettext_lazy("Changing too fast"),
    "geofence": gettext_lazy("Zone"),
    "absence": gettext_lazy("Device offline"),
    "state": gettext_lazy("Unsafe state"),
}
OPS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "!=": "≠"}


def metric_label(metric: str) -> str:
    return str(METRICS.get(metric, metric))


def _figure(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _duration(seconds: Any) -> str:
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return ""
    if s >= 3600:
        return _("%(n).1f h") % {"n": s / 3600}
    if s >= 120:
        return _("%(n)d min") % {"n": round(s / 60)}
    return _("%(n)d s") % {"n": round(s)}


def alarm_title(*, kind: str, title: str, rule_id: str) -> str:
    """The rule's own title when it has one; else the words an app registered for its rule id
    (core labels, namespace ``telemetry.rule``: an app's own checks); else the kind in words."""
    if title:
        return title
    from safecity.core import labels

    named = labels.label("telemetry.rule", rule_id)
    if named and named != rule_id:
        return named
    return str(KINDS.get(kind, _("Alarm")))


def event_detail(kind: str, params: Mapping[str, Any]) -> str:
    """One line saying why a rule fired (or cleared), from the engine's parameters."""
    held = _duration(params.get("held_s"))
    if kind in ("threshold", "rate"):
        text = _("%(metric)s %(value)s (limit %(op)s %(limit)s)") % {
            "metric": metric_label(str(params.get("metric", ""))),
            "value": _figure(params.get("rate" if kind == "rate" else "value")),
            "op": OPS.get(str(params.get("op")), params.get("op")),
            "limit": _figure(params.get("limit")),
        }
    elif kind == "geofence":
        inside = params.get("inside")
        text = _("inside the zone") if inside else _("outside the zone")
    elif kind == "absence":
        return _("no data for %(held)s") % {"held": _duration(params.get("silent_s", params.get("held_s"))) or "?"}
    elif isinstance(params.get("labels"), dict):
        # An app's own check (the driver at start-up): its codes in words through core labels.
        from safecity.core import labels

        coded = params["labels"]
        words = [str(labels.label(str(coded.get("namespace", "")), code)) for code in coded.get("codes") or []]
        return "; ".join(words) or _("no problem")
    else:
        values = params.get("values") or {}
        text = "; ".join(f"{metric_label(m)} {_figure(v)}" for m, v in values.items() if v is not None)
    if held and params.get("held_s"):
        return _("%(text)s, for %(held)s") % {"text": text, "held": held}
    return text


def _condition(data: Any) -> str:
    """One condition of a state rule (``[metric, op, value]`` or its dict form) in words."""
    if isinstance(data, Mapping) and "metric" in data:
        metric, op, value = data.get("metric"), data.get("op"), data.get("value")
    elif isinstance(data, list | tuple) and len(data) == 3:
        metric, op, value = data
    else:
        return "?"
    return f"{metric_label(str(metric))} {OPS.get(str(op), op)} {_figure(value)}"


def expression_text(data: Any) -> str:
    """A state rule's expression (``all``/``any``/``not`` of conditions) in words."""
    if isinstance(data, Mapping) and "all" in data:
        return _(" and ").join(_nested(item) for item in data["all"] or [])
    if isinstance(data, Mapping) and "any" in data:
        return _(" or ").join(_nested(item) for item in data["any"] or [])
    if isinstance(data, Mapping) and "not" in data:
        return _("not (%(expr)s)") % {"expr": expression_text(data["not"])}
    return _condition(data)


def _nested(data: Any) -> str:
    text = expression_text(data)
    return f"({text})" if isinstance(data, Mapping) and ("all" in data or "any" in data) else text


def _limit(data: Mapping[str, Any], metric: str) -> str:
    return f"{metric_label(metric)} {OPS.get(str(data.get('op')), data.get('op'))} {_figure(data.get('value'))}"


def rule_summary(rule: Mapping[str, Any]) -> str:
    """What a rule (as declared in its rule set) watches for and when it clears, in words."""
    kind = rule.get("kind")
    metric = str(rule.get("metric", ""))
    parts: list[str] = []
    if kind == "threshold":
        parts.append(_limit(rule, metric))
    elif kind == "rate":
        parts.append(
            _("%(metric)s changes by %(op)s %(value)s per %(per)s")
            % {
                "metric": metric_label(metric),
                "op": OPS.get(str(rule.get("op")), rule.get("op")),
                "value": _figure(rule.get("value")),
                "per": _duration(rule.get("per_s", 1)),
            }
        )
    elif kind == "geofence":
        inside = rule.get("alarm_when", "inside") == "inside"
        parts.append(_("inside the zone") if inside else _("outside the zone"))
        if rule.get("dwell_s"):
            parts.append(_("for %(held)s") % {"held": _duration(rule["dwell_s"])})
    elif kind == "absence":
        parts.append(_("no data for %(held)s") % {"held": _duration(rule.get("after_s"))})
    elif kind == "state":
        parts.append(expression_text(rule.get("when")))
    if kind in ("threshold", "rate", "state") and rule.get("for_s"):
        parts.append(_("for %(held)s") % {"held": _duration(rule["for_s"])})
    if rule.get("zone") and kind != "geofence":
        parts.append(_("within its zone"))
    clear = rule.get("clear")
    if isinstance(clear, Mapping):
        text = expression_text(clear) if kind == "state" else _limit(clear, metric)
        parts.append(_("clears at %(condition)s") % {"condition": text})
    hazard = rule.get("hazard")
    if isinstance(hazard, Mapping):
        if hazard.get("open_minutes"):
            parts.append(
                _("raises a hidden hazard when open for %(held)s") % {"held": _duration(int(hazard["open_minutes"]) * 60)}
            )
        elif hazard.get("count"):
            parts.append(
                _("raises a hidden hazard at %(count)s alarms within %(days)s days")
                % {"count": hazard["count"], "days": hazard.get("within_days")}
            )
    return _("; ").join(p for p in parts if p)
