"""Server-rendered pages of the small and micro enterprise safety services (issue 16): the register
(list, Excel out and in), the service visits (list, a visit's page with its scores, the phone page
to sign it), village supervision (a village's enterprises, visits due and overdue, open hidden
hazards, its monthly rounds; a town's villages) and the providers with the street ranking.
Thin: selectors read, one service writes, refusals land on the form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.guards import guard
from safecity.core.models import Region
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import principal_for, roles_for
from safecity.smallbiz import selectors
from safecity.smallbiz.choices import ScoreBy, VisitState
from safecity.smallbiz.exports import visits_export
from safecity.smallbiz.forms import EnterpriseImportForm, SupervisionRoundForm, VisitScoreForm, VisitSignForm, add_service_errors
from safecity.smallbiz.models import (
    ENGINEER_ROLES,
    ENTERPRISE_ROLES,
    LOCAL_ROLES,
    REGULATOR_ROLES,
    STREET_ROLES,
    VIEW_ROLES,
    Visit,
)
from safecity.smallbiz.services import sheet as sheet_services
from safecity.smallbiz.services import supervision as supervision_services
from safecity.smallbiz.services import visits as visit_services
from safecity.smallbiz.services.common import SmallbizError


def _holds(roles: frozenset[str]) -> Any:
    def check(user: Any) -> bool:
        principal = principal_for(user)
        return principal.is_superuser or bool(principal.roles & roles)

    return check


sees = _holds(VIEW_ROLES)
supervises = _holds(REGULATOR_ROLES | LOCAL_ROLES)
imports = _holds(REGULATOR_ROLES | STREET_ROLES)


def _region(request: HttpRequest) -> Region | None:
    return selectors.region_by_code(user=request.user, code=request.GET.get("region") or "")


@guard(sees)
def enterprise_list(request: HttpRequest) -> HttpResponseBase:
    """The enterprises within reach (by region and name); the same rows exported as the import sheet."""
    filters = {"region": _region(request), "q": request.GET.get("q", "").strip()}
    queryset = selectors.enterprise_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            sheet_services.enterprises_export(queryset=queryset), content_type=sheet_services.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="smallbiz-{timezone.localdate().isoformat()}.xlsx"'
        return response
    return render(
        request,
        "smallbiz/enterprise_list.html",
        {
            "page": page_of(request, queryset),
            "querystring": querystring(request),
            "q": filters["q"],
            "may_import": imports(request.user),
        },
    )


@guard(imports)
def enterprise_import(request: HttpRequest) -> HttpResponse:
    """Upload a street's list: every row registered, or none and every problem with its row and column."""
    posted = request.method == "POST"
    form = EnterpriseImportForm(request.POST if posted else None, request.FILES if posted else None, user=request.user)
    row_errors: list[Any] = []
    made: list[Any] = []
    if posted and form.is_valid():
        try:
            made = sheet_services.enterprises_import(
                actor=request.user, street=form.cleaned_data["street"], file=form.cleaned_data["file"].read()
            )
        except sheet_services.EnterpriseImportError as refused:
            row_errors = refused.errors
        except SmallbizError as error:
            add_service_errors(form, error)
    return render(
        request,
        "smallbiz/enterprise_import.html",
        {"form": form, "made": made, "row_errors": row_errors[:200], "error_count": len(row_errors)},
        status=400 if row_errors else 200,
    )


def _choice(request: HttpRequest, name: str, allowed: Any) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@guard(_holds(REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES))
def visit_list(request: HttpRequest) -> HttpResponseBase:
    """The visits within reach (due, overdue, done...; planned today or this week; an engineer's
    own), sortable by due date or planned visit day; the same rows as an Excel file."""
    status = request.GET.get("status", "")
    planned = _choice(request, "planned", selectors.PLANNED_WHEN)
    sort = _choice(request, "sort", selectors.VISIT_SORTS)
    engineer = _holds(ENGINEER_ROLES)(request.user)
    mine = engineer and request.GET.get("mine") == "1"
    queryset = selectors.visit_list(
        user=request.user,
        filters={"region": _region(request), "status": status, "planned": planned, "mine": mine, "sort": sort},
    )
    if request.GET.get("export") == "xlsx":
        return visits_export(queryset=queryset)
    # The column headers sort; a second click on the same header reverses the order.
    base = querystring(request, drop=("page", "cursor", "sort", "export"))
    sort_links = {key: f"{base}{'&' if base else ''}sort={'-' if sort == key else ''}{key}" for key in ("due", "planned")}
    return render(
        request,
        "smallbiz/visit_list.html",
        {
            "page": page_of(request, queryset),
            "querystring": querystring(request),
            "status": status,
            "planned": planned,
            "mine": mine,
            "sort": sort,
            "sort_links": sort_links,
            "engineer": engineer,
        },
    )


def _visit(request: HttpRequest, pk: int) -> Visit:
    visit = selectors.visit_get(user=request.user, pk=pk)
    if visit is None:
        raise Http404
    return visit


def _score_sides(user: Any, visit: Visit) -> list[str]:
    """The sides the user may score this visit for (the service decides again)."""
    if visit.state != VisitState.DONE:
        return []
    roles = roles_for(user, visit)
    done = selectors.visit_scored_sides(visit=visit)
    sides = {ScoreBy.ENTERPRISE: ENTERPRISE_ROLES, ScoreBy.STREET: STREET_ROLES}
    return [side for side, holders in sides.items() if roles & holders and side not in done]


@guard(sees)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit: when and where it was signed, its checklist, findings (with their hazards), photos and scores."""
    visit = _visit(request, pk)
    sides = _score_sides(request.user, visit)
    form = VisitScoreForm(initial={"by": sides[0]} if sides else None)
    if request.method == "POST" and sides:
        form = VisitScoreForm(request.POST)
        if form.is_valid():
            try:
                visit_services.visit_score(actor=request.user, visit=visit, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: the score is recorded."))
                return redirect("smallbiz:visit-detail", pk=visit.pk)
    return render(
        request,
        "smallbiz/visit_detail.html",
        {
            "visit": visit,
            "findings": selectors.finding_list(user=request.user, visit=visit),
            "photos": selectors.visit_photo_list(user=request.user, visit=visit),
            "scores": selectors.visit_score_list(user=request.user, visit=visit),
            "score_form": form if sides else None,
            "may_sign": visit.state == VisitState.SCHEDULED and bool(roles_for(request.user, visit) & ENGINEER_ROLES),
        },
        status=400 if form.errors else 200,
    )


@guard(_holds(ENGINEER_ROLES))
def visit_sign(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The engineer's phone page: tick the checklist, note the findings, take photos, sign with the
    phone's location (the browser's geolocation fills it in)."""
    # Hidden fields show no errors on the page: the location's refusal goes above the form.
    visit = _visit(request, pk)
    checklist = selectors.visit_checklist(visit.enterprise)
    posted = request.method == "POST"
    form = VisitSignForm(request.POST if posted else None, request.FILES if posted else None, checklist=checklist)
    if posted and form.is_valid():
        try:
            visit_services.visit_sign(
                actor=request.user,
                visit=visit,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                checklist=form.checked(),
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
                findings=form.finding_rows(),
            )
        except ValidationError as error:
            add_service_errors(
                form, error, {"checklist": "ok_items", "description": "findings", "latitude": "location", "longitude": "location"}
            )
        else:
            messages.success(request, _("The visit is signed."))
            return redirect("smallbiz:visit-detail", pk=visit.pk)
    return render(request, "smallbiz/visit_sign.html", {"visit": visit, "form": form}, status=400 if form.errors else 200)


@guard(supervises)
def supervision(request: HttpRequest) -> HttpResponseBase:
    """A village's supervision page (its enterprises, visits due and overdue, open hidden hazards,
    rounds), or, above a village, the villages under the region with their counts."""
    region = _region(request) or selectors.home_region(user=request.user)
    if region is None:
        return render(request, "smallbiz/supervision.html", {"region": None, "villages": []})
    if region.level != "village":
        return render(
            request,
            "smallbiz/supervision.html",
            {"region": region, "villages": selectors.villages_for(user=request.user, region=region)},
        )
    form = SupervisionRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision_services.supervision_round_record(
                actor=request.user, village=region, month=form.cleaned_data["month"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The supervision round is recorded."))
            return redirect(f"{request.path}?region={region.code}")
    overview = selectors.village_overview(user=request.user, village=region)
    return render(
        request,
        "smallbiz/village.html",
        {**overview, "enterprises": overview["enterprises"][:200], "form": form},
        status=400 if form.errors else 200,
    )


@guard(sees)
def provider_list(request: HttpRequest) -> HttpResponse:
    """The providers with their engineers, qualification, visits, on-time rate and score; the streets ranked."""
    return render(
        request,
        "smallbiz/provider_list.html",
        {
            "rows": selectors.provider_performance(user=request.user),
            "streets": selectors.street_ranking(user=request.user),
            "minimum": settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS,
            "may_register": _holds(REGULATOR_ROLES)(request.user),
        },
    )
