"""The enterprise risk registry: objects, units, events, control measures, check tasks and records.

Chain of the national dual-prevention guideline (domain-rules §1): risk analysis object ->
unit -> event (initial and current level) -> control measure -> check task -> check record.
Every row carries its enterprise (``organisation``) so it is scoped like the enterprise.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.hazards.choices import AssessmentMethod, CheckResult, RiskLevel, RiskObjectKind
from safecity.riskdict.choices import CycleUnit, MeasureClass, MeasureSubclass

# Jurisdiction roles supervise; the enterprise's own manager keeps the registry.
REGISTRY_SCOPE = ScopeRule(
    region_path="organisation__region__path",
    organisation="organisation",
    change_roles=frozenset({"city_admin", "district_official", "inspector"}),
    organisation_change_roles=frozenset({"enterprise_manager"}),
)


class RiskRegistry(AuditedModel):
    """An enterprise's risk registry header: which dictionary version its assessments use.

    A new dictionary version never changes the registry by itself: ``registry_upgrade`` shows the
    differences and applies them on request.
    """

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="risk_registry"
    )
    dictionary_version = models.ForeignKey(
        "riskdict.DictionaryVersion", verbose_name=_("dictionary version"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("last provincial report"), null=True, blank=True)

    scope_rule = REGISTRY_SCOPE

    class Meta:
        verbose_name = _("risk registry")
        verbose_name_plural = _("risk registries")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.dictionary_version}"


class RiskObject(AuditedModel):
    """A risk analysis object (风险分析对象), e.g. a major hazard installation.

    A major hazard installation names its principal, technical and operations persons in charge
    (包保责任制, 2021); the database refuses one without all three.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="risk_objects"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RiskObjectKind.choices, default=RiskObjectKind.PRODUCTION_UNIT)
    mhi_grade = models.PositiveSmallIntegerField(_("major hazard grade (1-4)"), null=True, blank=True)
    principal_in_charge = models.ForeignKey(
        "core.Person",
        verbose_name=_("principal person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    technical_in_charge = models.ForeignKey(
        "core.Person",
        verbose_name=_("technical person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operations_in_charge = models.ForeignKey(
        "core.Person",
        verbose_name=_("operations person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_rule = REGISTRY_SCOPE

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("risk analysis object")
        verbose_name_plural = _("risk analysis objects")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RiskObjectKind.MAJOR_HAZARD_INSTALLATION)
                | (
                    Q(principal_in_charge__isnull=False)
                    & Q(technical_in_charge__isnull=False)
                    & Q(operations_in_charge__isnull=False)
                    & Q(mhi_grade__gte=1, mhi_grade__lte=4)
                ),
                name="hazards_mhi_three_persons",
                violation_error_message=_(
                    "A major hazard installation needs its grade (1-4) and its principal, technical and operations persons in charge."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RiskUnit(AuditedModel):
    """A risk analysis unit (风险分析单元), e.g. a tank farm, optionally tied to a dictionary entry."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="risk_units"
    )
    risk_object = models.ForeignKey(
        RiskObject, verbose_name=_("risk analysis object"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    dictionary_entry = models.ForeignKey(
        "riskdict.RiskEntry",
        verbose_name=_("dictionary entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    scope_rule = REGISTRY_SCOPE

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("risk analysis unit")
        verbose_name_plural = _("risk analysis units")

    def __str__(self) -> str:
        return self.name


class RiskEvent(AuditedModel):
    """A risk event (风险事件), assessed by LEC or LS: initial level (without measures) and current level."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="risk_events"
    )
    unit = models.ForeignKey(RiskUnit, verbose_name=_("risk analysis unit"), on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("name"), max_length=200)
    accident_type = models.CharField(_("accident type"), max_length=100, blank=True)
    method = models.CharField(_("assessment method"), max_length=3, choices=AssessmentMethod.choices)
    initial_factors = models.JSONField(_("initial factors"), default=dict)
    initial_score = models.DecimalField(_("initial score"), max_digits=8, decimal_places=2)
    initial_level = models.PositiveSmallIntegerField(_("initial level"), choices=RiskLevel.choices)
    current_factors = models.JSONField(_("current factors"), default=dict)
    current_score = models.DecimalField(_("current score"), max_digits=8, decimal_places=2)
    current_level = models.PositiveSmallIntegerField(_("current level"), choices=RiskLevel.choices, db_index=True)
    dictionary_version = models.ForeignKey(
        "riskdict.DictionaryVersion",
        verbose_name=_("dictionary version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_rule = REGISTRY_SCOPE

    class Meta:
        ordering = ["current_level", "name"]
        verbose_name = _("risk event")
        verbose_name_plural = _("risk events")
        constraints = [
            models.CheckConstraint(
                condition=Q(initial_level__gte=1, initial_level__lte=4) & Q(current_level__gte=1, current_level__lte=4),
                name="hazards_event_levels",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ControlMeasure(AuditedModel):
    """A control measure (管控措施) of a risk event: from the dictionary or written by the enterprise."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="control_measures"
    )
    event = models.ForeignKey(RiskEvent, verbose_name=_("risk event"), on_delete=models.CASCADE, related_name="measures")
    standard_measure = models.ForeignKey(
        "riskdict.StandardMeasure",
        verbose_name=_("dictionary measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    measure_class = models.CharField(_("class"), max_length=16, choices=MeasureClass.choices)
    subclass = models.CharField(_("sub-class"), max_length=32, choices=MeasureSubclass.choices)
    content = models.TextField(_("content"))
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    scope_rule = REGISTRY_SCOPE

    class Meta:
        ordering = ["event", "measure_class", "id"]
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")

    def __str__(self) -> str:
        return self.content[:60]


class CheckTask(AuditedModel):
    """A check task (隐患排查任务): what to check, how often; the scheduler generates its due checks."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="check_tasks"
    )
    measure = models.ForeignKey(
        ControlMeasure, verbose_name=_("control measure"), on_delete=models.CASCADE, related_name="check_tasks"
    )
    content = models.TextField(_("check content"))
    cycle = models.PositiveIntegerField(_("cycle"))
    cycle_unit = models.CharField(_("cycle unit"), max_length=8, choices=CycleUnit.choices)
    assignee = models.ForeignKey(
        "core.Person", verbose_name=_("checker"), null=True, blank=True, on_delete=models.SET_NULL, related_name="check_tasks"
    )
    next_due_at = models.DateTimeField(_("next due"), db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = REGISTRY_SCOPE

    class Meta:
        ordering = ["next_due_at"]
        verbose_name = _("check task")
        verbose_name_plural = _("check tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__gt=0),
                name="hazards_checktask_cycle_positive",
                violation_error_message=_("A check cycle must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.content[:60]


class CheckRecord(AuditedModel):
    """One due check of a task (排查记录): done, hazard found, or overdue."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="check_records"
    )
    task = models.ForeignKey(CheckTask, verbose_name=_("check task"), on_delete=models.CASCADE, related_name="records")
    due_at = models.DateTimeField(_("due"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checker = models.ForeignKey(
        "core.Person", verbose_name=_("checker"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING, db_index=True)
    note = models.TextField(_("note"), blank=True)

    scope_rule = ScopeRule(
        region_path="organisation__region__path",
        organisation="organisation",
        change_roles=frozenset({"city_admin", "district_official", "inspector"}),
        organisation_change_roles=frozenset({"enterprise_manager", "enterprise_staff"}),
    )

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("check record")
        verbose_name_plural = _("check records")
        constraints = [models.UniqueConstraint(fields=["task", "due_at"], name="hazards_checkrecord_once_per_due")]

    def __str__(self) -> str:
        return f"{self.task} @ {self.due_at:%Y-%m-%d}"
