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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safecity.citizenreports import selectors
from safecity.citizenreports.filtersets import ReportFilterSet
from safecity.citizenreports.forms import DismissForm, HazardForm, MergeForm, TriageSearchForm
from safecity.citizenreports.geo import outlines_geojson
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.services import triage
from safecity.core.exports import export_response
from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# The Excel of the queue: the rows the page shows, words not codes, in the reader's language. Never
# the reporter's phone, nor the receipt code: whoever holds the code reads the report's status, so
# it stays with the citizen (a file passed around must not let others follow their report).
COLUMNS: list[tuple[Any, Any]] = [
    (gettext_lazy("District"), lambda r: r.district.name),
    (gettext_lazy("Where exactly"), lambda r: r.place),
    (gettext_lazy("Latitude"), lambda r: str(r.latitude)),
    (gettext_lazy("Longitude"), lambda r: str(r.longitude)),
    (gettext_lazy("What the citizen saw"), lambda r: r.description),
    (gettext_lazy("State"), lambda r: str(r.get_state_display())),
    (gettext_lazy("Reported at"), lambda r: _when(r.submitted_at)),
    (gettext_lazy("Triaged at"), lambda r: _when(r.triaged_at)),
    (gettext_lazy("Why dismissed"), lambda r: r.dismiss_reason),
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
        search = TriageSearchForm(request.GET)
        terms = search.cleaned_data if search.is_valid() else {}
        context["search_form"] = search
        context["dismiss_form"] = forms.get("dismiss") or DismissForm()
        context["merge_form"] = forms.get("merge") or _merge_form(request, report, None, q=terms.get("hazard_q", ""))
        context["hazard_form"] = forms.get("hazard") or _hazard_form(
            request, report, None, q=terms.get("org_q", ""), initial={"description": report.description}
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


def _merge_form(request: HttpRequest, report: CitizenReport, data: Any, *, q: str = "") -> MergeForm:
    """The merge form: any hidden hazard of the district within reach may be chosen; the newest
    (or the search's matches) are offered."""
    user = request.user
    hazards = selectors.hazards_search(user=user, report=report, q=q) if q else selectors.hazards_near(user=user, report=report)
    return MergeForm(data, queryset=selectors.hazards_of_district(user=user, report=report), hazards=hazards)


def _hazard_form(request: HttpRequest, report: CitizenReport, data: Any, *, q: str = "", **kwargs: Any) -> HazardForm:
    """The hazard form: any organisation of the district within reach may be chosen; the nearest
    (or the search's matches) are offered."""
    user = request.user
    organisations = (
        selectors.organisations_search(user=user, report=report, q=q)
        if q
        else selectors.organisations_near(user=user, report=report)
    )
    return HazardForm(
        data, queryset=selectors.organisations_of_district(user=user, report=report), organisations=organisations, **kwargs
    )


@require_POST
@guard(selectors.sees_reports)
def report_merge(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)

    def run(report: CitizenReport, data: dict[str, Any]) -> Any:
        return triage.report_merge(actor=request.user, report=report, hazard=data["hazard"])

    return _step(request, pk, "merge", _merge_form(request, report, request.POST), run)


@require_POST
@guard(selectors.sees_reports)
def report_hazard(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)

    def run(report: CitizenReport, data: dict[str, Any]) -> Any:
        return triage.report_to_hazard(
            actor=request.user,
            report=report,
            organisation=data["organisation"],
            hazard_type=data["hazard_type"],
            level=data["level"],
            description=data["description"],
            deadline=data["deadline"],
        )

    return _step(request, pk, "hazard", _hazard_form(request, report, request.POST), run)


@guard(selectors.sees_reports)
def report_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A report's photo (already stripped of its metadata), for those who see the report."""
    photo = selectors.report_photo_get(user=request.user, pk=pk, photo_id=photo_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
