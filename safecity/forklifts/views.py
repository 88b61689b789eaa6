"""Server-rendered UI of the forklift platform: the fleet registry (list, export, a truck's page
with its steps), plants with their map. Thin: selectors read, services write. Drivers, checks,
safety people and the regulator's overview are in ``views_people.py``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.exports import export_response
from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.paging import keyset_page_of, querystring
from safecity.core.scoping import CHANGE, can, roles_for, scoped
from safecity.forklifts import forms, selectors, services
from safecity.forklifts.choices import ForkliftAction, ForkliftStatus, InspectionStatus, RegistrationStatus
from safecity.forklifts.filtersets import ForkliftFilterSet
from safecity.forklifts.models import Plant
from safecity.forklifts.transitions import offered
from safecity.telemetry.selectors import may_register_for, sees_telemetry

View = Callable[..., HttpResponseBase]


def show_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def may_write(user: Any) -> bool:
    return selectors.enterprises_for(user).exists()


def _yes(value: bool) -> str:
    return str(_("Yes") if value else _("No"))


FORKLIFT_COLUMNS: list[tuple[Any, Callable[[Any], Any]]] = [
    (_("In-plant number"), lambda f: f.number),
    (_("User enterprise"), lambda f: f.organisation.name),
    (_("Region"), lambda f: f.organisation.region.name),
    (_("Plant"), lambda f: f.plant.name),
    (_("Vehicle type"), lambda f: f.get_vehicle_type_display()),
    (_("Manufacturer"), lambda f: f.manufacturer),
    (_("Model"), lambda f: f.model_name),
    (_("Product number"), lambda f: f.product_number),
    (_("Rated load (kg)"), lambda f: f.rated_load_kg),
    (_("Manufacture date"), lambda f: f.manufactured_on),
    (_("First used on"), lambda f: f.first_used_on),
    (_("Use registration certificate number"), lambda f: f.registration_number),
    (_("Registered on"), lambda f: f.registered_on),
    (_("Use registration"), lambda f: str(RegistrationStatus(f.registration_status()).label)),
    (_("Last periodic inspection"), lambda f: f.last_inspected_on),
    (_("Next periodic inspection"), lambda f: f.next_inspection_on),
    (_("Periodic inspection"), lambda f: str(InspectionStatus(f.inspection_status()).label)),
    (_("Status"), lambda f: f.get_status_display()),
    (_("Safety officer"), lambda f: f.safety_officer.name if f.safety_officer else ""),
    (_("Monitoring device required"), lambda f: _yes(f.needs_monitoring_device)),
]


@guard(selectors.sees_forklifts)
def forklift_list(request: HttpRequest) -> HttpResponseBase:
    """The fleet registry within reach, filtered; exportable to Excel or CSV (the same rows)."""
    filterset = ForkliftFilterSet(request.GET, queryset=selectors.forklift_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in FORKLIFT_COLUMNS]
        return export_response(fmt=fmt, filename="forklifts", columns=columns, objects=filterset.qs.iterator(chunk_size=2000))
    page = keyset_page_of(request, filterset.qs)
    return render(
        request,
        "forklifts/forklift_list.html",
        {"filter": filterset, "page": page, "querystring": querystring(request), "may_add": may_write(request.user)},
    )


@guard(may_write)
def forklift_add(request: HttpRequest) -> HttpResponseBase:
    organisations = selectors.enterprises_for(request.user)
    plants = scoped(Plant, request.user, CHANGE).filter(organisation__in=organisations).select_related("organisation")
    form = forms.ForkliftForm(request.POST or None, organisations=organisations, plants=plants)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["registration_number"] = data.get("registration_number") or ""
        try:
            truck = services.forklift_add(actor=request.user, **data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Forklift %(number)s added to the registry.") % {"number": truck.number})
            return redirect("forklifts:detail", pk=truck.pk)
    return render(request, "forklifts/forklift_form.html", {"form": form})


@guard(selectors.sees_forklifts)
def forklift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A truck's facts and compliance, the steps the user may take next, inspections, timeline."""
    truck = selectors.forklift_get(user=request.user, pk=pk)
    roles = roles_for(request.user, truck)
    may_change = can(request.user, truck, CHANGE)
    active = truck.status != ForkliftStatus.SCRAPPED
    return render(
        request,
        "forklifts/forklift_detail.html",
        {
            "truck": truck,
            "inspection_status": truck.inspection_status(),
            "registration_status": truck.registration_status(),
            "actions": [(t.action, ForkliftAction(t.action).label) for t in offered(truck, roles)],
            "action_form": forms.ActionForm(initial={"expected": truck.status}),
            "register_form": forms.RegisterUseForm() if may_change and active and not truck.registration_number else None,
            "inspection_form": forms.InspectionForm() if may_change and active else None,
            "officer_form": forms.OfficerForm(people=selectors.officer_choices(organisation=truck.organisation))
            if may_change and active
            else None,
            "inspections": selectors.forklift_inspections(forklift=truck),
            "timeline": selectors.forklift_timeline(forklift=truck),
            "may_fit_device": may_change and active and may_register_for(user=request.user, organisation=truck.organisation),
            "sees_device": truck.device_id is not None and sees_telemetry(request.user),
        },
    )


@guard(selectors.sees_forklifts)
@require_POST
def forklift_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    truck = selectors.forklift_get(user=request.user, pk=pk)
    if action not in ForkliftAction.values:
        raise Http404
    form = forms.ActionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data if form.is_valid() else {}
    try:
        services.forklift_transition(
            actor=request.user,
            forklift=truck,
            action=action,
            comment=data.get("comment", ""),
            expected=data.get("expected") or None,
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("forklifts:detail", pk=pk)


def _post_step(
    request: HttpRequest, pk: int, form_class: type[forms.forms.Form], call: Callable[..., Any], **extra: Any
) -> HttpResponse:
    truck = selectors.forklift_get(user=request.user, pk=pk)
    form = form_class(request.POST, **extra) if extra else form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("forklifts:detail", pk=pk)
    try:
        call(actor=request.user, forklift=truck, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("forklifts:detail", pk=pk)


@guard(selectors.sees_forklifts)
@require_POST
def forklift_register_use(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(request, pk, forms.RegisterUseForm, services.forklift_register_use)


@guard(selectors.sees_forklifts)
@require_POST
def forklift_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_step(request, pk, forms.InspectionForm, services.forklift_inspection_record)


@guard(selectors.sees_forklifts)
@require_POST
def forklift_officer(request: HttpRequest, pk: int) -> HttpResponse:
    truck = selectors.forklift_get(user=request.user, pk=pk)
    people = selectors.officer_choices(organisation=truck.organisation)
    return _post_step(request, pk, forms.OfficerForm, services.forklift_officer_assign, people=people)


@guard(selectors.sees_forklifts)
def plant_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forklifts/plant_list.html",
        {"plants": selectors.plant_list(user=request.user), "may_add": may_write(request.user)},
    )


@guard(may_write)
def plant_add(request: HttpRequest) -> HttpResponseBase:
    """Add a plant: its bounds and site plan; its zones are drawn on its page next."""
    form = forms.PlantForm(request.POST or None, request.FILES or None, organisations=selectors.enterprises_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plant = services.plant_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Plant %(name)s added: now draw its zones on the map.") % {"name": plant.name})
            return redirect("forklifts:plant-detail", pk=plant.pk)
    return render(request, "forklifts/plant_form.html", {"form": form})


@guard(selectors.sees_forklifts)
def plant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plant's map: its site plan as an image overlay and its zones with their speed limits; who
    may change the plant adds a zone by clicking its corners on the map."""
    plant = selectors.plant_get(user=request.user, pk=pk)
    may_change = can(request.user, plant, CHANGE)
    zone_form = forms.ZoneForm(request.POST or None) if may_change else None
    if request.method == "POST":
        if zone_form is None:
            raise PermissionDenied
        if zone_form.is_valid():
            data = zone_form.cleaned_data
            try:
                zone = services.plant_zone_add(
                    actor=request.user,
                    plant=plant,
                    name=data["name"],
                    kind=data["kind"],
                    polygon=data["points"],
                    speed_limit_kmh=data.get("speed_limit_kmh"),
                )
            except ValidationError as error:
                show_service_errors(zone_form, error, aliases={"polygon": "points"})
            else:
                messages.success(request, _("Zone %(name)s added: the trucks' rules follow it.") % {"name": zone.name})
                return redirect("forklifts:plant-detail", pk=plant.pk)
    trucks = selectors.forklift_list(user=request.user).filter(plant=plant).exclude(status=ForkliftStatus.SCRAPPED)
    return render(
        request,
        "forklifts/plant_detail.html",
        {
            "plant": plant,
            "zones": selectors.plant_zones(plant=plant),
            "map": json.dumps(selectors.plant_map(plant=plant), ensure_ascii=False),
            "zone_form": zone_form,
            "trucks": trucks,
        },
    )


@guard(selectors.sees_forklifts)
def plant_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The site plan image, only to those who may see the plant. An SVG is served sandboxed
    (nothing in it runs) and never sniffed as something else."""
    plant = selectors.plant_get(user=request.user, pk=pk)
    if not plant.site_plan:
        raise Http404
    name = plant.site_plan.name.lower()
    content_type = "image/svg+xml" if name.endswith(".svg") else "image/jpeg" if name.endswith((".jpg", ".jpeg")) else "image/png"
    with plant.site_plan.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
