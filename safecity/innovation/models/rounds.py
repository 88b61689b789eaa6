"""A selection round of innovation projects: its criteria, judges, entries, materials and scores."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.innovation.choices import COMMITTEE_ROLES, EntryState, InnovationCategory, RoundState

# Rounds and criteria are public (the call for projects and how they are judged is announced);
# only the committee office (city-wide city administrators/officials) changes them.
ROUND_SCOPE = ScopeRule(public=True, authenticated=True, change_roles=COMMITTEE_ROLES)
ENTRY_VIEW_ROLES = frozenset({"city_admin", "city_official", "district_official", "department_officer", "expert"})


class SelectionRound(AuditedModel):
    """One year's selection of innovation projects (创新创优项目评选), e.g. 38 selected in 2023.

    Invariants: one round per year (unique); criteria weights sum to 100 before judging starts
    (service); scores only while judging; the published list is frozen as rows (:class:`Selection`).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    select_count = models.PositiveSmallIntegerField(_("number to select"), default=38)
    scale_max = models.PositiveSmallIntegerField(
        _("scale maximum"), default=10, help_text=_("Each criterion is scored from 0 to this value.")
    )
    min_judges = models.PositiveSmallIntegerField(
        _("minimum judges per entry"), default=3, help_text=_("Entries scored by fewer judges are flagged.")
    )
    submission_deadline = models.DateField(_("submission deadline"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.OPEN)

    scope_rule = ROUND_SCOPE

    class Meta:
        ordering = ["-year"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gte=1),
                name="innovation_round_scale",
                violation_error_message=_("The scale needs a maximum of at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(select_count__gte=1),
                name="innovation_round_n",
                violation_error_message=_("Select at least one entry."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(AuditedModel):
    """A weighted criterion of a round (创新性, 实效性, ...); the weights of a round sum to 100."""

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_rule = ROUND_SCOPE

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="innovation_criterion_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="innovation_criterion_weight",
                violation_error_message=_("A weight lies between 1 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class JudgeAssignment(AuditedModel):
    """A person judging a round. The committee office and the judge themself see it."""

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="judges")
    person = models.ForeignKey("core.Person", verbose_name=_("judge"), on_delete=models.PROTECT, related_name="+")

    scope_rule = ScopeRule(
        region_path="person__organisation__region__path",
        person="person",
        view_roles=COMMITTEE_ROLES,
        change_roles=COMMITTEE_ROLES,
    )

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="innovation_judge_unique")]

    def __str__(self) -> str:
        return f"{self.round.year} {self.person}"


ENTRY_SCOPE = ScopeRule(
    region_path="department__region__path",
    organisation="department",
    view_roles=ENTRY_VIEW_ROLES,
    change_roles=frozenset({"city_admin", "city_official", "district_official"}),
    organisation_change_roles=frozenset({"department_officer"}),
)


class InnovationEntry(AuditedModel):
    """An innovation project (创新创优项目) a department submits to a round.

    Visible to its department (department officer), the officials whose jurisdiction covers the
    department, the committee office, and the judges of its round once submitted (assignment).
    ``selected``/``rank`` are set only by the selection service.
    """

    round = models.ForeignKey(SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="entries")
    department = models.ForeignKey(
        "core.Organisation", verbose_name=_("department"), on_delete=models.PROTECT, related_name="innovation_entries"
    )
    category = models.CharField(_("category"), max_length=16, choices=InnovationCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    state = models.CharField(_("state"), max_length=12, choices=EntryState.choices, default=EntryState.DRAFT)
    submitted_by = models.ForeignKey(
        "core.Person", verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    selected = models.BooleanField(_("selected"), default=False)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    scope_rule = ENTRY_SCOPE

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        indexes = [models.Index(fields=["round", "state"], name="innovation_entry_round_state")]
        constraints = [
            models.UniqueConstraint(fields=["round", "department", "title"], name="innovation_entry_unique_title"),
            models.CheckConstraint(
                condition=~Q(state=EntryState.SUBMITTED) | Q(submitted_at__isnull=False),
                name="innovation_entry_submitted_at",
                violation_error_message=_("A submitted entry has its submission time."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


def material_path(instance: EntryMaterial, filename: str) -> str:
    return f"innovation/{instance.entry.round.year}/{instance.entry_id}/{filename}"


class EntryMaterial(AuditedModel):
    """A document or photo supporting an entry (PDF, JPEG, PNG; type read from the content, size limited)."""

    entry = models.ForeignKey(InnovationEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(
        region_path="entry__department__region__path",
        organisation="entry__department",
        view_roles=ENTRY_VIEW_ROLES,
        change_roles=ENTRY_SCOPE.change_roles,
        organisation_change_roles=ENTRY_SCOPE.organisation_change_roles,
    )

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class Score(AuditedModel):
    """One judge's score of one entry on one criterion.

    Invariants: unique per (judge, entry, criterion); value >= 0 (database); value <= the round's
    scale and not for an entry of the judge's own department (service). Visible to the committee
    office and to the judge who gave it.
    """

    judge = models.ForeignKey(JudgeAssignment, verbose_name=_("judge"), on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(InnovationEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(
        region_path="judge__person__organisation__region__path",
        person="judge__person",
        view_roles=COMMITTEE_ROLES,
        change_roles=frozenset(),
    )

    class Meta:
        ordering = ["judge", "entry", "criterion"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry", "criterion"], name="innovation_score_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=Decimal("0")),
                name="innovation_score_not_negative",
                violation_error_message=_("A score cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id}/{self.entry_id}/{self.criterion_id}={self.value}"
