"""Innovation projects in the library: the library entry a project produced or cites.

The library itself is its own app (``safecity.library``); this link is registered there as a
citing kind (``safecity.innovation.citations``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.innovation.choices import COMMITTEE_ROLES
from safecity.innovation.models.rounds import InnovationEntry

# Public, like the published list: which selected project produced which method is no secret;
# the project itself is shown only as the published row, or in full to those who may see it.
LINK_SCOPE = ScopeRule(public=True, authenticated=True, change_roles=COMMITTEE_ROLES)


class LibraryEntryProject(AuditedModel):
    """A library entry produced or cited by an innovation project (an audited link row)."""

    library_entry = models.ForeignKey(
        "library.LibraryEntry", verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(InnovationEntry, verbose_name=_("innovation project"), on_delete=models.CASCADE, related_name="+")

    scope_rule = LINK_SCOPE

    class Meta:
        verbose_name = _("library entry of a project")
        verbose_name_plural = _("library entries of projects")
        constraints = [models.UniqueConstraint(fields=["library_entry", "entry"], name="innovation_library_project_unique")]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.entry_id}"
