"""Procuratorial suggestion letters, replies, follow-up reviews, decisions and prosecutions (§5)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.firecases.choices import DecisionKind, FollowUpOutcome, ReplyAssessment
from safecity.firecases.models.cases import CHILD_PATH, PROCURATOR, Case
from safecity.firecases.models.units import AGENCIES, OFFICIALS

LETTER_PATH = "letter__case__lead__organisation__region__path"


class SuggestionLetter(AuditedModel):
    """A procuratorial suggestion letter (检察建议书) to the administrative agency of a case.

    Numbered uniquely per year ("常检公建〔2023〕N号"); its document is rendered from a template
    when issued and kept. The reply clock starts on delivery: 2 months, 15 days when urgent
    (domain-rules §5); ``reply_due`` is the last day of the window.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="letters")
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    addressee = models.ForeignKey("core.Organisation", verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+")
    facts = models.TextField(_("facts found"))
    suggestions = models.TextField(_("suggestions"))
    urgent = models.BooleanField(_("urgent"), default=False)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_html = models.TextField(_("document"), blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR, count_roles=OFFICIALS)

    class Meta:
        ordering = ["-issued_on", "-serial"]
        verbose_name = _("procuratorial suggestion letter")
        verbose_name_plural = _("procuratorial suggestion letters")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="firecases_letter_serial"),
            models.CheckConstraint(
                condition=models.Q(delivered_on__isnull=True) | models.Q(delivered_on__gte=models.F("issued_on")),
                name="firecases_letter_delivered_after_issue",
                violation_error_message=_("A letter cannot be delivered before it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def reply_overdue(self, today: date | None = None) -> bool:
        """Delivered, past its window and no reply yet."""
        today = today or timezone.localdate()
        return self.reply_due is not None and today > self.reply_due and not hasattr(self, "reply")


class Reply(AuditedModel):
    """The agency's written reply to a letter. A late reply is kept and flagged ``late``."""

    letter = models.OneToOneField(SuggestionLetter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="reply")
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    late = models.BooleanField(_("late"), default=False)
    assessment = models.CharField(_("assessment"), max_length=20, choices=ReplyAssessment.choices, blank=True)
    assessment_note = models.TextField(_("assessment note"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)

    scope_rule = ScopeRule(region_path=LETTER_PATH, view_roles=AGENCIES, change_roles=PROCURATOR, count_roles=OFFICIALS)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.letter} {self.received_on}"


class FollowUpReview(AuditedModel):
    """A follow-up review (回头看) of the rectification after the reply."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    reviewed_on = models.DateField(_("reviewed on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=FollowUpOutcome.choices)
    findings = models.TextField(_("findings"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR)

    class Meta:
        ordering = ["reviewed_on", "id"]
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")

    def __str__(self) -> str:
        return f"{self.case} {self.reviewed_on}"


class Decision(AuditedModel):
    """The decision to sue or not. A decision not to sue is notified within 7 days (§5)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decision")
    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))
    notify_due = models.DateField(_("notification due"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    notified_late = models.BooleanField(_("notified late"), default=False)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    def notification_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.notify_due is not None and self.notified_on is None and today > self.notify_due


class Prosecution(AuditedModel):
    """The prosecution record of a case the procuratorate decided to take to court."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="prosecution")
    filed_on = models.DateField(_("filed on"))
    court = models.CharField(_("court"), max_length=200)
    result = models.TextField(_("result"), blank=True)

    scope_rule = ScopeRule(region_path=CHILD_PATH, view_roles=AGENCIES, change_roles=PROCURATOR)

    class Meta:
        verbose_name = _("prosecution")
        verbose_name_plural = _("prosecutions")

    def __str__(self) -> str:
        return f"{self.case} {self.court}"


class ProsecutedPerson(models.Model):
    """One person prosecuted in a prosecution."""

    prosecution = models.ForeignKey(Prosecution, verbose_name=_("prosecution"), on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("capacity"), max_length=200, blank=True)

    scope_rule = ScopeRule(
        region_path="prosecution__case__lead__organisation__region__path",
        view_roles=AGENCIES,
        change_roles=PROCURATOR,
        count_roles=OFFICIALS,
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("prosecuted person")
        verbose_name_plural = _("prosecuted persons")

    def __str__(self) -> str:
        return self.name


__all__ = ["Decision", "DecisionKind", "FollowUpOutcome", "ReplyAssessment"]
