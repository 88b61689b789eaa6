"""Administrative divisions (行政区划) as a tree keyed by their official code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import RegionLevel
from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.core.validators import validate_region_code


class Region(AuditedModel):
    """An administrative division: province, city, district, zone, street or village.

    Keyed by its GB/T 2260 code (6 digits), extended to 9/12 digits by the statistics division
    codes for streets and villages. ``path`` is the materialised chain of codes from the root
    ("320000/320400/320411/"), so "everything under this region" is one indexed prefix query.
    Invariants: a code is unique; a child's code extends its parent's; no cycles (services
    ``region_create`` / ``region_update`` keep ``path`` and ``depth`` consistent).
    """

    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # unique: a btree index, and on PostgreSQL Django adds the varchar_pattern_ops "_like" index
    # that serves the prefix (subtree) queries.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)

    # Region names and codes are public reference data; only city administrators change them.
    scope_rule = ScopeRule(region_path="path", authenticated=True, change_roles=frozenset({"city_admin"}))

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"
