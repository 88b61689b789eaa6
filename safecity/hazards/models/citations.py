"""Hidden hazards citing the library: the regulation or standard a hazard breaches (its legal basis)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.hazards.models.hazards import HAZARD_SCOPE
from safecity.library.models import Citation, citation_scope


class LibraryCitation(Citation):
    """A hidden hazard citing a library entry (an audited link row). Seen, audited and exported
    exactly where its hazard is; written by whoever may change the hazard
    (``safecity.hazards.citations``)."""

    hazard = models.ForeignKey(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="library_citations"
    )

    scope_rule = citation_scope(HAZARD_SCOPE, "hazard")

    class Meta:
        ordering = ["id"]
        verbose_name = _("hazard citation")
        verbose_name_plural = _("hazard citations")
        constraints = [models.UniqueConstraint(fields=["library_entry", "hazard"], name="hazards_library_citation_unique")]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.hazard_id}"
