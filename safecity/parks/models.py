"""Factory within a factory (厂中厂, issue 17 part 1; domain-rules §6).

A park (a multi-tenant industrial site) is run by its landlord, an enterprise (出租方) that leases
buildings or parts of them to tenants (承租方). The register holds what Jiangsu's 厂中厂 campaign
expects: the park's buildings and site plan (tenant areas, escape routes, the separation of people
and vehicles drawn as shapes on it), each tenant with the park's unified number (on its nameplate
and the plan), its credit code, business scope, area, workers, dangerous processes and the uses of
its premises; the safety-management agreement with each tenant (Safety Production Law art. 49);
the landlord's inspections of its tenants, its trainings and drills with attendance, and its notice
at the gate. ``services/findings.py`` raises the hidden hazards the register shows by itself
(``ParkFinding``); a tenant that left keeps its history.

Who sees what (core scoping): the district (and the city) every park in its jurisdiction; the
landlord's people their parks and tenants; a tenant's people their own tenant record, agreements
and inspections. Writes go through ``services`` only, checked against the park.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.parks.choices import ParkFindingKind, ShapeKind, TrainingKind

OFFICIAL_ROLES = frozenset({"city_admin", "city_official", "district_official", "street_official", "inspector"})
ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
VIEW_ROLES = OFFICIAL_ROLES | ENTERPRISE_ROLES


def _park_scope(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}landlord__region__path",
        organisation=f"{prefix}landlord",
        change_roles=OFFICIAL_ROLES,
        organisation_change_roles=ENTERPRISE_ROLES,
        view_roles=VIEW_ROLES,
    )


def _tenant_scope(prefix: str = "") -> ScopeRule:
    # The tenant's own people see their record; the landlord acts for the tenant in the register.
    return ScopeRule(
        region_path=f"{prefix}park__landlord__region__path",
        organisation=f"{prefix}organisation",
        organisations_also=(f"{prefix}park__landlord",),
        change_roles=OFFICIAL_ROLES,
        organisation_change_roles=ENTERPRISE_ROLES,
        view_roles=VIEW_ROLES,
    )


PARK_SCOPE = _park_scope()
TENANT_SCOPE = _tenant_scope()


def notice_token_new() -> str:
    return secrets.token_urlsafe(12)


def site_plan_path(park: Park, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"parks/plans/{park.pk}/{timezone.now():%Y%m%d%H%M%S}.{extension}"


def agreement_path(agreement: SafetyAgreement, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"parks/agreements/{agreement.tenant_id}/{timezone.now():%Y%m%d%H%M%S}.{extension}"


class Park(AuditedModel):
    """A multi-tenant industrial site (厂中厂) and its landlord.

    ``inspection_interval_days`` is the period the landlord set for inspecting each tenant; none set
    means it coordinates none of them (order No. 10 art. 3 (1): a major hidden hazard). The site plan
    is an image (an uploaded PDF page is rendered to one); shapes are drawn on it in its pixels."""

    landlord = models.ForeignKey("core.Organisation", verbose_name=_("landlord"), on_delete=models.PROTECT, related_name="parks")
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    number_prefix = models.CharField(
        _("unified number prefix"), max_length=12, blank=True, help_text=_("Put before each tenant's number, e.g. WJ-XH-.")
    )
    inspection_interval_days = models.PositiveSmallIntegerField(
        _("tenant inspection period (days)"),
        null=True,
        blank=True,
        help_text=_("How often the landlord inspects each tenant. Leave empty only if it inspects none."),
    )
    gate_notice = models.TextField(_("safety notice at the gate"), blank=True)
    site_plan = models.FileField(_("site plan"), upload_to=site_plan_path, blank=True)
    site_plan_width = models.PositiveIntegerField(_("site plan width (px)"), null=True, blank=True, editable=False)
    site_plan_height = models.PositiveIntegerField(_("site plan height (px)"), null=True, blank=True, editable=False)

    scope_rule = PARK_SCOPE

    class Meta:
        ordering = ["landlord__region__code", "name", "id"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        constraints = [
            models.UniqueConstraint(fields=["landlord", "name"], name="parks_park_name_unique"),
            models.CheckConstraint(
                condition=Q(inspection_interval_days__isnull=True)
                | Q(inspection_interval_days__gte=1, inspection_interval_days__lte=366),
                name="parks_park_interval_range",
                violation_error_message=_("The inspection period is between 1 and 366 days."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Building(AuditedModel):
    """A building of a park, leased whole or in parts."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("name"), max_length=60)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True)

    scope_rule = _park_scope("park__")

    class Meta:
        ordering = ["park", "name", "id"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="parks_building_name_unique")]

    def __str__(self) -> str:
        return self.name


class Tenant(AuditedModel):
    """A tenant of a park: an enterprise leasing premises in it.

    Invariants: a tenant in the park (no ``left_on``) has a unified number no other tenant in the
    park has; one enterprise is a tenant of a park once at a time; it left on or after it entered.
    A tenant that left keeps its row, agreements and inspections (its history)."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="tenants")
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("tenant enterprise"), on_delete=models.PROTECT, related_name="tenancies"
    )
    unified_number = models.CharField(_("unified number"), max_length=24)
    business_scope = models.CharField(_("business scope"), max_length=300, blank=True)
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, null=True, blank=True, related_name="tenants"
    )
    area_m2 = models.DecimalField(_("leased area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers"), default=0, validators=[MaxValueValidator(1_000_000)])
    dangerous_processes = models.CharField(_("dangerous processes"), max_length=300, blank=True)
    uses_production = models.BooleanField(_("used for production"), default=True)
    uses_storage = models.BooleanField(_("used for storage"), default=False)
    uses_living = models.BooleanField(_("people live there"), default=False)
    entered_on = models.DateField(_("moved in on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("why it left"), max_length=200, blank=True)
    safety_notice = models.TextField(_("tenant's safety notice"), blank=True)
    notice_token = models.CharField(_("notice link key"), max_length=32, unique=True, default=notice_token_new, editable=False)

    scope_rule = TENANT_SCOPE

    class Meta:
        ordering = ["park", "unified_number", "id"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "unified_number"],
                condition=Q(left_on__isnull=True),
                name="parks_tenant_number_unique",
                violation_error_message=_("Another tenant in this park has this unified number."),
            ),
            models.UniqueConstraint(
                fields=["park", "organisation"],
                condition=Q(left_on__isnull=True),
                name="parks_tenant_once",
                violation_error_message=_("This enterprise is already a tenant of the park."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="parks_tenant_left_after_entry",
                violation_error_message=_("A tenant leaves on or after the day it moved in."),
            ),
        ]
        indexes = [models.Index(fields=["park", "left_on"], name="parks_tenant_current")]

    def __str__(self) -> str:
        return f"{self.full_number} {self.organisation.name}" if self.organisation_id else self.unified_number

    @property
    def full_number(self) -> str:
        return f"{self.park.number_prefix}{self.unified_number}" if self.park_id else self.unified_number

    @property
    def three_in_one(self) -> bool:
        from safecity.parks.rules import three_in_one

        return three_in_one(production=self.uses_production, storage=self.uses_storage, living=self.uses_living)

    @property
    def in_park(self) -> bool:
        return self.left_on is None


class SiteShape(AuditedModel):
    """A shape on a park's site plan, in the plan image's pixels ([[x, y], ...], origin top left):
    a tenant's area (a polygon, linked to the tenant), an escape route, a pedestrian or vehicle way
    (lines), an assembly point (one point)."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="shapes")
    kind = models.CharField(_("kind"), max_length=20, choices=ShapeKind.choices)
    label = models.CharField(_("label"), max_length=60, blank=True)
    points = models.JSONField(_("points"))
    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.SET_NULL, null=True, blank=True, related_name="shapes"
    )

    scope_rule = _park_scope("park__")

    class Meta:
        ordering = ["park", "kind", "id"]
        verbose_name = _("site plan shape")
        verbose_name_plural = _("site plan shapes")

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class SafetyAgreement(AuditedModel):
    """The safety-management agreement between the landlord and one tenant (Safety Production Law
    art. 49), or the lease clauses that set out each side's safety duties (``in_lease``).

    Invariants: valid from a day to a later day, signed on or before it starts."""

    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    in_lease = models.BooleanField(_("duties set out in the lease"), default=False)
    landlord_duties = models.TextField(_("landlord's duties"))
    tenant_duties = models.TextField(_("tenant's duties"))
    document = models.FileField(_("document"), upload_to=agreement_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_rule = _tenant_scope("tenant__")

    class Meta:
        ordering = ["tenant", "-valid_until", "-id"]
        verbose_name = _("safety-management agreement")
        verbose_name_plural = _("safety-management agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")),
                name="parks_agreement_period",
                violation_error_message=_("An agreement is valid until a day after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__lte=models.F("valid_from")),
                name="parks_agreement_signed_first",
                violation_error_message=_("An agreement is signed on or before the day it starts."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "valid_until"], name="parks_agreement_tenant_until")]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y-%m-%d} – {self.valid_until:%Y-%m-%d}"


class TenantInspection(AuditedModel):
    """One of the landlord's regular safety inspections of a tenant, with the checklist
    (``rules.CHECKLIST``: item code -> passed, note). Each failed item is a finding reported as a
    hidden hazard of the tenant (``InspectionFinding``)."""

    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inspector_name = models.CharField(_("inspected by"), max_length=100)
    results = models.JSONField(_("checklist"), default=dict)
    note = models.TextField(_("note"), blank=True)

    scope_rule = _tenant_scope("tenant__")

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("tenant inspection")
        verbose_name_plural = _("tenant inspections")
        indexes = [models.Index(fields=["tenant", "-inspected_on"], name="parks_inspection_tenant_day")]

    def __str__(self) -> str:
        return f"{self.inspected_on:%Y-%m-%d}"

    @property
    def failed(self) -> int:
        return sum(1 for r in (self.results or {}).values() if not r.get("ok", True))


class InspectionFinding(AuditedModel):
    """A checklist item a tenant failed at an inspection, and the hidden hazard reported for it."""

    inspection = models.ForeignKey(
        TenantInspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.CharField(_("checklist item"), max_length=32)
    note = models.CharField(_("what was found"), max_length=300)
    hazard = models.ForeignKey(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.PROTECT, related_name="park_inspection_findings"
    )

    scope_rule = _tenant_scope("inspection__tenant__")

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")

    def __str__(self) -> str:
        return self.note


class Training(AuditedModel):
    """A safety training or emergency drill the landlord held for its tenants, with how many of
    each tenant's people attended (``TrainingAttendance``)."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=10, choices=TrainingKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    note = models.TextField(_("note"), blank=True)

    scope_rule = _park_scope("park__")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("training or drill")
        verbose_name_plural = _("trainings and drills")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="parks_training_hours", violation_error_message=_("A training lasts some time.")
            )
        ]

    def __str__(self) -> str:
        return self.topic


class TrainingAttendance(AuditedModel):
    training = models.ForeignKey(Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attendance")
    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="attendance")
    attendees = models.PositiveIntegerField(_("people attending"))

    scope_rule = _tenant_scope("tenant__")

    class Meta:
        ordering = ["training", "tenant"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["training", "tenant"], name="parks_attendance_once")]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.attendees}"


class ParkFinding(AuditedModel):
    """A condition of the register that the platform raised as a hidden hazard by itself
    (``services/findings.py``): a tenant without a valid agreement, a tenant not inspected within
    the landlord's period, a landlord inspecting none, a three-in-one tenant. It stands while the
    condition lasts (``cleared_on`` set when it stops); at most one standing per park, tenant and kind.
    The hidden hazard then follows its own lifecycle to acceptance."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="findings")
    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    kind = models.CharField(_("condition"), max_length=24, choices=ParkFindingKind.choices)
    hazard = models.ForeignKey(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.PROTECT, related_name="park_findings"
    )
    raised_on = models.DateField(_("raised on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)

    scope_rule = _park_scope("park__")

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("register finding")
        verbose_name_plural = _("register findings")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "tenant", "kind"],
                condition=Q(cleared_on__isnull=True, tenant__isnull=False),
                name="parks_finding_standing_tenant",
            ),
            models.UniqueConstraint(
                fields=["park", "kind"],
                condition=Q(cleared_on__isnull=True, tenant__isnull=True),
                name="parks_finding_standing_park",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
