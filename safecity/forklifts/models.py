"""The forklift platform (叉车数智化安全管理平台): plants and their zones, the registry of in-plant
motor vehicles (TSG 81-2022), their periodic inspections, the drivers (N1 certificates), the user
unit's safety people and its daily / weekly / monthly checks (SAMR order No. 74).

Rows are written by the services only (``services/``); every model is audited and scoped by the
enterprise that uses the trucks (its region for the regulator, itself for its own people).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.forklifts import compliance
from safecity.forklifts.choices import (
    CheckKind,
    EventKind,
    ForkliftStatus,
    InspectionResult,
    ReminderKind,
    SafetyRole,
    VehicleType,
    ZoneKind,
)

# The regulator: the market supervision bureau (city officials), district officials, the city admin.
REGULATOR_ROLES = frozenset({"city_admin", "city_official", "district_official"})
ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
# Who sees the platform at all; procurators, fire officers and experts have no business here.
VIEW_ROLES = REGULATOR_ROLES | ENTERPRISE_ROLES | {"inspector"}


def _scope(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}organisation__region__path",
        organisation=f"{prefix}organisation",
        change_roles=REGULATOR_ROLES,
        organisation_change_roles=ENTERPRISE_ROLES,
        view_roles=VIEW_ROLES,
    )


def site_plan_path(plant: Plant, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"forklifts/plans/{plant.organisation_id}/{timezone.now():%Y%m%d%H%M%S}.{extension}"


class Plant(AuditedModel):
    """A plant (厂区) of an enterprise, with its site plan and where the plan lies on the earth.

    ``south``/``west``/``north``/``east`` are the plan's corners in WGS 84 degrees, so a map places
    the image (a Leaflet image overlay) and the zones drawn in lon/lat on it.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="plants"
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    site_plan = models.FileField(_("site plan"), upload_to=site_plan_path, blank=True)
    south = models.DecimalField(_("south latitude"), max_digits=9, decimal_places=6)
    west = models.DecimalField(_("west longitude"), max_digits=9, decimal_places=6)
    north = models.DecimalField(_("north latitude"), max_digits=9, decimal_places=6)
    east = models.DecimalField(_("east longitude"), max_digits=9, decimal_places=6)

    scope_rule = _scope()

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name = _("plant")
        verbose_name_plural = _("plants")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="forklifts_plant_name_unique"),
            models.CheckConstraint(
                condition=Q(south__lt=models.F("north"), west__lt=models.F("east")),
                name="forklifts_plant_bounds",
                violation_error_message=_(
                    "The plant's south edge must lie below its north edge, its west edge left of its east edge."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def bounds(self) -> list[list[float]]:
        """Leaflet's order: [[south, west], [north, east]]."""
        return [[float(self.south), float(self.west)], [float(self.north), float(self.east)]]


class PlantZone(AuditedModel):
    """An area of a plant with its speed limit (km/h). A forbidden zone has no limit: no entry."""

    plant = models.ForeignKey(Plant, verbose_name=_("plant"), on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("zone kind"), max_length=20, choices=ZoneKind.choices)
    polygon = models.JSONField(_("polygon"), help_text=_("[[lon, lat], ...] in WGS 84, at least 3 points."))
    speed_limit_kmh = models.DecimalField(_("speed limit (km/h)"), max_digits=4, decimal_places=1, null=True, blank=True)

    scope_rule = _scope("plant__")

    class Meta:
        ordering = ["plant", "kind", "name", "id"]
        verbose_name = _("plant zone")
        verbose_name_plural = _("plant zones")
        constraints = [
            models.UniqueConstraint(fields=["plant", "name"], name="forklifts_zone_name_unique"),
            models.CheckConstraint(
                condition=(Q(kind=ZoneKind.FORBIDDEN) & Q(speed_limit_kmh__isnull=True))
                | (~Q(kind=ZoneKind.FORBIDDEN) & Q(speed_limit_kmh__gt=0)),
                name="forklifts_zone_speed_limit",
                violation_error_message=_("A forbidden zone has no speed limit (no entry); every other zone needs one above 0."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Forklift(AuditedModel):
    """One in-plant motor vehicle in use at an enterprise (TSG 81-2022).

    Invariants: a use registration is its certificate number and date together; a registration
    number is unique; the truck belongs to a plant of its enterprise (services); status changes go
    through ``transitions.py``; the inspection dates are written by the inspection service.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("user enterprise"), on_delete=models.PROTECT, related_name="forklifts"
    )
    plant = models.ForeignKey(Plant, verbose_name=_("plant"), on_delete=models.PROTECT, related_name="forklifts")
    number = models.CharField(_("in-plant number"), max_length=32)
    product_number = models.CharField(_("product number"), max_length=40)
    manufacturer = models.CharField(_("manufacturer"), max_length=120)
    model_name = models.CharField(_("model"), max_length=40)
    vehicle_type = models.CharField(_("vehicle type"), max_length=32, choices=VehicleType.choices)
    rated_load_kg = models.PositiveIntegerField(_("rated load (kg)"))
    manufactured_on = models.DateField(_("manufacture date"))
    first_used_on = models.DateField(_("first used on"), null=True, blank=True)
    registration_number = models.CharField(_("use registration certificate number"), max_length=40, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    last_inspected_on = models.DateField(_("last periodic inspection"), null=True, blank=True)
    last_inspection_result = models.CharField(
        _("last inspection result"), max_length=10, choices=InspectionResult.choices, blank=True
    )
    next_inspection_on = models.DateField(_("next periodic inspection"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=ForkliftStatus.choices, default=ForkliftStatus.IN_USE)
    safety_officer = models.ForeignKey(
        "core.Person",
        verbose_name=_("safety officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forklifts_in_charge",
    )
    # The seam to the telemetry engine: the safety monitoring device fitted to the truck (made from
    # 2023-12-01: 市监特设发〔2022〕87号), which reports positions, speed, belt, load and the driver.
    device = models.OneToOneField(
        "telemetry.Device",
        verbose_name=_("monitoring device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forklift",
    )

    scope_rule = _scope()

    class Meta:
        ordering = ["organisation", "number", "id"]
        verbose_name = _("forklift")
        verbose_name_plural = _("forklifts")
        indexes = [models.Index(fields=["organisation", "status"], name="forklifts_org_status")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="forklifts_number_unique"),
            models.UniqueConstraint(
                fields=["registration_number"], condition=~Q(registration_number=""), name="forklifts_registration_unique"
            ),
            models.CheckConstraint(
                condition=(Q(registration_number="") & Q(registered_on__isnull=True))
                | (~Q(registration_number="") & Q(registered_on__isnull=False)),
                name="forklifts_registration_complete",
                violation_error_message=_("A use registration needs both its certificate number and its date."),
            ),
            models.CheckConstraint(
                condition=Q(rated_load_kg__gt=0),
                name="forklifts_rated_load_positive",
                violation_error_message=_("The rated load must be above 0 kg."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def needs_monitoring_device(self) -> bool:
        return compliance.needs_monitoring_device(self.manufactured_on)

    def inspection_status(self, today: date | None = None) -> str:
        return compliance.inspection_status(next_inspection_on=self.next_inspection_on, today=today or timezone.localdate())

    def registration_status(self, today: date | None = None) -> str:
        return compliance.registration_status(
            first_used_on=self.first_used_on, registered_on=self.registered_on, today=today or timezone.localdate()
        )

    @property
    def is_active(self) -> bool:
        return self.status != ForkliftStatus.SCRAPPED


class ForkliftEvent(models.Model):
    """One line of a truck's timeline, written by the service that changed it (never edited)."""

    forklift = models.ForeignKey(Forklift, verbose_name=_("forklift"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=ForkliftStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=ForkliftStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = _scope("forklift__")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("forklift event")
        verbose_name_plural = _("forklift events")

    def __str__(self) -> str:
        return f"{self.forklift_id} · {self.get_kind_display()}"


class ForkliftInspection(AuditedModel):
    """A periodic inspection by the inspection body (TSG 81-2022): passed, it sets the next date."""

    forklift = models.ForeignKey(Forklift, verbose_name=_("forklift"), on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    report_number = models.CharField(_("inspection report number"), max_length=40)
    inspection_body = models.CharField(_("inspection body"), max_length=120, blank=True)
    next_inspection_on = models.DateField(_("next periodic inspection"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = _scope("forklift__")

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("forklift inspection")
        verbose_name_plural = _("forklift inspections")

    def __str__(self) -> str:
        return f"{self.forklift} · {self.inspected_on}"


class Operator(AuditedModel):
    """A forklift driver with an N1 operator certificate (TSG Z6001-2019), authorised by an enterprise
    and bound to the authorisation card or face id the truck's monitoring device reads."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("authorising enterprise"), on_delete=models.PROTECT, related_name="forklift_operators"
    )
    name = models.CharField(_("name"), max_length=60)
    certificate_number = models.CharField(_("N1 certificate number"), max_length=40, unique=True)
    certificate_issued_on = models.DateField(_("certificate issued on"))
    certificate_valid_until = models.DateField(_("certificate valid until"), db_index=True)
    card_id = models.CharField(_("authorisation card id"), max_length=64, blank=True)
    face_id = models.CharField(_("face id"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("authorised"), default=True)

    scope_rule = _scope()

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name = _("forklift driver")
        verbose_name_plural = _("forklift drivers")
        constraints = [
            models.UniqueConstraint(fields=["card_id"], condition=~Q(card_id=""), name="forklifts_operator_card_unique"),
            models.UniqueConstraint(fields=["face_id"], condition=~Q(face_id=""), name="forklifts_operator_face_unique"),
            models.CheckConstraint(
                condition=Q(certificate_valid_until__gte=models.F("certificate_issued_on")),
                name="forklifts_certificate_dates",
                violation_error_message=_("A certificate cannot expire before it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def certificate_status(self, today: date | None = None) -> str:
        return compliance.certificate_status(valid_until=self.certificate_valid_until, today=today or timezone.localdate())


class SafetyAppointment(AuditedModel):
    """The user unit's safety director or a safety officer (SAMR order No. 74); one director at a time."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="forklift_appointments"
    )
    person = models.ForeignKey("core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=SafetyRole.choices)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    scope_rule = _scope()

    class Meta:
        ordering = ["organisation", "role", "appointed_on", "id"]
        verbose_name = _("safety appointment")
        verbose_name_plural = _("safety appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role=SafetyRole.DIRECTOR, ended_on__isnull=True),
                name="forklifts_one_director",
                violation_error_message=_("The enterprise already has a safety director."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class SafetyCheck(AuditedModel):
    """A daily check (日管控, art. 142), weekly investigation (周排查, art. 143) or monthly scheduling
    meeting (月调度, art. 144) of SAMR order No. 74, one per enterprise and period.

    ``zero_risk`` is the "zero-risk" report: nothing was found (set by the service: no findings).
    A monthly meeting keeps its minutes.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="forklift_checks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CheckKind.choices)
    period_start = models.DateField(_("period"))
    performed_on = models.DateField(_("performed on"))
    performed_by = models.ForeignKey(
        "core.Person", verbose_name=_("performed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    zero_risk = models.BooleanField(_("zero-risk report"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)

    scope_rule = _scope()

    class Meta:
        ordering = ["-period_start", "kind", "-id"]
        verbose_name = _("forklift safety check")
        verbose_name_plural = _("forklift safety checks")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "period_start"],
                name="forklifts_check_per_period",
                violation_error_message=_("This period's record is already made."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=CheckKind.MONTHLY) | ~Q(minutes=""),
                name="forklifts_meeting_minutes",
                violation_error_message=_("A monthly scheduling meeting needs its minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period_start}"


class CheckFinding(AuditedModel):
    """A problem a check found; each is reported as a hidden hazard through the hazards app."""

    check_record = models.ForeignKey(SafetyCheck, verbose_name=_("check"), on_delete=models.CASCADE, related_name="findings")
    forklift = models.ForeignKey(
        Forklift, verbose_name=_("forklift"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    description = models.TextField(_("description"))
    hazard = models.ForeignKey(
        "hazards.HiddenHazard",
        verbose_name=_("hidden hazard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_rule = _scope("check_record__")

    class Meta:
        ordering = ["check_record", "id"]
        verbose_name = _("check finding")
        verbose_name_plural = _("check findings")

    def __str__(self) -> str:
        return self.description[:60]


class ForkliftReminder(models.Model):
    """Claims one reminder per truck or driver, kind and due date (the daily job is idempotent)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    forklift = models.ForeignKey(
        Forklift, verbose_name=_("forklift"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    operator = models.ForeignKey(
        Operator, verbose_name=_("forklift driver"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_rule = ScopeRule(
        region_path="organisation__region__path", organisation="organisation", change_roles=frozenset(), view_roles=VIEW_ROLES
    )

    class Meta:
        verbose_name = _("forklift reminder")
        verbose_name_plural = _("forklift reminders")
        constraints = [
            models.UniqueConstraint(fields=["forklift", "kind", "due_on"], name="forklifts_reminder_forklift"),
            models.UniqueConstraint(fields=["operator", "kind", "due_on"], name="forklifts_reminder_operator"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_on}"
