"""The register of small and micro enterprises and of safety service providers (issue 16 §1-2).

Enterprises sit in a village (12-digit division code): the village committee is the supervising
grid (domain-rules §8 for the codes). Providers: at least ``SAFECITY_SMALLBIZ_MIN_ENGINEERS`` (5)
full-time registered safety engineers and a qualification in force before they may be given new
work (domain-rules §7c).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Person, Region
from safecity.smallbiz.models import ProviderEngineer, Qualification, ServiceArea, ServiceProvider, SmallEnterprise
from safecity.smallbiz.services.common import SmallbizError, require_target, today


def trade_name(code: str) -> str | None:
    """The name of a management category of the latest published dictionary ("" for no trade; None: unknown)."""
    if not code:
        return ""
    from safecity.riskdict.choices import DictionaryStatus
    from safecity.riskdict.models import ManagementCategory

    category = (
        ManagementCategory.objects.filter(version__status=DictionaryStatus.PUBLISHED, code=code)
        .order_by("-version__published_at", "-version_id")
        .first()
    )
    return category.name if category is not None else None


def _check_village(region: Region) -> None:
    if region.level != RegionLevel.VILLAGE:
        raise SmallbizError(
            {"village": _("A small or micro enterprise is registered in a village or community (12-digit code).")}
        )


@transaction.atomic
def enterprise_register(
    *,
    actor: Any,
    organisation: Organisation | None = None,
    village: Region | None = None,
    trade: str = "",
    size: str,
    risk_level: int,
    employees: int | None = None,
    **organisation_fields: Any,
) -> SmallEnterprise:
    """Register a small or micro enterprise: an existing organisation of the registry, or a new one
    created in ``village`` (core ``organisation_create``, with its credit-code check)."""
    if organisation is None:
        if village is None:
            raise SmallbizError({"village": _("Say which village the enterprise is in.")})
        _check_village(village)
        organisation = core_services.organisation_create(
            actor=actor, kind=OrganisationKind.ENTERPRISE, region=village, **organisation_fields
        )
    else:
        _check_village(organisation.region)
    if SmallEnterprise.objects.filter(organisation=organisation).exists():
        raise SmallbizError(_("This enterprise is already in the register."), code="duplicate")
    name = trade_name(trade)
    if name is None:
        raise SmallbizError({"trade": _("No management category of the published risk dictionary has this code.")})
    enterprise = SmallEnterprise(
        organisation=organisation, trade=trade, trade_name=name, size=size, risk_level=risk_level, employees=employees
    )
    enterprise.full_clean()
    require_target(actor, enterprise)
    enterprise.save()
    return enterprise


@transaction.atomic
def provider_register(*, actor: Any, organisation: Organisation, registered_with: Region, premises: str) -> ServiceProvider:
    """Register a safety service provider with its county (district) bureau."""
    if organisation.kind != OrganisationKind.SAFETY_SERVICE_PROVIDER:
        raise SmallbizError({"organisation": _("Only a safety service provider organisation can be registered as a provider.")})
    if registered_with.level != RegionLevel.DISTRICT:
        raise SmallbizError({"registered_with": _("A provider is registered with a district (county) bureau.")})
    if not premises.strip():
        raise SmallbizError({"premises": _("A provider has premises: give their address.")})
    if ServiceProvider.objects.filter(organisation=organisation).exists():
        raise SmallbizError(_("This provider is already registered."), code="duplicate")
    provider = ServiceProvider(organisation=organisation, registered_with=registered_with, premises=premises.strip())
    provider.full_clean()
    require_target(actor, provider)
    provider.save()
    return provider


@transaction.atomic
def qualification_add(
    *, actor: Any, provider: ServiceProvider, name: str, number: str, valid_from: date, valid_until: date
) -> Qualification:
    qualification = Qualification(provider=provider, name=name, number=number, valid_from=valid_from, valid_until=valid_until)
    qualification.full_clean()
    require_target(actor, qualification)
    qualification.save()
    return qualification


@transaction.atomic
def service_area_add(*, actor: Any, provider: ServiceProvider, region: Region) -> ServiceArea:
    if ServiceArea.objects.filter(provider=provider, region=region).exists():
        raise SmallbizError(_("The provider already serves this region."), code="duplicate")
    area = ServiceArea(provider=provider, region=region)
    require_target(actor, area)
    area.save()
    return area


@transaction.atomic
def engineer_add(
    *,
    actor: Any,
    provider: ServiceProvider,
    person: Person,
    registered: bool = True,
    registration_number: str = "",
    full_time: bool = True,
) -> ProviderEngineer:
    """Add a person to a provider's staff; a registered safety engineer has a registration number."""
    if person.organisation_id != provider.organisation_id:
        raise SmallbizError({"person": _("The engineer must belong to the provider.")})
    if registered and not registration_number.strip():
        raise SmallbizError({"registration_number": _("A registered safety engineer has a registration number.")})
    engineer = ProviderEngineer(
        provider=provider,
        person=person,
        registered=registered,
        registration_number=registration_number.strip(),
        full_time=full_time,
    )
    engineer.full_clean()
    require_target(actor, engineer)
    engineer.save()
    return engineer


def provider_registered_engineers(provider: ServiceProvider) -> int:
    return ProviderEngineer.objects.filter(provider=provider, registered=True, full_time=True).count()


def provider_qualification_valid(provider: ServiceProvider, day: date | None = None) -> Qualification | None:
    """The qualification in force on ``day`` (today by default) that ends last, or None."""
    day = day or today()
    return (
        Qualification.objects.filter(provider=provider, valid_from__lte=day, valid_until__gte=day)
        .order_by("-valid_until")
        .first()
    )


def provider_check_eligible(provider: ServiceProvider, day: date | None = None) -> None:
    """Refuse new work to a provider without a qualification in force or without its minimum of
    full-time registered safety engineers (domain-rules §7c)."""
    day = day or today()
    if provider_qualification_valid(provider, day) is None:
        raise SmallbizError(
            _("%(provider)s holds no qualification in force on %(day)s: it cannot be given new work.")
            % {"provider": provider, "day": day.isoformat()},
            code="guard",
        )
    minimum = settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS
    have = provider_registered_engineers(provider)
    if have < minimum:
        raise SmallbizError(
            _("%(provider)s has %(have)d full-time registered safety engineers; at least %(min)d are required.")
            % {"provider": provider, "have": have, "min": minimum},
            code="guard",
        )
