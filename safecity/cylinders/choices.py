"""Codes of the cylinder registry: states, event kinds, media, gate reasons (TSG 23-2021, GB 5842)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CylinderState(models.TextChoices):
    """Where a cylinder is in its cycle. ``scrapped`` is terminal (its code is voided for ever)."""

    EMPTY = "empty", _("Empty (at the filling unit)")
    FILLED = "filled", _("Filled")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered to a user")
    FAILED = "failed", _("Failed inspection")
    REPAIRED = "repaired", _("Repaired, awaiting re-inspection")
    SCRAPPED = "scrapped", _("Scrapped")


class EventKind(models.TextChoices):
    """The steps of a cylinder's life; each is one signed statement in the ledger (``cylinders.<kind>``)."""

    REGISTRATION = "registration", _("Registration")
    FILLING = "filling", _("Filling")
    DISPATCH = "dispatch", _("Dispatch")
    DELIVERY = "delivery", _("Delivery to a user")
    RETURN = "return", _("Return (empty)")
    INSPECTION = "inspection", _("Periodic inspection")
    REPAIR = "repair", _("Repair")
    SCRAPPING = "scrapping", _("Scrapping")


class MediumClass(models.TextChoices):
    """Medium classes with their own periodic-inspection interval (TSG 23-2021 §8.1 / Annex)."""

    LPG_STEEL = "lpg_steel", _("Liquefied petroleum gas (steel cylinder)")
    CORROSIVE = "corrosive", _("Corrosive gas")
    INERT = "inert", _("Inert or high-purity gas")
    GENERAL = "general", _("Other gas")


class Medium(models.TextChoices):
    LPG = "lpg", _("Liquefied petroleum gas (LPG)")
    OXYGEN = "oxygen", _("Oxygen")
    NITROGEN = "nitrogen", _("Nitrogen")
    ARGON = "argon", _("Argon")
    CARBON_DIOXIDE = "carbon_dioxide", _("Carbon dioxide")
    ACETYLENE = "acetylene", _("Acetylene")
    CHLORINE = "chlorine", _("Chlorine")
    AMMONIA = "ammonia", _("Ammonia")


MEDIUM_CLASS: dict[str, str] = {
    Medium.LPG: MediumClass.LPG_STEEL,
    Medium.OXYGEN: MediumClass.GENERAL,
    Medium.NITROGEN: MediumClass.INERT,
    Medium.ARGON: MediumClass.INERT,
    Medium.CARBON_DIOXIDE: MediumClass.GENERAL,
    Medium.ACETYLENE: MediumClass.GENERAL,
    Medium.CHLORINE: MediumClass.CORROSIVE,
    Medium.AMMONIA: MediumClass.CORROSIVE,
}


class InspectionResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class RecipientKind(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant")
    HOUSEHOLD = "household", _("Household")


class GateReason(models.TextChoices):
    """Why the filling gate refuses a cylinder (TSG 23-2021 §6 filling requirements; DB4114/T 185-2023)."""

    NOT_REGISTERED = "not_registered", _("Not registered: the code is unknown")
    CODE_VOIDED = "code_voided", _("The code is voided")
    NOT_OWN_PROPERTY = "not_own_property", _("Not the own property of this filling unit")
    SCRAPPED = "scrapped", _("Scrapped")
    PAST_SCRAP_AGE = "past_scrap_age", _("Past its scrap age")
    INSPECTION_OVERDUE = "inspection_overdue", _("Periodic inspection overdue")
    INSPECTION_DATE_MISSING = "inspection_date_missing", _("No next periodic inspection date on record")
    SCRAP_DATE_MISSING = "scrap_date_missing", _("No scrap date on record")
    DATES_CONTRADICT_HISTORY = "dates_contradict_history", _("Its dates contradict its history")
    LAST_INSPECTION_FAILED = "last_inspection_failed", _("Failed its last periodic inspection")
    NOT_EMPTY = "not_empty", _("Not returned empty")
    MARKS_ILLEGIBLE = "marks_illegible", _("Marks illegible at the pre-fill check")
    ACCESSORIES_DEFECTIVE = "accessories_defective", _("Defective accessories at the pre-fill check")
    APPEARANCE_DEFECTIVE = "appearance_defective", _("Visible damage at the pre-fill check")
