"""Campaigns of the deep safety check, their target enterprises, panels and scheduler runs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.deepchecks.choices import CampaignStatus, PanelStatus, RunStatus

OFFICIALS = frozenset({"city_admin", "city_official", "district_official"})


class Campaign(AuditedModel):
    """A yearly deep safety check of a region's enterprises, e.g. "2023 新北区危险化学品企业深度安全体检".

    The panel rule is configurable per campaign (Xinbei: at least 5 experts, at least 3 of them
    provincial-level or above); ``workload_cap`` bounds the panels per expert; a check takes
    ``days_per_check`` working days; ``conflict_years`` is how long a past employer stays a conflict.
    """

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    min_panel_size = models.PositiveSmallIntegerField(_("minimum panel size"), default=5, validators=[MinValueValidator(1)])
    min_senior = models.PositiveSmallIntegerField(
        _("minimum provincial-level or above experts"), default=3, validators=[MinValueValidator(0)]
    )
    workload_cap = models.PositiveSmallIntegerField(
        _("workload cap (panels per expert)"), default=6, validators=[MinValueValidator(1)]
    )
    days_per_check = models.PositiveSmallIntegerField(
        _("days per check"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    max_panels_per_day = models.PositiveSmallIntegerField(_("maximum panels per day"), null=True, blank=True)
    conflict_years = models.PositiveSmallIntegerField(_("years a past affiliation is a conflict"), default=3)
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)

    scope_rule = ScopeRule(region_path="region__path", change_roles=OFFICIALS)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("deep safety check campaign")
        verbose_name_plural = _("deep safety check campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="deepchecks_campaign_period",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(min_senior__lte=models.F("min_panel_size")),
                name="deepchecks_campaign_senior_le_size",
                violation_error_message=_("A panel cannot need more provincial-level experts than members."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(AuditedModel):
    """An enterprise the campaign checks, with the specialties its panel needs (derived from its
    risk registry by ``services.specialties.derive``; ``specialties_overridden`` keeps a manual choice)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="deepcheck_targets"
    )
    needed_specialties = models.ManyToManyField(
        "deepchecks.Specialty", verbose_name=_("needed specialties"), related_name="+", blank=True
    )
    specialties_overridden = models.BooleanField(_("specialties set by hand"), default=False)

    scope_rule = ScopeRule(region_path="campaign__region__path", organisation="organisation", change_roles=OFFICIALS)

    class Meta:
        ordering = ["campaign", "organisation__name"]
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                name="deepchecks_target_once",
                violation_error_message=_("This enterprise is already a target of the campaign."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.campaign}"


class Panel(AuditedModel):
    """The expert panel (专家组) that checks one target enterprise on its check days."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="panels")
    target = models.OneToOneField(
        CampaignTarget, verbose_name=_("target enterprise"), on_delete=models.CASCADE, related_name="panel"
    )
    start_date = models.DateField(_("check date"), db_index=True)
    end_date = models.DateField(_("last check day"))
    status = models.CharField(_("status"), max_length=16, choices=PanelStatus.choices, default=PanelStatus.PLANNED)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    scope_rule = ScopeRule(region_path="campaign__region__path", organisation="target__organisation", change_roles=OFFICIALS)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="deepchecks_panel_dates",
                violation_error_message=_("A panel's last day cannot be before its first."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.organisation} · {self.start_date}"


class PanelMember(AuditedModel):
    """An expert sitting on a panel; one member leads it."""

    panel = models.ForeignKey(Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey("deepchecks.Expert", verbose_name=_("expert"), on_delete=models.PROTECT, related_name="seats")
    is_leader = models.BooleanField(_("panel leader"), default=False)

    scope_rule = ScopeRule(
        region_path="panel__campaign__region__path",
        organisation="panel__target__organisation",
        person="expert__person",
        change_roles=OFFICIALS,
    )

    class Meta:
        ordering = ["panel", "-is_leader", "expert__person__name"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "expert"],
                name="deepchecks_member_once",
                violation_error_message=_("This expert already sits on the panel."),
            ),
            models.UniqueConstraint(
                fields=["panel"],
                condition=Q(is_leader=True),
                name="deepchecks_one_leader",
                violation_error_message=_("A panel has one leader."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} @ {self.panel}"


class ScheduleRun(AuditedModel):
    """One run of the scheduler for a campaign (a background task): status, progress, the solver's
    figures, and the reasons when no schedule exists."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=16, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("best bound"), null=True, blank=True)
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    wall_time = models.FloatField(_("solve time (s)"), null=True, blank=True)
    uncovered = models.PositiveIntegerField(_("needed specialties not covered"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    scope_rule = ScopeRule(region_path="campaign__region__path", change_roles=OFFICIALS)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_status_display()}"
