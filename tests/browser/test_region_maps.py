"""End to end in headless Chromium: the two region maps drawn by the shared Leaflet set-up
(safecity/core/static/core/region_map.js), the restaurant street map and the village map. Each page,
in English and in Chinese, draws one circle per point, rings the points that need attention, puts
the words of its own language in the tooltip and the popup with a link to the point's page, shows
its legend, asks no server but the platform's for anything (no tiles: it works offline), and
raises no script error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD, make_org
from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.restaurants.choices import FlagKind
from safecity.restaurants.models import CrossCheckFlag, Restaurant
from safecity.restaurants.selectors_map import FLAG_COLOUR
from safecity.restaurants.tests.conftest import Gas, gas  # noqa: F401 (the fixture)
from safecity.smallbiz.models import SmallEnterprise
from safecity.smallbiz.services import registry
from safecity.smallbiz.tests.conftest import Biz, biz  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

# The browser's language for each of the platform's languages (LocaleMiddleware reads it).
LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}


def words(language: str, *msgids: str) -> list[str]:
    """The page's words in ``language``, as the catalogue has them."""
    with translation.override(language):
        return [translation.gettext(m) for m in msgids]


@dataclass
class Opened:
    page: Any
    errors: list[str]  # uncaught script errors and console errors
    elsewhere: list[str]  # requests to any server but the platform's (tiles, fonts, ...)


def open_map(live_server: Any, browser: Any, user: Any, path: str, language: str) -> Opened:
    page = browser.new_page(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    opened = Opened(page, [], [])
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else opened.elsewhere.append(request.url),
    )
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path}")
    return opened


def assert_drawn_offline(opened: Opened, map_id: str) -> None:
    """The map is Leaflet's, with its scale, no tile, and the shared look (core/region_map.css)."""
    page = opened.page
    assert page.locator(f"#{map_id}.leaflet-container .leaflet-control-scale").count() == 1
    assert page.locator(f"#{map_id} .leaflet-tile").count() == 0
    box = page.locator(f"#{map_id}").bounding_box()
    assert box is not None and box["height"] == 520
    assert opened.elsewhere == []


# --- the village map -----------------------------------------------------------------------------


def placed(biz: Biz, name: str, village: Any, lat: str, lon: str) -> SmallEnterprise:  # noqa: F811
    org = make_org(
        name, OrganisationKind.ENTERPRISE, village, actor=biz.city.superuser, latitude=Decimal(lat), longitude=Decimal(lon)
    )
    return registry.enterprise_register(actor=biz.city.superuser, organisation=org, trade="05", size="micro", risk_level=3)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_village_map_draws_its_villages(
    live_server: Any,
    biz: Biz,  # noqa: F811
    personas: Any,
    browser: Any,
    language: str,
) -> None:
    # 甲村 has a contract running for 200 days: its first visits are overdue (ringed in black).
    served = placed(biz, "甲厂", biz.village_a1, "31.80", "119.90")
    placed(biz, "乙厂", biz.village_a2, "31.70", "119.80")
    placed(biz, "丙厂", biz.village_b, "31.60", "119.70")
    start = timezone.localdate() - timedelta(days=200)
    biz.contract([served], start=start, end=start + timedelta(days=364))

    opened = open_map(live_server, browser, personas.city_official, "/smallbiz/map/", language)
    page = opened.page
    page.wait_for_selector("#village-map path.village-marker")
    assert page.locator("#village-map path.village-marker").count() == 3
    assert page.locator("#village-map path.band-none").count() == 3  # no visit done yet anywhere
    ringed = page.locator("#village-map path[stroke-width='3']")
    assert ringed.count() == 1 and ringed.get_attribute("stroke") == "#111111"
    assert_drawn_offline(opened, "village-map")
    no_visit, ringed_words, enterprises, overdue, open_page = words(
        language,
        "No visit done yet",
        "Ringed in black: visits overdue",
        "Enterprises:",
        "Visits overdue:",
        "Open the village’s page",
    )
    legend = page.locator("[data-testid=map-legend]")
    assert legend.is_visible() and no_visit in legend.inner_text() and ringed_words in legend.inner_text()

    ringed.hover()
    assert page.wait_for_selector(".leaflet-tooltip").inner_text() == f"甲村 · {no_visit}"
    ringed.click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = popup.inner_text()
    assert "甲村" in text and f"{enterprises} 1" in text
    assert popup.query_selector(".alarm").inner_text().startswith(overdue)  # the overdue visits in red
    link = popup.query_selector("a")
    assert link.inner_text() == open_page
    assert link.get_attribute("href") == f"{reverse('smallbiz:supervision')}?region={biz.village_a1.code}"
    assert opened.errors == []
    page.close()


# --- the restaurant street map -------------------------------------------------------------------


def located(gas: Gas, name: str, lat: str, lon: str) -> Restaurant:  # noqa: F811
    restaurant = gas.restaurant(name, on_site=1, supplier=gas.unit)
    Organisation.objects.filter(pk=restaurant.organisation_id).update(latitude=Decimal(lat), longitude=Decimal(lon))
    return restaurant


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_street_map_draws_its_restaurants(
    live_server: Any,
    gas: Gas,  # noqa: F811
    personas: Any,
    browser: Any,
    language: str,
) -> None:
    # Three restaurants on cylinders, one of them delivered to after it said it had converted: an
    # open cross-check finding (ringed in the flag colour).
    flagged = located(gas, "常州丰田路酒家", "31.8101", "119.9701")
    located(gas, "常州三井烧烤店", "31.8110", "119.9712")
    located(gas, "常州青果巷茶馆", "31.8120", "119.9690")
    now = timezone.now()
    CrossCheckFlag.objects.create(
        restaurant=flagged,
        kind=FlagKind.DELIVERED_AFTER_CONVERSION,
        first_at=now - timedelta(days=3),
        last_at=now,
        count=1,
        ledger_indexes=[7],
    )

    opened = open_map(live_server, browser, personas.city_official, "/restaurants/map/", language)
    page = opened.page
    page.wait_for_selector("#street-map path.restaurant-marker")
    assert page.locator("#street-map path.restaurant-marker").count() == 3
    assert page.locator("#street-map path.status-cylinders").count() == 3
    ringed = page.locator("#street-map path.flagged")
    assert ringed.count() == 1 and ringed.get_attribute("stroke") == FLAG_COLOUR
    assert_drawn_offline(opened, "street-map")
    status, finding, open_page = words(
        language, "Still on cylinders, not in a campaign", "Open cross-check finding", "Open the restaurant’s page"
    )
    legend = page.locator("[data-testid=map-legend]")
    assert legend.is_visible() and status in legend.inner_text()

    ringed.hover()
    assert page.wait_for_selector(".leaflet-tooltip").inner_text() == f"常州丰田路酒家 · {status} · {finding}"
    ringed.click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = popup.inner_text()
    assert "常州丰田路酒家" in text and status in text and finding in text
    assert popup.query_selector(".alarm").inner_text() == finding  # the finding in red
    link = popup.query_selector("a")
    assert link.inner_text() == open_page
    assert link.get_attribute("href") == f"/restaurants/{flagged.pk}/"
    assert opened.errors == []
    page.close()
