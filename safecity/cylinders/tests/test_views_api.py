"""Who sees what (personas, the filling units, the inspection station, anonymous visitors), the
pages, the API error codes, the QR label PDF, the cockpit figures and the daily reminder."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from safecity.core.figures import FigureContext, compute_indicators, compute_panels
from safecity.core.models import Notification
from safecity.cylinders import services
from safecity.cylinders.cockpit import by_status, fills_per_day, refusals_by_station
from safecity.cylinders.labels import QR_SCALE, public_url, qr_for
from safecity.cylinders.models import CylinderEvent, FillAttempt
from safecity.ledger.models import LogEntry
from safecity.ledger.services import statement_sign

from .conftest import Cyl, key
from .test_services_lifecycle import cycle, fill


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def fleet(cyl: Cyl) -> dict[str, Any]:
    """A (新北, district A) and B (武进, district B) cylinder, each with a full cycle and a delivery
    to a household (whose name must never reach the public)."""
    a = cyl.register("CZA0001")
    b = cyl.register("CZB0001", unit=cyl.other_unit)
    cycle(cyl, "CZA0001")
    fill(cyl, "CZA0001")
    services.cylinder_dispatch(actor=cyl.operator, code="CZA0001", idempotency_key=key())
    services.cylinder_deliver(
        actor=cyl.operator,
        code="CZA0001",
        idempotency_key=key(),
        recipient_kind="household",
        household_name="李秀英",
        household_address="龙锦苑8幢",
    )
    services.cylinder_fill_check(actor=cyl.other_operator, code="CZA0001")  # a refusal by 武进
    return {"a": a, "b": b}


VISIBLE = {
    "city_admin": {"CZA0001", "CZB0001"},
    "city_official": {"CZA0001", "CZB0001"},
    "district_a": {"CZA0001"},
    "district_b": {"CZB0001"},
    "enterprise_user": set(),
    "expert": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_registry_visibility_per_persona(personas: Any, fleet: dict[str, Any], persona: str) -> None:
    user = getattr(personas, persona)
    client = login(user)
    expected = VISIBLE[persona]
    page = client.get("/cylinders/")
    response = api(user).get("/api/cylinders/cylinders/")
    if not expected:
        assert page.status_code == 403 and response.status_code == 403
    else:
        assert page.status_code == 200 and response.status_code == 200
        assert {row["code"] for row in response.json()["results"]} == expected
        html = page.content.decode()
        for code in ("CZA0001", "CZB0001"):
            assert (code in html) is (code in expected)
    for code in ("CZA0001", "CZB0001"):
        detail = client.get(f"/cylinders/cylinder/{code}/")
        assert detail.status_code == (200 if code in expected else (404 if expected else 403))
        assert api(user).get(f"/api/cylinders/cylinders/{code}/").status_code == (200 if code in expected else 404)


def test_filling_units_see_their_own_cylinders_and_attempts(cyl: Cyl, fleet: dict[str, Any]) -> None:
    own = api(cyl.operator).get("/api/cylinders/cylinders/").json()["results"]
    assert [c["code"] for c in own] == ["CZA0001"]
    assert [c["code"] for c in api(cyl.other_operator).get("/api/cylinders/cylinders/").json()["results"]] == ["CZB0001"]
    # 武进's refusal of 新北's cylinder is 武进's record, not 新北's.
    assert api(cyl.operator).get("/api/cylinders/fill-attempts/").json()["count"] == 0
    attempts = api(cyl.other_operator).get("/api/cylinders/fill-attempts/").json()["results"]
    assert [(a["code"], a["allowed"]) for a in attempts] == [("CZA0001", False)]
    assert login(cyl.other_operator).get("/cylinders/cylinder/CZA0001/").status_code == 404


def test_inspection_station_looks_up_by_exact_code_only(cyl: Cyl, fleet: dict[str, Any]) -> None:
    client = login(cyl.inspector)
    assert client.get("/cylinders/").status_code == 403  # no registry
    assert api(cyl.inspector).get("/api/cylinders/cylinders/").status_code == 403
    page = client.get("/cylinders/cylinder/CZA0001/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "CZA0001" in html and 'data-testid="step-inspection"' not in html  # delivered: not inspectable now
    assert "李秀英" not in html and "filling_op" not in html  # no private data, no person
    assert client.get("/cylinders/cylinder/CZA000/").status_code == 404
    assert client.get("/cylinders/inspection/?code=CZB0001").status_code == 302
    b = client.get("/cylinders/cylinder/CZB0001/").content.decode()
    assert 'data-testid="step-inspection"' in b and 'data-testid="step-scrapping"' in b
    response = client.post(
        "/cylinders/cylinder/CZB0001/inspection/", {"idempotency_key": key(), "result": "pass", "report_number": "R-9"}
    )
    assert response.status_code == 302
    assert CylinderEvent.objects.filter(cylinder__code="CZB0001", kind="inspection", organisation=cyl.station).exists()
    assert "R-9" in client.get("/cylinders/inspection/").content.decode()


def test_owner_sees_private_part_regulator_sees_all(cyl: Cyl, fleet: dict[str, Any], personas: Any) -> None:
    assert "李秀英" in login(cyl.operator).get("/cylinders/cylinder/CZA0001/").content.decode()
    assert "李秀英" in login(personas.city_official).get("/cylinders/cylinder/CZA0001/").content.decode()


def test_anonymous_public_page_shows_history_without_personal_data(cyl: Cyl, fleet: dict[str, Any]) -> None:
    client = Client()
    page = client.get("/cylinders/c/CZA0001/")
    assert page.status_code == 200
    html = page.content.decode()
    # One verified proof per signed event, and one per refusal on the ledger under this code (issue 9).
    refusals = FillAttempt.objects.filter(code="CZA0001", ledger_index__isnull=False)
    assert refusals.count() == 1
    assert html.count("data-ledger-verify=") == CylinderEvent.objects.filter(cylinder__code="CZA0001").count() + 1
    assert 'data-testid="public-refusals"' in html and "常州武进液化气充装站" in html
    assert "Not the own property of this filling unit" in html
    assert "金坛区王记面馆" in html  # a restaurant is a business, named
    assert "李秀英" not in html and "龙锦苑" not in html and "filling_op" not in html
    public = api().get("/api/cylinders/public/CZA0001/")
    assert public.status_code == 200 and len(public.json()["events"]) == 8
    assert public.json()["refusals"][0]["reason_codes"] == ["not_own_property", "not_empty"]
    assert "李秀英" not in public.content.decode()
    assert client.get("/cylinders/c/NOPE/").status_code == 404
    assert api().get("/api/cylinders/public/NOPE/").json()["code"] == "unknown_code"
    # The ledger entries the page verifies carry no personal data either.
    for entry in LogEntry.objects.filter(subject="CZA0001"):
        assert "李秀英" not in bytes(entry.leaf).decode()
    assert client.get("/cylinders/").status_code == 302  # everything else needs a login


def test_gate_page_allow_then_fill_and_refuse(cyl: Cyl) -> None:
    cyl.register("CZG0001")
    cyl.register("CZG0002", made=timezone.localdate() - timedelta(days=365 * 4 + 30))
    client = login(cyl.operator)
    refused = client.post("/cylinders/gate/", {"code": "CZG0002"}).content.decode()
    assert 'data-testid="gate-refuse"' in refused and "inspection_overdue" in refused
    allowed = client.post("/cylinders/gate/", {"code": "CZG0001"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="gate-allow"' in allowed and 'data-testid="fill-form"' in allowed
    form_key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', allowed)
    assert form_key
    data = {"code": "CZG0001", "idempotency_key": form_key.group(1), "marks_legible": "on", "accessories_ok": "on", "appearance_ok": "on", "net_kg": "14.6", "leak_free": "on"}  # fmt: skip
    done = client.post("/cylinders/gate/fill/", data, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="fill-done"' in done
    again = client.post("/cylinders/gate/fill/", data, HTTP_HX_REQUEST="true").content.decode()  # resent form
    # A resent form is a neutral notice linking the event, not a red refusal (issue 5).
    event = CylinderEvent.objects.get(cylinder__code="CZG0001", kind="filling")
    assert 'data-testid="fill-duplicate"' in again and "gate-refuse" not in again
    assert f'href="/cylinders/cylinder/CZG0001/#event-{event.pk}"' in again and f"event {event.pk}" in again
    assert CylinderEvent.objects.filter(cylinder__code="CZG0001", kind="filling").count() == 1
    assert FillAttempt.objects.filter(code="CZG0002", allowed=False).count() == 1
    for other in ("inspector", "regulator"):
        assert login(getattr(cyl, other)).get("/cylinders/gate/").status_code == 403


def test_api_errors_and_idempotency(cyl: Cyl) -> None:
    cyl.register("CZP0001")
    client = api(cyl.operator)
    body = {"code": "CZP0001", "net_kg": "14.5", "pre_check": {"marks_legible": True}, "leak_free": True}
    first = client.post("/api/cylinders/events/filling/", body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == 201 and first.json()["kind"] == "filling"
    before = (CylinderEvent.objects.count(), LogEntry.objects.count())
    dup = client.post("/api/cylinders/events/filling/", body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate" and str(first.json()["id"]) in dup.json()["message"]
    unknown = client.post("/api/cylinders/events/dispatch/", {"code": "NOPE"}, format="json", HTTP_IDEMPOTENCY_KEY="api-2")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_code"
    order = client.post("/api/cylinders/events/delivery/", {"code": "CZP0001", "recipient_kind": "household", "household_name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="api-3")  # fmt: skip
    assert order.status_code == 409 and order.json()["code"] == "out_of_order"
    when = timezone.now().replace(microsecond=0)
    signed = statement_sign(organisation=cyl.unit, kind="cylinders.dispatch", subject="CZP0001", body={"waybill": "W1"}, idempotency_key="api-4", signed_at=when)  # fmt: skip
    forged = {**signed.__dict__, "body": {"waybill": "W2"}}
    bad = client.post("/api/cylinders/events/dispatch/", {"code": "CZP0001", "waybill": "W2", "statement": forged}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_signature"
    invalid = client.post("/api/cylinders/events/filling/", {"code": "CZP0001"}, format="json", HTTP_IDEMPOTENCY_KEY="api-5")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid" and "net_kg" in invalid.json()["fields"]
    assert (CylinderEvent.objects.count(), LogEntry.objects.count()) == before
    good = client.post(
        "/api/cylinders/events/dispatch/", {"code": "CZP0001", "waybill": "W1", "statement": signed.__dict__}, format="json"
    )
    assert good.status_code == 201 and good.json()["idempotency_key"] == "api-4"
    assert api().post("/api/cylinders/events/dispatch/", {"code": "CZP0001"}, format="json").status_code == 401
    forbidden = api(cyl.other_operator).post("/api/cylinders/events/delivery/", {"code": "CZP0001", "recipient_kind": "restaurant", "recipient_organisation": cyl.restaurant.pk}, format="json", HTTP_IDEMPOTENCY_KEY="api-6")  # fmt: skip
    assert forbidden.status_code == 403


REGISTRATION = {
    "code": "CZR0001",
    "serial_number": "S1",
    "manufacturer": "M",
    "manufactured_on": "2024-01-01",
    "nominal_pressure_mpa": "2.1",
    "volume_l": "35.5",
    "wall_thickness_mm": "2.5",
}


def test_api_gate_and_register(cyl: Cyl) -> None:
    client = api(cyl.operator)
    created = client.post(
        "/api/cylinders/cylinders/",
        {**REGISTRATION, "owner": cyl.unit.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-api-1",
    )
    assert created.status_code == 201 and created.json()["next_inspection_on"] == "2028-01-01"
    gate = client.post("/api/cylinders/gate/", {"code": "CZR0001"}, format="json").json()
    assert gate["allowed"] is True and gate["reasons"] == []
    refused = api(cyl.other_operator).post("/api/cylinders/gate/", {"code": "CZR0001", "pre_check": {"marks_legible": False}}, format="json").json()  # fmt: skip
    assert refused["allowed"] is False and [r["code"] for r in refused["reasons"]] == ["not_own_property", "marks_illegible"]
    assert refused["ledger_index"] is not None
    again = client.post(
        "/api/cylinders/cylinders/",
        {**REGISTRATION, "owner": cyl.unit.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-api-2",
    )
    assert again.status_code == 409 and again.json()["code"] == "code_in_use"


def test_list_query_counts(cyl: Cyl, personas: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(15):
        cyl.register(f"CZQ{n:04d}", unit=cyl.unit if n % 2 else cyl.other_unit)
    client = login(personas.city_official)
    with django_assert_max_num_queries(12):
        assert client.get("/cylinders/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api(personas.city_official).get("/api/cylinders/cylinders/").json()["count"] == 15
    with django_assert_max_num_queries(10):
        assert client.get("/cylinders/attempts/").status_code == 200
    with django_assert_max_num_queries(8):
        assert Client().get("/cylinders/c/CZQ0001/").status_code == 200


def _pdf_fonts_text_images(content: bytes) -> tuple[set[str], str, list[Any]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    fonts: set[str] = set()
    images: list[Any] = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
        images.extend(image.image for image in page.images)
    return fonts, "".join(page.extract_text() for page in reader.pages), images


@pytest.mark.parametrize(
    "base, expected",
    [
        ("", "http://testserver/"),  # not configured: the request's host
        ("https://safecity.changzhou.gov.cn", "https://safecity.changzhou.gov.cn/"),  # issue 7
    ],
)
def test_label_pdf_embeds_the_font_and_a_qr_code_of_the_public_url(
    cyl: Cyl, personas: Any, settings: Any, base: str, expected: str
) -> None:
    settings.SAFECITY_PUBLIC_BASE_URL = base
    settings.ALLOWED_HOSTS = ["*"]
    cyl.register("CZL0001")
    cyl.register("CZL0002", unit=cyl.other_unit)
    detail = login(cyl.operator).get("/cylinders/cylinder/CZL0001/").content.decode()
    assert f'href="{expected}cylinders/c/CZL0001/"' in detail
    response = login(cyl.operator).get("/cylinders/labels.pdf", HTTP_HOST="printer.intranet.local")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    fonts, text, images = _pdf_fonts_text_images(response.content)
    assert any("WenQuanYi" in name for name in fonts), fonts
    assert "CZL0001" in text and "CZL0002" not in text  # only the unit's own cylinders
    assert len(images) == 1
    # Read the QR code back from the embedded image, module by module, and compare it with segno's
    # matrix for the public URL.
    url = public_url(base or "http://printer.intranet.local/", "CZL0001")
    assert url == (expected if base else "http://printer.intranet.local/") + "cylinders/c/CZL0001/"
    matrix = qr_for(url).matrix
    image = images[0].convert("L")
    border = 4
    read = [
        [
            image.getpixel(((x + border) * QR_SCALE + QR_SCALE // 2, (y + border) * QR_SCALE + QR_SCALE // 2)) < 128
            for x in range(len(matrix))
        ]
        for y in range(len(matrix))
    ]
    assert read == [[bool(v) for v in row] for row in matrix]
    assert login(personas.outsider).get("/cylinders/labels.pdf").status_code == 403


def test_cockpit_figures_and_panels(cyl: Cyl, fleet: dict[str, Any], city: Any, personas: Any) -> None:
    cyl.register("CZO0001", made=timezone.localdate() - timedelta(days=365 * 4 + 20))
    figures = compute_indicators(FigureContext(region=city.city, year=timezone.localdate().year))
    assert figures["cylinders.total"] == 3
    assert figures["cylinders.inspection_overdue"] == 1
    assert figures["cylinders.refusals"] == 1
    district_b = compute_indicators(FigureContext(region=city.city, year=timezone.localdate().year, user=personas.district_b))
    assert district_b["cylinders.total"] == 1 and district_b["cylinders.refusals"] == 1  # 武进's refusal
    ctx = FigureContext(region=city.city, year=timezone.localdate().year)
    status = by_status(ctx)
    assert sum(status["values"]) == 3
    assert status["counts"]["empty"] + status["counts"]["delivered"] == 3 and set(status["counts"]) == {
        "empty", "filled", "dispatched", "delivered", "failed", "repaired", "scrapped"
    }  # fmt: skip
    assert refusals_by_station(ctx) == {"counts": {"常州武进液化气充装站": 1}, "labels": ["常州武进液化气充装站"], "values": [1]}
    fills = fills_per_day(ctx)
    assert len(fills["values"]) == 30 and fills["values"][-1] == 2
    assert fills["counts"][timezone.localdate().isoformat()] == 2
    # Panels are plain JSON keyed by stable ids; one indicator per status.
    assert json.loads(json.dumps(compute_panels(ctx)["cylinders.by_status"]))["counts"] == status["counts"]
    assert figures["cylinders.status.delivered"] == status["counts"]["delivered"]
    assert sum(figures[f"cylinders.status.{code}"] for code in status["counts"]) == 3


def test_daily_reminder_is_idempotent(cyl: Cyl) -> None:
    cyl.register("CZD0001", made=timezone.localdate() - timedelta(days=365 * 4 + 20))  # overdue
    cyl.register("CZD0002", made=timezone.localdate() - timedelta(days=365 * 4 - 10))  # due within 30 days
    cyl.register("CZD0003")
    first = services.cylinders_inspection_reminders()
    assert first == {"due_soon": 1, "overdue": 1, "notifications": 2}
    notes = Notification.objects.filter(recipient=cyl.operator)
    assert notes.count() == 2 and all("/cylinders/?inspection=" in n.link for n in notes)
    assert services.cylinders_inspection_reminders() == {"due_soon": 0, "overdue": 0, "notifications": 0}
    assert not Notification.objects.filter(recipient=cyl.other_operator).exists()


def test_key_rotation_keeps_old_events_verifiable_and_signs_new_ones(cyl: Cyl) -> None:
    from safecity.ledger.services import signing_key_rotate

    cyl.register("CZK0001")
    old = fill(cyl, "CZK0001")
    signing_key_rotate(actor=None, organisation=cyl.unit)
    new = services.cylinder_dispatch(actor=cyl.operator, code="CZK0001", idempotency_key=key())
    assert old.key_id != new.key_id
    assert LogEntry.objects.get(index=new.ledger_index).key_id == new.key_id
