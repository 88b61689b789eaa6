"""The telemetry rules of a plant and of a truck, as data for ``safecity.telemetry.rules``
(``docs/telemetry.md``): the seam between the forklift registry and the telemetry engine.

What the smart-forklift platforms watch (domain-rules §4): overspeed by zone (no national limit:
each zone's own limit, commonly 5 km/h indoors and 3 km/h where people walk), entry into a
forbidden zone (a geofence with a dwell time, so GPS drift at the edge does not flap), the seat
belt unfastened for more than 20 s while moving, a collision (acceleration above a threshold),
pedestrian proximity, overload (the load above the truck's rated load: per truck) and the device
offline. Repeated or lasting alarms raise a hidden hazard (the alarm service's ``hazard`` policy).

Rule ids are stable (``overspeed-zone-<id>``, ``forbidden-zone-<id>``, ...), so an open alarm
survives a rebuild of the set. Titles are worded in the active language when the set is built.
The figures that differ between plants and vendors are settings with these defaults.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from safecity.forklifts.choices import ZoneKind
from safecity.forklifts.models import Forklift, Plant

# Seconds over the limit before an overspeed alarm (one fast GPS sample is not a violation).
OVERSPEED_FOR_S = 3
# Seconds inside a forbidden zone before the alarm, and outside before it clears (GPS drift).
FORBIDDEN_DWELL_S = 5
FORBIDDEN_CLEAR_DWELL_S = 10
# The seat belt unfastened for more than 20 s while moving (domain-rules §4).
BELT_FOR_S = 20
MOVING_KMH = 0.5


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def collision_g() -> float:
    """Impact detection: acceleration above this (g) is a collision (vendors use 1.0-2.0 g)."""
    return _setting("SAFECITY_FORKLIFT_COLLISION_G", 1.5)


def pedestrian_m() -> float:
    """Pedestrian proximity: a person nearer than this (m) to a moving truck (warn zones 0.5-25 m)."""
    return _setting("SAFECITY_FORKLIFT_PEDESTRIAN_M", 3.0)


def offline_s() -> int:
    """A device silent for this long is offline (10 minutes)."""
    return int(_setting("SAFECITY_FORKLIFT_OFFLINE_S", 600))


def _polygon(points: list[list[float]]) -> dict[str, Any]:
    return {"polygon": [[float(lon), float(lat)] for lon, lat in points]}


def plant_rules(plant: Plant) -> list[dict[str, Any]]:
    """The rules every truck of ``plant`` is held to: overspeed per zone at the zone's limit,
    no entry into a forbidden zone, seat belt, collision, pedestrian proximity, device offline."""
    rules: list[dict[str, Any]] = []
    for zone in plant.zones.order_by("id"):
        if zone.kind == ZoneKind.FORBIDDEN:
            rules.append(
                {
                    "id": f"forbidden-zone-{zone.pk}",
                    "kind": "geofence",
                    "level": "red",
                    "title": _("Entered the forbidden zone %(zone)s") % {"zone": zone.name},
                    "zone": _polygon(zone.polygon),
                    "alarm_when": "inside",
                    "dwell_s": FORBIDDEN_DWELL_S,
                    "clear_dwell_s": FORBIDDEN_CLEAR_DWELL_S,
                    "hazard": {"count": 1, "within_days": 1, "hazard_type": 6},
                }
            )
            continue
        limit = float(zone.speed_limit_kmh or 0)
        rules.append(
            {
                "id": f"overspeed-zone-{zone.pk}",
                "kind": "threshold",
                "level": "orange",
                "title": _("Over %(limit)s km/h in %(zone)s") % {"limit": f"{limit:g}", "zone": zone.name},
                "metric": "speed_kmh",
                "op": ">",
                "value": limit,
                "for_s": OVERSPEED_FOR_S,
                # Hysteresis: the alarm clears 10 % under the limit, so a truck at the limit does not flap.
                "clear": {"op": "<=", "value": round(limit * 0.9, 2)},
                "clear_for_s": 5,
                "zone": _polygon(zone.polygon),
                "hazard": {"count": 3, "within_days": 7, "hazard_type": 1},
            }
        )
    rules.extend(
        [
            {
                "id": "seat-belt",
                "kind": "state",
                "level": "orange",
                "title": _("Seat belt unfastened while moving"),
                "for_s": BELT_FOR_S,
                "when": {"all": [["speed_kmh", ">", MOVING_KMH], ["belt_fastened", "==", False]]},
                "clear": {"any": [["speed_kmh", "<=", 0.2], ["belt_fastened", "==", True]]},
                "hazard": {"count": 3, "within_days": 7, "hazard_type": 1},
            },
            {
                "id": "collision",
                "kind": "threshold",
                "level": "red",
                "title": _("Collision"),
                "metric": "accel_g",
                "op": ">",
                "value": collision_g(),
                "momentary": True,  # an impact is one reading: fired even when that reading arrives late
                "hazard": {"count": 1, "within_days": 1, "hazard_type": 7},
            },
            {
                "id": "pedestrian-proximity",
                "kind": "threshold",
                "level": "orange",
                "title": _("Pedestrian too close"),
                "metric": "pedestrian_m",
                "op": "<",
                "value": pedestrian_m(),
                "clear": {"op": ">=", "value": pedestrian_m() + 1},
            },
            {
                "id": "offline",
                "kind": "absence",
                "level": "yellow",
                "title": _("Monitoring device offline"),
                "after_s": offline_s(),
                "hazard": {"open_minutes": 1440, "hazard_type": 7},
            },
        ]
    )
    return rules


def forklift_rules(forklift: Forklift) -> list[dict[str, Any]]:
    """The rules of one truck: its plant's, plus overload above its rated load (TSG 81-2022)."""
    rated = float(forklift.rated_load_kg)
    return [
        *plant_rules(forklift.plant),
        {
            "id": "overload",
            "kind": "threshold",
            "level": "red",
            "title": _("Load over the rated %(kg)s kg") % {"kg": forklift.rated_load_kg},
            "metric": "load_kg",
            "op": ">",
            "value": rated,
            "for_s": 2,
            "clear": {"op": "<=", "value": round(rated * 0.95, 1)},
            "hazard": {"count": 3, "within_days": 7, "hazard_type": 7},
        },
    ]
