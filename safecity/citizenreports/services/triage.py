"""The district's triage of a citizen's report (issue 17 §2), each step one service: the report
locked, the step checked against ``transitions.py`` (received reports only; the actor a district
official or inspector whose jurisdiction holds the report's point), the change and its timeline row
written in one transaction (audited through the models).

- :func:`report_dismiss`: not a hazard, or not the platform's to handle; the reason is shown to
  the citizen on the receipt page, so it is written for them;
- :func:`report_merge`: a hidden hazard already known (one the actor reaches, not withdrawn); the
  citizen then follows that hazard's progress;
- :func:`report_to_hazard`: a new hidden hazard of the enterprise or place responsible (an
  organisation in the report's district) through ``hazards.services.hazard_report``, source
  :data:`CITIZEN_SOURCE`; the report's photos become its evidence at discovery.

``at`` (a historic moment) is for the demo's past only: pages and the API never pass it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.citizenreports.choices import ReportAction, ReportState
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.services.common import CitizenReportError, begin, now_or, record
from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hazards.choices import HazardLevel, HazardSource, HazardState, HazardType, ManagementType
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_report
from safecity.hazards.services.evidence import evidence_add

# The hazards app has no "citizen report" source yet (issue 17 asks for one); until it does, the
# closest existing source, "other", is used. Adding ``CITIZEN_REPORT`` to HazardSource switches
# this without another change here.
CITIZEN_SOURCE: int = int(getattr(HazardSource, "CITIZEN_REPORT", HazardSource.OTHER))


@transaction.atomic
def report_dismiss(*, actor: Any, report: CitizenReport, reason: str, at: datetime | None = None) -> CitizenReport:
    """Dismiss the report, saying why (the citizen reads the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise CitizenReportError({"reason": _("Say why the report is dismissed: the citizen reads it.")})
    report, _transition, source = begin(actor, report, ReportAction.DISMISS)
    when = now_or(at)
    report.state = ReportState.DISMISSED
    report.dismiss_reason = reason[:2000]
    _triaged(report, actor, when)
    record(report, action=ReportAction.DISMISS, source=source, actor=actor, at=when, comment=reason)
    return report


@transaction.atomic
def report_merge(*, actor: Any, report: CitizenReport, hazard: HiddenHazard, at: datetime | None = None) -> CitizenReport:
    """Merge the report with a hidden hazard already known (reached by the actor, not withdrawn)."""
    report, _transition, source = begin(actor, report, ReportAction.MERGE)
    if not scoped(HiddenHazard, actor).filter(pk=hazard.pk).exists():
        raise CitizenReportError({"hazard": _("This hidden hazard is not within your reach.")})
    if hazard.state == HazardState.WITHDRAWN:
        raise CitizenReportError({"hazard": _("This hidden hazard was withdrawn (not a hazard): choose another.")})
    when = now_or(at)
    report.state = ReportState.MERGED
    report.hazard = hazard
    _triaged(report, actor, when)
    record(report, action=ReportAction.MERGE, source=source, actor=actor, at=when, comment=hazard.code or "")
    return report


@transaction.atomic
def report_to_hazard(
    *,
    actor: Any,
    report: CitizenReport,
    organisation: Organisation,
    hazard_type: int = HazardType.OTHER,
    level: int = HazardLevel.GENERAL,
    description: str = "",
    deadline: date | None = None,
    at: datetime | None = None,
) -> CitizenReport:
    """Record the report as a new hidden hazard of ``organisation`` (an enterprise, or the body
    keeping a public place: a village committee, a street office), which must lie in the report's
    district. The hazard follows the one lifecycle: the organisation confirms and rectifies it."""
    report, _transition, source = begin(actor, report, ReportAction.HAZARD)
    if not organisation.region.path.startswith(report.district.path):
        raise CitizenReportError(
            {
                "organisation": _("%(organisation)s is not in %(district)s, where the hazard was reported.")
                % {"organisation": organisation.name, "district": report.district.name}
            }
        )
    when = now_or(at)
    text = (description or "").strip() or report.description
    try:
        hazard = hazard_report(
            actor=actor,
            organisation=organisation,
            source=CITIZEN_SOURCE,
            level=level,
            hazard_type=hazard_type,
            management_type=ManagementType.BY_DEADLINE,
            description=text[:2000],
            location=(report.place or f"{report.latitude}, {report.longitude}")[:200],
            discovered_at=report.submitted_at,
            deadline=deadline,
        )
    except PermissionDenied as error:
        raise CitizenReportError(
            {"organisation": _("You may not record hidden hazards of %(organisation)s.") % {"organisation": organisation.name}}
        ) from error
    report.state = ReportState.HAZARD
    report.hazard = hazard
    _triaged(report, actor, when)
    record(report, action=ReportAction.HAZARD, source=source, actor=actor, at=when, comment=hazard.code or "")
    for photo in report.photos.order_by("position", "id"):
        with photo.file.open("rb") as handle:
            content = SimpleUploadedFile(f"citizen-report-{photo.position + 1}.jpg", handle.read(), "image/jpeg")
        evidence_add(actor=actor, hazard=hazard, stage="discovery", file=content)
    return report


def _triaged(report: CitizenReport, actor: Any, when: datetime) -> None:
    report.triaged_at = when
    report.triaged_by = actor
    report.full_clean(exclude=["receipt_code", "address_digest"])
    report.save()


def triage_hours(report: CitizenReport) -> float | None:
    """Hours from the report to its triage (None while awaiting)."""
    if report.triaged_at is None:
        return None
    return (report.triaged_at - report.submitted_at).total_seconds() / 3600


__all__ = ["CITIZEN_SOURCE", "report_dismiss", "report_merge", "report_to_hazard", "triage_hours"]
