"""The restaurant gas-safety API (issue 15): what each persona sees and may do through
``/api/restaurants/``, the survey sheet in and out, the detector's one-time credentials, the whole
conversion walk with its evidence and subsidy cap, the refusals (400 / 403 / 404 / 409), the
progress figures from the records, and list query counts that do not grow with the rows."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo.codes import credit_code
from safecity.core.exports import workbook_bytes
from safecity.core.models import Organisation
from safecity.restaurants.choices import ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, ConversionEvidence, Restaurant
from safecity.restaurants.services.conversion import campaign_add_restaurants, campaign_create
from safecity.restaurants.services.sheet import COLUMNS, SHEET_TITLE, XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

API = "/api/restaurants"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
_rng = random.Random("restaurants-api")


def new_code(region_code: str = "320411") -> str:
    return credit_code(_rng, region_code=region_code, prefix="92")


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(name: str = "kitchen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {r.get("name") or r.get("restaurant_name") for r in rows}


def sheet(rows: list[list[Any]]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    ws.append([zh for _key, zh, _en in COLUMNS])
    for row in rows:
        ws.append(row)
    return SimpleUploadedFile("restaurants.xlsx", workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def restaurant(city: Any, name: str, street: Any = None, **fields: Any) -> Restaurant:
    org = make_org(name, OrganisationKind.ENTERPRISE, street or city.street_a, actor=city.superuser, industry_code="H6210")
    fields.setdefault("cylinders_on_site", 2)
    return Restaurant.objects.create(organisation=org, **fields)


@pytest.fixture
def world(city: Any, personas: Any) -> Any:
    w: Any = SimpleNamespace(city=city, p=personas)
    w.inspector_a = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    w.supplier = make_org("常州新北液化气充装站", OrganisationKind.FILLING_UNIT, city.district_a, actor=city.superuser)
    w.noodles = restaurant(city, "金坛区王记面馆", supplier=w.supplier)
    w.hotpot = restaurant(city, "金坛区李记火锅店")
    w.elsewhere = restaurant(city, "武进区张记饭店", city.street_b)
    w.manager = make_user(city, "noodles_manager", w.noodles.organisation, Role.ENTERPRISE_MANAGER)
    return w


def open_campaign(w: Any, *restaurants: Restaurant) -> Campaign:
    campaign = campaign_create(
        actor=w.p.district_a, name="三井街道瓶改管示范", region=w.city.street_a, deadline=date(2027, 6, 30),
        subsidy_cap="5000", subsidy_rate="0.30",
    )  # fmt: skip
    campaign_add_restaurants(actor=w.p.district_a, campaign=campaign, restaurants=list(restaurants))
    return campaign


# --- who sees what ------------------------------------------------------------------------------


def test_each_persona_lists_exactly_the_restaurants_and_conversions_in_reach(world: Any) -> None:
    w = world
    open_campaign(w, w.noodles)
    expected = {
        "city_official": {"金坛区王记面馆", "金坛区李记火锅店", "武进区张记饭店"},
        "district_a": {"金坛区王记面馆", "金坛区李记火锅店"},
        "district_b": {"武进区张记饭店"},
        "enterprise_user": set(),  # enterprise A is no restaurant
        "expert": set(),
        "outsider": set(),
    }
    for persona, visible in expected.items():
        client = login(getattr(w.p, persona))
        assert names(client.get(f"{API}/restaurants/")) == visible, persona
    assert names(login(w.manager).get(f"{API}/restaurants/")) == {"金坛区王记面馆"}
    assert names(login(w.inspector_a).get(f"{API}/restaurants/")) == {"金坛区王记面馆", "金坛区李记火锅店"}

    # The conversions follow the restaurant; the campaigns are the regulators' and inspectors'.
    assert names(login(w.p.district_a).get(f"{API}/conversions/")) == {"金坛区王记面馆"}
    assert names(login(w.manager).get(f"{API}/conversions/")) == {"金坛区王记面馆"}
    for persona in ("district_b", "enterprise_user", "outsider"):
        assert names(login(getattr(w.p, persona)).get(f"{API}/conversions/")) == set(), persona
    assert names(login(w.inspector_a).get(f"{API}/campaigns/")) == {"三井街道瓶改管示范"}
    for user in (w.p.district_b, w.manager, w.p.outsider):
        assert names(login(user).get(f"{API}/campaigns/")) == set()


def test_a_restaurant_shows_its_street_fuel_supplier_and_step_and_is_hidden_from_other_districts(world: Any) -> None:
    w = world
    open_campaign(w, w.noodles)
    client = login(w.p.district_a)
    row = client.get(f"{API}/restaurants/{w.noodles.pk}/").json()
    assert row["name"] == "金坛区王记面馆" and row["credit_code"] == w.noodles.organisation.credit_code
    assert (row["street"], row["street_name"], row["district_name"]) == ("320411002", "三井街道", "新北区")
    assert (row["fuel"], row["fuel_display"], row["cylinders_on_site"]) == ("bottled_lpg", "Bottled LPG", 2)
    assert (row["supplier"], row["supplier_name"]) == (w.supplier.pk, "常州新北液化气充装站")
    assert (row["conversion_step"], row["conversion_step_display"]) == ("listed", "To be surveyed")
    hotpot = client.get(f"{API}/restaurants/{w.hotpot.pk}/").json()
    assert hotpot["conversion"] is None and hotpot["conversion_step"] == ""
    # Another district's restaurant does not exist for them (404, the project's convention).
    assert login(w.p.district_b).get(f"{API}/restaurants/{w.noodles.pk}/").status_code == 404
    assert login(w.p.district_b).get(f"{API}/conversions/{w.noodles.conversion.pk}/").status_code == 404
    assert client.get(f"{API}/restaurants/99999999999999999999/").status_code == 404


def test_the_list_filters(world: Any) -> None:
    w = world
    client = login(w.p.city_official)
    assert names(client.get(f"{API}/restaurants/", {"region": "320412"})) == {"武进区张记饭店"}
    assert names(client.get(f"{API}/restaurants/", {"q": "火锅"})) == {"金坛区李记火锅店"}
    assert names(client.get(f"{API}/restaurants/", {"supplier": w.supplier.pk})) == {"金坛区王记面馆"}
    assert names(client.get(f"{API}/restaurants/", {"fuel": "electric"})) == set()
    assert client.get(f"{API}/restaurants/", {"fuel": "coal"}).status_code == 400
    assert client.get(f"{API}/restaurants/", {"supplier": "abc"}).status_code == 400


# --- registering and changing --------------------------------------------------------------------


def test_register_a_restaurant_then_the_same_again_is_a_conflict(world: Any) -> None:
    w = world
    client = login(w.p.district_a)
    code = new_code()
    body = {
        "name": "三井小厨", "credit_code": code, "region": "320411002", "address": "新北区三井街道河海路1号",
        "latitude": "31.812345", "longitude": "119.971234", "fuel": "bottled_lpg", "cylinders_on_site": 2,
        "supplier": w.supplier.pk,
    }  # fmt: skip
    created = client.post(f"{API}/restaurants/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["name"], data["credit_code"], data["street_name"], data["cylinders_allowed"]) == (
        "三井小厨",
        code,
        "三井街道",
        2,
    )
    again = client.post(f"{API}/restaurants/", {**body, "name": "三井小厨(重复)"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert "三井小厨" in again.json()["message"]
    assert Restaurant.objects.filter(organisation__credit_code=code).count() == 1
    # Another district may not register on district A's street; a district is no street.
    other = {**body, "credit_code": new_code()}
    assert login(w.p.district_b).post(f"{API}/restaurants/", other, content_type="application/json").status_code == 403
    refused = client.post(f"{API}/restaurants/", {**other, "region": "320411"}, content_type="application/json")
    assert refused.status_code == 400 and "street" in refused.json()["fields"]["region"][0]
    assert not Organisation.objects.filter(credit_code=other["credit_code"]).exists()


def test_patch_changes_the_kitchen_with_the_registry_rules(world: Any) -> None:
    w = world
    client = login(w.inspector_a)
    url = f"{API}/restaurants/{w.hotpot.pk}/"
    changed = client.patch(url, {"cylinders_on_site": 3}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["cylinders_on_site"] == 3
    refused = client.patch(url, {"fuel": "piped_gas"}, content_type="application/json")
    assert refused.status_code == 400 and "no LPG cylinders" in refused.json()["fields"]["cylinders_on_site"][0]
    converted = client.patch(url, {"fuel": "piped_gas", "cylinders_on_site": 0}, content_type="application/json")
    assert converted.json()["fuel_display"] == "Piped gas"
    # The restaurant's own manager sees it but may not change it; another district cannot see it.
    assert (
        login(w.manager)
        .patch(f"{API}/restaurants/{w.noodles.pk}/", {"cylinders_on_site": 1}, content_type="application/json")
        .status_code
        == 403
    )
    assert login(w.p.district_b).patch(url, {"cylinders_on_site": 1}, content_type="application/json").status_code == 404
    assert Restaurant.objects.get(pk=w.noodles.pk).cylinders_on_site == 2


# --- the survey sheet --------------------------------------------------------------------------


def test_a_sheet_with_errors_is_refused_row_by_row_and_nothing_is_written(world: Any) -> None:
    w = world
    client = login(w.p.district_a)
    before = (Restaurant.objects.count(), Organisation.objects.count())
    good = ["三井小馆", new_code(), "三井街道", "河海路2号", 119.95, 31.78, "瓶装液化气", 1, 2, ""]
    bad_code = ["错码饭店", "91320411XXXXXXXXX0", "三井街道", "", None, None, "瓶装液化气", 0, 2, ""]
    bad_street = ["外区饭店", new_code("320412"), "湖塘镇", "", None, None, "煤炭", 0, 2, ""]
    response = client.post(f"{API}/restaurants/import/", {"file": sheet([good, bad_code, bad_street])})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "import_rejected" and body["message"] and body["fields"]["file"]
    rows = {(e["row"], e["column"]) for e in body["errors"]}
    assert (3, "统一社会信用代码") in rows and (4, "街道") in rows and (4, "厨房燃料") in rows
    assert all(e["message"] for e in body["errors"])
    assert (Restaurant.objects.count(), Organisation.objects.count()) == before
    # Not a workbook at all: one error about the file (row 0).
    junk = client.post(f"{API}/restaurants/import/", {"file": SimpleUploadedFile("x.xlsx", b"hello")})
    assert junk.status_code == 400 and junk.json()["errors"][0]["row"] == 0
    # The good row alone is imported.
    imported = client.post(f"{API}/restaurants/import/", {"file": sheet([good])})
    assert imported.status_code == 201 and imported.json() == {
        "imported": 1,
        "organisations_created": 1,
        "organisations_reused": 0,
    }
    assert Restaurant.objects.filter(organisation__name="三井小馆").exists()
    # Who may not import: an enterprise, an outsider.
    for user in (w.manager, w.p.outsider):
        assert login(user).post(f"{API}/restaurants/import/", {"file": sheet([good])}).status_code == 403


def test_export_follows_the_filters_and_the_reach_and_the_template_is_a_workbook(world: Any) -> None:
    from openpyxl import load_workbook

    w = world
    response = login(w.p.district_a).get(f"{API}/restaurants/export/", {"q": "面馆"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    rows = list(load_workbook(io.BytesIO(response.content))[SHEET_TITLE].iter_rows(values_only=True))
    assert rows[0][0] == "名称" and [r[0] for r in rows[1:]] == ["金坛区王记面馆"]
    everything = login(w.p.district_a).get(f"{API}/restaurants/export/")
    exported = [r[0] for r in list(load_workbook(io.BytesIO(everything.content))[SHEET_TITLE].iter_rows(values_only=True))[1:]]
    assert sorted(exported) == ["金坛区李记火锅店", "金坛区王记面馆"]  # not district B's
    template = login(w.p.district_a).get(f"{API}/restaurants/template/")
    assert template.status_code == 200 and template["Content-Type"] == XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == SHEET_TITLE


def test_registering_the_detector_answers_its_credentials_once(world: Any) -> None:
    w = world
    url = f"{API}/restaurants/{w.noodles.pk}/detector/"
    response = login(w.p.district_a).post(url, {"serial": "GD-API-1", "name": "后厨探测器"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    credentials = response.json()["credentials"]
    assert credentials["mqtt_username"] == "GD-API-1" and credentials["mqtt_password"] and credentials["http_token"]
    assert credentials["topic_prefix"]
    assert response.json()["device"]["kind"] == "gas_detector"
    # The serial is unique; another district cannot reach the restaurant.
    again = login(w.p.district_a).post(url, {"serial": "GD-API-1"}, content_type="application/json")
    assert again.status_code == 400
    assert login(w.p.district_b).post(url, {"serial": "GD-API-2"}, content_type="application/json").status_code == 404


# --- the conversion walk ---------------------------------------------------------------------------


def test_the_whole_conversion_through_the_api(world: Any) -> None:
    w = world
    district = login(w.p.district_a)
    created = district.post(
        f"{API}/campaigns/",
        {
            "name": "三井街道瓶改管",
            "region": "320411002",
            "deadline": "2027-06-30",
            "subsidy_cap": "5000",
            "subsidy_rate": "0.30",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["region_name"] == "三井街道" and campaign["restaurants"] == 0
    same_name = district.post(
        f"{API}/campaigns/", {"name": "三井街道瓶改管", "region": "320411002", "deadline": "2027-06-30", "subsidy_cap": "1"},
        content_type="application/json",
    )  # fmt: skip
    assert same_name.status_code == 409 and same_name.json()["code"] == "duplicate"
    assert login(w.p.district_b).post(
        f"{API}/campaigns/", {"name": "越权", "region": "320411002", "deadline": "2027-06-30", "subsidy_cap": "1"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip

    # A restaurant out of reach is refused by id; then the two of the street are listed.
    listing = f"{API}/campaigns/{campaign['id']}/restaurants/"
    refused = district.post(listing, {"restaurants": [w.noodles.pk, w.elsewhere.pk]}, content_type="application/json")
    assert refused.status_code == 400 and str(w.elsewhere.pk) in refused.json()["fields"]["restaurants"][0]
    listed = district.post(listing, {"restaurants": [w.noodles.pk, w.hotpot.pk]}, content_type="application/json")
    assert listed.status_code == 201 and {r["restaurant_name"] for r in listed.json()} == {"金坛区王记面馆", "金坛区李记火锅店"}
    twice = district.post(listing, {"restaurants": [w.noodles.pk]}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "duplicate"
    pk = Conversion.objects.get(restaurant=w.noodles).pk
    url = f"{API}/conversions/{pk}"

    inspector = login(w.inspector_a)
    detail = inspector.get(f"{url}/").json()
    assert [a["action"] for a in detail["offered_actions"]] == ["survey"]
    assert login(w.manager).get(f"{url}/").json()["offered_actions"] == []
    # The restaurant's manager sees the conversion but may not survey it; an inspector may.
    survey = {"appliances": "两眼灶", "pipe_feasible": "true", "electric_feasible": "true", "willing": "true"}
    assert login(w.manager).post(f"{url}/survey/", {**survey, "evidence": [photo()]}).status_code == 403
    surveyed = inspector.post(f"{url}/survey/", {**survey, "evidence": [photo("survey.png")], "expected": "listed"})
    assert surveyed.status_code == 200, surveyed.content
    assert surveyed.json()["step"] == "surveyed" and surveyed.json()["pipe_feasible"] is True
    # Someone else was quicker: the step the client saw is gone (409 conflict); a step out of order (409).
    stale = inspector.post(f"{url}/survey/", {**survey, "expected": "listed"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    early = district.post(f"{url}/start/", {}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "transition_not_allowed"

    planned = district.post(f"{url}/plan/", {"target": "pipe", "expected": "surveyed"}, content_type="application/json")
    assert planned.json()["step"] == "planned" and planned.json()["target_display"] == "To piped gas"
    assert district.post(f"{url}/start/", {}, content_type="application/json").json()["step"] == "construction"

    acceptance = {"acceptor": "gas_company", "acceptor_name": "常州港华燃气有限公司", "cost": "40000"}
    not_a_photo = inspector.post(f"{url}/accept/", {**acceptance, "evidence": [SimpleUploadedFile("x.exe", b"MZ" * 20)]})
    assert not_a_photo.status_code == 400 and "Only photos" in not_a_photo.json()["fields"]["evidence"][0]
    assert inspector.post(f"{url}/accept/", acceptance).status_code == 400  # no evidence at all
    accepted = inspector.post(f"{url}/accept/", {**acceptance, "evidence": [photo("certificate.png")]})
    assert accepted.status_code == 200, accepted.content
    data = accepted.json()
    assert data["step"] == "accepted" and data["subsidy_limit"] == "5000.00"  # 30 % of 40,000 is above the cap
    assert {(e["stage"], e["name"], e["content_type"]) for e in data["evidence"]} == {
        ("survey", "survey.png", "image/png"),
        ("accept", "certificate.png", "image/png"),
    }
    assert ConversionEvidence.objects.filter(conversion_id=pk).count() == 2
    assert login(w.p.district_a).get(f"{API}/restaurants/{w.noodles.pk}/").json()["fuel"] == "piped_gas"

    manager = login(w.manager)
    assert [a["path"] for a in manager.get(f"{url}/").json()["offered_actions"]] == ["subsidy-apply"]
    too_much = manager.post(f"{url}/subsidy-apply/", {"amount": "5000.01"}, content_type="application/json")
    assert too_much.status_code == 400
    assert "at most 5000.00 yuan" in too_much.json()["fields"]["subsidy_amount"][0]
    assert Conversion.objects.get(pk=pk).step == ConversionStep.ACCEPTED
    applied = manager.post(f"{url}/subsidy-apply/", {"amount": "4000"}, content_type="application/json")
    assert applied.json()["step"] == "subsidy_applied"
    assert manager.post(f"{url}/subsidy-approve/", {}, content_type="application/json").status_code == 403
    approved = district.post(f"{url}/subsidy-approve/", {"amount": "3500"}, content_type="application/json")
    assert approved.json()["subsidy_amount"] == "3500.00"
    paid = district.post(f"{url}/subsidy-pay/", {"evidence": [photo("voucher.png")]})
    assert paid.status_code == 200 and paid.json()["step"] == "subsidy_paid" and paid.json()["offered_actions"] == []
    assert [(e["action"], e["from_step"], e["to_step"]) for e in paid.json()["events"]] == [
        ("survey", "listed", "surveyed"),
        ("plan", "surveyed", "planned"),
        ("start", "planned", "construction"),
        ("accept", "construction", "accepted"),
        ("apply", "accepted", "subsidy_applied"),
        ("approve", "subsidy_applied", "subsidy_approved"),
        ("pay", "subsidy_approved", "subsidy_paid"),
    ]
    assert paid.json()["events"][0]["actor_label"] == "inspector_a"

    # The campaign's own progress: the paid restaurant and the one still listed.
    figures = district.get(f"{API}/campaigns/{campaign['id']}/progress/").json()
    assert figures["total"]["in_programme"] == 2 and figures["total"]["converted_pipe"] == 1
    assert figures["total"]["subsidy_paid"] == "3500.00" and figures["total"]["percent_converted"] == "50.0"
    assert district.get(f"{API}/conversions/", {"step": "subsidy_paid"}).json()["results"][0]["id"] == pk
    assert district.get(f"{API}/campaigns/{campaign['id']}/").json()["restaurants"] == 2


def test_a_restaurant_that_cannot_convert_goes_to_the_safety_device_track(world: Any) -> None:
    w = world
    open_campaign(w, w.hotpot)
    url = f"{API}/conversions/{w.hotpot.conversion.pk}"
    inspector, district = login(w.inspector_a), login(w.p.district_a)
    body = {"pipe_feasible": False, "electric_feasible": False, "willing": True}
    assert inspector.post(f"{url}/survey/", body, content_type="application/json").status_code == 200
    no_reason = district.post(f"{url}/plan/", {"target": "none"}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["fields"]["reason"]
    infeasible = district.post(f"{url}/plan/", {"target": "pipe"}, content_type="application/json")
    assert infeasible.status_code == 409 and infeasible.json()["code"] == "guard"
    track = district.post(f"{url}/plan/", {"target": "none", "reason": "老街无燃气管网"}, content_type="application/json")
    assert track.json()["step"] == "safety_devices" and track.json()["infeasible_reason"] == "老街无燃气管网"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert district.post(f"{url}/start/", {"started_on": future}, content_type="application/json").status_code == 409


# --- progress ------------------------------------------------------------------------------------


def test_progress_is_counted_from_the_records_per_street_and_district(world: Any) -> None:
    w = world
    city = w.city
    extra = restaurant(city, "金坛区赵记小吃")
    campaign = open_campaign(w, w.noodles, w.hotpot, extra)
    this_year = timezone.localdate().year
    Conversion.objects.filter(restaurant=w.noodles).update(
        step=ConversionStep.SUBSIDY_PAID, surveyed_on=date(this_year, 1, 2), target=ConversionTarget.PIPE,
        construction_started_on=date(this_year, 1, 3), accepted_on=date(this_year, 1, 4), subsidy_amount=Decimal("3000"),
    )  # fmt: skip
    Restaurant.objects.filter(pk=w.noodles.pk).update(fuel=KitchenFuel.PIPED_GAS, cylinders_on_site=0)
    Conversion.objects.filter(restaurant=w.hotpot).update(
        step=ConversionStep.SAFETY_DEVICES, surveyed_on=date(this_year, 1, 2), target=ConversionTarget.NONE
    )
    campaign_b = Campaign.objects.create(name="湖塘镇瓶改电", region=city.street_b, deadline=date(2027, 1, 1), subsidy_cap=1000)
    Conversion.objects.create(
        campaign=campaign_b, restaurant=w.elsewhere, step=ConversionStep.ACCEPTED, surveyed_on=date(this_year - 1, 5, 1),
        target=ConversionTarget.ELECTRIC, construction_started_on=date(this_year - 1, 5, 2), accepted_on=date(this_year - 1, 6, 1),
    )  # fmt: skip
    Restaurant.objects.filter(pk=w.elsewhere.pk).update(fuel=KitchenFuel.ELECTRIC, cylinders_on_site=0)
    restaurant(city, "武进区不在计划里的饭店", city.street_b)

    figures = login(w.p.city_official).get(f"{API}/progress/").json()
    streets = {s["name"]: s for s in figures["streets"]}
    a = streets["三井街道"]
    assert (a["district_name"], a["restaurants"], a["in_programme"], a["surveyed"]) == ("新北区", 3, 3, 2)
    assert (a["planned_pipe"], a["planned_electric"], a["safety_devices"]) == (1, 0, 1)
    assert (a["converted_pipe"], a["converted_electric"], a["converted"], a["percent_converted"]) == (1, 0, 1, "33.3")
    assert (a["subsidy_paid"], a["on_bottled_lpg"]) == ("3000.00", 2)
    b = streets["湖塘镇"]
    assert (b["restaurants"], b["in_programme"], b["converted_electric"], b["on_bottled_lpg"], b["subsidy_paid"]) == (
        2, 1, 1, 1, "0.00",
    )  # fmt: skip
    assert {d["name"]: d["converted"] for d in figures["districts"]} == {"新北区": 1, "武进区": 1}
    assert figures["total"]["in_programme"] == 4 and figures["total"]["converted"] == 2
    # This year's acceptances only; district A's reach; a region filter.
    this = login(w.p.city_official).get(f"{API}/progress/", {"year": this_year}).json()
    assert this["year"] == this_year and this["total"]["converted"] == 1 and this["total"]["in_programme"] == 4
    mine = login(w.p.district_a).get(f"{API}/progress/").json()
    assert [s["name"] for s in mine["streets"]] == ["三井街道"]
    assert [s["name"] for s in login(w.p.city_official).get(f"{API}/progress/", {"region": "320412"}).json()["streets"]] == [
        "湖塘镇"
    ]
    assert login(w.p.outsider).get(f"{API}/progress/").json()["streets"] == []
    client = login(w.p.city_official)
    assert client.get(f"{API}/progress/", {"year": "20x5"}).status_code == 400
    assert client.get(f"{API}/progress/", {"region": "999999"}).status_code == 400
    assert login(w.p.district_a).get(f"{API}/campaigns/{campaign.pk}/progress/").json()["total"]["in_programme"] == 3


# --- query counts -------------------------------------------------------------------------------


def test_list_query_counts_do_not_grow_with_rows(world: Any, django_assert_max_num_queries: Any) -> None:
    w = world
    open_campaign(w, w.noodles, w.hotpot)
    client = login(w.p.city_official)
    urls = [f"{API}/restaurants/", f"{API}/conversions/", f"{API}/campaigns/", f"{API}/progress/"]
    client.get(urls[0])  # warm the session and the principal
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few)
    more = [restaurant(w.city, f"金坛区第{n}家饭店", supplier=w.supplier) for n in range(8)]
    campaign = Campaign.objects.create(name="第二批", region=w.city.street_a, deadline=date(2027, 1, 1), subsidy_cap=1000)
    campaign_add_restaurants(actor=w.p.district_a, campaign=campaign, restaurants=more)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200
    assert len(client.get(f"{API}/restaurants/").json()["results"]) == 11
