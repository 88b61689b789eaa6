"""Maintained counts of hidden hazards, so the supervision list's exact count costs the same at any size."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.scoping import ScopeRule
from safecity.hazards.choices import HazardLevel, HazardState


class HazardTally(models.Model):
    """How many hidden hazards there are per region path, level and state.

    Written only by the database triggers of ``safecity/hazards/db.py`` (every insert, update,
    delete, COPY and truncate of hidden hazards adjusts it in the same transaction), never by the
    application. Read by ``selectors.hazard_count``: the count of "level L, state S, under region
    R, within my jurisdiction" is a sum over the tallies whose path starts with R. Scoped like the
    hazards by region path (jurisdiction roles); other roles count the rows themselves.
    """

    region_path = models.CharField(_("region path"), max_length=255)
    level = models.PositiveSmallIntegerField(_("level"), choices=HazardLevel.choices)
    state = models.SmallIntegerField(_("state"), choices=HazardState.choices)
    n = models.BigIntegerField(_("number of hidden hazards"), default=0)

    scope_rule = ScopeRule(region_path="region_path", change_roles=frozenset())

    class Meta:
        verbose_name = _("hidden hazard tally")
        verbose_name_plural = _("hidden hazard tallies")
        constraints = [models.UniqueConstraint(fields=["region_path", "level", "state"], name="hazards_tally_key")]
        indexes = [models.Index(fields=["region_path"], opclasses=["varchar_pattern_ops"], name="hazards_tally_path")]

    def __str__(self) -> str:
        return f"{self.region_path} · {self.get_level_display()} · {self.get_state_display()}: {self.n}"
