"""The tenants' pages: the tenant list (search, filters, Excel), a tenant's page (record, agreements,
inspections, trainings attended, findings), registering and correcting a tenant, its leaving,
the Excel import of a park's list, the agreements, the landlord's inspections with the checklist,
the nameplates with the QR code to the tenant's public safety notice."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.exports import export_response
from safecity.core.forms import form_submit, show_service_errors
from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.cylinders.views import public_base_url
from safecity.parks import selectors, services
from safecity.parks.choices import AgreementState
from safecity.parks.forms import (
    WITHOUT_VALID,
    AgreementForm,
    ImportForm,
    InspectionForm,
    LeaveForm,
    TenantForm,
    TenantNewForm,
    TenantSearchForm,
)
from safecity.parks.models import Park, Tenant
from safecity.parks.rules import checklist
from safecity.parks.services.sheet import XLSX_CONTENT_TYPE

TENANT_COLUMNS: list[tuple[Any, Any]] = [
    (gettext_lazy("Park"), lambda r: r[0].park.name),
    (gettext_lazy("Unified number"), lambda r: r[0].full_number),
    (gettext_lazy("Tenant enterprise"), lambda r: r[0].organisation.name),
    (gettext_lazy("Unified social credit code"), lambda r: r[0].organisation.credit_code),
    (gettext_lazy("Business scope"), lambda r: r[0].business_scope),
    (gettext_lazy("Workers"), lambda r: r[0].workers),
    (gettext_lazy("Dangerous processes"), lambda r: r[0].dangerous_processes),
    (gettext_lazy("Agreement"), lambda r: str(r[1].agreement.label) if r[1] else ""),
    (gettext_lazy("Agreement valid until"), lambda r: r[1].agreement_until.isoformat() if r[1] and r[1].agreement_until else ""),
    (gettext_lazy("Last inspected on"), lambda r: r[1].last_inspected_on.isoformat() if r[1] and r[1].last_inspected_on else ""),
    (gettext_lazy("Inspection overdue"), lambda r: _("Yes") if r[1] and r[1].inspection_overdue else ""),
    (gettext_lazy("Three-in-one"), lambda r: _("Yes") if r[1] and r[1].three_in_one else ""),
    (gettext_lazy("Moved in on"), lambda r: r[0].entered_on.isoformat()),
    (gettext_lazy("Left on"), lambda r: r[0].left_on.isoformat() if r[0].left_on else ""),
]


def _managed_park(request: HttpRequest, pk: int) -> Park:
    park = selectors.park_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, park):
        raise PermissionDenied
    return park


def _managed_tenant(request: HttpRequest, pk: int) -> Tenant:
    tenant = selectors.tenant_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, tenant.park):
        raise PermissionDenied
    return tenant


@guard(selectors.sees_parks)
def tenant_list(request: HttpRequest) -> HttpResponseBase:
    """The tenants within reach (a tenant's people: their own record), with their agreement state;
    the same rows in Excel."""
    user = request.user
    form = TenantSearchForm(request.GET or None, parks=selectors.park_list(user=user))
    rows = selectors.tenant_list(user=user)
    terms = form.cleaned_data if form.is_valid() else {}
    if not terms.get("left"):
        rows = rows.filter(left_on__isnull=True)
    if terms.get("park"):
        rows = rows.filter(park=terms["park"])
    if q := (terms.get("q") or "").strip():
        rows = rows.filter(
            Q(organisation__name__icontains=q) | Q(unified_number__icontains=q) | Q(organisation__credit_code__icontains=q)
        )
    rows = rows.order_by("park__name", "unified_number", "id")
    wanted = terms.get("agreement") or ""
    if wanted or request.GET.get("export") == "xlsx":
        every = list(rows)
        status = selectors.statuses(every)
        states: set[str] = {AgreementState.MISSING, AgreementState.EXPIRED} if wanted == WITHOUT_VALID else {wanted}
        pairs = [(t, status[t.pk]) for t in every if not wanted or status[t.pk].agreement in states]
        if request.GET.get("export") == "xlsx":
            return export_response(fmt="xlsx", filename="tenants", columns=TENANT_COLUMNS, objects=pairs)
        page = page_of(request, pairs)
    else:
        page = page_of(request, rows)
        status = selectors.statuses(list(page.object_list))
        page.object_list = [(t, status[t.pk]) for t in page.object_list]
    return render(
        request,
        "parks/tenant_list.html",
        {"form": form, "page": page, "querystring": querystring(request), "states": AgreementState},
    )


@guard(selectors.sees_parks)
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    tenant = selectors.tenant_get(user=user, pk=pk)
    findings = list(selectors.findings(user=user, standing=False).filter(tenant=tenant))
    return render(
        request,
        "parks/tenant_detail.html",
        {
            "tenant": tenant,
            "status": selectors.statuses([tenant])[tenant.pk],
            "may_manage": selectors.may_manage(user, tenant.park),
            "agreements": selectors.agreements(user=user, tenant=tenant),
            "inspections": selectors.inspections(user=user, tenant=tenant)[:20],
            "attendance": selectors.training_attendance(user=user, tenant=tenant)[:20],
            "findings": findings,
            "linked": selectors.hazards_visible(user=user, hazard_ids=[f.hazard_id for f in findings]),
            "notice_url": notice_url(request, tenant),
            "states": AgreementState,
        },
    )


@guard(selectors.sees_parks)
def tenant_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    park = _managed_park(request, pk)
    form = TenantNewForm(request.POST or None, park=park)
    done = form_submit(
        request,
        form,
        lambda data: services.tenant_register(actor=request.user, park=park, **data),
        success=_("The tenant is registered. Record its safety-management agreement next."),
        to=lambda tenant: reverse("parks:tenant", kwargs={"pk": tenant.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {"form": form, "park": park, "title": _("Register a tenant")},
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    tenant = _managed_tenant(request, pk)
    form = TenantForm(request.POST or None, instance=Tenant.objects.get(pk=tenant.pk), park=tenant.park)
    done = form_submit(
        request,
        form,
        lambda data: services.tenant_update(actor=request.user, tenant=tenant, **data),
        success=_("Saved."),
        to=lambda _result: reverse("parks:tenant", kwargs={"pk": tenant.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {"form": form, "park": tenant.park, "tenant": tenant, "title": _("Correct the tenant's record")},
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def tenant_leave(request: HttpRequest, pk: int) -> HttpResponseBase:
    tenant = _managed_tenant(request, pk)
    form = LeaveForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.tenant_leave(actor=request.user, tenant=tenant, left_on=data["left_on"], reason=data["reason"]),
        success=_("The tenant has left the park; its record is kept."),
        to=lambda _result: reverse("parks:tenant", kwargs={"pk": tenant.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {"form": form, "park": tenant.park, "tenant": tenant, "title": _("The tenant leaves the park")},
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def tenants_import(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Import a park's tenant list (Excel): all rows or none, with the table of problems."""
    park = _managed_park(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            made = services.tenants_import(actor=request.user, park=park, file=form.cleaned_data["file"])
        except services.TenantImportError as error:
            problems = error.errors
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("%(n)d tenants imported.") % {"n": len(made)})
            return redirect("parks:park", pk=park.pk)
    return render(
        request,
        "parks/tenants_import.html",
        {"form": form, "park": park, "problems": problems, "columns": services.sheet.COLUMNS},
        status=400 if (problems or form.errors) else 200,
    )


@guard(selectors.sees_parks)
def tenants_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The park's tenants in the import's columns (an export re-imports)."""
    park = selectors.park_get(user=request.user, pk=pk)
    tenants = list(selectors.tenant_list(user=request.user).filter(park=park, left_on__isnull=True).order_by("unified_number"))
    response = HttpResponse(services.tenants_workbook(tenants), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tenants-{park.pk}.xlsx"'
    return response


def notice_url(request: HttpRequest, tenant: Tenant) -> str:
    """The public notice's address as citizens reach it: under ``SAFECITY_PUBLIC_BASE_URL`` when set
    (a printed QR code must not carry whatever host the printing user happened to use)."""
    return urljoin(public_base_url(request), reverse("parks:notice", args=[tenant.notice_token]).lstrip("/"))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111111")


@guard(selectors.sees_parks)
def nameplate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The tenant's nameplate to print: the park's unified number, the name, the credit code and a QR
    code to the tenant's public safety notice."""
    tenant = selectors.tenant_get(user=request.user, pk=pk)
    if tenant.left_on is not None:
        raise Http404
    url = notice_url(request, tenant)
    return render(request, "parks/nameplates.html", {"park": tenant.park, "plates": [(tenant, mark_safe(_qr_svg(url)), url)]})  # noqa: S308 - segno's SVG


@guard(selectors.sees_parks)
def nameplates(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every nameplate of the park's tenants on one page, to print."""
    park = _managed_park(request, pk)
    plates = []
    for tenant in selectors.tenant_list(user=request.user).filter(park=park, left_on__isnull=True).order_by("unified_number"):
        url = notice_url(request, tenant)
        plates.append((tenant, mark_safe(_qr_svg(url)), url))  # noqa: S308 - segno's SVG
    return render(request, "parks/nameplates.html", {"park": park, "plates": plates})


@guard(selectors.sees_parks)
def agreement_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    tenant = _managed_tenant(request, pk)
    form = AgreementForm(request.POST or None, request.FILES or None)
    done = form_submit(
        request,
        form,
        lambda data: services.agreement_record(actor=request.user, tenant=tenant, **data),
        success=_("The agreement is recorded."),
        to=lambda _result: reverse("parks:tenant", kwargs={"pk": tenant.pk}),
    )
    if done is not None:
        return done
    return render(
        request,
        "parks/simple_form.html",
        {
            "form": form,
            "park": tenant.park,
            "tenant": tenant,
            "title": _("Record a safety-management agreement"),
            "multipart": True,
        },
        status=400 if form.errors else 200,
    )


@guard(selectors.sees_parks)
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if not agreement.document:
        raise Http404
    name = agreement.document.name.rsplit("/", 1)[-1]
    return FileResponse(agreement.document.open("rb"), as_attachment=True, filename=name)


@guard(selectors.sees_parks)
def inspection_new(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The landlord's inspection of a tenant with the checklist; each failed item becomes a hidden
    hazard of the tenant."""
    tenant = _managed_tenant(request, pk)
    form = InspectionForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.inspection_record(
            actor=request.user,
            tenant=tenant,
            inspected_on=data["inspected_on"],
            results=form.results(),
            inspector_name=data["inspector_name"],
            note=data["note"],
        ),
        success=lambda inspection: (
            _("The inspection is recorded; %(n)d findings were reported as hidden hazards.") % {"n": inspection.failed}
        ),
        to=lambda inspection: reverse("parks:inspection", kwargs={"pk": inspection.pk}),
    )
    if done is not None:
        return done
    return render(request, "parks/inspection_form.html", {"form": form, "tenant": tenant}, status=400 if form.errors else 200)


@guard(selectors.sees_parks)
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    items = checklist()
    rows = [(item, (inspection.results or {}).get(item.code, {})) for item in items]
    findings = list(selectors.inspection_findings(user=request.user, inspection=inspection))
    return render(
        request,
        "parks/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "findings": findings,
            "linked": selectors.hazards_visible(user=request.user, hazard_ids=[f.hazard_id for f in findings]),
        },
    )
