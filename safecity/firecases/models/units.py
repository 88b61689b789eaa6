"""Fire brigade records: inspections, units with a major fire hazard (GB 35181-2017), leads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.firecases.choices import DeterminationMethod, InspectionResult, LeadStatus, ThreeInOne

# Only the procuratorate and the fire rescue detachment see fire-case records (issue 7 §3);
# selectors narrow further (a fire officer: own brigade; a procurator: the units concerned).
AGENCIES = frozenset({"procurator", "fire_officer"})
# The city safety office and the district officials supervise fire governance in their jurisdiction
# (issue 13): they see the list of units with a major fire hazard and the cases (number, unit, state,
# clock), and count the rest for the figures, but never read the procuratorate's internal
# documents (evidence, hearings, letters, replies, decisions, timeline).
OFFICIALS = frozenset({"city_admin", "city_official", "district_official"})
SUPERVISORS = AGENCIES | OFFICIALS
UNIT_PATH = "organisation__region__path"


class FireInspection(AuditedModel):
    """A fire-safety inspection of a unit by the fire rescue detachment.

    Its findings are hidden hazards of type "fire" in the dual-prevention lifecycle (linked in
    ``hazards``); a finding may be passed to the procuratorate as a :class:`Lead`. It also records
    its determination on three-in-one use (``three_in_one``), which the health portrait reads.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="fire_inspections"
    )
    fire_brigade = models.ForeignKey(
        "core.Organisation", verbose_name=_("fire rescue detachment"), on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    # A structured fact, not a word in a finding's description: the health portrait's forced-red
    # rule "three-in-one premises" reads it (portraits' fact providers, see firecases/portraits.py).
    three_in_one = models.CharField(
        _("three-in-one premises"), max_length=16, choices=ThreeInOne.choices, default=ThreeInOne.NOT_ASSESSED, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hazards = models.ManyToManyField(
        "hazards.HiddenHazard", verbose_name=_("fire hidden hazards"), blank=True, related_name="fire_inspections"
    )

    scope_rule = ScopeRule(region_path=UNIT_PATH, view_roles=AGENCIES, change_roles=frozenset({"fire_officer"}))

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("fire-safety inspection")
        verbose_name_plural = _("fire-safety inspections")

    def __str__(self) -> str:
        return f"{self.organisation} {self.inspected_on}"


class MajorFireHazardUnit(AuditedModel):
    """A unit with a major fire hazard (重大火灾隐患单位) and how it was determined.

    GB 35181-2017: direct determination needs at least one item of chapter 6; comprehensive
    determination weighs elements of chapter 7 and is decided by collective discussion (recorded in
    ``discussion``). One determination per unit and year.
    """

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="major_fire_hazards"
    )
    fire_brigade = models.ForeignKey(
        "core.Organisation", verbose_name=_("fire rescue detachment"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        FireInspection, verbose_name=_("inspection"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("determination method"), max_length=20, choices=DeterminationMethod.choices)
    direct_items = models.JSONField(_("direct determination items (GB 35181-2017 ch. 6)"), default=list, blank=True)
    comprehensive_elements = models.JSONField(
        _("comprehensive determination elements (GB 35181-2017 ch. 7)"), default=list, blank=True
    )
    discussion = models.TextField(_("collective discussion / expert argument"), blank=True)
    evidence = models.TextField(_("evidence"))
    determined_on = models.DateField(_("determined on"))
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("determined by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    scope_rule = ScopeRule(region_path=UNIT_PATH, view_roles=SUPERVISORS, change_roles=frozenset({"fire_officer"}))

    class Meta:
        ordering = ["-determined_on", "-id"]
        verbose_name = _("unit with a major fire hazard")
        verbose_name_plural = _("units with a major fire hazard")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.determined_on:%Y})"


class Lead(AuditedModel):
    """A lead passed by the fire rescue detachment to the procuratorate about one unit."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="fire_leads"
    )
    fire_brigade = models.ForeignKey(
        "core.Organisation", verbose_name=_("fire rescue detachment"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        FireInspection, verbose_name=_("inspection"), null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    major_unit = models.ForeignKey(
        MajorFireHazardUnit,
        verbose_name=_("unit with a major fire hazard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.REFERRED)
    referred_at = models.DateTimeField(_("referred at"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    scope_rule = ScopeRule(region_path=UNIT_PATH, view_roles=AGENCIES, change_roles=frozenset({"fire_officer", "procurator"}))

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.organisation} {self.referred_at:%Y-%m-%d}"
