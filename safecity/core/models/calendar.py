"""The public-holiday calendar: the days off and the adjusted working days (调休上班日) the State
Council General Office announces each year (国务院办公厅关于XXXX年部分节假日安排的通知).

Working-day deadlines (an invited inspection's scheduling deadline, domain-rules §7b) and the
working days engineers are planned on (§7c) read it through :mod:`safecity.core.calendar`. The
years 2023-2026 are loaded from ``core/data/cn_public_holidays.json`` by a data migration; a city
administrator enters a new year's notice in the admin (every change audited).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarDay(AuditedModel):
    """One day that is not what its weekday says: a day off of a public holiday, or a weekend day
    worked instead (调休). Days not listed are working days Monday to Friday."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("holiday"), max_length=40, help_text=_("e.g. 春节, 国庆节"))
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("the notice that announced it"))

    # Public reference data: every signed-in user reads it, city administrators change it.
    scope_rule = ScopeRule(authenticated=True, change_roles=frozenset({"city_admin"}))

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("public-holiday calendar")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name} ({self.get_kind_display()})"
