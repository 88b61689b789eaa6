"""The cylinder registry (TSG 23-2021), each cylinder's events and the filling gate's decisions.

Every event and every refusal at the filling gate is also a signed statement in the ledger
(``safecity.ledger``); rows here refer to it by ``ledger_index`` (an integer, not a foreign key, so
the two apps' migrations are independent). Rows are written by the services only.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind
from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.cylinders.choices import (
    MEDIUM_CLASS,
    CylinderState,
    EventKind,
    InspectionResult,
    Medium,
    MediumClass,
)
from safecity.cylinders.rules import CylinderFacts, reasons_display

REGULATOR_ROLES = frozenset({"city_admin", "city_official"})
# Who sees the registry at all: the regulator, district officials (their district's units) and the
# filling units (their own cylinders). Inspection stations look cylinders up by code (selectors).
VIEW_ROLES = frozenset({"city_admin", "city_official", "district_official", "filling_station_operator"})
EVENT_KIND_LABELS = dict(EventKind.choices)
# What ``rules.inspection_status`` says of a cylinder (the kinds of an inspection reminder).
REMINDER_LABELS = {"due_soon": _("Periodic inspection due soon"), "overdue": _("Periodic inspection overdue")}


class Cylinder(AuditedModel):
    """One gas cylinder with its permanent electronic code (TSG 23-2021, DB4114/T 185-2023).

    Invariants: ``code`` is unique across every cylinder ever registered (a scrapped cylinder keeps
    its row, so its voided code can never be reused); the cylinder belongs to exactly one filling
    unit (``owner``); ``state`` and the current facts (last/next inspection, scrap date) are
    denormalised from the events and written by the services only.
    """

    code = models.CharField(_("electronic code"), max_length=32, unique=True)
    serial_number = models.CharField(_("serial number"), max_length=40)
    manufacturer = models.CharField(_("manufacturer"), max_length=120)
    manufactured_on = models.DateField(_("manufacture date"))
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices, default=Medium.LPG)
    model_name = models.CharField(_("model"), max_length=40, blank=True, help_text=_("e.g. YSP35.5 (GB 5842)"))
    nominal_pressure_mpa = models.DecimalField(_("nominal working pressure (MPa)"), max_digits=6, decimal_places=2)
    volume_l = models.DecimalField(_("water volume (L)"), max_digits=7, decimal_places=1)
    wall_thickness_mm = models.DecimalField(_("design wall thickness (mm)"), max_digits=5, decimal_places=2)
    product_standard = models.CharField(_("product standard"), max_length=40, default="GB 5842")
    owner = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("owning filling unit"),
        on_delete=models.PROTECT,
        related_name="cylinders",
        limit_choices_to={"kind": OrganisationKind.FILLING_UNIT},
    )
    state = models.CharField(_("state"), max_length=20, choices=CylinderState.choices, default=CylinderState.EMPTY)
    last_inspected_on = models.DateField(_("last periodic inspection"), null=True, blank=True)
    last_inspection_result = models.CharField(
        _("last inspection result"), max_length=10, choices=InspectionResult.choices, blank=True
    )
    next_inspection_on = models.DateField(_("next periodic inspection"), null=True, blank=True, db_index=True)
    scrap_on = models.DateField(_("scrap date"), null=True, blank=True)
    scrapped_on = models.DateField(_("scrapped on"), null=True, blank=True)
    code_voided = models.BooleanField(_("code voided"), default=False)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)

    scope_rule = ScopeRule(
        region_path="owner__region__path",
        organisation="owner",
        change_roles=REGULATOR_ROLES,
        organisation_change_roles=frozenset({"filling_station_operator"}),
        view_roles=VIEW_ROLES,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("gas cylinder")
        verbose_name_plural = _("gas cylinders")
        indexes = [models.Index(fields=["owner", "state"], name="cyl_owner_state")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=CylinderState.SCRAPPED) | Q(code_voided=True),
                name="cylinders_scrapped_code_voided",
                violation_error_message=_("A scrapped cylinder's code must be voided."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def medium_class(self) -> str:
        return MEDIUM_CLASS.get(self.medium, MediumClass.GENERAL)

    def facts(self) -> CylinderFacts:
        return CylinderFacts(
            owner_id=self.owner_id,
            state=self.state,
            code_voided=self.code_voided,
            next_inspection_on=self.next_inspection_on,
            scrap_on=self.scrap_on,
            last_inspection_result=self.last_inspection_result,
            manufactured_on=self.manufactured_on,
            medium_class=self.medium_class,
            last_inspected_on=self.last_inspected_on,
        )


class CylinderEvent(AuditedModel):
    """One step of a cylinder's life, written and signed by the organisation that took it.

    ``data`` is exactly the body of the signed ledger statement (public: no person's name or
    phone); ``private`` keeps what must not be published (a household's name and address, the
    person who did it). ``ledger_index`` is the statement's position in the log; ``idempotency_key``
    is the statement's key, so the same submission is never recorded twice.
    """

    cylinder = models.ForeignKey(Cylinder, verbose_name=_("gas cylinder"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="cylinder_events"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=CylinderState.choices)
    data = models.JSONField(_("signed data"), default=dict)
    private = models.JSONField(_("private data"), default=dict, blank=True)
    ledger_index = models.BigIntegerField(_("ledger index"), unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    key_id = models.CharField(_("signing key"), max_length=64)

    scope_rule = ScopeRule(
        region_path="cylinder__owner__region__path",
        organisation="cylinder__owner",
        change_roles=REGULATOR_ROLES,
        organisation_change_roles=frozenset({"filling_station_operator"}),
        view_roles=VIEW_ROLES,
    )

    class Meta:
        ordering = ["cylinder", "occurred_at", "ledger_index"]
        verbose_name = _("cylinder event")
        verbose_name_plural = _("cylinder events")
        indexes = [
            models.Index(fields=["cylinder", "occurred_at"], name="cyl_event_cyl_time"),
            models.Index(fields=["kind", "occurred_at"], name="cyl_event_kind_time"),
            # The deliveries to one recipient organisation in time order: the restaurant gas
            # cross-check (issue 15) looks up a restaurant's deliveries instead of reading them all.
            models.Index(
                Cast(KeyTextTransform("recipient_organisation_id", "data"), models.BigIntegerField()),
                "occurred_at",
                condition=Q(kind="delivery"),
                name="cyl_event_recipient_time",
            ),
        ]

    def __str__(self) -> str:
        # The audit trail calls this for every row of a bulk import: one dictionary lookup.
        return f"{EVENT_KIND_LABELS.get(self.kind, self.kind)} #{self.ledger_index}"


class FillAttempt(AuditedModel):
    """One scan at a filling unit's gate and the answer: allow, or refuse with every reason.

    Refusals are also appended to the ledger (kind ``cylinders.fill_refused``) so that nobody can
    rewrite them later; ``cylinder`` is empty when the code was unknown (``code`` keeps what was
    scanned).
    """

    station = models.ForeignKey(
        "core.Organisation", verbose_name=_("filling unit"), on_delete=models.PROTECT, related_name="fill_attempts"
    )
    cylinder = models.ForeignKey(
        Cylinder, verbose_name=_("gas cylinder"), null=True, blank=True, on_delete=models.PROTECT, related_name="fill_attempts"
    )
    code = models.CharField(_("scanned code"), max_length=64)
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempted_at = models.DateTimeField(_("attempted at"), db_index=True)
    allowed = models.BooleanField(_("allowed"))
    reasons = models.JSONField(
        _("reasons"), default=list, blank=True, help_text=_("Reason codes and their parameters (shown translated).")
    )
    ledger_index = models.BigIntegerField(_("ledger index"), null=True, blank=True, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)

    scope_rule = ScopeRule(
        region_path="station__region__path",
        organisation="station",
        change_roles=REGULATOR_ROLES,
        organisation_change_roles=frozenset({"filling_station_operator"}),
        view_roles=VIEW_ROLES,
    )

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("fill attempt")
        verbose_name_plural = _("fill attempts")
        indexes = [models.Index(fields=["station", "allowed"], name="cyl_attempt_station")]

    def __str__(self) -> str:
        return f"{self.code} · {self.get_decision_display()}"

    def get_decision_display(self) -> str:
        """The gate's answer in the reader's language (准予充装 / 拒绝充装)."""
        return str(_("Allowed") if self.allowed else _("Refused"))

    @property
    def reason_codes(self) -> list[str]:
        return [r.get("code", "") for r in self.reasons]

    @property
    def reason_list(self) -> list[dict[str, Any]]:
        """The stored reason codes with their message in the reader's language."""
        return reasons_display(self.reasons)

    @property
    def unsigned_refusal(self) -> bool:
        """A refusal the platform could not sign (the unit holds its own key): not on the ledger yet."""
        return not self.allowed and self.ledger_index is None


class InspectionReminder(models.Model):
    """Claims one due-soon / overdue notice per cylinder, kind and due date (the daily job is idempotent)."""

    cylinder = models.ForeignKey(Cylinder, verbose_name=_("gas cylinder"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_rule = ScopeRule(
        region_path="cylinder__owner__region__path",
        organisation="cylinder__owner",
        change_roles=frozenset(),
        view_roles=VIEW_ROLES,
    )

    class Meta:
        verbose_name = _("inspection reminder")
        verbose_name_plural = _("inspection reminders")
        constraints = [
            models.UniqueConstraint(fields=["cylinder", "kind", "due_on"], name="cylinders_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cylinder_id} · {REMINDER_LABELS.get(self.kind, self.kind)} · {self.due_on}"
