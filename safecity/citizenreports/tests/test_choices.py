"""What a triage may choose (review of issue 17 §2): the organisation or hidden hazard is any of
the report's district within the caller's reach, validated against the whole scoped queryset (the
40 nearest are only suggestions; a search on the triage page finds the rest); an id out of reach
and one that does not exist are answered alike; the export speaks the reader's language and
leaves the receipt code out."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import make_org
from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport
from safecity.core.choices import OrganisationKind
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_report

from .conftest import CR

pytestmark = pytest.mark.django_db


def login(user: Any, lang: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


@pytest.fixture
def far_enterprise(cr: CR) -> Any:
    """An enterprise of the district far behind 40 nearer ones: not among the suggestions."""
    for n in range(41):
        make_org(
            f"近处企业{n:02d}", OrganisationKind.ENTERPRISE, cr.city.street_a, actor=cr.city.superuser,
            latitude="31.870000", longitude="119.965000",
        )  # fmt: skip
    return make_org("远方精细化工有限公司", OrganisationKind.ENTERPRISE, cr.city.street_a, actor=cr.city.superuser)


def test_any_enterprise_of_the_district_can_be_chosen_and_found(cr: CR, far_enterprise: Any) -> None:
    report = cr.submit()
    official = login(cr.personas.district_a)
    page = official.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert "远方精细化工有限公司" not in page  # not among the 40 nearest
    found = official.get(f"/citizen-reports/{report.pk}/", {"org_q": "远方精细"}).content.decode()
    assert f'value="{far_enterprise.pk}"' in found and "远方精细化工有限公司" in found
    by_code = official.get(f"/citizen-reports/{report.pk}/", {"org_q": far_enterprise.credit_code}).content.decode()
    assert "远方精细化工有限公司" in by_code
    done = official.post(
        f"/citizen-reports/{report.pk}/hazard/",
        {"organisation": far_enterprise.pk, "hazard_type": 5, "level": 0, "description": "仓库门口堆放气瓶"},
    )
    assert done.status_code == 302
    assert HiddenHazard.objects.get().organisation == far_enterprise


def test_the_page_refuses_an_organisation_of_another_district_or_none(cr: CR) -> None:
    report = cr.submit()
    official = login(cr.personas.district_a)
    for pk in (cr.city.enterprise_b.pk, 999999):
        refused = official.post(
            f"/citizen-reports/{report.pk}/hazard/", {"organisation": pk, "hazard_type": 5, "level": 0, "description": "x"}
        )
        assert refused.status_code == 400 and "Choose an enterprise or place of the report&#x27;s district." in (
            refused.content.decode()
        )
    assert not HiddenHazard.objects.exists()


def test_a_hazard_beyond_the_suggestions_can_be_merged(cr: CR) -> None:
    old = hazard_report(actor=cr.personas.district_a, organisation=cr.city.enterprise_a, description="老隐患", hazard_type=5)
    for n in range(41):
        hazard_report(actor=cr.personas.district_a, organisation=cr.city.enterprise_a, description=f"新隐患{n}", hazard_type=5)
    HiddenHazard.objects.filter(pk=old.pk).update(discovered_at="2020-01-01T00:00:00Z")
    report = cr.submit()
    official = login(cr.personas.district_a)
    assert "老隐患" not in official.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert "老隐患" in official.get(f"/citizen-reports/{report.pk}/", {"hazard_q": "老隐患"}).content.decode()
    assert official.post(f"/citizen-reports/{report.pk}/merge/", {"hazard": old.pk}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.MERGED and report.hazard == old


def test_the_api_answers_out_of_reach_and_missing_ids_alike(cr: CR) -> None:
    other = hazard_report(actor=cr.personas.district_b, organisation=cr.city.enterprise_b, description="乙区隐患", hazard_type=5)
    report = cr.submit()
    api = login(cr.personas.district_a)
    url = f"/api/citizen-reports/reports/{report.pk}"
    answers = [
        api.post(f"{url}/merge/", {"hazard": other.pk}),
        api.post(f"{url}/merge/", {"hazard": 999999}),
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert (
        answers[0].json()["fields"] == answers[1].json()["fields"] == {"hazard": ["Nothing with this id is within your reach."]}
    )
    org_answers = [
        api.post(f"{url}/hazard/", {"organisation": cr.city.enterprise_b.pk}),
        api.post(f"{url}/hazard/", {"organisation": 999999}),
    ]
    assert (
        org_answers[0].json()["fields"]
        == org_answers[1].json()["fields"]
        == {"organisation": ["Nothing with this id is within your reach."]}
    )
    assert CitizenReport.objects.get().state == ReportState.RECEIVED
    assert api.post(f"{url}/hazard/", {"organisation": cr.city.enterprise_a.pk}).status_code == 200


def test_the_export_headers_follow_the_language_and_leave_the_receipt_out(cr: CR) -> None:
    report = cr.submit()
    export = login(cr.personas.district_a).get("/citizen-reports/queue/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = rows[0]
    assert "District" in headers and "What the citizen saw" in headers and "回执编号" not in headers
    assert "Receipt code" not in headers
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert report.receipt_code not in flat.replace("-", "") and report.receipt_display not in flat
