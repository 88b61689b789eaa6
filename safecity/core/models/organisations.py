"""Organisations: government departments, enterprises, experts' institutions and all others."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind
from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.core.validators import validate_credit_code, validate_industry_code


class Organisation(AuditedModel):
    """Any organisation the system knows: a department, an enterprise, a school, ...

    Keyed by its unified social credit code (GB 32100-2015, validated with its check character)
    where it has one; unique when present. ``parent`` is the group company or parent department
    and never forms a cycle (service ``organisation_update`` checks). ``industry_code`` is a
    GB/T 4754-2017 code.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    industry_code = models.CharField(
        _("industry code (GB/T 4754)"), max_length=5, blank=True, validators=[validate_industry_code]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(
        region_path="region__path",
        organisation="pk",
        # Street offices keep the register of their small and micro enterprises (issue 16).
        change_roles=frozenset({"city_admin", "city_official", "district_official", "street_official"}),
        organisation_change_roles=frozenset({"enterprise_manager", "filling_station_operator"}),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="core_organisation_credit_code_unique",
                violation_error_message=_("An organisation with this unified social credit code already exists."),
                violation_error_code="credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="core_organisation_latitude_range",
                violation_error_message=_("Latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="core_organisation_longitude_range",
                violation_error_message=_("Longitude must lie between -180 and 180."),
            ),
        ]
        indexes = [models.Index(fields=["region", "kind"], name="core_org_region_kind")]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude: Any = None) -> None:
        """Report a duplicate credit code on the credit-code field, where the user typed it."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            for error in general:
                if getattr(error, "code", None) == "credit_code_unique":
                    errors.setdefault("credit_code", []).append(error)
                else:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(error)
            raise ValidationError(errors) from None
