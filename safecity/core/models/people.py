"""People, their user accounts and the roles they hold in organisations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import Role
from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule


class Person(AuditedModel):
    """A person the system knows: an official, an inspector, an expert, an enterprise employee.

    A person may have a user account (``user``) to sign in; what they may see and change comes
    from their :class:`RoleAssignment` rows, never from the account itself.
    """

    name = models.CharField(_("name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(
        region_path="organisation__region__path",
        organisation="organisation",
        person="pk",
        change_roles=frozenset({"city_admin", "city_official", "district_official"}),
        organisation_change_roles=frozenset({"enterprise_manager"}),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class RoleAssignment(AuditedModel):
    """A role a person holds in an organisation, with the region it reaches (jurisdiction).

    The jurisdiction bounds what a jurisdiction role (city/district official, inspector, ...)
    sees: the subtree of ``jurisdiction``. Organisation roles (enterprise manager/staff,
    filling-station operator) see their ``organisation``. See :mod:`safecity.core.roles`.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    jurisdiction = models.ForeignKey(
        "core.Region", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    scope_rule = ScopeRule(
        region_path="jurisdiction__path",
        organisation="organisation",
        person="person",
        change_roles=frozenset({"city_admin"}),
    )

    class Meta:
        ordering = ["person", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "organisation"],
                name="core_roleassignment_unique",
                violation_error_message=_("This person already holds this role in this organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.organisation}"
