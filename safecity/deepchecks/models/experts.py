"""The expert pool of the deep safety check: experts, their specialties, affiliations, free days, documents."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.deepchecks.choices import SENIOR_LEVELS, AffiliationKind, DocumentKind, ExpertLevel

OFFICIALS = frozenset({"city_admin", "city_official", "district_official"})

# The pool belongs to a region (the district that runs the checks): its officials manage it;
# an expert sees their own record.
POOL_SCOPE = ScopeRule(region_path="expert__region__path", person="expert__person", change_roles=OFFICIALS)


class Specialty(AuditedModel):
    """A specialty from the maintained list (process safety, electrical, instrumentation, ...). Reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_rule = ScopeRule(authenticated=True, change_roles=frozenset({"city_admin", "city_official"}))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name


class Expert(AuditedModel):
    """An expert of the pool. The person's organisation is the current employer (a conflict of
    interest for enterprises of that organisation or its group). ``level`` national/provincial is
    "provincial-level or above" for the panel rule."""

    person = models.OneToOneField("core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="expert")
    region = models.ForeignKey(
        "core.Region", verbose_name=_("pool region"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The region whose expert pool holds this expert (its officials manage it)."),
    )  # fmt: skip
    level = models.CharField(_("level"), max_length=16, choices=ExpertLevel.choices, db_index=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), related_name="experts", blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(region_path="region__path", person="person", change_roles=OFFICIALS)

    class Meta:
        ordering = ["person__name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.person.name

    @property
    def is_senior(self) -> bool:
        return self.level in SENIOR_LEVELS


class ExpertAffiliation(AuditedModel):
    """An organisation the expert works or worked for, or is related to (consulting, design,
    shares). Any affiliation valid within ``conflict_years`` (default 3) of the check is a conflict
    of interest with that organisation and with every enterprise of the same group company."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AffiliationKind.choices, default=AffiliationKind.EMPLOYER)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: still valid."))

    scope_rule = POOL_SCOPE

    class Meta:
        ordering = ["expert", "-valid_until"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="deepchecks_affiliation_dates",
                violation_error_message=_("An affiliation cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.organisation}"

    def counts_on(self, day: date, years: int = 3) -> bool:
        """Is this affiliation a conflict for a check on ``day``: still valid, or ended within ``years``."""
        return self.valid_until is None or self.valid_until >= day - timedelta(days=365 * years)


class ExpertUnavailability(AuditedModel):
    """Days the expert cannot sit on a panel (inclusive range)."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="unavailability")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_rule = POOL_SCOPE

    class Meta:
        ordering = ["expert", "start"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailability")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="deepchecks_unavailability_dates",
                violation_error_message=_("The end of an unavailability cannot be before its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} {self.start}–{self.end}"

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def document_path(instance: ExpertDocument, filename: str) -> str:
    return f"experts/{instance.expert_id}/{filename}"


class ExpertDocument(AuditedModel):
    """A qualification document of an expert (certificate, letter of appointment): its type, number,
    issuer and expiry, and the scanned file (PDF, JPEG or PNG, checked by content and size like
    hidden-hazard evidence). Uploaded and replaced by the officials of the expert's pool
    (``services.documents``); the expert sees their own. Every upload and replacement is audited;
    an expired document stays on record, shown as expired."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.QUALIFICATION)
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path)
    content_type = models.CharField(_("file type"), max_length=40, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_rule = POOL_SCOPE

    class Meta:
        ordering = ["expert", "kind", "-valid_until", "id"]
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def is_expired(self, today: date | None = None) -> bool:
        """Valid until a day before ``today`` (a document valid until today is still valid today)."""
        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())
