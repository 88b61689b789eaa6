"""A restaurant's gas-leak safety protection device on the telemetry engine (issue 15 §4):
registering the restaurant's combustible-gas detector (a telemetry device of the restaurant, mounted
on it, with its own broker credentials) with the detector rules (``safecity.restaurants.detectors``)
as the restaurant's rule set, as the forklift platform keeps one per truck."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from safecity.restaurants.detectors import detector_rules
from safecity.restaurants.models import Restaurant
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.models import Device, RuleSet
from safecity.telemetry.services.devices import Credentials, device_register
from safecity.telemetry.services.rule_sets import rule_set_create, rule_set_update


def detector_rule_set(*, actor: Any, restaurant: Restaurant) -> RuleSet:
    """The restaurant's detector rule set, created or brought up to date with ``detector_rules``
    (titles in the platform's language, as the alarms are worded for the street and the restaurant)."""
    with translation.override(settings.LANGUAGE_CODE):
        rules = detector_rules()
        name = _("%(restaurant)s gas leak alarms") % {"restaurant": restaurant.organisation.name}
    current = RuleSet.objects.filter(organisation=restaurant.organisation, devices__kind=DeviceKind.GAS_DETECTOR).first()
    if current is None:
        return rule_set_create(actor=actor, name=name, rules=rules, organisation=restaurant.organisation)
    if current.rules != rules:
        return rule_set_update(actor=actor, rule_set=current, rules=rules)
    return current


@transaction.atomic
def detector_register(*, actor: Any, restaurant: Restaurant, serial: str, name: str = "") -> tuple[Device, Credentials]:
    """Register the combustible-gas detector with automatic shut-off valve of ``restaurant``: a
    device of the restaurant, mounted on it, following the detector rules. Who: whoever may
    register a device for the restaurant (its manager, the officials over its street)."""
    return device_register(
        actor=actor,
        serial=serial,
        kind=DeviceKind.GAS_DETECTOR,
        organisation=restaurant.organisation,
        name=name,
        mounted_on=restaurant,
        rule_set=detector_rule_set(actor=actor, restaurant=restaurant),
    )
