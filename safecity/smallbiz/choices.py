"""Codes of small and micro enterprise safety services (issue 16, domain-rules §7c)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseSize(models.TextChoices):
    """Enterprise size by the statistical standard (统计上大中小微型企业划分办法, 国统字〔2017〕213号)."""

    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class BuyerKind(models.TextChoices):
    """Who buys a group-purchase service package (domain-rules §7c: group purchase by a park, trade or street)."""

    STREET = "street", _("Street / town office")
    TRADE_ASSOCIATION = "trade_association", _("Trade association")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    CLOSED = "closed", _("Closed")


class ContractAction(models.TextChoices):
    ACTIVATE = "activate", _("Put in force")
    CLOSE = "close", _("Close")


class VisitState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class VisitAction(models.TextChoices):
    SIGN = "sign", _("Sign the visit")
    CANCEL = "cancel", _("Cancel the visit")


class ScoreBy(models.TextChoices):
    """Who scores a service visit: the enterprise served and the street that bought the service."""

    ENTERPRISE = "enterprise", _("Enterprise")
    STREET = "street", _("Street / town")
