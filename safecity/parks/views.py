"""The parks' pages: the district's campaign view (figures per park, a map, Excel), a park's page
(its site plan with the shapes, buildings, tenants with their agreement and inspection state, the
standing findings, trainings), the site plan's upload and drawing, buildings, trainings, the
register's findings. Thin: the selectors read, scoped; one service writes per step."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safecity.core.choices import OrganisationKind
from safecity.core.exports import export_response
from safecity.core.forms import form_submit, show_service_errors
from safecity.core.guards import guard
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import scoped
from safecity.parks import selectors, services
from safecity.parks.choices import AgreementState, ShapeKind
from safecity.parks.forms import BuildingForm, ParkForm, ParkNewForm, ShapeForm, SitePlanForm, TrainingForm
from safecity.parks.models import Park

SHAPE_COLOURS: dict[str, str] = {
    ShapeKind.TENANT_AREA: "#0b5cad",
    ShapeKind.ESCAPE_ROUTE: "#2e7d32",
    ShapeKind.PEDESTRIAN_WAY: "#ef6c00",
    ShapeKind.VEHICLE_WAY: "#6a1b9a",
    ShapeKind.ASSEMBLY_POINT: "#c62828",
}

CAMPAIGN_COLUMNS: list[tuple[Any, Any]] = [
    (gettext_lazy("District"), lambda r: r.district),
    (gettext_lazy("Street / town"), lambda r: r.park.landlord.region.name),
    (gettext_lazy("Park"), lambda r: r.park.name),
    (gettext_lazy("Landlord"), lambda r: r.park.landlord.name),
    (gettext_lazy("Tenants"), lambda r: r.tenants),
    (gettext_lazy("Agreements valid"), lambda r: r.agreements[AgreementState.VALID] + r.agreements[AgreementState.EXPIRING]),
    (gettext_lazy("Of them expiring soon"), lambda r: r.agreements[AgreementState.EXPIRING]),
    (gettext_lazy("Agreements missing"), lambda r: r.agreements[AgreementState.MISSING]),
    (gettext_lazy("Agreements expired"), lambda r: r.agreements[AgreementState.EXPIRED]),
    (gettext_lazy("Inspections overdue"), lambda r: r.overdue),
    (gettext_lazy("Three-in-one"), lambda r: r.three_in_one),
    (gettext_lazy("Major hidden hazards open"), lambda r: r.major_open),
]


@guard(selectors.sees_parks)
def campaign(request: HttpRequest) -> HttpResponseBase:
    """The campaign view: every park in reach with its tenants, agreements by state, inspections
    overdue, three-in-one and major hidden hazards open; a map; the same table in Excel."""
    district = request.GET.get("district", "")
    district = district if district.isdigit() and len(district) == 6 else ""
    view = selectors.campaign(user=request.user, district=district)
    if request.GET.get("export") == "xlsx":
        return export_response(fmt="xlsx", filename="factory-within-a-factory", columns=CAMPAIGN_COLUMNS, objects=view.rows)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")},
        }
        for p in view.points
    ]
    return render(
        request,
        "parks/campaign.html",
        {
            "view": view,
            "points": {"type": "FeatureCollection", "features": features},
            "districts": selectors.campaign_districts(user=request.user),
            "district": district,
            "querystring": querystring(request),
            "may_register": selectors.may_register_park(request.user),
            "states": AgreementState,
        },
    )


def _landlords(user: Any) -> Any:
    return scoped(Organisation, user).filter(kind=OrganisationKind.ENTERPRISE, is_active=True).order_by("name")


@guard(selectors.may_register_park)
def park_new(request: HttpRequest) -> HttpResponseBase:
    form = ParkNewForm(request.POST or None, landlords=_landlords(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        landlord = data.pop("landlord")
        try:
            park = services.park_create(actor=request.user, landlord=landlord, **data)
        except PermissionDenied:
            form.add_error("landlord", _("You may not register a park of this landlord."))
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The park is registered. Upload its site plan and add its tenants."))
            return redirect("parks:park", pk=park.pk)
    return render(request, "parks/park_form.html", {"form": form, "park": None}, status=400 if form.errors else 200)


def _managed(request: HttpRequest, pk: int) -> Park:
    park = selectors.park_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, park):
        raise PermissionDenied
    return park


@guard(selectors.sees_parks)
def park_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    park = _managed(request, pk)
    form = ParkForm(request.POST or None, instance=Park.objects.get(pk=park.pk))
    done = form_submit(
        request,
        form,
        lambda data: services.park_update(actor=request.user, park=park, **data),
        success=_("Saved."),
        to=lambda _result: reverse("parks:park", kwargs={"pk": park.pk}),
    )
    if done is not None:
        return done
    return render(request, "parks/park_form.html", {"form": form, "park": park}, status=400 if form.errors else 200)


def plan_data(user: Any, park: Park) -> dict[str, Any]:
    """The site plan and its shapes for the page's script: sizes in the plan's pixels."""
    return {
        "width": park.site_plan_width,
        "height": park.site_plan_height,
        "shapes": [
            {
                "id": s.pk,
                "kind": s.kind,
                "kind_label": str(s.get_kind_display()),
                "label": s.label or (s.tenant.full_number if s.tenant is not None else ""),
                "points": s.points,
                "colour": SHAPE_COLOURS.get(s.kind, "#0b5cad"),
            }
            for s in selectors.shapes(user=user, park=park).select_related("tenant__park")
        ],
    }


@guard(selectors.sees_parks)
def park_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    park = selectors.park_get(user=user, pk=pk)
    tenants = list(selectors.tenant_list(user=user).filter(park=park, left_on__isnull=True).order_by("unified_number"))
    status = selectors.statuses(tenants)
    left = selectors.tenant_list(user=user).filter(park=park, left_on__isnull=False).order_by("-left_on")
    findings = list(selectors.findings(user=user, park=park))
    return render(
        request,
        "parks/park_detail.html",
        {
            "park": park,
            "may_manage": selectors.may_manage(user, park),
            "tenants": [(t, status[t.pk]) for t in tenants],
            "left": left,
            "buildings": selectors.buildings(user=user, park=park),
            "findings": findings,
            "linked": selectors.hazards_visible(user=user, hazard_ids=[f.hazard_id for f in findings]),
            "trainings": selectors.trainings(user=user, park=park)[:10],
            "plan": json.dumps(plan_data(user, park)) if park.site_plan else "",
            "legend": [(ShapeKind(k).label, c) for k, c in SHAPE_COLOURS.items()],
            "states": AgreementState,
        },
    )


@guard(selectors.sees_parks)
def site_plan_image(request: HttpRequest, pk: int) -> FileResponse:
    """The park's site plan, for those who see the park."""
    park = selectors.park_get(user=request.user, pk=pk)
    if not park.site_plan:
        raise Http404
    response = FileResponse(park.site_plan.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    return response


@guard(selectors.sees_parks)
def site_plan(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Upload the site plan (an image or a PDF page) and draw on it: tenant areas, escape routes,
    pedestrian and vehicle ways, assembly points."""
    park = _managed(request, pk)
    tenants = selectors.tenant_list(user=request.user).filter(park=park, left_on__isnull=True).order_by("unified_number")
    upload = SitePlanForm()
    shape = ShapeForm(tenants=tenants)
    status = 200
    if request.method == "POST" and request.POST.get("step") == "upload":
        upload = SitePlanForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                services.site_plan_upload(
                    actor=request.user, park=park, file=upload.cleaned_data["file"], page=upload.cleaned_data.get("page") or 1
                )
            except ValidationError as error:
                show_service_errors(upload, error, aliases={"site_plan": "file"})
            else:
                messages.success(request, _("The site plan is uploaded."))
                return redirect("parks:site_plan", pk=park.pk)
        status = 400
    elif request.method == "POST":
        shape = ShapeForm(request.POST, tenants=tenants)
        if shape.is_valid():
            data = shape.cleaned_data
            try:
                services.shape_add(
                    actor=request.user,
                    park=park,
                    kind=data["kind"],
                    points=data["points"],
                    label=data["label"],
                    tenant=data["tenant"],
                )
            except ValidationError as error:
                show_service_errors(shape, error)
            else:
                messages.success(request, _("The shape is drawn on the plan."))
                return redirect("parks:site_plan", pk=park.pk)
        status = 400
    park.refresh_from_db()
    return render(
        request,
        "parks/site_plan.html",
        {
            "park": park,
            "upload_form": upload,
            "shape_form": shape,
            "shapes": selectors.shapes(user=request.user, park=park),
            "plan": json.dumps(plan_data(request.user, park)) if park.site_plan else "",
            "legend": [(ShapeKind(k).label, c) for k, c in SHAPE_COLOURS.items()],
        },
        status=status,
    )


@require_POST
@guard(selectors.sees_parks)
def shape_delete(request: HttpRequest, pk: int, shape_id: int) -> HttpResponseBase:
    park = _managed(request, pk)
    key = id_or_none(shape_id)
    shape = selectors.shapes(user=request.user, park=park).filter(pk=key).first() if key is not None else None
    if shape is None:
        raise Http404
    services.shape_delete(actor=request.user, shape=shape)
    messages.success(request, _("The shape is removed from the plan."))
    return redirect("parks:site_plan", pk=park.pk)


@guard(selectors.sees_parks)
def building_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    park = _managed(request, pk)
    form = BuildingForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.building_save(actor=request.user, park=park, **data),
        success=_("The building is added."),
        to=lambda _result: reverse("parks:park", kwargs={"pk": park.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {"form": form, "park": park, "title": _("Add a building")},
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def training_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Record a training or drill with each tenant's attendance."""
    park = _managed(request, pk)
    tenants = list(selectors.tenant_list(user=request.user).filter(park=park, left_on__isnull=True).order_by("unified_number"))
    form = TrainingForm(request.POST or None, tenants=tenants)
    done = form_submit(
        request,
        form,
        lambda data: services.training_record(
            actor=request.user,
            park=park,
            kind=data["kind"],
            held_on=data["held_on"],
            topic=data["topic"],
            hours=data["hours"],
            note=data["note"],
            attendance=form.attendance(),
        ),
        success=_("The training is recorded."),
        to=lambda _result: reverse("parks:park", kwargs={"pk": park.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {"form": form, "park": park, "title": _("Record a training or drill")},
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def finding_list(request: HttpRequest) -> HttpResponseBase:
    """The register's findings: the hidden hazards it raised by itself, standing or (``?all=1``) all."""
    every = request.GET.get("all") == "1"
    rows = selectors.findings(user=request.user, standing=not every).order_by("-raised_on", "-id")
    page = page_of(request, rows)
    linked = selectors.hazards_visible(user=request.user, hazard_ids=[f.hazard_id for f in page.object_list])
    return render(
        request, "parks/finding_list.html", {"page": page, "linked": linked, "every": every, "querystring": querystring(request)}
    )
