"""The demo's forklifts on the telemetry engine (issue 14): a monitoring device on every truck in
use, each with its rule set (its plant's zones, its rated load), and a week of simulated driving
ending now, stored through the ingest path (so its alarms are real alarms of real rules).

The live part is ``make demo``'s: ``safecity demo`` starts the broker, an ingest worker and
``safecity telemetry simulate --existing --prefix CZFL`` (:func:`sites`), so a visitor sees the
trucks move and an alarm fire within a minute.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from django.conf import settings

from safecity.core.demo import register_step
from safecity.forklifts.choices import ForkliftStatus, ZoneKind
from safecity.forklifts.models import Forklift, Plant
from safecity.forklifts.rules import forklift_rules
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.ingest.simulator import M_LAT, M_LON, Site, history
from safecity.telemetry.models import Device, RuleSet
from safecity.telemetry.services.devices import device_register

SERIAL_PREFIX = "CZFL"
HISTORY_DAYS = 7


def serial_of(forklift: Forklift) -> str:
    return f"{SERIAL_PREFIX}{forklift.pk:05d}"


def plant_site(plant: Plant) -> Site:
    """The simulator's view of a plant: stations at the centres of its indoor and outdoor zones
    (and the yard's corners), the forbidden zone's centre as a detour's target, and each zone's
    speed limit, all in metres from the plant's south-west corner."""
    west, south = float(plant.west), float(plant.south)

    def metres(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) / M_LON, (lat - south) / M_LAT)

    stations: list[tuple[float, float]] = []
    slow: list[tuple[float, float, float, float, float]] = []
    forbidden: tuple[float, float] | None = None
    cruise = 8.0
    for zone in plant.zones.all():
        points = [metres(float(lon), float(lat)) for lon, lat in zone.polygon]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        if zone.kind == ZoneKind.FORBIDDEN:
            forbidden = forbidden or centre
            continue
        limit = float(zone.speed_limit_kmh or 0) or cruise
        if zone.kind == ZoneKind.OUTDOOR:
            cruise = min(cruise, 0.8 * limit)
            stations += [centre, (box[0] + 10, box[1] + 10), (box[2] - 10, box[3] - 10)]
        elif zone.kind == ZoneKind.INDOOR:
            stations.append(centre)
        slow.append((*box, limit))
    width = (float(plant.east) - west) / M_LON
    height = (float(plant.north) - south) / M_LAT
    if len(stations) < 2:
        stations = [(width * 0.25, height * 0.25), (width * 0.75, height * 0.75)]
    return Site(
        origin=(west, south),
        stations=tuple(stations),
        forbidden_target=forbidden or (width * 0.9, height * 0.9),
        slow_zones=tuple(slow),
        cruise_kmh=cruise,
    )


def sites(prefix: str = SERIAL_PREFIX) -> dict[str, Site]:
    """serial -> Site of every monitored demo truck (for the live simulator)."""
    trucks = Forklift.objects.filter(device__serial__startswith=prefix).select_related("plant", "device")
    by_plant: dict[int, Site] = {}
    made = {}
    for truck in trucks:
        if truck.plant_id not in by_plant:
            by_plant[truck.plant_id] = plant_site(truck.plant)
        # Each truck is loaded within its own rated load: overload is an injected violation only.
        made[truck.device.serial] = replace(by_plant[truck.plant_id], max_load_kg=float(truck.rated_load_kg))
    return made


@register_step("forklifts.telemetry", order=76)
def build(rng: random.Random, admin: Any) -> None:
    trucks = list(Forklift.objects.filter(status=ForkliftStatus.IN_USE).select_related("plant", "organisation").order_by("pk"))
    for truck in trucks:
        rule_set = RuleSet(name=f"{truck.number} 安全规则", organisation=truck.organisation, rules=forklift_rules(truck))
        rule_set.full_clean()
        rule_set.save()
        device, _credentials = device_register(
            actor=admin,
            serial=serial_of(truck),
            kind=DeviceKind.FORKLIFT_TRACKER,
            organisation=truck.organisation,
            name=f"{truck.number} 车载终端",
            mounted_on=truck,
            rule_set=rule_set,
        )
        Forklift.objects.filter(pk=truck.pk).update(device=device)
    serials = list(Device.objects.filter(serial__startswith=SERIAL_PREFIX).order_by("serial").values_list("serial", flat=True))
    history(
        serials,
        days=HISTORY_DAYS,
        seed=settings.SAFECITY_DEMO_SEED,
        interval_s=float(settings.SAFECITY_DEMO_TELEMETRY_INTERVAL_S),
        violation_rate=0.01,
        sites=sites(),
    )
