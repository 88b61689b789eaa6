"""Restaurant gas safety (issue 15, domain-rules §7a): the catering units that cook with gas, the
bottle-to-pipeline / bottle-to-electric conversion programme (瓶改管 / 瓶改电) street by street, each
restaurant's steps through it (survey, plan, construction, acceptance, subsidy) with their evidence.

A restaurant is an organisation of the core registry (its name, unified social credit code, street,
address and location live there; its cylinder deliveries are already on the ledger, addressed to
that organisation); :class:`Restaurant` adds what the programme needs: the kitchen fuel today, the
cylinders on site and allowed, and the contracted supplier (the filling unit it buys from).

Rows are written by the services only (``services/``); every model is audited and scoped by the
restaurant's street (the district and street officials, the inspectors on the street) and by the
restaurant itself (its own people see their record).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.restaurants.choices import (
    Acceptor,
    ConversionAction,
    ConversionStep,
    ConversionTarget,
    FlagKind,
    KitchenFuel,
    LeakOutcome,
)

# The programme is run by the districts (and the city above them); inspectors survey and accept on
# the street, on their phones. A restaurant's own people see their record.
REGULATOR_ROLES = frozenset({"city_admin", "city_official", "district_official"})
FIELD_ROLES = frozenset({"inspector"})
ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
VIEW_ROLES = REGULATOR_ROLES | FIELD_ROLES | ENTERPRISE_ROLES


def _scope(prefix: str = "", *, restaurant_changes: bool = False) -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}organisation__region__path",
        organisation=f"{prefix}organisation",
        change_roles=REGULATOR_ROLES | FIELD_ROLES,
        # The restaurant's manager applies for its subsidy (the transition table says which step).
        organisation_change_roles=frozenset({"enterprise_manager"}) if restaurant_changes else frozenset(),
        view_roles=VIEW_ROLES,
    )


class Restaurant(AuditedModel):
    """A catering unit in the gas programme: its kitchen fuel today and its cylinders.

    ``cylinders_allowed``: how many LPG cylinders the restaurant may keep on site (in use and spare);
    the local programme sets it (``SAFECITY_RESTAURANT_CYLINDERS_ALLOWED``, 2 by default: one in use,
    one spare), and more on site is a hidden hazard (domain-rules §7a: large stores are high risk).
    ``supplier``: the filling unit the restaurant has its supply contract with; cylinders delivered by
    another station are flagged by the cross-check.
    """

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("restaurant"), on_delete=models.PROTECT, related_name="restaurant"
    )
    fuel = models.CharField(_("kitchen fuel"), max_length=20, choices=KitchenFuel.choices, default=KitchenFuel.BOTTLED_LPG)
    cylinders_on_site = models.PositiveSmallIntegerField(_("cylinders on site"), default=0)
    cylinders_allowed = models.PositiveSmallIntegerField(
        _("cylinders allowed"), default=2, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    supplier = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("contracted supplier"),
        on_delete=models.PROTECT,
        related_name="supplied_restaurants",
        null=True,
        blank=True,
    )

    scope_rule = _scope()

    class Meta:
        ordering = ["organisation__name", "id"]
        verbose_name = _("restaurant")
        verbose_name_plural = _("restaurants")
        constraints = [
            models.CheckConstraint(
                condition=Q(fuel=KitchenFuel.BOTTLED_LPG) | Q(cylinders_on_site=0),
                name="restaurants_no_cylinders_after_conversion",
                violation_error_message=_("A kitchen on piped gas or electric keeps no LPG cylinders on site."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class Campaign(AuditedModel):
    """A conversion campaign for a street or an area: its target restaurants, its deadline and its
    subsidy terms (a share of the cost, up to a cap per restaurant; e.g. 30 %, paid twice a year,
    domain-rules §7a). The restaurants it targets are its :class:`Conversion` rows."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("street or area"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    subsidy_rate = models.DecimalField(
        _("subsidy rate"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("The share of the conversion cost the programme pays, e.g. 0.30."),
    )
    subsidy_cap = models.DecimalField(
        _("subsidy cap per restaurant (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    description = models.TextField(_("description"), blank=True)

    scope_rule = ScopeRule(region_path="region__path", change_roles=REGULATOR_ROLES, view_roles=REGULATOR_ROLES | FIELD_ROLES)

    class Meta:
        ordering = ["-deadline", "name", "id"]
        verbose_name = _("conversion campaign")
        verbose_name_plural = _("conversion campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy_rate__gte=0, subsidy_rate__lte=1),
                name="restaurants_campaign_rate",
                violation_error_message=_("The subsidy rate is a share between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Conversion(AuditedModel):
    """One restaurant's way through the programme. A restaurant is in the programme once (a second
    listing is refused), and its steps follow ``transitions.py``: survey → plan → construction →
    acceptance → subsidy applied → approved → paid, or, when neither pipe nor electric is feasible,
    the plan records the reason and the restaurant moves to the safety-device track (it stays on
    cylinders with a gas-leak alarm linked to an automatic shut-off valve)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="conversions")
    restaurant = models.OneToOneField(
        Restaurant, verbose_name=_("restaurant"), on_delete=models.PROTECT, related_name="conversion"
    )
    step = models.CharField(_("step"), max_length=20, choices=ConversionStep.choices, default=ConversionStep.LISTED)
    # survey (一户一表)
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    appliances = models.CharField(_("gas appliances"), max_length=200, blank=True)
    pipe_feasible = models.BooleanField(_("piped gas feasible"), null=True, blank=True)
    electric_feasible = models.BooleanField(_("electric feasible"), null=True, blank=True)
    willing = models.BooleanField(_("willing to convert"), null=True, blank=True)
    survey_note = models.TextField(_("survey note"), blank=True)
    # plan
    target = models.CharField(_("conversion"), max_length=10, choices=ConversionTarget.choices, blank=True)
    infeasible_reason = models.TextField(_("why it cannot convert"), blank=True)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    # construction and acceptance
    construction_started_on = models.DateField(_("construction started on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptor = models.CharField(_("accepted by"), max_length=20, choices=Acceptor.choices, blank=True)
    acceptor_name = models.CharField(_("accepting unit"), max_length=120, blank=True)
    cost = models.DecimalField(_("conversion cost (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    # subsidy
    subsidy_amount = models.DecimalField(_("subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    subsidy_applied_on = models.DateField(_("subsidy applied for on"), null=True, blank=True)
    subsidy_approved_on = models.DateField(_("subsidy approved on"), null=True, blank=True)
    subsidy_paid_on = models.DateField(_("subsidy paid on"), null=True, blank=True)

    scope_rule = _scope("restaurant__", restaurant_changes=True)

    class Meta:
        ordering = ["campaign", "restaurant__organisation__name", "id"]
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | (Q(construction_started_on__isnull=False) & Q(accepted_on__gte=models.F("construction_started_on"))),
                name="restaurants_acceptance_after_construction",
                violation_error_message=_("A kitchen is accepted after its construction started, not before."),
            ),
            models.CheckConstraint(
                condition=Q(subsidy_amount__isnull=True) | Q(subsidy_amount__gte=0),
                name="restaurants_subsidy_not_negative",
                violation_error_message=_("A subsidy is not negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.restaurant} · {self.campaign}"

    @property
    def converted(self) -> bool:
        """Accepted as converted (to pipe or to electric), whatever became of the subsidy."""
        return self.accepted_on is not None


class ConversionEvent(models.Model):
    """The timeline of a conversion: one row per step, written by the service that made it."""

    conversion = models.ForeignKey(Conversion, verbose_name=_("conversion"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=ConversionAction.choices)
    from_step = models.CharField(_("from step"), max_length=20, choices=ConversionStep.choices)
    to_step = models.CharField(_("to step"), max_length=20, choices=ConversionStep.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = _scope("conversion__restaurant__")

    class Meta:
        ordering = ["conversion", "at", "id"]
        verbose_name = _("conversion step")
        verbose_name_plural = _("conversion steps")

    def __str__(self) -> str:
        return f"{self.conversion} · {self.get_action_display()}"


def evidence_path(instance: ConversionEvidence, filename: str) -> str:
    return f"restaurants/{instance.conversion_id}/{instance.stage}/{filename}"


class ConversionEvidence(AuditedModel):
    """A photo or PDF of a step (the survey sheet, the site before and after, the acceptance
    certificate, the subsidy voucher); type recognised by content, size limited."""

    conversion = models.ForeignKey(Conversion, verbose_name=_("conversion"), on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField(_("step"), max_length=20, choices=ConversionAction.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    scope_rule = _scope("conversion__restaurant__")

    class Meta:
        ordering = ["conversion", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class CrossCheckFlag(AuditedModel):
    """What the cross-check against the signed cylinder ledger found at a restaurant, one row per
    (restaurant, kind): a converted restaurant still receiving cylinders, cylinders from a station
    other than the contracted supplier, more cylinders on site than allowed. ``ledger_indexes`` are
    the ledger entries that prove it (each verifiable on the ledger's page); ``hazard`` the hidden
    hazard raised for it (once; later runs add evidence to the same flag)."""

    restaurant = models.ForeignKey(Restaurant, verbose_name=_("restaurant"), on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("finding"), max_length=32, choices=FlagKind.choices)
    first_at = models.DateTimeField(_("first seen at"))
    last_at = models.DateTimeField(_("last seen at"))
    count = models.PositiveIntegerField(_("ledger entries"))
    ledger_indexes = models.JSONField(_("ledger entries"), default=list)
    hazard = models.ForeignKey(
        "hazards.HiddenHazard",
        verbose_name=_("hidden hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_rule = _scope("restaurant__")

    class Meta:
        ordering = ["-last_at", "id"]
        verbose_name = _("cross-check finding")
        verbose_name_plural = _("cross-check findings")
        constraints = [models.UniqueConstraint(fields=["restaurant", "kind"], name="restaurants_flag_unique")]

    def __str__(self) -> str:
        return f"{self.restaurant} · {self.get_kind_display()}"


class LeakAlarm(AuditedModel):
    """A gas-leak alarm of a restaurant's detector and what people did about it (issue 15 §4).

    Opened with the telemetry alarm (rule ``gas-leak``, ``restaurants.detectors``): the valve has
    closed on the device, the restaurant and the officials over its street were told at once on two
    channels. It must then be dispositioned (false alarm, or leak found and fixed, with what was
    done) by ``due_at`` (``SAFECITY_GAS_LEAK_DISPOSE_MINUTES`` after it fired, a local programme
    rule); overdue, a valve reported open during the alarm, or a detector silent while it is
    open, escalate it to the district and city officials (``escalations``: each reason once)."""

    alarm = models.OneToOneField("telemetry.Alarm", verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="leak")
    restaurant = models.ForeignKey(Restaurant, verbose_name=_("restaurant"), on_delete=models.CASCADE, related_name="leaks")
    fired_at = models.DateTimeField(_("fired at"))
    due_at = models.DateTimeField(_("to be dispositioned by"))
    outcome = models.CharField(_("disposition"), max_length=16, choices=LeakOutcome.choices, blank=True)
    note = models.TextField(_("what was found and done"), blank=True)
    disposed_at = models.DateTimeField(_("dispositioned at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispositioned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalations = models.JSONField(_("escalated because"), default=list, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    scope_rule = ScopeRule(
        region_path="restaurant__organisation__region__path",
        organisation="restaurant__organisation",
        change_roles=REGULATOR_ROLES | FIELD_ROLES,
        organisation_change_roles=ENTERPRISE_ROLES,
        view_roles=VIEW_ROLES,
    )

    class Meta:
        ordering = ["-fired_at", "-id"]
        verbose_name = _("gas-leak alarm")
        verbose_name_plural = _("gas-leak alarms")
        indexes = [models.Index(fields=["disposed_at", "due_at"], name="restaurants_leak_open")]

    def __str__(self) -> str:
        return f"{self.restaurant} {self.fired_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.disposed_at is None
