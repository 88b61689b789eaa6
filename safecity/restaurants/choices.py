"""Codes of restaurant gas safety (issue 15, domain-rules §7a): a restaurant's kitchen fuel, the
steps of its bottle-to-pipeline / bottle-to-electric conversion (瓶改管 / 瓶改电) and the subsidy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KitchenFuel(models.TextChoices):
    """What the kitchen cooks with today."""

    BOTTLED_LPG = "bottled_lpg", _("Bottled LPG")
    PIPED_GAS = "piped_gas", _("Piped gas")
    ELECTRIC = "electric", _("Electric")


class ConversionTarget(models.TextChoices):
    """What the plan converts the kitchen to; ``none`` when neither is feasible (the restaurant stays
    on cylinders, with a gas-leak safety protection device)."""

    PIPE = "pipe", _("To piped gas")
    ELECTRIC = "electric", _("To electric")
    NONE = "none", _("Cannot convert")


class ConversionStep(models.TextChoices):
    """Where a restaurant is in its campaign: survey, plan, construction, acceptance, subsidy. A
    restaurant that cannot convert leaves the steps for the safety-device track (terminal)."""

    LISTED = "listed", _("To be surveyed")
    SURVEYED = "surveyed", _("Surveyed")
    PLANNED = "planned", _("Planned")
    CONSTRUCTION = "construction", _("Under construction")
    ACCEPTED = "accepted", _("Accepted")
    SUBSIDY_APPLIED = "subsidy_applied", _("Subsidy applied for")
    SUBSIDY_APPROVED = "subsidy_approved", _("Subsidy approved")
    SUBSIDY_PAID = "subsidy_paid", _("Subsidy paid")
    SAFETY_DEVICES = "safety_devices", _("Stays on cylinders (safety devices)")


class ConversionAction(models.TextChoices):
    SURVEY = "survey", _("Record the survey")
    PLAN = "plan", _("Record the plan")
    START = "start", _("Start construction")
    ACCEPT = "accept", _("Record the acceptance")
    APPLY = "apply", _("Apply for the subsidy")
    APPROVE = "approve", _("Approve the subsidy")
    PAY = "pay", _("Record the payment")


class Acceptor(models.TextChoices):
    """Who accepts a converted kitchen: the gas company (piped gas) or the district (electric)."""

    GAS_COMPANY = "gas_company", _("Gas company")
    DISTRICT = "district", _("District")


class FlagKind(models.TextChoices):
    """What the cross-check against the cylinder ledger found (issue 15 §3)."""

    DELIVERED_AFTER_CONVERSION = "delivered_after_conversion", _("Cylinders delivered after the conversion was accepted")
    OTHER_SUPPLIER = "other_supplier", _("Cylinders from a station other than the contracted supplier")
    TOO_MANY_CYLINDERS = "too_many_cylinders", _("More cylinders on site than allowed")
    NO_DETECTOR = "no_detector", _("On bottled LPG without a gas detector")


class LeakOutcome(models.TextChoices):
    """How a gas-leak alarm was dispositioned (issue 15 §4)."""

    FALSE_ALARM = "false_alarm", _("False alarm")
    LEAK_FIXED = "leak_fixed", _("Leak found and fixed")


class LeakEscalation(models.TextChoices):
    """Why a gas-leak alarm was escalated up the chain."""

    OVERDUE = "overdue", _("Not dispositioned in time")
    VALVE_OPEN = "valve_open", _("Shut-off valve reported open during the alarm")
    OFFLINE = "offline", _("Detector went silent during the alarm")
