"""Portraits per persona on the UI, the API and the PDF; evidence links; query counts; trend and peers;
the set-based rescore against the one-enterprise path; the cockpit figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_org
from safecity.core.figures import FigureContext, compute_indicators
from safecity.hazards.choices import HazardLevel, HazardState, HazardType
from safecity.portraits.models import Portrait
from safecity.portraits.services import portrait_compute, portraits_rescore, portraits_score
from safecity.portraits.tests.conftest import YEAR, moment

pytestmark = pytest.mark.django_db
NOW = moment(2024, 3, 1)
VISIBLE = {
    "city_admin": {"a", "b"}, "city_official": {"a", "b"}, "district_a": {"a"}, "district_b": {"b"},
    "enterprise_user": {"a"}, "expert": set(), "outsider": set(),
}  # fmt: skip


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portraits(city: Any, make_hazard: Any, make_event: Any) -> dict[str, Portrait]:
    """Enterprise A: an overdue general hazard, a closed major one, an orange event without emergency
    measure; enterprise B: an overdue major hazard (forced red). Portraits of 2022 and 2023."""
    make_hazard(hazard_type=HazardType.ELECTRICAL)
    make_hazard(level=HazardLevel.MAJOR, state=HazardState.ACCEPTED, hazard_type=HazardType.PROCESS)
    make_event(level=2, measures=("engineering",))
    make_hazard(org=city.enterprise_b, level=HazardLevel.MAJOR, description="乙厂重大隐患")
    with time_machine.travel(NOW, tick=False):
        portraits_rescore(year=2022)
        portraits_rescore(year=YEAR)
    return {
        "a": Portrait.objects.get(organisation=city.enterprise_a, year=YEAR),
        "b": Portrait.objects.get(organisation=city.enterprise_b, year=YEAR),
    }


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_list_and_detail_per_persona(personas: Any, portraits: dict[str, Portrait], persona: str) -> None:
    client = login(getattr(personas, persona))
    body = client.get(f"/portraits/?year={YEAR}").content.decode()
    for key, portrait in portraits.items():
        visible = key in VISIBLE[persona]
        assert (portrait.organisation.name in body) is visible
        assert client.get(f"/portraits/{portrait.pk}/").status_code == (200 if visible else 404)
        assert client.get(f"/portraits/enterprise/{portrait.organisation_id}/").status_code == (302 if visible else 404)
    api = client.get(f"/api/portraits/portraits/?year={YEAR}")
    ids = {row["id"] for row in api.json()["results"]}
    assert ids == {portraits[k].pk for k in VISIBLE[persona]}
    for key, portrait in portraits.items():
        status = 200 if key in VISIBLE[persona] else 404
        assert client.get(f"/api/portraits/portraits/{portrait.pk}/").status_code == status
        assert client.get(f"/api/portraits/portraits/{portrait.pk}/peers/").status_code == status


def test_anonymous_is_refused(portraits: dict[str, Portrait]) -> None:
    assert Client().get(f"/api/portraits/portraits/{portraits['a'].pk}/").status_code == 401
    assert Client().get(f"/portraits/{portraits['a'].pk}/").status_code == 302


def test_portrait_page_shows_score_deductions_and_forced_red(personas: Any, portraits: dict[str, Portrait]) -> None:
    a, b = portraits["a"], portraits["b"]
    # A: 1 (open general, equipment) + 2 (overdue) + 2 (major found, process) + 1 (no emergency measure); 1/2 closed: 50% -> 8.
    assert a.score == Decimal("86.0") and a.colour == 3 and not a.forced_red
    page = login(personas.district_a).get(f"/portraits/{a.pk}/").content.decode()
    assert "86.0" in page and "Hidden hazard past its rectification deadline" in page and "data-radar" in page
    assert "Forced red" not in page
    page_b = login(personas.district_b).get(f"/portraits/{b.pk}/").content.decode()
    assert b.forced_red and b.colour == 1 and "An open major hidden hazard is past its deadline" in page_b


def test_every_evidence_link_resolves_for_the_viewer(personas: Any, portraits: dict[str, Portrait]) -> None:
    client = login(personas.district_a)
    detail = client.get(f"/api/portraits/portraits/{portraits['a'].pk}/").json()
    kinds = {d["evidence_kind"] for d in detail["deductions"]}
    assert kinds == {"hazard", "organisation", "risk_event"}
    for deduction in detail["deductions"]:
        assert deduction["evidence_url"], deduction
        assert client.get(deduction["evidence_url"]).status_code == 200, deduction
    forced = login(personas.district_b).get(f"/api/portraits/portraits/{portraits['b'].pk}/").json()["forced_reasons"]
    assert forced and login(personas.district_b).get(forced[0]["url"]).status_code == 200


def test_set_based_rescore_equals_per_enterprise_compute(city: Any, portraits: dict[str, Portrait]) -> None:
    with time_machine.travel(NOW, tick=False):
        together = portraits_score(year=YEAR)
        for org in (city.enterprise_a, city.enterprise_b):
            alone = portraits_score(year=YEAR, organisations=[org.pk])[org.pk]
            assert alone == together[org.pk]
            stored = portrait_compute(organisation=org, year=YEAR)
            assert (stored.score, stored.colour, stored.forced_red) == (alone.score, alone.colour, alone.is_forced_red)
            assert stored.deductions.count() == len(alone.deductions)


def test_rescore_query_count_does_not_grow_with_enterprises(city: Any, make_hazard: Any, make_event: Any) -> None:
    def queries(year: int, organisations: Any = None) -> int:
        with CaptureQueriesContext(connection) as ctx:
            portraits_rescore(year=year, organisations=organisations)
        return len(ctx.captured_queries)

    make_hazard()
    make_event(level=1, measures=())
    one = queries(YEAR, [city.enterprise_a.pk])  # creates one portrait
    for i in range(5):
        org = make_org(f"常州丙{i}化工有限公司", "enterprise", city.street_a, actor=city.superuser)
        make_hazard(org=org, level=HazardLevel.MAJOR)
        make_event(org=org, level=1, measures=())
    many = queries(YEAR)  # creates six more (B, 5 new) and updates A
    assert many <= one + 3, (one, many)
    assert queries(YEAR) <= one + 3  # nothing changed: no portrait rewritten


def test_trend_and_peers(personas: Any, portraits: dict[str, Portrait], city: Any, settings: Any) -> None:
    settings.SAFECITY_PORTRAITS_MIN_PEERS = 2  # the district's two portraits are enough here
    client = login(personas.enterprise_user)
    a = portraits["a"]
    trend = client.get(f"/api/portraits/portraits/{a.pk}/trend/").json()
    assert [t["year"] for t in trend] == [2022, YEAR]
    assert trend[1]["score"] == 86.0
    # 2022: the 2023 hazards did not exist yet; nothing counts -> full marks.
    assert trend[0]["score"] == 100.0
    # Another enterprise in district A makes the peer group two; B (district B) never counts.
    other = make_org("常州丁化工有限公司", "enterprise", city.street_a, actor=city.superuser)
    with time_machine.travel(NOW, tick=False):
        portrait_compute(organisation=other, year=YEAR)
    peers = client.get(f"/api/portraits/portraits/{a.pk}/peers/").json()
    assert peers["district"]["code"] == "320411" and peers["count"] == 2
    assert peers["rank"] == 2 and peers["percentile"] == 0.0 and peers["mean"] == 93.0
    assert peers["colours"] == {"1": 0, "2": 0, "3": 1, "4": 1}
    assert "常州丁化工有限公司" not in str(peers)  # aggregates only


def test_too_few_peers_widen_the_comparison_to_the_city(personas: Any, portraits: dict[str, Portrait], city: Any) -> None:
    """ADR 0011: with two portraits in the district, the mean and A's own score would give away the
    other's score; below five the comparison is the next larger area (here the city)."""
    other = make_org("常州丁化工有限公司", "enterprise", city.street_a, actor=city.superuser)
    with time_machine.travel(NOW, tick=False):
        portrait_compute(organisation=other, year=YEAR)
    for persona in (personas.enterprise_user, personas.district_a, personas.city_official):
        peers = login(persona).get(f"/api/portraits/portraits/{portraits['a'].pk}/peers/").json()
        assert peers["district"]["code"] == "320400" and peers["count"] == 3, persona
        assert "常州丁化工有限公司" not in str(peers) and "常州乙化工有限公司" not in str(peers)
    page = login(personas.enterprise_user).get(f"/portraits/{portraits['a'].pk}/").content.decode()
    assert "常州市: 3" in page
    assert login(personas.district_b).get(f"/api/portraits/portraits/{portraits['a'].pk}/peers/").status_code == 404


def test_list_query_count_does_not_grow_with_page_size(city: Any, personas: Any, make_hazard: Any) -> None:
    for i in range(12):
        org = make_org(f"常州戊{i}化工有限公司", "enterprise", city.street_a, actor=city.superuser)
        make_hazard(org=org)
    with time_machine.travel(NOW, tick=False):
        portraits_rescore(year=YEAR)
    client = login(personas.district_a)
    counts = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            ui = client.get(f"/portraits/?year={YEAR}&page_size={size}")
        with CaptureQueriesContext(connection) as api_ctx:
            api = client.get(f"/api/portraits/portraits/?year={YEAR}&page_size={size}")
        assert ui.status_code == 200 and api.status_code == 200
        counts[size] = (len(ctx.captured_queries), len(api_ctx.captured_queries))
    assert counts[10] == counts[50]


def test_filters_and_export(personas: Any, portraits: dict[str, Portrait]) -> None:
    client = login(personas.city_official)
    assert [r["id"] for r in client.get("/api/portraits/portraits/?colour=1").json()["results"]] == [portraits["b"].pk]
    assert [r["id"] for r in client.get(f"/api/portraits/portraits/?region=320411&year={YEAR}").json()["results"]] == [
        portraits["a"].pk
    ]
    csv = b"".join(client.get(f"/portraits/?year={YEAR}&export=csv").streaming_content).decode("utf-8-sig")
    assert "常州甲化工有限公司" in csv and "常州乙化工有限公司" in csv
    csv_a = b"".join(login(personas.district_a).get(f"/portraits/?year={YEAR}&export=csv").streaming_content).decode("utf-8-sig")
    assert "常州乙化工有限公司" not in csv_a


def test_rescore_api_officials_only(personas: Any, portraits: dict[str, Portrait], city: Any) -> None:
    assert login(personas.enterprise_user).post("/api/portraits/rescore/", {"year": YEAR}).status_code == 403
    assert login(personas.outsider).post("/api/portraits/rescore/", {"year": YEAR}).status_code == 403
    response = login(personas.district_a).post("/api/portraits/rescore/", {"year": YEAR})
    assert response.status_code == 200 and response.json()["portraits"] == 1  # only enterprise A is in district A
    denied = login(personas.district_a).post("/api/portraits/rescore/", {"year": YEAR, "organisation": city.enterprise_b.pk})
    assert denied.status_code == 404


def test_rescore_button_officials_only(personas: Any, portraits: dict[str, Portrait]) -> None:
    a = portraits["a"]
    assert login(personas.enterprise_user).post(f"/portraits/{a.pk}/rescore/").status_code == 403
    assert login(personas.district_b).post(f"/portraits/{a.pk}/rescore/").status_code == 404
    assert login(personas.district_a).post(f"/portraits/{a.pk}/rescore/").status_code == 302


def _pdf_fonts_and_text(content: bytes) -> tuple[set[str], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    embedded = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descriptor["/FontName"]))
    return embedded, "".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_pdf_per_persona_with_embedded_cjk_font(personas: Any, portraits: dict[str, Portrait], persona: str) -> None:
    client = login(getattr(personas, persona))
    for key, portrait in portraits.items():
        response = client.get(f"/portraits/{portrait.pk}/pdf/")
        api = client.get(f"/api/portraits/portraits/{portrait.pk}/pdf/")
        if key not in VISIBLE[persona]:
            assert response.status_code == 404 and api.status_code == 404
            continue
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert api.status_code == 200 and api.content[:5] == b"%PDF-"
        if persona != "district_a" and persona != "district_b":
            continue  # the font check once per enterprise is enough
        fonts, text = _pdf_fonts_and_text(response.content)
        assert any("WenQuanYi" in name for name in fonts), fonts
        assert portrait.organisation.name in text
        assert "健康画像" in text and "扣分" in text


def test_cockpit_figures(city: Any, portraits: dict[str, Portrait], personas: Any) -> None:
    figures = compute_indicators(FigureContext(region=city.city, year=YEAR))
    assert (figures["portraits.red"], figures["portraits.orange"], figures["portraits.yellow"], figures["portraits.blue"]) == (
        1,
        0,
        1,
        0,
    )
    assert figures["portraits.average_score"] == round((86.0 + float(portraits["b"].score)) / 2, 1)
    district = compute_indicators(FigureContext(region=city.district_a, year=YEAR, user=personas.district_a))
    assert district["portraits.red"] == 0 and district["portraits.yellow"] == 1
    assert login(personas.city_official).get(f"/?year={YEAR}").status_code == 200


def test_navigation_and_overview_content(personas: Any, portraits: dict[str, Portrait]) -> None:
    page = login(personas.district_a).get(f"/portraits/?year={YEAR}").content.decode()
    assert 'href="/portraits/"' in page and "data-map" in page and 'data-chart="bar"' in page
    assert "常州甲化工有限公司" in page and "常州乙化工有限公司" not in page
    assert 'href="/portraits/"' in login(personas.enterprise_user).get("/portraits/").content.decode()
    assert 'href="/portraits/"' not in login(personas.expert).get("/portraits/").content.decode()
