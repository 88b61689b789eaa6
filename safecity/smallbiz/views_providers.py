"""The provider register's pages (issue 16, domain-rules §7c): a provider's page (qualifications
with their expiry, service areas, engineers, performance) and the forms that register a provider
and add a qualification, a service area or an engineer. Thin: the selectors read (scoped), one
registry service writes, its refusals land on the form. The register is public to everyone signed
in; the district where a provider is registered (and the city) keeps it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecity.core.guards import guard
from safecity.core.scoping import CHANGE, can, scoped
from safecity.smallbiz import selectors
from safecity.smallbiz.forms import add_service_errors
from safecity.smallbiz.forms_admin import EngineerForm, ProviderRegisterForm, QualificationForm, ServiceAreaForm
from safecity.smallbiz.models import REGULATOR_ROLES, ProviderEngineer, Qualification, ServiceArea, ServiceProvider
from safecity.smallbiz.services import registry
from safecity.smallbiz.services.common import today
from safecity.smallbiz.views import _holds, sees

# A qualification that ends within this many days is flagged on the provider's page.
EXPIRY_WARNING_DAYS = 60

keeps_register = _holds(REGULATOR_ROLES)


def _provider(request: HttpRequest, pk: int) -> ServiceProvider:
    provider = selectors.provider_list(user=request.user).filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


@guard(sees)
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider: its qualifications (expired / expiring soon flagged), service areas, engineers and
    its performance over the visits the user may see."""
    provider = _provider(request, pk)
    day = today()
    soon = day + timedelta(days=EXPIRY_WARNING_DAYS)
    qualifications = [
        {
            "q": q,
            "expired": q.valid_until < day,
            "soon": day <= q.valid_until <= soon,
            "not_yet": q.valid_from > day,
        }
        for q in scoped(Qualification, request.user).filter(provider=provider).order_by("-valid_until", "pk")
    ]
    performance = next((r for r in selectors.provider_performance(user=request.user) if r.provider.pk == provider.pk), None)
    return render(
        request,
        "smallbiz/provider_detail.html",
        {
            "provider": provider,
            "qualifications": qualifications,
            "areas": scoped(ServiceArea, request.user).filter(provider=provider).select_related("region"),
            "engineers": scoped(ProviderEngineer, request.user).filter(provider=provider).select_related("person"),
            "performance": performance,
            "may_change": can(request.user, provider, CHANGE),
            "warning_days": EXPIRY_WARNING_DAYS,
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, provider: ServiceProvider | None) -> HttpResponse:
    return render(
        request,
        "smallbiz/provider_form.html",
        {"form": form, "title": title, "provider": provider},
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
