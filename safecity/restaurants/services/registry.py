"""The restaurant registry (issue 15 §1, domain-rules §7a): registering catering units street by
street, keeping their kitchen fuel and cylinders up to date, and a district's survey sheet in and
out (.xlsx, the same columns both ways, so an export re-imports into another database).

A restaurant is an organisation of the core registry (name, unified social credit code GB 32100,
street, address, location) with its :class:`~safecity.restaurants.models.Restaurant` profile. Who
writes: the district and city officials and the inspectors whose jurisdiction holds the street
(``Restaurant.scope_rule``); the platform itself (``actor=None``: the demo, an import command).
Every write is audited (``AuditedModel``) and runs in one transaction.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Region
from safecity.core.scoping import CHANGE, allows_target, can
from safecity.core.validators import validate_credit_code
from safecity.restaurants.choices import KitchenFuel
from safecity.restaurants.models import Restaurant
from safecity.restaurants.services.common import RestaurantError, is_platform, require_change, require_target

UPDATE_FIELDS = frozenset({"fuel", "cylinders_on_site", "cylinders_allowed", "supplier", "address", "latitude", "longitude"})
ORGANISATION_FIELDS = ("address", "latitude", "longitude")  # stored on the organisation, not the profile
COORDINATE = Decimal("0.000001")  # the organisation stores 6 decimal places (about 0.1 m)
MAX_CYLINDERS_ON_SITE = 1000


def nul_message() -> str:
    # PostgreSQL text cannot hold NUL; no core helper exists for services, so the riskdict wording is reused.
    return _("Contains a NUL character (\\x00), which is not allowed.")


def default_cylinders_allowed() -> int:
    """How many cylinders a restaurant may keep (``SAFECITY_RESTAURANT_CYLINDERS_ALLOWED``, 2: one in use, one spare)."""
    return int(getattr(settings, "SAFECITY_RESTAURANT_CYLINDERS_ALLOWED", 2))


def _street_in_reach(actor: Any, street: Region) -> bool:
    """May ``actor`` register a restaurant on ``street``? (The restaurant's own scope rule decides.)"""
    return is_platform(actor) or allows_target(actor, Restaurant(organisation=Organisation(region=street)))


def _check_street(actor: Any, region: Region | None) -> Region:
    if region is None:
        raise RestaurantError({"region": _("This field is required.")})
    if region.level != RegionLevel.STREET:
        raise RestaurantError(
            {"region": _("A restaurant is registered on a street or town, not on “%(region)s”.") % {"region": region.name}}
        )
    if not _street_in_reach(actor, region):
        raise PermissionDenied
    return region


def _check_profile(*, fuel: str, cylinders_on_site: Any, supplier: Organisation | None) -> None:
    """The profile's own rules, with messages a person understands before the database says no."""
    errors: dict[str, str] = {}
    if fuel not in KitchenFuel.values:
        errors["fuel"] = _("Unknown kitchen fuel.")
    if not isinstance(cylinders_on_site, int) or isinstance(cylinders_on_site, bool) or cylinders_on_site < 0:
        errors["cylinders_on_site"] = _("The cylinders on site are a whole number, 0 or more.")
    elif cylinders_on_site > MAX_CYLINDERS_ON_SITE:
        errors["cylinders_on_site"] = _("At most %(n)d cylinders on site.") % {"n": MAX_CYLINDERS_ON_SITE}
    elif fuel in (KitchenFuel.PIPED_GAS, KitchenFuel.ELECTRIC) and cylinders_on_site > 0:
        # The model's check constraint says the same; said here first, on the field the user typed.
        errors["cylinders_on_site"] = _("A kitchen on piped gas or electric keeps no LPG cylinders on site.")
    if supplier is not None and supplier.kind != OrganisationKind.FILLING_UNIT:
        errors["supplier"] = _(
            "%(name)s is not a filling unit: the contracted supplier is the filling station the restaurant buys from."
        ) % {"name": supplier.name}
    elif supplier is not None and not supplier.is_active:
        errors["supplier"] = _("The filling unit %(name)s is no longer active.") % {"name": supplier.name}
    if errors:
        raise RestaurantError(errors)


def _save_organisation(actor: Any, organisation: Organisation, changes: dict[str, Any]) -> Organisation:
    """Change the organisation's address or location: through the core service, whose rule applies
    (only the supervising authority changes an organisation); the platform writes directly, as the
    core service knows no platform actor."""
    if not changes:
        return organisation
    try:
        if is_platform(actor):
            for name, value in changes.items():
                setattr(organisation, name, value)
            organisation.full_clean()
            organisation.save()
            return organisation
        return core_services.organisation_update(actor=actor, organisation=organisation, **changes)
    except RestaurantError:
        raise
    except ValidationError as error:
        raise _organisation_error(error) from None


def _new_organisation(actor: Any, **fields: Any) -> Organisation:
    """Create the catering unit's organisation through the core service (validated: GB 32100 credit
    code, unique; the actor must reach its street). The platform writes directly, validated the same."""
    try:
        if is_platform(actor):
            organisation = Organisation(**fields)
            organisation.full_clean()
            organisation.save()
            return organisation
        return core_services.organisation_create(actor=actor, **fields)
    except ValidationError as error:
        raise _organisation_error(error) from None


def _coordinate(value: Any, field_name: str) -> Decimal | None:
    """A latitude or longitude in degrees, to the 6 places the organisation stores."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise RestaurantError({field_name: _("A number of degrees, such as 119.95 or 31.78.")})
    return number.quantize(COORDINATE, rounding=ROUND_HALF_UP)


def _organisation_error(error: ValidationError) -> RestaurantError:
    """The core registry's refusal (a name too long, a location out of range, ...) in this app's error type."""
    return RestaurantError(error.message_dict if hasattr(error, "error_dict") else error.messages)


@transaction.atomic
def restaurant_register(
    *,
    actor: Any,
    organisation: Organisation | None = None,
    name: str = "",
    credit_code: str = "",
    region: Region | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    fuel: str,
    cylinders_on_site: int = 0,
    cylinders_allowed: int | None = None,
    supplier: Organisation | None = None,
) -> Restaurant:
    """Register a catering unit on its street (domain-rules §7a).

    The organisation is the one of the core registry with that unified social credit code (GB
    32100) when there is one, as it is registered there (its name; its address and location only
    filled in where the registry has none); otherwise it is created as an enterprise on ``region``.
    Refused: a street the actor's jurisdiction does not hold (PermissionDenied), a region that is
    not a street or town, an organisation already in the restaurant registry (code ``duplicate``),
    a kitchen on piped gas or electric with cylinders on site, a supplier that is not a filling
    unit, text with a NUL character (PostgreSQL cannot store it). An inspector registers units
    already in the organisation registry; adding an organisation is the supervising authority's
    (``organisation_create``: PermissionDenied otherwise).
    """
    name, address = (name or "").strip(), (address or "").strip()
    credit_code = (credit_code or "").strip().upper()
    for field_name, text in (("name", name), ("credit_code", credit_code), ("address", address)):
        if "\x00" in text:
            raise RestaurantError({field_name: nul_message()})
    if organisation is not None:
        region = region or organisation.region
        credit_code = credit_code or (organisation.credit_code or "")
        if credit_code != (organisation.credit_code or ""):
            raise RestaurantError({"credit_code": _("The credit code does not match the organisation's.")})
    street = _check_street(actor, region)
    if cylinders_allowed is None:
        cylinders_allowed = default_cylinders_allowed()
    _check_profile(fuel=fuel, cylinders_on_site=cylinders_on_site, supplier=supplier)
    if not credit_code:
        raise RestaurantError({"credit_code": _("A restaurant is registered by its unified social credit code.")})
    try:
        validate_credit_code(credit_code)
    except ValidationError as error:
        raise RestaurantError({"credit_code": error.messages}) from None
    latitude, longitude = _coordinate(latitude, "latitude"), _coordinate(longitude, "longitude")
    if (latitude is None) != (longitude is None):
        raise RestaurantError({"latitude": _("A location needs both its longitude and its latitude.")})

    if organisation is None:
        organisation = Organisation.objects.select_for_update().filter(credit_code=credit_code).first()
    if organisation is not None:
        require_target(actor, Restaurant(organisation=organisation))
        if organisation.region_id != street.pk:
            raise RestaurantError(
                {
                    "region": _("The registry places %(name)s on %(region)s, not on %(street)s.")
                    % {"name": organisation.name, "region": organisation.region.name, "street": street.name}
                }
            )
        if Restaurant.objects.filter(organisation=organisation).exists():
            raise _duplicate(organisation)
        if not organisation.is_active:
            raise RestaurantError(
                {"credit_code": _("%(name)s is marked inactive in the registry.") % {"name": organisation.name}}
            )
        blanks: dict[str, Any] = {"address": address} if address and not organisation.address else {}
        if latitude is not None and organisation.latitude is None:
            blanks.update(latitude=latitude, longitude=longitude)
        if blanks and (is_platform(actor) or can(actor, organisation, CHANGE)):
            organisation = _save_organisation(actor, organisation, blanks)
    else:
        if not name:
            raise RestaurantError({"name": _("This field is required.")})
        organisation = _new_organisation(
            actor,
            name=name,
            kind=OrganisationKind.ENTERPRISE,
            credit_code=credit_code,
            region=street,
            address=address,
            latitude=latitude,
            longitude=longitude,
        )
    restaurant = Restaurant(
        organisation=organisation,
        fuel=fuel,
        cylinders_on_site=cylinders_on_site,
        cylinders_allowed=cylinders_allowed,
        supplier=supplier,
    )
    restaurant.full_clean(validate_unique=False)
    require_target(actor, restaurant)
    try:
        with transaction.atomic():
            restaurant.save()
    except IntegrityError:
        # Registered by someone else between the check and the save (two imports at once).
        if Restaurant.objects.filter(organisation=organisation).exists():
            raise _duplicate(organisation) from None
        raise
    return restaurant


def _duplicate(organisation: Organisation) -> RestaurantError:
    return RestaurantError(
        _("%(name)s (%(code)s) is already in the restaurant registry.")
        % {"name": organisation.name, "code": organisation.credit_code or ""},
        code="duplicate",
    )


@transaction.atomic
def restaurant_update(*, actor: Any, restaurant: Restaurant, **fields: Any) -> Restaurant:
    """Change a restaurant's kitchen fuel, cylinders (on site, allowed), contracted supplier, address
    or location (``latitude`` / ``longitude``), with the checks of :func:`restaurant_register`.

    Who: whoever may change the restaurant (its street's officials and inspectors). The address and
    location belong to the organisation of the core registry: changing them is the supervising
    authority's (``organisation_update``), not an inspector's."""
    unknown = set(fields) - UPDATE_FIELDS
    if unknown:
        raise TypeError(f"restaurant_update does not change {sorted(unknown)}")
    restaurant = (
        Restaurant.objects.select_for_update(of=("self",))
        .select_related("organisation__region", "supplier")
        .get(pk=restaurant.pk)
    )
    require_change(actor, restaurant)
    organisation = restaurant.organisation
    if "\x00" in str(fields.get("address") or ""):
        raise RestaurantError({"address": nul_message()})
    for name in ("fuel", "cylinders_on_site", "cylinders_allowed", "supplier"):
        if name in fields:
            setattr(restaurant, name, fields[name])
    # A supplier deactivated since is no reason to refuse a change of the kitchen: checked when it changes.
    supplier = restaurant.supplier if "supplier" in fields else None
    _check_profile(fuel=restaurant.fuel, cylinders_on_site=restaurant.cylinders_on_site, supplier=supplier)
    changes: dict[str, Any] = {}
    if "address" in fields:
        changes["address"] = (fields["address"] or "").strip()
    if "latitude" in fields or "longitude" in fields:
        latitude = _coordinate(fields.get("latitude", organisation.latitude), "latitude")
        longitude = _coordinate(fields.get("longitude", organisation.longitude), "longitude")
        if (latitude is None) != (longitude is None):
            raise RestaurantError({"latitude": _("A location needs both its longitude and its latitude.")})
        changes.update(latitude=latitude, longitude=longitude)
    changes = {k: v for k, v in changes.items() if getattr(organisation, k) != v}
    restaurant.full_clean(validate_unique=False)
    require_target(actor, restaurant)
    restaurant.save()
    restaurant.organisation = _save_organisation(actor, organisation, changes)
    return restaurant
