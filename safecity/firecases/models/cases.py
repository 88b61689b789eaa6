"""The procuratorate's case: its timeline, evidence, public hearing and reminders (domain-rules §5)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.firecases.choices import HEARING_STEPS, CaseState, ClockWarning, ParticipantCapacity
from safecity.firecases.models.units import AGENCIES, OFFICIALS, SUPERVISORS, Lead
from safecity.firecases.rules import notice_deadline
from safecity.firecases.transitions import ACTION_LABELS

WARNING_LABELS = dict(ClockWarning.choices)
CASE_PATH = "lead__organisation__region__path"
CHILD_PATH = "case__lead__organisation__region__path"
PROCURATOR = frozenset({"procurator"})


class Case(AuditedModel):
    """A public-interest litigation case of the procuratorate, filed from a fire brigade lead.

    States and allowed moves: ``transitions.py``; every move goes through a service that locks the
    case and writes a :class:`CaseEvent`. Visible to procurators and to the fire officers of the
    brigade whose lead it came from (selectors), nobody else.
    """

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="case")
    number = models.CharField(_("case number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.FILED)
    urgent = models.BooleanField(_("urgent"), default=False)
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    procuratorate = models.ForeignKey(
        "core.Organisation", verbose_name=_("people's procuratorate"), on_delete=models.PROTECT, related_name="+"
    )

    scope_rule = ScopeRule(region_path=CASE_PATH, view_roles=SUPERVISORS, change_roles=PROCURATOR)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="firecases_case_serial")]
        indexes = [models.Index(fields=["state", "-filed_at"], name="firecases_case_state")]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One row of a case's timeline, written by the service that made the change."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="timeline")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=CaseState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=frozenset())

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case timeline entry")
        verbose_name_plural = _("case timeline")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_action_display()}"

    def get_action_display(self) -> str:
        """The step in the reader's language (the code is kept when a step has no label yet)."""
        # ``action`` has no database choices: adding a step must not need a migration.
        return str(ACTION_LABELS.get(self.action, self.action))


class CaseEvidence(AuditedModel):
    """Evidence gathered in the investigation (on-site records, photos, statements)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="firecases/evidence/%Y/%m/", blank=True)
    collected_on = models.DateField(_("collected on"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR)

    class Meta:
        ordering = ["collected_on", "id"]
        verbose_name = _("case evidence")
        verbose_name_plural = _("case evidence")

    def __str__(self) -> str:
        return self.title


class Hearing(AuditedModel):
    """A public hearing (公开听证会) of a case.

    Rules (人民检察院审查案件听证工作规定, domain-rules §5): participants notified at least 3 days
    ahead; a public hearing has a public notice published before it; the minutes follow the seven
    steps (case introduction, parties' positions, questions by hearing members, private
    deliberation, members' opinion, final statements, summary).
    """

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="hearing")
    scheduled_at = models.DateTimeField(_("scheduled at"))
    location = models.CharField(_("location"), max_length=200)
    is_public = models.BooleanField(_("public hearing"), default=True)
    notice_sent_at = models.DateTimeField(_("participants notified at"), null=True, blank=True)
    public_notice = models.TextField(_("public notice"), blank=True)
    published_at = models.DateTimeField(_("public notice published at"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes_introduction = models.TextField(_("case introduction"), blank=True)
    minutes_positions = models.TextField(_("parties' positions"), blank=True)
    minutes_questions = models.TextField(_("questions by hearing members"), blank=True)
    minutes_deliberation = models.TextField(_("private deliberation"), blank=True)
    minutes_opinion = models.TextField(_("members' opinion"), blank=True)
    minutes_statements = models.TextField(_("final statements"), blank=True)
    minutes_summary = models.TextField(_("summary"), blank=True)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR, count_roles=OFFICIALS)

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("public hearing")
        verbose_name_plural = _("public hearings")

    def __str__(self) -> str:
        return f"{self.case} {self.scheduled_at:%Y-%m-%d}"

    @property
    def notice_deadline(self) -> datetime:
        """Latest moment to notify the participants (the 3-day rule is a setting, so not a DB check)."""
        return notice_deadline(self.scheduled_at)

    @property
    def notice_missing(self) -> bool:
        return self.notice_sent_at is None and self.held_at is None

    @property
    def minutes_complete(self) -> bool:
        return all(getattr(self, name).strip() for name, _label in HEARING_STEPS)


class HearingParticipant(models.Model):
    """Someone taking part in a hearing, in a capacity (member, procurator, agency, party)."""

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.CharField(_("capacity"), max_length=20, choices=ParticipantCapacity.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    scope_rule = ScopeRule(
        region_path="hearing__case__lead__organisation__region__path", view_roles=AGENCIES, change_roles=PROCURATOR
    )

    class Meta:
        ordering = ["capacity", "id"]
        verbose_name = _("hearing participant")
        verbose_name_plural = _("hearing participants")

    def __str__(self) -> str:
        return self.name


class CaseReminder(models.Model):
    """A clock warning sent once per case, kind and recipient (the outbox of the daily clock job)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=frozenset())

    class Meta:
        verbose_name = _("case reminder")
        verbose_name_plural = _("case reminders")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "recipient"], name="firecases_reminder_once")]

    def __str__(self) -> str:
        return f"{self.case} · {WARNING_LABELS.get(self.kind, self.kind)}"
