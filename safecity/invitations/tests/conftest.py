"""Invitation fixtures: the transport law-enforcement detachment (city-wide) with its inspector, a
district A bureau inspector (another authority), an expert of the pool, and helpers that make an
invitation and walk it through its steps with the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, Personas, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import Organisation, Person
from safecity.deepchecks.models import Expert
from safecity.invitations.models import Invitation
from safecity.invitations.services import invitations as svc


def next_weekday(day: date, n: int = 1) -> date:
    """``n`` calendar days after ``day``, moved forward to a Monday-Friday."""
    day = day + timedelta(days=n)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass
class Inv:
    city: City
    personas: Personas
    detachment: Organisation
    inspector: Any  # the detachment's inspector (city-wide)
    other_inspector: Any  # district A bureau's inspector: another authority
    expert: Expert

    @property
    def manager(self) -> Any:
        return self.personas.enterprise_user

    def invite(self, *, enterprise: Organisation | None = None, on: date | None = None, **extra: Any) -> Invitation:
        day = on or timezone.localdate()
        values: dict[str, Any] = {
            "topic": "危险货物运输车辆动态监控",
            "preferred_from": day + timedelta(days=7),
            "preferred_to": day + timedelta(days=21),
            "concerns": "驾驶员疲劳驾驶报警处置不及时",
        }
        values.update(extra)
        enterprise = enterprise or self.city.enterprise_a
        actor = self.manager if enterprise == self.city.enterprise_a and on is None else None
        return svc.invitation_create(actor=actor, enterprise=enterprise, authority=self.detachment, on=on, **values)

    def schedule(self, invitation: Invitation, **extra: Any) -> Invitation:
        values: dict[str, Any] = {
            "scheduled_on": timezone.localdate() + timedelta(days=3),
            "inspectors": [self.inspector.person],
            "experts": [self.expert],
            "free_items": ["动态监控平台运行", "驾驶员培训记录"],
        }
        values.update(extra)
        return svc.invitation_schedule(actor=self.inspector, invitation=invitation, **values)


@pytest.fixture
def inv(city: City, personas: Personas) -> Inv:
    detachment = make_org(
        "常州市交通运输综合行政执法支队", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=city.superuser
    )
    inspector = make_user(city, "transport_inspector", detachment, Role.INSPECTOR, city.city)
    other = make_user(city, "xinbei_inspector", city.bureau_a, Role.INSPECTOR, city.district_a)
    expert = Expert.objects.create(person=Person.objects.get(user=personas.expert), region=city.city, level="city")
    return Inv(city=city, personas=personas, detachment=detachment, inspector=inspector, other_inspector=other, expert=expert)
