"""The restaurant street map: who opens it (and who is refused), what each persona sees on it and
must not, each status in words and in its colour, the progress per district and per street for a
known set, the restaurants without coordinates counted and listed, constant query counts, and in
headless Chromium the markers and the legend drawn."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD
from safecity.core.models import Organisation
from safecity.restaurants import selectors_map
from safecity.restaurants.choices import FlagKind, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, CrossCheckFlag, Restaurant
from tests.conftest import browser  # noqa: F401 (the fixture: Debian's chromium, never a downloaded one)

pytestmark = pytest.mark.django_db

MAP = "/restaurants/map/"
DATA = "/restaurants/map/data/"


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def place(restaurant: Restaurant, lat: str, lon: str) -> None:
    Organisation.objects.filter(pk=restaurant.organisation_id).update(latitude=Decimal(lat), longitude=Decimal(lon))


@dataclass
class Street:
    electric: Restaurant  # converted to electric, subsidy paid 2400, an open cross-check finding
    bottled: Restaurant  # on cylinders, in no campaign
    listed: Restaurant  # in the campaign (listed), no coordinates
    surveyed: Restaurant  # in the campaign (surveyed)
    pipe: Restaurant  # converted to piped gas, subsidy paid 1500
    devices: Restaurant  # district B: cannot convert, safety-device track
    campaign: Campaign
    campaign_b: Campaign


@pytest.fixture
def street(gas: Any) -> Street:
    """Five restaurants on district A's street (one without coordinates) and one in district B."""
    city = gas.city
    electric = gas.restaurant("常州丰田路酒家", supplier=gas.unit)
    conversion = gas.accept(electric, date(2025, 4, 10), fuel=KitchenFuel.ELECTRIC)
    Conversion.objects.filter(pk=conversion.pk).update(
        step="subsidy_paid", target="electric", subsidy_amount=Decimal("2400.00"), subsidy_paid_on=date(2025, 6, 28)
    )
    campaign = conversion.campaign
    now = timezone.now()
    CrossCheckFlag.objects.create(
        restaurant=electric,
        kind=FlagKind.DELIVERED_AFTER_CONVERSION,
        first_at=now - timedelta(days=10),
        last_at=now,
        count=2,
        ledger_indexes=[17, 12],
    )
    bottled = gas.restaurant("常州三井烧烤店", on_site=1, supplier=gas.unit)
    listed = gas.restaurant("常州河海面馆", on_site=1)
    Conversion.objects.create(campaign=campaign, restaurant=listed)
    surveyed = gas.restaurant("常州青果巷茶馆", on_site=2)
    Conversion.objects.create(campaign=campaign, restaurant=surveyed, step="surveyed", surveyed_on=date(2025, 3, 1))
    pipe = gas.restaurant("常州龙城小厨")
    accepted = gas.accept(pipe, date(2025, 5, 2), fuel=KitchenFuel.PIPED_GAS)
    Conversion.objects.filter(pk=accepted.pk).update(
        step="subsidy_paid", target="pipe", subsidy_amount=Decimal("1500.00"), subsidy_paid_on=date(2025, 7, 1)
    )
    devices = gas.restaurant("常州湖塘火锅", street=city.street_b, on_site=2)
    campaign_b = Campaign.objects.create(
        name="瓶改管 湖塘镇", region=city.street_b, deadline=date(2025, 12, 31), subsidy_cap=Decimal("5000")
    )
    Conversion.objects.create(
        campaign=campaign_b, restaurant=devices, step="safety_devices", target="none", infeasible_reason="老街无管网"
    )
    for restaurant, lat, lon in (
        (electric, "31.8101", "119.9701"),
        (bottled, "31.8110", "119.9712"),
        (surveyed, "31.8120", "119.9690"),
        (pipe, "31.8095", "119.9725"),
        (devices, "31.7150", "119.9420"),
    ):
        place(restaurant, lat, lon)
    return Street(electric, bottled, listed, surveyed, pipe, devices, campaign, campaign_b)


def features(client: Client, query: str = "") -> dict[str, dict[str, Any]]:
    response = client.get(DATA + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["name"]: f for f in data["features"]}


def embedded(html: str) -> set[str]:
    """The names of the restaurants the page hands its map (the json_script block)."""
    block = html[html.index('id="street-map-data"') :].split(">", 1)[1].split("</script>", 1)[0]
    return {f["properties"]["name"] for f in json.loads(block)["features"]}


def rows(html: str, testid: str) -> dict[str, list[str]]:
    """The table's rows by their data-code: the cells' text."""
    import re

    table = html[html.index(f'data-testid="{testid}"') :]
    table = table[: table.index("</table>")]
    found: dict[str, list[str]] = {}
    for code, body in re.findall(r'<tr[^>]* data-code="([^"]*)"[^>]*>(.*?)</tr>', table, re.S):
        cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td>(.*?)</td>", body, re.S)]
        found[code] = [" ".join(c) for c in cells]
    return found


# --- who opens it ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_admin", "city_official", "district_a", "district_b", "enterprise_user"])
def test_the_restaurant_personas_open_the_map(street: Street, personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    page = client.get(MAP)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Restaurant street map" in text and 'data-testid="map-legend"' in text
    assert client.get(DATA).status_code == 200


@pytest.mark.parametrize("persona", ["expert", "outsider"])
def test_others_are_refused(street: Street, personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    assert client.get(MAP).status_code == 403
    assert client.get(DATA).status_code == 403


def test_anonymous_is_sent_to_login(street: Street) -> None:
    for url in (MAP, DATA):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- what each persona sees --------------------------------------------------------------------


def test_city_official_sees_every_located_restaurant_in_its_status(street: Street, personas: Any) -> None:
    points = features(login(personas.city_official))
    assert set(points) == {"常州丰田路酒家", "常州三井烧烤店", "常州青果巷茶馆", "常州龙城小厨", "常州湖塘火锅"}
    expected = {
        "常州丰田路酒家": ("electric", "Converted: electric", "#2e7d32", "Subsidy paid", True),
        "常州三井烧烤店": ("cylinders", "Still on cylinders, not in a campaign", "#c62828", "Not in a campaign", False),
        "常州青果巷茶馆": ("programme", "In the programme (survey, plan or construction)", "#ef6c00", "Surveyed", False),
        "常州龙城小厨": ("pipe", "Converted: piped gas", "#0b5cad", "Subsidy paid", False),
        "常州湖塘火锅": (
            "safety_devices",
            "Cannot convert: stays on cylinders with safety devices",
            "#6a1b9a",
            "Stays on cylinders (safety devices)",
            False,
        ),
    }
    for name, (status, words, colour, step, flagged) in expected.items():
        p = points[name]["properties"]
        assert (p["status"], p["status_label"], p["colour"], p["step_label"], p["flagged"]) == (
            status,
            words,
            colour,
            step,
            flagged,
        ), name
    electric = points["常州丰田路酒家"]
    assert electric["geometry"] == {"type": "Point", "coordinates": [119.9701, 31.8101]}  # longitude first
    assert electric["properties"]["url"] == f"/restaurants/{street.electric.pk}/"
    assert electric["properties"]["street"] == "三井街道"


def test_a_flag_whose_hazard_is_closed_is_not_marked(street: Street, personas: Any) -> None:
    from safecity.hazards.choices import HazardState
    from safecity.hazards.models import HiddenHazard
    from safecity.restaurants.services.crosscheck import crosscheck_hazards_raise

    client = login(personas.city_official)
    assert features(client)["常州丰田路酒家"]["properties"]["flagged"] is True  # no hazard raised yet
    assert crosscheck_hazards_raise() == (1, 0)
    hazard = CrossCheckFlag.objects.get().hazard
    assert hazard is not None
    # (Accepted needs its acceptance recorded; withdrawn closes it as well, and is one update.)
    for state, flagged in ((HazardState.RECTIFYING, True), (HazardState.WITHDRAWN, False)):
        HiddenHazard.objects.filter(pk=hazard.pk).update(state=state)
        assert features(client)["常州丰田路酒家"]["properties"]["flagged"] is flagged, state


def test_district_official_sees_their_district_only(street: Street, personas: Any) -> None:
    mine = features(login(personas.district_a))
    assert set(mine) == {"常州丰田路酒家", "常州三井烧烤店", "常州青果巷茶馆", "常州龙城小厨"}
    assert "常州湖塘火锅" not in mine
    theirs = features(login(personas.district_b))
    assert set(theirs) == {"常州湖塘火锅"}
    page = login(personas.district_b).get(MAP).content.decode()
    assert embedded(page) == {"常州湖塘火锅"}
    for name in ("常州丰田路酒家", "常州三井烧烤店", "常州河海面馆", "三井街道", "新北区"):
        assert name not in page, name


def test_enterprise_user_sees_no_other_restaurant(street: Street, personas: Any) -> None:
    assert features(login(personas.enterprise_user)) == {}
    page = login(personas.enterprise_user).get(MAP).content.decode()
    assert "常州丰田路酒家" not in page and "常州湖塘火锅" not in page
    assert 'name="campaign"' not in page  # campaigns are the districts' programme


# --- filters -----------------------------------------------------------------------------------


def test_filters_by_district_and_by_campaign(street: Street, personas: Any) -> None:
    client = login(personas.city_official)
    assert set(features(client, "?region=320412")) == {"常州湖塘火锅"}
    assert set(features(client, "?region=320411002")) == {"常州丰田路酒家", "常州三井烧烤店", "常州青果巷茶馆", "常州龙城小厨"}
    in_campaign = {"常州丰田路酒家", "常州青果巷茶馆", "常州龙城小厨"}  # (and 常州河海面馆, not on the map)
    assert set(features(client, f"?campaign={street.campaign.pk}")) == in_campaign
    page = client.get(f"{MAP}?region=320412").content.decode()
    districts = rows(page, "progress-districts")
    assert set(districts) == {"320412"}
    assert "武进区" in page and 'data-code="320411"' not in page
    # The chosen district shows by name in the filter chip, never as its code alone.
    chips = page[page.index('class="chips"') :]
    assert "武进区" in chips[: chips.index("</ul>")]
    by_campaign = client.get(f"{MAP}?campaign={street.campaign.pk}").content.decode()
    assert embedded(by_campaign) == in_campaign
    assert rows(by_campaign, "progress-streets")["320411002"][:3] == ["三井街道 新北区", "4", "4"]
    assert "320412100" not in rows(by_campaign, "progress-streets")


def test_a_district_out_of_reach_or_unknown_shows_nothing(street: Street, personas: Any) -> None:
    client = login(personas.district_b)
    assert features(client, "?region=320411") == {}
    text = client.get(MAP + "?region=320411").content.decode()
    assert embedded(text) == set() and "常州丰田路酒家" not in text
    assert 'data-code="320411' not in text
    assert client.get(DATA + "?region=999999").status_code == 400
    unknown = client.get(MAP + "?region=999999")
    assert unknown.status_code == 200
    assert "Choose a district or street from the list." in unknown.content.decode()
    assert embedded(unknown.content.decode()) == set()
    assert login(personas.city_official).get(DATA + "?campaign=abc").status_code == 400


# --- progress ----------------------------------------------------------------------------------


def test_progress_per_district_and_street(street: Street, personas: Any) -> None:
    page = login(personas.city_official).get(MAP).content.decode()
    headers = page[page.index('data-testid="progress-districts"') :]
    for words in ("Restaurants", "In the programme", "Converted: piped gas / electric", "Share converted"):
        assert words in headers[: headers.index("</thead>")]
    districts = rows(page, "progress-districts")
    # name, restaurants, in programme, converted pipe / electric, share, still on cylinders, subsidy paid, not on the map
    assert districts["320411"] == ["新北区", "5", "4", "1 / 1", "50.0%", "3", "3900.00", "1"]
    assert districts["320412"] == ["武进区", "1", "1", "0 / 0", "0.0%", "1", "0.00", "0"]
    assert districts["total"] == ["Total", "6", "5", "1 / 1", "40.0%", "4", "3900.00", "1"]
    streets = rows(page, "progress-streets")
    assert streets["320411002"] == ["三井街道 新北区", "5", "4", "1 / 1", "50.0%", "3", "3900.00", "1"]
    assert streets["320412100"] == ["湖塘镇 武进区", "1", "1", "0 / 0", "0.0%", "1", "0.00", "0"]


def test_the_selector_figures(street: Street, personas: Any) -> None:
    progress = selectors_map.map_progress(user=personas.district_a)
    assert [line.row.code for line in progress.districts] == ["320411"]
    total = progress.total
    assert (total.row.restaurants, total.row.in_programme, total.row.converted, total.row.on_bottled_lpg) == (5, 4, 2, 3)
    assert total.row.percent_converted == Decimal("50.0") and total.row.subsidy_paid == Decimal("3900.00")
    assert total.not_on_map == 1 and progress.unlocated[0]["organisation__name"] == "常州河海面馆"


def test_restaurants_without_coordinates_are_counted_and_listed(street: Street, personas: Any) -> None:
    page = login(personas.district_a).get(MAP).content.decode()
    assert "Restaurants on the map: 4." in page
    assert "Not on the map (no coordinates), counted in the tables: 1." in page
    unlocated = page[page.index('data-testid="unlocated"') :]
    unlocated = unlocated[: unlocated.index("</details>")]
    assert "常州河海面馆" in unlocated and f'href="/restaurants/{street.listed.pk}/"' in unlocated
    data = json.loads(page[page.index('id="street-map-data"') :].split(">", 1)[1].split("</script>", 1)[0])
    assert "常州河海面馆" not in {f["properties"]["name"] for f in data["features"]}
    assert len(data["features"]) == 4


def test_the_page_says_statuses_in_words(street: Street, personas: Any) -> None:
    page = login(personas.city_official).get(MAP).content.decode()
    legend = page[page.index('data-testid="map-legend"') :]
    legend = legend[: legend.index("</ul>")]
    for status in selectors_map.STATUSES:
        assert str(status.label) in legend
    assert "Open cross-check finding (ringed in black)" in legend
    assert 'href="/restaurants/"' in page  # the header's link back to the list
    tables = page[page.index('data-testid="progress-districts"') : page.index('id="street-map-data"')]
    for code in ("bottled_lpg", "subsidy_paid", "safety_devices"):
        assert code not in tables


def test_query_count_is_constant(gas: Any, street: Street, personas: Any) -> None:
    client = login(personas.city_official)
    client.get(MAP)
    with CaptureQueriesContext(connection) as few_page:
        assert client.get(MAP).status_code == 200
    with CaptureQueriesContext(connection) as few_data:
        assert client.get(DATA).status_code == 200
    for n in range(6):
        more = gas.restaurant(f"常州测试餐馆{n}", street=gas.city.street_b if n % 2 else None, on_site=1)
        if n % 3:
            Conversion.objects.create(campaign=street.campaign, restaurant=more)
        if n != 5:
            place(more, f"31.80{n}", f"119.96{n}")
        CrossCheckFlag.objects.create(
            restaurant=more,
            kind=FlagKind.TOO_MANY_CYLINDERS,
            first_at=timezone.now(),
            last_at=timezone.now(),
            count=1,
            ledger_indexes=[n],
        )
    with CaptureQueriesContext(connection) as many_page:
        page = client.get(MAP)
    with CaptureQueriesContext(connection) as many_data:
        data = client.get(DATA).json()
    assert "常州测试餐馆4" in embedded(page.content.decode()) and len(data["features"]) == 10
    assert len(many_page) == len(few_page)
    assert len(many_data) == len(few_data)


# --- in the browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_the_map_draws_the_markers_and_the_legend(
    live_server: Any,
    street: Street,
    personas: Any,
    browser: Any,  # noqa: F811
) -> None:
    page = browser.new_page(locale="en-GB", viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/?next={MAP}")
    page.fill("input[name=username]", personas.city_official.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{MAP}")
    page.wait_for_selector("#street-map path.leaflet-interactive")
    assert page.locator("#street-map path.leaflet-interactive").count() == 5
    assert page.locator("#street-map path.flagged").count() == 1
    assert page.locator("#street-map path.status-safety_devices").count() == 1
    legend = page.locator("[data-testid=map-legend]")
    assert legend.is_visible()
    assert "Converted: piped gas" in legend.inner_text() and "Open cross-check finding" in legend.inner_text()
    # The flagged restaurant's popup: its name, its status in words, the finding, a link to its page.
    page.locator("#street-map path.flagged").click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = popup.inner_text()
    assert "常州丰田路酒家" in text and "Converted: electric" in text and "Open cross-check finding" in text
    assert popup.query_selector("a").get_attribute("href") == f"/restaurants/{street.electric.pk}/"
    assert errors == []
