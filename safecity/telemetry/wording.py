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
    """The rule's own title when it has one, else its kind in words."""
    return title or str(KINDS.get(kind, _("Alarm")))


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
    else:
        values = params.get("values") or {}
        text = "; ".join(f"{metric_label(m)} {_figure(v)}" for m, v in values.items() if v is not None)
    if held and params.get("held_s"):
        return _("%(text)s, for %(held)s") % {"text": text, "held": held}
    return text
