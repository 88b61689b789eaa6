"""The provider register's pages (issue 16, domain-rules §7c): a provider's page (qualifications
with their expiry, service areas, engineers, performance; the retired ones apart with their day and
reason) and the forms that register a provider, add a qualification, a service area or an engineer,
correct one, and retire it (a qualification revoked, an area removed, an engineer who left). Thin:
``selectors_providers`` reads (scoped), one registry service writes, its refusals land on the form.
The register is public to everyone signed in; the district where a provider is registered (and the
city) keeps it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecity.core.guards import guard
from safecity.core.scoping import CHANGE, can
from safecity.smallbiz import selectors_providers
from safecity.smallbiz.forms import add_service_errors
from safecity.smallbiz.forms_admin import (
    EngineerCorrectForm,
    EngineerForm,
    ProviderRegisterForm,
    QualificationForm,
    RetireForm,
    ServiceAreaForm,
)
from safecity.smallbiz.models import REGULATOR_ROLES, ServiceProvider
from safecity.smallbiz.services import registry
from safecity.smallbiz.services.common import today
from safecity.smallbiz.views import _holds, sees

keeps_register = _holds(REGULATOR_ROLES)

T = TypeVar("T")

# Where a correction's or retirement's refusal lands on its form (the services name the model's fields).
RETIRE_ALIASES = {"retired_reason": "reason"}


def _provider(request: HttpRequest, pk: int) -> ServiceProvider:
    provider = selectors_providers.provider_get(user=request.user, pk=pk)
    if provider is None:
        raise Http404
    return provider


@guard(sees)
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider: its qualifications (expired / expiring soon flagged), service areas, engineers
    (the retired ones apart, with their day and reason) and its performance over the visits the
    user may see; the correct / retire actions for whoever keeps its register."""
    provider = _provider(request, pk)
    page = selectors_providers.provider_page(user=request.user, provider=provider)
    return render(request, "smallbiz/provider_detail.html", {"provider": provider, "page": page})


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    provider: ServiceProvider | None,
    *,
    subject: str = "",
    notice: str = "",
    submit: str = "",
) -> HttpResponse:
    return render(
        request,
        "smallbiz/provider_form.html",
        {"form": form, "title": title, "provider": provider, "subject": subject, "notice": notice, "submit": submit},
        status=400 if form.errors else 200,
    )


@guard(keeps_register)
def provider_register(request: HttpRequest) -> HttpResponseBase:
    """Register a safety service provider organisation with its district bureau."""
    form = ProviderRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            provider = registry.provider_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The provider is registered."))
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Register a safety service provider"), None)


def _changeable(request: HttpRequest, pk: int) -> ServiceProvider:
    """The provider, if the user may see it (else 404) and keep it (else 403)."""
    provider = _provider(request, pk)
    if not can(request.user, provider, CHANGE):
        raise PermissionDenied
    return provider


@guard(keeps_register)
def qualification_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    provider = _changeable(request, pk)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registry.qualification_add(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The qualification is added."))
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Add a qualification"), provider)


@guard(keeps_register)
def service_area_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    provider = _changeable(request, pk)
    form = ServiceAreaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registry.service_area_add(actor=request.user, provider=provider, region=form.cleaned_data["region"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service area is added."))
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Add a service area"), provider)


@guard(keeps_register)
def engineer_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    provider = _changeable(request, pk)
    form = EngineerForm(request.POST or None, user=request.user, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            registry.engineer_add(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The engineer is added."))
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Add an engineer"), provider)


# --- corrections and retirements ---------------------------------------------------------------


def _row(request: HttpRequest, pk: int, item: int, getter: Callable[..., T | None]) -> tuple[ServiceProvider, T]:
    """The provider (404 out of sight, 403 when the user does not keep it) and its row (404)."""
    provider = _changeable(request, pk)
    row = getter(user=request.user, provider=provider, pk=item)
    if row is None:
        raise Http404
    return provider, row


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _warn_standing(request: HttpRequest, provider: ServiceProvider) -> None:
    """After a correction or retirement: say when the provider can no longer be given new work."""
    standing = selectors_providers.provider_standing(user=request.user, provider=provider)
    if not standing["in_force"]:
        messages.warning(
            request,
            _("%(provider)s holds no qualification in force on %(day)s: it cannot be given new work.")
            % {"provider": provider, "day": today().isoformat()},
        )
    if standing["engineers"] < standing["minimum"]:
        messages.warning(
            request,
            _("%(provider)s has %(have)d full-time registered safety engineers; at least %(min)d are required.")
            % {"provider": provider, "have": standing["engineers"], "min": standing["minimum"]},
        )


@guard(keeps_register)
def qualification_correct(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.qualification_get)
    initial = {"name": row.name, "number": row.number, "valid_from": row.valid_from, "valid_until": row.valid_until}
    form = QualificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registry.qualification_correct(actor=request.user, qualification=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The qualification is corrected."))
            _warn_standing(request, provider)
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Correct a qualification"), provider, subject=str(row))


@guard(keeps_register)
def qualification_retire(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.qualification_get)
    form = RetireForm(request.POST or None, date_label=_("Retired on"), missing_reason=_("Say why the qualification is retired."))
    if request.method == "POST" and form.is_valid():
        try:
            retired = registry.qualification_retire(actor=request.user, qualification=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, RETIRE_ALIASES)
        else:
            messages.success(
                request,
                _("Qualification %(number)s is retired from %(day)s.")
                % {"number": retired.number, "day": _iso(retired.retired_on)},
            )
            _warn_standing(request, provider)
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(
        request,
        form,
        _("Retire a qualification"),
        provider,
        subject=str(row),
        notice=_("A retired qualification stays in the register with its day and reason, but it is no longer in force."),
        submit=_("Retire the qualification"),
    )


@guard(keeps_register)
def service_area_correct(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.service_area_get)
    form = ServiceAreaForm(request.POST or None, user=request.user, initial={"region": row.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            registry.service_area_correct(actor=request.user, area=row, region=form.cleaned_data["region"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service area is corrected."))
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Correct a service area"), provider, subject=row.region.name)


@guard(keeps_register)
def service_area_remove(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.service_area_get)
    form = RetireForm(request.POST or None, date_label=None, missing_reason=_("Say why the service area is removed."))
    if request.method == "POST" and form.is_valid():
        try:
            registry.service_area_remove(actor=request.user, area=row, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error, RETIRE_ALIASES)
        else:
            messages.success(request, _("The service area %(region)s is removed.") % {"region": row.region.name})
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(
        request,
        form,
        _("Remove a service area"),
        provider,
        subject=row.region.name,
        notice=_("A removed service area stays in the register with its day and reason."),
        submit=_("Remove"),
    )


@guard(keeps_register)
def engineer_correct(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.engineer_get)
    initial = {
        "name": row.person.name,
        "registered": row.registered,
        "registration_number": row.registration_number,
        "full_time": row.full_time,
    }
    form = EngineerCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registry.engineer_correct(actor=request.user, engineer=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The engineer's record is corrected."))
            _warn_standing(request, provider)
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    return _form_page(request, form, _("Correct an engineer"), provider, subject=row.person.name)


@guard(keeps_register)
def engineer_retire(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    provider, row = _row(request, pk, item, selectors_providers.engineer_get)
    form = RetireForm(request.POST or None, date_label=_("Left on"), missing_reason=_("Say why the engineer left."))
    if request.method == "POST" and form.is_valid():
        try:
            result = registry.engineer_retire(actor=request.user, engineer=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, RETIRE_ALIASES)
        else:
            done = _("%(name)s left the provider on %(day)s.") % {
                "name": row.person.name,
                "day": _iso(result.engineer.retired_on),
            }
            if result.open_visits:
                done += " " + _(
                    "%(n)d visit(s) not yet done are still planned on them (contracts %(contracts)s): "
                    "re-plan those contracts so that the other engineers take them over."
                ) % {"n": result.open_visits, "contracts": "、".join(c.number for c in result.contracts)}
            messages.success(request, done)
            _warn_standing(request, provider)
            return redirect("smallbiz:provider-detail", pk=provider.pk)
    waiting = selectors_providers.engineer_open_visits(user=request.user, engineers=[row]).get(row.pk, 0)
    notice = _("An engineer who left stays in the register with the day and reason; they no longer count toward the minimum.")
    if waiting:
        notice += " " + _("%(n)d visit(s) not yet done are planned on this engineer.") % {"n": waiting}
    return _form_page(
        request, form, _("Record that an engineer left"), provider, subject=row.person.name, notice=notice, submit=_("Record")
    )
