"""The restaurant pages: who opens them and what each persona sees (and must not see), words not
codes, constant query counts on the list, the survey-sheet export."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from safecity.restaurants.choices import FlagKind, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, CrossCheckFlag

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def demo(gas: Any) -> dict[str, Any]:
    """Two restaurants on district A's street: one converted to electric with its subsidy paid and a
    cross-check finding, one still on cylinders and not in a campaign."""
    converted = gas.restaurant("常州丰田路酒家", supplier=gas.unit)
    conversion = gas.accept(converted, date(2025, 4, 10), fuel=KitchenFuel.ELECTRIC)
    Conversion.objects.filter(pk=conversion.pk).update(
        step="subsidy_paid", target="electric", subsidy_amount=Decimal("2400.00"), subsidy_paid_on=date(2025, 6, 28)
    )
    bottled = gas.restaurant("常州三井烧烤店", on_site=1, supplier=gas.unit)
    now = timezone.now()
    CrossCheckFlag.objects.create(
        restaurant=converted,
        kind=FlagKind.DELIVERED_AFTER_CONVERSION,
        first_at=now - timedelta(days=10),
        last_at=now,
        count=2,
        ledger_indexes=[17, 12],
    )
    return {"converted": converted, "bottled": bottled, "campaign": conversion.campaign}


def pages(demo: dict[str, Any]) -> list[str]:
    return [
        "/restaurants/",
        f"/restaurants/{demo['converted'].pk}/",
        f"/restaurants/{demo['bottled'].pk}/",
        "/restaurants/campaigns/",
        f"/restaurants/campaigns/{demo['campaign'].pk}/",
    ]


def test_city_official_sees_the_restaurants_in_words(demo: dict[str, Any], personas: Any) -> None:
    client = login(personas.city_official)
    listing = client.get("/restaurants/").content.decode()
    assert "常州丰田路酒家" in listing and "常州三井烧烤店" in listing
    assert "Electric" in listing and "Bottled LPG" in listing and "Subsidy paid" in listing
    assert "常州新北液化气充装站" in listing
    table = listing[listing.index('data-testid="restaurant-table"') :]
    for code in ("bottled_lpg", "subsidy_paid"):
        assert code not in table  # (the filter's options carry the codes as values, not as text)
    detail = client.get(f"/restaurants/{demo['converted'].pk}/").content.decode()
    assert "Cylinders delivered after the conversion was accepted" in detail
    assert 'href="/ledger/entries/17/"' in detail and 'href="/ledger/entries/12/"' in detail
    assert "To electric" in detail and "delivered_after_conversion" not in detail
    assert "No gas detector is fitted here." in detail
    assert "not in a conversion campaign" in client.get(f"/restaurants/{demo['bottled'].pk}/").content.decode()
    campaigns = client.get("/restaurants/campaigns/").content.decode()
    assert demo["campaign"].name in campaigns
    campaign = client.get(f"/restaurants/campaigns/{demo['campaign'].pk}/").content.decode()
    assert "30%" in campaign and "5000" in campaign
    assert "常州丰田路酒家" in campaign and "2400.00" in campaign and "100.0" in campaign


def test_district_a_official_sees_their_street(demo: dict[str, Any], personas: Any) -> None:
    client = login(personas.district_a)
    for page in pages(demo):
        assert client.get(page).status_code == 200, page
    assert "常州三井烧烤店" in client.get("/restaurants/").content.decode()


def test_other_district_official_sees_none_of_them(demo: dict[str, Any], personas: Any) -> None:
    client = login(personas.district_b)
    listing = client.get("/restaurants/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "常州丰田路酒家" not in text and "常州三井烧烤店" not in text
    assert "No restaurant in your reach matches." in text
    campaigns = client.get("/restaurants/campaigns/")
    assert campaigns.status_code == 200 and demo["campaign"].name not in campaigns.content.decode()
    for page in pages(demo)[1:]:
        if page != "/restaurants/campaigns/":
            assert client.get(page).status_code == 404, page
    workbook = load_workbook(BytesIO(client.get("/restaurants/?export=xlsx").content))
    assert workbook.active.max_row == 1  # the header only


@pytest.mark.parametrize("persona", ["expert", "outsider"])
def test_others_are_refused(demo: dict[str, Any], personas: Any, persona: str) -> None:
    client = login(getattr(personas, persona))
    for page in pages(demo):
        assert client.get(page).status_code == 403, page


def test_enterprise_user_opens_the_registry_but_not_the_campaigns(demo: dict[str, Any], personas: Any) -> None:
    client = login(personas.enterprise_user)
    listing = client.get("/restaurants/")
    assert listing.status_code == 200 and "常州三井烧烤店" not in listing.content.decode()
    assert client.get("/restaurants/campaigns/").status_code == 403


def test_anonymous_is_sent_to_login(demo: dict[str, Any]) -> None:
    for page in pages(demo):
        assert Client().get(page).status_code == 302, page


def test_navigation_names_the_section(demo: dict[str, Any], personas: Any) -> None:
    home = login(personas.city_official).get("/restaurants/").content.decode()
    assert "Restaurant gas safety" in home and 'href="/restaurants/campaigns/"' in home


def test_list_query_count_is_constant(gas: Any, demo: dict[str, Any], personas: Any) -> None:
    client = login(personas.city_official)
    client.get("/restaurants/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/restaurants/").status_code == 200
    for n in range(5):
        more = gas.restaurant(f"常州测试餐馆{n}", on_site=1, supplier=gas.other_unit)
        Conversion.objects.create(campaign=Campaign.objects.get(), restaurant=more)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/restaurants/")
    assert "常州测试餐馆4" in page.content.decode()
    assert len(many) == len(few)


def test_export_is_the_filtered_survey_sheet(demo: dict[str, Any], personas: Any) -> None:
    response = login(personas.city_official).get("/restaurants/?fuel=electric&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [row[0] for row in rows[1:]]
    assert names == ["常州丰田路酒家"]
    assert "电" in rows[1]
