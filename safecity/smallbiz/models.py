"""Small and micro enterprise safety services (issue 16, domain-rules §7c: 安全生产社会化服务).

- :class:`SmallEnterprise`: the register of small and micro enterprises, by street and village (the
  enterprise's region is its village: the village committee is the supervising grid), with the trade
  (a management category of the risk-control dictionary), the size and the risk level.
- :class:`ServiceProvider` (第三方安全服务机构) with its :class:`Qualification` rows (each with its expiry),
  its :class:`ServiceArea` rows and its :class:`ProviderEngineer` staff (注册安全工程师).
- :class:`Contract`: a group purchase (团购服务) of a service package by a street or a trade association
  for N enterprises (:class:`ContractEnterprise`); its :class:`Visit` schedule.
- :class:`Visit` (服务走访) with its checklist, :class:`VisitFinding` (each a hidden hazard of the
  hazards app), :class:`VisitPhoto` and :class:`VisitScore` (1-5, by the enterprise and the street).
- :class:`SupervisionRound`: a village committee's monthly supervision round.

Every row is written by the services (``services/``) and audited (AuditedModel). Scoping: the
regulators and the street / village over the enterprise's region; the enterprise's own people; a
provider's engineers reach the enterprises their provider's contracts in force cover (``scopes.py``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.hazards.choices import HazardLevel, HazardType, RiskLevel
from safecity.smallbiz.choices import BuyerKind, ContractState, EnterpriseSize, ScoreBy, VisitState

REGULATOR_ROLES = frozenset({"city_admin", "city_official", "district_official"})
# The street / town office and the village committee supervise the enterprises of their area.
LOCAL_ROLES = frozenset({"street_official", "village_supervisor"})
STREET_ROLES = frozenset({"street_official"})
ENGINEER_ROLES = frozenset({"service_engineer"})
ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
VIEW_ROLES = REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES | ENTERPRISE_ROLES | frozenset({"inspector"})


def _enterprise_scope(prefix: str = "", *, change: frozenset[str], enterprise_changes: bool = False) -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}organisation__region__path",
        organisation=f"{prefix}organisation",
        change_roles=change,
        organisation_change_roles=ENTERPRISE_ROLES if enterprise_changes else frozenset(),
        view_roles=VIEW_ROLES,
    )


def _provider_scope(prefix: str = "") -> ScopeRule:
    # The provider register is public to every signed-in user (the county bureau publishes it);
    # the district where the provider is registered maintains it (domain-rules §7c).
    return ScopeRule(region_path=f"{prefix}registered_with__path", authenticated=True, change_roles=REGULATOR_ROLES)


class SmallEnterprise(AuditedModel):
    """A small or micro enterprise under village supervision.

    The core organisation holds the name, credit code, address and region; its region is a
    village (12-digit code), so the village committee and the street above it reach it.
    ``trade`` is a management-category code of the risk-control dictionary (its checklist comes
    from there); ``risk_level`` uses the four levels of the dual-prevention guideline (1 red … 4 blue).
    """

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="small_enterprise"
    )
    trade = models.CharField(_("trade (dictionary category)"), max_length=2, blank=True)
    trade_name = models.CharField(_("trade"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices, default=EnterpriseSize.MICRO)
    risk_level = models.PositiveSmallIntegerField(_("risk level"), choices=RiskLevel.choices, default=RiskLevel.LOW)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)

    scope_rule = _enterprise_scope(change=REGULATOR_ROLES | STREET_ROLES)

    class Meta:
        ordering = ["organisation__name", "id"]
        verbose_name = _("small and micro enterprise")
        verbose_name_plural = _("small and micro enterprises")

    def __str__(self) -> str:
        return self.organisation.name


class ServiceProvider(AuditedModel):
    """A socialised safety service provider (第三方安全服务机构): a legal entity with premises and at
    least ``SAFECITY_SMALLBIZ_MIN_ENGINEERS`` (5) full-time registered safety engineers, registered
    with the county bureau (domain-rules §7c, Zhejiang guidance). It may be given new work only while
    it holds a qualification in force (:meth:`qualified_on`)."""

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("safety service provider"), on_delete=models.PROTECT, related_name="service_provider"
    )
    registered_with = models.ForeignKey(
        "core.Region", verbose_name=_("registered with (district)"), on_delete=models.PROTECT, related_name="+"
    )
    premises = models.CharField(_("premises"), max_length=255)

    scope_rule = _provider_scope()

    class Meta:
        ordering = ["organisation__name", "id"]
        verbose_name = _("safety service provider")
        verbose_name_plural = _("safety service providers")

    def __str__(self) -> str:
        return self.organisation.name


def _retirement_rule(name: str) -> models.CheckConstraint:
    # A retired row says why (the reason is what the register shows beside the date).
    return models.CheckConstraint(
        condition=Q(retired_on__isnull=True) | ~Q(retired_reason=""),
        name=name,
        violation_error_message=_("A retirement records its reason."),
    )


# The rows still in service (not retired, not removed): what counts for eligibility and planning.
IN_SERVICE = Q(retired_on__isnull=True)


class Qualification(AuditedModel):
    """A provider's qualification (资质) with its period; expired, or retired (revoked, withdrawn:
    ``retired_on`` with ``retired_reason``; the row stays in the register), it no longer counts."""

    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="qualifications"
    )
    name = models.CharField(_("qualification"), max_length=120)
    number = models.CharField(_("certificate number"), max_length=64)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason retired"), max_length=500, blank=True)

    scope_rule = _provider_scope("provider__")

    class Meta:
        ordering = ["provider", "-valid_until", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="smallbiz_qualification_period",
                violation_error_message=_("A qualification ends after it starts."),
            ),
            _retirement_rule("smallbiz_qualification_retired"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    @property
    def retired(self) -> bool:
        return self.retired_on is not None

    def valid_on(self, day: date) -> bool:
        """In force on ``day``: inside its period and not yet retired (retired from ``retired_on`` on)."""
        return self.valid_from <= day <= self.valid_until and (self.retired_on is None or day < self.retired_on)


class ServiceArea(AuditedModel):
    """A region (district or street) a provider serves. A removed area keeps its row with the day
    and the reason (``retired_on``, ``retired_reason``); a region is served once at a time."""

    provider = models.ForeignKey(ServiceProvider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    retired_on = models.DateField(_("removed on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason removed"), max_length=500, blank=True)

    scope_rule = _provider_scope("provider__")

    class Meta:
        ordering = ["provider", "region__code"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "region"],
                condition=Q(retired_on__isnull=True),
                name="smallbiz_area_unique",
                violation_error_message=_("The provider already serves this region."),
            ),
            _retirement_rule("smallbiz_area_retired"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.region}"

    @property
    def retired(self) -> bool:
        return self.retired_on is not None


class ProviderEngineer(AuditedModel):
    """A member of a provider's staff; ``registered`` with the registration number of a registered
    safety engineer (注册安全工程师, 注册安全工程师职业资格制度规定). A person works full time for one
    provider at most (database constraint). An engineer who left (``retired_on``, with the reason)
    keeps the row (their visits point at it) but no longer counts toward the provider's minimum
    (domain-rules §7c), gets no new visits and no longer reaches the provider's enterprises."""

    provider = models.ForeignKey(ServiceProvider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="engineers")
    person = models.ForeignKey("core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    registered = models.BooleanField(_("registered safety engineer"), default=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    full_time = models.BooleanField(_("full time"), default=True)
    retired_on = models.DateField(_("left on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for leaving"), max_length=500, blank=True)

    scope_rule = _provider_scope("provider__")

    class Meta:
        ordering = ["provider", "person__name", "id"]
        verbose_name = _("provider engineer")
        verbose_name_plural = _("provider engineers")
        constraints = [
            # Only the engineers still in service: a person who left may work full time elsewhere,
            # or come back to the same provider (a new row; the old one keeps its history).
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(full_time=True, retired_on__isnull=True),
                name="smallbiz_engineer_full_time_once",
                violation_error_message=_("This person already works full time for a provider."),
            ),
            models.UniqueConstraint(
                fields=["provider", "person"],
                condition=Q(retired_on__isnull=True),
                name="smallbiz_engineer_unique",
                violation_error_message=_("This person is already on the provider's staff."),
            ),
            _retirement_rule("smallbiz_engineer_retired"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def retired(self) -> bool:
        return self.retired_on is not None


class Contract(AuditedModel):
    """A group purchase (团购服务): a street or a trade association buys a service package from a
    provider for N enterprises (domain-rules §7c). ``price`` is the whole contract's; the government
    pays ``government_share`` of it and the enterprises the rest. Its region is the street (the
    street's and the district's people reach it, the village committees below see it)."""

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    buyer_kind = models.CharField(_("buyer"), max_length=20, choices=BuyerKind.choices)
    buyer = models.ForeignKey("core.Organisation", verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("street"), on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(ServiceProvider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="contracts")
    visits_per_year = models.PositiveSmallIntegerField(
        _("visits per enterprise a year"), default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    training = models.BooleanField(_("training included"), default=False)
    emergency_plan = models.BooleanField(_("emergency plan included"), default=False)
    price = models.DecimalField(_("price (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    government_share = models.DecimalField(
        _("share paid by government"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A share between 0 and 1, e.g. 0.70; the enterprises pay the rest."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=ContractState.choices, default=ContractState.DRAFT)

    scope_rule = ScopeRule(
        region_path="region__path",
        change_roles=REGULATOR_ROLES | STREET_ROLES,
        view_roles=REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES | frozenset({"inspector"}),
        region_ancestors=True,
    )

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("group-purchase contract")
        verbose_name_plural = _("group-purchase contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="smallbiz_contract_period",
                violation_error_message=_("A contract ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(government_share__gte=0, government_share__lte=1),
                name="smallbiz_contract_share",
                violation_error_message=_("The government's share is between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="smallbiz_contract_price", violation_error_message=_("A price is not negative.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def government_amount(self) -> Decimal:
        return (self.price * self.government_share).quantize(Decimal("0.01"))

    @property
    def enterprise_amount(self) -> Decimal:
        return self.price - self.government_amount

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ContractEnterprise(AuditedModel):
    """An enterprise a contract serves (once per contract)."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="members")
    enterprise = models.ForeignKey(
        SmallEnterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="memberships"
    )

    scope_rule = _enterprise_scope("enterprise__", change=REGULATOR_ROLES | STREET_ROLES)

    class Meta:
        ordering = ["contract", "enterprise__organisation__name"]
        verbose_name = _("enterprise served")
        verbose_name_plural = _("enterprises served")
        constraints = [models.UniqueConstraint(fields=["contract", "enterprise"], name="smallbiz_member_unique")]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.enterprise}"


class Visit(AuditedModel):
    """A service visit (服务走访) of a contract at one enterprise, due on ``due_on`` (the schedule),
    planned for ``planned_on`` by ``engineer`` (the CP-SAT plan, when one was found).

    Signed on the phone by one of the provider's engineers with the place (latitude/longitude from
    the browser) and the time: on time when done on or before the due date. ``checklist``: the
    items checked, from the dictionary ({"item": id or null, "content": text, "ok": bool}).
    """

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="visits")
    enterprise = models.ForeignKey(SmallEnterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits")
    engineer = models.ForeignKey(
        ProviderEngineer, verbose_name=_("engineer"), on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    sequence = models.PositiveSmallIntegerField(_("visit number"))
    due_on = models.DateField(_("due on"))
    # The working day the engineer is planned to come (services/planning.py): inside the visit's
    # window and never after ``due_on``, which stays the deadline; null while not planned.
    planned_on = models.DateField(_("planned visit day"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=VisitState.choices, default=VisitState.SCHEDULED)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The village supervisor watches visits; the street cancels them, the engineer signs them.
    scope_rule = _enterprise_scope("enterprise__", change=REGULATOR_ROLES | STREET_ROLES | ENGINEER_ROLES)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        constraints = [
            models.UniqueConstraint(fields=["contract", "enterprise", "sequence"], name="smallbiz_visit_unique"),
            models.CheckConstraint(
                condition=~Q(state=VisitState.DONE) | Q(done_at__isnull=False, latitude__isnull=False, longitude__isnull=False),
                name="smallbiz_visit_signed",
                violation_error_message=_("A done visit has its time and place."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="smallbiz_visit_latitude",
                violation_error_message=_("Latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="smallbiz_visit_longitude",
                violation_error_message=_("Longitude must lie between -180 and 180."),
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="smallbiz_visit_due")]

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.sequence} {self.due_on}"

    @property
    def on_time(self) -> bool | None:
        """Done on or before its due date (None while not done)."""
        if self.done_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.done_at).date() <= self.due_on


class VisitFinding(AuditedModel):
    """A finding of a visit; each becomes a hidden hazard of the hazards app (``hazard``) and follows
    its lifecycle there (the enterprise rectifies, acceptance per the hazards rules)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="findings")
    description = models.TextField(_("description"), max_length=2000)
    level = models.PositiveSmallIntegerField(_("level"), choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    hazard_type = models.PositiveSmallIntegerField(_("type"), choices=HazardType.choices, default=HazardType.SAFETY)
    hazard = models.OneToOneField(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.PROTECT, related_name="smallbiz_finding"
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("found by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_rule = _enterprise_scope("visit__enterprise__", change=REGULATOR_ROLES | ENGINEER_ROLES)

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("visit finding")
        verbose_name_plural = _("visit findings")

    def __str__(self) -> str:
        return self.description[:60]


def photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"smallbiz/visits/{instance.visit_id}/{filename}"


class VisitPhoto(AuditedModel):
    """A photo taken on a visit (JPEG or PNG, recognised by content, size limited)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    scope_rule = _enterprise_scope("visit__enterprise__", change=REGULATOR_ROLES | ENGINEER_ROLES)

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class VisitScore(AuditedModel):
    """A score of a done visit, 1 to 5, once by the enterprise served and once by the street."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="scores")
    by = models.CharField(_("scored by"), max_length=12, choices=ScoreBy.choices)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_rule = _enterprise_scope("visit__enterprise__", change=REGULATOR_ROLES | STREET_ROLES, enterprise_changes=True)

    class Meta:
        ordering = ["visit", "by"]
        verbose_name = _("visit score")
        verbose_name_plural = _("visit scores")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "by"],
                name="smallbiz_score_once",
                violation_error_message=_("This visit already has this score."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="smallbiz_score_range",
                violation_error_message=_("A score is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} · {self.get_by_display()} {self.score}"


class SupervisionRound(AuditedModel):
    """A village committee's monthly supervision round (月度巡查) over its small and micro
    enterprises: once per village and month, with what it found open at the time."""

    village = models.ForeignKey("core.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    done_on = models.DateField(_("done on"))
    enterprises_seen = models.PositiveIntegerField(_("enterprises seen"), default=0)
    visits_overdue = models.PositiveIntegerField(_("visits overdue"), default=0)
    hazards_open = models.PositiveIntegerField(_("hidden hazards open"), default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_rule = ScopeRule(
        region_path="village__path", change_roles=REGULATOR_ROLES | LOCAL_ROLES, view_roles=REGULATOR_ROLES | LOCAL_ROLES
    )

    class Meta:
        ordering = ["-month", "village__code"]
        verbose_name = _("supervision round")
        verbose_name_plural = _("supervision rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month"],
                name="smallbiz_round_monthly",
                violation_error_message=_("This village's round of this month is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.month:%Y-%m}"
