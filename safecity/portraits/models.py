"""Health portraits (健康画像): an enterprise's yearly score, its dimensions and every deduction.

Portraits are computed, never typed in: :mod:`safecity.portraits.services` writes them from the
hazards, the risk registry and (when present) the deep checks' root causes, using the rules of
:mod:`safecity.portraits.scoring.model`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.portraits.choices import COLOUR_HEX, COLOUR_KEYS, PortraitColour
from safecity.portraits.scoring.model import DIMENSION_BY_CODE, FORCED_BY_CODE, RULE_BY_CODE

# Jurisdiction roles read and rescore the portraits of their area; the enterprise reads its own.
PORTRAIT_SCOPE = ScopeRule(
    region_path="organisation__region__path",
    organisation="organisation",
    change_roles=frozenset({"city_admin", "city_official", "district_official"}),
)

# Evidence kinds of the scoring engine -> (app label, model name) of the row they point at.
EVIDENCE_MODELS = {
    "hazard": ("hazards", "hiddenhazard"),
    "risk_object": ("hazards", "riskobject"),
    "risk_event": ("hazards", "riskevent"),
    "check_record": ("hazards", "checkrecord"),
    "check_task": ("hazards", "checktask"),
    "organisation": ("core", "organisation"),
    "finding": ("deepchecks", "finding"),
}


def evidence_url(kind: str, object_id: int, organisation_id: int) -> str | None:
    """The page that shows a piece of evidence (it is scoped there like everywhere else)."""
    try:
        if kind == "hazard":
            return reverse("hazards:hazard-detail", args=[object_id])
        if kind in ("risk_object", "risk_event", "check_task"):
            return reverse("hazards:registry-detail", args=[organisation_id])
        if kind == "check_record":
            return reverse("hazards:check-complete", args=[object_id])
        if kind == "organisation":
            return reverse("hazards:hazard-list") + f"?organisation={object_id}"
        if kind == "finding":
            return reverse("deepchecks:finding-detail", args=[object_id])
        if kind == "park_tenant":
            # A tenant of a factory-within-a-factory park (its three-in-one use), by its URL name:
            # the portraits import no app above them.
            return reverse("parks:tenant", args=[object_id])
    except NoReverseMatch:
        return None
    return None


def _choice_label(model: str, field: str, value: str) -> str | None:
    """The label of ``value`` among the choices of ``model.field``; None when either is unknown
    (the deep-check app is optional to the portraits, see ``services/facts.py``)."""
    try:
        choices = apps.get_model(model)._meta.get_field(field).flatchoices
    except (LookupError, FieldDoesNotExist):
        return None
    return next((str(label) for code, label in choices if code == value), None)


def _field_name(model: str, field: str) -> str:
    try:
        return str(apps.get_model(model)._meta.get_field(field).verbose_name)
    except (LookupError, FieldDoesNotExist):
        return field


def root_cause_label(key: str) -> str:
    """A deep check's root cause in the reader's words: its management element, else its direct cause."""
    return (
        _choice_label("deepchecks.RootCause", "management_element", key)
        or _choice_label("deepchecks.RootCause", "category", key)
        or key
    )


def deduction_detail_text(detail: dict[str, Any]) -> str:
    """A deduction's detail (codes and numbers, see ``DeductionResult``) as words in the active language."""
    if not detail:
        return ""
    if detail.get("root_cause"):
        cause = root_cause_label(detail["root_cause"])
        if detail.get("finding") is None:
            return gettext("root cause: %(cause)s") % {"cause": cause}
        return gettext("root cause: %(cause)s (finding %(finding)s)") % {"cause": cause, "finding": detail["finding"]}
    if "rate" in detail:
        return f"{detail['rate']}% ({detail['closed']}/{detail['found']})"
    if detail.get("missing"):
        persons = " / ".join(_field_name("hazards.RiskObject", field) for field in detail["missing"])
        return gettext("missing: %(persons)s") % {"persons": persons}
    return str(detail.get("text", ""))


class Portrait(AuditedModel):
    """One enterprise's health portrait for one year: score out of 100 and its colour.

    Invariants: one portrait per enterprise and year (database); 0 <= score <= 100; the colour is
    red whenever ``forced_red`` is set, else follows the score (< 60 red, 60-<75 orange, 75-<90
    yellow, >= 90 blue; domain-rules §1). Written only by ``portraits_rescore``/``portrait_compute``.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="portraits"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    colour = models.PositiveSmallIntegerField(_("colour"), choices=PortraitColour.choices, db_index=True)
    forced_red = models.BooleanField(_("forced red"), default=False)
    forced_reasons = models.JSONField(_("forced-red reasons"), default=list, blank=True)
    hazards_found = models.PositiveIntegerField(_("hidden hazards found"), default=0)
    hazards_closed = models.PositiveIntegerField(_("hidden hazards closed"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    scope_rule = PORTRAIT_SCOPE

    class Meta:
        ordering = ["-year", "score", "organisation_id"]
        verbose_name = _("health portrait")
        verbose_name_plural = _("health portraits")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="portraits_one_per_year"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="portraits_score_range"),
            models.CheckConstraint(condition=~Q(forced_red=True) | Q(colour=1), name="portraits_forced_red_is_red"),
        ]
        indexes = [models.Index(fields=["year", "colour"], name="portraits_year_colour")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.score}"

    @property
    def colour_key(self) -> str:
        return COLOUR_KEYS[self.colour]

    @property
    def colour_hex(self) -> str:
        return COLOUR_HEX[self.colour]

    def forced_reason_rows(self) -> list[dict[str, Any]]:
        """The forced-red reasons with their rule title and the link to their evidence."""
        rows = []
        for reason in self.forced_reasons:
            spec = FORCED_BY_CODE.get(reason["rule"])
            rows.append(
                {
                    **reason,
                    "title": spec.title if spec else reason["rule"],
                    "title_zh": spec.title_zh if spec else reason["rule"],
                    "url": evidence_url(reason["kind"], reason["id"], self.organisation_id),
                }
            )
        return rows


class DimensionScore(models.Model):
    """The points of one dimension of a portrait (derived; rewritten with the portrait)."""

    portrait = models.ForeignKey(Portrait, verbose_name=_("portrait"), on_delete=models.CASCADE, related_name="dimensions")
    dimension = models.CharField(_("dimension"), max_length=24)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    scope_rule = ScopeRule(
        region_path="portrait__organisation__region__path", organisation="portrait__organisation", change_roles=frozenset()
    )

    class Meta:
        ordering = ["portrait", "id"]
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        constraints = [models.UniqueConstraint(fields=["portrait", "dimension"], name="portraits_dimension_once")]

    def __str__(self) -> str:
        return f"{self.title}: {self.points}/{self.max_points}"

    @property
    def title(self) -> Any:
        spec = DIMENSION_BY_CODE.get(self.dimension)
        return spec.title if spec else self.dimension

    @property
    def title_zh(self) -> str:
        spec = DIMENSION_BY_CODE.get(self.dimension)
        return spec.title_zh if spec else self.dimension


class Deduction(models.Model):
    """One deduction of a portrait: the rule, its points, and the evidence that caused it.

    Every deduction points at one row (a hidden hazard, a risk object or event, a check record or
    task, a deep-check finding, or the enterprise itself for rates) through a generic link, so
    the district can show the enterprise exactly why each point was lost. Derived and rewritten
    with its portrait (hence not audited row by row; the portrait itself is).
    """

    portrait = models.ForeignKey(Portrait, verbose_name=_("portrait"), on_delete=models.CASCADE, related_name="deductions")
    dimension = models.CharField(_("dimension"), max_length=24)
    rule = models.CharField(_("rule"), max_length=48)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    evidence_type = models.ForeignKey(ContentType, verbose_name=_("evidence type"), on_delete=models.CASCADE, related_name="+")
    evidence_id = models.PositiveBigIntegerField(_("evidence id"))
    evidence_label = models.CharField(_("evidence"), max_length=200, blank=True)
    # Codes and numbers, never words: shown through ``detail_text`` in the reader's language.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    scope_rule = ScopeRule(
        region_path="portrait__organisation__region__path", organisation="portrait__organisation", change_roles=frozenset()
    )

    class Meta:
        ordering = ["portrait", "dimension", "-points", "id"]
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        indexes = [models.Index(fields=["evidence_type", "evidence_id"], name="portraits_deduction_evidence")]

    def __str__(self) -> str:
        return f"-{self.points} {self.rule_title} ({self.evidence_label})"

    @property
    def detail_text(self) -> str:
        return deduction_detail_text(self.detail)

    @property
    def evidence_kind(self) -> str:
        ct = ContentType.objects.get_for_id(self.evidence_type_id)  # cached by Django after the first read
        for kind, (app, model) in EVIDENCE_MODELS.items():
            if (ct.app_label, ct.model) == (app, model):
                return kind
        return ct.model

    @property
    def evidence_url(self) -> str | None:
        return evidence_url(self.evidence_kind, self.evidence_id, self.portrait.organisation_id)

    @property
    def rule_title(self) -> Any:
        spec = RULE_BY_CODE.get(self.rule)
        return spec.title if spec else self.rule

    @property
    def rule_title_zh(self) -> str:
        spec = RULE_BY_CODE.get(self.rule)
        return spec.title_zh if spec else self.rule

    @property
    def dimension_title(self) -> Any:
        spec = DIMENSION_BY_CODE.get(self.dimension)
        return spec.title if spec else self.dimension


class RescoreRequest(models.Model):
    """An enterprise's portrait of one year waiting to be rescored (the rescore outbox row).

    Written in the same transaction as the change that made the portrait stale (a hidden hazard,
    a registry row, a deep-check finding or root cause, a fire inspection: see
    ``services/outbox.py``). Debounced: each further change pushes ``due_at`` back by the debounce
    delay, but never beyond ``requested_at`` + the longest wait. A worker claims due rows with a
    conditional update (``claimed_at`` set only where it is still empty), so one rescoring runs per
    row whatever the number of workers; ``done_at`` marks it finished. Invariant (database): at most
    one unclaimed row per enterprise and year, so a burst of changes is one rescoring.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    requested_at = models.DateTimeField(_("first change at"))
    due_at = models.DateTimeField(_("rescore due at"))
    changes = models.PositiveIntegerField(_("changes"), default=1)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim = models.CharField(_("claim"), max_length=32, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    scope_rule = ScopeRule(region_path="organisation__region__path", organisation="organisation", change_roles=frozenset())

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("portrait rescore request")
        verbose_name_plural = _("portrait rescore requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], condition=Q(claimed_at__isnull=True), name="portraits_one_pending_rescore"
            ),
        ]
        indexes = [models.Index(fields=["due_at"], condition=Q(claimed_at__isnull=True), name="portraits_rescore_due")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year} due {self.due_at:%Y-%m-%d %H:%M}"
