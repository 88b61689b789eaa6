"""Restaurant fixtures: two filling units (新北 in district A, 武进 in district B) with their signing
keys, a helper that makes a restaurant (an organisation of the registry on a street, with its
profile), one that records its acceptance as converted, and one that writes cylinder histories to
the signed ledger through the cylinders' bulk import (the platform's historic path, the same rules
as the one-by-one services: order, who may write, the filling gate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, make_org
from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation, Region
from safecity.cylinders import services as cylinders
from safecity.cylinders.choices import EventKind, Medium, RecipientKind
from safecity.cylinders.models import CylinderEvent
from safecity.ledger.services import signing_key_ensure
from safecity.restaurants.choices import KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, Restaurant


def at(day: date, hour: int = 10) -> datetime:
    """A local time (Asia/Shanghai in production settings) on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def days_ago(n: int, hour: int = 10) -> datetime:
    return at(timezone.localdate() - timedelta(days=n), hour)


@dataclass
class Gas:
    city: City
    unit: Organisation  # 常州新北液化气充装站, district A
    other_unit: Organisation  # 常州武进液化气充装站, district B
    _codes: list[int] = field(default_factory=lambda: [0])

    def restaurant(
        self,
        name: str,
        *,
        street: Region | None = None,
        fuel: str = KitchenFuel.BOTTLED_LPG,
        on_site: int = 0,
        allowed: int = 2,
        supplier: Organisation | None = None,
    ) -> Restaurant:
        """A catering unit on ``street`` (district A's street by default) with its gas profile.
        Written with the ORM: the restaurant services are not the subject of these tests."""
        org = make_org(name, OrganisationKind.ENTERPRISE, street or self.city.street_a, actor=self.city.superuser)
        return Restaurant.objects.create(
            organisation=org, fuel=fuel, cylinders_on_site=on_site, cylinders_allowed=allowed, supplier=supplier
        )

    def accept(self, restaurant: Restaurant, on: date, *, fuel: str = KitchenFuel.PIPED_GAS) -> Conversion:
        """The kitchen accepted as converted on ``on`` (and its fuel changed accordingly)."""
        region = restaurant.organisation.region
        campaign, _created = Campaign.objects.get_or_create(
            name=f"瓶改管 {region.name}",
            defaults={"region": region, "deadline": on + timedelta(days=90), "subsidy_cap": Decimal("5000")},
        )
        conversion = Conversion.objects.create(
            campaign=campaign,
            restaurant=restaurant,
            step="accepted",
            construction_started_on=on - timedelta(days=20),
            accepted_on=on,
            acceptor="gas_company",
        )
        Restaurant.objects.filter(pk=restaurant.pk).update(fuel=fuel, cylinders_on_site=0)
        restaurant.refresh_from_db()
        return conversion

    def deliveries(
        self,
        times: list[datetime],
        *,
        to: Restaurant | None = None,
        unit: Organisation | None = None,
        returned: bool = True,
        body: dict[str, Any] | None = None,
    ) -> list[CylinderEvent]:
        """One new cylinder of ``unit`` filled, dispatched and delivered at each of ``times`` (to the
        restaurant ``to``, or to a household when None; ``body`` replaces the signed delivery body),
        returned a day later (the last delivery too, unless ``returned`` is False). Returns the
        delivery events."""
        unit = unit or self.unit
        self._codes[0] += 1
        code = f"RS{self._codes[0]:06d}"
        made = timezone.localdate() - timedelta(days=700)
        cylinder = cylinders.new_cylinder(
            code=code,
            serial_number=f"S{code}",
            manufacturer="浙江金盾压力容器有限公司",
            manufactured_on=made,
            medium=Medium.LPG,
            model_name="YSP35.5",
            nominal_pressure_mpa="2.1",
            volume_l="35.5",
            wall_thickness_mm="2.5",
            product_standard="GB 5842",
            owner=unit,
            on=timezone.localdate(),
        )
        if body is None and to is not None:
            body = {
                "recipient_kind": RecipientKind.RESTAURANT,
                "recipient_organisation_id": to.organisation_id,
                "recipient_name": to.organisation.name,
            }
        elif body is None:
            body = {"recipient_kind": RecipientKind.HOUSEHOLD, "recipient_ref": "0" * 64}
        events: list[cylinders.ImportEvent] = []
        ordered = sorted(times)
        for number, when in enumerate(ordered):
            events += [
                cylinders.ImportEvent(
                    kind=EventKind.FILLING,
                    organisation=unit,
                    at=when - timedelta(hours=3),
                    body={
                        "station_id": unit.pk,
                        "pre_check": {"marks_legible": True, "accessories_ok": True, "appearance_ok": True},
                        "net_kg": "14.5",
                        "post_check": {"leak_free": True, "mass_ok": True},
                    },
                ),
                cylinders.ImportEvent(kind=EventKind.DISPATCH, organisation=unit, at=when - timedelta(hours=2), body={}),
                cylinders.ImportEvent(kind=EventKind.DELIVERY, organisation=unit, at=when, body=body),
            ]
            if returned or number < len(ordered) - 1:
                back = (
                    min(when + timedelta(days=1), ordered[number + 1] - timedelta(hours=4))
                    if number < len(ordered) - 1
                    else when + timedelta(days=1)
                )
                events.append(
                    cylinders.ImportEvent(kind=EventKind.RETURN, organisation=unit, at=back, body={"residual_kg": "0.3"})
                )
        item = cylinders.ImportCylinder(
            cylinder=cylinder, registered_by=unit, registered_at=at(made + timedelta(days=7)), events=events
        )
        cylinders.cylinder_history_import(actor=None, cylinders=[item])
        return list(CylinderEvent.objects.filter(cylinder__code=code, kind=EventKind.DELIVERY).order_by("occurred_at"))


@pytest.fixture
def gas(city: City) -> Gas:
    root = city.superuser
    unit = make_org("常州新北液化气充装站", OrganisationKind.FILLING_UNIT, city.street_a, actor=root)
    other = make_org("常州武进液化气充装站", OrganisationKind.FILLING_UNIT, city.street_b, actor=root)
    # Keys valid since long ago: the histories go to the ledger on the platform's historic path.
    since = timezone.now() - timedelta(days=30 * 365)
    for org in (unit, other):
        signing_key_ensure(actor=None, organisation=org, active_from=since)
    return Gas(city=city, unit=unit, other_unit=other)
