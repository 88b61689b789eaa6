"""Server-rendered UI of the core: thin views over selectors and services."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safecity.core import selectors, services
from safecity.core.exports import export_response
from safecity.core.figures import NO_ACCESS, FigureContext, as_json, indicator_values, indicators, panel_values, panels
from safecity.core.filtersets import AuditEntryFilterSet, OrganisationFilterSet, PersonFilterSet
from safecity.core.forms import OrganisationForm
from safecity.core.models import Organisation
from safecity.core.paging import keyset_page_of, page_of, querystring, year_of
from safecity.core.scoping import CHANGE, can, principal_for, scoped


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the process manager and load balancer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The city cockpit: every registered indicator and panel, for the viewer's region and year."""
    region = selectors.cockpit_region(user=request.user, code=request.GET.get("region"))
    year = year_of(request, timezone.localdate().year) or timezone.localdate().year
    ctx = FigureContext(region=region, year=year, user=request.user)
    values = indicator_values(ctx)
    # A figure the viewer may not see is left out, never shown as a zero; a section left with
    # nothing says "no access" (issue 13).
    sections: dict[str, list[dict[str, Any]]] = {}
    for ind in indicators():
        items = sections.setdefault(str(ind.section), [])
        if values[ind.id] is not NO_ACCESS:
            items.append({"indicator": ind, "value": values[ind.id]})
    data = panel_values(ctx)
    panel_list = [
        {"panel": p, "data": json.dumps(as_json(data[p.id]), ensure_ascii=False)} for p in panels() if data[p.id] is not NO_ACCESS
    ]
    regions = selectors.region_list(user=request.user).filter(depth__lte=2)
    return render(
        request,
        "core/cockpit.html",
        {"region": region, "year": year, "sections": sections, "panels": panel_list, "region_choices": regions},
    )


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    tree = selectors.region_tree(user=request.user)
    return render(request, "core/region_list.html", {"tree": tree})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    children = selectors.region_list(user=request.user).filter(parent=region)
    ancestors = selectors.region_list(user=request.user).filter(code__in=region.path.strip("/").split("/")[:-1])
    organisations = selectors.organisation_list(user=request.user).filter(region__path__startswith=region.path)
    return render(
        request,
        "core/region_detail.html",
        {
            "region": region,
            "children": children,
            "ancestors": ancestors.order_by("depth"),
            "organisation_count": organisations.count(),
            "history_url": reverse("core:object-history", args=["core.region", region.pk]),
        },
    )


ORGANISATION_COLUMNS = [
    (_("ID"), lambda o: o.pk),
    (_("Name"), lambda o: o.name),
    (_("Kind"), lambda o: o.get_kind_display()),
    (_("Unified social credit code"), lambda o: o.credit_code),
    (_("Region code"), lambda o: o.region.code),
    (_("Region"), lambda o: o.region.name),
    (_("Industry code"), lambda o: o.industry_code),
    (_("Address"), lambda o: o.address),
    (_("Latitude"), lambda o: o.latitude and float(o.latitude)),
    (_("Longitude"), lambda o: o.longitude and float(o.longitude)),
    (_("Active"), lambda o: o.is_active),
]


@login_required
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    filterset = OrganisationFilterSet(request.GET, queryset=selectors.organisation_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in ORGANISATION_COLUMNS]
        return export_response(fmt=fmt, filename="organisations", columns=columns, objects=filterset.qs.iterator(chunk_size=2000))
    page = page_of(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "querystring": querystring(request),
        "can_create": bool(principal_for(request.user).is_superuser or scoped(Organisation, request.user, CHANGE).exists()),
    }
    template = "core/organisation_table.html" if request.headers.get("HX-Request") else "core/organisation_list.html"
    return render(request, template, context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    people = selectors.person_list(user=request.user).filter(organisation=org)[:50]
    children = selectors.organisation_list(user=request.user).filter(parent=org)[:50]
    return render(
        request,
        "core/organisation_detail.html",
        {
            "org": org,
            "people": people,
            "children": children,
            "can_change": can(request.user, org, CHANGE),
            "history_url": reverse("core:object-history", args=["core.organisation", org.pk]),
        },
    )


def _organisation_form(request: HttpRequest, instance: Organisation | None) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data.items())
        try:
            if instance is None:
                org = services.organisation_create(actor=request.user, **data)
                messages.success(request, _("Organisation %(name)s registered.") % {"name": org.name})
            else:
                org = services.organisation_update(actor=request.user, organisation=instance, **data)
                messages.success(request, _("Organisation %(name)s saved.") % {"name": org.name})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("core:organisation-detail", pk=org.pk)
    return render(request, "core/organisation_form.html", {"form": form, "org": instance})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    return _organisation_form(request, None)


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    if not can(request.user, org, CHANGE):
        raise PermissionDenied
    # The form works on a fresh copy so a failed save never shows half-applied values.
    return _organisation_form(request, Organisation.objects.get(pk=org.pk))


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonFilterSet(request.GET, queryset=selectors.person_list(user=request.user))
    page = page_of(request, filterset.qs)
    return render(request, "core/person_list.html", {"filter": filterset, "page": page, "querystring": querystring(request)})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    roles = selectors.role_assignment_list(user=request.user).filter(person=person)
    return render(
        request,
        "core/person_detail.html",
        {"person": person, "roles": roles, "history_url": reverse("core:object-history", args=["core.person", person.pk])},
    )


def _json_or_blank(values: Any) -> str:
    return json.dumps(values, ensure_ascii=False) if values is not None else ""


AUDIT_COLUMNS = [
    (_("Time"), lambda e: timezone.localtime(e.time).isoformat()),
    (_("Actor"), lambda e: e.actor_label),
    (_("Source"), lambda e: e.get_source_display()),
    (_("Request id"), lambda e: e.request_id),
    (_("Action"), lambda e: e.get_action_display()),
    (_("Object type"), lambda e: e.content_type.name),
    (_("Object id"), lambda e: e.object_id),
    (_("Object"), lambda e: e.object_repr),
    (_("Changed fields"), lambda e: ", ".join(c.label for c in e.changes)),
    (_("Before"), lambda e: _json_or_blank(e.shown_before)),
    (_("After"), lambda e: _json_or_blank(e.shown_after)),
    (_("Values not shown"), lambda e: ", ".join(e.hidden_fields)),
]


def _audit_page(request: HttpRequest, queryset: Any, template: str, extra: dict[str, Any]) -> HttpResponseBase:
    """One page of entries (keyset: the same cost on page 1 and page 20,000; no count over the
    trail), or the whole filtered trail as CSV/Excel; values the viewer may not see withheld."""
    filterset = AuditEntryFilterSet(request.GET, queryset=queryset)
    values = selectors.audit_values(user=request.user)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in AUDIT_COLUMNS]
        rows = values.annotate(filterset.qs.iterator(chunk_size=2000))
        return export_response(fmt=fmt, filename="audit", columns=columns, objects=rows)
    page = keyset_page_of(request, filterset.qs, count=False)
    page.object_list = list(values.annotate(page.object_list))
    return render(request, template, {"filter": filterset, "page": page, "querystring": querystring(request), **extra})


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    return _audit_page(request, selectors.audit_list(user=request.user), "core/audit_list.html", {})


@login_required
def object_history(request: HttpRequest, model: str, pk: str) -> HttpResponseBase:
    """The history of one object: only if the viewer may see the object itself. A deleted
    object's history shows the entries its rule showed the viewer (404 when there are none)."""
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404 from None
    if not hasattr(model_class, "scope_rule"):
        raise Http404
    try:
        obj = scoped(model_class, request.user).filter(pk=pk).first()
    except (ValueError, ValidationError):
        raise Http404 from None
    if obj is not None:
        history = selectors.object_history(user=request.user, obj=obj)
        return _audit_page(request, history, "core/object_history.html", {"object": obj, "model_label": model})
    if model_class._base_manager.filter(pk=pk).exists():
        raise Http404  # exists, but not for this viewer
    history = selectors.deleted_object_history(user=request.user, model=model_class, pk=pk)
    latest = history.first()
    if latest is None:
        raise Http404
    label = _("%(object)s (deleted)") % {"object": latest.object_repr}
    return _audit_page(request, history, "core/object_history.html", {"object": label, "model_label": model})
