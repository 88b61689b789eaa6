"""The staff pages of the citizens' reports: the triage queue (filters by district and state, Excel
export without the phone), a report's page (map, photos, timeline, the triage steps offered), the
triage steps, the photos (served only to those who see the report). Thin: the selectors read,
scoped; one service writes per step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.citizenreports import selectors
from safecity.citizenreports.filtersets import ReportFilterSet
from safecity.citizenreports.forms import DismissForm, HazardForm, MergeForm
from safecity.citizenreports.geo import outlines_geojson
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.services import triage
from safecity.core.exports import export_response
from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.models import Organisation
from safecity.core.paging import page_of, querystring
from safecity.hazards.models import HiddenHazard


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# The Excel of the queue: the rows the page shows, words not codes, never the reporter's phone.
COLUMNS: list[tuple[Any, Any]] = [
    ("回执编号", lambda r: r.receipt_display),
    ("所在区", lambda r: r.district.name),
    ("具体位置", lambda r: r.place),
    ("纬度", lambda r: str(r.latitude)),
    ("经度", lambda r: str(r.longitude)),
    ("举报内容", lambda r: r.description),
    ("状态", lambda r: str(r.get_state_display())),
    ("举报时间", lambda r: _when(r.submitted_at)),
    ("处理时间", lambda r: _when(r.triaged_at)),
    ("不予受理理由", lambda r: r.dismiss_reason),
]


@guard(selectors.sees_reports)
def report_list(request: HttpRequest) -> HttpResponseBase:
    """The triage queue: the reports within reach, filtered; exportable to Excel (the same rows)."""
    filterset = ReportFilterSet(request.GET, queryset=selectors.report_list(user=request.user))
    rows = filterset.qs
    if request.GET.get("export") == "xlsx":
        return export_response(
            fmt="xlsx", filename="citizen-reports", columns=COLUMNS, objects=filterset.qs.iterator(chunk_size=2000)
        )
    return render(
        request,
        "citizenreports/report_list.html",
        {
            "filter": filterset,
            "page": page_of(request, rows.annotate(photo_count=Count("photos")).order_by("-submitted_at", "-id")),
            "querystring": querystring(request),
        },
    )


def _detail(request: HttpRequest, report: CitizenReport, *, forms: dict[str, Any] | None = None, status: int = 200) -> Any:
    user = request.user
    may_triage = selectors.may_triage(user, report)
    forms = forms or {}
    context: dict[str, Any] = {
        "report": report,
        "phone": report.reporter_phone if selectors.phone_visible(user, report) else "",
        "photos": selectors.report_photos(user=user, report=report),
        "events": selectors.report_events(user=user, report=report),
        "outcome": selectors.outcome_words(report),
        "may_triage": may_triage,
        "point": {"lat": float(report.latitude), "lon": float(report.longitude)},
        "outlines": outlines_geojson(),
    }
    if may_triage:
        hazards = selectors.hazards_near(user=user, report=report)
        organisations = selectors.organisations_near(user=user, report=report)
        context["dismiss_form"] = forms.get("dismiss") or DismissForm()
        context["merge_form"] = forms.get("merge") or MergeForm(hazards=hazards)
        context["hazard_form"] = forms.get("hazard") or HazardForm(
            organisations=organisations, initial={"description": report.description}
        )
    return render(request, "citizenreports/report_detail.html", context, status=status)


@guard(selectors.sees_reports)
def report_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, selectors.report_get(user=request.user, pk=pk))


def _step(request: HttpRequest, pk: int, name: str, form: Any, run: Any) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)
    if not selectors.may_triage(request.user, report):
        if report.state != "received":
            messages.error(request, _("This report has already been triaged."))
            return redirect("citizenreports:detail", pk=report.pk)
        raise PermissionDenied
    if form.is_valid():
        try:
            run(report, form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("citizenreports:detail", pk=report.pk)
    return _detail(request, report, forms={name: form}, status=400)


@require_POST
@guard(selectors.sees_reports)
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponseBase:
    def run(report: CitizenReport, data: dict[str, Any]) -> Any:
        return triage.report_dismiss(actor=request.user, report=report, reason=data["reason"])

    return _step(request, pk, "dismiss", DismissForm(request.POST), run)


@require_POST
@guard(selectors.sees_reports)
def report_merge(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)
    hazards = selectors.hazards_near(user=request.user, report=report)

    def run(report: CitizenReport, data: dict[str, Any]) -> Any:
        hazard = HiddenHazard.objects.filter(pk=data["hazard"]).first()
        if hazard is None:
            raise ValidationError({"hazard": _("This hidden hazard is not within your reach.")})
        return triage.report_merge(actor=request.user, report=report, hazard=hazard)

    return _step(request, pk, "merge", MergeForm(request.POST, hazards=hazards), run)


@require_POST
@guard(selectors.sees_reports)
def report_hazard(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)
    organisations = selectors.organisations_near(user=request.user, report=report)

    def run(report: CitizenReport, data: dict[str, Any]) -> Any:
        organisation = Organisation.objects.select_related("region").filter(pk=data["organisation"]).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Choose the enterprise or place responsible.")})
        return triage.report_to_hazard(
            actor=request.user,
            report=report,
            organisation=organisation,
            hazard_type=data["hazard_type"],
            level=data["level"],
            description=data["description"],
            deadline=data["deadline"],
        )

    return _step(request, pk, "hazard", HazardForm(request.POST, organisations=organisations), run)


@guard(selectors.sees_reports)
def report_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A report's photo (already stripped of its metadata), for those who see the report."""
    photo = selectors.report_photo_get(user=request.user, pk=pk, photo_id=photo_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
