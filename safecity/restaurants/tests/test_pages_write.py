"""The restaurant pages that write (issue 15): registering and editing a restaurant, the survey
sheet in, every conversion step in the browser, the campaigns. Each page opened by a persona who
may (200) and refused to those who may not (403, or 404 when the record is out of their reach);
each step posted end to end; a refused input shown on its field with nothing written."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from conftest import make_user
from safecity.core.choices import Role
from safecity.core.demo.codes import credit_code
from safecity.core.exports import workbook_bytes
from safecity.core.models import Organisation
from safecity.restaurants.choices import ConversionStep, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, ConversionEvent, ConversionEvidence, Restaurant
from safecity.restaurants.services.conversion import campaign_add_restaurants, campaign_create
from safecity.restaurants.services.sheet import COLUMNS, SHEET_TITLE

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
HEADERS = [zh for _key, zh, _en in COLUMNS]
_rng = random.Random("restaurant pages")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def photo(name: str = "kitchen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def w(gas: Any, personas: Any) -> Any:
    """District A's street 三井街道: a noodle bar in a campaign (its manager has an account), a hotpot
    restaurant in no campaign, a restaurant already converted; one restaurant in district B."""
    city = gas.city
    world: Any = SimpleNamespace(gas=gas, city=city, p=personas)
    world.inspector_a = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    world.noodles = gas.restaurant("三井王记面馆", on_site=2, supplier=gas.unit)
    world.hotpot = gas.restaurant("三井李记火锅店", on_site=1, supplier=gas.unit)
    world.electric = gas.restaurant("三井电厨小馆", fuel=KitchenFuel.ELECTRIC)
    world.elsewhere = gas.restaurant("湖塘张记饭店", street=city.street_b, on_site=1)
    world.manager = make_user(city, "noodles_manager", world.noodles.organisation, Role.ENTERPRISE_MANAGER)
    world.campaign = campaign_create(
        actor=personas.district_a,
        name="三井街道瓶改管示范",
        region=city.street_a,
        deadline=date(2027, 6, 30),
        subsidy_cap="5000",
        subsidy_rate="0.30",
    )
    (world.conversion,) = campaign_add_restaurants(
        actor=personas.district_a, campaign=world.campaign, restaurants=[world.noodles]
    )
    return world


def step_url(restaurant: Restaurant, action: str) -> str:
    return f"/restaurants/{restaurant.pk}/step/{action}/"


def sheet(rows: list[list[Any]]) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    return SimpleUploadedFile("survey.xlsx", workbook_bytes(workbook))


def row(**values: Any) -> list[Any]:
    base: dict[str, Any] = {
        "名称": "河海面馆",
        "统一社会信用代码": credit_code(_rng, region_code="320411", prefix="92"),
        "街道": "三井街道",
        "地址": "河海路8号",
        "经度": 119.97,
        "纬度": 31.81,
        "厨房燃料": "瓶装液化气",
        "现存气瓶数": 2,
        "允许气瓶数": None,
        "供气单位": "常州新北液化气充装站",
    }
    base.update(values)
    return [base[h] for h in HEADERS]


# --- who opens which page ------------------------------------------------------------------------


def test_the_registry_pages_open_for_officials_and_inspectors_only(w: Any) -> None:
    district_a, inspector = login(w.p.district_a), login(w.inspector_a)
    for client in (district_a, inspector):
        for page in ("/restaurants/new/", "/restaurants/import/"):
            assert client.get(page).status_code == 200, page
    new = text(district_a.get("/restaurants/new/"))
    assert "三井街道" in new and "湖塘镇" not in new  # the streets of the jurisdiction only
    assert "常州新北液化气充装站" in new and "Bottled LPG" in new and 'value="bottled_lpg"' in new
    for persona in ("enterprise_user", "expert", "outsider"):
        client = login(getattr(w.p, persona))
        for page in ("/restaurants/new/", "/restaurants/import/", "/restaurants/import/template/"):
            assert client.get(page).status_code == 403, (persona, page)
    assert Client().get("/restaurants/new/").status_code == 302


def test_the_edit_page_is_for_who_may_change_the_restaurant(w: Any) -> None:
    page = f"/restaurants/{w.noodles.pk}/edit/"
    assert login(w.p.district_a).get(page).status_code == 200
    assert login(w.inspector_a).get(page).status_code == 200
    assert login(w.p.district_b).get(page).status_code == 404  # out of reach: no such restaurant
    assert login(w.manager).get(page).status_code == 403  # sees their restaurant, does not edit it
    assert login(w.p.outsider).get(page).status_code == 403


def test_the_campaign_pages_are_for_the_officials(w: Any) -> None:
    add = f"/restaurants/campaigns/{w.campaign.pk}/add/"
    district_a = login(w.p.district_a)
    assert district_a.get("/restaurants/campaigns/new/").status_code == 200
    assert district_a.get(add).status_code == 200
    inspector = login(w.inspector_a)
    assert inspector.get("/restaurants/campaigns/new/").status_code == 403
    assert inspector.get(add).status_code == 403  # sees the campaign, does not run it
    assert login(w.p.district_b).get(add).status_code == 404
    for persona in ("enterprise_user", "expert", "outsider"):
        assert login(getattr(w.p, persona)).get("/restaurants/campaigns/new/").status_code == 403


def test_a_step_opens_only_when_it_is_offered(w: Any) -> None:
    survey = step_url(w.noodles, "survey")
    assert login(w.inspector_a).get(survey).status_code == 200
    assert login(w.p.district_a).get(survey).status_code == 200
    assert login(w.manager).get(survey).status_code == 403  # the step exists, not for their role
    assert login(w.p.district_b).get(survey).status_code == 404
    assert login(w.p.outsider).get(survey).status_code == 403
    district_a = login(w.p.district_a)
    assert district_a.get(step_url(w.noodles, "accept")).status_code == 404  # not at this step
    assert district_a.get(step_url(w.noodles, "demolish")).status_code == 404
    assert district_a.get(step_url(w.hotpot, "survey")).status_code == 404  # in no campaign


# --- the conversion, step by step ----------------------------------------------------------------


def test_every_step_in_the_browser_from_survey_to_paid_subsidy(w: Any) -> None:
    inspector, district, manager = login(w.inspector_a), login(w.p.district_a), login(w.manager)
    noodles = w.noodles

    # The survey: the phone page, photos taken with the camera.
    page = text(inspector.get(step_url(noodles, "survey")))
    assert 'accept="image/*"' in page and 'capture="environment"' in page and " multiple" in page
    assert "phone-form" in page and 'name="expected" value="listed"' in page
    survey = {
        "expected": "listed", "appliances": "两眼灶", "pipe_feasible": "True", "electric_feasible": "False",
        "willing": "True", "note": "后厨有燃气管道接口", "evidence": [photo("kitchen-1.png"), photo("kitchen-2.png")],
    }  # fmt: skip
    response = inspector.post(step_url(noodles, "survey"), survey)
    assert response.status_code == 302 and response["Location"] == f"/restaurants/{noodles.pk}/"

    # The plan: words on the page, the feasible target chosen.
    plan_page = text(district.get(step_url(noodles, "plan")))
    assert "To piped gas" in plan_page and "Cannot convert" in plan_page
    assert district.post(step_url(noodles, "plan"), {"expected": "surveyed", "target": "pipe"}).status_code == 302
    assert district.post(step_url(noodles, "start"), {"expected": "planned"}).status_code == 302

    # The acceptance: the other phone page, the certificate photographed.
    accept_page = text(inspector.get(step_url(noodles, "accept")))
    assert 'capture="environment"' in accept_page and "phone-form" in accept_page
    acceptance = {
        "expected": "construction", "acceptor": "gas_company", "acceptor_name": "常州港华燃气有限公司",
        "cost": "12000", "evidence": [photo("certificate.png")],
    }  # fmt: skip
    assert inspector.post(step_url(noodles, "accept"), acceptance).status_code == 302
    noodles.refresh_from_db()
    assert (noodles.fuel, noodles.cylinders_on_site) == (KitchenFuel.PIPED_GAS, 0)

    # The subsidy: the restaurant applies (the page says the limit), the district approves and pays.
    apply_page = manager.get(step_url(noodles, "apply"))
    assert apply_page.status_code == 200 and "3600.00" in text(apply_page)
    assert manager.post(step_url(noodles, "apply"), {"expected": "accepted", "amount": "3600"}).status_code == 302
    approve = {"expected": "subsidy_applied", "amount": "3000", "comment": "按审计结果核减"}
    assert district.post(step_url(noodles, "approve"), approve).status_code == 302
    paid = district.post(step_url(noodles, "pay"), {"expected": "subsidy_approved", "evidence": [photo("voucher.png")]})
    assert paid.status_code == 302

    conversion = Conversion.objects.get(pk=w.conversion.pk)
    assert (conversion.step, conversion.subsidy_amount) == (ConversionStep.SUBSIDY_PAID, Decimal("3000.00"))
    assert (conversion.pipe_feasible, conversion.electric_feasible, conversion.willing) == (True, False, True)
    assert conversion.acceptor_name == "常州港华燃气有限公司" and conversion.cost == Decimal("12000.00")
    assert list(ConversionEvent.objects.filter(conversion=conversion).values_list("action", flat=True)) == [
        "survey", "plan", "start", "accept", "apply", "approve", "pay",
    ]  # fmt: skip
    assert list(ConversionEvidence.objects.filter(conversion=conversion).values_list("stage", flat=True)) == [
        "survey", "survey", "accept", "pay",
    ]  # fmt: skip
    detail = text(district.get(f"/restaurants/{noodles.pk}/"))
    assert "Subsidy paid" in detail and "certificate.png" in detail
    # Nothing is offered any more: every step page is gone.
    for action in ("survey", "accept", "pay"):
        assert district.get(step_url(noodles, action)).status_code == 404


def walk_to(w: Any, step: str) -> None:
    """Take the noodle bar's steps in the browser up to ``step`` (construction or accepted)."""
    inspector, district = login(w.inspector_a), login(w.p.district_a)
    survey = {"pipe_feasible": "True", "electric_feasible": "True", "willing": "True"}
    assert inspector.post(step_url(w.noodles, "survey"), survey).status_code == 302
    assert district.post(step_url(w.noodles, "plan"), {"target": "electric"}).status_code == 302
    assert district.post(step_url(w.noodles, "start"), {}).status_code == 302
    if step == "accepted":
        acceptance = {"acceptor": "district", "acceptor_name": "新北区应急管理局", "cost": "20000", "evidence": [photo()]}
        assert inspector.post(step_url(w.noodles, "accept"), acceptance).status_code == 302


def test_acceptance_before_construction_is_not_offered_and_writes_nothing(w: Any) -> None:
    inspector = login(w.inspector_a)
    acceptance = {"acceptor": "gas_company", "acceptor_name": "常州港华燃气有限公司", "cost": "12000", "evidence": [photo()]}
    assert inspector.get(step_url(w.noodles, "accept")).status_code == 404
    assert inspector.post(step_url(w.noodles, "accept"), acceptance).status_code == 404
    conversion = Conversion.objects.get(pk=w.conversion.pk)
    assert conversion.step == ConversionStep.LISTED and conversion.accepted_on is None
    assert not ConversionEvent.objects.exists() and not ConversionEvidence.objects.exists()


def test_a_subsidy_above_the_cap_is_shown_on_its_field_and_changes_nothing(w: Any) -> None:
    walk_to(w, "accepted")  # cost 20,000: 30 % is 6,000, the cap 5,000
    response = login(w.manager).post(step_url(w.noodles, "apply"), {"expected": "accepted", "amount": "5200"})
    assert response.status_code == 200
    page = text(response)
    field_error = page[page.index('data-testid="error-amount"') :]
    assert "at most 5000.00 yuan" in field_error[:400]
    conversion = Conversion.objects.get(pk=w.conversion.pk)
    assert (conversion.step, conversion.subsidy_amount, conversion.subsidy_applied_on) == (ConversionStep.ACCEPTED, None, None)
    assert not ConversionEvent.objects.filter(action="apply").exists()


def test_a_refused_step_shows_the_field_error_and_keeps_no_file(w: Any) -> None:
    walk_to(w, "construction")
    inspector = login(w.inspector_a)
    no_certificate = {"acceptor": "district", "acceptor_name": "新北区应急管理局", "cost": "20000"}
    page = text(inspector.post(step_url(w.noodles, "accept"), no_certificate))
    assert "Attach the acceptance certificate" in page[page.index('data-testid="error-evidence"') :][:300]
    not_a_photo = {**no_certificate, "evidence": [photo(), SimpleUploadedFile("x.exe", b"MZ" * 20)]}
    page = text(inspector.post(step_url(w.noodles, "accept"), not_a_photo))
    assert "Only photos (JPEG, PNG) and PDF documents are accepted." in page
    assert Conversion.objects.get(pk=w.conversion.pk).step == ConversionStep.CONSTRUCTION
    assert not ConversionEvidence.objects.filter(stage="accept").exists()


def test_a_page_left_open_while_someone_else_took_the_step_writes_nothing_twice(w: Any) -> None:
    survey = {"expected": "listed", "pipe_feasible": "True", "electric_feasible": "True", "willing": "True"}
    assert login(w.inspector_a).post(step_url(w.noodles, "survey"), survey).status_code == 302
    again = login(w.p.district_a).post(step_url(w.noodles, "survey"), {**survey, "willing": "False"}, follow=True)
    assert "already at “Surveyed”" in text(again)
    assert ConversionEvent.objects.filter(action="survey").count() == 1
    assert Conversion.objects.get(pk=w.conversion.pk).willing is True


def test_a_survey_must_answer_each_question(w: Any) -> None:
    response = login(w.inspector_a).post(step_url(w.noodles, "survey"), {"expected": "listed", "willing": "True"})
    assert response.status_code == 200 and 'data-testid="error-pipe_feasible"' in text(response)
    assert Conversion.objects.get(pk=w.conversion.pk).step == ConversionStep.LISTED


def test_another_district_cannot_take_a_step(w: Any) -> None:
    survey = {"pipe_feasible": "True", "electric_feasible": "True", "willing": "True"}
    assert login(w.p.district_b).post(step_url(w.noodles, "survey"), survey).status_code == 404
    assert Conversion.objects.get(pk=w.conversion.pk).step == ConversionStep.LISTED


# --- the registry --------------------------------------------------------------------------------


def test_a_district_official_registers_a_restaurant(w: Any) -> None:
    code = credit_code(_rng, region_code="320411", prefix="92")
    body = {
        "credit_code": code, "name": "三井小厨", "region": w.city.street_a.pk, "address": "河海路1号",
        "longitude": "119.971234", "latitude": "31.812345", "fuel": "bottled_lpg", "cylinders_on_site": "2",
        "cylinders_allowed": "", "supplier": w.gas.unit.pk,
    }  # fmt: skip
    response = login(w.p.district_a).post("/restaurants/new/", body)
    restaurant = Restaurant.objects.get(organisation__credit_code=code)
    assert response.status_code == 302 and response["Location"] == f"/restaurants/{restaurant.pk}/"
    assert (restaurant.organisation.name, restaurant.supplier, restaurant.cylinders_allowed) == ("三井小厨", w.gas.unit, 2)
    assert restaurant.organisation.region == w.city.street_a


def test_a_refused_registration_is_shown_on_its_field_and_writes_nothing(w: Any) -> None:
    code = credit_code(_rng, region_code="320411", prefix="92")
    body = {
        "credit_code": code,
        "name": "三井管道小炒",
        "region": w.city.street_a.pk,
        "fuel": "piped_gas",
        "cylinders_on_site": "3",
    }
    organisations = Organisation.objects.count()
    response = login(w.p.district_a).post("/restaurants/new/", body)
    page = text(response)
    assert response.status_code == 200
    assert "keeps no LPG cylinders" in page[page.index('data-testid="error-cylinders_on_site"') :][:300]
    # A street of another district is no choice here.
    response = login(w.p.district_a).post("/restaurants/new/", {**body, "region": w.city.street_b.pk, "fuel": "bottled_lpg"})
    assert 'data-testid="error-region"' in text(response)
    assert Organisation.objects.count() == organisations
    assert not Restaurant.objects.filter(organisation__credit_code=code).exists()


def test_editing_changes_the_kitchen(w: Any) -> None:
    page = f"/restaurants/{w.hotpot.pk}/edit/"
    form = text(login(w.inspector_a).get(page))
    assert 'value="1"' in form  # the cylinders on site, filled in
    body = {"fuel": "bottled_lpg", "cylinders_on_site": "4", "cylinders_allowed": "3", "supplier": w.gas.other_unit.pk}
    response = login(w.inspector_a).post(page, body)
    assert response.status_code == 302
    w.hotpot.refresh_from_db()
    assert (w.hotpot.cylinders_on_site, w.hotpot.cylinders_allowed, w.hotpot.supplier) == (4, 3, w.gas.other_unit)
    refused = login(w.inspector_a).post(page, {**body, "fuel": "electric"})
    assert "keeps no LPG cylinders" in text(refused)
    w.hotpot.refresh_from_db()
    assert w.hotpot.fuel == KitchenFuel.BOTTLED_LPG


# --- the survey sheet ----------------------------------------------------------------------------


def test_an_import_with_a_bad_row_lists_the_row_errors_and_writes_nothing(w: Any) -> None:
    restaurants, organisations = Restaurant.objects.count(), Organisation.objects.count()
    bad = sheet([row(名称="河海面馆"), row(名称="柴火灶小馆", 厨房燃料="柴火"), row(名称="湖塘饭店", 街道="湖塘镇")])
    response = login(w.p.district_a).post("/restaurants/import/", {"file": bad})
    assert response.status_code == 400
    page = text(response)
    table = page[page.index('data-testid="import-errors"') :]
    assert "<td>3</td><td>厨房燃料</td>" in table and "<td>4</td><td>街道</td>" in table
    assert "outside your jurisdiction" in table and "nothing was imported" in page
    assert (Restaurant.objects.count(), Organisation.objects.count()) == (restaurants, organisations)
    not_a_sheet = login(w.p.district_a).post("/restaurants/import/", {"file": SimpleUploadedFile("x.xlsx", b"hello")})
    assert "not an Excel workbook" in text(not_a_sheet)


def test_an_import_registers_every_row_and_says_how_many(w: Any) -> None:
    good = sheet([row(名称="河海面馆"), row(名称="河海烧烤", 厨房燃料="电", 现存气瓶数=0)])
    response = login(w.p.district_a).post("/restaurants/import/", {"file": good})
    assert response.status_code == 200
    page = text(response)
    result = page[page.index('data-testid="import-result"') :]
    assert 'data-testid="imported">2<' in result and 'href="/restaurants/"' in result
    assert set(Restaurant.objects.filter(organisation__name__startswith="河海").values_list("organisation__name", flat=True)) == {
        "河海面馆", "河海烧烤",
    }  # fmt: skip


def test_the_blank_sheet_downloads_as_xlsx(w: Any) -> None:
    response = login(w.inspector_a).get("/restaurants/import/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook[SHEET_TITLE][1]] == HEADERS


# --- campaigns -----------------------------------------------------------------------------------


def test_a_district_official_opens_a_campaign_and_lists_restaurants(w: Any) -> None:
    district = login(w.p.district_a)
    body = {"name": "三井街道瓶改电二期", "region": w.city.street_a.pk, "deadline": "2027-12-31", "subsidy_rate": "0.5",
            "subsidy_cap": "8000", "description": "餐饮单位瓶改电"}  # fmt: skip
    response = district.post("/restaurants/campaigns/new/", body)
    campaign = Campaign.objects.get(name="三井街道瓶改电二期")
    assert response.status_code == 302 and response["Location"] == f"/restaurants/campaigns/{campaign.pk}/"
    assert (campaign.subsidy_rate, campaign.subsidy_cap) == (Decimal("0.50"), Decimal("8000.00"))
    again = district.post("/restaurants/campaigns/new/", body)
    assert "already exists" in text(again) and Campaign.objects.filter(name=body["name"]).count() == 1

    add = f"/restaurants/campaigns/{campaign.pk}/add/"
    page = text(district.get(add))
    # On its street, on cylinders, in no campaign yet: only the hotpot restaurant.
    assert "三井李记火锅店" in page
    for name in ("三井王记面馆", "三井电厨小馆", "湖塘张记饭店"):
        assert name not in page
    assert district.post(add, {"restaurants": [w.noodles.pk]}).status_code == 200  # not a choice
    assert district.post(add, {"restaurants": [w.hotpot.pk]}).status_code == 302
    assert Conversion.objects.get(restaurant=w.hotpot).campaign == campaign
    assert "No restaurant left to add" in text(district.get(add))


# --- the links on the pages views.py renders ----------------------------------------------------


def test_the_list_offers_new_and_import_to_who_may(w: Any) -> None:
    page = text(login(w.inspector_a).get("/restaurants/"))
    assert 'href="/restaurants/new/"' in page and 'href="/restaurants/import/"' in page
    page = text(login(w.manager).get("/restaurants/"))
    assert 'href="/restaurants/new/"' not in page and 'href="/restaurants/import/"' not in page


def test_the_restaurant_page_offers_the_steps_of_the_role(w: Any) -> None:
    detail = f"/restaurants/{w.noodles.pk}/"
    page = text(login(w.inspector_a).get(detail))
    assert f'href="{step_url(w.noodles, "survey")}"' in page and "Record the survey" in page
    assert f'href="/restaurants/{w.noodles.pk}/edit/"' in page
    page = text(login(w.manager).get(detail))
    assert "/step/" not in page and "/edit/" not in page
    walk_to(w, "accepted")
    page = text(login(w.manager).get(detail))
    assert f'href="{step_url(w.noodles, "apply")}"' in page and "Apply for the subsidy" in page


def test_the_campaign_pages_offer_new_and_add_to_the_officials(w: Any) -> None:
    district, inspector = login(w.p.district_a), login(w.inspector_a)
    assert 'href="/restaurants/campaigns/new/"' in text(district.get("/restaurants/campaigns/"))
    assert 'href="/restaurants/campaigns/new/"' not in text(inspector.get("/restaurants/campaigns/"))
    add = f'href="/restaurants/campaigns/{w.campaign.pk}/add/"'
    assert add in text(district.get(f"/restaurants/campaigns/{w.campaign.pk}/"))
    assert add not in text(inspector.get(f"/restaurants/campaigns/{w.campaign.pk}/"))
