"""The rules of the factory-within-a-factory register (domain-rules §6), pure (no database).

- A tenant needs a safety-management agreement with the landlord in force (Safety Production Law
  art. 49): missing or expired is a hidden hazard of the landlord; one ending within
  ``SAFECITY_PARKS_AGREEMENT_WARN_DAYS`` (30) is shown as expiring.
- The landlord inspects each tenant within the period it set (``Park.inspection_interval_days``),
  counted from the last inspection, or from the day the tenant moved in; a tenant not inspected in
  time, or a landlord that set no period at all (coordinates none), is a major hidden hazard under
  order No. 10 (《工贸企业重大事故隐患判定标准》, 2023) art. 3 item (1).
- Living quarters in the same premises as production or storage (三合一, "three-in-one") are banned
  by the fire rules for leased plants (消防〔2023〕72号) and are a major fire hazard (GB 35181-2017).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from safecity.parks.choices import AgreementState

DEFAULT_AGREEMENT_WARN_DAYS = 30


@dataclass(frozen=True)
class Period:
    valid_from: date
    valid_until: date


def agreement_state(periods: Iterable[Period], today: date, *, warn_days: int = DEFAULT_AGREEMENT_WARN_DAYS) -> AgreementState:
    """Where a tenant's agreements leave it on ``today``: valid (one in force; expiring when the one
    reaching furthest ends within ``warn_days``), expired (agreements, none in force) or missing."""
    periods = list(periods)
    if not periods:
        return AgreementState.MISSING
    in_force = [p for p in periods if p.valid_from <= today <= p.valid_until]
    if not in_force:
        # An agreement signed for a later start does not cover today: the tenant is without one,
        # expired if one covered it before, missing if none ever did.
        return AgreementState.EXPIRED if any(p.valid_until < today for p in periods) else AgreementState.MISSING
    furthest = max(p.valid_until for p in in_force)
    # A following agreement starting the day after the current one ends continues the cover.
    for p in sorted(periods, key=lambda p: p.valid_from):
        if (p.valid_from - furthest).days <= 1 and p.valid_until > furthest:
            furthest = p.valid_until
    return AgreementState.EXPIRING if (furthest - today).days < warn_days else AgreementState.VALID


def inspection_due(*, entered_on: date, last_inspected_on: date | None, interval_days: int | None) -> date | None:
    """The day by which the landlord must next inspect the tenant (None: no period set)."""
    if interval_days is None:
        return None
    start = max(d for d in (entered_on, last_inspected_on) if d is not None)
    # A day near the end of the calendar (a typed 9999) must not break every page that shows it.
    return date.max if (date.max - start).days < interval_days else start + timedelta(days=interval_days)


def inspection_overdue(*, entered_on: date, last_inspected_on: date | None, interval_days: int | None, today: date) -> bool:
    due = inspection_due(entered_on=entered_on, last_inspected_on=last_inspected_on, interval_days=interval_days)
    return due is not None and today > due


def three_in_one(*, production: bool, storage: bool, living: bool) -> bool:
    """People living in the premises where the tenant produces or stores (三合一)."""
    return living and (production or storage)


# The landlord's checklist for a tenant inspection (Jiangsu's 厂中厂 campaign: manage the tenants,
# control the major risks). A failed item is a hidden hazard of the tenant, of the type given.
@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: Any
    hazard_type: int


def checklist() -> list[ChecklistItem]:
    from safecity.hazards.choices import HazardType

    return [
        ChecklistItem("agreement", _("The safety-management agreement is signed and its duties are known"), HazardType.SAFETY),
        ChecklistItem("exits", _("Escape routes and safety exits are clear and marked"), HazardType.FIRE),
        ChecklistItem("fire_equipment", _("Extinguishers and hydrants are in place and in date"), HazardType.FIRE),
        ChecklistItem("electrical", _("Wiring and distribution boxes are safe, no temporary lines"), HazardType.ELECTRICAL),
        ChecklistItem("dangerous_processes", _("Dangerous processes are under control as declared"), HazardType.PROCESS),
        ChecklistItem("storage", _("Flammable goods are stored within limits and apart"), HazardType.FIRE),
        ChecklistItem("no_living", _("Nobody lives in the production or storage premises"), HazardType.FIRE),
        ChecklistItem("separation", _("People and vehicles are kept apart"), HazardType.LAYOUT),
        ChecklistItem("training", _("Workers are trained and know the emergency plan"), HazardType.SAFETY),
    ]


def checklist_codes() -> list[str]:
    return [item.code for item in checklist()]
