"""The committee's selection of a round: the top N frozen as rows, then published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.innovation.choices import COMMITTEE_ROLES, InnovationCategory
from safecity.innovation.models.rounds import InnovationEntry, SelectionRound

# Public once published: the selectors show unpublished selections only to the committee office
# (scoped(..., CHANGE)), everybody else the published ones.
SELECTION_SCOPE = ScopeRule(public=True, authenticated=True, change_roles=COMMITTEE_ROLES)


class Selection(AuditedModel):
    """The committee's decision on a round: who selected, when, how many, and when it was published.

    Its :class:`SelectedEntry` rows are a frozen copy of the ranking at the moment of selection, so
    a later change of scores cannot silently change a published list.
    """

    round = models.OneToOneField(SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="selection")
    count = models.PositiveSmallIntegerField(_("number selected"))
    selected_at = models.DateTimeField(_("selected at"))
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("selected by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    selected_by_label = models.CharField(_("selected by"), max_length=150, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by_label = models.CharField(_("published by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope_rule = SELECTION_SCOPE

    class Meta:
        ordering = ["-round__year"]
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self) -> str:
        return f"{self.round.year}: {self.count}"


class SelectedEntry(AuditedModel):
    """One row of a selection, frozen when the committee selected (rank, score and names as they were)."""

    selection = models.ForeignKey(Selection, verbose_name=_("selection"), on_delete=models.CASCADE, related_name="rows")
    entry = models.ForeignKey(InnovationEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    title = models.CharField(_("title"), max_length=200)
    department_name = models.CharField(_("department"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=InnovationCategory.choices)
    score = models.DecimalField(_("normalised score"), max_digits=6, decimal_places=2)
    mean_raw = models.DecimalField(_("mean weighted total"), max_digits=6, decimal_places=2)
    judges = models.PositiveSmallIntegerField(_("judges"))
    decided_by = models.CharField(_("tie decided by"), max_length=32, blank=True)

    scope_rule = SELECTION_SCOPE

    class Meta:
        ordering = ["selection", "rank"]
        verbose_name = _("selected entry")
        verbose_name_plural = _("selected entries")
        constraints = [
            models.UniqueConstraint(fields=["selection", "rank"], name="innovation_selected_rank"),
            models.UniqueConstraint(fields=["selection", "entry"], name="innovation_selected_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"
