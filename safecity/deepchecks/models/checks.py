"""The check itself (坐堂会诊): the session's checklist, findings (each a hidden hazard) and root causes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.deepchecks.choices import CauseCategory, ItemResult, ManagementElement

CHECKERS = frozenset({"city_admin", "city_official", "district_official", "inspector", "expert"})


class CheckSession(AuditedModel):
    """The panel's check at the enterprise, with the checklist generated from the dictionary
    (the CheckItems of the StandardMeasures of the dictionary entries of the enterprise's RiskUnits)."""

    panel = models.OneToOneField("deepchecks.Panel", verbose_name=_("panel"), on_delete=models.CASCADE, related_name="session")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    scope_rule = ScopeRule(region_path="panel__campaign__region__path", organisation="organisation", change_roles=CHECKERS)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("check session")
        verbose_name_plural = _("check sessions")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.started_at:%Y-%m-%d}"


class ChecklistItem(AuditedModel):
    """One line of the session's checklist: a dictionary check item for one of the enterprise's risk units."""

    session = models.ForeignKey(CheckSession, verbose_name=_("check session"), on_delete=models.CASCADE, related_name="items")
    check_item = models.ForeignKey(
        "riskdict.CheckItem",
        verbose_name=_("dictionary check item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    risk_unit = models.ForeignKey(
        "hazards.RiskUnit",
        verbose_name=_("risk analysis unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.CharField(_("check content"), max_length=1000)
    basis = models.CharField(_("basis"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    result = models.CharField(_("result"), max_length=16, choices=ItemResult.choices, default=ItemResult.PENDING)

    scope_rule = ScopeRule(
        region_path="session__panel__campaign__region__path", organisation="session__organisation", change_roles=CHECKERS
    )

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.content[:60]


class Finding(AuditedModel):
    """A finding of the panel: always a hidden hazard (source 8, external expert diagnosis) that
    follows the dual-prevention lifecycle; ``found_at`` is the hazard's discovery time."""

    session = models.ForeignKey(CheckSession, verbose_name=_("check session"), on_delete=models.CASCADE, related_name="findings")
    target = models.ForeignKey(
        "deepchecks.CampaignTarget", verbose_name=_("target enterprise"), on_delete=models.CASCADE, related_name="findings"
    )
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    hazard = models.OneToOneField(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.PROTECT, related_name="deepcheck_finding"
    )
    expert = models.ForeignKey(
        "deepchecks.Expert",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now, db_index=True)

    scope_rule = ScopeRule(region_path="organisation__region__path", organisation="organisation", change_roles=CHECKERS)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["organisation", "found_at"], name="deepchecks_finding_org_time")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.hazard_id}"


class RootCause(AuditedModel):
    """Root-cause analysis of one finding: the direct cause (person, object, management,
    environment) and the management-system element that failed (the root cause)."""

    finding = models.OneToOneField(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="root_cause")
    category = models.CharField(_("cause"), max_length=16, choices=CauseCategory.choices)
    management_element = models.CharField(_("management element that failed"), max_length=32, choices=ManagementElement.choices)
    note = models.TextField(_("analysis"), blank=True)

    scope_rule = ScopeRule(
        region_path="finding__organisation__region__path", organisation="finding__organisation", change_roles=CHECKERS
    )

    class Meta:
        ordering = ["finding"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        indexes = [models.Index(fields=["management_element"], name="deepchecks_rootcause_element")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_management_element_display()}"
