"""The conversion programme's writes (issue 15 §2, domain-rules §7a): campaigns, their target
restaurants, and each restaurant's steps (survey, plan, construction, acceptance, subsidy).

Every step is one service: the conversion row locked, the step checked against ``transitions.py``
(the actor's roles on this restaurant included), the step's fields checked, the change, its
timeline row and its evidence written in one transaction (audited through the models). Anything
refused leaves nothing half-written.

Rules and where they come from:

- the steps and the subsidy as a share of the cost, paid in instalments (e.g. 30 %), are the local
  programme's rules (domain-rules §7a: programmes elsewhere survey each shop 一户一表, plan pipe or
  electric, build, turn the gas on, accept, then subsidise); the share and the cap per restaurant
  are the campaign's (``Campaign.subsidy_rate``, ``subsidy_cap``): a subsidy above either is refused;
- a kitchen is accepted after its construction started and not in the future; acceptance of a
  piped-gas kitchen is by the gas company (it turns the gas on: GB 55009-2021, gas installations are
  accepted before use), of an electric one by the district; the acceptance certificate or photos
  are its evidence;
- a restaurant that can convert to neither records why, and stays on cylinders on the safety-device
  track: a gas-leak alarm linked to an automatic shut-off valve (the Jiangsu gas regulations; the
  Safety Production Law requires catering units that use gas to install combustible-gas alarms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.models import Region
from safecity.core.scoping import roles_for
from safecity.hazards.services.evidence import evidence_content_type
from safecity.restaurants.choices import Acceptor, ConversionAction, ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, ConversionEvent, ConversionEvidence, Restaurant
from safecity.restaurants.services.common import (
    RestaurantError,
    actor_label,
    is_platform,
    require_change,
    require_target,
    today,
)
from safecity.restaurants.transitions import transition_for

CENT = Decimal("0.01")


# --- campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    name: str,
    region: Region,
    deadline: date,
    subsidy_cap: Decimal | str,
    subsidy_rate: Decimal | str = Decimal("0.30"),
    description: str = "",
) -> Campaign:
    """Open a conversion campaign for a street or an area within the actor's jurisdiction."""
    name = name.strip()
    if Campaign.objects.filter(name=name).exists():
        raise RestaurantError({"name": _("A campaign named “%(name)s” already exists.") % {"name": name}}, code="duplicate")
    campaign = Campaign(
        name=name,
        region=region,
        deadline=deadline,
        subsidy_cap=Decimal(str(subsidy_cap)),
        subsidy_rate=Decimal(str(subsidy_rate)),
        description=description.strip(),
    )
    campaign.full_clean()
    require_target(actor, campaign)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_add_restaurants(*, actor: Any, campaign: Campaign, restaurants: Sequence[Restaurant]) -> list[Conversion]:
    """Put restaurants on a campaign's target list (all or none). A restaurant is in the programme
    once: one already listed (in this campaign or another) is refused, as is one outside the
    campaign's street or area, or on piped gas or electric already."""
    require_change(actor, campaign)
    errors: list[str] = []
    seen: set[int] = set()
    listed = dict(
        Conversion.objects.filter(restaurant__in=[r.pk for r in restaurants]).values_list("restaurant_id", "campaign__name")
    )
    for restaurant in restaurants:
        label = restaurant.organisation.name
        if restaurant.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": label})
        elif restaurant.pk in listed:
            errors.append(
                _("%(name)s is already in the programme (campaign “%(campaign)s”).")
                % {"name": label, "campaign": listed[restaurant.pk]}
            )
        elif not restaurant.organisation.region.path.startswith(campaign.region.path):
            errors.append(_("%(name)s is not in %(region)s.") % {"name": label, "region": campaign.region.name})
        elif restaurant.fuel != KitchenFuel.BOTTLED_LPG:
            errors.append(_("%(name)s already cooks with %(fuel)s.") % {"name": label, "fuel": restaurant.get_fuel_display()})
        seen.add(restaurant.pk)
    if errors:
        raise RestaurantError(errors, code="duplicate" if listed else "invalid")
    conversions = []
    for restaurant in restaurants:
        conversion = Conversion(campaign=campaign, restaurant=restaurant)
        require_target(actor, conversion)
        conversion.save()
        conversions.append(conversion)
    return conversions


# --- the steps -----------------------------------------------------------------------------------


def _lock(conversion: Conversion) -> Conversion:
    return (
        Conversion.objects.select_for_update()
        .select_related("campaign", "restaurant__organisation__region")
        .get(pk=conversion.pk)
    )


def _begin(actor: Any, conversion: Conversion, action: str, *, expected: str | None = None) -> tuple[Conversion, str]:
    """Lock the row and check the step: (the locked conversion, the step it leaves)."""
    conversion = _lock(conversion)
    if expected is not None and conversion.step != expected:
        raise RestaurantError(
            _("The restaurant is already at “%(step)s”; reload to see it.") % {"step": conversion.get_step_display()},
            code="conflict",
        )
    transition = transition_for(action, conversion.step)
    if transition is None:
        raise RestaurantError(
            _("“%(action)s” is not possible while the restaurant is at “%(step)s”.")
            % {"action": ConversionAction(action).label, "step": conversion.get_step_display()},
            code="transition_not_allowed",
        )
    if not is_platform(actor) and not (roles_for(actor, conversion) & transition.roles):
        raise PermissionDenied
    return conversion, conversion.step


def _date(value: date | None, field: str, *, not_before: date | None = None, before_label: str = "") -> date:
    day = value or today()
    if day > today():
        raise RestaurantError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise RestaurantError(
            {field: _("The date cannot be before %(what)s (%(day)s).") % {"what": before_label, "day": not_before}}
        )
    return day


def _check_files(files: Sequence[UploadedFile]) -> list[str]:
    """Photos (JPEG, PNG) and PDFs, recognised by content, each within SAFECITY_EVIDENCE_MAX_BYTES."""
    limit = settings.SAFECITY_EVIDENCE_MAX_BYTES
    types = []
    for file in files:
        if file.size is None or file.size > limit:
            raise RestaurantError({"evidence": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}})
        head = file.read(16)
        file.seek(0)
        content_type = evidence_content_type(head)
        if content_type is None:
            raise RestaurantError({"evidence": _("Only photos (JPEG, PNG) and PDF documents are accepted.")})
        types.append(content_type)
    return types


def _finish(
    actor: Any,
    conversion: Conversion,
    *,
    action: str,
    source: str,
    fields: list[str],
    comment: str = "",
    evidence: Sequence[UploadedFile] = (),
    content_types: Sequence[str] = (),
) -> Conversion:
    conversion.full_clean(exclude=["campaign", "restaurant"])
    conversion.save(update_fields=[*fields, "step", "updated_at"])
    ConversionEvent.objects.create(
        conversion=conversion,
        action=action,
        from_step=source,
        to_step=conversion.step,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor)[:150],
        comment=comment.strip(),
    )
    for file, content_type in zip(evidence, content_types, strict=True):
        item = ConversionEvidence(conversion=conversion, stage=action, content_type=content_type, size=file.size or 0)
        item.file.save(file.name or "evidence", file, save=False)
        item.save()
    return conversion


@transaction.atomic
def conversion_survey(
    *,
    actor: Any,
    conversion: Conversion,
    surveyed_on: date | None = None,
    appliances: str = "",
    pipe_feasible: bool,
    electric_feasible: bool,
    willing: bool,
    note: str = "",
    evidence: Sequence[UploadedFile] = (),
    expected: str | None = None,
) -> Conversion:
    """Record the survey of one restaurant (一户一表): its gas appliances, whether piped gas and an
    electric kitchen are feasible there, whether it is willing; photos of the kitchen as evidence."""
    conversion, source = _begin(actor, conversion, ConversionAction.SURVEY, expected=expected)
    types = _check_files(evidence)
    conversion.surveyed_on = _date(surveyed_on, "surveyed_on")
    conversion.appliances = appliances.strip()
    conversion.pipe_feasible, conversion.electric_feasible, conversion.willing = pipe_feasible, electric_feasible, willing
    conversion.survey_note = note.strip()
    conversion.step = ConversionStep.SURVEYED
    fields = ["surveyed_on", "appliances", "pipe_feasible", "electric_feasible", "willing", "survey_note"]
    return _finish(
        actor, conversion, action=ConversionAction.SURVEY, source=source, fields=fields, evidence=evidence, content_types=types
    )


@transaction.atomic
def conversion_plan(
    *,
    actor: Any,
    conversion: Conversion,
    target: str,
    reason: str = "",
    planned_on: date | None = None,
    expected: str | None = None,
) -> Conversion:
    """Decide the conversion: to piped gas or to electric (what the survey found feasible), or
    neither, with the reason, which moves the restaurant to the safety-device track."""
    conversion, source = _begin(actor, conversion, ConversionAction.PLAN, expected=expected)
    if target not in ConversionTarget.values:
        raise RestaurantError({"target": _("Choose piped gas, electric, or cannot convert.")})
    reason = reason.strip()
    if target == ConversionTarget.NONE and not reason:
        raise RestaurantError({"reason": _("Say why the restaurant can convert to neither piped gas nor electric.")})
    if target == ConversionTarget.PIPE and conversion.pipe_feasible is False:
        raise RestaurantError(
            {"target": _("The survey found piped gas not feasible here; record a new survey first.")}, code="guard"
        )
    if target == ConversionTarget.ELECTRIC and conversion.electric_feasible is False:
        raise RestaurantError(
            {"target": _("The survey found an electric kitchen not feasible here; record a new survey first.")}, code="guard"
        )
    conversion.planned_on = _date(planned_on, "planned_on", not_before=conversion.surveyed_on, before_label=_("the survey"))
    conversion.target = target
    conversion.infeasible_reason = reason if target == ConversionTarget.NONE else ""
    conversion.step = ConversionStep.SAFETY_DEVICES if target == ConversionTarget.NONE else ConversionStep.PLANNED
    return _finish(
        actor,
        conversion,
        action=ConversionAction.PLAN,
        source=source,
        fields=["planned_on", "target", "infeasible_reason"],
        comment=reason,
    )


@transaction.atomic
def conversion_start(
    *, actor: Any, conversion: Conversion, started_on: date | None = None, expected: str | None = None
) -> Conversion:
    """Construction starts (pipe laid, or the electric kitchen fitted)."""
    conversion, source = _begin(actor, conversion, ConversionAction.START, expected=expected)
    conversion.construction_started_on = _date(
        started_on, "construction_started_on", not_before=conversion.planned_on, before_label=_("the plan")
    )
    conversion.step = ConversionStep.CONSTRUCTION
    return _finish(actor, conversion, action=ConversionAction.START, source=source, fields=["construction_started_on"])


@transaction.atomic
def conversion_accept(
    *,
    actor: Any,
    conversion: Conversion,
    acceptor: str,
    acceptor_name: str,
    cost: Decimal | str,
    accepted_on: date | None = None,
    evidence: Sequence[UploadedFile] = (),
    expected: str | None = None,
) -> Conversion:
    """Record the acceptance (by the gas company for piped gas, by the district for electric) with
    its certificate or photos (at least one). The restaurant's kitchen fuel changes to what it was
    converted to and it keeps no cylinders from that day: any cylinder delivered to it afterwards is
    found by the cross-check."""
    conversion, source = _begin(actor, conversion, ConversionAction.ACCEPT, expected=expected)
    if acceptor not in Acceptor.values:
        raise RestaurantError({"acceptor": _("Choose the gas company or the district.")})
    if not acceptor_name.strip():
        raise RestaurantError({"acceptor_name": _("Name the unit that accepted the kitchen.")})
    if not evidence:
        raise RestaurantError({"evidence": _("Attach the acceptance certificate or photos of the converted kitchen.")})
    types = _check_files(evidence)
    started = conversion.construction_started_on
    conversion.accepted_on = _date(accepted_on, "accepted_on", not_before=started, before_label=_("the start of construction"))
    conversion.acceptor, conversion.acceptor_name = acceptor, acceptor_name.strip()
    conversion.cost = _money(cost, "cost")
    conversion.step = ConversionStep.ACCEPTED
    restaurant = Restaurant.objects.select_for_update().get(pk=conversion.restaurant_id)
    restaurant.fuel = KitchenFuel.PIPED_GAS if conversion.target == ConversionTarget.PIPE else KitchenFuel.ELECTRIC
    restaurant.cylinders_on_site = 0
    restaurant.save(update_fields=["fuel", "cylinders_on_site", "updated_at"])
    return _finish(
        actor,
        conversion,
        action=ConversionAction.ACCEPT,
        source=source,
        fields=["accepted_on", "acceptor", "acceptor_name", "cost"],
        evidence=evidence,
        content_types=types,
    )


def _money(value: Decimal | str | None, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (ArithmeticError, ValueError):
        raise RestaurantError({field: _("Give an amount in yuan, e.g. 12000.00.")}) from None
    if amount < 0 or not amount.is_finite():
        raise RestaurantError({field: _("Give an amount in yuan, e.g. 12000.00.")})
    return amount


def subsidy_limit(conversion: Conversion) -> Decimal:
    """The most the programme pays this restaurant: the campaign's share of the accepted cost, up
    to its cap (rounded down to the fen)."""
    share = ((conversion.cost or Decimal(0)) * conversion.campaign.subsidy_rate).quantize(CENT, rounding=ROUND_DOWN)
    return min(share, conversion.campaign.subsidy_cap)


def _check_subsidy(conversion: Conversion, amount: Decimal) -> None:
    limit = subsidy_limit(conversion)
    if amount > limit:
        raise RestaurantError(
            {
                "subsidy_amount": _(
                    "The subsidy is at most %(limit)s yuan: %(rate)s%% of the cost of %(cost)s yuan, up to the campaign's cap of %(cap)s yuan."
                )
                % {
                    "limit": limit,
                    "rate": (conversion.campaign.subsidy_rate * 100).normalize(),
                    "cost": conversion.cost,
                    "cap": conversion.campaign.subsidy_cap,
                }
            },
            code="invalid",
        )


@transaction.atomic
def conversion_subsidy_apply(
    *,
    actor: Any,
    conversion: Conversion,
    amount: Decimal | str,
    applied_on: date | None = None,
    evidence: Sequence[UploadedFile] = (),
    expected: str | None = None,
) -> Conversion:
    """The restaurant (or the district for it) applies for the subsidy: at most the campaign's share
    of the cost and its cap."""
    conversion, source = _begin(actor, conversion, ConversionAction.APPLY, expected=expected)
    types = _check_files(evidence)
    conversion.subsidy_amount = _money(amount, "subsidy_amount")
    _check_subsidy(conversion, conversion.subsidy_amount)
    conversion.subsidy_applied_on = _date(
        applied_on, "subsidy_applied_on", not_before=conversion.accepted_on, before_label=_("the acceptance")
    )
    conversion.step = ConversionStep.SUBSIDY_APPLIED
    return _finish(
        actor,
        conversion,
        action=ConversionAction.APPLY,
        source=source,
        fields=["subsidy_amount", "subsidy_applied_on"],
        evidence=evidence,
        content_types=types,
    )


@transaction.atomic
def conversion_subsidy_approve(
    *,
    actor: Any,
    conversion: Conversion,
    amount: Decimal | str | None = None,
    approved_on: date | None = None,
    comment: str = "",
    expected: str | None = None,
) -> Conversion:
    """The district approves the subsidy, as applied for or for less (never more than the limit)."""
    conversion, source = _begin(actor, conversion, ConversionAction.APPROVE, expected=expected)
    if amount is not None:
        approved = _money(amount, "subsidy_amount")
        if conversion.subsidy_amount is not None and approved > conversion.subsidy_amount:
            raise RestaurantError({"subsidy_amount": _("The approved subsidy cannot be more than the amount applied for.")})
        _check_subsidy(conversion, approved)
        conversion.subsidy_amount = approved
    conversion.subsidy_approved_on = _date(
        approved_on, "subsidy_approved_on", not_before=conversion.subsidy_applied_on, before_label=_("the application")
    )
    conversion.step = ConversionStep.SUBSIDY_APPROVED
    return _finish(
        actor,
        conversion,
        action=ConversionAction.APPROVE,
        source=source,
        fields=["subsidy_amount", "subsidy_approved_on"],
        comment=comment,
    )


@transaction.atomic
def conversion_subsidy_pay(
    *,
    actor: Any,
    conversion: Conversion,
    paid_on: date | None = None,
    evidence: Sequence[UploadedFile] = (),
    expected: str | None = None,
) -> Conversion:
    """Record that the approved subsidy was paid (the payment voucher as evidence)."""
    conversion, source = _begin(actor, conversion, ConversionAction.PAY, expected=expected)
    types = _check_files(evidence)
    conversion.subsidy_paid_on = _date(
        paid_on, "subsidy_paid_on", not_before=conversion.subsidy_approved_on, before_label=_("the approval")
    )
    conversion.step = ConversionStep.SUBSIDY_PAID
    return _finish(
        actor,
        conversion,
        action=ConversionAction.PAY,
        source=source,
        fields=["subsidy_paid_on"],
        evidence=evidence,
        content_types=types,
    )
