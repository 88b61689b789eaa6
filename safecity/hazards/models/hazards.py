"""Hidden hazards (隐患) and their lifecycle records: governance plan, timeline, evidence, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.hazards.choices import (
    OPEN_STATES,
    EvidenceStage,
    HazardLevel,
    HazardSource,
    HazardState,
    HazardType,
    ManagementType,
    ReminderKind,
)

HAZARD_SCOPE = ScopeRule(
    region_path="organisation__region__path",
    organisation="organisation",
    # Experts and safety service engineers write only where an app assigns them
    # (register_assignment_target: a panel's enterprises, a group purchase's enterprises); fire
    # officers report the fire hazards their inspections find; the street and village supervise
    # their area's small enterprises (issue 16). Lifecycle transitions have their own roles.
    change_roles=frozenset(
        {
            "city_admin",
            "city_official",
            "district_official",
            "inspector",
            "expert",
            "fire_officer",
            "street_official",
            "village_supervisor",
            "service_engineer",
        }
    ),
    organisation_change_roles=frozenset({"enterprise_manager", "enterprise_staff"}),
)
# The hazard row carries its enterprise's region path (safecity/hazards/db.py keeps it true), so the
# supervision list is scoped without joining enterprises and regions.
HIDDEN_HAZARD_SCOPE = replace(HAZARD_SCOPE, region_path_column="region_path")


class HiddenHazard(AuditedModel):
    """A hidden hazard found at an enterprise, with the fields and codes of the national interface.

    States: to be confirmed (-1) -> rectifying (0) -> awaiting acceptance (1) -> accepted (9), with
    the reject paths and "fixed on the spot" (see ``transitions.py``). Invariants held by the
    database: the deadline is not before discovery; an accepted hazard has its acceptance person,
    time and comment (interface rule for state 9). A major hidden hazard needs a governance plan
    with the five in-place items before rectification (order No. 16, art. 15).
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="hidden_hazards"
    )
    # The enterprise's region path, denormalised for the list's filters and scoping; written only by
    # the database triggers of safecity/hazards/db.py (any value a writer sends is replaced).
    region_path = models.CharField(_("region path"), max_length=255, default="", editable=False)
    code = models.CharField(_("number"), max_length=32, unique=True, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    source = models.PositiveSmallIntegerField(_("source"), choices=HazardSource.choices, default=HazardSource.ROUTINE)
    management_type = models.PositiveSmallIntegerField(
        _("management type"), choices=ManagementType.choices, default=ManagementType.BY_DEADLINE
    )
    hazard_type = models.PositiveSmallIntegerField(_("type"), choices=HazardType.choices, default=HazardType.SAFETY)
    state = models.SmallIntegerField(_("state"), choices=HazardState.choices, default=HazardState.TO_CONFIRM)
    description = models.TextField(_("description"))
    cause = models.TextField(_("cause"), blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    liable_person = models.ForeignKey(
        "core.Person",
        verbose_name=_("liable person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liable_hazards",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    discovered_at = models.DateTimeField(_("discovered at"), default=timezone.now)
    discovered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    risk_event = models.ForeignKey(
        "hazards.RiskEvent",
        verbose_name=_("risk event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    check_record = models.ForeignKey(
        "hazards.CheckRecord",
        verbose_name=_("check record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    rectification = models.TextField(_("rectification done"), blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acceptance_requested_at = models.DateTimeField(_("acceptance requested at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    acceptance_comment = models.TextField(_("acceptance comment"), blank=True)

    scope_rule = HIDDEN_HAZARD_SCOPE

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("hidden hazard")
        verbose_name_plural = _("hidden hazards")
        # The supervision list (keyset pages in the list's order, counts by index-only scans):
        # see docs/adr/0020-lists-at-scale.md. PostgreSQL uses varchar_pattern_ops for the
        # region prefix; other databases ignore the operator classes.
        indexes = [
            models.Index(fields=["organisation", "state", "level"], name="hazards_org_state_level"),
            models.Index(fields=["state", "level", "-discovered_at", "-id"], name="hazards_state_level_time"),
            models.Index(fields=["state", "deadline"], name="hazards_state_deadline"),
            models.Index(fields=["-discovered_at", "-id"], name="hazards_list_order"),
            models.Index(
                fields=["region_path", "state", "level"],
                opclasses=["varchar_pattern_ops", "int2_ops", "int2_ops"],
                name="hazards_region_state_level",
            ),
            models.Index(
                fields=["state", "level", "region_path"],
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
                name="hazards_state_level_region",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.functions.TruncDate("discovered_at")),
                name="hazards_deadline_after_discovery",
                violation_error_message=_("The deadline cannot be before the hazard was discovered."),
            ),
            models.CheckConstraint(
                condition=~Q(state=HazardState.ACCEPTED)
                | (Q(accepted_by__isnull=False) & Q(accepted_at__isnull=False) & ~Q(acceptance_comment="")),
                name="hazards_accepted_has_acceptance",
                violation_error_message=_("An accepted hidden hazard needs the acceptance person, time and comment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.description[:40]}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in (HazardState.TO_CONFIRM, HazardState.RECTIFYING)
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    @property
    def acceptance_due(self) -> object:
        """Major hidden hazards: the authority accepts within N days (default 10) of the request."""
        if self.level != HazardLevel.MAJOR or self.acceptance_requested_at is None:
            return None
        return (self.acceptance_requested_at + timedelta(days=settings.SAFECITY_MAJOR_ACCEPTANCE_DAYS)).date()

    @property
    def is_acceptance_overdue(self) -> bool:
        due = self.acceptance_due
        return bool(due and self.state == HazardState.AWAITING_ACCEPTANCE and due < timezone.localdate())  # type: ignore[operator]


HAZARD_NUMBER_PREFIX = "YH"


def hazard_number(year: int, sequence: int) -> str:
    """The human-readable number of a hidden hazard: ``YH-<year>-<sequence within the year>``,
    e.g. YH-2023-000123 (隐患 -> YH; the year of discovery in the city's local time)."""
    return f"{HAZARD_NUMBER_PREFIX}-{year:04d}-{sequence:06d}"


class HazardNumberSequence(models.Model):
    """The last hazard number given out in a year (one row per year).

    The reporting service takes the next number with a conditional ``UPDATE ... last = last + 1``
    that holds the row lock until its transaction ends, so two reports never get the same number
    and no number is skipped by a refused report (the increment rolls back with it)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("hazard number sequence")
        verbose_name_plural = _("hazard number sequences")

    def __str__(self) -> str:
        return hazard_number(self.year, self.last)


class GovernancePlan(AuditedModel):
    """The governance plan of a major hidden hazard with the five in-place items (五落实):
    responsibility, measures, funds, deadline, emergency plan. All five are needed before rectification."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.OneToOneField(
        HiddenHazard, verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="governance_plan"
    )
    responsibility = models.TextField(_("responsibility"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    emergency_plan = models.TextField(_("emergency plan"), blank=True)

    scope_rule = HAZARD_SCOPE

    class Meta:
        verbose_name = _("governance plan")
        verbose_name_plural = _("governance plans")

    def __str__(self) -> str:
        return f"{self.hazard}"

    def missing_items(self) -> list[str]:
        missing = []
        for name in ("responsibility", "measures", "emergency_plan"):
            if not getattr(self, name).strip():
                missing.append(name)
        if self.funds is None:
            missing.append("funds")
        if self.deadline is None:
            missing.append("deadline")
        return missing


class HazardTransition(models.Model):
    """One row of a hazard's timeline: every state change, who made it, when, and why.

    Written only by the lifecycle services in the same transaction as the change; never edited.
    """

    hazard = models.ForeignKey(HiddenHazard, verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="timeline")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.SmallIntegerField(_("from"), choices=HazardState.choices, null=True)
    to_state = models.SmallIntegerField(_("to"), choices=HazardState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = ScopeRule(
        region_path="hazard__organisation__region__path", organisation="hazard__organisation", change_roles=frozenset()
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("hazard timeline entry")
        verbose_name_plural = _("hazard timeline")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def get_action_display(self) -> str:
        from safecity.hazards.transitions import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))


def evidence_path(instance: HazardEvidence, filename: str) -> str:
    return f"hazards/{instance.hazard.organisation_id}/{instance.hazard_id}/{filename}"


class HazardEvidence(AuditedModel):
    """A photo or PDF documenting a hazard at discovery, rectification or acceptance (type and size checked)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.ForeignKey(HiddenHazard, verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField(_("stage"), max_length=16, choices=EvidenceStage.choices)
    file = models.FileField(_("file"), upload_to=evidence_path)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = HAZARD_SCOPE

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.file.name


class HazardReminder(models.Model):
    """A reminder sent about a hazard (the outbox of the escalation job): once per hazard, kind and person."""

    hazard = models.ForeignKey(HiddenHazard, verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    scope_rule = ScopeRule(
        region_path="hazard__organisation__region__path", organisation="hazard__organisation", change_roles=frozenset()
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["hazard", "kind", "recipient"], name="hazards_reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
