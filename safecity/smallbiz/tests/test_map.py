"""The district's picture (issue 16): each village within reach at the mean position of its
enterprises, coloured by its on-time share, with overdue visits and open hidden hazards; the
GeoJSON scoped per persona; the page with its rankings and no inline script."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import make_org
from safecity.core.choices import OrganisationKind
from safecity.hazards.choices import HazardLevel
from safecity.smallbiz.models import SmallEnterprise, Visit
from safecity.smallbiz.services import registry, visits


def _placed(biz: Any, name: str, village: Any, lat: str, lon: str) -> SmallEnterprise:
    org = make_org(
        name,
        OrganisationKind.ENTERPRISE,
        village,
        actor=biz.city.superuser,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
    )
    return registry.enterprise_register(actor=biz.city.superuser, organisation=org, trade="05", size="micro", risk_level=3)


def _villages(client: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/smallbiz/map/data/")
    assert response.status_code == 200
    return {f["properties"]["name"]: f for f in response.json()["features"]}


def _setup(biz: Any) -> None:
    a1 = [_placed(biz, "甲厂", biz.village_a1, "31.80", "119.90"), _placed(biz, "甲店", biz.village_a1, "31.90", "119.96")]
    _placed(biz, "乙厂", biz.village_a2, "31.70", "119.80")
    _placed(biz, "丙厂", biz.village_b, "31.60", "119.70")
    biz.enterprise("无坐标厂")  # no coordinates: counted nowhere on the map, no error
    start = timezone.localdate() - timedelta(days=200)
    contract = biz.contract(a1, start=start, end=start + timedelta(days=364))
    # The first visit not yet due: signed today, it is on time (the earlier ones stay overdue).
    first = Visit.objects.filter(contract=contract, enterprise=a1[0], due_on__gte=timezone.localdate()).order_by("due_on").first()
    # Signed on time, with one finding: one open hidden hazard in 甲村.
    visits.visit_sign(
        actor=biz.engineer,
        visit=first,
        latitude="31.8",
        longitude="119.9",
        findings=[{"description": "电线乱拉", "level": HazardLevel.GENERAL}],
    )


def test_geojson_is_scoped_per_persona(client: Any, biz: Any, personas: Any) -> None:
    _setup(biz)
    client.force_login(personas.city_official)
    assert set(_villages(client)) == {"甲村", "乙村", "丙村"}
    client.force_login(personas.district_a)
    everything = _villages(client)
    assert set(everything) == {"甲村", "乙村"}
    client.force_login(biz.street_official)
    assert set(_villages(client)) == {"甲村", "乙村"}
    client.force_login(biz.supervisor)
    assert set(_villages(client)) == {"甲村"}
    client.force_login(personas.district_b)
    assert set(_villages(client)) == {"丙村"}
    for user in (biz.engineer, personas.enterprise_user, personas.outsider):
        client.force_login(user)
        assert client.get("/smallbiz/map/data/").status_code == 403
        assert client.get("/smallbiz/map/").status_code == 403


def test_a_village_lies_at_the_mean_of_its_enterprises_with_its_figures(client: Any, biz: Any, personas: Any) -> None:
    _setup(biz)
    client.force_login(personas.district_a)
    villages = _villages(client)
    a1 = villages["甲村"]
    assert a1["geometry"]["coordinates"] == [119.93, 31.85]  # GeoJSON: longitude first
    p = a1["properties"]
    assert p["enterprises"] == 2 and p["done"] == 1 and p["on_time"] == 1 and p["on_time_percent"] == 100
    assert p["band"] == "good" and p["hazards"] == 1 and p["overdue"] >= 1
    assert "_" not in p["band_label"] and "." not in p["band_label"]  # words, not codes
    b = villages["乙村"]["properties"]
    assert b["band"] == "none" and b["done"] == 0 and b["hazards"] == 0


def test_the_map_page_has_the_points_the_rankings_and_no_inline_script(client: Any, biz: Any, personas: Any) -> None:
    _setup(biz)
    client.force_login(biz.supervisor)
    response = client.get("/smallbiz/map/")
    page = response.content.decode()
    assert response.status_code == 200 and response.context["on_map"] == 1
    assert 'id="village-map-data"' in page and "smallbiz/village_map.js" in page and "vendor/leaflet/leaflet.js" in page
    assert 'data-testid="street-table"' in page and 'data-testid="provider-table"' in page
    assert "<script>" not in page.replace('<script id="village-map-data" type="application/json">', "")


def test_map_query_count_does_not_grow_with_villages(
    client: Any, biz: Any, personas: Any, django_assert_max_num_queries: Any
) -> None:
    _setup(biz)
    for i in range(5):
        _placed(biz, f"多厂{i}", biz.village_a2, "31.7", "119.8")
    client.force_login(personas.district_a)
    with django_assert_max_num_queries(10):
        assert client.get("/smallbiz/map/data/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/smallbiz/map/").status_code == 200
