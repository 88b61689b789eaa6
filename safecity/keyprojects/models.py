"""Models of the annual key projects (重点项目) of the "1+29" municipal public-safety system.

The City Safety Committee (市安委会) turns its "1+29" system (one overall plan and 29 domain
sub-systems) into a yearly list of key projects; lead departments report progress per milestone
with evidence; the committee office (市安委办) follows each project against its time-based schedule
(时序进度). Status is always computed (:mod:`safecity.keyprojects.schedule`), never stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.imports import CELL_TEXT_LIMIT as TEXT_LIMIT
from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.keyprojects.choices import ProjectStatus, ReminderKind
from safecity.keyprojects.schedule import Thresholds
from safecity.library.models import Citation, citation_scope

COMMITTEE = frozenset({"city_admin", "city_official"})
STATUS_LABELS = dict(ProjectStatus.choices)

# Who sees a key project: jurisdiction roles through the districts it involves (the city region for
# a city-wide project), a department officer through the departments that lead or cooperate.
PROJECT_SCOPE = ScopeRule(
    region_path="districts__path",
    organisation="participations__organisation",
    change_roles=COMMITTEE,
    region_ancestors=True,
)


def _scope(prefix: str) -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}districts__path",
        organisation=f"{prefix}participations__organisation",
        change_roles=COMMITTEE,
        region_ancestors=True,
    )


class SubSystem(AuditedModel):
    """One part of the "1+29" system: the overall plan (the "1", ``is_overall``) or one of the
    29 domain sub-systems (hazardous chemicals, fire, road transport, ...). An editable list kept by
    the committee office; a sub-system used by a project cannot be deleted (PROTECT)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_overall = models.BooleanField(_("overall plan (the “1”)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(authenticated=True, change_roles=COMMITTEE)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sub-system")
        verbose_name_plural = _("sub-systems")
        constraints = [
            models.UniqueConstraint(
                fields=["is_overall"],
                condition=Q(is_overall=True),
                name="keyprojects_one_overall_plan",
                violation_error_message=_("There is only one overall plan (the “1” of “1+29”)."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class YearPlan(AuditedModel):
    """The key-project plan of one year, with the thresholds its statistics use.

    ``as_of`` is the cut-off date of the statistics the office published for the year (a finished
    year is judged at its last day, the current year today; the cut-off figures are shown beside). A project is behind when its actual progress is more than ``behind_points`` below the
    expected progress, seriously behind when more than ``seriously_behind_points`` below.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    as_of = models.DateField(_("statistics cut-off date"), null=True, blank=True)
    behind_points = models.PositiveSmallIntegerField(_("behind threshold (points)"), default=5)
    seriously_behind_points = models.PositiveSmallIntegerField(_("seriously-behind threshold (points)"), default=15)
    reminder_days = models.PositiveSmallIntegerField(_("remind days before a milestone"), default=7)

    scope_rule = ScopeRule(authenticated=True, change_roles=COMMITTEE)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year plan")
        verbose_name_plural = _("year plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="keyprojects_plan_year_range",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(seriously_behind_points__gt=models.F("behind_points")),
                name="keyprojects_plan_thresholds_ordered",
                violation_error_message=_("The seriously-behind threshold must be larger than the behind threshold."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(behind=float(self.behind_points), seriously_behind=float(self.seriously_behind_points))

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def evaluation_date(self, today: date) -> date:
        """The date the plan's projects are judged at: the year's last day once the year is over
        (each project then completed or not completed), today within the year, the first day of a
        future year. The cut-off date ``as_of`` does not freeze this: it dates the statistics the
        office published (shown beside the year's judgement, see ``selectors.cutoff_counts``)."""
        if today.year > self.year:
            return self.last_day
        if today.year < self.year:
            return self.first_day
        return today

    def latest_month(self, today: date) -> int:
        """The month of the plan's latest monthly report: December for a past year, January for a
        future one, the current month within the year."""
        return self.evaluation_date(today).month


class KeyProject(AuditedModel):
    """A key project (重点项目) of a year plan: who leads it, where, what it delivers, its budget.

    Invariants (service ``project_save``): its milestones' weights sum to 100; every date lies in
    the plan year; one lead department, which is also recorded among the participations.
    """

    plan = models.ForeignKey(YearPlan, verbose_name=_("year plan"), on_delete=models.CASCADE, related_name="projects")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    name = models.CharField(_("name"), max_length=200)
    sub_system = models.ForeignKey(SubSystem, verbose_name=_("sub-system"), on_delete=models.PROTECT, related_name="projects")
    lead_department = models.ForeignKey(
        "core.Organisation", verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="led_key_projects"
    )
    departments: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "core.Organisation",
        verbose_name=_("departments"),
        through="ProjectDepartment",
        related_name="key_projects",
        blank=True,
    )
    districts = models.ManyToManyField("core.Region", verbose_name=_("districts"), related_name="key_projects")
    goal = models.TextField(_("goal"), validators=[MaxLengthValidator(TEXT_LIMIT)])
    budget = models.DecimalField(_("budget (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    start_date = models.DateField(_("start date"))

    scope_rule = PROJECT_SCOPE

    class Meta:
        ordering = ["plan", "sequence"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "sequence"],
                name="keyprojects_project_sequence_unique",
                violation_error_message=_("A project with this sequence number already exists in the plan."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="keyprojects_project_budget_positive",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.name}"

    @property
    def code(self) -> str:
        return f"{self.plan.year}-{self.sequence:03d}"

    def cooperating(self) -> list[Any]:
        return [p.organisation for p in self.participations.all() if not p.is_lead]


class ProjectDepartment(AuditedModel):
    """A department taking part in a project: the lead one (``is_lead``) or a cooperating one."""

    project = models.ForeignKey(
        KeyProject, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("lead department"), default=False)

    scope_rule = _scope("project__")

    class Meta:
        ordering = ["-is_lead", "id"]
        verbose_name = _("project department")
        verbose_name_plural = _("project departments")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="keyprojects_department_once"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_lead=True), name="keyprojects_one_lead"),
        ]

    def __str__(self) -> str:
        return str(self.organisation_id)


class Milestone(AuditedModel):
    """A milestone of a project: a planned date in the plan year and a weight in percent."""

    project = models.ForeignKey(KeyProject, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    weight = models.PositiveSmallIntegerField(_("weight (%)"))

    scope_rule = _scope("project__")

    class Meta:
        ordering = ["planned_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="keyprojects_milestone_weight_range",
                violation_error_message=_("A milestone's weight lies between 1 and 100."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProgressReport(AuditedModel):
    """What a lead department reported on one milestone on one day. Never updated: a correction is
    a new report. A completion lower than the previous report needs a reason."""

    project = models.ForeignKey(KeyProject, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        "core.Person", verbose_name=_("reporter"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_on = models.DateField(_("reported on"))
    completion = models.PositiveSmallIntegerField(_("completion (%)"))
    note = models.TextField(_("progress note"), blank=True)
    reason = models.TextField(_("reason for a lower completion"), blank=True)

    scope_rule = _scope("project__")

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(completion__gte=0, completion__lte=100),
                name="keyprojects_report_completion_range",
                violation_error_message=_("Completion lies between 0 and 100 %."),
            )
        ]
        indexes = [models.Index(fields=["project", "reported_on"], name="keyprojects_report_day")]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.reported_on} {self.completion}%"


def evidence_path(instance: ProgressEvidence, filename: str) -> str:
    return f"keyprojects/{instance.report.project_id}/{instance.report_id}/{filename}"


class ProgressEvidence(AuditedModel):
    """A photo or PDF supporting a progress report (type recognised by content, size limited)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    scope_rule = _scope("report__project__")

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class MilestoneReminder(AuditedModel):
    """A reminder sent about a milestone (the outbox of the daily job): once per milestone and person."""

    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_rule = _scope("milestone__project__")

    class Meta:
        verbose_name = _("milestone reminder")
        verbose_name_plural = _("milestone reminders")
        constraints = [models.UniqueConstraint(fields=["milestone", "kind", "recipient"], name="keyprojects_reminder_once")]

    def __str__(self) -> str:
        return f"{self.milestone_id} · {self.get_kind_display()} · {self.recipient_id}"


class StatusObservation(AuditedModel):
    """The status the daily job last saw for a project (the memory of the escalation): a new row only
    when the status changed, so the committee office is told once per change into "behind" or
    "seriously behind". This is a log of observations; statistics never read it."""

    project = models.ForeignKey(KeyProject, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="observations")
    status = models.CharField(_("status"), max_length=20)
    observed_on = models.DateField(_("observed on"))

    scope_rule = _scope("project__")

    class Meta:
        ordering = ["observed_on", "id"]
        verbose_name = _("status observation")
        verbose_name_plural = _("status observations")

    def __str__(self) -> str:
        return f"{self.project_id} · {self.get_status_display()} · {self.observed_on}"

    def get_status_display(self) -> str:
        """The status in the reader's language (``status`` keeps the code without database choices)."""
        return str(STATUS_LABELS.get(self.status, self.status))


class LibraryCitation(Citation):
    """An annual key project (重点项目) citing a library entry: the method it applies, the regulation
    or standard it implements (an audited link row set by the committee office).

    Unlike the library entry, the row is not public: it is seen exactly where its key project is
    (the districts it involves, the departments that lead or cooperate, the committee office)."""

    key_project = models.ForeignKey(
        KeyProject, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="library_citations"
    )

    scope_rule = citation_scope(PROJECT_SCOPE, "key_project")

    class Meta:
        ordering = ["id"]
        verbose_name = _("key-project citation")
        verbose_name_plural = _("key-project citations")
        constraints = [
            models.UniqueConstraint(fields=["library_entry", "key_project"], name="keyprojects_library_citation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.key_project_id}"
