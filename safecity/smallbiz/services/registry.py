"""The register of small and micro enterprises and of safety service providers (issue 16 §1-2).

Enterprises sit in a village (12-digit division code): the village committee is the supervising
grid (domain-rules §8 for the codes). Providers: at least ``SAFECITY_SMALLBIZ_MIN_ENGINEERS`` (5)
full-time registered safety engineers and a qualification in force before they may be given new
work (domain-rules §7c).

A provider's qualifications, service areas and engineers are corrected (``*_correct``: what was
recorded wrongly) and retired (``qualification_retire``, ``service_area_remove``,
``engineer_retire``: what stopped being true, on a day and for a reason). A retired row stays in the
register with its day and reason (the audit trail and the visits point at it) but no longer counts:
a retired qualification is not in force, an engineer who left does not count toward the minimum,
gets no new visits and no longer reaches the provider's enterprises (``scopes.py``). Who: the
district the provider is registered with and the city (the provider's ``ScopeRule``), checked on
the stored row (``require_change``) and on the row as written (``require_target``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Person, Region
from safecity.smallbiz.choices import ContractState, VisitState
from safecity.smallbiz.models import (
    IN_SERVICE,
    Contract,
    ContractEnterprise,
    ProviderEngineer,
    Qualification,
    ServiceArea,
    ServiceProvider,
    SmallEnterprise,
    Visit,
)
from safecity.smallbiz.services.common import SmallbizError, require_change, require_target, today

# A service area is a district (county) or a street / town: the levels the county bureau assigns.
AREA_LEVELS = (RegionLevel.DISTRICT, RegionLevel.STREET)


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


def _lock_qualification(qualification: Qualification) -> Qualification:
    """The stored row, locked for the rest of the transaction (two officials correcting at once)."""
    return Qualification.objects.select_for_update().select_related("provider__organisation").get(pk=qualification.pk)


def _retirement(on: date | None, reason: str, *, missing_reason: str) -> tuple[date, str]:
    """The day (today by default; never later: the register records what has happened) and the reason."""
    day = on or today()
    if day > today():
        raise SmallbizError(
            {"retired_on": _("%(day)s is after today: record this once it has happened.") % {"day": day.isoformat()}}
        )
    text = (reason or "").strip()
    if not text:
        raise SmallbizError({"reason": missing_reason})
    return day, text


def _refuse_retired(row: Qualification | ServiceArea | ProviderEngineer, message: str) -> None:
    if row.retired_on is not None:
        raise SmallbizError(message, code="transition_not_allowed")


def _check_period(qualification: Qualification) -> None:
    if qualification.valid_until < qualification.valid_from:
        raise SmallbizError(
            {
                "valid_until": _("The qualification would end on %(until)s, before it starts on %(start)s.")
                % {"until": qualification.valid_until.isoformat(), "start": qualification.valid_from.isoformat()}
            }
        )


def _check_certificate(qualification: Qualification) -> None:
    """One certificate is recorded once: no other qualification of the provider in service carries
    the same number over an overlapping period (a renewal keeps its number for a new period)."""
    twin = (
        Qualification.objects.filter(
            IN_SERVICE,
            provider_id=qualification.provider_id,
            number__iexact=qualification.number,
            valid_from__lte=qualification.valid_until,
            valid_until__gte=qualification.valid_from,
        )
        .exclude(pk=qualification.pk)
        .first()
    )
    if twin is not None:
        raise SmallbizError(
            {
                "number": _("Certificate %(number)s is already recorded for this provider (%(name)s, %(start)s to %(until)s).")
                % {
                    "number": twin.number,
                    "name": twin.name,
                    "start": twin.valid_from.isoformat(),
                    "until": twin.valid_until.isoformat(),
                }
            },
            code="duplicate",
        )


@transaction.atomic
def qualification_add(
    *, actor: Any, provider: ServiceProvider, name: str, number: str, valid_from: date, valid_until: date
) -> Qualification:
    qualification = Qualification(provider=provider, name=name, number=number, valid_from=valid_from, valid_until=valid_until)
    _check_period(qualification)
    _check_certificate(qualification)
    qualification.full_clean()
    require_target(actor, qualification)
    qualification.save()
    return qualification


@transaction.atomic
def qualification_correct(
    *,
    actor: Any,
    qualification: Qualification,
    name: str | None = None,
    number: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Qualification:
    """Correct what was recorded of a qualification: its kind (``name``), certificate number or
    period (``None``: unchanged). A retired qualification is history and is not corrected.
    Refused: a period that ends before it starts, a certificate already recorded for the provider."""
    row = _lock_qualification(qualification)
    require_change(actor, row)
    _refuse_retired(row, _("This qualification is retired: it is kept as it was and cannot be corrected."))
    if name is not None:
        row.name = name.strip()
    if number is not None:
        row.number = number.strip()
    if valid_from is not None:
        row.valid_from = valid_from
    if valid_until is not None:
        row.valid_until = valid_until
    _check_period(row)
    _check_certificate(row)
    row.full_clean()
    require_target(actor, row)
    row.save()
    return row


@transaction.atomic
def qualification_retire(
    *, actor: Any, qualification: Qualification, reason: str, retired_on: date | None = None
) -> Qualification:
    """Retire a qualification (revoked, withdrawn, replaced): from ``retired_on`` (today by default,
    never later) it is no longer in force; the row stays with its day and reason. Without another
    qualification in force the provider gets no new work (domain-rules §7c)."""
    row = _lock_qualification(qualification)
    require_change(actor, row)
    _refuse_retired(row, _("This qualification is already retired."))
    row.retired_on, row.retired_reason = _retirement(
        retired_on, reason, missing_reason=_("Say why the qualification is retired.")
    )
    row.full_clean()
    require_target(actor, row)
    row.save()
    return row


def _check_area_region(region: Region) -> None:
    if region.level not in AREA_LEVELS:
        raise SmallbizError({"region": _("A service area is a district or a street (town).")})


def _check_area_free(provider_id: int, region: Region, exclude: int | None = None) -> None:
    if ServiceArea.objects.filter(IN_SERVICE, provider_id=provider_id, region=region).exclude(pk=exclude).exists():
        raise SmallbizError(_("The provider already serves this region."), code="duplicate")


@transaction.atomic
def service_area_add(*, actor: Any, provider: ServiceProvider, region: Region) -> ServiceArea:
    _check_area_region(region)
    _check_area_free(provider.pk, region)
    area = ServiceArea(provider=provider, region=region)
    require_target(actor, area)
    area.save()
    return area


@dataclass(frozen=True)
class Stranded:
    """Enterprises of a provider's contracts in force that none of its service areas would cover."""

    enterprises: int
    contracts: tuple[str, ...]


def _stranded(area: ServiceArea, *, instead: Region | None = None) -> Stranded:
    """The enterprises inside ``area`` served under the provider's contracts in force that no other
    area in service (nor ``instead``, the corrected region) covers."""
    members = ContractEnterprise.objects.filter(
        contract__provider_id=area.provider_id,
        contract__state=ContractState.ACTIVE,
        enterprise__organisation__region__path__startswith=area.region.path,
    )
    kept = list(
        ServiceArea.objects.filter(IN_SERVICE, provider_id=area.provider_id)
        .exclude(pk=area.pk)
        .values_list("region__path", flat=True)
    )
    if instead is not None:
        kept.append(instead.path)
    for path in kept:
        members = members.exclude(enterprise__organisation__region__path__startswith=path)
    contracts = sorted(set(members.values_list("contract__number", flat=True)))
    return Stranded(enterprises=members.values("enterprise_id").distinct().count(), contracts=tuple(contracts))


@transaction.atomic
def service_area_correct(*, actor: Any, area: ServiceArea, region: Region) -> ServiceArea:
    """Correct the region of a service area (the wrong street was recorded). Refused when the
    enterprises the provider serves there under a contract in force would be left outside every
    one of its areas: add the area that covers them first."""
    row = ServiceArea.objects.select_for_update().select_related("region", "provider__organisation").get(pk=area.pk)
    require_change(actor, row)
    _refuse_retired(row, _("This service area is removed: it is kept as it was and cannot be corrected."))
    if region.pk == row.region_id:
        return row
    _check_area_region(region)
    _check_area_free(row.provider_id, region, exclude=row.pk)
    left = _stranded(row, instead=region)
    if left.enterprises:
        raise SmallbizError(
            {
                "region": _(
                    "%(provider)s serves %(n)d enterprise(s) in %(region)s under contracts in force (%(contracts)s) "
                    "that %(new)s does not cover: add a service area covering them first, or close those contracts."
                )
                % {
                    "provider": row.provider,
                    "n": left.enterprises,
                    "region": row.region.name,
                    "contracts": "、".join(left.contracts),
                    "new": region.name,
                }
            },
            code="guard",
        )
    row.region = region
    row.full_clean()
    require_target(actor, row)
    row.save()
    return row


@transaction.atomic
def service_area_remove(*, actor: Any, area: ServiceArea, reason: str) -> ServiceArea:
    """Remove a service area from today, with the reason; the row stays. Refused while the provider
    serves enterprises there under a contract in force that no other of its areas covers (the
    contract's enterprises would be served outside the provider's areas): close those contracts,
    or add an area that covers them, first."""
    row = ServiceArea.objects.select_for_update().select_related("region", "provider__organisation").get(pk=area.pk)
    require_change(actor, row)
    _refuse_retired(row, _("This service area is already removed."))
    day, text = _retirement(None, reason, missing_reason=_("Say why the service area is removed."))
    left = _stranded(row)
    if left.enterprises:
        raise SmallbizError(
            _(
                "%(provider)s still serves %(n)d enterprise(s) in %(region)s under contracts in force (%(contracts)s) "
                "and no other of its service areas covers them: close those contracts, or add a service area "
                "covering them, before removing this one."
            )
            % {
                "provider": row.provider,
                "n": left.enterprises,
                "region": row.region.name,
                "contracts": "、".join(left.contracts),
            },
            code="guard",
        )
    row.retired_on, row.retired_reason = day, text
    row.full_clean()
    require_target(actor, row)
    row.save()
    return row


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
    engineer = ProviderEngineer(
        provider=provider,
        person=person,
        registered=registered,
        registration_number=registration_number.strip(),
        full_time=full_time,
    )
    _check_engineer(engineer)
    engineer.full_clean()
    require_target(actor, engineer)
    engineer.save()
    return engineer


def _check_engineer(engineer: ProviderEngineer) -> None:
    """A registered engineer has a registration number, used by no other engineer of the provider
    in service; a person works full time for one provider (said here in words, before the constraint)."""
    if engineer.registered and not engineer.registration_number:
        raise SmallbizError({"registration_number": _("A registered safety engineer has a registration number.")})
    staff = ProviderEngineer.objects.filter(IN_SERVICE).exclude(pk=engineer.pk).select_related("person", "provider__organisation")
    if engineer.registration_number:
        twin = (
            staff.filter(provider_id=engineer.provider_id, registration_number__iexact=engineer.registration_number)
            .exclude(person_id=engineer.person_id)
            .first()
        )
        if twin is not None:
            raise SmallbizError(
                {
                    "registration_number": _("Registration number %(number)s is already recorded for %(person)s.")
                    % {"number": twin.registration_number, "person": twin.person.name}
                },
                code="duplicate",
            )
    if engineer.full_time:
        elsewhere = staff.filter(person_id=engineer.person_id, full_time=True).first()
        if elsewhere is not None:
            raise SmallbizError(
                {
                    "full_time": _("%(person)s already works full time for %(provider)s.")
                    % {"person": elsewhere.person.name, "provider": elsewhere.provider}
                },
                code="duplicate",
            )


@transaction.atomic
def engineer_correct(
    *,
    actor: Any,
    engineer: ProviderEngineer,
    name: str | None = None,
    registered: bool | None = None,
    registration_number: str | None = None,
    full_time: bool | None = None,
) -> ProviderEngineer:
    """Correct what was recorded of an engineer: the name (the core person's, through
    ``person_update``), whether registered, the registration number, full time (``None``:
    unchanged). An engineer who left is history and is not corrected. Refused: a registered
    engineer without a number, a number another engineer of the provider holds, full time at two
    providers."""
    row = ProviderEngineer.objects.select_for_update().select_related("person", "provider").get(pk=engineer.pk)
    require_change(actor, row)
    _refuse_retired(row, _("This engineer has left the provider: the record is kept as it was and cannot be corrected."))
    if registered is not None:
        row.registered = registered
    if registration_number is not None:
        row.registration_number = registration_number.strip()
    if full_time is not None:
        row.full_time = full_time
    _check_engineer(row)
    row.full_clean()
    require_target(actor, row)
    if name is not None and name.strip() != row.person.name:
        if not name.strip():
            raise SmallbizError({"name": _("An engineer has a name.")})
        row.person = core_services.person_update(actor=actor, person=row.person, name=name.strip())
    row.save()
    return row


@dataclass(frozen=True)
class EngineerRetirement:
    """An engineer who left, what is still planned on them, and what the provider has left."""

    engineer: ProviderEngineer
    open_visits: int  # visits not yet done (scheduled) of contracts in force that still name this engineer
    contracts: tuple[Contract, ...]  # the contracts of those visits: to be re-planned
    registered_engineers: int  # the provider's full-time registered engineers in service now
    minimum: int


@transaction.atomic
def engineer_retire(*, actor: Any, engineer: ProviderEngineer, reason: str, retired_on: date | None = None) -> EngineerRetirement:
    """Record that an engineer left the provider on ``retired_on`` (today by default, never later),
    with the reason; the row stays (their signed visits point at it). From then on they do not count
    toward the provider's minimum of full-time registered engineers (domain-rules §7c), get no new
    visits and no longer reach the provider's enterprises. Visits not yet done that are still planned
    on them are counted, with their contracts, for re-planning (``contract_visits_plan``)."""
    row = ProviderEngineer.objects.select_for_update().select_related("person", "provider__organisation").get(pk=engineer.pk)
    require_change(actor, row)
    _refuse_retired(row, _("This engineer has already left the provider."))
    row.retired_on, row.retired_reason = _retirement(retired_on, reason, missing_reason=_("Say why the engineer left."))
    row.full_clean()
    require_target(actor, row)
    row.save()
    # Visits of a closed contract stay as they were (nobody signs them any more): not counted.
    waiting = Visit.objects.filter(engineer=row, state=VisitState.SCHEDULED, contract__state=ContractState.ACTIVE)
    contracts = tuple(Contract.objects.filter(pk__in=waiting.values("contract_id")).order_by("number"))
    return EngineerRetirement(
        engineer=row,
        open_visits=waiting.count(),
        contracts=contracts,
        registered_engineers=provider_registered_engineers(row.provider),
        minimum=settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS,
    )


def provider_registered_engineers(provider: ServiceProvider) -> int:
    """The provider's full-time registered safety engineers in service (those who left do not count)."""
    return ProviderEngineer.objects.filter(IN_SERVICE, provider=provider, registered=True, full_time=True).count()


def qualification_in_force_q(day: date) -> Q:
    """Qualifications in force on ``day``: inside their period and not retired by then."""
    return Q(valid_from__lte=day, valid_until__gte=day) & (Q(retired_on__isnull=True) | Q(retired_on__gt=day))


def provider_qualification_valid(provider: ServiceProvider, day: date | None = None) -> Qualification | None:
    """The qualification in force on ``day`` (today by default) that ends last, or None; a
    qualification retired on or before ``day`` is not in force."""
    day = day or today()
    return Qualification.objects.filter(qualification_in_force_q(day), provider=provider).order_by("-valid_until").first()


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
