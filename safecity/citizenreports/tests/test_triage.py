"""The district's triage (issue 17 §2): dismissed with a reason, merged with a known hidden hazard,
or recorded as a hidden hazard of an organisation of the district through ``hazard_report`` (the
photos its evidence); once only; by district A's people for district A's reports only; the outcome
in words for the citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_org
from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.selectors import public_status
from safecity.citizenreports.services.common import CitizenReportError
from safecity.citizenreports.services.triage import CITIZEN_SOURCE, report_dismiss, report_merge, report_to_hazard
from safecity.core.choices import OrganisationKind
from safecity.hazards.choices import HazardSource, HazardState, HazardType
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_report

from .conftest import CR, IN_B, png

pytestmark = pytest.mark.django_db


def known_hazard(cr: CR, organisation: object = None) -> HiddenHazard:
    return hazard_report(
        actor=cr.personas.district_a,
        organisation=organisation or cr.city.enterprise_a,
        description="仓库消防通道堵塞",
        hazard_type=HazardType.FIRE,
    )


def test_dismiss_needs_a_reason_the_citizen_reads(cr: CR) -> None:
    report = cr.submit()
    with pytest.raises(CitizenReportError) as caught:
        report_dismiss(actor=cr.inspector_a, report=report, reason=" ")
    assert "Say why" in caught.value.message_dict["reason"][0]
    report_dismiss(actor=cr.inspector_a, report=report, reason="现场已清理，通道畅通。")
    report.refresh_from_db()
    assert report.state == ReportState.DISMISSED and report.triaged_by == cr.inspector_a and report.triaged_at
    status = public_status(code=report.receipt_code.lower())
    assert "现场已清理，通道畅通。" in status.outcome and "not taken up" in status.outcome


def test_a_report_is_triaged_once(cr: CR) -> None:
    report = cr.submit()
    report_dismiss(actor=cr.inspector_a, report=report, reason="重复举报")
    with pytest.raises(CitizenReportError) as caught:
        report_to_hazard(actor=cr.inspector_a, report=report, organisation=cr.city.enterprise_a)
    assert caught.value.error_code == "transition_not_allowed"
    assert "already been triaged" in caught.value.messages[0]


def test_merge_with_a_known_hazard(cr: CR) -> None:
    hazard = known_hazard(cr)
    report = cr.submit()
    report_merge(actor=cr.personas.district_a, report=report, hazard=hazard)
    report.refresh_from_db()
    assert report.state == ReportState.MERGED and report.hazard == hazard
    assert "already known" in public_status(code=report.receipt_code).outcome


def test_merge_refuses_a_withdrawn_or_unreachable_hazard(cr: CR) -> None:
    hazard = known_hazard(cr)
    HiddenHazard.objects.filter(pk=hazard.pk).update(state=HazardState.WITHDRAWN)
    hazard.refresh_from_db()
    report = cr.submit()
    with pytest.raises(CitizenReportError) as caught:
        report_merge(actor=cr.personas.district_a, report=report, hazard=hazard)
    assert "withdrawn" in caught.value.message_dict["hazard"][0]
    other = hazard_report(actor=cr.personas.district_b, organisation=cr.city.enterprise_b, description="x", hazard_type=1)
    with pytest.raises(CitizenReportError) as caught:
        report_merge(actor=cr.personas.district_a, report=report, hazard=other)
    assert "not within your reach" in caught.value.message_dict["hazard"][0]
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED


def test_record_as_a_hidden_hazard(cr: CR) -> None:
    report = cr.submit(photos=[png(), png()], place="仓库东门")
    deadline = timezone.localdate() + timedelta(days=10)
    report_to_hazard(
        actor=cr.personas.district_a,
        report=report,
        organisation=cr.city.enterprise_a,
        hazard_type=HazardType.FIRE,
        description="仓库东门消防通道堵塞",
        deadline=deadline,
    )
    report.refresh_from_db()
    hazard = report.hazard
    assert report.state == ReportState.HAZARD and hazard is not None
    assert hazard.organisation == cr.city.enterprise_a and hazard.state == HazardState.TO_CONFIRM
    assert hazard.source == CITIZEN_SOURCE == getattr(HazardSource, "CITIZEN_REPORT", HazardSource.OTHER)
    assert hazard.location == "仓库东门" and hazard.deadline == deadline
    assert hazard.discovered_at == report.submitted_at
    assert hazard.evidence.filter(stage="discovery").count() == 2
    assert "13912345678" not in hazard.description
    assert "recorded as a hidden hazard" in public_status(code=report.receipt_code).outcome
    HiddenHazard.objects.filter(pk=hazard.pk).update(state=HazardState.RECTIFYING)
    assert "is rectifying it" in public_status(code=report.receipt_code).outcome


def test_the_hazard_belongs_to_an_organisation_of_the_district(cr: CR) -> None:
    report = cr.submit()
    with pytest.raises(CitizenReportError) as caught:
        report_to_hazard(actor=cr.personas.district_a, report=report, organisation=cr.city.enterprise_b)
    assert "is not in 新北区" in caught.value.message_dict["organisation"][0]
    # a public place: the village committee or street office keeping it
    office = make_org("三井街道办事处", OrganisationKind.STREET_OFFICE, cr.city.street_a, actor=cr.city.superuser)
    report_to_hazard(actor=cr.personas.district_a, report=report, organisation=office)
    assert HiddenHazard.objects.filter(organisation=office).count() == 1


def test_only_the_districts_people_triage(cr: CR) -> None:
    report = cr.submit()
    for outsider in (cr.personas.district_b, cr.personas.enterprise_user, cr.personas.expert, cr.personas.outsider):
        with pytest.raises(PermissionDenied):
            report_dismiss(actor=outsider, report=report, reason="x")
    # city-wide officials read the queue; the district triages
    for reader in (cr.personas.city_official, cr.personas.city_admin):
        with pytest.raises(PermissionDenied):
            report_dismiss(actor=reader, report=report, reason="x")
    b = cr.submit(point=IN_B)
    report_dismiss(actor=cr.personas.district_b, report=b, reason="不属实")
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED and not HiddenHazard.objects.exists()
