"""Keeping an enterprise's risk registry in the UI: open it, add objects, units, assessed events,
measures and check tasks, and upgrade to a new dictionary version. Services write; forms validate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hazards import selectors, services
from safecity.hazards.forms_registry import CheckTaskForm, MeasureForm, RiskEventForm, RiskObjectForm, RiskUnitForm
from safecity.hazards.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit
from safecity.riskdict.models import DictionaryVersion


def _get(model: Any, user: Any, pk: int) -> Any:
    obj = scoped(model, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _form_page(
    request: HttpRequest, form: Form, title: str, organisation_id: int, save: Callable[[dict[str, Any]], Any]
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, _("Saved."))
            return redirect("hazards:registry-detail", organisation_id=organisation_id)
    return render(request, "hazards/registry_form.html", {"form": form, "title": title, "organisation_id": organisation_id})


@login_required
@require_POST
def registry_open(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Open the enterprise's registry on the newest published dictionary version."""
    org = scoped(Organisation, request.user).filter(pk=organisation_id).first()
    if org is None:
        raise Http404
    version = DictionaryVersion.objects.filter(status="published").order_by("-published_at").first()
    if version is None:
        messages.error(request, _("No published risk-control dictionary yet."))
        return redirect("core:organisation-detail", pk=organisation_id)
    try:
        services.registry_create(actor=request.user, organisation=org, dictionary_version=version)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("core:organisation-detail", pk=organisation_id)
    return redirect("hazards:registry-detail", organisation_id=organisation_id)


@login_required
def object_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    registry = selectors.registry_get(user=request.user, organisation_id=organisation_id)
    if registry is None:
        raise Http404
    form = RiskObjectForm(request.POST or None, user=request.user, organisation_id=organisation_id)
    return _form_page(
        request, form, _("Add a risk analysis object"), organisation_id,
        lambda data: services.risk_object_save(actor=request.user, organisation=registry.organisation, **data),
    )  # fmt: skip


@login_required
def unit_add(request: HttpRequest, object_id: int) -> HttpResponse:
    risk_object = _get(RiskObject, request.user, object_id)
    registry = selectors.registry_get(user=request.user, organisation_id=risk_object.organisation_id)
    if registry is None:
        raise Http404
    form = RiskUnitForm(request.POST or None, version_id=registry.dictionary_version_id)
    return _form_page(
        request, form, _("Add a risk analysis unit to %(name)s") % {"name": risk_object.name}, risk_object.organisation_id,
        lambda data: services.risk_unit_save(actor=request.user, risk_object=risk_object, **data),
    )  # fmt: skip


@login_required
def event_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get(RiskUnit, request.user, unit_id)
    form = RiskEventForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        initial = form.factors("initial")
        current = form.factors("current")
        if not any(current.values()):
            current = initial
        return services.risk_event_assess(
            actor=request.user, unit=unit, name=data["name"], method=data["method"], accident_type=data.get("accident_type") or "",
            initial={k: v or None for k, v in initial.items()}, current={k: v or None for k, v in current.items()},
        )  # fmt: skip

    return _form_page(request, form, _("Assess a risk event of %(name)s") % {"name": unit.name}, unit.organisation_id, save)


@login_required
def measure_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _get(RiskEvent, request.user, event_id)
    form = MeasureForm(request.POST or None, entry_id=event.unit.dictionary_entry_id)
    return _form_page(
        request, form, _("Add a control measure to %(name)s") % {"name": event.name}, event.organisation_id,
        lambda data: services.control_measure_add(actor=request.user, event=event, **data),
    )  # fmt: skip


@login_required
def task_add(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _get(ControlMeasure, request.user, measure_id)
    form = CheckTaskForm(request.POST or None)
    return _form_page(
        request, form, _("Add a check task"), measure.organisation_id,
        lambda data: services.check_task_add(actor=request.user, measure=measure, **data),
    )  # fmt: skip


@login_required
def registry_upgrade(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Show what a newer dictionary version changes; apply it only when asked (POST)."""
    registry = selectors.registry_get(user=request.user, organisation_id=organisation_id)
    if registry is None:
        raise Http404
    versions = (
        DictionaryVersion.objects.filter(status="published").exclude(pk=registry.dictionary_version_id).order_by("-published_at")
    )
    chosen = versions.filter(pk=request.POST.get("version") or request.GET.get("version") or 0).first() or versions.first()
    if request.method == "POST" and chosen is not None:
        try:
            services.registry_upgrade(actor=request.user, registry=registry, new_version=chosen)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The registry now uses version %(v)s; assessments are unchanged.") % {"v": chosen.version}
            )
            return redirect("hazards:registry-detail", organisation_id=organisation_id)
    preview = services.registry_upgrade_preview(registry=registry, new_version=chosen) if chosen is not None else None
    return render(
        request,
        "hazards/registry_upgrade.html",
        {"registry": registry, "versions": versions, "chosen": chosen, "preview": preview},
    )
