"""Invitation-style inspections (邀约式安全检查, issue 16, domain-rules §7b).

An enterprise (or a trade association on its behalf) invites an inspection by an authority (the
transport law-enforcement detachment, a district bureau): topic, preferred dates, what worries it.
The authority accepts and schedules it within the service-level deadline (``sla.py``), assigns its
inspectors and experts of the pool (``deepchecks.Expert``), inspects with a checklist (items from
the risk dictionary or free), and reports: each finding is a hidden hazard of the one lifecycle
(``hazards.services.hazard_report``) with its rectification deadline, plus advice. A follow-up
visit checks the rectification; the enterprise rates the inspection.

The rule that makes invitations work (Wuxi 2025; Fujian 应约帮扶; Jiangsu's no-penalty list 2025;
Changzhou's list of 2022-01-07): findings stay out of enforcement and carry no penalty when
rectified within their deadline; a finding still open after its deadline is referred to normal
enforcement (:attr:`Finding.referred_at`), and only then is it an enforcement lead.

Rows are written by the services only (``services/``); every model is audited (the timeline is
registered with the audit trail in ``apps.py``) and scoped by the invited enterprise: its own
people, the authorities' officials and inspectors over its region, the experts assigned to it
(``scopes.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.invitations.choices import InvitationAction, InvitationState, ItemResult
from safecity.library.models import Citation, citation_scope

# The authority's people (the detachment's or bureau's inspectors, the officials over them) act on
# invitations; the enterprise's manager invites, withdraws and rates; experts see theirs.
AUTHORITY_ROLES = frozenset({"city_admin", "city_official", "district_official", "inspector"})
ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
INVITER_ROLES = frozenset({"enterprise_manager"})
VIEW_ROLES = AUTHORITY_ROLES | ENTERPRISE_ROLES | frozenset({"expert"})


def _scope(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}enterprise__region__path",
        organisation=f"{prefix}enterprise",
        # A trade association's people reach the invitations it made for its members.
        organisations_also=(f"{prefix}association",),
        change_roles=AUTHORITY_ROLES,
        organisation_change_roles=INVITER_ROLES,
        view_roles=VIEW_ROLES,
    )


INVITATION_SCOPE = _scope()


class Invitation(AuditedModel):
    """One invited inspection of one enterprise, addressed to one authority.

    Invariants (database): the preferred period ends on or after it starts; a rating is 1 to 5; a
    scheduled invitation has its date. ``sla_due_on``: the last day to accept and schedule (the
    invitation's day plus ``SAFECITY_INVITATION_SLA_WORKING_DAYS`` working days); a later schedule
    records ``late_reason``.
    """

    enterprise = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="invitations"
    )
    association = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("invited through the trade association"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    authority = models.ForeignKey(
        "core.Organisation", verbose_name=_("authority"), on_delete=models.PROTECT, related_name="invitations_received"
    )
    state = models.CharField(_("state"), max_length=16, choices=InvitationState.choices, default=InvitationState.INVITED)
    topic = models.CharField(_("topic"), max_length=200)
    concerns = models.TextField(_("what worries the enterprise"), blank=True)
    preferred_from = models.DateField(_("preferred from"))
    preferred_to = models.DateField(_("preferred until"))
    invited_on = models.DateField(_("invited on"))
    sla_due_on = models.DateField(_("to be scheduled by"))
    # scheduling
    scheduled_on = models.DateField(_("inspection date"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    late_reason = models.TextField(_("why scheduled after the deadline"), blank=True)
    inspectors = models.ManyToManyField("core.Person", verbose_name=_("inspectors"), related_name="+", blank=True)
    experts = models.ManyToManyField("deepchecks.Expert", verbose_name=_("experts"), related_name="+", blank=True)
    decline_reason = models.TextField(_("why declined"), blank=True)
    # the report
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    advice = models.TextField(_("advice"), blank=True)
    fatal_accident_3y = models.BooleanField(_("fatal accident in the last 3 years"), null=True, blank=True)
    dishonest = models.BooleanField(_("on the serious-dishonesty list"), null=True, blank=True)
    # follow-up and rating
    followed_up_on = models.DateField(_("follow-up visit on"), null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up findings"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)

    scope_rule = INVITATION_SCOPE

    class Meta:
        ordering = ["-invited_on", "-id"]
        verbose_name = _("invitation-style inspection")
        verbose_name_plural = _("invitation-style inspections")
        indexes = [models.Index(fields=["state", "-invited_on"], name="invitations_state_invited")]
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_to__gte=models.F("preferred_from")),
                name="invitations_preferred_period",
                violation_error_message=_("The preferred period ends on or after its first day."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="invitations_rating_range",
                violation_error_message=_("A rating is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=~Q(state=InvitationState.SCHEDULED) | Q(scheduled_on__isnull=False),
                name="invitations_scheduled_has_date",
                violation_error_message=_("A scheduled inspection has its date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.topic}"

    @property
    def scheduled_late(self) -> bool:
        return self.accepted_on is not None and self.accepted_on > self.sla_due_on


class ChecklistItem(AuditedModel):
    """One item of the inspection's checklist: from the risk dictionary (``check_item``) or free
    text, with what the inspector found on site (on the phone page)."""

    invitation = models.ForeignKey(Invitation, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="items")
    check_item = models.ForeignKey(
        "riskdict.CheckItem",
        verbose_name=_("risk dictionary check item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.CharField(_("check content"), max_length=1000)
    result = models.CharField(_("result"), max_length=16, choices=ItemResult.choices, default=ItemResult.PENDING)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    scope_rule = _scope("invitation__")

    class Meta:
        ordering = ["invitation", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.content[:80]


class Finding(AuditedModel):
    """A hidden hazard the invited inspection found (the hazard itself lives in the hazards app,
    source "specialist check"), with the facts of the no-penalty list that belong to it.

    ``referred_at``: set by :func:`services.findings.findings_refer_overdue` when the hazard is
    still not rectified after its deadline; only then does it enter enforcement."""

    invitation = models.ForeignKey(Invitation, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings")
    hazard = models.OneToOneField(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.PROTECT, related_name="invitation_finding"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_violation = models.BooleanField(_("first violation"), default=True)
    minor_harm = models.BooleanField(_("minor harm"), default=True)
    referred_at = models.DateTimeField(_("referred to enforcement at"), null=True, blank=True, db_index=True)

    scope_rule = _scope("invitation__")

    class Meta:
        ordering = ["invitation", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return str(self.hazard.code or self.hazard_id)


class InvitationEvent(models.Model):
    """The timeline of an invitation: one row per step, written by the service that made it."""

    invitation = models.ForeignKey(Invitation, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=InvitationAction.choices)
    from_state = models.CharField(_("from state"), max_length=16, choices=InvitationState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=InvitationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = _scope("invitation__")

    class Meta:
        ordering = ["invitation", "at", "id"]
        verbose_name = _("inspection step")
        verbose_name_plural = _("inspection steps")

    def __str__(self) -> str:
        return f"{self.invitation} · {self.get_action_display()}"


class LibraryCitation(Citation):
    """An invitation citing its legal basis in the library (the no-penalty lists, local rules):
    written when the enterprise invites, seen exactly where its invitation is."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="library_citations"
    )

    scope_rule = citation_scope(INVITATION_SCOPE, "invitation")

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection citation")
        verbose_name_plural = _("inspection citations")
        constraints = [
            models.UniqueConstraint(fields=["library_entry", "invitation"], name="invitations_library_citation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.invitation_id}"


class AssociationMember(AuditedModel):
    """An enterprise a trade association may invite inspections for (issue 16 §1: "an enterprise,
    or a trade association for several"). The association keeps its list; the enterprise sees it
    and may leave; the authorities over the enterprise see it."""

    association = models.ForeignKey(
        "core.Organisation", verbose_name=_("trade association"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "core.Organisation", verbose_name=_("member enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("member since"))

    scope_rule = ScopeRule(
        region_path="enterprise__region__path",
        organisation="enterprise",
        organisations_also=("association",),
        change_roles=AUTHORITY_ROLES,
        organisation_change_roles=INVITER_ROLES,
        view_roles=VIEW_ROLES,
    )

    class Meta:
        ordering = ["association_id", "enterprise__name", "id"]
        verbose_name = _("association member")
        verbose_name_plural = _("association members")
        constraints = [
            models.UniqueConstraint(fields=["association", "enterprise"], name="invitations_association_member_unique"),
            models.CheckConstraint(
                condition=~Q(association=models.F("enterprise")), name="invitations_association_member_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association_id}:{self.enterprise_id}"
