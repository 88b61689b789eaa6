"""Server-rendered UI of the cylinders app: registry, cylinder page with timeline and step forms,
the station's "scan before filling" gate, the inspection station's page, QR label sheets, and the
public page by code. Thin: selectors read, services write, refusals are shown to the user."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.choices import OrganisationKind
from safecity.core.forms import show_service_errors
from safecity.core.guards import guard as _guard
from safecity.core.models import Organisation
from safecity.core.paging import keyset_page_of, page_of, querystring
from safecity.core.scoping import principal_for, roles_for, scoped
from safecity.cylinders import forms, selectors, services
from safecity.cylinders.choices import EventKind
from safecity.cylinders.cockpit import STATE_COLOURS
from safecity.cylinders.models import REGULATOR_ROLES, Cylinder, CylinderEvent
from safecity.cylinders.rules import PrefillCheck
from safecity.cylinders.transitions import FILLING_UNIT_STEPS, allowed_kinds


def public_base_url(request: HttpRequest) -> str:
    """Where citizens reach the site: ``SAFECITY_PUBLIC_BASE_URL`` when set (a QR label must not carry
    whatever host the printing user happened to use), else the request's own host."""
    return getattr(settings, "SAFECITY_PUBLIC_BASE_URL", "") or request.build_absolute_uri("/")


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@_guard(selectors.sees_registry)
def cylinder_list(request: HttpRequest) -> HttpResponse:
    """The registry the user may see, with filters and a chart of cylinders by status."""
    form = forms.ListFilterForm(request.GET or None)
    filters: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    filters["owner"] = request.GET.get("owner", "")
    page = page_of(request, selectors.cylinder_list(user=request.user, filters=filters))
    context: dict[str, Any] = {"page": page, "querystring": querystring(request), "form": form}
    if _is_htmx(request):
        return render(request, "cylinders/cylinder_table.html", context)
    counts = [c for c in selectors.status_counts(user=request.user) if c[2]]
    context.update(
        chart=json.dumps(
            {
                "labels": [label for _v, label, _n in counts],
                "values": [n for _v, _l, n in counts],
                "colours": [STATE_COLOURS[v] for v, _l, _n in counts],  # type: ignore[index]
            },
            ensure_ascii=False,
        ),
        owners=selectors.owner_choices(user=request.user),
        owner=filters["owner"],
        may_register=_may_register(request.user),
    )
    return render(request, "cylinders/cylinder_list.html", context)


def _step_allowed(user: Any, cylinder: Cylinder, kind: str) -> bool:
    principal = principal_for(user)
    if principal.is_superuser:
        return kind != EventKind.FILLING
    if kind in FILLING_UNIT_STEPS:
        return kind != EventKind.FILLING and "filling_station_operator" in roles_for(user, cylinder)
    station = "inspection_station_operator" in principal.roles
    if kind in (EventKind.INSPECTION, EventKind.REPAIR):
        return station
    if kind == EventKind.SCRAPPING:
        return station or bool(roles_for(user, cylinder) & REGULATOR_ROLES)
    return False


@_guard(selectors.sees_cylinders)
def cylinder_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A cylinder's facts, its timeline and the steps the user may record next.

    Inspection stations reach any cylinder by its exact code, with the public history only."""
    cylinder, full = selectors.cylinder_scan(user=request.user, code=code)
    steps = [
        (kind, EventKind(kind).label, forms.STEP_FORMS[kind]())
        for kind in allowed_kinds(cylinder.state)
        if kind in forms.STEP_FORMS and _step_allowed(request.user, cylinder, kind)
    ]
    return render(
        request,
        "cylinders/cylinder_detail.html",
        {
            "cylinder": cylinder,
            "full": full,
            "events": selectors.event_list(cylinder=cylinder),
            "attempts": cylinder.fill_attempts.select_related("station")[:20] if full else [],
            "steps": steps,
            "can_fill": full and "filling_station_operator" in roles_for(request.user, cylinder),
            "public_url": public_base_url(request).rstrip("/") + reverse("cylinders:public", args=[cylinder.code]),
        },
    )


STEP_SERVICES: dict[str, Callable[..., Any]] = {
    "dispatch": services.cylinder_dispatch,
    "delivery": services.cylinder_deliver,
    "return": services.cylinder_return,
    "inspection": services.cylinder_inspect,
    "repair": services.cylinder_repair,
    "scrapping": services.cylinder_scrap,
}


@_guard(selectors.sees_cylinders)
@require_POST
def cylinder_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    cylinder, _full = selectors.cylinder_scan(user=request.user, code=code)
    if step not in STEP_SERVICES:
        raise PermissionDenied
    form = forms.STEP_FORMS[step](request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("cylinders:detail", code=cylinder.code)
    data = dict(form.cleaned_data)
    if step == "inspection":
        data["defects"] = [line for line in data.get("defects", "").splitlines() if line.strip()]
    if step == "return" and data.get("residual_kg") is None:
        data.pop("residual_kg", None)
    try:
        STEP_SERVICES[step](actor=request.user, code=cylinder.code, **data)
        messages.success(request, _("Recorded and appended to the ledger: %(step)s.") % {"step": EventKind(step).label})
    except ValidationError as error:
        _errors(request, error)
    return redirect("cylinders:detail", code=cylinder.code)


@_guard(selectors.is_filling_operator)
def gate(request: HttpRequest) -> HttpResponse:
    """Scan before filling: the answer is ALLOW (with the fill form) or REFUSE with every reason."""
    context: dict[str, Any] = {"form": forms.ScanForm()}
    if request.method == "POST":
        form = forms.ScanForm(request.POST)
        context["form"] = form
        if form.is_valid():
            try:
                attempt = services.cylinder_fill_check(actor=request.user, code=form.cleaned_data["code"])
                context["attempt"] = attempt
                if attempt.allowed:
                    context["fill_form"] = forms.FillForm(initial={"code": attempt.code})
            except ValidationError as error:
                _errors(request, error)
    template = "cylinders/gate_result.html" if _is_htmx(request) and request.method == "POST" else "cylinders/gate.html"
    return render(request, template, context)


@_guard(selectors.is_filling_operator)
@require_POST
def fill(request: HttpRequest) -> HttpResponse:
    form = forms.FillForm(request.POST)
    context: dict[str, Any] = {"form": forms.ScanForm()}
    if not form.is_valid():
        context["fill_form"] = form
    else:
        data = form.cleaned_data
        try:
            event = services.cylinder_fill(
                actor=request.user,
                code=data["code"],
                net_kg=data["net_kg"],
                pre_check=PrefillCheck(
                    marks_legible=data["marks_legible"],
                    accessories_ok=data["accessories_ok"],
                    appearance_ok=data["appearance_ok"],
                ),
                leak_free=data["leak_free"],
                idempotency_key=data["idempotency_key"],
            )
            context["filled"] = event
        except services.CylinderError as error:
            if error.error_code == "duplicate":
                # The same submission again (a double click, a resent form): nothing is wrong.
                context["duplicate"] = error
                if error.existing_event_id is not None:
                    existing = (
                        scoped(CylinderEvent, request.user).select_related("cylinder").filter(pk=error.existing_event_id).first()
                    )
                    if existing is not None:
                        context["duplicate_event"] = existing
                        context["duplicate_url"] = (
                            reverse("cylinders:detail", args=[existing.cylinder.code]) + f"#event-{existing.pk}"
                        )
            else:
                context["refused"] = error
                context["attempt_refused"] = error.attempt
                if error.error_code != "refused":
                    context["error"] = " ".join(error.messages)
        except ValidationError as error:
            context["fill_form"] = form
            context["error"] = " ".join(error.messages)
    template = "cylinders/gate_result.html" if _is_htmx(request) else "cylinders/gate.html"
    return render(request, template, context)


@_guard(selectors.sees_registry)
def attempt_list(request: HttpRequest) -> HttpResponse:
    allowed = {"1": True, "0": False}.get(request.GET.get("allowed", ""))
    # Keyset pages: the station's fill attempts grow by the thousand a day.
    page = keyset_page_of(request, selectors.fill_attempt_list(user=request.user, allowed=allowed))
    return render(request, "cylinders/attempt_list.html", {"page": page, "querystring": querystring(request)})


@_guard(selectors.is_inspection_station)
def inspection(request: HttpRequest) -> HttpResponse:
    """The inspection station: scan a presented cylinder, then record inspection, repair, scrapping."""
    form = forms.ScanForm(request.GET or None)
    if form.is_valid():
        return redirect("cylinders:detail", code=form.cleaned_data["code"].strip())
    page = keyset_page_of(request, selectors.station_inspection_list(user=request.user), default=25)
    return render(request, "cylinders/inspection.html", {"form": form, "page": page, "querystring": querystring(request)})


def _may_register(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | {"filling_station_operator"}))


def _owners(user: Any) -> Any:
    principal = principal_for(user)
    units = Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT)
    if principal.is_superuser or principal.roles & REGULATOR_ROLES:
        return scoped(units, user)
    return units.filter(pk__in=[g.organisation_id for g in principal.grants if g.role == "filling_station_operator"])


@_guard(_may_register)
def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterForm(request.POST or None, owners=_owners(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            cylinder = services.cylinder_register(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Cylinder %(code)s registered.") % {"code": cylinder.code})
            return redirect("cylinders:detail", code=cylinder.code)
        except ValidationError as error:
            show_service_errors(form, error)
    return render(request, "cylinders/register.html", {"form": form})


@_guard(selectors.sees_registry)
def labels(request: HttpRequest) -> HttpResponse:
    """A printable A4 sheet of QR labels for the filtered registry (at most 120 labels)."""
    from safecity.cylinders.labels import LABEL_LIMIT, label_sheet_pdf

    form = forms.ListFilterForm(request.GET or None)
    filters: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    filters["owner"] = request.GET.get("owner", "")
    cylinders = list(selectors.cylinder_list(user=request.user, filters=filters)[:LABEL_LIMIT])
    pdf = label_sheet_pdf(cylinders=cylinders, base_url=public_base_url(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="cylinder-labels.pdf"'
    return response


# The national hotline of the market supervision administration (complaints and reports), which
# supervises gas cylinders as special equipment.
MARKET_SUPERVISION_HOTLINE = "12315"


def public(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a cylinder (no login): its history as signed, each with a ledger proof.

    An unknown code gets a page of its own (status 404): the citizen reads plainly that this
    cylinder is not registered, may be a fake, must not be used, and where to report it."""
    try:
        cylinder, events = selectors.public_history(code=code)
    except Http404:
        return render(
            request,
            "cylinders/public_unknown.html",
            {"code": (code or "").strip()[:64], "hotline": MARKET_SUPERVISION_HOTLINE},
            status=404,
        )
    refusals = selectors.public_refusals(code=cylinder.code)
    return render(request, "cylinders/public.html", {"cylinder": cylinder, "events": events, "refusals": refusals})
