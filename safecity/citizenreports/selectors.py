"""Every read of the citizens' reports a user sees, scoped (``core.scoping.scoped``): the district's
officials and inspectors the reports located in their district; city officials every report of the
city (to read and count, not to triage); nobody else any. The reporter's phone is for those who may
triage the report only (:func:`phone_visible`). The public reads one report by its receipt code,
and only what :func:`public_status` says."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import VIEW_ROLES, CitizenReport, ReportEvent, ReportPhoto, receipt_normalise
from safecity.citizenreports.transitions import TRIAGE_ROLES, triage_reach
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.core.scoping import CHANGE, principal_for, roles_for, scoped
from safecity.hazards.choices import HazardState
from safecity.hazards.models import HiddenHazard


def sees_reports(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def report_list(*, user: Any) -> QuerySet[CitizenReport]:
    """The reports within reach, newest first. The phone is deferred: no list shows it."""
    return scoped(CitizenReport, user).select_related("district").defer("reporter_phone", "address_digest")


def report_get(*, user: Any, pk: Any) -> CitizenReport:
    pk = id_or_none(pk)
    report = (
        scoped(CitizenReport, user).select_related("district", "hazard__organisation", "triaged_by").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if report is None:
        raise Http404
    return report


def may_triage(user: Any, report: CitizenReport) -> bool:
    """A received report the user reaches with a triage role, and a triage grant at its district
    or below (never a city-wide grant, never a superuser): in effect, the district's own people."""
    return report.state == ReportState.RECEIVED and triage_reach(user, report) and bool(roles_for(user, report) & TRIAGE_ROLES)


def phone_visible(user: Any, report: CitizenReport) -> bool:
    """The reporter's phone: while the report waits, for those who may triage it (a triage grant
    at its district or below); once triaged, for the official who triaged it only. Never for
    city-wide readers or superusers, never in lists or exports."""
    if not report.reporter_phone or not triage_reach(user, report):
        return False
    if report.state != ReportState.RECEIVED:
        return report.triaged_by_id is not None and report.triaged_by_id == getattr(user, "pk", None)
    return scoped(CitizenReport, user, CHANGE).filter(pk=report.pk).exists()


def report_photos(*, user: Any, report: CitizenReport) -> QuerySet[ReportPhoto]:
    return scoped(ReportPhoto, user).filter(report=report).order_by("position", "id")


def report_photo_get(*, user: Any, pk: Any, photo_id: Any) -> ReportPhoto:
    photo = scoped(ReportPhoto, user).filter(report_id=id_or_none(pk), pk=id_or_none(photo_id)).first()
    if photo is None:
        raise Http404
    return photo


def report_events(*, user: Any, report: CitizenReport) -> QuerySet[ReportEvent]:
    return scoped(ReportEvent, user).filter(report=report).order_by("at", "id")


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Equirectangular: exact enough within a district to order candidates.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371 * math.hypot(x, y)


def organisations_of_district(*, user: Any, report: CitizenReport) -> QuerySet[Organisation]:
    """Every active organisation of the report's district the user reaches: what a triage may
    choose as the hazard's enterprise or place (the near ones are only suggestions)."""
    return (
        scoped(Organisation, user).filter(region__path__startswith=report.district.path, is_active=True).select_related("region")
    )


def organisations_search(*, user: Any, report: CitizenReport, q: str, limit: int = 40) -> list[Organisation]:
    """Up to ``limit`` organisations of the district whose name or credit code holds ``q``."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    rows = organisations_of_district(user=user, report=report).filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    return list(rows.order_by("name", "id")[:limit])


def organisations_near(*, user: Any, report: CitizenReport, limit: int = 40) -> list[Organisation]:
    """The organisations of the report's district the user reaches, nearest first (those without
    coordinates last, by name): suggestions for the hazard's enterprise or place."""
    rows = list(
        organisations_of_district(user=user, report=report).only(
            "id", "name", "kind", "latitude", "longitude", "region__name", "region__path"
        )
    )
    lat, lon = float(report.latitude), float(report.longitude)

    def key(org: Organisation) -> tuple[float, str]:
        if org.latitude is None or org.longitude is None:
            return (math.inf, org.name)
        return (_distance_km(lat, lon, float(org.latitude), float(org.longitude)), org.name)

    rows.sort(key=key)
    return rows[:limit]


def hazards_of_district(*, user: Any, report: CitizenReport) -> QuerySet[HiddenHazard]:
    """Every hidden hazard of the report's district the user reaches and that is not withdrawn:
    what a report may be merged with."""
    return (
        scoped(HiddenHazard, user)
        .filter(organisation__region__path__startswith=report.district.path)
        .exclude(state=HazardState.WITHDRAWN)
        .select_related("organisation")
    )


def hazards_search(*, user: Any, report: CitizenReport, q: str, limit: int = 40) -> list[HiddenHazard]:
    """Up to ``limit`` hidden hazards of the district whose code, description or organisation's
    name holds ``q``, newest first."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    rows = hazards_of_district(user=user, report=report).filter(
        Q(code__icontains=q) | Q(description__icontains=q) | Q(organisation__name__icontains=q)
    )
    return list(rows.order_by("-discovered_at", "-id")[:limit])


def hazards_near(*, user: Any, report: CitizenReport, limit: int = 40) -> QuerySet[HiddenHazard]:
    """The newest hidden hazards of the district within reach: suggestions to merge with."""
    return hazards_of_district(user=user, report=report).order_by("-discovered_at", "-id")[:limit]


@dataclass(frozen=True)
class PublicStatus:
    """What the citizen reads on the receipt page: no names, no numbers but their own receipt."""

    receipt: str
    submitted_at: Any
    district: str
    state_label: str
    outcome: str
    triaged_at: Any
    photo_count: int
    description: str


def _hazard_progress(hazard: HiddenHazard) -> str:
    if hazard.state == HazardState.ACCEPTED:
        return _("It has been rectified and the rectification accepted.")
    if hazard.state == HazardState.AWAITING_ACCEPTANCE:
        return _("The responsible unit reports it rectified; the authority is checking the rectification.")
    if hazard.state == HazardState.RECTIFYING:
        return _("The responsible unit is rectifying it.")
    if hazard.state == HazardState.WITHDRAWN:
        return _("On inspection it was found not to be a hazard.")
    return _("The responsible unit has been told and is confirming it.")


def outcome_words(report: CitizenReport) -> str:
    """The outcome of a report in words for the citizen."""
    if report.state == ReportState.RECEIVED:
        return _("Your report has been received and is waiting for the district's safety officials to look at it.")
    if report.state == ReportState.DISMISSED:
        return _("Your report was not taken up. The reason given: %(reason)s") % {"reason": report.dismiss_reason}
    assert report.hazard is not None
    progress = _hazard_progress(report.hazard)
    if report.state == ReportState.MERGED:
        return _("This hazard was already known to the authorities and is being handled. %(progress)s") % {"progress": progress}
    return _("Your report was recorded as a hidden hazard and passed to the unit responsible. %(progress)s") % {
        "progress": progress
    }


def public_status(*, code: str) -> PublicStatus:
    """The public view of one report by its receipt code (404 for an unknown code)."""
    report = (
        CitizenReport.objects.select_related("district", "hazard").filter(receipt_code=receipt_normalise(code)).first()
        if receipt_normalise(code)
        else None
    )
    if report is None:
        raise Http404
    return PublicStatus(
        receipt=report.receipt_display,
        submitted_at=report.submitted_at,
        district=report.district.name,
        state_label=str(report.get_state_display()),
        outcome=outcome_words(report),
        triaged_at=report.triaged_at,
        photo_count=report.photos.count(),
        description=report.description,
    )
